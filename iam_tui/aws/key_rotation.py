"""Guided access key rotation (CIS 1.13): create a new key, put it in every AWS CLI profile that used the old one
(only the two values change; files 0600, atomic, read back by botocore, put back on failure), verify it with STS
through those profiles, deactivate the old key, then, after a confirmation, delete it.

A journal (``core.key_rotation.Journal``, no secret in it) records the step reached, so that a rotation
interrupted half-way (the app killed, the machine down, an AWS error) is found on the next run and resumed:
:meth:`KeyRotationService.unfinished` says where it stopped and what resuming does, :meth:`resume` does it.
What each stop means when resumed:

* before the new key reached the files: its secret is lost (AWS shows it once, and the journal never holds it).
  The profiles still use the old key, which still works; resuming deletes the orphan key and starts again.
* the profiles hold the new key: resuming verifies it with STS, then deactivates the old key.
* verified: resuming deactivates the old key. Deactivated: resuming asks to delete it (:meth:`delete_old`).

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
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ..core import aws_config
from ..core.aws_config import CliPaths
from ..core.fix_plan import FixProblem
from ..core.key_rotation import (
    JOURNAL_NAME,
    Journal,
    JournalError,
    ProfileUse,
    Resume,
    Step,
    orphans,
    resume_point,
    resume_text,
)
from ..files import write_private_file
from . import cli_profile
from .cli_profile import ProfileWriteError, Progress, Sleep
from .errors import AwsError
from .keys import MAX_KEYS, NewAccessKey
from .service import IamService

# Called with the point the rotation reached ("created", "recorded-created", "written", "recorded-written",
# "verified", "recorded-verified", "deactivated", "recorded-deactivated"): tests raise from it to interrupt.
FaultHook = Callable[[str], None]


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

    def steps_text(self) -> list[str]:
        names = ", ".join(f"{p.name} ({p.where})" for p in self.profiles)
        return [f"iam:CreateAccessKey(UserName={self.user_name}): a new key for {self.user_name}",
                f"Write the new key into the profiles that use {self.old_key_id}: {names}; only the key ID and "
                f"secret change in {self.paths.credentials} and {self.paths.config}",
                "sts:GetCallerIdentity through each profile: the new key works (retried while it propagates)",
                f"iam:UpdateAccessKey(AccessKeyId={self.old_key_id}, Status=Inactive): deactivate the old key",
                f"After your confirmation: iam:DeleteAccessKey(AccessKeyId={self.old_key_id})"]


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
    def __init__(self, service: IamService, paths: CliPaths | None = None, *, fault: FaultHook | None = None,
                 verify_timeout: float = cli_profile.VERIFY_TIMEOUT_S, sleep: Sleep = asyncio.sleep,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.service = service
        self.paths = paths or cli_profile.paths_for(service)
        self._fault = fault or (lambda _point: None)
        self._verify_timeout, self._sleep, self._clock = verify_timeout, sleep, clock

    @property
    def journal_path(self) -> Path:
        return self.paths.credentials.parent / JOURNAL_NAME

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

    async def _save(self, journal: Journal) -> Journal:
        try:
            await asyncio.to_thread(write_private_file, self.journal_path, journal.to_json().encode("utf-8"),
                                    overwrite=True)
        except OSError as exc:
            raise AwsError("RotationJournal", f"Cannot write {self.journal_path}: {exc.strerror or exc}.",
                           "Free space or fix the folder's permissions, then resume.") from None
        return journal

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

    async def _key_ids(self, user_name: str) -> list[str]:
        try:
            return [k.access_key_id for k in await self.service.keys.list_keys(user_name)]
        except AwsError as err:
            if err.code == "NoSuchEntity":
                return []
            raise

    # --- the review --------------------------------------------------------------------------------------------

    async def plan(self, user_name: str, old_key_id: str) -> RotationPlan:
        """The review of rotating ``old_key_id`` of ``user_name``. Raises FixProblem when it cannot start: an
        unfinished rotation, a key that is not the user's active key, no room for a second key (AWS allows 2), or
        no profile using the key (iam-tui cannot tell where else it is used: create a key in step 5 instead)."""
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
        return RotationPlan(user_name, user["User"]["Arn"], old_key_id, tuple(k.access_key_id for k in keys),
                            tuple(profiles), self.paths, running == old_key_id)

    # --- running -----------------------------------------------------------------------------------------------

    async def rotate(self, plan: RotationPlan, progress: Progress | None = None) -> RotationResult:
        """Create the new key, write it into the profiles, verify it, deactivate the old key. Each step is
        journalled; on an error the journal stays, and :meth:`unfinished` / :meth:`resume` go on from there."""
        identity = await self.service.account.identity()
        journal = await self._save(Journal(
            identity.account_id, plan.user_name, plan.user_arn, plan.old_key_id, plan.keys_before, plan.profiles,
            str(self.paths.credentials), str(self.paths.config), datetime.now(UTC)))
        return await self._go_on(journal, Resume.CREATE, progress)

    async def unfinished(self) -> UnfinishedRotation | None:
        """The rotation an earlier run left unfinished (call it when the app starts), or None."""
        journal = await asyncio.to_thread(self._read_journal)
        if journal is None:
            return None
        account_id = (await self.service.account.identity()).account_id
        key_ids: list[str] = []
        holds_new = False
        if journal.account_id == account_id:
            key_ids = await self._key_ids(journal.user_name)
            if journal.new_key_id:
                holds_new = await asyncio.to_thread(self._profiles_hold, journal, journal.new_key_id)
        point = resume_point(journal, account_id, key_ids, holds_new)
        return UnfinishedRotation(journal, point, resume_text(journal, point, key_ids))

    async def resume(self, unfinished: UnfinishedRotation, progress: Progress | None = None) -> RotationResult:
        """Go on from where the rotation stopped, up to the old key's deactivation (as :meth:`rotate`). At
        ``DELETE_OLD`` nothing is done: confirm, then :meth:`delete_old`. At ``FINISHED`` the journal is removed."""
        if unfinished.point is Resume.OTHER_ACCOUNT:
            raise FixProblem(unfinished.explanation)
        journal = unfinished.journal
        if (journal.credentials_file, journal.config_file) != (str(self.paths.credentials), str(self.paths.config)):
            raise FixProblem(f"This rotation edits {journal.credentials_file} and {journal.config_file}; iam-tui "
                             f"now reads {self.paths.credentials} and {self.paths.config}. Run it with the same "
                             "AWS_SHARED_CREDENTIALS_FILE and AWS_CONFIG_FILE to resume.")
        if unfinished.point is Resume.FINISHED:
            await self._forget()
            return RotationResult(unfinished.journal)
        return await self._go_on(unfinished.journal, unfinished.point, progress)

    async def delete_old(self, journal: Journal) -> None:
        """After the confirmation: delete the deactivated old key (cannot be undone), then the journal."""
        if journal.step is not Step.OLD_DEACTIVATED:
            raise FixProblem("The old key is deleted only once the new one is verified and the old one deactivated.")
        await self.service.keys.delete(journal.user_name, journal.old_key_id)
        await self._forget()

    async def _go_on(self, journal: Journal, point: Resume, progress: Progress | None) -> RotationResult:
        keys = self.service.keys
        if point is Resume.DELETE_ORPHAN:
            for key_id in orphans(journal, await self._key_ids(journal.user_name)):
                await keys.delete(journal.user_name, key_id)
            journal = await self._save(journal.at(Step.STARTED, new_key_id=None))
            point = Resume.CREATE
        if point is Resume.CREATE:
            await self._check_profiles(journal)
            new = await keys.create(journal.user_name)
            self._fault("created")
            journal = await self._save(journal.at(Step.KEY_CREATED, new_key_id=new.access_key_id))
            self._fault("recorded-created")
            await self._write(journal, new)
            self._fault("written")
            journal = await self._save(journal.at(Step.PROFILES_WRITTEN))
            self._fault("recorded-written")
            point = Resume.VERIFY
        new_service = None
        if point is Resume.VERIFY:
            new_service = await self._verify_profiles(journal, progress)
            self._fault("verified")
            journal = await self._save(journal.at(Step.VERIFIED))
            self._fault("recorded-verified")
            point = Resume.DEACTIVATE_OLD
        if point is Resume.DEACTIVATE_OLD:
            runs_on_old = await keys.running_access_key_id() == journal.old_key_id
            await keys.set_active(journal.user_name, journal.old_key_id, False)
            if runs_on_old and new_service is not None:
                self.service = new_service  # the old key no longer signs: delete_old goes through the new one
            self._fault("deactivated")
            journal = await self._save(journal.at(Step.OLD_DEACTIVATED))
            self._fault("recorded-deactivated")
        return RotationResult(journal, new_service)

    async def _check_profiles(self, journal: Journal) -> None:
        """Before a key is made: every journalled profile still uses the old key (else its secret would be lost)."""
        using = set(await self.profiles_using(journal.old_key_id))
        gone = [p.name for p in journal.profiles if p not in using]
        if gone:
            raise FixProblem(f"Profile {', '.join(gone)} no longer uses {journal.old_key_id}: start the rotation "
                             "again from the keys screen.")

    async def _write(self, journal: Journal, new: NewAccessKey) -> None:
        profiles = {False: journal.profiles_in(False), True: journal.profiles_in(True)}
        try:
            await asyncio.to_thread(cli_profile.write_new_key, self.paths, profiles, new.access_key_id, new.secret)
        except ProfileWriteError as exc:
            raise AwsError("ProfileWrite", f"{exc} The new key {new.access_key_id} was made, but its secret "
                           "could not be saved.", "Resume: the new key is deleted and the rotation starts "
                           "again.") from None

    def _profiles_hold(self, journal: Journal, key_id: str) -> bool:
        with contextlib.suppress(ProfileWriteError):
            return set(journal.profiles) <= set(self._profiles_using(key_id))
        return False

    async def _verify_profiles(self, journal: Journal, progress: Progress | None) -> IamService:
        """sts:GetCallerIdentity through each profile must answer with the user's ARN; the first profile's
        service is returned (the app goes on with it when it ran on the old key)."""
        working: list[IamService] = []
        for name in dict.fromkeys(p.name for p in journal.profiles):
            def build(name: str = name) -> IamService:
                return cli_profile.service_for_profile(self.service, self.paths, name)

            working.append(await cli_profile.verify(
                build,
                journal.user_arn, progress=progress, timeout=self._verify_timeout, sleep=self._sleep,
                clock=self._clock))
        return working[0]
