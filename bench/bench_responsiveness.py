"""Click to visible result, as a person feels it, in a real browser (issue 11).

Starts ``streamlit run app.py`` and drives Debian's Chromium. Each figure is the
time from the click (or key press) to the moment the page stops changing: a
``MutationObserver`` on the app's main area records the last change, and the
page counts as settled after ``QUIET_MS`` without one (the figure is the time of
that last change, not of the quiet period).

Figures:

- first visit of each page after a server start: a new server, the home page
  read for ``--read`` seconds, then the page's link in the navigation is
  clicked; with the background warm-up (:mod:`nnplay.warmup`) on and off, side
  by side;
- navigation between pages once every page has been visited;
- a logic toggle, perceptron settings (η typed in, shuffling switched), XOR Train;
- the training page's Train (to the progress bar) and Stop (to the stopped
  state), on the offline Iris set: timed in the page, from the press of the
  mouse button to the frame that shows the result (the live view keeps the
  page changing, so it never goes quiet).

Goals: first visit of a non-Keras page ≤ 2 s; a toggle or setting ≤ 0.5 s; a
Keras page's first visit ≤ 5 s after server start.

Run: python bench/bench_responsiveness.py [--repeats N] [--read S] [--pages a,b]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import browser  # noqa: E402  (tests/browser.py: server and Chromium helpers)
import shared_data  # noqa: E402

from nnplay import i18n  # noqa: E402
from nnplay.sitemap import LESSONS, PAGES  # noqa: E402

QUIET_MS = 700
GOAL_FIRST_S, GOAL_FIRST_KERAS_S, GOAL_CHANGE_S = 2.0, 5.0, 0.5

_OBSERVE = """() => {
  window.__nnplayLast = null;
  const target = document.querySelector('[data-testid="stMain"]') || document.body;
  if (window.__nnplayObserver) window.__nnplayObserver.disconnect();
  const seen = () => { window.__nnplayLast = performance.now(); };
  window.__nnplayObserver = new MutationObserver(seen);
  window.__nnplayObserver.observe(target, {subtree: true, childList: true, characterData: true,
                                           attributes: true});
  return performance.now();
}"""


def settle(tab, action, done=None, timeout_s: float = 120) -> float:
    """Seconds from ``action()`` to the last change of the page before it went quiet.

    ``done`` (a JavaScript predicate), when given, must also hold: the result
    the person waits for is there (a heading, a progress bar).
    """
    start = tab.evaluate(_OBSERVE)
    action()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        tab.wait_for_timeout(100)
        state = tab.evaluate(
            """(start) => ({last: window.__nnplayLast, now: performance.now(),
                 running: document.querySelector('[data-testid="stApp"]')
                            ?.dataset.testScriptState === 'running'})""",
            start,
        )
        if state["last"] is None or state["running"]:
            continue
        if state["now"] - state["last"] < QUIET_MS:
            continue
        if done and not tab.evaluate(done):
            continue
        return (state["last"] - start) / 1000
    raise TimeoutError("the page did not settle")


def heading(slug: str, lang: str = "en") -> str:
    title = i18n.translate(f"{slug}.title", lang).replace("\\", "\\\\").replace("'", "\\'")
    return f"""() => Array.from(document.querySelectorAll('[data-testid="stMain"] h1'))
                     .some(h => h.innerText.includes('{title}'))"""


def nav_click(tab, slug: str):
    href = "" if slug == "home" else slug
    link = tab.locator(f'[data-testid="stSidebarNav"] a[href$="/{href}"]').first
    return link.click


def first_visits(chromium, slugs, read_s: float, warm: bool, env: dict) -> dict[str, float]:
    times = {}
    for slug in slugs:
        port = browser.free_port()
        server = browser.start_server(port, {**env, "NNPLAY_WARM_UP": "1" if warm else "0"})
        try:
            tab = chromium.new_page(viewport={"width": 1440, "height": 900})
            browser.goto(tab, f"http://127.0.0.1:{port}", "home")
            tab.wait_for_timeout(read_s * 1000)
            times[slug] = settle(tab, nav_click(tab, slug), heading(slug))
            tab.close()
        finally:
            browser.stop_server(server)
    return times


def changes(chromium, env: dict, repeats: int) -> dict[str, list[float]]:
    port = browser.free_port()
    server = browser.start_server(port, env)
    base = f"http://127.0.0.1:{port}"
    out: dict[str, list[float]] = {}
    try:
        tab = chromium.new_page(viewport={"width": 1440, "height": 900})
        for info in PAGES:  # every page visited once
            browser.goto(tab, base, info.slug)
        order = [p.slug for p in PAGES]
        out["navigation"] = [
            settle(tab, nav_click(tab, slug), heading(slug)) for slug in order[1:] + order[:1]
        ]
        browser.goto(tab, base, "logic")
        toggle = tab.locator('[data-testid="stCheckbox"]').filter(
            has=tab.get_by_text("A", exact=True)
        )
        out["logic toggle"] = [settle(tab, toggle.first.click) for _ in range(repeats)]
        browser.goto(tab, base, "perceptron")
        # η alone moves no boundary (from zero weights it only scales w and b), so
        # its figures stay as they are; shuffling changes every figure on the page.
        eta = tab.get_by_role("spinbutton", name=i18n.translate("perceptron.learning_rate", "en"))
        values = ["0.5", "0.2", "1.000", "0.05", "0.3"]
        out["perceptron η"] = [settle(tab, typing(eta, values[i % 5])) for i in range(repeats)]
        shuffle = tab.locator('[data-testid="stCheckbox"]').filter(
            has=tab.get_by_text(i18n.translate("perceptron.shuffle", "en"), exact=True)
        )
        out["perceptron shuffle"] = [settle(tab, shuffle.first.click) for _ in range(repeats)]
        browser.goto(tab, base, "xor")
        train = tab.get_by_role("button", name=i18n.translate("xor.train", "en"))
        out["XOR Train"] = [settle(tab, train.first.click) for _ in range(repeats)]
        out.update(train_and_stop(tab, base, repeats))
        tab.close()
    finally:
        browser.stop_server(server)
    return out


def typing(field, value: str):
    """An action: type ``value`` into a number input and press Enter."""

    def act():
        field.fill(value)
        field.press("Enter")

    return act


_ARM = """(test) => {
  window.__nnplayDown = null; window.__nnplayPainted = null;
  const holds = new Function('return (' + test + ')()');
  const observer = new MutationObserver(() => {
    if (window.__nnplayDown === null || !holds()) return;
    observer.disconnect();
    // two frames later: what changed has been painted (plotly's work, if any, included)
    requestAnimationFrame(() => requestAnimationFrame(() => {
      window.__nnplayPainted = performance.now(); }));
  });
  observer.observe(document.querySelector('[data-testid="stMain"]'),
                   {subtree: true, childList: true, characterData: true, attributes: true});
  document.addEventListener('pointerdown', () => { window.__nnplayDown = performance.now(); },
                            {capture: true, once: true});
}"""


def painted(tab, action, test: str, timeout_s: float = 120) -> float:
    """Seconds from the press of the mouse button to the frame that shows ``test`` holding.

    Timed in the page: the click's own overhead in the test driver is left out.
    """
    tab.evaluate(_ARM, test)
    action()
    tab.wait_for_function("() => window.__nnplayPainted !== null", timeout=timeout_s * 1000)
    return tab.evaluate("(window.__nnplayPainted - window.__nnplayDown) / 1000")


def train_and_stop(tab, base: str, repeats: int) -> dict[str, list[float]]:
    tab.goto(f"{base}/keras_training?lang=en&data=iris&epochs=200")
    browser.wait_idle(tab)
    train = tab.get_by_role("button", name=i18n.translate("keras_training.train_button", "en"))
    stop = tab.get_by_role("button", name=i18n.translate("keras_training.stop_button", "en"))
    reset = tab.get_by_role("button", name=i18n.translate("keras_training.reset_button", "en"))
    progress = """() => !!document.querySelector('[data-testid="stProgress"]')"""
    word = i18n.translate("keras_training.state_stopped", "en").split()[0]  # "Stopped"
    stopped = f"""() => document.querySelector('[data-testid="stMain"]').innerText
                          .includes({word!r})"""
    out = {"Train → progress": [], "Stop → stopped": []}
    for _ in range(repeats):
        out["Train → progress"].append(painted(tab, train.first.click, progress))
        tab.wait_for_timeout(1500)
        out["Stop → stopped"].append(painted(tab, stop.first.click, stopped))
        reset.first.click()
        browser.wait_idle(tab)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--read", type=float, default=5.0, help="seconds on the home page")
    parser.add_argument("--pages", default=",".join(p.slug for p in LESSONS))
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    env = shared_data.lay_out(Path(tempfile.mkdtemp(prefix="nnplay-bench-")))
    slugs = args.pages.split(",")
    keras = {p.slug for p in LESSONS if p.uses_tensorflow}
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=browser.CHROMIUM, headless=True, args=browser.CHROMIUM_ARGS
        )
        warm = first_visits(chromium, slugs, args.read, True, env)
        cold = first_visits(chromium, slugs, args.read, False, env)
        print(f"first visit after server start (home read for {args.read:.0f} s), seconds:")
        print(f"{'page':>16} {'warm-up on':>11} {'warm-up off':>12}  goal")
        for slug in slugs:
            goal = GOAL_FIRST_KERAS_S if slug in keras else GOAL_FIRST_S
            verdict = "OK" if warm[slug] <= goal else "OVER"
            print(f"{slug:>16} {warm[slug]:>11.2f} {cold[slug]:>12.2f}  ≤ {goal:.0f} s {verdict}")
        figures = changes(chromium, env, args.repeats)
        chromium.close()
    print("changes on a warm server (median / max, seconds):")
    for name, values in figures.items():
        goal = "" if name == "navigation" else f"  goal ≤ {GOAL_CHANGE_S} s"
        median, worst = statistics.median(values), max(values)
        print(f"{name:>18}: {median:.2f} / {worst:.2f} (n={len(values)}){goal}")


if __name__ == "__main__":
    main()
