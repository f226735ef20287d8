"""Play in a real browser: updates a second and bytes a tick, with the largest network.

Starts ``streamlit run app.py`` on a free port, opens the playground in
Debian's headless Chromium (``/usr/bin/chromium`` through Playwright) with
6 hidden layers of 8 and all 7 features, presses Play and, for ``seconds``,
counts the distinct values of the epoch counter the page shows, the bytes
the server sends over the websocket and the CPU time the browser's processes
and the server use per update (a busy machine slows the updates down; the CPU
time per update says what each one costs wherever it runs).

Run: python bench/bench_playground_browser.py [seconds] [width] [height]
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import browser  # noqa: E402

FEATURES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sin1", "sin2")
QUERY = "data=spiral&layers=8~8~8~8~8~8&" + "&".join(f"{n}=1" for n in FEATURES)


TICK = os.sysconf("SC_CLK_TCK")


def _children() -> dict[int, int]:
    """``{pid: parent pid}`` of every process."""
    found = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    found[int(name)] = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                pass
    return found


def cpu_ms(root: int, skip: int | None = None) -> float:
    """CPU time (user + system, ms) of ``root``'s descendants and itself, without ``skip``'s."""
    parents = _children()
    tree, grown = {root}, True
    while grown:
        more = {p for p, parent in parents.items() if parent in tree and p != skip} - tree
        grown, tree = bool(more), tree | more
    total = 0
    for pid in tree:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            pass
    return total * 1000 / TICK


def epoch(tab) -> int | None:
    text = tab.evaluate(
        """() => {
            const m = [...document.querySelectorAll('[data-testid="stMetric"]')][0];
            return m ? m.querySelector('[data-testid="stMetricValue"]').innerText : null;
        }"""
    )
    try:
        return int(text.replace(",", ""))
    except (AttributeError, ValueError):
        return None


def measure(tab, base: str, seconds: float, name: str = "", server: int = 0) -> dict:
    """Open the page with the largest network, play ``seconds``; updates/s and KiB/update."""
    received = [0]

    def on_socket(ws):
        ws.on("framereceived", lambda payload: received.__setitem__(
            0, received[0] + len(payload)))  # fmt: skip

    tab.on("websocket", on_socket)
    tab.goto(f"{base}/playground?lang=en&{QUERY}")
    tab.wait_for_selector('[data-testid="stMain"] h1', timeout=60_000)
    browser.wait_idle(tab)
    if name:
        browser.SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(browser.SCREENSHOTS / f"{name}-fold.png"))
    tab.locator(".st-key-playground_play button").click()
    tab.wait_for_timeout(1500)  # the whole page reruns once as the timer starts
    seen, start_bytes, started = set(), received[0], time.monotonic()
    browser_cpu, server_cpu = cpu_ms(os.getpid(), skip=server), cpu_ms(server)
    while time.monotonic() - started < seconds:
        value = epoch(tab)
        if value is not None:
            seen.add(value)
        tab.wait_for_timeout(20)
    elapsed = time.monotonic() - started
    browser_cpu = cpu_ms(os.getpid(), skip=server) - browser_cpu
    server_cpu = cpu_ms(server) - server_cpu
    sent = received[0] - start_bytes
    updates = max(len(seen) - 1, 1)
    if name:
        tab.screenshot(path=str(browser.SCREENSHOTS / f"{name}-playing.png"))
    return dict(
        updates_per_s=(len(seen) - 1) / elapsed,
        epochs_per_s=(max(seen) - min(seen)) / elapsed if seen else 0,
        kib_per_update=sent / 1024 / updates,
        browser_ms=browser_cpu / updates,
        server_ms=server_cpu / updates,
    )


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10
    width = int(sys.argv[2]) if len(sys.argv) > 2 else 1440
    height = int(sys.argv[3]) if len(sys.argv) > 3 else 900
    from playwright.sync_api import sync_playwright

    server = browser.start_server(browser.free_port())
    port = server.args[server.args.index("--server.port") + 1]
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=browser.CHROMIUM, headless=True, args=browser.CHROMIUM_ARGS
            )
            context = chromium.new_context(viewport={"width": width, "height": height})
            tab = context.new_page()
            tab.set_default_timeout(60_000)
            found = measure(tab, f"http://127.0.0.1:{port}", seconds, f"bench-{width}x{height}",
                            server.pid)  # fmt: skip
            chromium.close()
    finally:
        browser.stop_server(server)
    print(
        f"Play in headless Chromium at {width}x{height}, 6 x 8, 7 features: "
        f"{found['updates_per_s']:.1f} updates a second, {found['epochs_per_s']:.0f} epochs "
        f"a second, {found['kib_per_update']:.0f} KiB received per update; CPU time per "
        f"update: browser {found['browser_ms']:.0f} ms, server {found['server_ms']:.0f} ms"
    )


if __name__ == "__main__":
    main()
