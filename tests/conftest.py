"""Shared fixtures: AppTest that runs pages through ``app.py``, strict catalogs."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"

# A missing translation raises instead of silently falling back.
os.environ.setdefault("NNPLAY_STRICT_I18N", "1")
# No background imports: tests count what each page imports itself.
os.environ.setdefault("NNPLAY_WARM_UP", "0")


def open_page(
    path: str | None = None, *, lang: str = "en", present: bool = False, timeout: float = 60
):
    """Run ``app.py`` and switch to ``path`` (``"pages/logic.py"``), in a language.

    Returns the AppTest after the page has run.
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.query_params["lang"] = lang
    if present:
        at.query_params["present"] = "1"
    at.run()
    if path is not None:
        at.switch_page(path).run()
    return at


@pytest.fixture(autouse=True)
def _app_test_runs_like_a_live_server(monkeypatch):
    """Run AppTest pages through ``app.py`` directly, as a live server does.

    AppTest resets ``PagesManager.uses_pages_directory`` before every run, so
    each run of a page in ``pages/`` would start in Streamlit's old multipage
    mode and rerun once through ``app.py`` (``ui._ensure_entry_point``), and
    that aborted first run swallows a button click. A live server leaves that
    mode for good at the first ``st.navigation`` call; this does the same.
    The first-visit case itself is covered by the browser test.
    """
    from streamlit.runtime import pages_manager

    original_init = pages_manager.PagesManager.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        pages_manager.PagesManager.uses_pages_directory = False

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", init)


def modules_after_opening(pages: list[str | None]) -> set[str]:
    """Top-level modules imported by a fresh process that opens ``pages`` in turn.

    Runs in a subprocess so that other tests' imports (TensorFlow) don't count.
    ``None`` is the home page. Fails if a page raised.
    """
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        f"""
        import sys
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "tests")!r}]
        from conftest import open_page
        for path in {pages!r}:
            at = open_page(path)
            assert not at.exception, [e.value for e in at.exception]
            assert at.title, path
        print(",".join(sorted({{name.split(".")[0] for name in sys.modules}})))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return set(result.stdout.strip().splitlines()[-1].split(","))


@pytest.fixture
def page():
    """The :func:`open_page` factory."""
    return open_page


_KEY_PATTERN = None


def raw_keys_in(texts: list[str]) -> list[str]:
    """Catalog keys (``logic.title``) that appear verbatim in shown texts."""
    global _KEY_PATTERN
    from nnplay import i18n

    if _KEY_PATTERN is None:
        names = "|".join(map(re.escape, i18n.namespaces()))
        _KEY_PATTERN = re.compile(rf"\b(?:{names})\.[a-z][a-z0-9_]*\b")
    keys = set(i18n.catalog("en"))
    return [m for text in texts for m in _KEY_PATTERN.findall(text) if m in keys]


def shown_texts(at) -> list[str]:
    """Every text a person can read on the page (labels, markdown, titles...)."""
    texts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "success",
        "warning",
        "error",
        "latex",
        "code",
    ):
        texts += [str(el.value) for el in getattr(at, kind)]
    for kind in (
        "button",
        "toggle",
        "slider",
        "selectbox",
        "radio",
        "number_input",
        "checkbox",
        "text_input",
        "select_slider",
        "multiselect",
    ):
        texts += [str(el.label) for el in getattr(at, kind)]
    texts += [str(el.label) + str(el.value) for el in at.metric]
    return texts


def assert_clean(at) -> None:
    """No exception, no 'unexpected error' box, no raw catalog key on the page."""
    from nnplay import i18n

    assert not at.exception, [e.value for e in at.exception]
    unexpected = {i18n.translate("common.unexpected_error", lang) for lang in i18n.LANGUAGES}
    assert not [e.value for e in at.error if e.value in unexpected]
    assert raw_keys_in(shown_texts(at)) == []


@pytest.fixture(scope="session")
def app_url(shared_data_env):
    """Base URL of a live ``streamlit run app.py`` on a free localhost port.

    The server's Keras and scikit-learn loaders read ``../shared/data``.
    """
    import browser

    process = browser.start_server(browser.free_port(), env=shared_data_env)
    port = process.args[process.args.index("--server.port") + 1]
    yield f"http://127.0.0.1:{port}"
    browser.stop_server(process)


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium, headless, driven by Playwright (never downloaded)."""
    import browser

    if not Path(browser.CHROMIUM).exists():
        pytest.fail(f"{browser.CHROMIUM} is missing: apt-get install chromium chromium-driver")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=browser.CHROMIUM, headless=True, args=browser.CHROMIUM_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def tab(chromium):
    """A fresh browser tab (its own session) at a laptop-sized viewport."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def use_data_homes(env: dict[str, str]) -> dict[str, str]:
    """Point Keras and scikit-learn at the data homes in ``env`` for this process.

    Keras reads ``KERAS_HOME`` once, at import: if it is already imported, its
    cached home is switched too. Returns the previous values, for restoring.
    """
    import sys

    previous = {name: os.environ.get(name, "") for name in env}
    os.environ.update(env)
    if "keras" in sys.modules:
        from keras.src.backend import config

        previous["_keras_dir"] = config._KERAS_DIR
        config._KERAS_DIR = env["KERAS_HOME"]
    return previous


@pytest.fixture(scope="session")
def shared_data_env(tmp_path_factory):
    """``KERAS_HOME`` and ``SCIKIT_LEARN_DATA`` filled from ``../shared/data``, and set.

    The real loaders (``keras.datasets.fashion_mnist.load_data``,
    ``sklearn.datasets.fetch_california_housing``) then read the shared sample
    and never touch the network. Returns the variables, for subprocesses (a
    ``streamlit run`` server: ``browser.start_server(port, env=shared_data_env)``).
    """
    import shared_data

    env = shared_data.lay_out(tmp_path_factory.mktemp("data-homes"))
    use_data_homes(env)
    return env


def html_tables(at):
    """(header, rows, highlighted row indices) of each ``ui.truth_table`` on the page."""
    tables = []
    for md in at.markdown:
        if "nnplay-table" not in md.value:
            continue
        header = re.findall(r"<th>(.*?)</th>", md.value)
        row_html = re.findall(r"<tr( style=[^>]*)?>(.*?)</tr>", md.value.split("<tbody>")[1])
        rows = [re.findall(r"<td>(.*?)</td>", cells) for _, cells in row_html]
        highlighted = [i for i, (style, _) in enumerate(row_html) if style]
        tables.append((header, rows, highlighted))
    return tables
