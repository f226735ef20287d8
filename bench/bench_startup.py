"""How fast the home page is served after ``streamlit run app.py``.

Prints three figures, each the median of several cold starts:
- health: the server answers ``/_stcore/health``;
- served: ``/`` returns the app's HTML;
- rendered: headless Chromium (already running) shows the home page's title,
  i.e. the first script run of a new session has finished;
- browser part: of "rendered", the time from asking Chromium for the page to
  the title (mostly loading and starting Streamlit's JavaScript front end).
Goal (issue 2): the home page is served within 3 s on a 2-core machine.

Run: python bench/bench_startup.py [runs]
"""

from __future__ import annotations

import statistics
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import browser  # noqa: E402  (tests/browser.py: server and Chromium helpers)

from nnplay import i18n  # noqa: E402


def one_start(chromium) -> tuple[float, float, float, float]:
    port = browser.free_port()
    started = time.perf_counter()
    process = browser.start_server(port)
    healthy = time.perf_counter() - started
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as response:
            assert response.status == 200
        served = time.perf_counter() - started
        page = chromium.new_page()
        asked = time.perf_counter()
        page.goto(f"http://127.0.0.1:{port}/")
        page.get_by_role("heading", name=i18n.translate("home.title", "en")).wait_for()
        rendered = time.perf_counter() - started
        in_browser = time.perf_counter() - asked
        page.close()
    finally:
        browser.stop_server(process)
    return healthy, served, rendered, in_browser


def main(runs: int = 5) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=browser.CHROMIUM, headless=True, args=browser.CHROMIUM_ARGS
        )
        results = [one_start(chromium) for _ in range(runs)]
        chromium.close()
    columns = zip(*results, strict=True)
    names = ("health", "served", "rendered", "browser part")
    for name, values in zip(names, columns, strict=True):
        print(
            f"{name:>12}: median {statistics.median(values):.2f} s, "
            f"max {max(values):.2f} s over {runs} cold starts"
        )
    print("goal: home page served within 3 s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
