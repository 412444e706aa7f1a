"""`make bench`: whole-process figures against a local moto server on loopback, side by side with the AWS CLI.

Every figure of the performance goals, measured in one run:
- `iam-tui check` / one `aws iam get-account-summary` call (whole processes), at 20 and at 2,000 users;
- the TUI (headless) from launch to its first frame, and to the recommendations table populated, / that call;
- requests per `check` process (counted at the server), at 20, 2,000 and 10,000 users: IAM and STS, the account
  API, and Access Analyzer (one ListAnalyzers per enabled region) apart;
- peak RSS of `check` and of the TUI, and the CPU time of `check`, at 10,000 users;
- Prowler's CIS IAM checks at 2,000 users, when `prowler` is installed (`BENCH_PROWLER=/path/to/prowler`);
- the users screen at 10,000 users: a sort and each filter key to the updated screen, and the TUI's peak RSS
  (users_screen.py).

Ratios are taken per round (each round runs every command back to back) and reported as min/median/max over
the rounds, so the shared VM's drift hits all commands alike. A benchmark, not a test: it prints figures and
never fails on them.
"""

from __future__ import annotations

import compileall
import importlib.util
import io
import json
import logging
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import users_screen  # beside this file

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
BIN = Path(sys.executable).parent
ACCOUNT = "123456789012"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"
# The 17 regions AWS enables in every account (account:ListRegions with ENABLED/ENABLED_BY_DEFAULT).
REGIONS = ("ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
           "ca-central-1", "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
           "us-east-1", "us-east-2", "us-west-1", "us-west-2")
# moto 5.2 has none of these: answer as AWS does for a fresh account (its contact details from sign-up, the default
# regions, no analyzer in any of them)
NOT_IN_MOTO: dict[str, Any] = {
    "/analyzer": {"analyzers": []},
    "/listRegions": {"Regions": [{"RegionName": r, "RegionOptStatus": "ENABLED_BY_DEFAULT"} for r in REGIONS]},
    "/getContactInformation": {"ContactInformation": {"FullName": "Bench Owner", "PhoneNumber": "+1 206-555-0100",
                                                      "AddressLine1": "1 Main St", "City": "Seattle",
                                                      "PostalCode": "98109", "CountryCode": "US"}},
}


NO_ORGANIZATION_XML = (
    b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type>'
    b"<Code>OrganizationNotFoundException</Code><Message>The request failed because your credentials do not belong "
    b"to an organization.</Message></Error><RequestId>bench</RequestId></ErrorResponse>"
)


def authorization_details(app: Any, environ: dict[str, Any], body: bytes, start_response: Any) -> list[bytes]:
    """moto lists every AWS managed policy it loaded for Filter=AWSManagedPolicy (6 MB, 3 s); AWS lists the attached
    ones. As the demo sandbox does (aws/sandbox/rules_authz.py): ask moto without that filter, add the attached."""
    from urllib.parse import parse_qsl, urlencode

    from iam_tui.aws.sandbox.rules_authz import LOCAL_MANAGED, attached_aws_policies, with_aws_policies

    fields = [(k, v) for k, v in parse_qsl(body.decode()) if not k.startswith("Filter.member.")]
    wanted = [v for k, v in parse_qsl(body.decode()) if k.startswith("Filter.member.") and v != "AWSManagedPolicy"]
    fields += [(f"Filter.member.{i}", v) for i, v in enumerate(wanted or [LOCAL_MANAGED], 1)]
    narrowed = urlencode(fields).encode()
    environ["wsgi.input"], environ["CONTENT_LENGTH"] = io.BytesIO(narrowed), str(len(narrowed))
    answered: list[Any] = []

    def keep(status: str, headers: list[tuple[str, str]], *_: Any) -> Any:
        answered.append((status, headers))
        return lambda _data: None

    page = b"".join(app(environ, keep))
    status, headers = answered[0]
    if status.startswith("200"):
        page = with_aws_policies(page, attached_aws_policies(ACCOUNT), keep_local=LOCAL_MANAGED in wanted)
    start_response(status, [(k, v) for k, v in headers if k.lower() != "content-length"]
                   + [("Content-Length", str(len(page)))])
    return [page]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class CountingServer:
    """moto's WSGI app on loopback, counting the requests it answers (by API action)."""

    def __init__(self) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request on stderr
        self.requests: Counter[str] = Counter()
        self._lock = threading.Lock()
        app = DomainDispatcherApplication(create_backend_app)

        def counting(environ: dict[str, Any], start_response: Any) -> Any:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length else b""
            environ["wsgi.input"] = io.BytesIO(body)
            action = next((p.split("=", 1)[1] for p in body.decode(errors="replace").split("&")
                           if p.startswith("Action=")), environ.get("HTTP_X_AMZ_TARGET") or environ["PATH_INFO"])
            with self._lock:
                self.requests[action] += 1
            answer = NOT_IN_MOTO.get(environ["PATH_INFO"])
            if answer is not None:  # what AWS answers for a fresh account
                start_response("200 OK", [("Content-Type", "application/json")])
                return [json.dumps(answer).encode()]
            if action == "ListOrganizationsFeatures":  # moto answers 500; a standalone account gets this
                start_response("400 Bad Request", [("Content-Type", "text/xml")])
                return [NO_ORGANIZATION_XML]
            if action == "GetAccountAuthorizationDetails" and b"=AWSManagedPolicy" in body:
                return authorization_details(app, environ, body, start_response)
            return app(environ, start_response)

        self.port = free_port()
        self._server = make_server("127.0.0.1", self.port, counting, True, request_handler=MotoRequestHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def take(self) -> Counter[str]:
        with self._lock:
            counted, self.requests = self.requests, Counter()
        return counted

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join()


def bench_env(tmp: Path) -> dict[str, str]:
    return {
        "PATH": f"{BIN}:{os.environ.get('PATH', '')}",
        "HOME": str(tmp),
        "AWS_ACCESS_KEY_ID": "AKIABENCHMARK0000000",
        "AWS_SECRET_ACCESS_KEY": "bench",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true",
        "TERM": "xterm-256color",
    }


@dataclass
class Sample:
    seconds: float
    cpu: float  # user + system, of the child alone
    max_rss_mib: float


# Runs each measured command and reports its rusage. Linux counts the parent's peak RSS in a child's maxrss when
# the child is forked (or vforked) from it, so a big parent (this one holds moto with 10,000 users) would inflate
# every figure: the commands are started by this small process instead, made before anything big is loaded.
LAUNCHER = r"""
import json, os, subprocess, sys, time
for line in sys.stdin:
    argv, env = json.loads(line)
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)
    print(json.dumps([time.perf_counter() - started, os.waitstatus_to_exitcode(status),
                      usage.ru_utime + usage.ru_stime, usage.ru_maxrss, err[-500:]]), flush=True)
"""


class Launcher:
    def __init__(self) -> None:
        self._proc = subprocess.Popen([sys.executable, "-c", LAUNCHER], stdin=subprocess.PIPE,
                                      stdout=subprocess.PIPE, text=True)

    def run(self, argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0, 1)) -> Sample:
        """One whole process: wall time, and its own CPU time and peak RSS; ``ok`` are the exit codes that mean
        it ran."""
        assert self._proc.stdin is not None and self._proc.stdout is not None
        self._proc.stdin.write(json.dumps([argv, env]) + "\n")
        self._proc.stdin.flush()
        seconds, code, cpu, max_rss_kib, err = json.loads(self._proc.stdout.readline())
        if code not in ok:
            raise SystemExit(f"{argv[0]} failed ({code}): {err}")
        return Sample(seconds, cpu, max_rss_kib / 1024)

    def close(self) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        self._proc.wait()


LAUNCHER_PROCESS: Launcher | None = None


def measured(argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0, 1)) -> Sample:
    assert LAUNCHER_PROCESS is not None
    return LAUNCHER_PROCESS.run(argv, env, ok)


def interleaved(commands: dict[str, list[str]], env: dict[str, str], runs: int = RUNS) -> dict[str, list[Sample]]:
    """Every command once per round, round after round; the first round only warms caches and the server."""
    samples: dict[str, list[Sample]] = {name: [] for name in commands}
    for round_number in range(runs + 1):
        for name, argv in commands.items():
            sample = measured(argv, env)
            if round_number:
                samples[name].append(sample)
    return samples


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    return f"{fmt.format(statistics.median(values))} ({fmt.format(min(values))}-{fmt.format(max(values))})"


def ratios(samples: dict[str, list[Sample]], name: str, base: str) -> list[float]:
    return [a.seconds / b.seconds for a, b in zip(samples[name], samples[base], strict=True)]


def seed(start: int, stop: int) -> None:
    """Realistic users straight into moto's backend (18,000 requests would take a minute): every second one has
    a console password, every third an access key, every fifth MFA, every fourth is in the admin group, every
    seventh has an inline policy and every eleventh an attached one."""
    from moto.iam.models import iam_backends

    iam = iam_backends[ACCOUNT]["aws"]
    if start == 0:
        iam.create_group("PowerUsers")
        iam.attach_group_policy(ADMIN_ARN, "PowerUsers")
        iam.create_group("ReadOnly")
        iam.attach_group_policy("arn:aws:iam::aws:policy/ReadOnlyAccess", "ReadOnly")
        trust = json.dumps({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}]})
        iam.create_role("support", trust, "/", None, "", [], "3600")
        iam.attach_role_policy("arn:aws:iam::aws:policy/AWSSupportAccess", "support")
    inline = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*",
                                                                 "Resource": "*"}]})
    for i in range(start, stop):
        name = f"user{i:05d}"
        iam.create_user("us-east-1", name)
        if i % 2 == 0:
            iam.create_login_profile(name, "Bench-Passw0rd!")
        if i % 3 == 0:
            iam.create_access_key(name)
        if i % 5 == 0:
            device = iam.create_virtual_mfa_device(f"{name}-mfa", "/")
            iam.enable_mfa_device(name, device.serial_number, "123456", "654321")
        if i % 4 == 0:
            iam.add_user_to_group("PowerUsers" if i % 8 == 0 else "ReadOnly", name)
        if i % 7 == 0:
            iam.put_user_policy(name, "s3", inline)
        if i % 11 == 0:
            iam.attach_user_policy("arn:aws:iam::aws:policy/IAMUserChangePassword", name)


# Prowler 5.46's checks for the IAM section of CIS AWS Foundations v5 (as `prowler aws --list-checks --compliance
# cis_5.0_aws` lists them, less the EC2 and SAML ones iam-tui does not cover) and its inline-policy admin check.
PROWLER_CHECKS = (
    "account_maintain_current_contact_details", "account_security_contact_information_is_registered",
    "iam_no_root_access_key", "iam_root_mfa_enabled", "iam_root_hardware_mfa_enabled", "iam_avoid_root_usage",
    "iam_password_policy_minimum_length_14", "iam_password_policy_reuse_24", "iam_user_mfa_enabled_console_access",
    "iam_user_no_setup_initial_access_key", "iam_user_accesskey_unused", "iam_user_console_access_unused",
    "iam_user_two_active_access_key", "iam_rotate_access_key_90_days", "iam_policy_attached_only_to_group_or_roles",
    "iam_aws_attached_policy_no_administrative_privileges",
    "iam_customer_attached_policy_no_administrative_privileges", "iam_inline_policy_no_administrative_privileges",
    "iam_support_role_created", "iam_no_expired_server_certificates_stored", "accessanalyzer_enabled",
    "iam_policy_cloudshell_admin_not_attached",
)


def prowler_argv(prowler: str, output: Path) -> list[str]:
    """Prowler's CIS IAM checks, JSON (OCSF) output only, no banner (`AWS_ENDPOINT_URL` points it at moto)."""
    return [prowler, "aws", "-f", "us-east-1", "--checks", *PROWLER_CHECKS, "-M", "json-ocsf", "-o", str(output),
            "-b", "-z"]


def supported(argv: list[str], env: dict[str, str]) -> bool:
    return subprocess.run(argv, env=env, capture_output=True, timeout=120).returncode in (0, 1)


# Requests that are not IAM's or STS's: the account API (contacts, regions; REST paths), EC2's region list (the
# fallback for account:ListRegions) and Access Analyzer, one ListAnalyzers per enabled region.
ACCOUNT_API = frozenset({"/getContactInformation", "/getAlternateContact", "/listRegions", "DescribeRegions"})
ANALYZER_API = frozenset({"/analyzer"})


@dataclass
class Requests:
    iam_sts: int
    account: int
    analyzers: int

    def __str__(self) -> str:
        return f"{self.iam_sts} + {self.account} + {self.analyzers}"


def requests_of(server: CountingServer, argv: list[str], env: dict[str, str]) -> tuple[Requests, Counter[str]]:
    """One process's requests: IAM and STS, the account API, and Access Analyzer's, counted apart."""
    server.take()
    measured(argv, env)
    counted = server.take()
    account = sum(n for action, n in counted.items() if action in ACCOUNT_API)
    analyzers = sum(n for action, n in counted.items() if action in ANALYZER_API)
    return Requests(sum(counted.values()) - account - analyzers, account, analyzers), counted


def compile_bytecode() -> None:
    """Byte-compile iam-tui the way `pip install` compiled the AWS CLI it is compared with. An editable checkout
    is compiled only as it is imported, which PYTHONDONTWRITEBYTECODE (set on some machines, this one among them)
    turns off: every run would then compile the package again (~60 ms of a `check`)."""
    spec = importlib.util.find_spec("iam_tui")
    if spec is not None and spec.origin is not None:
        compileall.compile_dir(Path(spec.origin).parent, quiet=1)


def main() -> None:
    global LAUNCHER_PROCESS
    compile_bytecode()
    LAUNCHER_PROCESS = Launcher()  # first, while this process is small
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"  # AdministratorAccess & co. exist, as in AWS
    aws = shutil.which("aws", path=str(BIN)) or shutil.which("aws")
    if aws is None:
        raise SystemExit("the AWS CLI is not installed: `make bench` installs it into .venv")
    server = CountingServer()
    endpoint = server.endpoint
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / "iam-tui-bench"
    tmp.mkdir(exist_ok=True)
    env = bench_env(tmp)
    cli = [aws, "iam", "get-account-summary", "--endpoint-url", endpoint]
    check = [str(BIN / "iam-tui"), "check", "--endpoint-url", endpoint]
    tui = [str(BIN / "iam-tui"), "--endpoint-url", endpoint, "--exit-when-ready"]
    frame = [*tui, "first-frame"]
    prowler = os.environ.get("BENCH_PROWLER")
    lines: list[str] = []
    try:
        seed(0, 20)
        if not supported(frame, env):  # an older iam-tui, measured for a before/after comparison
            frame = tui
        at_20 = interleaved({"cli": cli, "check": check, "frame": frame, "tui": tui}, env)
        requests_20, _ = requests_of(server, check, env)
        seed(20, 2000)
        at_2000 = interleaved({"cli": cli, "check": check}, env, runs=max(3, RUNS // 2))
        requests_2000, by_action = requests_of(server, check, env)
        # Prowler exits 3 when a check fails
        prowler_2000 = measured(prowler_argv(prowler, tmp / "prowler"), {**env, "AWS_ENDPOINT_URL": endpoint},
                                ok=(0, 3)) if prowler else None
        seed(2000, 10000)
        at_10000 = interleaved({"check": check, "tui": tui}, env, runs=3)
        requests_10000, _ = requests_of(server, check, env)
        users_rows = users_screen.measure(measured, env, endpoint, tmp, 10_000)
    finally:
        server.stop()
        LAUNCHER_PROCESS.close()

    check_ratio_20 = ratios(at_20, "check", "cli")
    lines += [
        f"iam-tui benchmark · {RUNS} interleaved rounds · min/median/max in brackets · moto server on loopback · "
        f"{os.cpu_count()} CPUs",
        f"  aws iam get-account-summary (AWS CLI, one whole process)   {spread([s.seconds for s in at_20['cli']])} s",
        f"  iam-tui check, 20 users                                    {spread([s.seconds for s in at_20['check']])} s",
        "",
        f"  {'figure':<58} {'measured':<24} goal",
        f"  {'check / that call, 20 users':<58} {spread(check_ratio_20):<24} <= 0.65",
        f"  {'check / that call, 2,000 users':<58} {spread(ratios(at_2000, 'check', 'cli')):<24} <= 1.3",
        f"  {'TUI launch to first frame / that call':<58} {spread(ratios(at_20, 'frame', 'cli')):<24} <= 0.6",
        f"  {'TUI launch to table populated / that call, 20 users':<58} {spread(ratios(at_20, 'tui', 'cli')):<24}"
        " <= 1.1",
        f"  {'IAM+STS requests per check process, 20 / 2,000 / 10,000 users':<58} "
        f"{f'{requests_20.iam_sts} / {requests_2000.iam_sts} / {requests_10000.iam_sts}':<24} <= 10, flat",
        f"  {'  + account API (contacts, regions), same':<58} "
        f"{f'{requests_20.account} / {requests_2000.account} / {requests_10000.account}':<24}",
        f"  {'  + Access Analyzer ListAnalyzers (one per region), same':<58} "
        f"{f'{requests_20.analyzers} / {requests_2000.analyzers} / {requests_10000.analyzers}':<24}"
        f" ({len(REGIONS)} enabled regions)",
        f"  {'peak RSS at 10,000 users, check / TUI (MiB)':<58} "
        f"{spread([s.max_rss_mib for s in at_10000['check']], '{:.0f}')} / "
        f"{spread([s.max_rss_mib for s in at_10000['tui']], '{:.0f}')}   <= 80 / 100",
        f"  {'CPU of check at 10,000 users (s)':<58} {spread([s.cpu for s in at_10000['check']]):<24} <= 1.0",
        f"  {'check wall time at 10,000 users (s)':<58} {spread([s.seconds for s in at_10000['check']]):<24}",
    ]
    if prowler_2000 is not None:
        check_2000 = statistics.median(s.seconds for s in at_2000["check"])
        lines.append(f"  {'Prowler (CIS IAM checks) / check, 2,000 users':<58} "
                     f"{prowler_2000.seconds / check_2000:<24.0f} >= 60  "
                     f"(Prowler {prowler_2000.seconds:.1f} s, {prowler_2000.max_rss_mib:.0f} MiB)")
    else:
        lines.append(f"  {'Prowler / check, 2,000 users':<58} {'not run':<24} (set BENCH_PROWLER=path)")
    lines += users_rows
    lines.append("")
    lines.append("  requests of one check process at 2,000 users: "
                 + ", ".join(f"{action} {n}" for action, n in sorted(by_action.items())))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
