"""Guided key rotation (CIS 1.13) against the sandbox: two profiles use the old key (one in each file),
an unrelated profile stays byte for byte; the rotation is interrupted after each step and resumed on the "next
run"; the state is checked through plain clients."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from iam_tui import files
from iam_tui.aws import cli_profile
from iam_tui.aws.errors import AwsError
from iam_tui.aws.key_rotation import FaultHook, KeyRotationService, UnfinishedRotation
from iam_tui.aws.sandbox import Sandbox, responses
from iam_tui.aws.service import IamService
from iam_tui.core import aws_config
from iam_tui.core.aws_config import CliPaths
from iam_tui.core.fix_plan import FixProblem
from iam_tui.core.key_rotation import JOURNAL_NAME, Journal, ProfileUse, Resume, Step
from iam_tui.core.secret import Secret

from ..helpers import FakeTime, IamClient, inject_error

CREDENTIALS = """# keys for the CLI\r
[work]\r
aws_access_key_id = {old}\r
aws_secret_access_key = {secret}\r
\r
[personal]\r
aws_access_key_id=AKIAUNRELATED0000000\r
aws_secret_access_key=unrelated/secret\r
region = eu-west-1\r
"""
CONFIG = """[default]
region = us-east-1
aws_access_key_id={old}
aws_secret_access_key  =  {secret}
[profile work]
region = us-east-1
output = json

[profile personal]
region = eu-west-1
"""


class Interrupted(Exception):
    """The app stopped here (killed, machine down)."""


@pytest.fixture
def alice(admin: IamClient) -> tuple[str, str]:
    admin.create_user(UserName="alice")
    made = admin.create_access_key(UserName="alice")["AccessKey"]
    return made["AccessKeyId"], made["SecretAccessKey"]


@pytest.fixture
def paths(tmp_path: Path, alice: tuple[str, str]) -> CliPaths:
    old, secret = alice
    paths = CliPaths(tmp_path / "credentials", tmp_path / "config")
    paths.credentials.write_bytes(CREDENTIALS.format(old=old, secret=secret).encode())
    # the config file's default profile holds the key too (botocore reads keys from either file)
    paths.config.write_bytes(CONFIG.format(old=old, secret=secret).encode())
    os.chmod(paths.credentials, 0o600)  # as `aws configure` makes them; a rotation keeps the mode it finds
    os.chmod(paths.config, 0o600)
    return paths


def rotation(service: IamService, paths: CliPaths, fault: FaultHook | None = None) -> KeyRotationService:
    fake = FakeTime()
    fake.install(service)
    return KeyRotationService(service, paths, fault=fault)


def interrupt_at(point: str) -> FaultHook:
    def fault(reached: str) -> None:
        if reached == point:
            raise Interrupted(point)

    return fault


async def interrupted(service: IamService, paths: CliPaths, alice: tuple[str, str], point: str) -> None:
    """A rotation of alice's key stopped at ``point``, then its process ended (the kernel drops its lock)."""
    first_run = rotation(service, paths, interrupt_at(point))
    plan = await first_run.plan("alice", alice[0])
    with pytest.raises(Interrupted):
        await first_run.rotate(plan)
    first_run.release()


async def left_unfinished(run: KeyRotationService) -> UnfinishedRotation:
    """The rotation ``run`` finds unfinished (there must be one)."""
    unfinished = await run.unfinished()
    assert unfinished is not None
    return unfinished


def work_profile(paths: CliPaths) -> dict[str, str]:
    """The options of the credentials file's ``work`` profile (the one the rotation rewrites)."""
    values = aws_config.profile_options(paths.credentials.read_text(), "work", config_file=False)
    assert values is not None
    return values


def unknown_key(admin: IamClient, alice: tuple[str, str]) -> str:
    key_id: str = next(k["AccessKeyId"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]
                       if k["AccessKeyId"] != alice[0])
    return key_id


def assert_rotated(admin: IamClient, sandbox: Sandbox, paths: CliPaths, alice: tuple[str, str]) -> None:
    old, secret = alice
    keys = admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]
    assert len(keys) == 1 and keys[0]["AccessKeyId"] != old and keys[0]["Status"] == "Active"
    new = keys[0]["AccessKeyId"]
    values = work_profile(paths)
    assert values["aws_access_key_id"] == new
    new_secret = values["aws_secret_access_key"]
    # every byte as before, apart from the two values, in both files; the unrelated profile untouched
    assert paths.credentials.read_bytes() == CREDENTIALS.format(old=new, secret=new_secret).encode()
    assert paths.config.read_bytes() == CONFIG.format(old=new, secret=new_secret).encode()
    assert oct(paths.credentials.stat().st_mode & 0o777) == oct(0o600)
    assert secret.encode() not in paths.credentials.read_bytes() + paths.config.read_bytes()
    # the new key works, through a plain client
    arn = sandbox.session(new, Secret(new_secret)).create_client("sts").get_caller_identity()["Arn"]
    assert arn.endswith(":user/alice")
    assert not (paths.credentials.parent / JOURNAL_NAME).exists()


async def test_a_rotation_end_to_end(service: IamService, admin: IamClient, sandbox: Sandbox, paths: CliPaths,
                                     alice: tuple[str, str]) -> None:
    service_rotation = rotation(service, paths)
    assert await service_rotation.unfinished() is None
    plan = await service_rotation.plan("alice", alice[0])
    assert set(plan.profiles) == {ProfileUse("work"), ProfileUse("default", config_file=True)}
    assert not plan.rotates_running_key and len(plan.steps_text()) == 5
    result = await service_rotation.rotate(plan)
    assert result.journal.step is Step.OLD_DEACTIVATED and result.new_service is not None
    statuses = {k["AccessKeyId"]: k["Status"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]}
    assert statuses[alice[0]] == "Inactive" and len(statuses) == 2
    journal = paths.credentials.parent / JOURNAL_NAME
    text = journal.read_text()
    assert oct(journal.stat().st_mode & 0o777) == oct(0o600) and "secret" not in text.replace("_secret", "")
    new_secret = work_profile(paths)["aws_secret_access_key"]
    assert new_secret not in text and alice[1] not in text
    await service_rotation.delete_old(result.journal)
    assert_rotated(admin, sandbox, paths, alice)


POINTS = {
    # the key exists, the journal does not know it yet: its secret is lost, but iam-tui cannot tell it from a key
    # another run made, so it is only named, and the user deletes it
    "created": Resume.NO_ROOM,
    "recorded-created": Resume.DELETE_ORPHAN,
    "written": Resume.VERIFY,  # the files hold the new key, the journal does not know yet
    "recorded-written": Resume.VERIFY,
    "verified": Resume.VERIFY,
    "recorded-verified": Resume.DEACTIVATE_OLD,
    "deactivated": Resume.DEACTIVATE_OLD,
    "recorded-deactivated": Resume.DELETE_OLD,
}


@pytest.mark.parametrize("point", POINTS)
async def test_interrupted_after_each_step_then_resumed(service: IamService, admin: IamClient, sandbox: Sandbox,
                                                        paths: CliPaths, alice: tuple[str, str], point: str) -> None:
    await interrupted(service, paths, alice, point)

    next_run = rotation(service, paths)
    unfinished = await left_unfinished(next_run)
    assert unfinished is not None and unfinished.point is POINTS[point]
    if unfinished.point is Resume.DELETE_ORPHAN:
        orphan = {k["AccessKeyId"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]} - {
            alice[0]}
        assert "secret is lost" in unfinished.explanation and orphan.pop() in unfinished.explanation
        # the files were not touched: the old key still works from them
        assert alice[0] in paths.credentials.read_text()
    if unfinished.point is Resume.NO_ROOM:
        unknown = {k["AccessKeyId"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]} - {
            alice[0]}
        assert unknown.pop() in unfinished.explanation and "does not delete" in unfinished.explanation
        with pytest.raises(FixProblem):
            await next_run.resume(unfinished)
        next_run.release()
        assert len(admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 2  # nothing deleted
        admin.delete_access_key(UserName="alice", AccessKeyId=unknown_key(admin, alice))  # the user, on the keys screen
        unfinished = await left_unfinished(next_run)
        assert unfinished.point is Resume.CREATE
    with pytest.raises(FixProblem, match="unfinished"):
        await next_run.plan("alice", alice[0])
    result = await next_run.resume(unfinished)
    assert result.journal.step is Step.OLD_DEACTIVATED
    await next_run.delete_old(result.journal)
    assert_rotated(admin, sandbox, paths, alice)


async def test_an_aws_failure_at_deactivation_is_resumed(service: IamService, admin: IamClient, sandbox: Sandbox,
                                                         paths: CliPaths, alice: tuple[str, str]) -> None:
    inject_error(service, "iam", "UpdateAccessKey", "AccessDenied", "no", 403, times=1)
    first_run = rotation(service, paths)
    with pytest.raises(AwsError):
        await first_run.rotate(await first_run.plan("alice", alice[0]))
    first_run.release()
    unfinished = await left_unfinished(rotation(service, paths))
    assert unfinished.point is Resume.DEACTIVATE_OLD
    next_run = rotation(service, paths)
    result = await next_run.resume(unfinished)
    await next_run.delete_old(result.journal)
    assert_rotated(admin, sandbox, paths, alice)


async def test_a_failed_file_write_leaves_the_files_and_the_orphan_is_deleted(
        service: IamService, admin: IamClient, sandbox: Sandbox, paths: CliPaths, alice: tuple[str, str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = paths.credentials.read_bytes(), paths.config.read_bytes()
    real_write = os.replace

    def config_write_fails(src: str, dst: str, *args: Any, **kwargs: Any) -> None:
        if Path(dst) == paths.config:  # the credentials file is written first: it must be put back
            raise OSError(28, "No space left on device")
        return real_write(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", config_write_fails)
    first_run = rotation(service, paths)
    with pytest.raises(AwsError) as caught:
        await first_run.rotate(await first_run.plan("alice", alice[0]))
    first_run.release()
    monkeypatch.undo()
    assert caught.value.code == "ProfileWrite" and "No space left" in caught.value.message
    assert (paths.credentials.read_bytes(), paths.config.read_bytes()) == before  # put back
    unfinished = await left_unfinished(rotation(service, paths))
    assert unfinished.point is Resume.DELETE_ORPHAN
    next_run = rotation(service, paths)
    result = await next_run.resume(unfinished)
    await next_run.delete_old(result.journal)
    assert_rotated(admin, sandbox, paths, alice)


async def test_deleted_but_journal_left_is_finished(service: IamService, admin: IamClient, paths: CliPaths,
                                                    alice: tuple[str, str]) -> None:
    first_run = rotation(service, paths)
    result = await first_run.rotate(await first_run.plan("alice", alice[0]))
    first_run.release()
    admin.delete_access_key(UserName="alice", AccessKeyId=alice[0])  # deleted; the app stopped before the journal
    unfinished = await left_unfinished(rotation(service, paths))
    assert unfinished.point is Resume.FINISHED
    await rotation(service, paths).resume(unfinished)
    assert not (paths.credentials.parent / JOURNAL_NAME).exists()
    assert result.journal.new_key_id is not None and result.journal.new_key_id in paths.credentials.read_text()


async def test_what_cannot_be_rotated_is_refused(service: IamService, admin: IamClient, paths: CliPaths,
                                                 alice: tuple[str, str]) -> None:
    with pytest.raises(FixProblem, match="not an active access key"):
        await rotation(service, paths).plan("alice", "AKIANOTALICES0000000")
    admin.create_access_key(UserName="alice")
    with pytest.raises(FixProblem, match="AWS's limit"):
        await rotation(service, paths).plan("alice", alice[0])
    admin.create_user(UserName="bob")
    bobs = admin.create_access_key(UserName="bob")["AccessKey"]["AccessKeyId"]
    with pytest.raises(FixProblem, match="No AWS CLI profile"):
        await rotation(service, paths).plan("bob", bobs)
    with paths.credentials.open("a") as credentials:  # the secret would be in the other file
        credentials.write(f"[split]\naws_access_key_id = {bobs}\n")
    with pytest.raises(FixProblem, match="profile split has no aws_secret_access_key"):
        await rotation(service, paths).plan("bob", bobs)


async def test_a_journal_of_another_account_is_not_resumed(service: IamService, paths: CliPaths,
                                                           alice: tuple[str, str]) -> None:
    await interrupted(service, paths, alice, "recorded-verified")
    journal = paths.credentials.parent / JOURNAL_NAME
    journal.write_text(journal.read_text().replace(service.sandbox.account_id, "999999999999"))
    unfinished = await left_unfinished(rotation(service, paths))
    assert unfinished.point is Resume.OTHER_ACCOUNT and "999999999999" in unfinished.explanation
    with pytest.raises(FixProblem):
        await rotation(service, paths).resume(unfinished)
    journal.write_text(journal.read_text().replace("999999999999", service.sandbox.account_id))
    elsewhere = CliPaths(paths.credentials, paths.config.with_name("other-config"))
    unfinished = await left_unfinished(rotation(service, elsewhere))
    with pytest.raises(FixProblem, match="AWS_CONFIG_FILE"):
        await rotation(service, elsewhere).resume(unfinished)
    journal.write_text("{not json")
    with pytest.raises(AwsError) as caught:
        await rotation(service, paths).unfinished()
    assert caught.value.code == "RotationJournal" and "{not" not in caught.value.text


class Killed(BaseException):
    """kill -9: nothing after this point runs (not the app's error handling either)."""


def kill_after_writing(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """The process dies right after ``path`` is written (renamed into place), before anything else: the journal
    does not know, the other file is not written, and the other file's temporary copy is left behind."""
    real = files.write_private_file

    def write(target: str | os.PathLike[str], data: bytes, **kwargs: bool) -> Path:
        written = real(target, data, **kwargs)
        if Path(target) == path:
            leftover = path.parent / ".config.0badc0de.tmp"  # what a kill during the next write leaves
            leftover.write_bytes(data)
            os.utime(leftover, (1, 1))
            raise Killed
        return written

    monkeypatch.setattr(cli_profile, "write_private_file", write)


@pytest.mark.parametrize("recorded", [False, True])
async def test_killed_between_the_two_file_writes_then_resumed(service: IamService, admin: IamClient, sandbox: Sandbox,
                                                               paths: CliPaths, alice: tuple[str, str],
                                                               monkeypatch: pytest.MonkeyPatch, recorded: bool) -> None:
    """The credentials file holds the new key (its secret's only copy; the old one overwritten there), the config
    file still the old one. The resume must go forward from the files, never delete the new key."""
    first_run = rotation(service, paths, interrupt_at("never"))
    if recorded:
        def killed_at(point: str) -> None:
            if point == "recorded-written-credentials":
                (paths.credentials.parent / ".config.0badc0de.tmp").write_bytes(b"new secret")
                os.utime(paths.credentials.parent / ".config.0badc0de.tmp", (1, 1))
                raise Killed

        first_run = rotation(service, paths, killed_at)
    else:
        kill_after_writing(monkeypatch, paths.credentials)
    with pytest.raises(Killed):
        await first_run.rotate(await first_run.plan("alice", alice[0]))
    first_run.release()
    monkeypatch.undo()
    new = unknown_key(admin, alice)
    assert work_profile(paths)["aws_access_key_id"] == new
    assert alice[0] in paths.config.read_text() and alice[1] not in paths.credentials.read_text()
    journal = Journal.from_json((paths.credentials.parent / JOURNAL_NAME).read_text())
    assert journal.written == ((("credentials", new),) if recorded else ())

    next_run = rotation(service, paths)
    removed = await next_run.remove_stale_temps()
    assert [p.name for p in removed] == [".config.0badc0de.tmp"] and not removed[0].exists()
    unfinished = await left_unfinished(next_run)
    assert unfinished.point is Resume.VERIFY
    assert f"Profile work already holds the new key {new}" in unfinished.explanation
    result = await next_run.resume(unfinished)
    assert result.journal.step is Step.OLD_DEACTIVATED and new in {
        k["AccessKeyId"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]}
    assert dict(result.journal.written) == {"config": new} | ({"credentials": new} if recorded else {})
    await next_run.delete_old(result.journal)
    assert_rotated(admin, sandbox, paths, alice)


async def test_a_fresh_temporary_file_is_another_writes_and_stays(service: IamService, paths: CliPaths,
                                                                  alice: tuple[str, str]) -> None:
    fresh = paths.credentials.parent / ".credentials.12345678.tmp"
    fresh.write_bytes(b"being written")
    other = paths.credentials.parent / ".credentials.notours.tmp"
    other.write_bytes(b"not a name iam-tui uses")
    os.utime(other, (1, 1))
    assert await rotation(service, paths).remove_stale_temps() == []
    assert fresh.exists() and other.exists()


async def test_a_read_only_credentials_file_stays_read_only(service: IamService, admin: IamClient, paths: CliPaths,
                                                            alice: tuple[str, str]) -> None:
    os.chmod(paths.credentials, 0o400)
    run = rotation(service, paths)
    result = await run.rotate(await run.plan("alice", alice[0]))
    assert result.journal.new_key_id is not None and result.journal.new_key_id in paths.credentials.read_text()
    assert oct(paths.credentials.stat().st_mode & 0o777) == oct(0o400)
    assert oct(paths.config.stat().st_mode & 0o777) == oct(0o600)


async def test_a_file_others_can_read_is_named_in_the_review_and_keeps_its_mode(
        service: IamService, paths: CliPaths, alice: tuple[str, str]) -> None:
    os.chmod(paths.config, 0o644)
    run = rotation(service, paths)
    plan = await run.plan("alice", alice[0])
    assert any(f"{paths.config} has mode 0644" in note and "chmod 600" in note for note in plan.notes)
    await run.rotate(plan)
    assert oct(paths.config.stat().st_mode & 0o777) == oct(0o644)


async def test_the_review_shows_the_old_keys_last_use_and_what_iam_tui_cannot_update(
        service: IamService, paths: CliPaths, alice: tuple[str, str]) -> None:
    plan = await rotation(service, paths).plan("alice", alice[0])
    assert plan.old_last_used == "never used"
    assert "last used: never used" in plan.before_deactivating()
    for cannot in ("environment variables", "other hosts", "CI systems"):
        assert cannot in plan.before_deactivating()

    def used(**_: Any) -> object:
        return responses.ok({"UserName": "alice", "AccessKeyLastUsed": {
            "LastUsedDate": datetime(2026, 11, 30, 8, 15, tzinfo=UTC), "ServiceName": "s3", "Region": "eu-west-1"}})

    service.ctx.client("iam").meta.events.register_first("before-call.iam.GetAccessKeyLastUsed", used)
    plan = await rotation(service, paths).plan("alice", alice[0])
    assert plan.old_last_used == "2026-11-30 08:15 s3 eu-west-1"


async def test_the_old_key_is_kept_inactive_and_can_be_reactivated(service: IamService, admin: IamClient,
                                                                   paths: CliPaths, alice: tuple[str, str]) -> None:
    run = rotation(service, paths)
    result = await run.rotate(await run.plan("alice", alice[0]))
    await run.keep_old(result.journal)
    assert not (paths.credentials.parent / JOURNAL_NAME).exists() and not run.lock.held
    statuses = {k["AccessKeyId"]: k["Status"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]}
    assert statuses == {alice[0]: "Inactive", result.journal.new_key_id: "Active"}
    assert await rotation(service, paths).unfinished() is None  # nothing to resume: the rotation is complete
    await run.reactivate_old(result.journal)
    assert {k["Status"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]} == {"Active"}


async def test_a_new_key_deleted_elsewhere_is_replaced_by_another(service: IamService, admin: IamClient,
                                                                  sandbox: Sandbox, paths: CliPaths,
                                                                  alice: tuple[str, str]) -> None:
    """The profiles hold the new key, then someone deletes it: they do not work; resuming makes another key and
    writes it where the old or the dead key is."""
    await interrupted(service, paths, alice, "recorded-written")
    dead = unknown_key(admin, alice)
    admin.delete_access_key(UserName="alice", AccessKeyId=dead)
    next_run = rotation(service, paths)
    unfinished = await left_unfinished(next_run)
    assert unfinished.point is Resume.NEW_KEY_GONE and "no longer exists" in unfinished.explanation
    result = await next_run.resume(unfinished)
    assert result.journal.new_key_id not in (None, dead, alice[0])
    await next_run.delete_old(result.journal)
    assert_rotated(admin, sandbox, paths, alice)
