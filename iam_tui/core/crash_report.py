"""What the app shows, and saves when asked, after an unexpected exception: enough to find the bug, nothing secret.

The traceback lists file, line, function and source line of each frame, never a local variable (Textual's own
crash report prints them, and a frame's locals can hold a revealed password). Every value of a live
:class:`~iam_tui.core.secret.Secret` is masked wherever it appears in the text, in any of its written forms.
"""

from __future__ import annotations

import platform
import traceback
from dataclasses import dataclass
from datetime import datetime

from .exit_status import crash_line
from .secret import Secret, scrub


@dataclass(frozen=True)
class CrashReport:
    title: str  # one line: what failed
    line: str  # the line printed at exit
    text: str  # the whole report
    error_type: str


def crash_report(error: BaseException, *, where: str, when: datetime, versions: dict[str, str],
                 secrets: list[Secret]) -> CrashReport:
    """``where``: what was running (a screen, a worker); ``versions``: iam-tui's and its libraries'."""
    frames = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    message = str(error)
    lines = [
        f"iam-tui crash report, {when.isoformat(timespec='seconds')}",
        "Versions: " + ", ".join(f"{name} {version}" for name, version in versions.items())
        + f", Python {platform.python_version()} on {platform.system()}",
        f"What failed: {where}",
        f"Error: {type(error).__name__}" + (f": {message}" if message else ""),
        "Local variables are left out (they can hold secrets).",
        "",
        frames.rstrip("\n"),
    ]
    text = scrub("\n".join(lines), secrets)
    title = f"{type(error).__name__} in {where}"
    return CrashReport(title=title, line=crash_line(error), text=text, error_type=type(error).__name__)


def report_file_name(when: datetime, attempt: int = 0) -> str:
    """A name that says what it is and when; ``attempt`` tells names of the same second apart."""
    suffix = f"-{attempt}" if attempt else ""
    return f"iam-tui-crash-{when.strftime('%Y%m%d-%H%M%S')}{suffix}.txt"
