import copy
import pickle

import pytest

from iam_tui.core.secret import MASK, Secret, scrub


def test_secret_never_shows_its_value() -> None:
    secret = Secret("hunter2-Very-Secret")
    for text in (repr(secret), str(secret), f"{secret}", f"{secret!r}", "%s" % (secret,), f"{[secret]}"):
        assert "hunter2" not in text
        assert MASK in text
    assert secret.reveal() == "hunter2-Very-Secret"


def test_secret_cannot_be_pickled_and_copies_are_the_same_object() -> None:
    secret = Secret("abc")
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    assert copy.deepcopy(secret) is secret


def test_equality_compares_values() -> None:
    assert Secret("a") == Secret("a") and Secret("a") != Secret("b")


def test_scrub_masks_every_occurrence() -> None:
    assert scrub("bad password p4ss! and p4ss!", [Secret("p4ss!")]) == f"bad password {MASK} and {MASK}"
    assert scrub("nothing", [Secret("")]) == "nothing"


def test_only_strings() -> None:
    with pytest.raises(TypeError):
        Secret(123)  # type: ignore[arg-type]
