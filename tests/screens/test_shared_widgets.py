"""The secret field, confirmations, the save dialog, and quitting safely."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from textual.app import ComposeResult
from textual.notifications import Notification
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Input, Static

from iam_tui.app import IamTuiApp
from iam_tui.clipboard import Clipboard
from iam_tui.core.secret import Secret
from iam_tui.files import file_mode
from iam_tui.screens.confirm import ConfirmScreen, TypedConfirmScreen
from iam_tui.screens.save_file import SaveFileScreen
from iam_tui.screens.user_picker import UserPickerScreen
from iam_tui.widgets import secret_field
from iam_tui.widgets.search_list import SearchList
from iam_tui.widgets.secret_field import MASK_TEXT, SecretField

from ..helpers import IamClient, MakeApp
from .pilot import notifications_into, settle, visible_text
from .waiting import until_screen, until_shown

PASSWORD = "Tr1cky[b]pa$$w0rd"


class SecretScreen(Screen[None]):
    def __init__(self, remask_after: float = 0.3) -> None:
        super().__init__()
        self.remask_after = remask_after

    def compose(self) -> ComposeResult:
        yield SecretField("Password", Secret(PASSWORD), remask_after=self.remask_after, id="pw")


async def open_secret(app: IamTuiApp, pilot: Pilot[int], remask_after: float = 0.3) -> SecretField:
    """The secret field on a screen of its own, focused."""
    await settle(pilot)
    await app.push_screen(SecretScreen(remask_after))
    field = app.screen.query_one("#pw", SecretField)
    field.focus()
    await pilot.pause()
    return field


async def test_secret_is_masked_revealed_and_masked_again(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        field = await open_secret(app, pilot)
        assert MASK_TEXT in str(field.render()) and PASSWORD not in str(field.render())
        assert PASSWORD not in repr(field)
        await pilot.press("v")
        assert PASSWORD in str(field.render())  # plain text: the [b] is not markup
        assert PASSWORD in visible_text(app)  # what a person sees, found when shown...
        await pilot.pause(0.5)
        assert not field.revealed and PASSWORD not in str(field.render())
        assert PASSWORD not in visible_text(app)  # ...and gone once masked again


async def test_the_time_left_before_masking_counts_down(make_app: MakeApp, monkeypatch: pytest.MonkeyPatch) -> None:
    now = [1000.0]
    monkeypatch.setattr(secret_field, "monotonic", lambda: now[0])
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        field = await open_secret(app, pilot, remask_after=30)
        await pilot.press("v")
        assert "masked again in 30 s" in str(field.render())
        now[0] += 4.2
        assert "masked again in 26 s" in str(field.render()) and field.seconds_left == 26


async def test_copy_goes_through_the_app_clipboard(make_app: MakeApp) -> None:
    app = make_app()
    shown: list[Notification] = []
    async with app.run_test(size=(100, 32), message_hook=notifications_into(shown)) as pilot:
        await settle(pilot)
        sent: list[str] = []
        app.clipboard_service = Clipboard(sent.append, env={"SSH_CONNECTION": "x"})
        await app.push_screen(SecretScreen())
        app.screen.query_one("#pw", SecretField).focus()
        await pilot.press("c")
        await pilot.pause()
        assert sent == [PASSWORD]
        assert any("OSC 52" in str(n.message) for n in shown)


async def test_confirmations(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        answers: list[bool | None] = []
        app.push_screen(ConfirmScreen("Sure?"), answers.append)
        await until_shown(pilot, ConfirmScreen)  # drawn: only keys typed after that answer it
        await pilot.press("n")
        app.push_screen(ConfirmScreen("Sure?"), answers.append)
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("y")
        app.push_screen(TypedConfirmScreen("Delete key?", "AKIAEXAMPLE"), answers.append)
        await until_shown(pilot, TypedConfirmScreen)
        await pilot.press(*"AKIA", "enter")
        assert isinstance(app.screen, TypedConfirmScreen)  # wrong text: still asking
        app.screen.query_one("Input", Input).value = "AKIAEXAMPLE"
        await pilot.press("enter")
        assert answers == [False, True, True]


async def _save_to(pilot: Pilot[int], path: Path) -> list[Path | None]:
    """Open the save dialog on ``path`` and press enter; returns the list the dialog's result goes to."""
    saved: list[Path | None] = []
    pilot.app.push_screen(SaveFileScreen("Save", path, lambda: b"new"), saved.append)
    await until_shown(pilot, SaveFileScreen)
    await pilot.press("enter")
    await pilot.pause()
    return saved


async def test_save_dialog_writes_0600_and_asks_before_replacing(make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    target = tmp_path / "alice_credentials.csv"
    target.write_bytes(b"old")
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        saved = await _save_to(pilot, target)
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert target.read_bytes() == b"old" and saved == []
        await pilot.press("enter")
        await until_shown(pilot, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert saved == [target] and target.read_bytes() == b"new" and file_mode(target) == 0o600


async def test_quit_is_refused_while_a_change_is_in_flight_and_cleanups_run(make_app: MakeApp) -> None:
    app = make_app()
    ran: list[str] = []

    async def cleanup() -> str | None:
        ran.append("cleanup")
        return "could not delete device x"

    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        async with app.session.mutating("creating user"):
            await app.action_quit()
            assert app.is_running and app.session.busy == "creating user"
        app.session.add_exit_cleanup("mfa", cleanup)
        await app.action_quit()
        await pilot.pause()
    assert ran == ["cleanup"]


async def test_user_picker_lists_every_user_and_filters(make_app: MakeApp, admin: IamClient) -> None:
    for name in ("alice", "Bob", "carol", "alicia"):
        admin.create_user(UserName=name)
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        chosen: list[str | None] = []
        app.push_screen(UserPickerScreen(), chosen.append)
        await settle(pilot)
        options = app.screen.query_one(SearchList).options
        assert [options.get_option_at_index(i).id for i in range(options.option_count)] == [
            "alice", "alicia", "Bob", "carol"]
        await pilot.press(*"ALI")
        assert options.option_count == 2
        await pilot.press("down", "enter")  # the highlight moves while the filter keeps the focus
        assert chosen == ["alicia"]


async def test_a_long_revealed_secret_wraps_instead_of_being_cut(make_app: MakeApp) -> None:
    class Narrow(Screen[None]):
        CSS = "SecretField { width: 43; }"

        def compose(self) -> ComposeResult:
            yield SecretField("Seed", Secret("A" * 60 + "WXYZ"), group_size=4, id="seed")

    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        await app.push_screen(Narrow())
        field = app.screen.query_one("#seed", SecretField)
        await pilot.pause()
        masked_height = field.size.height
        field.revealed = True
        await pilot.pause()
        assert field.size.height > masked_height
        assert "WXYZ" in "".join(strip.text for strip in field.render_lines(field.region.reset_offset))


async def test_user_picker_with_no_users_points_to_step_2(make_app: MakeApp) -> None:
    app = make_app()
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        app.push_screen(UserPickerScreen())
        await settle(pilot)
        assert "create one first (guide step 2)" in str(app.screen.query_one("#user-status").render())


async def test_save_dialog_replaces_a_dangling_link_after_asking_and_refuses_a_fifo(
        make_app: MakeApp, tmp_path: Path) -> None:
    app = make_app()
    link, fifo = tmp_path / "alice_credentials.csv", tmp_path / "pipe.csv"
    link.symlink_to(tmp_path / "moved-away.csv")
    os.mkfifo(fifo)
    async with app.run_test(size=(100, 32)) as pilot:
        await settle(pilot)
        saved = await _save_to(pilot, link)
        await until_shown(pilot, ConfirmScreen)
        assert "does not exist" in str(app.screen.query_one("#question", Static).render())
        await pilot.press("y")
        await settle(pilot)
        assert saved == [link] and not link.is_symlink() and link.read_bytes() == b"new"
        await _save_to(pilot, fifo)
        await settle(pilot)
        await until_screen(pilot, SaveFileScreen)
        assert "FIFO" in str(app.screen.query_one("#save-error", Static).render())
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
