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


@pytest.mark.parametrize("written", [
    "p%40ss%20w%2Frd%22%C3%A9%5C%2B%26%3C",        # URL-encoded (quote)
    "p%40ss+w%2Frd%22%C3%A9%5C%2B%26%3C",          # form-encoded (quote_plus), as in an AWS query body
    "p%40ss%20w%2frd%22%c3%a9%5c%2b%26%3c",        # lower-case hex escapes
    'p@ss w/rd\\"\\u00e9\\\\+&<',                  # JSON-escaped, ASCII only
    'p@ss w/rd\\"\\u00E9\\\\+&<',                  # ... upper-case hex
    'p@ss w/rd\\"é\\\\+&<',                        # JSON-escaped, UTF-8
    "p@ss w/rd&quot;é\\+&amp;&lt;",                # XML-escaped
])
def test_scrub_masks_the_encoded_forms_of_a_secret(written: str) -> None:
    secret = Secret('p@ss w/rd"é\\+&<')
    assert scrub(f"AWS says: {written} is invalid", [secret]) == f"AWS says: {MASK} is invalid"
