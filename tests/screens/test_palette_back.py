"""The command palette and the screens under it. "Guide step 1" goes back to the dashboard from any screen: it once
popped every screen above the dashboard at once (the new user's one-time password went unseen, and AWS never shows it
again; a form's entries were dropped without the question its esc asks; a flow waiting for a popped screen never
ended). And a screen that work opens or closes while the palette is open lands where it should."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.notifications import Notification
from textual.pilot import Pilot

from iam_tui.app import IamTuiApp
from iam_tui.screens.confirm import ConfirmScreen
from iam_tui.screens.create_user import CreateUserScreen
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.screens.dialogs import NameDialog
from iam_tui.screens.password_handover import PasswordHandoverScreen
from iam_tui.screens.plan_progress import PlanProgressScreen
from iam_tui.screens.plan_review import PlanReviewScreen

from ..helpers import IamClient, MakeApp, send_at_once
from .pilot import current, notifications_into
from .test_create_user import create, go_to_review, open_form, type_name
from .test_fixes import fix
from .test_key_safety import edit_the_length, open_policy
from .waiting import until, until_screen, until_shown


async def step_1_from_the_palette(app: IamTuiApp, pilot: Pilot[int]) -> None:
    """ctrl+p, "step 1", enter: as a person picks it (not ``settle``: a flow may be waiting for a screen)."""
    await pilot.press("ctrl+p")
    await until(pilot, lambda: bool(app.screen.query(CommandList)))
    await pilot.press(*"step 1")
    await until(pilot, lambda: any("Guide step 1" in str(option.prompt)
                                   for option in app.screen.query_one(CommandList).options))
    await pilot.press("enter")
    await until(pilot, lambda: not app.screen.query(CommandList))
    await pilot.pause()


async def test_the_one_time_password_stays_until_it_is_taken(make_app: MakeApp) -> None:
    app = make_app()
    shown: list[Notification] = []
    async with app.run_test(size=(100, 32), message_hook=notifications_into(shown)) as pilot:
        await open_form(app, pilot)
        await type_name(pilot, "hana")
        await go_to_review(pilot)
        handover = await create(pilot)
        await step_1_from_the_palette(app, pilot)
        assert app.screen is handover
        assert any("console password of hana was never revealed" in str(n.message) and "Go back with esc" in
                   str(n.message) for n in shown)
        await pilot.press("v")  # revealed: the person has seen it
        await step_1_from_the_palette(app, pilot)
        await until_screen(pilot, DashboardScreen)
        assert not app.session.unfinished
        assert not any(isinstance(s, PasswordHandoverScreen) for s in app.screen_stack)


async def test_a_form_with_entries_stays_and_an_empty_one_goes(make_app: MakeApp) -> None:
    app = make_app()
    shown: list[Notification] = []
    async with app.run_test(size=(100, 32), message_hook=notifications_into(shown)) as pilot:
        form = await open_form(app, pilot)
        await type_name(pilot, "hana")
        await step_1_from_the_palette(app, pilot)
        assert app.screen is form and form.details.user_name == "hana"
        assert any("create-user form" in str(n.message) for n in shown)
        for _ in "hana":
            await pilot.press("backspace")
        await step_1_from_the_palette(app, pilot)
        await until_screen(pilot, DashboardScreen)
        assert not any(isinstance(s, CreateUserScreen) for s in app.screen_stack)


async def test_a_fix_waiting_for_its_dialog_ends_when_the_palette_leaves_it(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await fix(app, pilot, "support-role")
        await until_shown(pilot, NameDialog)
        await step_1_from_the_palette(app, pilot)
        await until_screen(pilot, DashboardScreen)
        dashboard = current(app, DashboardScreen)
        await until(pilot, lambda: not [w for w in dashboard.workers if w.group == "fix" and w.is_running])


async def test_unapplied_password_policy_edits_stay(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        policy = await open_policy(app, pilot)
        length = await edit_the_length(pilot, policy)
        await step_1_from_the_palette(app, pilot)
        assert app.screen is policy and length.value == "16"
        await pilot.press("escape")  # the screen's own question
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await until_screen(pilot, DashboardScreen)


async def review_answered_under_the_palette(app: IamTuiApp, pilot: Pilot[int]) -> PlanReviewScreen:
    """The support role's review, run (enter) as the palette opens over it: enter and ctrl+p typed together."""
    await fix(app, pilot, "support-role")
    await until_shown(pilot, NameDialog)
    await pilot.press("enter")
    await until_shown(pilot, PlanReviewScreen)
    review = current(app, PlanReviewScreen)
    review.action_run()  # the enter: its worker dismisses the review...
    app.action_command_palette()  # ...once the palette is open over it
    await until(pilot, lambda: bool(app.screen.query(CommandList)))
    await pilot.pause(0.2)  # not settle: the fix's flow waits for the review
    return review


async def test_a_review_run_as_the_palette_opens_over_it_goes_and_the_run_starts(make_app: MakeApp,
                                                                                 admin: IamClient) -> None:
    """enter and ctrl+p typed together: the review ended under the palette, Textual's dismiss popped the palette
    instead, and the review stayed, already answered. The palette's own worker crashed (NoMatches), and the review
    offered to run the fix again; enter or esc on it crashed (InvalidStateError). Now it goes once it is shown."""
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        review = await review_answered_under_the_palette(app, pilot)
        assert admin.list_roles()["Roles"] == [] and review in app.screen_stack  # nothing runs under the palette
        await pilot.press("escape")  # the palette closes: the review goes, the fix runs
        await until_screen(pilot, PlanProgressScreen)
        await until(pilot, lambda: current(app, PlanProgressScreen).run_state.complete)
        assert review not in app.screen_stack and not app.crashes
        assert [r["RoleName"] for r in admin.list_roles()["Roles"]] == ["AWSSupportRole"]


async def test_a_screen_that_work_ends_with_closes_the_palette_first(make_app: MakeApp) -> None:
    """ctrl+s and ctrl+p typed together on the create-user review: the password hand-over was pushed over the
    palette (esc then answered the hand-over, and the palette came back later over the dashboard), and ctrl+p on
    the hand-over crashed: DuplicateIds, a palette was still open under it."""
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await open_form(app, pilot)
        await type_name(pilot, "ann")
        await go_to_review(pilot)
        send_at_once(app, "ctrl+s", "ctrl+p")  # the palette opens while the user is created
        await until_screen(pilot, PasswordHandoverScreen)
        assert not any(isinstance(s, CommandPalette) for s in app.screen_stack)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: bool(app.screen.query(CommandList)))
        await pilot.press("escape")
        await until_screen(pilot, PasswordHandoverScreen)
        assert not app.crashes


async def test_a_step_asked_for_while_a_change_runs_says_why_it_does_not_open(make_app: MakeApp) -> None:
    """It did nothing, without a word (leaving would cancel the change's worker while its call goes on)."""
    import asyncio

    from iam_tui.guide import StepKey

    app = make_app()
    shown: list[Notification] = []
    async with app.run_test(size=(100, 32), message_hook=notifications_into(shown)) as pilot:
        await until_screen(pilot, DashboardScreen)
        done = asyncio.Event()

        async def change() -> None:
            async with app.session.mutating("rotating alice's access key"):
                await done.wait()

        task = asyncio.create_task(change())
        await pilot.pause()
        app.open_step(StepKey.MFA)
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        assert any("Not opened: rotating alice's access key is still running" in str(n.message) for n in shown)
        done.set()
        await task


async def test_a_screen_answers_once(make_app: MakeApp) -> None:
    """Answered under the palette, then again (an enter that came after): the second answer replaced the first."""
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await until_screen(pilot, DashboardScreen)
        answers: list[bool | None] = []
        question = ConfirmScreen("Go on?")
        app.push_screen(question, answers.append)
        await until_shown(pilot, ConfirmScreen)
        app.action_command_palette()
        await until(pilot, lambda: bool(app.screen.query(CommandList)))
        question.dismiss(True)
        question.dismiss(False)
        await pilot.press("escape")  # the palette closes: the question goes, with its first answer
        await until_screen(pilot, DashboardScreen)
        await pilot.pause()
        assert answers == [True] and isinstance(app.screen, DashboardScreen)


async def test_a_screen_that_work_ends_with_closes_help_first(make_app: MakeApp) -> None:
    """Help open when the user was created: the hand-over went over it, and once left the old help came back and
    took the keys."""
    from iam_tui.screens.help import HelpScreen

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await open_form(app, pilot)
        await type_name(pilot, "ann")
        await go_to_review(pilot)
        send_at_once(app, "ctrl+s", "question_mark")  # help opens while the user is created
        await until_screen(pilot, PasswordHandoverScreen)
        assert not any(isinstance(s, HelpScreen) for s in app.screen_stack)


async def test_the_way_back_waits_for_an_answer_given_under_the_palette(make_app: MakeApp, admin: IamClient) -> None:
    """enter on a fix's review, ctrl+p, then "Guide step 1": the review (answered, going once shown) was popped with
    the rest and its fix never ran, without a word; another step opened and the fix ran over it."""
    app = make_app()
    shown: list[Notification] = []
    async with app.run_test(size=(100, 32), message_hook=notifications_into(shown)) as pilot:
        review = await review_answered_under_the_palette(app, pilot)
        app.switch_to_dashboard()  # what "Guide step 1" does, once the palette is closed
        await pilot.pause()
        assert review in app.screen_stack
        assert any("an answer given while the palette was open" in str(n.message) for n in shown)
        await pilot.press("escape")
        await until_screen(pilot, PlanProgressScreen)
        await until(pilot, lambda: current(app, PlanProgressScreen).run_state.complete)
    assert [r["RoleName"] for r in admin.list_roles()["Roles"]] == ["AWSSupportRole"]
