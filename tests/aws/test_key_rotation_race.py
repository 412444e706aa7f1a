"""Two iam-tui instances rotating the same user's key over one set of AWS CLI files (the race that left a user with
no working key): the lock beside the journal serializes them across processes, the other one is told who holds it
and neither plans nor is offered the journal; and every destructive step reads AWS and the files again just before
it acts, so that a run that got past the lock (or a journal edited behind its back) still deletes nothing that
works."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.core import aws_config
from iam_tui.core.aws_config import CliPaths
from iam_tui.core.fix_plan import FixProblem
from iam_tui.core.key_rotation import JOURNAL_NAME, LOCK_NAME, Resume, RotationBusy, Step
from iam_tui.core.secret import Secret

from ..helpers import IamClient
from .test_key_rotation import alice, interrupted, left_unfinished, paths, rotation

__all__ = ["alice", "paths"]


def keys_of(admin: IamClient) -> dict[str, str]:
    return {k["AccessKeyId"]: k["Status"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]}


def assert_alice_works(admin: IamClient, sandbox: Sandbox, paths: CliPaths) -> None:
    """alice has an active key, every profile that held one of hers holds it, and it signs."""
    active = [key for key, status in keys_of(admin).items() if status == "Active"]
    assert len(active) == 1
    for text, config_file, name in ((paths.credentials.read_text(), False, "work"),
                                    (paths.config.read_text(), True, "default")):
        values = aws_config.profile_options(text, name, config_file=config_file)
        assert values is not None and values["aws_access_key_id"] == active[0]
        secret = Secret(values["aws_secret_access_key"])
        arn = sandbox.session(active[0], secret).create_client("sts").get_caller_identity()["Arn"]
        assert arn.endswith(":user/alice")


async def test_two_instances_racing_as_in_the_report(service: IamService, admin: IamClient, sandbox: Sandbox,
                                                     paths: CliPaths, alice: tuple[str, str]) -> None:
    """Both open the review; A runs up to the delete confirmation; B presses enter; then A deletes."""
    a, b = rotation(service, paths), rotation(service, paths)
    plan_a, plan_b = await a.plan("alice", alice[0]), await b.plan("alice", alice[0])
    result = await a.rotate(plan_a)
    assert result.journal.step is Step.OLD_DEACTIVATED

    with pytest.raises(RotationBusy) as busy:
        await b.rotate(plan_b)
    assert f"pid {os.getpid()}" in str(busy.value) and LOCK_NAME in str(busy.value)
    with pytest.raises(RotationBusy):  # a second instance started now is not offered A's journal
        await b.unfinished()
    with pytest.raises(RotationBusy):
        await b.plan("alice", alice[0])
    assert not b.lock.held

    await a.delete_old(result.journal)
    assert_alice_works(admin, sandbox, paths)
    new_key = result.journal.new_key_id
    assert new_key is not None and keys_of(admin) == {new_key: "Active"}
    # A is done and let go: B may plan again (the new key, now)
    assert await b.unfinished() is None
    assert (await b.plan("alice", new_key)).old_key_id == new_key


HOLDER = textwrap.dedent("""
    import sys
    from datetime import UTC, datetime
    from pathlib import Path
    from iam_tui.core.key_rotation import Holder
    from iam_tui.files import FileLock
    lock = FileLock(Path(sys.argv[1]))
    lock.acquire(Holder(12345, "other-host", datetime(2026, 12, 7, 9, 30, tzinfo=UTC)).to_text())
    print("locked", flush=True)
    sys.stdin.read()
""")


async def test_the_lock_holds_across_processes(service: IamService, paths: CliPaths, alice: tuple[str, str]) -> None:
    lock = paths.credentials.parent / LOCK_NAME
    other = subprocess.Popen([sys.executable, "-c", HOLDER, str(lock)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout is not None and other.stdout.readline() == "locked\n"
        this = rotation(service, paths)
        with pytest.raises(RotationBusy) as busy:
            await this.plan("alice", alice[0])
        assert "pid 12345 on other-host, since 2026-12-07 09:30:00 UTC" in str(busy.value)
        with pytest.raises(RotationBusy):
            await this.unfinished()
    finally:
        other.communicate("")  # the other process ends: the kernel drops its lock
    assert (await rotation(service, paths).plan("alice", alice[0])).old_key_id == alice[0]


async def test_a_key_a_profile_holds_is_never_deleted_as_an_orphan(service: IamService, admin: IamClient,
                                                                   sandbox: Sandbox, paths: CliPaths,
                                                                   alice: tuple[str, str]) -> None:
    """The journal says the new key's secret was lost, but a profile holds it (another writer put it there): the
    resume reads the files again and refuses to delete it."""
    await interrupted(service, paths, alice, "recorded-created")
    journal = (paths.credentials.parent / JOURNAL_NAME).read_text()
    new = next(key for key in keys_of(admin) if key != alice[0])
    assert new in journal
    next_run = rotation(service, paths)
    unfinished = await left_unfinished(next_run)
    assert unfinished.point is Resume.DELETE_ORPHAN
    extra = f"\n[ci]\naws_access_key_id = {new}\naws_secret_access_key = whatever\n"
    with paths.credentials.open("a") as credentials:  # between the review and enter
        credentials.write(extra)
    with pytest.raises(FixProblem, match="holds"):
        await next_run.resume(unfinished)
    assert new in keys_of(admin)


async def test_the_old_key_goes_only_while_the_new_one_is_active(service: IamService, admin: IamClient,
                                                                 sandbox: Sandbox, paths: CliPaths,
                                                                 alice: tuple[str, str]) -> None:
    run = rotation(service, paths)
    result = await run.rotate(await run.plan("alice", alice[0]))
    new = result.journal.new_key_id
    admin.update_access_key(UserName="alice", AccessKeyId=new, Status="Inactive")  # someone, elsewhere
    with pytest.raises(FixProblem, match=f"new key {new} is inactive"):
        await run.delete_old(result.journal)
    admin.delete_access_key(UserName="alice", AccessKeyId=new)
    with pytest.raises(FixProblem, match=f"new key {new} no longer exists"):
        await run.delete_old(result.journal)
    assert alice[0] in keys_of(admin)


async def test_the_old_key_is_not_deactivated_while_a_profile_holds_it(
        service: IamService, admin: IamClient, paths: CliPaths, alice: tuple[str, str]) -> None:
    await interrupted(service, paths, alice, "recorded-verified")
    with paths.credentials.open("a") as credentials:  # a profile that got the old key since the review
        credentials.write(f"\n[late]\naws_access_key_id = {alice[0]}\naws_secret_access_key = s\n")
    next_run = rotation(service, paths)
    unfinished = await left_unfinished(next_run)
    with pytest.raises(FixProblem, match=r"Profile late \(credentials file\) still holds"):
        await next_run.resume(unfinished)
    assert keys_of(admin)[alice[0]] == "Active"


def test_the_lock_file_names_its_holder_and_is_private(tmp_path: Path) -> None:
    from iam_tui.files import FileLock, LockHeld, file_mode

    first, second = FileLock(tmp_path / "x.lock"), FileLock(tmp_path / "x.lock")
    first.acquire("me\n")
    assert first.held and file_mode(tmp_path / "x.lock") == 0o600 and second.holder() == "me\n"
    with pytest.raises(LockHeld) as held:
        second.acquire("you\n")
    assert held.value.holder == "me\n" and first.holder() is None  # its own lock is not "another's"
    first.release()
    assert second.holder() is None
    second.acquire("you\n")
    assert (tmp_path / "x.lock").read_text() == "you\n"
