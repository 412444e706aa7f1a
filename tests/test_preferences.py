"""The theme kept between runs: a small JSON file under the XDG config folder, 0600, a broken one ignored."""

from __future__ import annotations

from pathlib import Path

from textual.notifications import Notification

from iam_tui.app import IamTuiApp
from iam_tui.files import file_mode
from iam_tui.preferences import Preferences, load_preferences, preferences_path, save_preferences
from iam_tui.settings import ConnectionSettings

from .helpers import MakeApp
from .screens.pilot import notifications_into, settle


def test_the_file_is_under_xdg_config_home_or_dot_config(tmp_path: Path) -> None:
    assert preferences_path({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "iam-tui" / "settings.json"
    assert preferences_path({}, home=tmp_path) == tmp_path / ".config" / "iam-tui" / "settings.json"
    assert preferences_path({"XDG_CONFIG_HOME": "relative"}, home=tmp_path) == (
        tmp_path / ".config" / "iam-tui" / "settings.json")  # the spec ignores a relative path


def test_saved_private_and_read_back(tmp_path: Path) -> None:
    path = preferences_path({"XDG_CONFIG_HOME": str(tmp_path)})
    assert load_preferences(path) == (Preferences(), None)  # no file yet: no note
    assert save_preferences(path, Preferences(theme="textual-light")) is None
    assert file_mode(path) == 0o600 and file_mode(path.parent) == 0o700
    assert load_preferences(path) == (Preferences(theme="textual-light"), None)


def test_a_broken_file_is_ignored_with_one_line(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    for content in (b"{not json", b"[1, 2]", b'{"theme": 3}', b"\xff\xfe"):
        path.write_bytes(content)
        preferences, note = load_preferences(path)
        assert preferences == Preferences() and note is not None and "\n" not in note and "ignored" in note


async def test_the_chosen_theme_is_kept_between_runs(make_app: MakeApp, tmp_path: Path) -> None:
    path = tmp_path / "iam-tui" / "settings.json"
    app = make_app(preferences_file=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert app.theme != "textual-light"
        app.theme = "textual-light"
        await pilot.pause()
    assert load_preferences(path)[0].theme == "textual-light"
    again = make_app(preferences_file=path)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert again.theme == "textual-light"


async def test_a_broken_file_starts_with_the_default_theme_and_a_note(make_app: MakeApp, tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{oops")
    shown: list[Notification] = []
    app = make_app(preferences_file=path)
    async with app.run_test(size=(80, 24), message_hook=notifications_into(shown)) as pilot:
        await settle(pilot)
        assert app.theme == IamTuiApp(ConnectionSettings()).theme
        assert any("ignored" in n.message for n in shown)
