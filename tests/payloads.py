"""Values an attacker with write access to an account setting could store, to make a terminal act instead of show."""

from __future__ import annotations

OSC52 = "\x1b]52;c;ZXZpbA==\x07"  # rewrites the terminal's clipboard with "evil"
TITLE = "\x1b]0;pwn\x07"  # sets the window title
CLEAR = "\x1b[2J"  # clears the screen
RTL = "\u202e"  # right-to-left override: what follows is shown reversed
MARKUP = ("[/]", "[@click=app.quit]", "[link=https://x]x[/link]")
RAW = (OSC52, TITLE, CLEAR, RTL)  # none of these may reach the terminal as they are
SHOWN = ("\\x1b]52;c;ZXZpbA==\\x07", "\\x1b]0;pwn\\x07", "\\x1b[2J", "\\u202e")  # how they are shown instead
ALL = OSC52 + TITLE + CLEAR + RTL + "".join(MARKUP)


def planted(label: str) -> str:
    """A value that is all payload around a readable label (so a test can find where it is shown)."""
    return f"{label} {OSC52}{TITLE}{CLEAR}{RTL}{' '.join(MARKUP)}"
