"""Copying to the clipboard where people actually run this: a desktop (pyperclip) or a terminal over SSH
(OSC 52, which the terminal may silently ignore). No Textual import: the OSC 52 writer is handed in."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .core.secret import Secret

CLEAR_AFTER_SECONDS = 45.0


class CopyMethod(StrEnum):
    SYSTEM = "system clipboard"
    TERMINAL = "terminal clipboard (OSC 52)"


@dataclass(frozen=True)
class CopyOutcome:
    method: CopyMethod
    message: str
    confirmed: bool  # False for OSC 52: no terminal acknowledges it
    will_clear: bool  # the app can read the clipboard back and clear it after CLEAR_AFTER_SECONDS


def is_remote(env: Mapping[str, str]) -> bool:
    return bool(env.get("SSH_CONNECTION") or env.get("SSH_TTY") or env.get("SSH_CLIENT"))


def has_desktop(env: Mapping[str, str], platform: str) -> bool:
    if platform in ("darwin", "win32", "cygwin"):
        return True
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def prefer_system_clipboard(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """A local desktop session: pyperclip. Over SSH or with no display: the terminal (OSC 52)."""
    return has_desktop(env, platform) and not is_remote(env)


def _pyperclip() -> Any:
    import pyperclip

    return pyperclip


class Clipboard:
    def __init__(self, osc52: Callable[[str], None], *, env: Mapping[str, str] | None = None,
                 platform: str = sys.platform, backend: Callable[[], Any] = _pyperclip) -> None:
        self._osc52 = osc52
        self._env = os.environ if env is None else env
        self._platform = platform
        self._backend = backend
        self._pending: Secret | None = None  # the secret to clear later, if the clipboard still holds it

    def copy(self, value: Secret | str) -> CopyOutcome:
        text = value.reveal() if isinstance(value, Secret) else value
        sensitive = isinstance(value, Secret)
        if prefer_system_clipboard(self._env, self._platform):
            try:
                self._backend().copy(text)
            except Exception:  # pyperclip.PyperclipException on a headless host, or any backend failure
                pass
            else:
                self._pending = value if isinstance(value, Secret) else None
                clear = f"; it is cleared in {CLEAR_AFTER_SECONDS:.0f} s" if sensitive else ""
                return CopyOutcome(CopyMethod.SYSTEM, f"Copied to the system clipboard{clear}.", True, sensitive)
        self._osc52(text)
        tmux = " (inside tmux this needs `set -s set-clipboard on`)" if self._env.get("TMUX") else ""
        clear = " Clear it yourself after pasting: iam-tui cannot read it back." if sensitive else ""
        return CopyOutcome(CopyMethod.TERMINAL, f"Sent to your terminal's clipboard (OSC 52){tmux}; terminals do "
                           f"not confirm it, so paste to check.{clear}", False, False)

    def clear_if_unchanged(self) -> bool:
        """Clear the system clipboard if it still holds the secret copied last. Blocking: run off the UI thread."""
        pending, self._pending = self._pending, None
        if pending is None:
            return False
        try:
            backend = self._backend()
            if backend.paste() == pending.reveal():
                backend.copy("")
                return True
        except Exception:
            return False
        return False
