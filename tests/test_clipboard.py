from __future__ import annotations

from typing import Any

from iam_tui.clipboard import Clipboard, CopyMethod, prefer_system_clipboard
from iam_tui.core.secret import Secret


class FakePyperclip:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.content = ""

    def copy(self, text: str) -> None:
        if self.fail:
            raise RuntimeError("PyperclipException: could not find a copy/paste mechanism")
        self.content = text

    def paste(self) -> str:
        return self.content


def make(env: dict[str, str], backend: Any, platform: str = "linux") -> tuple[Clipboard, list[str]]:
    sent: list[str] = []
    return Clipboard(sent.append, env=env, platform=platform, backend=lambda: backend), sent


def test_choice_by_environment() -> None:
    assert prefer_system_clipboard({"DISPLAY": ":0"}, "linux")
    assert prefer_system_clipboard({}, "darwin")
    assert not prefer_system_clipboard({}, "linux")  # headless host
    assert not prefer_system_clipboard({"DISPLAY": ":0", "SSH_CONNECTION": "1 2 3 4"}, "linux")  # X forwarding


def test_desktop_uses_the_system_clipboard_and_clears_it_later() -> None:
    backend = FakePyperclip()
    clipboard, sent = make({"DISPLAY": ":0"}, backend)
    outcome = clipboard.copy(Secret("pw"))
    assert outcome.method is CopyMethod.SYSTEM and outcome.confirmed and outcome.will_clear
    assert backend.content == "pw" and sent == []
    assert clipboard.clear_if_unchanged() is True and backend.content == ""


def test_clear_leaves_something_else_the_user_copied() -> None:
    backend = FakePyperclip()
    clipboard, _ = make({"DISPLAY": ":0"}, backend)
    clipboard.copy(Secret("pw"))
    backend.content = "something else"
    assert clipboard.clear_if_unchanged() is False and backend.content == "something else"


def test_ssh_uses_osc52_and_says_it_cannot_be_confirmed() -> None:
    backend = FakePyperclip()
    clipboard, sent = make({"SSH_CONNECTION": "1 2 3 4", "TMUX": "/tmp/tmux"}, backend)
    outcome = clipboard.copy(Secret("pw"))
    assert outcome.method is CopyMethod.TERMINAL and not outcome.confirmed and not outcome.will_clear
    assert sent == ["pw"] and backend.content == ""
    assert "OSC 52" in outcome.message and "set-clipboard on" in outcome.message
    assert clipboard.clear_if_unchanged() is False


def test_pyperclip_failure_falls_back_to_osc52() -> None:
    clipboard, sent = make({"DISPLAY": ":0"}, FakePyperclip(fail=True))
    outcome = clipboard.copy("https://example")
    assert outcome.method is CopyMethod.TERMINAL and sent == ["https://example"]
