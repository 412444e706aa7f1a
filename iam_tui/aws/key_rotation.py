"""Guided access key rotation (CIS 1.13, AWS's procedure): create a new key, put it in every AWS CLI profile that
used the old one (only the two values change; atomic, the files' modes kept, read back by botocore, put back on
failure), verify it with STS through those profiles, deactivate the old key and keep it inactive; deleting it is
the person's choice (:meth:`KeyRotationService.delete_old`), now or later.

A journal (``core.key_rotation.Journal``, no secret in it) records the step reached and each file's write, so that
a rotation interrupted half-way (the app killed, the machine down, an AWS error) is found on the next run and
resumed: :meth:`KeyRotationService.unfinished` says where it stopped and what resuming does, :meth:`resume` does
it, deciding from what AWS and the files hold NOW (``core.key_rotation.resume_point``):

* no profile holds the new key: its secret is lost (AWS shows it once, and the journal never holds it). The
  profiles still use the old key, which still works; resuming deletes that key (only the one the journal
  recorded, and only if no profile holds it) and starts again. A key the journal does not name is never deleted.
* a profile holds the new key (even one file of two): resuming writes it, its secret read from that file, into the
  profiles still on the old key, verifies it with STS, then deactivates the old key.
* verified: resuming deactivates the old key. Deactivated: resuming completes the rotation.

One rotation at a time over one set of files, across processes: a lock file beside the journal (``flock``), held
from the run's start until the rotation is complete or the screen closes; another instance is told who holds it.
Every destructive step reads ListAccessKeys and the files again just before it acts.

The journal lives next to the AWS CLI credentials file it is about (``~/.aws/iam-tui-key-rotation.json``, or
the folder of ``AWS_SHARED_CREDENTIALS_FILE``; in the demo the sandbox's temporary folder): a rotation edits
those files, so its record belongs with them (another credentials file is another set of profiles), the AWS CLI
ignores files it does not know there, and a demo rotation never leaves a trace in the real ~/.aws. It is 0600,
written atomically, and removed when the rotation is complete.

Not a plan of the plan runner: three of its steps are not IAM calls (writing files, STS through a profile). The
IAM calls go through :class:`KeysService`, which settles lost answers by reading AWS back.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..core import aws_config
from ..core.access_keys import last_use_text
from ..core.aws_config import CliPaths
from ..core.fix_plan import FixProblem
from ..core.key_rotation import (
    JOURNAL_NAME,
    LOCK_NAME,
    Holder,
    Holding,
    Journal,
    JournalError,
    ProfileUse,
    Resume,
    RotationBusy,
    Step,
    holders,
    orphans,
    resume_point,
    resume_text,
)
from ..core.secret import Secret
from ..files import FileLock, LockHeld, file_mode, stale_temps, write_private_file
from . import cli_profile
from .cli_profile import ProfileWriteError, Progress
from .errors import AwsError
from .keys import MAX_KEYS
from .service import IamService

# Called with the point the rotation reached ("created", "recorded-created", "written", "recorded-written",
# "verified", "recorded-verified", "deactivated", "recorded-deactivated"): tests raise from it to interrupt.
FaultHook = Callable[[str], None]
STALE_TEMP_AGE_S = 10.0  # a write's temporary file lives for milliseconds: older ones are an interrupted write's


@dataclass(frozen=True)
class RotationPlan:
    """What the review shows before anything changes."""

    user_name: str
    user_arn: str
    old_key_id: str
    keys_before: tuple[str, ...]
    profiles: tuple[ProfileUse, ...]
    paths: CliPaths
    rotates_running_key: bool  # iam-tui signs its own calls with the old key: it goes on with the new one
    notes: tuple[str, ...] = ()  # what the review must say besides the steps (a file others can read)
    old_last_used: str = "never used"  # GetAccessKeyLastUsed: date, service, region

    def steps_text(self) -> list[str]:
        names = ", ".join(f"{p.name} ({p.where})" for p in self.profiles)
        return [f"iam:CreateAccessKey(UserName={self.user_name}): a new key for {self.user_name}",
                f"Write the new key into the profiles that use {self.old_key_id}: {names}; only the key ID and "
                f"secret change in {self.paths.credentials} and {self.paths.config}",
                "sts:GetCallerIdentity through each profile: the new key works (retried while it propagates)",
                f"iam:UpdateAccessKey(AccessKeyId={self.old_key_id}, Status=Inactive): deactivate the old key",
                "The old key stays inactive (an inactive key passes CIS 1.12 and 1.13): reactivate it if something "
                "still needed it, or delete it (iam:DeleteAccessKey, you type its ID) now or later"]

    def before_deactivating(self) -> str:
        """What the person checks before the old key is deactivated (AWS's rotation procedure)."""
        return (f"{self.old_key_id} was last used: {self.old_last_used}. iam-tui updates only the profiles above: "
                f"it cannot update environment variables (AWS_ACCESS_KEY_ID), other hosts, CI systems or "
                "applications that hold the old key. Put the new key there yourself; anything left on the old key "
                "fails once it is deactivated (it can be reactivated).")


@dataclass(frozen=True)
class UnfinishedRotation:
    journal: Journal
    point: Resume
    explanation: str


@dataclass(frozen=True)
class RotationResult:
    """A rotation that reached the old key's deactivation: ``journal.step`` is OLD_DEACTIVATED, and
    :meth:`KeyRotationService.delete_old` finishes it after the confirmation. ``new_service`` signs with the new
    key through the first profile: when the old key was the one iam-tui ran on, the app goes on with it."""

    journal: Journal
    new_service: IamService | None = None


class KeyRotationService:
    """One rotation at a time over one set of AWS CLI files, across processes: :meth:`rotate` and :meth:`resume`
    take the lock beside the journal (``fcntl.flock``, never waited for) and keep it until the rotation is done
    (:meth:`delete_old`, :meth:`keep_old`) or :meth:`release` (the screen closes). Another instance is told who
    holds it (:class:`RotationBusy`) and neither plans nor reads the journal as unfinished meanwhile."""

    def __init__(self, service: IamService, paths: CliPaths | None = None, *, fault: FaultHook | None = None,
                 verify_timeout: float = cli_profile.VERIFY_TIMEOUT_S) -> None:
        self.service = service
        self.paths = paths or cli_profile.paths_for(service)
        self._fault = fault or (lambda _point: None)
        self._verify_timeout = verify_timeout
        self.lock = FileLock(self.paths.credentials.parent / LOCK_NAME)

    @property
    def journal_path(self) -> Path:
        return self.paths.credentials.parent / JOURNAL_NAME

    # --- the lock ----------------------------------------------------------------------------------------------

    def _check_free(self) -> None:
        """Raise RotationBusy when another instance holds the lock (this one holding it is fine)."""
        try:
            text = self.lock.holder()
        except OSError as exc:
            raise AwsError("RotationLock", f"Cannot open {self.lock.path}: {exc.strerror or exc}.",
                           "Fix the folder's permissions, then retry.") from None
        if text is not None:
            raise RotationBusy(Holder.from_text(text), str(self.lock.path))

    def _take_lock(self) -> None:
        try:
            self.lock.acquire(Holder(os.getpid(), socket.gethostname(), datetime.now(UTC)).to_text())
        except LockHeld as held:
            raise RotationBusy(Holder.from_text(held.holder), str(self.lock.path)) from None
        except OSError as exc:
            raise AwsError("RotationLock", f"Cannot lock {self.lock.path}: {exc.strerror or exc}.",
                           "Fix the folder's permissions, then retry.") from None

    def release(self) -> None:
        """Let another instance rotate (the journal, if any, stays for it to resume)."""
        self.lock.release()

    # --- leftovers ---------------------------------------------------------------------------------------------

    def _remove_stale_temps(self, older_than: float) -> list[Path]:
        removed: list[Path] = []
        targets = {cli_profile.target_of(self.paths.credentials), cli_profile.target_of(self.paths.config),
                   self.journal_path}
        for target in sorted(targets):
            for temp in stale_temps(target, older_than):
                with contextlib.suppress(FileNotFoundError):
                    temp.unlink()
                    removed.append(temp)
        return removed

    async def remove_stale_temps(self, min_age_s: float = STALE_TEMP_AGE_S) -> list[Path]:
        """Remove the temporary files an interrupted write of the AWS CLI files or the journal left (they can hold
        a secret: a new key's, the only copy when the rename never happened). Call it at start; the caller says
        what was removed. Files younger than ``min_age_s`` are another instance's write under way."""
        try:
            return await asyncio.to_thread(self._remove_stale_temps, time.time() - min_age_s)
        except OSError:
            return []

    # --- the journal -------------------------------------------------------------------------------------------

    def _read_journal(self) -> Journal | None:
        try:
            text = self.journal_path.read_text("utf-8")
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise AwsError("RotationJournal", f"Cannot read {self.journal_path} ({type(exc).__name__}).",
                           "Check its permissions, or delete it if no key rotation is under way.") from None
        try:
            return Journal.from_json(text)
        except JournalError as exc:
            raise AwsError("RotationJournal", f"{self.journal_path}: {exc}.",
                           "Delete it if no key rotation is under way (check the user's keys first).") from None

    def _save_now(self, journal: Journal) -> Journal:
        """Write the journal (atomically, 0600), only ever under the lock. Blocking."""
        if not self.lock.held:
            raise AwsError("RotationLock", "The rotation journal is written only under the rotation lock.",
                           "Open the rotation again.")
        try:
            write_private_file(self.journal_path, journal.to_json().encode("utf-8"), overwrite=True)
        except OSError as exc:
            raise AwsError("RotationJournal", f"Cannot write {self.journal_path}: {exc.strerror or exc}.",
                           "Free space or fix the folder's permissions, then resume.") from None
        return journal

    async def _save(self, journal: Journal) -> Journal:
        return await asyncio.to_thread(self._save_now, journal)

    async def _forget(self) -> None:
        await asyncio.to_thread(self.journal_path.unlink, missing_ok=True)

    # --- reads -------------------------------------------------------------------------------------------------

    def _profiles_using(self, key_id: str) -> list[ProfileUse]:
        found: list[ProfileUse] = []
        for config_file, path in ((False, self.paths.credentials), (True, self.paths.config)):
            text = cli_profile.read_cli_file(path)
            found += [ProfileUse(name, config_file)
                      for name in aws_config.profiles_with_key(text, key_id, config_file=config_file)]
        return found

    async def profiles_using(self, access_key_id: str) -> list[ProfileUse]:
        """The profiles (credentials and config files) whose ``aws_access_key_id`` is ``access_key_id``."""
        try:
            return await asyncio.to_thread(self._profiles_using, access_key_id)
        except ProfileWriteError as exc:
            raise AwsError("ProfileRead", str(exc), "Fix the file, then retry.") from None

    def _holding_now(self, journal: Journal) -> dict[ProfileUse, str | None]:
        """The key ID each journalled profile holds in the files now (None: the profile is gone). Blocking."""
        texts = {False: cli_profile.read_cli_file(self.paths.credentials),
                 True: cli_profile.read_cli_file(self.paths.config)}
        return {p: (aws_config.profile_options(texts[p.config_file], p.name, config_file=p.config_file) or {}).get(
                    aws_config.KEY_ID_OPTION) for p in journal.profiles}

    async def _holding(self, journal: Journal) -> dict[ProfileUse, str | None]:
        try:
            return await asyncio.to_thread(self._holding_now, journal)
        except ProfileWriteError as exc:
            raise AwsError("ProfileRead", str(exc), "Fix the file, then resume.") from None

    def _secret_of(self, profile: ProfileUse) -> Secret | None:
        path = self.paths.config if profile.config_file else self.paths.credentials
        options = aws_config.profile_options(cli_profile.read_cli_file(path), profile.name,
                                             config_file=profile.config_file) or {}
        value = options.get(aws_config.SECRET_OPTION)
        return Secret(value) if value else None

    def _not_editable(self, profiles: list[ProfileUse]) -> str | None:
        """Why a profile's key could not be replaced in place (e.g. its secret is set in the other file), or None."""
        placeholder = {aws_config.KEY_ID_OPTION: "AKIA", aws_config.SECRET_OPTION: "secret"}
        for profile in profiles:
            text = cli_profile.read_cli_file(self.paths.config if profile.config_file else self.paths.credentials)
            try:
                aws_config.replace_values(text, profile.name, placeholder, config_file=profile.config_file)
            except ValueError as exc:
                return f"Profile {profile.name} ({profile.where}): {exc}."
        return None

    async def _keys(self, user_name: str) -> dict[str, bool]:
        """The user's keys now (ListAccessKeys), ID -> active."""
        try:
            return {k.access_key_id: k.active for k in await self.service.keys.list_keys(user_name)}
        except AwsError as err:
            if err.code == "NoSuchEntity":
                return {}
            raise

    async def _key_ids(self, user_name: str) -> list[str]:
        return list(await self._keys(user_name))

    # --- the review --------------------------------------------------------------------------------------------

    async def plan(self, user_name: str, old_key_id: str) -> RotationPlan:
        """The review of rotating ``old_key_id`` of ``user_name``. Raises FixProblem when it cannot start: another
        instance rotating (RotationBusy), an unfinished rotation, a key that is not the user's active key, no room
        for a second key (AWS allows 2), or no profile using the key (iam-tui cannot tell where else it is used:
        create a key in step 5 instead)."""
        self._check_free()
        if await asyncio.to_thread(self._read_journal) is not None:
            raise FixProblem(f"A key rotation is unfinished ({self.journal_path}): resume it first.")
        (user, keys, running), profiles = await asyncio.gather(
            asyncio.gather(self.service.aws.call("iam", "GetUser", UserName=user_name),
                           self.service.keys.list_keys(user_name), self.service.keys.running_access_key_id()),
            self.profiles_using(old_key_id))
        old = next((k for k in keys if k.access_key_id == old_key_id), None)
        if old is None or not old.active:
            raise FixProblem(f"{old_key_id} is not an active access key of {user_name}: pick one of the listed keys.")
        if len(keys) >= MAX_KEYS:
            other = next(k.access_key_id for k in keys if k.access_key_id != old_key_id)
            raise FixProblem(f"{user_name} has {len(keys)} access keys, AWS's limit, so a new one cannot be made: "
                             f"deactivate and delete {other} first (if it is unused), then rotate.")
        if not profiles:
            raise FixProblem(f"No AWS CLI profile in {self.paths.credentials} or {self.paths.config} uses "
                             f"{old_key_id}, so iam-tui cannot tell where it is used. Create a new key (step 5), "
                             "put it where the old one is used, then deactivate the old one.")
        problem = await asyncio.to_thread(self._not_editable, profiles)
        if problem:
            raise FixProblem(f"{problem} Put the key ID and the secret in the same section, then retry.")
        last_used = ("never used" if old.last_used is None else
                     last_use_text(old.last_used, old.last_used_service, old.last_used_region))
        return RotationPlan(user_name, user["User"]["Arn"], old_key_id, tuple(k.access_key_id for k in keys),
                            tuple(profiles), self.paths, running == old_key_id,
                            tuple(await asyncio.to_thread(self._mode_notes)), last_used)

    def _mode_notes(self) -> list[str]:
        """The files others can read: a rewrite keeps each file's mode (never silently changed), so say it."""
        notes = []
        for path in (self.paths.credentials, self.paths.config):
            with contextlib.suppress(OSError):
                mode = file_mode(cli_profile.target_of(path))
                if mode & 0o077:
                    notes.append(f"{path} has mode {mode:04o}: other users of this machine can read it, and the new "
                                 f"secret will be in it. iam-tui keeps the mode it finds; `chmod 600 {path}` makes it "
                                 "private.")
        return notes

    # --- running -----------------------------------------------------------------------------------------------

    async def rotate(self, plan: RotationPlan, progress: Progress | None = None) -> RotationResult:
        """Create the new key, write it into the profiles, verify it, deactivate the old key. Each step is
        journalled; on an error the journal stays, and :meth:`unfinished` / :meth:`resume` go on from there."""
        self._take_lock()
        if await asyncio.to_thread(self._read_journal) is not None:  # another run started one since the review
            raise FixProblem(f"A key rotation is unfinished ({self.journal_path}): resume it first.")
        identity = await self.service.account.identity()
        journal = await self._save(Journal(
            identity.account_id, plan.user_name, plan.user_arn, plan.old_key_id, plan.keys_before, plan.profiles,
            str(self.paths.credentials), str(self.paths.config), datetime.now(UTC)))
        return await self._go_on(journal, Resume.CREATE, progress)

    async def unfinished(self) -> UnfinishedRotation | None:
        """The rotation an earlier run left unfinished (call it when the app starts), or None. Raises RotationBusy
        while another instance holds the lock: its journal is not unfinished, it is under way."""
        self._check_free()
        journal = await asyncio.to_thread(self._read_journal)
        if journal is None:
            return None
        account_id = (await self.service.account.identity()).account_id
        key_ids: list[str] = []
        holding: Holding = {}
        if journal.account_id == account_id:
            key_ids = await self._key_ids(journal.user_name)
            holding = await self._holding(journal)
        point = resume_point(journal, account_id, key_ids, holding)
        return UnfinishedRotation(journal, point, resume_text(journal, point, key_ids, holding))

    async def resume(self, unfinished: UnfinishedRotation, progress: Progress | None = None) -> RotationResult:
        """Go on from where the rotation stopped, up to the old key's deactivation (as :meth:`rotate`). At
        ``DELETE_OLD`` nothing is done: confirm, then :meth:`delete_old`. At ``FINISHED`` the journal is removed.
        The journal, AWS and the files are read again under the lock: what was shown may be out of date."""
        if unfinished.point is Resume.OTHER_ACCOUNT:
            raise FixProblem(unfinished.explanation)
        journal = unfinished.journal
        if (journal.credentials_file, journal.config_file) != (str(self.paths.credentials), str(self.paths.config)):
            raise FixProblem(f"This rotation edits {journal.credentials_file} and {journal.config_file}; iam-tui "
                             f"now reads {self.paths.credentials} and {self.paths.config}. Run it with the same "
                             "AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE to resume.")
        self._take_lock()
        now = await self.unfinished()
        if now is None or now.journal != journal or now.point is not unfinished.point:
            raise FixProblem("The rotation changed since it was shown (another run went on with it): look again.")
        if now.point is Resume.NO_ROOM:
            raise FixProblem(now.explanation)
        if unfinished.point is Resume.FINISHED:
            await self._forget()
            self.release()
            return RotationResult(unfinished.journal)
        return await self._go_on(unfinished.journal, unfinished.point, progress)

    async def _old_may_go(self, journal: Journal, verb: str) -> None:
        """Right before the old key is deactivated or deleted, from AWS and the files now: the new key exists, is
        active and was verified, and no profile in the files still holds the old key."""
        keys = await self._keys(journal.user_name)
        new = journal.new_key_id
        if journal.step not in (Step.VERIFIED, Step.OLD_DEACTIVATED) or new is None:
            raise FixProblem(f"The old key is {verb} only once the new one is verified.")
        if not keys.get(new, False):
            state = "is inactive" if new in keys else "no longer exists"
            raise FixProblem(f"The new key {new} {state} in AWS: {journal.old_key_id} is not {verb}. Check the user's "
                             "keys on the keys screen.")
        try:
            still = await asyncio.to_thread(self._profiles_using, journal.old_key_id)
        except ProfileWriteError as exc:
            raise AwsError("ProfileRead", str(exc), "Fix the file, then resume.") from None
        if still:
            names = ", ".join(f"{p.name} ({p.where})" for p in still)
            raise FixProblem(f"Profile {names} still holds {journal.old_key_id}: it would stop working, so the key "
                             f"is not {verb}. Put the new key there (or remove the profile), then resume.")

    async def delete_old(self, journal: Journal) -> None:
        """After the confirmation: delete the deactivated old key (cannot be undone), then the journal. AWS and the
        files are read again first (:meth:`_old_may_go`)."""
        if journal.step is not Step.OLD_DEACTIVATED:
            raise FixProblem("The old key is deleted only once the new one is verified and the old one deactivated.")
        self._take_lock()
        await self._old_may_go(journal, "deleted")
        await self.service.keys.delete(journal.user_name, journal.old_key_id)
        await self._forget()
        self.release()

    async def reactivate_old(self, journal: Journal) -> None:
        """Undo the deactivation (something still needed the old key): the user then has two active keys."""
        await self.service.keys.set_active(journal.user_name, journal.old_key_id, True)

    async def keep_old(self, journal: Journal) -> None:
        """The rotation ends with the old key kept inactive (the default): it can be reactivated if something
        still needed it, or deleted later from the keys screen or the dashboard."""
        self._take_lock()
        await self._forget()
        self.release()

    async def _delete_orphan(self, journal: Journal) -> None:
        """Delete the key this rotation made and whose secret is lost, after reading AWS and the files again: never
        a key of another run (not the journal's), nor one a profile holds (its secret is there)."""
        for key_id in orphans(journal, await self._key_ids(journal.user_name)):
            try:
                held = await asyncio.to_thread(self._profiles_using, key_id)
            except ProfileWriteError as exc:
                raise AwsError("ProfileRead", str(exc), "Fix the file, then resume.") from None
            if held:
                raise FixProblem(f"Profile {', '.join(p.name for p in held)} holds {key_id}: it is not deleted. "
                                 "Open the rotation again.")
            await self.service.keys.delete(journal.user_name, key_id)

    async def _go_on(self, journal: Journal, point: Resume, progress: Progress | None) -> RotationResult:
        keys = self.service.keys
        if point is Resume.DELETE_ORPHAN:
            await self._delete_orphan(journal)
            journal = await self._save(journal.at(Step.STARTED, new_key_id=None, written=()))
            point = Resume.CREATE
        if point is Resume.NEW_KEY_GONE:
            journal = await self._save(journal.at(Step.STARTED, written=()))
            point = Resume.CREATE
        if point is Resume.CREATE:
            replaceable = await self._check_profiles(journal)
            new = await keys.create(journal.user_name)
            self._fault("created")
            journal = await self._save(journal.at(Step.KEY_CREATED, new_key_id=new.access_key_id))
            self._fault("recorded-created")
            journal = await self._write(journal, replaceable, new.access_key_id, new.secret)
            self._fault("written")
            journal = await self._save(journal.at(Step.PROFILES_WRITTEN))
            self._fault("recorded-written")
            point = Resume.VERIFY
        new_service = None
        if point is Resume.VERIFY:
            journal = await self._complete(journal)
            new_service = await self._verify_profiles(journal, progress)
            self._fault("verified")
            journal = await self._save(journal.at(Step.VERIFIED))
            self._fault("recorded-verified")
            point = Resume.DEACTIVATE_OLD
        if point is Resume.DEACTIVATE_OLD:
            await self._old_may_go(journal, "deactivated")
            runs_on_old = await keys.running_access_key_id() == journal.old_key_id
            await keys.set_active(journal.user_name, journal.old_key_id, False)
            if runs_on_old and new_service is not None:
                self.service = new_service  # the old key no longer signs: delete_old goes through the new one
            self._fault("deactivated")
            journal = await self._save(journal.at(Step.OLD_DEACTIVATED))
            self._fault("recorded-deactivated")
        return RotationResult(journal, new_service)

    async def _check_profiles(self, journal: Journal) -> list[ProfileUse]:
        """Before a key is made: every journalled profile still uses the old key (or, after the new key was deleted
        elsewhere, that dead key), else its secret would be lost; and the old key is still the user's, active."""
        keys = await self._keys(journal.user_name)
        if not keys.get(journal.old_key_id, False):
            raise FixProblem(f"{journal.old_key_id} is no longer an active key of {journal.user_name}: start the "
                             "rotation again from the keys screen.")
        holding = await self._holding(journal)
        dead = journal.new_key_id if journal.new_key_id and journal.new_key_id not in keys else None
        gone = [p.name for p, held in holding.items() if held not in (journal.old_key_id, dead)]
        if gone:
            raise FixProblem(f"Profile {', '.join(gone)} no longer uses {journal.old_key_id}: start the rotation "
                             "again from the keys screen.")
        return list(holding)

    async def _write(self, journal: Journal, profiles: list[ProfileUse], key_id: str, secret: Secret) -> Journal:
        """Write the key into ``profiles``, recording each file's write in the journal right after it (so that a
        stop between the two files is resumed from what each holds)."""
        by_file = {False: [p.name for p in profiles if not p.config_file],
                   True: [p.name for p in profiles if p.config_file]}
        recorded = [journal]

        def written(path: Path) -> None:
            which = "config" if path == cli_profile.target_of(self.paths.config) else "credentials"
            self._fault(f"written-{which}")
            done = (*(item for item in recorded[-1].written if item[0] != which), (which, key_id))
            recorded.append(self._save_now(recorded[-1].at(recorded[-1].step, written=done)))
            self._fault(f"recorded-written-{which}")

        try:
            await asyncio.to_thread(cli_profile.write_new_key, self.paths, by_file, key_id, secret, written)
        except ProfileWriteError as exc:
            raise AwsError("ProfileWrite", f"{exc} The new key {key_id} was made, but its secret could not be "
                           "saved.", "Resume: the new key is deleted and the rotation starts again.") from None
        return recorded[-1]

    async def _complete(self, journal: Journal) -> Journal:
        """Before verifying: the journalled profiles that still hold the old key get the new one, its secret read
        from a profile that holds it (a stop between the two files' writes). Profiles holding neither are left."""
        new = journal.new_key_id
        assert new is not None
        holding = await self._holding(journal)
        behind = [p for p, held in holding.items() if held == journal.old_key_id]
        if not behind:
            return journal
        source = holders(holding, new)
        secret = await asyncio.to_thread(self._secret_of, source[0]) if source else None
        if secret is None:
            raise FixProblem(f"No profile holds the new key {new} with its secret: open the rotation again.")
        return await self._write(journal, behind, new, secret)

    async def _verify_profiles(self, journal: Journal, progress: Progress | None) -> IamService:
        """sts:GetCallerIdentity through each profile that holds the new key must answer with the user's ARN; the
        first profile's service is returned (the app goes on with it when it ran on the old key)."""
        holding = await self._holding(journal)
        names = [p.name for p in journal.profiles if holding.get(p) == journal.new_key_id]
        if not names:
            raise FixProblem(f"No profile holds the new key {journal.new_key_id}: open the rotation again.")
        working: list[IamService] = []
        for name in dict.fromkeys(names):
            def build(name: str = name) -> IamService:
                return cli_profile.service_for_profile(self.service, self.paths, name)

            working.append(await cli_profile.verify(
                build,
                journal.user_arn, progress=progress, timeout=self._verify_timeout, patience=self.service.patience))
        return working[0]
