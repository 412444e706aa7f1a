"""Deleting a key names the AWS CLI profiles that hold it and offers to remove their sections: the keys screen's d,
and a plan that deletes keys (user removal; the fixes go through the same review_then_run)."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, Static

from iam_tui.aws.service import IamService
from iam_tui.core.aws_config import CliPaths
from iam_tui.guide import StepKey
from iam_tui.screens.access_keys import AccessKeysScreen
from iam_tui.screens.confirm import ConfirmScreen, TypedConfirmScreen
from iam_tui.screens.plan_progress import PlanProgressScreen
from iam_tui.screens.plan_review import PlanReviewScreen
from iam_tui.screens.users import UsersScreen
from tests.aws.test_key_profiles import CONFIG, CREDENTIALS, demo_paths

from ..helpers import IamClient, MakeApp
from .pilot import current, open_step, settle, visible_text
from .test_users import names
from .waiting import until, until_screen, until_shown

REST_OF_CREDENTIALS = "# keys\n[other]\naws_access_key_id = AKIAOTHER0000000000\naws_secret_access_key = s2\n"


def _alice_with_profiles(service: IamService, admin: IamClient) -> tuple[str, CliPaths]:
    """alice's access key, held by the demo's profiles alice (credentials file) and ci (config file)."""
    admin.create_user(UserName="alice")
    key: str = admin.create_access_key(UserName="alice")["AccessKey"]["AccessKeyId"]
    return key, demo_paths(service, key)


async def _press_d_on_the_key(pilot: Pilot[int]) -> None:
    """Step 5's keys screen, d on its one key: the typed confirmation is up."""
    await open_step(pilot, StepKey.ACCESS_KEYS, AccessKeysScreen)
    await pilot.press("d")
    await until_screen(pilot, TypedConfirmScreen)


async def test_d_names_the_profiles_and_removes_their_sections_on_request(
        make_app: MakeApp, service: IamService, admin: IamClient) -> None:
    key, paths = _alice_with_profiles(service, admin)
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="alice")
    async with app.run_test(size=(100, 32)) as pilot:
        await _press_d_on_the_key(pilot)
        question = visible_text(app)
        assert "alice (credentials file" in question and "ci (config file" in question
        assert app.focused is app.screen.query_one("#typed", Input)
        await pilot.press(*key, "enter")
        await until_shown(pilot, ConfirmScreen)
        asked = str(app.screen.query_one("#question", Static).render())
        assert "no longer work: alice (credentials file), ci (config file)" in asked
        await pilot.press("y")
        await until(pilot, lambda: "[profile ci]" not in paths.config.read_text())
        await settle(pilot)
    assert admin.list_access_keys(UserName="alice")["AccessKeyMetadata"] == []
    assert paths.credentials.read_text() == REST_OF_CREDENTIALS
    assert "[profile alice]" not in paths.config.read_text() and "[profile other]" in paths.config.read_text()


async def test_keeping_them_changes_nothing(make_app: MakeApp, service: IamService, admin: IamClient) -> None:
    key, paths = _alice_with_profiles(service, admin)
    app = make_app(start_at=StepKey.ACCESS_KEYS, guide_user="alice")
    async with app.run_test(size=(100, 32)) as pilot:
        await _press_d_on_the_key(pilot)
        await pilot.press(*key, "enter")
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("n")
        await until_screen(pilot, AccessKeysScreen)
    assert paths.credentials.read_text() == CREDENTIALS.format(key=key)
    assert paths.config.read_text() == CONFIG.format(key=key)


async def test_user_removal_names_them_in_the_review_and_offers_removal(
        make_app: MakeApp, service: IamService, admin: IamClient) -> None:
    key, paths = _alice_with_profiles(service, admin)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        await until(pilot, lambda: app.last_scan is not None)
        app.push_screen(UsersScreen())
        await until_screen(pilot, UsersScreen)
        await until(pilot, lambda: "alice" in names(app))
        await pilot.press("x")
        await until_screen(pilot, PlanReviewScreen)
        review = str(app.screen.query_one("#review-text", Static).render())
        assert f"AWS CLI profiles that hold a key this deletes: alice (credentials file, {key}); ci (config file" \
               in review
        await pilot.press(*"alice", "enter")
        await until_screen(pilot, PlanProgressScreen)
        screen = current(app, PlanProgressScreen)
        await until(pilot, lambda: screen.run_state.complete and not app.session.busy)
        await pilot.press("escape")
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: "[profile ci]" not in paths.config.read_text())
    assert paths.credentials.read_text() == REST_OF_CREDENTIALS


async def test_the_unused_key_fix_names_the_profile_when_it_deletes_the_key(
        make_app: MakeApp, service: IamService, admin: IamClient) -> None:
    """CIS 1.10: the fix deactivates the never-used key, then offers its deletion as a plan of its own: that
    review names the profile, and once the key is gone its removal is offered."""
    from .test_fixes import run_to_done, text, unused_key_fix_to_its_deletion

    admin.create_user(UserName="lee")
    admin.create_login_profile(UserName="lee", Password="Correct-Horse-9-battery")
    key = admin.create_access_key(UserName="lee")["AccessKey"]["AccessKeyId"]
    paths = demo_paths(service, key)
    app = make_app()
    async with app.run_test(size=(100, 40)) as pilot:
        deactivation = await unused_key_fix_to_its_deletion(app, pilot)
        assert "AWS CLI profiles that hold" not in deactivation  # deactivating deletes nothing
        assert f"hold a key this deletes: alice (credentials file, {key})" in text(app, "#review-text")
        await pilot.press(*key, "enter")
        await run_to_done(app, pilot)
        await pilot.press("enter")
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await until(pilot, lambda: "[profile ci]" not in paths.config.read_text())
    assert paths.credentials.read_text() == REST_OF_CREDENTIALS
