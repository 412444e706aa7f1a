"""Live after every write of the guide's screens, and after a write whose answer was lost: the dashboard (rows and
detail), the users screen and the summary show what AWS holds without anyone pressing r."""

from __future__ import annotations

from typing import Any

from textual.notifications import Notification
from textual.widgets import Input

from iam_tui.app import IamTuiApp
from iam_tui.aws.service import IamService
from iam_tui.core.checks import Status
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.screens.security_contact import SecurityContactScreen

from ..helpers import lose_answers
from .pilot import notifications_into
from .test_live import first_scan, look, rescanned
from .waiting import until_screen

MakeApp = Any  # the conftest's factory: (**kwargs) -> IamTuiApp


async def _set_contact(pilot: Any, app: IamTuiApp) -> None:
    await pilot.press("s")
    await until_screen(pilot, SecurityContactScreen)
    modal = app.screen
    for field, value in (("name", "Sec"), ("title", "CISO"), ("email", "security@example.com"),
                         ("phone", "+1 206 555 0100")):
        modal.query_one(f"#contact-{field}", Input).value = value
    await pilot.press("ctrl+s")
    await until_screen(pilot, DashboardScreen)


async def test_a_lost_answer_still_rereads_what_the_write_names_and_says_it_may_have_been_made(
        make_app: MakeApp, service: IamService) -> None:
    """AWS saved the contact, then its answer was lost (a 500 that is not retried): the app cannot know, so it says
    the change may have been made and reads the contact again, and the dashboard shows it saved."""
    app = make_app()
    shown: list[Notification] = []
    async with app.run_test(size=(100, 32), message_hook=notifications_into(shown)) as pilot:
        before = await first_scan(pilot, app)
        assert before.result("security-contact").status is Status.FAIL
        lost = lose_answers(service, "PutAlternateContact", then="error", aws_service="account")
        await _set_contact(pilot, app)
        await rescanned(pilot, app, before)
        seen = await look(pilot, app, "security-contact")
    assert lost, "the answer was not lost: the test tests nothing"
    said = " ".join(n.message for n in shown)
    assert "may have been made" in said and "ServiceFailure" in said
    assert seen.statuses["security-contact"] is Status.PASS
    assert "[pass]" in seen.detail["security-contact"]
