"""Text from AWS is shown, never interpreted: escape sequences, bidi overrides and markup planted in every AWS field
the app renders never reach the terminal as they are (the bytes Textual writes are recorded, not only the screen's
text), markup in data is neither read nor a crash, and an unedited contact is written back as AWS holds it."""

from __future__ import annotations

import pathlib
import re
from collections.abc import Iterator

import pytest
from textual.drivers import headless_driver
from textual.notifications import Notification
from textual.widgets import DataTable, Input, Static

from iam_tui.app import IamTuiApp
from iam_tui.aws.sandbox import Sandbox, rules_account
from iam_tui.aws.service import IamService
from iam_tui.screens.dashboard import DashboardScreen
from iam_tui.screens.help import HelpScreen
from iam_tui.screens.users import UsersScreen
from iam_tui.widgets.line_table import LineTable

from ..helpers import IamClient, MakeApp, inject_error
from ..payloads import OSC52, RAW, RTL, SHOWN, planted
from .pilot import notifications_into, open_security_contact, settle
from .waiting import until, until_screen

# What a terminal acts on: none of it may come from data. Textual's own output uses CSI (ESC [) for drawing, never
# these.
FORBIDDEN = (*RAW, "\x1b]52", "\x1b]0;", "\x1b]2;", "\x1b[2J", RTL, "\u202d", "\u2066", "\u2067", "\u2068")


class RecordingDriver(headless_driver.HeadlessDriver):
    """The headless driver, except that the app renders to it as to a terminal and everything is kept."""

    written: list[str] = []

    @property
    def is_headless(self) -> bool:
        return False  # so that App._display renders frames and writes them here

    def write(self, data: str) -> None:
        RecordingDriver.written.append(data)

    def flush(self) -> None:
        pass


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What the app writes to its terminal: run_test's headless driver, recording."""
    monkeypatch.setattr(RecordingDriver, "written", [])
    monkeypatch.setattr(headless_driver, "HeadlessDriver", RecordingDriver)
    yield RecordingDriver.written


@pytest.fixture
def planted_account(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    """Payloads in the account's contact information and its security contact (both accept almost any character in
    AWS: the account API's models give ``[\\s\\S]+``)."""
    for field in ("FullName", "CompanyName", "AddressLine1"):
        monkeypatch.setitem(rules_account.CONTACT_INFORMATION, field, planted(field))
    sandbox.plain_client("account").put_alternate_contact(
        AlternateContactType="SECURITY", Name=planted("Name"), Title=planted("Title"),
        EmailAddress="security@example.com", PhoneNumber="+1 206 555 0100")


def widgets_text(app: IamTuiApp) -> str:
    """The text of every Static on the screen, toasts included (a type query misses them: they do not inherit
    Static's CSS), before wrapping."""
    return "\n".join(str(widget.render()) for widget in app.screen.query("*") if isinstance(widget, Static))


def assert_nothing_raw(written: list[str]) -> None:
    output = "".join(written)
    assert output, "the recording driver saw no output: the test would prove nothing"
    for raw in FORBIDDEN:
        assert raw not in output, f"{raw!r} reached the terminal"


async def test_planted_payloads_never_reach_the_terminal(make_app: MakeApp, service: IamService, planted_account: None,
                                                         terminal: list[str]) -> None:
    inject_error(service, "accessanalyzer", "ListAnalyzers", "ValidationException", planted("AwsMessage"))
    toasts: list[Notification] = []
    app = make_app()
    async with app.run_test(size=(100, 32), notifications=True, message_hook=notifications_into(toasts)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#checks", DataTable)
        seen = ""
        for _ in range(table.row_count):  # every check's detail, CIS 1.1 and 1.2 and the analyzer's error among them
            await pilot.press("j")
            await pilot.pause()
            seen += widgets_text(app)
        for label in ("FullName", "CompanyName", "Name", "AwsMessage"):
            assert f"{label} {SHOWN[0]}{SHOWN[1]}{SHOWN[2]}{SHOWN[3]}[/] [@click=app.quit]" in seen, label

        await open_security_contact(app, pilot)  # the prefilled contact form, its cursor blinking over the payload
        await pilot.pause(0.6)
        assert app.screen.query_one("#contact-title", Input).value.startswith(f"Title {SHOWN[0]}")
        await pilot.press("ctrl+s")  # unedited: saved as AWS holds it, then a toast names it
        await until_screen(pilot, DashboardScreen)
        await settle(pilot)
        assert any(t.message.startswith(f"Security contact set: Name {SHOWN[0]}") and not t.markup for t in toasts)
        await until(pilot, lambda: f"Security contact set: Name {SHOWN[0]}" in widgets_text(app))

        inject_error(service, "account", "PutAlternateContact", "ValidationException", planted("Refusal"))
        await open_security_contact(app, pilot)
        await pilot.press("ctrl+s")
        await until_screen(pilot, DashboardScreen)
        await settle(pilot)
        await until(pilot, lambda: f"Refusal {SHOWN[0]}" in widgets_text(app))  # AWS's error message, in a toast

        await pilot.press("question_mark")
        await until_screen(pilot, HelpScreen)
        await pilot.press("escape", "u")
        await until_screen(pilot, UsersScreen)
        await settle(pilot)
        assert app.is_running  # [@click=app.quit] was shown, not run
    assert_nothing_raw(terminal)


async def test_an_unedited_contact_is_written_back_as_aws_holds_it(make_app: MakeApp, sandbox: Sandbox,
                                                                   planted_account: None) -> None:
    account = sandbox.plain_client("account")
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        form = await open_security_contact(app, pilot)
        assert form.query_one("#contact-name", Input).value == planted("Name").replace(OSC52, SHOWN[0]).replace(
            "\x1b]0;pwn\x07", SHOWN[1]).replace("\x1b[2J", SHOWN[2]).replace(RTL, SHOWN[3])
        form.query_one("#contact-title", Input).value = "CISO"  # edited: checked and saved as typed
        await pilot.press("ctrl+s")
        await until_screen(pilot, DashboardScreen)
        await settle(pilot)
    saved = account.get_alternate_contact(AlternateContactType="SECURITY")["AlternateContact"]
    assert saved["Name"] == planted("Name") and saved["Title"] == "CISO"


@pytest.mark.parametrize("name", ["Security [/] team", "Security [EMEA] team", "[@click=app.quit]x[/]",
                                  "[link=https://x]x[/link]"])
async def test_markup_in_a_contact_name_is_shown_as_typed(make_app: MakeApp, sandbox: Sandbox, name: str) -> None:
    """``[/]`` once raised MarkupError from the toast (the app died after AWS had stored it); ``[EMEA]`` vanished."""
    toasts: list[Notification] = []
    app = make_app()
    async with app.run_test(size=(100, 32), notifications=True, message_hook=notifications_into(toasts)) as pilot:
        await settle(pilot)
        form = await open_security_contact(app, pilot)
        form.query_one("#contact-name", Input).value = name
        form.query_one("#contact-title", Input).value = "CISO"
        form.query_one("#contact-email", Input).value = "security@example.com"
        form.query_one("#contact-phone", Input).value = "+1 206 555 0100"
        await pilot.press("ctrl+s")
        await until_screen(pilot, DashboardScreen)
        await until(pilot, lambda: toasts)
        await settle(pilot)
        await until(pilot, lambda: f"Security contact set: {name} <security@example.com>." in widgets_text(app))
        assert app.is_running
    assert sandbox.plain_client("account").get_alternate_contact(
        AlternateContactType="SECURITY")["AlternateContact"]["Name"] == name


def test_every_screen_takes_static_and_label_from_the_app() -> None:
    """Textual's own ``Static`` and ``Label`` read markup and pass ESC on: the app's (widgets/data_text.py) do
    neither, and every module uses them."""
    package = pathlib.Path(__file__).parents[2] / "iam_tui"
    offenders = [str(path.relative_to(package)) for path in package.rglob("*.py")
                 if path.name != "data_text.py"
                 and re.search(r"from textual\.widgets import [^\n]*\b(Static|Label)\b", path.read_text())]
    assert offenders == []


async def test_a_control_character_that_slips_past_the_widgets_is_dropped_at_the_terminal(terminal: list[str]) -> None:
    """The net under ``visible``: a widget that shows data some other way (here Textual's own Static) still cannot
    send ESC or a bidi override to the terminal (iam_tui.app installs it, as the app does on import)."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static as TextualStatic

    import iam_tui.app  # noqa: F401  the app's module installs the net

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield TextualStatic(f"left{OSC52}{RTL}right", markup=False)

    async with Bare().run_test(size=(60, 5)) as pilot:
        await pilot.pause()
    assert "left]52;c;ZXZpbA==right" in "".join(terminal)
    assert_nothing_raw(terminal)


async def test_a_long_name_is_cut_with_an_ellipsis_in_its_column(make_app: MakeApp, admin: IamClient) -> None:
    long_name = "a" * 64  # IAM's longest user name
    admin.create_user(UserName=long_name)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("u")
        await until_screen(pilot, UsersScreen)
        await settle(pilot)
        table = app.screen.query_one("#users", LineTable)
        width = table.column_widths()[0]
        assert width < 64 and "a" * (width - 1) + "…" in table.render_line(1).text
