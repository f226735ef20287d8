"""Streamlit helpers shared by the pages: session defaults, language, presenter mode.

This package is the only part of ``nnplay`` that imports streamlit; page-family
helpers live in its submodules (``nnplay.ui.keras_lab``).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import re
import threading
from collections.abc import Callable, Iterable

import plotly.graph_objects as go
import streamlit as st

from nnplay import i18n, server, state, warmup
from nnplay.charts.theme import HIGHLIGHT, Theme, theme_for
from nnplay.messages import Message, Severity
from nnplay.ui import resume

__all__ = ["HIGHLIGHT", "theme_for"]  # re-exported for pages

log = logging.getLogger("nnplay")

LANG_KEY = "lang"
PRESENT_KEY = "present"
_SEEN_QUERY_KEY = "_nnplay_seen_query"
_LINK_MESSAGES_KEY = "_nnplay_link_messages"

_PAGE_CSS = """
<style>
  /* The experiment close to the top: less room above the title than Streamlit's 6rem. */
  [data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }
  /* Korean wraps between words, not inside them; equations never split. */
  [data-testid="stMarkdownContainer"], [data-testid="stWidgetLabel"] {
    word-break: keep-all; overflow-wrap: break-word;
  }
  .katex { white-space: nowrap; }
  .katex-display { overflow-x: auto; overflow-y: hidden; }
  /* SVG pictures drawn twice (ui.svg_picture): for a column, and for a phone's width */
  .nnplay-narrow { display: none; }
  @media (max-width: 640px) {
    .nnplay-wide { display: none; }
    .nnplay-narrow { display: block; }
  }
</style>
"""

_PRESENTER_CSS = """
<style>
  /* Projector at the back of a classroom: everything larger. */
  html { font-size: 22px; }
  [data-testid="stSidebar"] { min-width: 320px; }
  [data-testid="stMarkdownContainer"] p,
  [data-testid="stMarkdownContainer"] li { font-size: 1.15rem; }
  /* metric values inside their markdown: larger than body text, not smaller */
  [data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
    font-size: 3.2rem !important; line-height: 1.2;
  }
  [data-testid="stMetricLabel"] p { font-size: 1.1rem; }
  [data-testid="stExpander"] summary p { font-size: 1.15rem !important; }
  /* tables (the model summary, truth tables) as large as body text */
  [data-testid="stTable"] p, [data-testid="stTable"] td, [data-testid="stTable"] th,
  [data-testid="stMarkdownContainer"] table p, [data-testid="stMarkdownContainer"] td,
  [data-testid="stMarkdownContainer"] th { font-size: 1.1rem !important; }
  .katex { font-size: 1.4em; }
  /* controls a presenter can hit and a room can read */
  [data-testid="stMain"] input, [data-testid="stMain"] textarea,
  [data-testid="stMain"] [data-baseweb="select"] div { font-size: 1.15rem !important; }
  [data-testid="stMain"] button { min-height: 2.8rem; padding: 0.35rem 1.1rem; }
  [data-testid="stMain"] button p { font-size: 1.15rem; }
  [data-testid="stSlider"] [role="slider"] { width: 1.4rem; height: 1.4rem; }
  [data-testid="stSliderThumbValue"], [data-testid="stSliderTickBarMin"],
  [data-testid="stSliderTickBarMax"] { font-size: 1.05rem; }
  [data-testid="stCheckbox"] label > div:first-child { transform: scale(1.45); margin: 0 0.7rem; }
  [data-testid="stRadio"] label > div:first-child { transform: scale(1.3); }
</style>
"""


def init_session() -> None:
    """Set the session defaults, and apply what the URL says when it changes.

    ``?lang=ko`` and ``?present=1`` are honoured; anything malformed is ignored.
    The URL is read when it differs from what the session last saw (first run,
    a link pasted or edited by hand), so the sidebar switches work in between;
    afterwards the URL is rewritten to say the current settings, so it can be
    shared as it is. A browser that reconnected to a new server keeps its
    widgets' values instead (:mod:`nnplay.ui.resume`).
    """
    resume.start()
    st.session_state.setdefault(LANG_KEY, i18n.DEFAULT_LANGUAGE)
    st.session_state.setdefault(PRESENT_KEY, False)
    query = _app_query()
    if st.session_state.get(_SEEN_QUERY_KEY) != query:
        found, messages = state.read(query, state.fields(state.APP))
        if found.get(LANG_KEY, lang()) != lang():
            _resend_choices()
        for key, value in found.items():
            st.session_state[key] = value
        st.session_state[_LINK_MESSAGES_KEY] = messages  # the page header shows them
    _sync_url()


def _app_query() -> dict[str, str]:
    return {
        f.name: st.query_params.get_all(f.name)[-1]
        for f in state.fields(state.APP)
        if f.name in st.query_params
    }


def lang() -> str:
    """The language of this session."""
    return st.session_state.get(LANG_KEY, i18n.DEFAULT_LANGUAGE)


def t(key: str, **values: object) -> str:
    """Translate ``key`` into the session's language."""
    return i18n.translate(key, lang(), **values)


_QUOTE_LIMIT = 40


def plain(value: object, limit: int = _QUOTE_LIMIT) -> str:
    """``value`` (from a link or a widget) as literal text inside markdown.

    Shortened to ``limit`` characters, whitespace and control characters made
    single spaces, and put in a code span: markdown, HTML, LaTeX, Streamlit's
    icons and colours, and bare URLs (which GitHub-flavoured markdown would
    link even when escaped) all stay plain text there.
    """
    text = "".join(c if c.isprintable() else " " for c in str(value))
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    if not text:
        return "` `"
    fence = "`" * (max(map(len, re.findall("`+", text)), default=0) + 1)
    pad = " " if text[0] == "`" or text[-1] == "`" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def say(message: Message, limit: int = _QUOTE_LIMIT) -> str:
    """A message in the session's language; the values it quotes made :func:`plain`.

    Numbers stay numbers (the catalog may format them, ``{max:,}``).
    """
    safe = {
        name: value
        if isinstance(value, int | float) and not isinstance(value, bool)
        else plain(value, limit)
        for name, value in message.values.items()
    }
    return t(message.key, **safe)


_BOXES = {
    Severity.ERROR: (st.error, ":material/error:"),
    Severity.WARNING: (st.warning, ":material/warning:"),
    Severity.INFO: (st.info, ":material/info:"),
}


def show(messages: Iterable[Message], *, icon: str | None = None) -> None:
    """Each message in a box of its severity (error, warning, info)."""
    for message in messages:
        box, default_icon = _BOXES[Severity(message.severity)]
        box(say(message), icon=icon or default_icon)


def presenter() -> bool:
    """Whether presenter (projector) mode is on."""
    return bool(st.session_state.get(PRESENT_KEY, False))


def theme() -> Theme:
    """Figure sizes for the current display mode."""
    return theme_for(presenter())


def _sync_url() -> None:
    # Keep the URL shareable: it always says the current language and mode.
    if st.query_params.get(LANG_KEY) != lang():
        st.query_params[LANG_KEY] = lang()
    if presenter():
        if st.query_params.get(PRESENT_KEY) != "1":
            st.query_params[PRESENT_KEY] = "1"
    elif PRESENT_KEY in st.query_params:
        del st.query_params[PRESENT_KEY]
    st.session_state[_SEEN_QUERY_KEY] = _app_query()


def _resend_choices() -> None:
    """Make every widget send its value to the browser again, for a new language.

    A select box keeps the *label* of its choice in the browser; after a
    language change that old label is no longer an option, so the browser
    would go on showing it (and send it back). Setting each widget's value
    again makes Streamlit send the value with its label in the new language.
    Buttons (bool) and uploads are left alone: their values cannot be set.
    """
    state = st.session_state
    for key in list(state.keys()):
        value = state[key]
        if isinstance(value, list | tuple):
            scalar = all(_is_choice_value(v) for v in value)
        else:
            scalar = _is_choice_value(value)
        if scalar and not key.startswith("_"):
            state[key] = value


def _is_choice_value(value: object) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _change_language() -> None:
    _resend_choices()
    _sync_url()


def sidebar() -> None:
    """The language and presenter-mode switches."""
    with st.sidebar:
        st.radio(
            t("common.language"),
            options=list(i18n.LANGUAGES),
            format_func=i18n.LANGUAGES.__getitem__,
            key=LANG_KEY,
            horizontal=True,
            on_change=_change_language,
        )
        st.toggle(
            t("common.presenter"),
            key=PRESENT_KEY,
            help=t("common.presenter_help"),
            on_change=_sync_url,
        )
    st.html(_PAGE_CSS + (_PRESENTER_CSS if presenter() else ""))


def _guard_number_inputs() -> None:
    """Treat NaN and infinities sent to an integer input as out of range.

    Streamlit 1.67 converts an integer input's value with ``int()`` before its
    range check, so a modified client sending NaN raises in Streamlit itself;
    for float inputs Streamlit puts such values back to the widget's default,
    and this does the same for integers.
    """
    from streamlit.elements.widgets import number_input

    serde = number_input.NumberInputSerde
    if getattr(serde, "_nnplay_guarded", False):
        return
    original = serde.deserialize

    def deserialize(self, ui_value):
        if isinstance(ui_value, float) and not math.isfinite(ui_value):
            ui_value = None  # the widget's default
        return original(self, ui_value)

    serde.deserialize = deserialize
    serde._nnplay_guarded = True


_guard_number_inputs()

_entry = threading.local()  # set while app.py runs a page (one script thread per session)


def _ensure_entry_point() -> None:
    """Rerun through ``app.py`` if Streamlit ran a page script on its own.

    Because our pages live in ``pages/``, Streamlit starts a fresh server in its
    old multipage mode until ``app.py`` first calls ``st.navigation``: a first
    visitor arriving at ``/logic`` would get the page without the entry point
    (no sidebar, no ``?lang=``). Leaving that mode and rerunning fixes it.
    """
    if getattr(_entry, "active", False):
        return
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False
    st.rerun()


def page_header(namespace: str) -> None:
    """Start a page: its title and introduction (``<namespace>.title`` / ``.intro``).

    Every page calls this first; it also makes sure the page runs inside
    ``app.py`` (sidebar, language, presenter mode).
    """
    _ensure_entry_point()
    st.title(t(f"{namespace}.title"))
    show(st.session_state.pop(_LINK_MESSAGES_KEY, []))
    st.markdown(t(f"{namespace}.intro"))


def plot(fig: go.Figure, *, key: str | None = None, toolbar: bool = False) -> None:
    """Show a plotly figure across the container.

    Plotly's toolbar is left out unless ``toolbar=True``: it covered titles,
    legends and play buttons. Zoom by dragging, reset by double-clicking.
    """
    config: dict = {"displaylogo": False, "responsive": True, "displayModeBar": toolbar}
    st.plotly_chart(fig, key=key, width="stretch", config=config)


def file_uploader(label: str, *, key: str, types: list[str], max_mb: int, **options):
    """``st.file_uploader`` whose own words are in the session's language.

    Streamlit writes its button ("Upload") and the size limit ("1MB per file • CSV")
    in English only; for other languages a style scoped to this uploader
    (``.st-key-<key>``) hides them and shows the translation in their place.
    Other keyword arguments go to ``st.file_uploader``.
    """
    uploaded = st.file_uploader(label, type=types, key=key, max_upload_size=max_mb, **options)
    if lang() != "en":
        button = json.dumps(t("common.upload_button"), ensure_ascii=False)
        limit = t("common.upload_limit", mb=max_mb, types=", ".join(types).upper())
        limit = json.dumps(limit, ensure_ascii=False)
        size = "1.15rem" if presenter() else "inherit"  # as the presenter style's buttons
        scope = f'.st-key-{key} [data-testid="stFileUploaderDropzone"]'
        st.html(
            f"<style>{scope} button [data-testid='stMarkdownContainer'] p {{ display: none; }}"
            f"{scope} button [data-testid='stMarkdownContainer']::after "
            f"{{ content: {button}; font-size: {size}; }}"
            f"{scope} [data-testid='stFileUploaderDropzoneInstructions'] span {{ font-size: 0; }}"
            f"{scope} [data-testid='stFileUploaderDropzoneInstructions'] span::after "
            f"{{ content: {limit}; font-size: 0.875rem; }}</style>"
        )
    return uploaded


def svg_picture(wide: str, narrow: str | None = None) -> None:
    """Show an inline SVG picture; ``narrow``, drawn for a phone, replaces it on one.

    The text of an SVG scales with its width. Streamlit stacks columns on
    screens narrower than 640 pixels, where a picture drawn for a column would
    shrink its text; a second drawing for that width keeps it readable.
    """
    if narrow is None:
        st.markdown(wide, unsafe_allow_html=True)
        return
    st.markdown(
        f'<div class="nnplay-wide">{wide}</div><div class="nnplay-narrow">{narrow}</div>',
        unsafe_allow_html=True,
    )


def truth_table(rows: list[dict], current: int | None = None) -> None:
    """A small table (a truth table) with the row ``current`` highlighted.

    Plain HTML: a styled ``st.dataframe`` costs ~15 ms per table on every rerun,
    and the logic page shows six of them.
    """
    if not rows:
        return
    columns = list(rows[0])
    head = "".join(f"<th>{c}</th>" for c in columns)
    body = ""
    for i, row in enumerate(rows):
        style = f' style="background:{HIGHLIGHT};font-weight:bold"' if i == current else ""
        cells = "".join(f"<td>{_cell(row[c])}</td>" for c in columns)
        body += f"<tr{style}>{cells}</tr>"
    st.markdown(
        f'<table class="nnplay-table" style="width:100%;text-align:center">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>",
        unsafe_allow_html=True,
    )


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def run_page(page: Callable[[], None], *, lesson: bool = True) -> None:
    """Run the selected page; turn an unexpected error into a friendly message.

    ``lesson=False`` for a page that needs TensorFlow: the background warm-up
    pauses while other pages run (:func:`nnplay.warmup.lesson_running`), but
    such a page may be waiting for the warm-up's import.

    Streamlit's own control flow (rerun, stop) passes through untouched: it
    derives from ``BaseException``. The traceback goes to the server log only.
    A resumed session's first run ends here in a rerun with the browser's
    widget states (:func:`nnplay.ui.resume.finish`).
    """
    server.limit_malloc_arenas()  # once per process: a thread per session and training
    _entry.active = True
    try:
        try:
            with warmup.lesson_running() if lesson else contextlib.nullcontext():
                page()
        except Exception:
            log.exception("page failed")
            st.error(t("common.unexpected_error"), icon=":material/error:")
        finally:
            _entry.active = False
    except BaseException as control:  # st.stop, st.rerun
        resume.finish(control)
        raise
    if warmup.enabled():
        warmup.start()  # once per server, after its first page
    resume.finish()
