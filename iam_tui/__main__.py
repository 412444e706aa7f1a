"""Command line: ``iam-tui`` opens the TUI; ``iam-tui check`` runs the security scan with no UI (and never
imports Textual)."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys

from . import __version__


def _endpoint_url(value: str) -> str:
    from .core.command_line import endpoint_url_problem

    problem = endpoint_url_problem(value)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def _region(value: str) -> str:
    from .aws.cli_profile import regions_by_partition
    from .core.command_line import region_problem

    problem = region_problem(value, regions_by_partition())
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return value


def _common(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    default = argparse.SUPPRESS if suppress else None
    parser.add_argument("--profile", metavar="NAME", default=default,
                        help="AWS profile to use (default: the standard credential chain, AWS_PROFILE, ...)")
    parser.add_argument("--region", metavar="REGION", default=default, type=_region,
                        help="AWS region (IAM is global; default: your configured region, else us-east-1)")
    parser.add_argument("--endpoint-url", metavar="URL", default=default, type=_endpoint_url,
                        help="send every AWS call to this endpoint (e.g. a local moto server)")
    parser.add_argument("--demo", action="store_true", default=default,
                        help="run in a local sandbox (in-process moto): no AWS account needed, nothing leaves "
                        "this machine")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iam-tui",
        description="Take a fresh AWS account from its root user to a secured admin IAM user with MFA, a console "
        "password, access keys and an AWS CLI profile, step by step, in the terminal.",
        epilog="Without a command, opens the terminal UI. Try `iam-tui --demo` first: no AWS account needed.",
    )
    parser.add_argument("--version", action="version", version=f"iam-tui {__version__}")
    _common(parser, suppress=False)
    # benchmarks: headless, leave once the recommendations are shown (or after the first frame)
    parser.add_argument("--exit-when-ready", nargs="?", const="table", choices=("table", "first-frame"),
                        help=argparse.SUPPRESS)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser(
        "check", help="run the security recommendations scan without the UI",
        description="Run the security recommendations (CIS AWS Foundations, IAM section) and print them. "
        "Exit status: 0 nothing fails, 1 a check fails, 2 the scan could not run, 3 iam-tui crashed (a bug).",
    )
    check.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    _common(check, suppress=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    """The exit status: see core/exit_status.py. Never a traceback: a start-up problem is one line and 2, a bug
    one line and 3."""
    from .core.exit_status import EXIT_CRASHED, EXIT_ERROR, EXIT_INTERRUPTED, crash_line

    try:
        return _run(argv)
    except KeyboardInterrupt:  # ctrl+c while still starting (importing the SDK): one line, as later on
        print("iam-tui: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except StartupError as exc:
        print(f"iam-tui: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        print(crash_line(exc, during="while starting"), file=sys.stderr)
        return EXIT_CRASHED


class StartupError(Exception):
    """A command line that cannot run as given: its text is the one line printed."""


def _refuse_conflicts(args: argparse.Namespace) -> None:
    """The demo is sealed from every AWS setting (aws/sandbox): a profile or an endpoint given with it would be
    silently ignored, or, before, half used. Say so rather than guess which one was meant."""
    if args.demo:
        given = [flag for flag, value in (("--profile", args.profile), ("--endpoint-url", args.endpoint_url))
                 if value is not None]
        if given:
            raise StartupError(f"--demo runs in the in-process sandbox and cannot be combined with "
                               f"{' or '.join(given)}; drop one of them.")


def _run(argv: list[str] | None) -> int:
    args = build_parser().parse_args(argv)
    _refuse_conflicts(args)
    from .settings import ConnectionSettings

    settings = ConnectionSettings(profile=args.profile, region=args.region, endpoint_url=args.endpoint_url,
                                  demo=bool(args.demo))
    if args.command == "check":
        from .aws.crt_gate import import_botocore

        import_botocore()
        from .check_command import run_check

        _freeze_imports()
        code = run_check(settings, as_json=args.json)
        if settings.demo:
            return code  # the sandbox stops the normal way
        return _leave_now(code)
    from .app import run_app

    _freeze_imports()
    code = run_app(settings, exit_when_ready=args.exit_when_ready)
    _drop_unwritable_output()
    return code


def _drop_unwritable_output() -> None:
    """After a hang-up, what is still buffered for the terminal cannot be written: point the streams at /dev/null,
    or the interpreter's last flush fails and turns the exit status into 120."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:
            with contextlib.suppress(OSError, ValueError):
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, stream.fileno())
                os.close(devnull)


def _freeze_imports() -> None:
    """Move everything imported so far out of the garbage collector's sight: the ~200,000 objects of botocore's
    and Textual's modules live until exit, and every collection while the first clients are built walks them
    (about 25 ms of the IAM client's creation)."""
    gc.freeze()


def _leave_now(code: int) -> int:
    """``check`` has printed everything: flush and end the process without tearing down the interpreter
    (module teardown and the garbage collector's final pass cost 70-110 ms and change nothing)."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:
        code = 2
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
