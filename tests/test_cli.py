"""The command line as a user runs it: subprocesses, exit codes, and what gets imported."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from iam_tui import __version__
from iam_tui.check_command import cancel_on_sigint
from iam_tui.core.checks import CHECK_IDS

CLEAN_ENV = {
    "PATH": os.environ.get("PATH", ""),
    "HOME": os.environ.get("HOME", "/tmp"),
    "AWS_CONFIG_FILE": os.devnull,
    "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
    "AWS_EC2_METADATA_DISABLED": "true",
}


def run(*args: str, env: dict[str, str] | None = None, code: str | None = None) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-c", code] if code else [sys.executable, "-m", "iam_tui", *args]
    return subprocess.run(argv, capture_output=True, text=True, env=env or CLEAN_ENV, timeout=120)


def test_check_json_in_the_demo() -> None:
    proc = run("check", "--demo", "--json")
    assert proc.returncode == 1, proc.stderr  # a new account fails checks
    data = json.loads(proc.stdout)
    assert data["account_id"] == "123456789012" and data["is_root"] is True
    assert data["caller_arn"] == "arn:aws:iam::123456789012:root"
    assert [c["id"] for c in data["checks"]] == list(CHECK_IDS)
    hub = {c["id"]: c["security_hub"] for c in data["checks"]}
    assert hub["root-hardware-mfa"] == "IAM.6" and hub["root-recent-use"] is None  # IAM.20 was retired
    for check in data["checks"]:
        assert {"id", "status", "title", "detail", "cis", "security_hub", "resources"} <= set(check)
        assert check["status"] in {"pass", "fail", "warn", "unknown", "n/a"}
        assert ("fix" in check) is (check["status"] == "fail")  # the fix the app offers, for failing checks only
    admin_cli = next(c for c in data["checks"] if c["id"] == "admin-keys-mfa")  # beyond CIS: no CIS id
    assert admin_cli["cis"] is None and admin_cli["status"] == "pass" and "can do everything" in admin_cli["detail"]
    fixes = {c["id"]: c["fix"] for c in data["checks"] if c["status"] == "fail"}
    assert fixes["root-mfa"] == {"id": "console-checklist", "title": fixes["root-mfa"]["title"]}
    assert fixes["password-policy-length"]["id"] == "password-policy-cis"


def test_check_table_in_the_demo() -> None:
    proc = run("--demo", "check")
    assert proc.returncode == 1
    assert "FAIL     root-mfa" in proc.stdout and "[ROOT]" in proc.stdout


@pytest.mark.parametrize("args, needle", [
    ((), "NoCredentials"),
    (("--profile", "missing"), "ProfileNotFound"),
])
def test_check_startup_failure_is_one_line_and_exit_2(args: tuple[str, ...], needle: str) -> None:
    proc = run("check", *args)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and needle in proc.stderr
    assert "Traceback" not in proc.stderr


def test_unreachable_endpoint_is_explained() -> None:
    env = {**CLEAN_ENV, "AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x"}
    proc = run("check", "--endpoint-url", "http://127.0.0.1:9", env=env)
    assert proc.returncode == 2 and "EndpointUnreachable" in proc.stderr and "127.0.0.1:9" in proc.stderr


def test_version_and_help() -> None:
    assert run("--version").stdout.strip() == f"iam-tui {__version__}"
    out = run("--help").stdout
    for flag in ("--profile", "--region", "--endpoint-url", "--demo", "--version", "check"):
        assert flag in out


def test_check_never_imports_textual_and_real_runs_never_import_moto() -> None:
    code = (
        "import sys, iam_tui.__main__, iam_tui.check_command, iam_tui.aws.service;"
        "assert 'textual' not in sys.modules, 'textual imported';"
        "assert 'moto' not in sys.modules, 'moto imported';"
        "import iam_tui.app;"
        "assert 'moto' not in sys.modules, 'moto imported by the app'"
    )
    proc = run(code=code)
    assert proc.returncode == 0, proc.stderr


def test_credential_problems_are_one_actionable_line(tmp_path: Path) -> None:
    """`aws login` with nothing cached, and a role profile that would prompt for an MFA code: one line, exit 2,
    and nothing waits for the terminal."""
    config = tmp_path / "config"
    config.write_text("[profile login]\nlogin_session = arn:aws:iam::123456789012:root\n\n"
                      "[profile base]\naws_access_key_id = AKIABASEPROFILE00001\naws_secret_access_key = x\n\n"
                      "[profile admin-mfa]\nrole_arn = arn:aws:iam::123456789012:role/Admin\nsource_profile = base\n"
                      "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n")
    (tmp_path / "cache").mkdir()
    env = {**CLEAN_ENV, "AWS_CONFIG_FILE": str(config), "AWS_LOGIN_CACHE_DIRECTORY": str(tmp_path / "cache")}
    for profile, needle in (("login", "aws login --profile login"), ("admin-mfa", "MfaCodeNeeded")):
        proc = subprocess.run([sys.executable, "-m", "iam_tui", "check", "--profile", profile], capture_output=True,
                              text=True, env=env, timeout=60, stdin=subprocess.PIPE)
        assert proc.returncode == 2, proc.stderr
        assert proc.stderr.count("\n") == 1 and needle in proc.stderr, proc.stderr


def test_the_first_frame_does_not_wait_for_botocore() -> None:
    """botocore (~0.2 s of imports) loads in the connecting worker, after the first frame."""
    code = (
        "import sys, iam_tui.__main__, iam_tui.app;"
        "assert 'textual.app' in sys.modules;"
        "early = [m for m in sys.modules if m.startswith('botocore')];"
        "assert not early, f'imported before the first frame: {early[:5]}'"
    )
    proc = run(code=code)
    assert proc.returncode == 0, proc.stderr


def test_ctrl_c_during_check_goes_through_the_event_loop() -> None:
    """check hands SIGINT to asyncio's own signal handling (see check_command.cancel_on_sigint), not to the
    handler asyncio.run installs, and leaves an ignored SIGINT ignored. The disposition is set here first: an xdist
    worker was seen with SIGINT ignored late in a run (which is also what its children inherit)."""

    async def installed() -> object:
        cancel_on_sigint()
        return signal.getsignal(signal.SIGINT)

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        assert getattr(asyncio.run(installed()), "__name__", "") == "_sighandler_noop"  # asyncio's: wakeup fd
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        assert asyncio.run(installed()) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.parametrize("args", [
    ("--demo", "--profile", "mine"),
    ("--demo", "--endpoint-url", "http://127.0.0.1:9"),
    ("check", "--demo", "--profile", "mine"),
    ("--demo", "check", "--endpoint-url", "http://127.0.0.1:9"),
    ("check", "--json", "--demo", "--profile", "mine", "--endpoint-url", "http://127.0.0.1:9"),
])
def test_the_demo_refuses_a_profile_or_an_endpoint(args: tuple[str, ...]) -> None:
    proc = run(*args)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("iam-tui: --demo "), proc.stderr


CHECK_THAT_CRASHES = """
import sys
import iam_tui.check_command as check

def broken(result):
    raise TypeError("secret-ish data")

check.as_table = broken
from iam_tui.__main__ import main
sys.exit(main(["check", "--demo"]))
"""


def test_a_crash_in_check_is_one_line_and_its_own_exit_status() -> None:
    proc = run(code=CHECK_THAT_CRASHES)
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.startswith("iam-tui: crashed (TypeError at check_command.py:"), proc.stderr
    assert "secret-ish" not in proc.stderr  # the message can hold data; the type and the place say enough


STARTUP_THAT_CRASHES = """
import sys
import iam_tui.settings

class Broken:
    def __init__(self, **kwargs):
        raise RuntimeError("a bug")

iam_tui.settings.ConnectionSettings = Broken
from iam_tui.__main__ import main
sys.exit(main(["check", "--demo"]))
"""


def test_a_crash_while_starting_is_one_line() -> None:
    proc = run(code=STARTUP_THAT_CRASHES)
    assert proc.returncode == 3 and proc.stderr.count("\n") == 1, proc.stderr
    assert proc.stderr.startswith("iam-tui: crashed while starting (RuntimeError"), proc.stderr
