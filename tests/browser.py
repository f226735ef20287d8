"""Real-browser helpers: a live ``streamlit run app.py`` and Debian's Chromium.

Playwright's Python package drives ``/usr/bin/chromium``; no browser is ever
downloaded. Screenshots go to ``artifacts/screenshots/`` (git-ignored).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = os.environ.get("NNPLAY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(port: int, env: dict[str, str] | None = None) -> subprocess.Popen:
    """Start ``streamlit run app.py`` on ``127.0.0.1:port`` and wait until healthy."""
    command = [
        sys.executable, "-m", "streamlit", "run", "app.py",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    url = f"http://127.0.0.1:{port}/_stcore/health"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(process.stdout.read().decode(errors="replace"))
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("streamlit did not become healthy within 60 s")


def stop_server(process: subprocess.Popen) -> None:
    """Stop a server started by :func:`start_server`."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def wait_idle(page, timeout_ms: int = 60_000) -> None:
    """Wait until the app has rendered and no script run is in progress."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=timeout_ms)
    page.wait_for_selector('[data-testid="stMainBlockContainer"]', timeout=timeout_ms)
    # The app's root says whether a script run is in progress; a run can end in
    # a rerun, so the app is idle once it stays so a while. A spinner (loading
    # TensorFlow, say) or a skeleton can show before the status widget does.
    idle = """() => {
      const app = document.querySelector('[data-testid="stApp"]');
      const busy = '[data-testid="stStatusWidget"], [data-testid="stSpinner"],'
                   + ' [data-testid="stSkeleton"]';
      return !!app && app.dataset.testScriptState !== 'running'
             && !document.querySelector(busy);
    }"""
    for _ in range(3):
        page.wait_for_timeout(250)
        page.wait_for_function(idle, timeout=timeout_ms)
    # Plotly loads lazily: wait until every chart has been drawn.
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('[data-testid="stPlotlyChart"]'))
                 .every(c => c.querySelector('.js-plotly-plot .main-svg'))""",
        timeout=timeout_ms,
    )
    page.wait_for_timeout(300)


def goto(page, base_url: str, slug: str = "", *, lang: str = "en", present: bool = False):
    """Open a page of the app (``slug`` as in :mod:`nnplay.sitemap`) and wait for it."""
    path = "" if slug == "home" else slug
    query = f"?lang={lang}" + ("&present=1" if present else "")
    page.goto(f"{base_url}/{path}{query}")
    page.wait_for_selector('[data-testid="stMain"] h1', timeout=60_000)
    wait_idle(page)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot as ``artifacts/screenshots/<name>.png``."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    # Streamlit scrolls inside its main element, not the document: grow the
    # viewport to the content's height so the whole page is in the picture.
    viewport = page.viewport_size
    height = page.evaluate(
        """() => document.querySelector('[data-testid="stMain"]')?.scrollHeight || 0"""
    )
    page.set_viewport_size({"width": viewport["width"], "height": max(viewport["height"], height)})
    page.wait_for_timeout(400)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(viewport)
    return path


def assert_no_error_box(page) -> None:
    """No exception box and no traceback anywhere on the page."""
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "Traceback" not in page.inner_text("body")
