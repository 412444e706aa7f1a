"""The users screen at many users: the time from a key to the updated screen, and the event loop's longest stall.

Run as a child process (``users_screen.py drive --endpoint-url URL --out FILE``): a headless TUI at 100x32 opens the
users screen (``u``), cycles every sort order (``s``), then types "user002" into the filter at 80 ms a key. Keys
are sent from another thread, as a terminal's input thread sends them, so a busy event loop delays their handling
and not their sending. "The updated screen" is the first frame the app composes (``App._display``) whose summary
line names the new order or filter: the summary and the table change together. It writes its figures as JSON; its
parent (``bench.py``, or this module run alone) measures its peak RSS.

Alone (``python benchmarks/users_screen.py [USERS]``): seeds a moto server with USERS (10,000) users as
``bench.py`` does and prints the figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

TYPED = "user002"
KEY_INTERVAL_S = 0.08
TIMEOUT_S = 120.0


async def _until(condition: Any, timeout: float = TIMEOUT_S) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise SystemExit("users-screen bench: timed out")
        await asyncio.sleep(0.01)


def drive(endpoint: str, out: Path) -> None:
    from textual import events
    from textual.pilot import Pilot
    from textual.widgets import Static

    from iam_tui.app import IamTuiApp
    from iam_tui.core.users_overview import UserSort
    from iam_tui.screens.users import UsersScreen
    from iam_tui.settings import ConnectionSettings

    app = IamTuiApp(ConnectionSettings(endpoint_url=endpoint))
    figures: dict[str, Any] = {}
    frames: list[tuple[float, float, str]] = []  # (when, the UI thread's CPU time then, the summary line shown)

    def summary() -> str:
        screen = app.screen
        if not isinstance(screen, UsersScreen):
            return ""
        return str(screen.query_one("#users-summary", Static).render())

    original_display = app._display

    def display(screen: Any, renderable: Any) -> None:
        original_display(screen, renderable)
        if renderable is not None:
            frames.append((time.perf_counter(), time.thread_time(), summary()))

    app._display = display  # type: ignore[method-assign]

    def first_frame(start: float, shows: Any) -> tuple[float, float, str]:
        return next(frame for frame in frames if frame[0] >= start and shows(frame[2]))

    def frame_after(start: float, shows: Any) -> float:
        return first_frame(start, shows)[0] - start

    async def auto_pilot(pilot: Pilot[Any]) -> None:
        loop = asyncio.get_running_loop()
        assert app._driver is not None
        driver = app._driver

        def press(key: str, character: str | None) -> None:
            """As a terminal's input thread does: from another thread, onto the app's loop."""
            event = events.Key(key, character)
            event.set_sender(app)
            loop.call_soon_threadsafe(driver.send_message, event)

        def press_at(keys: Sequence[tuple[float, str, str | None]]) -> threading.Thread:
            def run() -> None:
                for when, key, character in keys:
                    time.sleep(max(0.0, when - time.perf_counter()))
                    press(key, character)

            thread = threading.Thread(target=run, daemon=True)
            thread.start()
            return thread

        stalls: list[float] = []

        async def heartbeat() -> None:
            while True:
                before = time.perf_counter()
                await asyncio.sleep(0.005)
                stalls.append(time.perf_counter() - before - 0.005)

        await _until(lambda: app.last_scan is not None)
        await asyncio.sleep(0.5)
        beating = asyncio.create_task(heartbeat())
        opened = time.perf_counter()
        press("u", "u")
        await _until(lambda: any(t >= opened and "sorted by" in text for t, _, text in frames))
        figures["open_s"] = frame_after(opened, lambda text: "sorted by" in text)
        await asyncio.sleep(1.0)  # the first frames' layout is done
        figures["open_stall_s"] = max(stalls)
        stalls.clear()

        sorts: list[float] = []
        sorts_cpu: list[float] = []
        order = list(UserSort)
        for step in range(1, len(order) + 1):
            expected = f"sorted by {order[step % len(order)].value}"
            started, cpu = time.perf_counter(), time.thread_time()
            press("s", "s")
            await _until(lambda expected=expected, started=started: any(
                t >= started and expected in text for t, _, text in frames))
            frame = first_frame(started, lambda text, expected=expected: expected in text)
            sorts.append(frame[0] - started)
            sorts_cpu.append(frame[1] - cpu)
            await asyncio.sleep(0.3)
        figures["sort_s"] = sorts
        figures["sort_cpu_s"] = sorts_cpu
        figures["sort_stall_s"] = max(stalls)

        press("slash", "/")
        await asyncio.sleep(0.5)
        stalls.clear()
        start, cpu = time.perf_counter() + 0.05, time.thread_time()
        keys = [(start + i * KEY_INTERVAL_S, ch, ch) for i, ch in enumerate(TYPED)]
        await asyncio.to_thread(press_at(keys).join)  # the loop runs meanwhile
        prefixes = [TYPED[: i + 1] for i in range(len(TYPED))]
        await _until(lambda: any(f"match “{TYPED}”" in text for _, _, text in frames))
        # the UI thread's CPU time while the keys were typed and shown (its idle ticks included), per key
        figures["filter_cpu_s"] = [(first_frame(start, lambda text: f"match “{TYPED}”" in text)[1] - cpu) / len(keys)]
        await asyncio.sleep(0.2)
        beating.cancel()
        per_key = []
        for i, (when, _, _) in enumerate(keys):
            later = tuple(f"match “{p}”" for p in prefixes[i:])
            per_key.append(frame_after(when, lambda text, later=later: any(s in text for s in later)))
        figures["filter_first_s"] = frame_after(keys[0][0], lambda text: "match “" in text)
        figures["filter_key_s"] = per_key
        figures["filter_stall_s"] = max(stalls)
        figures["own_max_rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        app.exit(0)

    app.run(headless=True, size=(100, 32), auto_pilot=auto_pilot)
    out.write_text(json.dumps(figures))


def report(samples: list[dict[str, Any]], rss_mib: list[float], users: int) -> list[str]:
    """The bench's rows: median over the runs of each run's median (and, in brackets, the worst of any run)."""

    def row(name: str, values: list[float], worst: list[float], goal: str, scale: float = 1000) -> str:
        measured = f"{statistics.median(values) * scale:.0f} (worst {max(worst) * scale:.0f})"
        return f"  {name:<58} {measured:<24} {goal}"

    def each(key: str) -> list[float]:
        return [statistics.median(s[key]) for s in samples]

    def worst(key: str) -> list[float]:
        return [max(s[key]) for s in samples]

    n = f"{users:,}"
    cpu = f"{statistics.median(each('sort_cpu_s')) * 1000:.0f} / {statistics.median(each('filter_cpu_s')) * 1000:.0f}"
    return [
        row(f"users screen: open at {n} users (ms)", [s["open_s"] for s in samples],
            [s["open_s"] for s in samples], ""),
        row(f"users screen: sort to updated screen at {n} users (ms)", each("sort_s"), worst("sort_s"), "< 100"),
        row(f"users screen: filter key to updated screen at {n} (ms)", each("filter_key_s"), worst("filter_key_s"),
            "< 100"),
        f"  {'users screen: UI thread CPU per sort / per filter key (ms)':<58} {cpu:<24} (load-independent)",
        row(f'users screen: "{TYPED}" at 80 ms/key, first result (ms)', [s["filter_first_s"] for s in samples],
            [s["filter_first_s"] for s in samples], "< 100"),
        row("users screen: longest event-loop stall, opening it (ms)", [s["open_stall_s"] for s in samples],
            [s["open_stall_s"] for s in samples], "responsive"),
        row("users screen: longest event-loop stall, sort / filter (ms)",
            [max(s["sort_stall_s"], s["filter_stall_s"]) for s in samples],
            [max(s["sort_stall_s"], s["filter_stall_s"]) for s in samples], "responsive"),
        f"  {f'peak RSS of the TUI, users screen at {n} users (MiB)':<58} "
        f"{f'{statistics.median(rss_mib):.0f} ({min(rss_mib):.0f}-{max(rss_mib):.0f})':<24} < 110",
    ]


def measure(measured: Any, env: dict[str, str], endpoint: str, tmp: Path, users: int,
            runs: int = 3) -> list[str]:
    """``runs`` child processes (``measured`` is bench.py's: wall time, CPU, peak RSS of one process)."""
    samples, rss = [], []
    out = tmp / "users-screen.json"
    if "PYTHONPATH" in os.environ:  # another checkout's iam_tui, for a before/after comparison
        env = {**env, "PYTHONPATH": os.environ["PYTHONPATH"]}
    for _ in range(runs):
        sample = measured([sys.executable, __file__, "drive", "--endpoint-url", endpoint, "--out", str(out)], env,
                          ok=(0,))
        samples.append(json.loads(out.read_text()))
        rss.append(sample.max_rss_mib)
    return report(samples, rss, users)


def main() -> None:
    if sys.argv[1:2] == ["drive"]:
        child = argparse.ArgumentParser(prog="users_screen.py drive")
        child.add_argument("--endpoint-url", required=True)
        child.add_argument("--out", type=Path, required=True)
        options = child.parse_args(sys.argv[2:])
        drive(options.endpoint_url, options.out)
        return
    parser = argparse.ArgumentParser(description="The users screen's figures at USERS users (a moto server).")
    parser.add_argument("users", nargs="?", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    import bench

    bench.compile_bytecode()
    bench.LAUNCHER_PROCESS = bench.Launcher()  # first, while this process is small
    os.environ["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
    server = bench.CountingServer()
    tmp = Path(os.environ.get("TMPDIR", "/tmp")) / "iam-tui-bench"
    tmp.mkdir(exist_ok=True)
    try:
        bench.seed(0, args.users)
        print("\n".join(measure(bench.measured, bench.bench_env(tmp), server.endpoint, tmp, args.users, args.runs)))
    finally:
        server.stop()
        bench.LAUNCHER_PROCESS.close()


if __name__ == "__main__":
    main()
