"""Guided access key rotation (CIS 1.13): the journal that lets a rotation interrupted half-way be resumed, and
what resuming means at each step. Pure: ``aws/key_rotation.py`` reads and writes the journal and does the work.

The steps, in order: a new key is created (its secret exists only in memory), every AWS CLI profile that used
the old key gets the new one (the secret is now in the files), the new key is verified with STS through those
profiles, the old key is deactivated, and after a confirmation deleted. The journal records the step reached
and never a secret: key IDs, the user, the profiles' names and the files' paths.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

JOURNAL_NAME = "iam-tui-key-rotation.json"
JOURNAL_VERSION = 1


class Step(StrEnum):
    STARTED = "started"  # nothing changed yet, as far as the journal knows
    KEY_CREATED = "key-created"  # the new key exists; its secret only in the app's memory
    PROFILES_WRITTEN = "profiles-written"  # the profiles hold the new key (the secret is in the files)
    VERIFIED = "verified"  # STS answered as the user through the profiles
    OLD_DEACTIVATED = "old-deactivated"  # waits for the confirmation to delete the old key


class Resume(StrEnum):
    """What resuming an unfinished rotation does next."""

    DELETE_ORPHAN = "delete-orphan"  # a new key whose secret was lost: delete it, then start again
    CREATE = "create"  # start again from creating the new key
    VERIFY = "verify"  # the profiles hold the new key: verify it, then deactivate the old one
    DEACTIVATE_OLD = "deactivate-old"
    DELETE_OLD = "delete-old"  # ask for the confirmation, then delete the old key
    FINISHED = "finished"  # the old key is gone already: only the journal is left
    OTHER_ACCOUNT = "other-account"  # the journal is about another account: resume with its credentials


RESUME_TEXT = {
    Resume.DELETE_ORPHAN: "The new key {new} was created, but iam-tui stopped before writing it to the profiles: its "
                          "secret is lost (AWS shows a secret only once). Resuming deletes {new} and starts again "
                          "with a fresh key; the profiles still use {old}, which still works.",
    Resume.CREATE: "Nothing was changed yet: resuming creates the new key.",
    Resume.VERIFY: "The profiles already hold the new key {new}: resuming verifies it with STS, then deactivates "
                   "{old}.",
    Resume.DEACTIVATE_OLD: "The new key {new} works: resuming deactivates the old key {old}.",
    Resume.DELETE_OLD: "The old key {old} is deactivated: confirm to delete it (it cannot be undone).",
    Resume.FINISHED: "The old key {old} is gone already: the rotation is complete.",
    Resume.OTHER_ACCOUNT: "This rotation is for account {account}: run iam-tui with that account's credentials to "
                          "resume it.",
}


class JournalError(ValueError):
    """The journal file is not one iam-tui wrote (the message never holds its content)."""


@dataclass(frozen=True)
class ProfileUse:
    """A profile that used the old key, and where: the credentials file, or the config file (``[profile x]``)."""

    name: str
    config_file: bool = False

    @property
    def where(self) -> str:
        return "config file" if self.config_file else "credentials file"


@dataclass(frozen=True)
class Journal:
    account_id: str
    user_name: str
    user_arn: str
    old_key_id: str
    keys_before: tuple[str, ...]  # the user's key IDs at the start: any other key is one this rotation made
    profiles: tuple[ProfileUse, ...]
    credentials_file: str
    config_file: str
    started_at: datetime
    step: Step = Step.STARTED
    new_key_id: str | None = None
    version: int = field(default=JOURNAL_VERSION)

    def at(self, step: Step, **changes: Any) -> Journal:
        return replace(self, step=step, **changes)

    def profiles_in(self, config_file: bool) -> list[str]:
        return [p.name for p in self.profiles if p.config_file is config_file]

    def to_json(self) -> str:
        data = {
            "version": self.version, "account_id": self.account_id, "user_name": self.user_name,
            "user_arn": self.user_arn, "old_key_id": self.old_key_id, "keys_before": list(self.keys_before),
            "profiles": [{"name": p.name, "config_file": p.config_file} for p in self.profiles],
            "credentials_file": self.credentials_file, "config_file": self.config_file,
            "started_at": self.started_at.isoformat(), "step": self.step.value, "new_key_id": self.new_key_id,
        }
        return json.dumps(data, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Journal:
        try:
            data = json.loads(text)
            if data.get("version") != JOURNAL_VERSION:
                raise JournalError("the rotation journal was written by another version of iam-tui")
            return cls(
                data["account_id"], data["user_name"], data["user_arn"], data["old_key_id"],
                tuple(data["keys_before"]),
                tuple(ProfileUse(str(p["name"]), bool(p["config_file"])) for p in data["profiles"]),
                data["credentials_file"], data["config_file"], datetime.fromisoformat(data["started_at"]),
                Step(data["step"]), data.get("new_key_id"))
        except JournalError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError):
            raise JournalError("the rotation journal is damaged") from None


def orphans(journal: Journal, key_ids: Sequence[str]) -> list[str]:
    """The user's keys that this rotation made and whose secret the app no longer has."""
    return sorted(set(key_ids) - set(journal.keys_before))


def resume_point(journal: Journal, account_id: str, key_ids: Sequence[str], profiles_hold_new_key: bool) -> Resume:
    """Where an unfinished rotation goes on, from the journal and what is in AWS and the files now (the app may
    have stopped after a step was made and before the journal recorded it).

    ``key_ids``: the user's access keys now; ``profiles_hold_new_key``: every journalled profile reads the new
    key's ID (only meaningful once a new key is known)."""
    if journal.account_id != account_id:
        return Resume.OTHER_ACCOUNT
    if journal.old_key_id not in key_ids:
        return Resume.FINISHED
    step = journal.step
    if step is Step.STARTED or (step is Step.KEY_CREATED and not profiles_hold_new_key):
        return Resume.DELETE_ORPHAN if orphans(journal, key_ids) else Resume.CREATE
    if step in (Step.KEY_CREATED, Step.PROFILES_WRITTEN):
        return Resume.VERIFY
    if step is Step.VERIFIED:
        return Resume.DEACTIVATE_OLD
    return Resume.DELETE_OLD


def resume_text(journal: Journal, point: Resume, key_ids: Sequence[str] = ()) -> str:
    """The explanation the screen shows before offering to resume (``key_ids``: the user's keys now)."""
    new = ", ".join(orphans(journal, key_ids)) if point is Resume.DELETE_ORPHAN else journal.new_key_id
    return RESUME_TEXT[point].format(new=new or "(unknown)", old=journal.old_key_id, account=journal.account_id)
