"""Key rotation's pure parts: the profiles that use a key, their two values replaced in place, the
journal, and where an interrupted rotation goes on."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from iam_tui.core.aws_config import profiles_with_key, replace_values
from iam_tui.core.key_rotation import Journal, JournalError, ProfileUse, Resume, Step, resume_point, resume_text
from iam_tui.core.secret import Secret

NEW: dict[str, str | Secret] = {"aws_access_key_id": "AKIANEW", "aws_secret_access_key": Secret("new/secret")}
TEXT = ("# top\r\n[a]\r\naws_access_key_id=AKIAOLD  \r\nAWS_Secret_Access_Key :  old\r\nregion = x\r\n"
        "[b]\naws_access_key_id = AKIAOTHER\n[c]\n  aws_access_key_id = AKIAOLD\n  aws_secret_access_key = s")


def test_profiles_with_a_key_in_either_file() -> None:
    assert profiles_with_key(TEXT, "AKIAOLD", config_file=False) == ["a", "c"]
    config = "[default]\naws_access_key_id = AKIAOLD\n[profile x y]\n[profile w]\naws_access_key_id = AKIAOLD\n"
    assert profiles_with_key(config, "AKIAOLD", config_file=True) == ["default", "w"]


def test_only_the_values_change() -> None:
    out = replace_values(TEXT, "a", NEW, config_file=False)
    assert out == TEXT.replace("AKIAOLD  \r\n", "AKIANEW  \r\n", 1).replace(":  old\r\n", ":  new/secret\r\n")
    out = replace_values(TEXT, "c", NEW, config_file=False)
    assert out == TEXT[:TEXT.index("[c]")] + "[c]\n  aws_access_key_id = AKIANEW\n  aws_secret_access_key = new/secret"


def test_what_cannot_be_replaced_in_place_is_refused() -> None:
    with pytest.raises(ValueError, match="no section"):
        replace_values(TEXT, "zz", NEW, config_file=False)
    with pytest.raises(ValueError, match="has no aws_secret_access_key"):
        replace_values(TEXT, "b", NEW, config_file=False)
    spanning = "[a]\naws_access_key_id = AKIAOLD\n    more\naws_secret_access_key = s\n"
    with pytest.raises(ValueError, match="spans"):
        replace_values(spanning, "a", NEW, config_file=False)


JOURNAL = Journal("123456789012", "alice", "arn:aws:iam::123456789012:user/alice", "AKIAOLD", ("AKIAOLD",),
                  (ProfileUse("work"), ProfileUse("default", config_file=True)), "/h/.aws/credentials",
                  "/h/.aws/config", datetime(2026, 12, 1, tzinfo=UTC))


def test_the_journal_round_trips_and_refuses_what_it_did_not_write() -> None:
    later = JOURNAL.at(Step.KEY_CREATED, new_key_id="AKIANEW")
    assert Journal.from_json(later.to_json()) == later
    for text in ("{", "[]", '{"version": 1}', later.to_json().replace('"version": 1', '"version": 2')):
        with pytest.raises(JournalError):
            Journal.from_json(text)


WORK, DEFAULT = ProfileUse("work"), ProfileUse("default", config_file=True)
HOLDS = {"none": {WORK: "AKIAOLD", DEFAULT: "AKIAOLD"}, "all": {WORK: "AKIANEW", DEFAULT: "AKIANEW"},
         "credentials only": {WORK: "AKIANEW", DEFAULT: "AKIAOLD"}}  # stopped between the two files' writes


@pytest.mark.parametrize(("step", "keys", "holds", "expected"), [
    (Step.STARTED, ["AKIAOLD"], "none", Resume.CREATE),
    # a key the journal does not name: never deleted, and it takes the second place
    (Step.STARTED, ["AKIAOLD", "AKIAMADE"], "none", Resume.NO_ROOM),
    (Step.KEY_CREATED, ["AKIAOLD", "AKIANEW"], "none", Resume.DELETE_ORPHAN),
    (Step.KEY_CREATED, ["AKIAOLD"], "none", Resume.CREATE),  # the orphan was deleted by hand
    (Step.KEY_CREATED, ["AKIAOLD", "AKIANEW"], "all", Resume.VERIFY),
    (Step.KEY_CREATED, ["AKIAOLD", "AKIANEW"], "credentials only", Resume.VERIFY),
    (Step.KEY_CREATED, ["AKIAOLD"], "credentials only", Resume.NEW_KEY_GONE),
    (Step.PROFILES_WRITTEN, ["AKIAOLD", "AKIANEW"], "all", Resume.VERIFY),
    (Step.VERIFIED, ["AKIAOLD", "AKIANEW"], "all", Resume.DEACTIVATE_OLD),
    (Step.VERIFIED, ["AKIAOLD", "AKIANEW"], "credentials only", Resume.VERIFY),
    (Step.OLD_DEACTIVATED, ["AKIAOLD", "AKIANEW"], "all", Resume.DELETE_OLD),
    (Step.OLD_DEACTIVATED, ["AKIANEW"], "all", Resume.FINISHED),
])
def test_where_an_interrupted_rotation_goes_on(step: Step, keys: list[str], holds: str, expected: Resume) -> None:
    journal = JOURNAL.at(step, new_key_id=None if step is Step.STARTED else "AKIANEW")
    holding = HOLDS[holds]
    assert resume_point(journal, "123456789012", keys, holding) is expected
    assert resume_point(journal, "999999999999", keys, holding) is Resume.OTHER_ACCOUNT
    assert "{" not in resume_text(journal, expected, keys, holding)


def test_a_profile_holding_the_new_key_is_never_given_up() -> None:
    """Whatever step the journal reached, once a file holds the new key (its secret) a resume goes forward."""
    for step in Step:
        journal = JOURNAL.at(step, new_key_id="AKIANEW")
        point = resume_point(journal, "123456789012", ["AKIAOLD", "AKIANEW"], HOLDS["credentials only"])
        assert point is Resume.VERIFY
    text = resume_text(JOURNAL.at(Step.KEY_CREATED, new_key_id="AKIANEW"), Resume.VERIFY, ["AKIAOLD", "AKIANEW"],
                       HOLDS["credentials only"])
    assert "Profile work already holds the new key AKIANEW" in text


def test_the_orphan_is_named() -> None:
    made = JOURNAL.at(Step.KEY_CREATED, new_key_id="AKIAMADE")
    text = resume_text(made, Resume.DELETE_ORPHAN, ["AKIAOLD", "AKIAMADE"])
    assert "AKIAMADE" in text and "secret is lost" in text and "AKIAOLD" in text
    text = resume_text(JOURNAL, Resume.NO_ROOM, ["AKIAOLD", "AKIAELSE"])
    assert "AKIAELSE" in text and "does not delete" in text
