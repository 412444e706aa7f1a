"""Guided access key rotation (CIS 1.13): the journal that lets a rotation interrupted half-way be resumed, and
what resuming means at each step. Pure: ``aws/key_rotation.py`` reads and writes the journal and does the work.

The steps, in order: a new key is created (its secret exists only in memory), every AWS CLI profile that used
the old key gets the new one (the secret is now in the files), the new key is verified with STS through those
profiles, the old key is deactivated and kept inactive (deleted only when the person asks). The journal records
the step reached and each file's write, never a secret: key IDs, the user, the profiles' names and the files'
paths.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from .fix_plan import FixProblem

JOURNAL_NAME = "iam-tui-key-rotation.json"
LOCK_NAME = "iam-tui-key-rotation.lock"  # beside the journal: one rotation at a time over these files
JOURNAL_VERSION = 1
MAX_KEYS = 2  # AWS's limit of access keys per user


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
    NEW_KEY_GONE = "new-key-gone"  # a profile holds the new key, but it was deleted: start again for them
    NO_ROOM = "no-room"  # a key this rotation did not record takes the second place: the user decides
    OTHER_ACCOUNT = "other-account"  # the journal is about another account: resume with its credentials


RESUME_TEXT = {
    Resume.DELETE_ORPHAN: "The new key {new} was created, but iam-tui stopped before writing it to the profiles: its "
                          "secret is lost (AWS shows a secret only once). Resuming deletes {new} and starts again "
                          "with a fresh key; the profiles still use {old}, which still works.",
    Resume.CREATE: "No profile holds a new key yet: resuming creates the new key.",
    Resume.VERIFY: "Profile {holding_new} already holds the new key {new} (its secret is in the files): resuming "
                   "writes it into any profile that still holds {old}, verifies it with STS, then deactivates {old}.",
    Resume.NEW_KEY_GONE: "Profile {holding_new} holds the new key {new}, but {new} no longer exists in AWS (deleted "
                         "elsewhere): those profiles do not work. Resuming makes another new key and writes it into "
                         "the profiles that hold {old} or {new}.",
    Resume.NO_ROOM: "The user has two keys: {old} and {unknown}, which this rotation did not record (made elsewhere, "
                    "or right before iam-tui stopped: its secret would then be lost). iam-tui does not delete a key "
                    "it cannot tell is unused: check {unknown} on the keys screen (its last use, the profiles that "
                    "hold it), delete it there if it is unused, then resume.",
    Resume.DEACTIVATE_OLD: "The new key {new} works: resuming deactivates the old key {old}.",
    Resume.DELETE_OLD: "The new key {new} works and the old key {old} is deactivated: resuming completes the "
                       "rotation. The old key stays inactive until you delete it (d, then its ID).",
    Resume.FINISHED: "The old key {old} is gone already: the rotation is complete.",
    Resume.OTHER_ACCOUNT: "This rotation is for account {account}: run iam-tui with that account's credentials to "
                          "resume it.",
}


@dataclass(frozen=True)
class Holder:
    """Who holds the rotation lock: written into the lock file by the holder, read by the others."""

    pid: int
    host: str
    since: datetime

    def to_text(self) -> str:
        return json.dumps({"pid": self.pid, "host": self.host, "since": self.since.isoformat()}) + "\n"

    @classmethod
    def from_text(cls, text: str) -> Holder | None:
        try:
            data = json.loads(text)
            return cls(int(data["pid"]), str(data["host"]), datetime.fromisoformat(data["since"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            return None


class RotationBusy(FixProblem):
    """Another iam-tui holds the rotation lock: this one must not read the journal as unfinished, nor act."""

    def __init__(self, holder: Holder | None, lock_path: str) -> None:
        who = (f"iam-tui (pid {holder.pid} on {holder.host}, since {holder.since:%Y-%m-%d %H:%M:%S %Z})".rstrip()
               if holder else "another iam-tui")
        super().__init__(f"{who} is rotating a key with these AWS CLI files (it holds {lock_path}). Wait until it "
                         "has finished or is closed, then try again: two rotations at once could delete the only "
                         "working key.")
        self.holder = holder


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
    # each file's write, as recorded right after it: ("credentials" or "config", the key ID it now holds)
    written: tuple[tuple[str, str], ...] = ()
    version: int = field(default=JOURNAL_VERSION)

    def at(self, step: Step, **changes: Any) -> Journal:
        return replace(self, step=step, **changes)

    def to_json(self) -> str:
        data = {
            "version": self.version, "account_id": self.account_id, "user_name": self.user_name,
            "user_arn": self.user_arn, "old_key_id": self.old_key_id, "keys_before": list(self.keys_before),
            "profiles": [{"name": p.name, "config_file": p.config_file} for p in self.profiles],
            "credentials_file": self.credentials_file, "config_file": self.config_file,
            "started_at": self.started_at.isoformat(), "step": self.step.value, "new_key_id": self.new_key_id,
            "written": [list(item) for item in self.written],
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
                Step(data["step"]), data.get("new_key_id"),
                tuple((str(which), str(key_id)) for which, key_id in data.get("written", [])))
        except JournalError:
            raise
        except (ValueError, KeyError, TypeError, AttributeError):
            raise JournalError("the rotation journal is damaged") from None


def unknown_keys(journal: Journal, key_ids: Sequence[str]) -> list[str]:
    """The user's keys that neither were there at the start nor are the journal's new key: made by another run,
    by hand, on another host, or by this run right before it stopped and could record it. Never deleted by a
    resume (iam-tui cannot tell which), only named."""
    return sorted(set(key_ids) - set(journal.keys_before) - {journal.new_key_id})


def orphans(journal: Journal, key_ids: Sequence[str]) -> list[str]:
    """The key this rotation made and recorded, if it still exists (the only key a resume may delete, and only
    when no profile holds it)."""
    new = journal.new_key_id
    return [new] if new and new in key_ids and new not in journal.keys_before else []


Holding = Mapping[ProfileUse, str | None]  # the key ID each journalled profile holds now (None: no such profile)


def holders(holding: Holding, key_id: str | None) -> list[ProfileUse]:
    return [p for p, held in holding.items() if key_id is not None and held == key_id]


def resume_point(journal: Journal, account_id: str, key_ids: Sequence[str], holding: Holding) -> Resume:
    """Where an unfinished rotation goes on, from the journal and what is in AWS and the files NOW (the app may
    have stopped after a step was made and before the journal recorded it, or between the two files' writes).

    ``key_ids``: the user's access keys now; ``holding``: the key ID each journalled profile reads now. A profile
    that holds the new key is never broken: once one does, a resume only goes forward (writes the new key into
    the profiles that still hold the old one, from that file)."""
    if journal.account_id != account_id:
        return Resume.OTHER_ACCOUNT
    if journal.old_key_id not in key_ids:
        return Resume.FINISHED
    new = journal.new_key_id
    if new and holders(holding, new):
        if new not in key_ids:
            return Resume.NEW_KEY_GONE
        if len(holders(holding, new)) < len(holding) or journal.step in (Step.STARTED, Step.KEY_CREATED,
                                                                           Step.PROFILES_WRITTEN):
            return Resume.VERIFY
        return Resume.DEACTIVATE_OLD if journal.step is Step.VERIFIED else Resume.DELETE_OLD
    if orphans(journal, key_ids):
        return Resume.DELETE_ORPHAN
    if len(key_ids) >= MAX_KEYS:
        return Resume.NO_ROOM
    return Resume.CREATE


def resume_text(journal: Journal, point: Resume, key_ids: Sequence[str] = (), holding: Holding | None = None) -> str:
    """The explanation the screen shows before offering to resume (``key_ids``: the user's keys now)."""
    holding = holding or {}
    new = journal.new_key_id
    text = RESUME_TEXT[point].format(
        new=new or "(unknown)", old=journal.old_key_id, account=journal.account_id,
        unknown=", ".join(unknown_keys(journal, key_ids)) or "(none)",
        holding_new=", ".join(p.name for p in holders(holding, new)) or "(none)")
    unknown = unknown_keys(journal, key_ids)
    if unknown and point is not Resume.NO_ROOM:
        text += (f" {', '.join(unknown)} is not a key this rotation recorded (made elsewhere, or right before iam-tui "
                 "stopped): it is left alone.")
    moved = [p.name for p, held in holding.items() if held not in (journal.old_key_id, new)]
    if moved and point not in (Resume.FINISHED, Resume.OTHER_ACCOUNT):
        text += f" Profile {', '.join(moved)} holds neither key now: it is left as it is."
    return text
