"""A real ``streamlit run app.py`` under training load: is the server still responsive?

What a class sees on a hosted demo: the cap's number of visitors
(``NNPLAY_MAX_TRAININGS``) train the book's Fashion-MNIST model (on the sample in
``../shared/data``) with their training pages open (their live views poll),
while others open the logic page and flip its toggles. Measured once with the
server idle (TensorFlow already loaded, as after the first Keras visitor) and
once under that load, in Debian's Chromium (Playwright, ``/usr/bin/chromium``):

- ``/_stcore/health``: p50 and p95 of the answer time (goal: p95 ≤ 100 ms);
- a new visitor's logic page: from ``goto`` until its five diagrams are drawn
  (goal: within 2× idle);
- a toggle round trip on the logic page: from the click until the diagrams show
  the new outputs (goal: within 2× idle);

and the server's memory (RSS of the ``streamlit`` process; workers are
separate processes) before and after 20 trainings of one epoch, each followed by
the page's evaluation (goal: within 50 MB), measured first: the trainer tabs
closed mid-training later keep their sessions (models, data) in the server until
Streamlit's disconnected-session TTL. The lab/bare per-epoch ratio is
``bench_training_overhead.py``'s.

Prints the figures; asserts nothing.

Run: python bench/bench_server_load.py [trainings] [health_samples] [page_loads] [toggles]
     [memory_trainings]   (or NNPLAY_MAX_TRAININGS, BENCH_HEALTH, BENCH_LOADS,
     BENCH_TOGGLES, BENCH_MEMORY_TRAININGS)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import browser  # noqa: E402  (tests/browser.py: Chromium's settings, wait_idle)
import shared_data  # noqa: E402

DIAGRAMS = """() => Array.from(document.querySelectorAll('svg.nnplay-diagram text.output'))
    .map(e => e.textContent.trim())"""
ALL_OFF = ["C = 0"] * 5
A_ON = ["C = 1", "C = 0", "C = 1", "C = 1", "C = 1"]
TRAINING_EPOCHS = 200  # long enough to keep training through the measurement


def _arg(position: int, env: str, default: int) -> int:
    if len(sys.argv) > position:
        return int(sys.argv[position])
    raw = os.environ.get(env, "").strip()
    return int(raw) if raw.isdigit() else default


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def health(base: str, samples: int) -> list[float]:
    """Answer times of ``/_stcore/health`` in ms, one request every 50 ms."""
    times = []
    for _ in range(samples):
        started = time.perf_counter()
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=60) as response:
            response.read()
        times.append((time.perf_counter() - started) * 1000)
        time.sleep(0.05)
    return times


def wait_diagrams(tab, expected: list[str]) -> None:
    check = f"(expected) => JSON.stringify(({DIAGRAMS})()) === JSON.stringify(expected)"
    tab.wait_for_function(check, arg=expected, timeout=240_000)


def logic_load(chromium, base: str) -> float:
    """Seconds until a new visitor's logic page has drawn its diagrams."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    try:
        started = time.perf_counter()
        tab.goto(f"{base}/logic?lang=en", timeout=240_000)
        wait_diagrams(tab, ALL_OFF)
        return time.perf_counter() - started
    finally:
        context.close()


def toggle_round_trips(chromium, base: str, count: int) -> list[float]:
    """Seconds from a click on toggle A until the diagrams show the new outputs."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    times = []
    try:
        tab.goto(f"{base}/logic?lang=en", timeout=240_000)
        wait_diagrams(tab, ALL_OFF)
        toggle = tab.locator('[data-testid="stCheckbox"]').filter(
            has=tab.get_by_text("A", exact=True)
        )
        for i in range(count):
            started = time.perf_counter()
            toggle.first.locator("label").click()
            wait_diagrams(tab, A_ON if i % 2 == 0 else ALL_OFF)
            times.append(time.perf_counter() - started)
            tab.wait_for_timeout(200)
    finally:
        context.close()
    return times


def measure(chromium, base: str, sizes: dict, trainers: list | None = None) -> dict:
    """Health, page loads and toggles; trainings that ended meanwhile are continued."""

    def keep_training() -> None:
        for _, tab in trainers or []:
            if tab.get_by_text("Finished:", exact=False).count():
                tab.get_by_role("button", name="Continue", exact=True).click()

    result = {"health": health(base, sizes["health"])}
    keep_training()
    result["loads"] = []
    for _ in range(sizes["loads"]):
        result["loads"].append(logic_load(chromium, base))
        keep_training()
    result["toggles"] = toggle_round_trips(chromium, base, sizes["toggles"])
    return result


def training_tab(chromium, base: str, epochs: int):
    """A visitor on the training page with the book model (Fashion-MNIST sample)."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(240_000)
    tab.goto(f"{base}/keras_training?lang=en&data=fashion_mnist&epochs={epochs}")
    tab.get_by_role("button", name="Train", exact=True).wait_for()
    browser.wait_idle(tab, timeout_ms=240_000)
    return context, tab


def press_train(tab) -> None:
    tab.get_by_role("button", name="Train", exact=True).click()


def report(name: str, idle: dict, busy: dict, trainings: int) -> None:
    """Print the idle and loaded figures side by side."""
    h_idle, h_busy = idle["health"], busy["health"]
    print(f"\n{name}")
    print(
        f"/_stcore/health ms   idle p50 {percentile(h_idle, 0.5):7.1f}  p95 "
        f"{percentile(h_idle, 0.95):7.1f}   |  {trainings} training: p50 "
        f"{percentile(h_busy, 0.5):7.1f}  p95 {percentile(h_busy, 0.95):7.1f}  max "
        f"{max(h_busy):7.1f}   (goal p95 ≤ 100)"
    )
    for key, label in (("loads", "logic page load s"), ("toggles", "toggle round trip s")):
        a, b = statistics.median(idle[key]), statistics.median(busy[key])
        print(
            f"{label:<20} idle median {a:6.2f} (max {max(idle[key]):.2f})  |  training median "
            f"{b:6.2f} (max {max(busy[key]):.2f})   ratio {b / a:.2f} (goal ≤ 2)"
        )


def start_server(port: int, env: dict[str, str], log: Path):
    """``streamlit run app.py`` as the tests start it, its output to ``log`` (never a full pipe)."""
    import subprocess

    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port), "--server.address", "127.0.0.1",
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    with open(log, "wb") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"streamlit did not become healthy; see {log}")


def main() -> None:
    from playwright.sync_api import sync_playwright

    trainings = _arg(1, "NNPLAY_MAX_TRAININGS", 2)
    sizes = {
        "health": _arg(2, "BENCH_HEALTH", 200),
        "loads": _arg(3, "BENCH_LOADS", 5),
        "toggles": _arg(4, "BENCH_TOGGLES", 10),
    }
    memory_trainings = _arg(5, "BENCH_MEMORY_TRAININGS", 20)
    folder = Path(tempfile.mkdtemp(prefix="nnplay-bench-"))
    env = {**shared_data.lay_out(folder), "NNPLAY_MAX_TRAININGS": str(trainings)}
    port = browser.free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port, env, folder / "server.log")
    print(
        f"server pid {server.pid} on {base} (log {folder / 'server.log'}); "
        f"NNPLAY_MAX_TRAININGS={trainings}; {os.cpu_count()} CPUs; load average at start "
        f"{os.getloadavg()[0]:.1f}; sizes {sizes}",
        flush=True,
    )
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=browser.CHROMIUM, args=browser.CHROMIUM_ARGS, headless=True
            )
            # TensorFlow into the server, as after a first Keras visitor.
            context, tab = training_tab(chromium, base, 1)
            context.close()
            _settle(server.pid)  # the worker started ahead of time has imported Keras
            rss_start = rss_mb(server.pid)
            # Memory first: later, the closed trainer tabs' sessions (their models and
            # data) stay in the server until Streamlit's disconnected-session TTL.
            if memory_trainings:
                context, tab = training_tab(chromium, base, 1)
                press_train(tab)
                _wait_evaluated(tab)
                rss_first = rss_mb(server.pid)
                for _ in range(memory_trainings):
                    press_train(tab)
                    _wait_evaluated(tab)
                rss_after = rss_mb(server.pid)
                context.close()
            idle = measure(chromium, base, sizes)

            # The trainers' own browsers would be on their own laptops: here they run
            # in a second Chromium, niced, so that drawing their live charts does
            # not count as the server's load.
            before = _descendants(os.getpid())
            trainer_browser = playwright.chromium.launch(
                executable_path=browser.CHROMIUM, args=browser.CHROMIUM_ARGS, headless=True
            )
            for pid in _descendants(os.getpid()) - before:
                _renice_tree(pid, 10)  # renderers started later inherit it from the zygote
            visitors = [
                training_tab(trainer_browser, base, TRAINING_EPOCHS) for _ in range(trainings)
            ]
            for _, tab in visitors:
                press_train(tab)
            for _, tab in visitors:
                tab.get_by_text("· batch", exact=False).first.wait_for()
            started = time.perf_counter()
            busy = measure(chromium, base, sizes, visitors)
            still = sum(tab.get_by_text("· batch", exact=False).count() > 0 for _, tab in visitors)
            print(
                f"load phase {time.perf_counter() - started:.0f} s; "
                f"{still}/{trainings} trainings still running at its end"
            )
            report("responsiveness", idle, busy, trainings)

            closed = time.perf_counter()
            for context, _ in visitors:
                context.close()  # the tabs close mid-training: their slots must come back
            trainer_browser.close()
            workers = [p for p in children(server.pid) if b"spawn_main" in _cmdline(p)]
            time.sleep(8)
            cpu = {pid: _cpu(pid) for pid in workers}
            time.sleep(3)
            busy_after = [pid for pid in workers if _cpu(pid) - cpu.get(pid, 0) > 0.3]
            print(
                f"tabs closed mid-training: {len(busy_after)} worker(s) still busy "
                f"{time.perf_counter() - closed - 3:.0f}-{time.perf_counter() - closed:.0f} s later"
            )

            chromium.close()
        if not memory_trainings:
            return
        print(
            f"\nserver RSS MB: with TensorFlow loaded {rss_start:.0f}; after 1 training "
            f"{rss_first:.0f}; after {memory_trainings} more {rss_after:.0f}  -> growth "
            f"{rss_after - rss_start:+.0f} MB from the start, {rss_after - rss_first:+.0f} MB "
            f"from the first training (goal: within 50 MB)"
        )
        workers_now = [p for p in children(server.pid) if b"spawn_main" in _cmdline(p)]
        print(f"worker processes now: {len(workers_now)} (idle, kept warm)")
    finally:
        workers_now = [p for p in children(server.pid) if b"spawn_main" in _cmdline(p)]
        browser.stop_server(server)
    time.sleep(3)
    left = [p for p in workers_now if Path(f"/proc/{p}").exists()]
    print(f"after the server stopped: {len(left)} worker process(es) left")


def _descendants(pid: int) -> set[int]:
    found = set()
    for child in children(pid):
        found |= {child, *_descendants(child)}
    return found


def _renice_tree(pid: int, nice: int) -> None:
    """Set the niceness of ``pid`` and of all its descendants."""
    for child in children(pid):
        _renice_tree(child, nice)
    try:
        os.setpriority(os.PRIO_PROCESS, pid, nice)
    except OSError:
        pass


def _cmdline(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def _cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _settle(pid: int, timeout: float = 120.0) -> None:
    """Wait until the server's worker processes are idle (their CPU time stands still)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        before = {p: _cpu(p) for p in children(pid)}
        time.sleep(2)
        if all(_cpu(p) - t < 0.2 for p, t in before.items()):
            return


def _wait_evaluated(tab) -> None:
    """Wait for a training to finish and the page to show its evaluation."""
    tab.get_by_text("Finished:", exact=False).first.wait_for(state="hidden")  # the last one's
    tab.get_by_text("Finished:", exact=False).first.wait_for()
    tab.wait_for_function(
        "() => document.querySelectorAll('[data-testid=\"stMetricValue\"]').length >= 2"
    )
    browser.wait_idle(tab, timeout_ms=240_000)


if __name__ == "__main__":
    main()
