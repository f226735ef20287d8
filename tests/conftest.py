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


@pytest.fixture(autouse=True)
def _navigation_not_pages_directory(monkeypatch):
    """Make AppTest run every page through ``app.py``, as a real session does.

    AppTest resets ``PagesManager.uses_pages_directory`` before each run, and
    because our pages live in ``pages/`` it would then run a switched-to page
    on its own (Streamlit's old multipage mode), skipping the entry point.
    A live server clears the flag on the first ``st.navigation`` call; this
    does the same for every AppTest run.
    """
    from streamlit.runtime import pages_manager

    original_init = pages_manager.PagesManager.__init__

    def init(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        pages_manager.PagesManager.uses_pages_directory = False

    monkeypatch.setattr(pages_manager.PagesManager, "__init__", init)


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
