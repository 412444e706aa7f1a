"""``iam-tui check``: the dashboard's scan as text or JSON, for scripts and CI. Imports no Textual."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from typing import TextIO

from .aws.errors import AwsError
from .aws.models import ScanResult
from .aws.service import build_service
from .aws.threads import use_daemon_threads
from .core.checks import CheckResult, Status, any_failed
from .core.credential_report import report_age
from .core.display_text import visible
from .core.fixes import fix_for
from .settings import ConnectionSettings

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it


async def _scan(settings: ConnectionSettings) -> ScanResult:
    use_daemon_threads()  # ctrl+c during a slow call exits at once instead of waiting for the call's thread
    interrupted = cancel_on_sigint()
    try:
        # No separate who-am-I first (as the TUI's connect does): the scan asks it alongside everything else and
        # raises its error when even that fails.
        service = await asyncio.to_thread(build_service, settings)
        try:
            return await service.scan.scan()
        finally:
            service.close()
    except asyncio.CancelledError:
        if interrupted:
            raise KeyboardInterrupt from None
        raise


def cancel_on_sigint() -> list[int]:
    """ctrl+c cancels the scan through the event loop's own signal handling: its wakeup file descriptor wakes the
    loop whichever thread the kernel hands the signal to (asyncio.run's handler relies on the main thread noticing).
    A SIGINT the process was started with ignored stays ignored: that, inherited from a test worker, was why a child
    once slept through SIGINT in CI (see tests/test_signals.py). Returns a list that holds the signal once it came."""
    loop = asyncio.get_running_loop()
    scan = asyncio.current_task()
    came: list[int] = []

    def cancel() -> None:
        came.append(signal.SIGINT)
        if scan is not None:
            scan.cancel()

    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:  # an ignored SIGINT (`&` in a script) stays ignored
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):  # not the main thread, no signals
            loop.add_signal_handler(signal.SIGINT, cancel)
    return came


def to_json(result: ScanResult) -> dict[str, object]:
    ident = result.identity
    return {
        "account_id": ident.account_id,
        "account_alias": ident.alias,
        "account_alias_known": ident.alias_unknown is None,
        "caller_arn": ident.caller.arn,
        "is_root": ident.caller.is_root,
        "credential_report_generated_at": result.report_generated_at.isoformat()
        if result.report_generated_at else None,
        "checks": [_check_json(r) for r in result.results],
    }


def _check_json(result: CheckResult) -> dict[str, object]:
    """A check's JSON; a failing one also names the fix the app offers for it (``null`` when there is none)."""
    data = result.to_json()
    if result.status is Status.FAIL:
        fix = fix_for(result)
        data["fix"] = fix.to_json() if fix else None
    return data


def as_table(result: ScanResult) -> str:
    ident = result.identity
    who = f"{ident.caller.arn}" + ("  [ROOT]" if ident.caller.is_root else "")
    lines = [
        f"Account {ident.account_id} ({ident.alias_text})  as {who}",
        f"Credentials: {ident.source}; region {ident.region}; {report_age(result.report_generated_at)}",
        "",
        f"{'STATUS':<8} {'CHECK':<28} {'CIS':<5} TITLE",
    ]
    for r in result.results:
        lines.append(f"{r.status.value.upper():<8} {r.id:<28} {r.spec.cis or '-':<5} {r.title}")
        if r.status is not Status.PASS:
            lines.append(f"{'':<8} {r.detail}")
            if r.resources:
                lines.append(f"{'':<8} affected: {'; '.join(r.resources)}")
            if r.accepted:
                lines.append(f"{'':<8} {r.accepted}")
            if r.status in (Status.FAIL, Status.WARN):
                lines.append(f"{'':<8} fix: {r.spec.fix}")
    counts = {s: sum(1 for r in result.results if r.status is s) for s in Status}
    lines.append("")
    lines.append(", ".join(f"{n} {s.value}" for s, n in counts.items() if n))
    # Each line holds AWS's text (contact names, error messages): shown, never run by the terminal reading it.
    return "\n".join(visible(line) for line in lines)


def run_check(settings: ConnectionSettings, *, as_json: bool = False, out: TextIO | None = None,
              err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        result = asyncio.run(_scan(settings))
    except AwsError as exc:
        print(f"iam-tui: {exc.text}", file=err)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("iam-tui: interrupted", file=err)
        return EXIT_INTERRUPTED
    try:
        print(json.dumps(to_json(result), indent=2) if as_json else as_table(result), file=out)
        out.flush()
    except OSError as exc:  # a closed pipe (`| head`), a full disk: say so in one line; 1 would mean "a check failed"
        _discard_unwritten(out)
        print(f"iam-tui: could not write the result: {exc.strerror or type(exc).__name__}.", file=err)
        return EXIT_ERROR
    return EXIT_FAILED if any_failed(result.results) else EXIT_OK


def _discard_unwritten(out: TextIO) -> None:
    """Point a failed stdout at /dev/null, so that the interpreter's final flush of what is still buffered does not
    fail again with a traceback-like "Exception ignored" message."""
    try:
        fd = out.fileno()
    except (OSError, ValueError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
