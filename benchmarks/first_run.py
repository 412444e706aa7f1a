"""From `git clone` to the demo's populated dashboard, as a new user gets there: `make demo` in a fresh clone.

Each run clones the repository into a temporary folder, starts `make demo` in a tmux window (100x32) and reads the
window until the dashboard's checks table is filled in. It reports the whole time, the clone's part, and the
longest stretch in which the window did not change (the user's "silence"), with the machine's load average before
and after (other sessions share the cores). ``--installer`` picks uv or pip (scripts/venv's INSTALLER); ``--cold``
gives every run empty pip, uv and XDG cache folders (so uv itself is brought in anew too).

    .venv/bin/python benchmarks/first_run.py --installer uv --installer pip --runs 3
    .venv/bin/python benchmarks/first_run.py --installer uv --cold --runs 1

A benchmark, not a test: it prints figures and never fails on them. It needs git, make and tmux.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POPULATED = re.compile(r"\d+ fail, \d+ warn, \d+ pass|\d+ pass")  # the dashboard's summary line
TIMEOUT_S = 300.0
POLL_S = 0.1


@dataclass(frozen=True)
class Run:
    installer: str
    cold: bool
    total_s: float
    clone_s: float
    silence_s: float
    venv_mb: float
    load_before: str
    load_after: str


def capture(session: str) -> str:
    done = subprocess.run(["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True, check=False)
    return done.stdout


def one_run(source: Path, installer: str, cold: bool, keep: bool, trace: bool = False) -> Run:
    work = Path(tempfile.mkdtemp(prefix="fr-bench-"))
    session = f"fr-bench-{os.getpid()}"
    env = dict(os.environ, INSTALLER=installer)
    env.pop("VIRTUAL_ENV", None)
    if cold:
        for name in ("PIP_CACHE_DIR", "UV_CACHE_DIR", "XDG_CACHE_HOME"):
            env[name] = str(work / "cache" / name.lower())
    before = f"{os.getloadavg()[0]:.2f}"
    start = time.monotonic()
    subprocess.run(["git", "clone", "-q", str(source), str(work / "clone")], check=True)
    clone_s = time.monotonic() - start
    exports = " ".join(f"{k}={v}" for k, v in env.items() if k in ("INSTALLER", "PIP_CACHE_DIR", "UV_CACHE_DIR",
                                                                      "XDG_CACHE_HOME"))
    command = f"cd {work / 'clone'} && env {exports} make demo; sleep 600"
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "32", command], check=True,
                   env=env)
    last_screen, last_change, silence = "", time.monotonic(), 0.0
    try:
        while True:
            now = time.monotonic()
            if now - start > TIMEOUT_S:
                raise SystemExit(f"no populated dashboard after {TIMEOUT_S:.0f} s; last screen:\n{last_screen}")
            screen = capture(session)
            if screen != last_screen:
                silence = max(silence, now - last_change)
                last_screen, last_change = screen, now
                if trace:
                    lines = [line for line in screen.splitlines() if line.strip()]
                    print(f"  {now - start:6.1f} s  {lines[-1][:90] if lines else ''}", flush=True)
            if POPULATED.search(screen):
                total_s = now - start
                break
            time.sleep(POLL_S)
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False, capture_output=True)
    venv = work / "clone" / ".venv"
    size = sum(f.stat().st_size for f in venv.rglob("*") if f.is_file() and not f.is_symlink())
    if not keep:
        shutil.rmtree(work, ignore_errors=True)
    return Run(installer, cold, total_s, clone_s, silence, size / 1e6, before, f"{os.getloadavg()[0]:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=ROOT, help="the repository to clone (default: this one)")
    parser.add_argument("--installer", action="append", choices=["uv", "pip"], help="repeatable; default: both")
    parser.add_argument("--cold", action="store_true", help="empty pip, uv and XDG caches for every run")
    parser.add_argument("--runs", type=int, default=1, help="runs of each installer, interleaved")
    parser.add_argument("--keep", action="store_true", help="keep the temporary clones")
    parser.add_argument("--trace", action="store_true", help="print the window's last line at each change")
    args = parser.parse_args()
    installers = args.installer or ["uv", "pip"]
    print("installer  cache  total s  clone s  longest silence s  venv MB  load 1-min before/after")
    for _ in range(args.runs):
        for installer in installers:
            run = one_run(args.source, installer, args.cold, args.keep, args.trace)
            print(f"{run.installer:<9}  {'cold' if run.cold else 'warm':<5}  {run.total_s:7.1f}  {run.clone_s:7.1f}"
                  f"  {run.silence_s:17.1f}  {run.venv_mb:7.0f}  {run.load_before}/{run.load_after}", flush=True)


if __name__ == "__main__":
    main()
