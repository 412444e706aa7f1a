"""The process's exit statuses, shared by the TUI and ``iam-tui check`` (documented in the README)."""

from __future__ import annotations

EXIT_OK = 0
EXIT_FAILED = 1  # `check`: a check fails
EXIT_ERROR = 2  # could not start (flags, profile, credentials, connection) or could not write the result
EXIT_CRASHED = 3  # a bug in iam-tui: an unexpected exception
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


def crash_line(error: BaseException, *, during: str = "") -> str:
    """One line that says iam-tui crashed, naming the exception's type and where it was raised in iam-tui's own
    code. Not the exception's message: it can hold data (a name from AWS, part of a file)."""
    where = innermost_own_frame(error)
    at = f" at {where}" if where else ""
    context = f" {during}" if during else ""
    return f"iam-tui: crashed{context} ({type(error).__name__}{at}); this is a bug in iam-tui."


def innermost_own_frame(error: BaseException) -> str | None:
    """``module.py:line`` of the innermost frame of iam-tui's own code in the error's traceback."""
    found = None
    tb = error.__traceback__
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if "/iam_tui/" in filename.replace("\\", "/"):
            found = f"{filename.replace(chr(92), '/').rsplit('/iam_tui/', 1)[1]}:{tb.tb_lineno}"
        tb = tb.tb_next
    return found
