"""Guided key rotation through the UI (CIS 1.13): two profiles use the old key (one in each AWS CLI
file); a rotation run from the screen, one stopped by an AWS error and resumed with enter, and one an earlier run
left half-done that the app offers to resume. The state is checked through the plain ``admin`` client and the
files (tests/aws/test_key_rotation.py's fixtures and checks)."""

from __future__ import annotations

import os

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from iam_tui.app import IamTuiApp
from iam_tui.aws.cli_profile import demo_folder
from iam_tui.aws.key_rotation import KeyRotationService
from iam_tui.aws.sandbox import Sandbox
from iam_tui.aws.service import IamService
from iam_tui.core.aws_config import CliPaths
from iam_tui.core.key_rotation import JOURNAL_NAME, Resume
from iam_tui.screens.confirm import TypedConfirmScreen
from iam_tui.screens.key_rotation import KeyRotationScreen
from tests.aws.test_key_rotation import (
    CONFIG,
    CREDENTIALS,
    Interrupted,
    Killed,
    alice,
    assert_rotated,
    interrupt_at,
    kill_after_writing,
)
from tests.helpers import inject_error

from ..helpers import IamClient, MakeApp
from .pilot import current
from .test_users import app_signed_in_as
from .waiting import until, until_screen, until_shown


@pytest.fixture
def paths(service: IamService, alice: tuple[str, str]) -> CliPaths:
    """The demo's own AWS CLI files (where the app edits profiles), with the old key in two profiles."""
    old, secret = alice
    folder = demo_folder(service.sandbox)
    paths = CliPaths(folder / "credentials", folder / "config")
    paths.credentials.write_bytes(CREDENTIALS.format(old=old, secret=secret).encode())
    paths.config.write_bytes(CONFIG.format(old=old, secret=secret).encode())
    os.chmod(paths.credentials, 0o600)
    os.chmod(paths.config, 0o600)
    return paths


__all__ = ["alice"]  # the fixture: alice with one access key


def _review(app: IamTuiApp) -> str:
    found = app.screen.query("#review-text")
    return str(found.first(Static).render()) if found else ""


async def _open(pilot: Pilot[int], app: IamTuiApp, *args: str) -> KeyRotationScreen:
    await until(pilot, lambda: app.last_scan is not None)
    app.push_screen(KeyRotationScreen(*args))
    await until_screen(pilot, KeyRotationScreen)
    screen = current(app, KeyRotationScreen)
    await until(pilot, lambda: screen.plan is not None)
    return screen


async def _confirm_delete(pilot: Pilot[int], app: IamTuiApp, old: str) -> None:
    """The run ends with the old key kept inactive (the default); d deletes it after its ID is typed."""
    await until(pilot, lambda: "is inactive and kept" in _review(app))
    assert not (demo_folder(app.service.sandbox) / JOURNAL_NAME).exists()  # the rotation is complete
    await pilot.press("d")
    await until_shown(pilot, TypedConfirmScreen)
    await pilot.press(*old, "enter")
    await until(pilot, lambda: isinstance(app.screen, KeyRotationScreen) and "✓ Rotated" in _review(app))


async def test_rotation_through_the_screen(make_app: MakeApp, admin: IamClient, sandbox: Sandbox, paths: CliPaths,
                                           alice: tuple[str, str]) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app, "alice")
        review = _review(app)
        assert f"Rotate access key {alice[0]} of alice" in review
        assert "work (credentials file)" in review and "default (config file)" in review
        assert "signs its calls with" not in review  # iam-tui does not run on alice's key
        await pilot.press("enter")
        await _confirm_delete(pilot, app, alice[0])
        assert not app.session.unfinished and not app.session.busy
    assert_rotated(admin, sandbox, paths, alice)


async def test_an_aws_failure_stops_it_and_enter_resumes(make_app: MakeApp, service: IamService, admin: IamClient,
                                                         sandbox: Sandbox, paths: CliPaths,
                                                         alice: tuple[str, str]) -> None:
    fired = inject_error(service, "iam", "UpdateAccessKey", "AccessDenied", "not allowed", 403, times=1)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await _open(pilot, app, "alice", alice[0])
        await pilot.press("enter")
        await until(pilot, lambda: screen.unfinished is not None)
        assert fired and "AccessDenied" in _review(app) and "resuming deactivates the old key" in _review(app)
        assert {k["Status"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]} == {"Active"}
        await pilot.press("enter")
        await _confirm_delete(pilot, app, alice[0])
    assert_rotated(admin, sandbox, paths, alice)


async def test_a_rotation_left_half_done_is_offered_at_start_and_resumed(
        make_app: MakeApp, service: IamService, admin: IamClient, sandbox: Sandbox, paths: CliPaths,
        alice: tuple[str, str]) -> None:
    first = KeyRotationService(service, fault=interrupt_at("recorded-written"))
    with pytest.raises(Interrupted):
        await first.rotate(await first.plan("alice", alice[0]))
    first.release()  # that run ended
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await until_screen(pilot, KeyRotationScreen)  # the app looks for an unfinished rotation once connected
        screen = current(app, KeyRotationScreen)
        await until(pilot, lambda: screen.unfinished is not None)
        assert screen.unfinished is not None and screen.unfinished.point is Resume.VERIFY
        assert "left unfinished" in _review(app) and "verifies it with STS" in _review(app)
        await pilot.press("enter")
        await _confirm_delete(pilot, app, alice[0])
    assert_rotated(admin, sandbox, paths, alice)


async def test_rotating_the_key_iam_tui_runs_on_goes_on_with_the_new_key(
        admin: IamClient, sandbox: Sandbox, paths: CliPaths, alice: tuple[str, str]) -> None:
    old, secret = alice
    app, as_alice = app_signed_in_as(sandbox, old, secret)
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(pilot, app, "alice")
        assert "iam-tui itself signs its calls with" in _review(app)
        await pilot.press("enter")
        await until(pilot, lambda: "is inactive and kept" in _review(app))
        await pilot.press("d")
        await until_shown(pilot, TypedConfirmScreen)
        assert app.service is not as_alice  # ServiceChanged: the app went on with the new key
        new = await app.service.keys.running_access_key_id()
        assert new not in (None, old)
        await pilot.press(*old, "enter")  # deleted through the new key
        await until(pilot, lambda: isinstance(app.screen, KeyRotationScreen) and "✓ Rotated" in _review(app))
    assert_rotated(admin, sandbox, paths, alice)


async def test_a_second_instance_is_told_who_rotates_and_offered_nothing(
        make_app: MakeApp, service: IamService, admin: IamClient, paths: CliPaths, alice: tuple[str, str]) -> None:
    """Another instance is mid-rotation (it holds the lock; its journal says "profiles written"): this one, started
    now, does not offer that journal at start, and its rotation screen names the holder instead of a plan."""
    other = KeyRotationService(service, fault=interrupt_at("recorded-written"))
    with pytest.raises(Interrupted):
        await other.rotate(await other.plan("alice", alice[0]))
    assert other.lock.held  # still running, as far as this process can tell
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await until(pilot, lambda: app.last_scan is not None)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, KeyRotationScreen)
        app.push_screen(KeyRotationScreen("alice"))
        await until_screen(pilot, KeyRotationScreen)
        await until(pilot, lambda: "is rotating a key" in _review(app))
        assert f"pid {os.getpid()}" in _review(app) and current(app, KeyRotationScreen).plan is None
        assert current(app, KeyRotationScreen).unfinished is None
        await pilot.press("enter")  # nothing to run
        await pilot.pause()
        assert len(admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 2
    other.release()


async def test_killed_between_the_file_writes_the_start_cleans_up_and_resumes(
        make_app: MakeApp, service: IamService, admin: IamClient, sandbox: Sandbox, paths: CliPaths,
        alice: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    first = KeyRotationService(service)
    kill_after_writing(monkeypatch, paths.credentials)
    with pytest.raises(Killed):
        await first.rotate(await first.plan("alice", alice[0]))
    first.release()
    monkeypatch.undo()
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await until_screen(pilot, KeyRotationScreen)
        screen = current(app, KeyRotationScreen)
        await until(pilot, lambda: screen.unfinished is not None)
        toasts = [n.message for n in app._notifications]
        assert any("Removed 1 temporary file" in t and ".config.0badc0de.tmp" in t for t in toasts)
        assert not (paths.config.parent / ".config.0badc0de.tmp").exists()
        assert screen.unfinished is not None
        assert screen.unfinished.point is Resume.VERIFY and "Profile work already holds the new key" in _review(app)
        await pilot.press("enter")
        await _confirm_delete(pilot, app, alice[0])
    assert_rotated(admin, sandbox, paths, alice)


async def test_the_old_key_stays_inactive_by_default_and_a_reactivates_it(
        make_app: MakeApp, admin: IamClient, paths: CliPaths, alice: tuple[str, str]) -> None:
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await _open(pilot, app, "alice")
        review = _review(app)
        assert "was last used: never used" in review and "environment variables" in review and "CI" in review
        await pilot.press("enter")
        await until(pilot, lambda: "is inactive and kept" in _review(app))
        assert not isinstance(app.screen, TypedConfirmScreen)  # no deletion unless asked for
        statuses = {k["Status"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]}
        assert statuses == {"Active", "Inactive"}
        await pilot.press("a")
        await until(pilot, lambda: "is active again" in _review(app))
        assert {k["Status"] for k in admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]} == {"Active"}
        await pilot.press("escape")
        await pilot.pause()
    assert len(admin.list_access_keys(UserName="alice")["AccessKeyMetadata"]) == 2
