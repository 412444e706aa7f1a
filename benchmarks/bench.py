"""`make bench`: whole-process figures against a local moto server on loopback, side by side with the AWS CLI.

(a) the whole `iam-tui check` process vs one `aws iam get-account-summary` call, as a ratio (target <= 0.8);
(b) the whole TUI process from launch to the recommendations table populated (headless) vs that call (<= 1.0);
(c) API calls and seconds of one scan at 20 and at 2,000 users (target: calls do not grow per user).

A benchmark, not a test: it prints figures and never fails on them.
"""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = int(os.environ.get("BENCH_RUNS", "7"))
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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


def timed(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    proc = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=120)
    elapsed = time.perf_counter() - started
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv[0]} failed ({proc.returncode}): {proc.stderr.decode()[-500:]}")
    return elapsed


def interleaved(commands: dict[str, list[str]], env: dict[str, str]) -> dict[str, list[float]]:
    """Time every command once per round, round after round, so that the machine's drift (this is a shared VM)
    hits all of them alike; the first round only warms caches and the server."""
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for round_number in range(RUNS + 1):
        for name, argv in commands.items():
            elapsed = timed(argv, env)
            if round_number:
                samples[name].append(elapsed)
    return samples


def ratio(samples: dict[str, list[float]], name: str, base: str) -> float:
    """Median of the per-round ratios (each round's pair ran back to back)."""
    return statistics.median(a / b for a, b in zip(samples[name], samples[base], strict=True))


def seed_users(endpoint: str, start: int, stop: int) -> None:
    import boto3

    iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                       aws_access_key_id="AKIABENCHMARK0000000", aws_secret_access_key="bench")
    for i in range(start, stop):
        name = f"user{i:05d}"
        iam.create_user(UserName=name)
        if i % 2 == 0:
            iam.create_login_profile(UserName=name, Password="Bench-Passw0rd!")
        if i % 3 == 0:
            iam.create_access_key(UserName=name)


def scan_figures(endpoint: str) -> tuple[int, float]:
    os.environ.update({"AWS_ACCESS_KEY_ID": "AKIABENCHMARK0000000", "AWS_SECRET_ACCESS_KEY": "bench"})
    from iam_tui.aws.service import IamService
    from iam_tui.aws.session import AwsContext, ConnectionSettings

    async def run() -> tuple[int, float]:
        service = IamService(AwsContext.create(ConnectionSettings(endpoint_url=endpoint, region="us-east-1")))
        await service.scan.scan()  # warm: clients built, report generated
        result = await service.scan.scan()
        return result.api_calls, result.seconds

    return asyncio.run(run())


def main() -> None:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    aws = shutil.which("aws", path=str(BIN)) or shutil.which("aws")
    if aws is None:
        raise SystemExit("the AWS CLI is not installed: `make bench` installs it into .venv")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / "iam-tui-bench"
    tmp.mkdir(exist_ok=True)
    env = bench_env(tmp)
    try:
        seed_users(endpoint, 0, 20)
        samples = interleaved({
            "cli": [aws, "iam", "get-account-summary", "--endpoint-url", endpoint],
            "check": [str(BIN / "iam-tui"), "check", "--endpoint-url", endpoint],
            "tui": [str(BIN / "iam-tui"), "--endpoint-url", endpoint, "--exit-when-ready"],
        }, env)
        calls_20, secs_20 = scan_figures(endpoint)
        seed_users(endpoint, 20, 2000)
        calls_2000, secs_2000 = scan_figures(endpoint)
    finally:
        server.stop()

    def figure(name: str) -> str:
        return f"{statistics.median(samples[name]):6.3f} s ± {statistics.pstdev(samples[name]):.3f}"

    print(f"iam-tui benchmark · {RUNS} interleaved rounds, median (± std dev) · moto server on {endpoint} · "
          f"{os.cpu_count()} CPUs")
    print(f"  aws iam get-account-summary (AWS CLI, whole process)   {figure('cli')}")
    print(f"  (a) iam-tui check (whole process)                        {figure('check')}   "
          f"ratio {ratio(samples, 'check', 'cli'):.2f}  (target <= 0.8)")
    print(f"  (b) iam-tui TUI, launch to table populated (headless)    {figure('tui')}   "
          f"ratio {ratio(samples, 'tui', 'cli'):.2f}  (target <= 1.0)")
    print(f"  (c) scan at    20 users: {calls_20:3d} API calls, {secs_20:6.3f} s")
    print(f"      scan at 2,000 users: {calls_2000:3d} API calls, {secs_2000:6.3f} s   "
          f"(calls per extra user: {(calls_2000 - calls_20) / 1980:.3f})")


if __name__ == "__main__":
    main()
