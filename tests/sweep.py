"""The machinery of the widget sweep (``test_sweep.py``) and the query fuzz.

- Settings from the environment (:data:`SEED`, :data:`RUNS`, ...).
- :func:`open_app`: ``conftest.open_page`` with extra query parameters or session state.
- :func:`widgets` / :func:`candidates` / :func:`apply`: find every widget in an AppTest
  tree and the values to try on it, from the widget's own proto (bounds, options),
  and set them as a browser would (option labels, not Python values).
- :class:`Recorder`: the actions so far, written as AppTest code, for the failure message.
- :func:`deadline`: stop a page run that takes too long (an exception raised in the
  script thread), so a hung page fails its test instead of stalling the suite.
- :func:`injections`: injected markdown, HTML or LaTeX rendered by the page.
- :func:`check_page`: the checks made after every run.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import gc
import logging
import math
import os
import random
import re
import sys
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any

from conftest import ROOT, assert_clean, open_page

# --------------------------------------------------------------------------- settings


def _env_int(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip()
    return int(text) if text else default


def _env_float(name: str, default: float) -> float:
    text = os.environ.get(name, "").strip()
    return float(text) if text else default


SEED = _env_int("NNPLAY_SWEEP_SEED", 0)
RUNS = _env_int("NNPLAY_SWEEP_RUNS", 1)  # random-order passes per page, language and mode
STEPS = _env_int("NNPLAY_SWEEP_STEPS", 0)  # most actions per pass; 0: until all are tried
RANDOM_VALUES = _env_int("NNPLAY_SWEEP_RANDOM", 3)  # random values per number/slider
RUN_LIMIT_S = _env_float("NNPLAY_SWEEP_RUN_LIMIT", 60)  # one page run, in the sweep
FUZZ_CASES = _env_int("NNPLAY_FUZZ_CASES", 8)  # generated query strings per page
FUZZ_LIMIT_S = _env_float("NNPLAY_FUZZ_LIMIT", 20)  # one page run, in the fuzz
TRAIN_LIMIT_S = _env_float("NNPLAY_SWEEP_TRAIN_LIMIT", 120)  # one 1-epoch Keras training
VERBOSE = bool(_env_int("NNPLAY_SWEEP_VERBOSE", 0))  # print every action and its time (-s)

JS_MAX_SAFE_INTEGER = 2**53 - 1  # Streamlit's bounds for an int number_input without any
JS_MAX_VALUE = 1.7976931348623157e308  # ... and for a float one


# --------------------------------------------------------------------------- speed

_FROZEN = False


def freeze_after_tensorflow() -> None:
    """Once TensorFlow is imported: collect, then freeze the objects there are.

    TensorFlow adds some 260,000 long-lived objects; the garbage collector
    then goes through them again and again, and every page run (any page)
    takes ~0.5 s instead of ~0.05-0.1 s. ``gc.freeze()`` leaves them out.
    (The app itself has the same cost in a live server; see the sweep's report.)
    """
    global _FROZEN
    if not _FROZEN and "tensorflow" in sys.modules:
        gc.collect()
        gc.freeze()
        _FROZEN = True


def thaw() -> None:
    """Undo :func:`freeze_after_tensorflow` (at the end of a module)."""
    global _FROZEN
    if _FROZEN:
        gc.unfreeze()
        _FROZEN = False


# --------------------------------------------------------------------------- opening a page


def open_app(
    path: str | None,
    *,
    lang: str = "en",
    present: bool = False,
    query: dict[str, Any] | None = None,
    state: dict[str, Any] | None = None,
    direct: bool = False,
    timeout: float = RUN_LIMIT_S,
):
    """``conftest.open_page`` (itself, when nothing more is asked), under :func:`deadline`.

    With extra query parameters or session state, the same steps.

    ``direct``: the first run is the page itself (a link followed straight to
    ``/slug?...``) instead of the home page, then a switch.
    Returns the AppTest after the page has run (under :func:`deadline`).
    """
    from streamlit.testing.v1 import AppTest

    if not (query or state or direct) and lang is not None:
        with deadline(timeout):  # each run: open_page runs twice
            at = open_page(path, lang=lang, present=present, timeout=max(3 * timeout, 60))
        freeze_after_tensorflow()
        return at
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=max(3 * timeout, 60))
    if lang is not None:
        at.query_params["lang"] = lang
    if present:
        at.query_params["present"] = "1"
    for key, value in (query or {}).items():
        at.query_params[key] = value
    for key, value in (state or {}).items():
        at.session_state[key] = value.value if isinstance(value, Code) else value
    if direct and path is not None:
        at.switch_page(path)
        with deadline(timeout):
            at.run()
        freeze_after_tensorflow()
        return at
    with deadline(timeout):
        at.run()
    if path is not None:
        at.switch_page(path)
        with deadline(timeout):
            at.run()
    freeze_after_tensorflow()
    return at


@dataclass(frozen=True)
class Code:
    """A value and the Python expression that makes it (for failure messages)."""

    value: Any
    code: str


def model_state(dataset: str | None) -> dict[str, Code] | None:
    """Session state with the default model of ``dataset`` (the training page trains it)."""
    if dataset is None:
        return None
    from nnplay.keras_lab import spec as specs

    code = (
        f"specs.default_spec({dataset!r}).to_dict()  # from nnplay.keras_lab import spec as specs"
    )
    return {"lab_spec": Code(specs.default_spec(dataset).to_dict(), code)}


def open_code(path, *, lang, present, query=None, state=None, direct=False) -> str:
    """The Python that :func:`open_app` amounts to, for a failure message.

    A ``state`` value may be given as :class:`Code` (the expression that makes it).
    """
    lines = ["from streamlit.testing.v1 import AppTest", 'at = AppTest.from_file("app.py")']
    if lang is not None:
        lines.append(f'at.query_params["lang"] = {lang!r}')
    if present:
        lines.append('at.query_params["present"] = "1"')
    for key, value in (query or {}).items():
        lines.append(f"at.query_params[{key!r}] = {_short_repr(value)}")
    for key, value in (state or {}).items():
        shown = value.code if isinstance(value, Code) else _short_repr(value)
        lines.append(f"at.session_state[{key!r}] = {shown}")
    if direct:
        lines.append(f"at.switch_page({path!r}).run()")
    else:
        lines.append("at.run()")
        if path is not None:
            lines.append(f"at.switch_page({path!r}).run()")
    return "\n".join(lines)


def _short_repr(value: Any, limit: int = 300) -> str:
    text = repr(value)
    if len(text) <= limit:
        return text
    if isinstance(value, str):  # say how it was made: "flatten~" * 2000 + "dense.3.softmax"
        for unit in range(1, 40):
            piece = value[:unit]
            count = 0
            while value.startswith(piece, count * unit):
                count += 1
            rest = value[count * unit :]
            if count >= 3 and len(rest) <= 100:
                return f"{piece!r} * {count}" + (f" + {rest!r}" if rest else "")
    return f"{text[:limit]}... ({len(text):,} characters)"


# --------------------------------------------------------------------------- deadline


class PageOvertime(Exception):
    """Raised inside a page's script thread that ran past its deadline."""


@contextlib.contextmanager
def deadline(seconds: float):
    """Raise :class:`PageOvertime` in Streamlit's script thread after ``seconds``.

    AppTest's own timeout waits for the script thread to end, so a page that
    computes for minutes would stall the suite. The exception is raised again
    every second until the run ends. Yields a list that holds, if it fired,
    where the page was at the deadline (its frames in the project).
    """
    done = threading.Event()
    fired: list[str] = []

    def watch() -> None:
        if done.wait(seconds):
            return
        while not done.is_set():
            for thread in threading.enumerate():
                if thread.name == "ScriptRunner.scriptThread" and thread.ident:
                    if not fired:
                        frame = sys._current_frames().get(thread.ident)
                        fired.append(_project_stack(frame))
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(
                        ctypes.c_ulong(thread.ident), ctypes.py_object(PageOvertime)
                    )
            done.wait(1.0)

    watcher = threading.Thread(target=watch, name="nnplay-sweep-deadline", daemon=True)
    watcher.start()
    try:
        yield fired
    finally:
        done.set()
        watcher.join()


def _project_stack(frame, limit: int = 12) -> str:
    """The frames of ``frame``'s stack in the project's files, innermost last."""
    if frame is None:
        return "(no stack)"
    frames = [f for f in traceback.extract_stack(frame) if f.filename.startswith(str(ROOT))]
    lines = [f"{f.filename[len(str(ROOT)) + 1 :]}:{f.lineno} in {f.name}: {f.line}" for f in frames]
    return "\n".join(lines[-limit:]) or "(outside the project)"


# --------------------------------------------------------------------------- server log


class _LastErrors(logging.Handler):
    """Keeps the tracebacks that ``ui.run_page`` logs (the page shows only a message)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: collections.deque[str] = collections.deque(maxlen=5)

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append("".join(traceback.format_exception(*record.exc_info)))
        else:
            self.records.append(record.getMessage())


SERVER_LOG = _LastErrors()
logging.getLogger("nnplay").addHandler(SERVER_LOG)


def traceback_tail(at=None, lines: int = 14) -> str:
    """The page's last traceback: a Streamlit exception element, or the server log."""
    if at is not None:
        try:
            for exc in at.exception:
                head = f"{exc.proto.type}: {exc.message}"
                return "\n".join([*exc.stack_trace[-lines:], head])
        except Exception:  # no tree: the run itself failed
            pass
    if SERVER_LOG.records:
        return "\n".join(SERVER_LOG.records[-1].rstrip().splitlines()[-lines:])
    return ""


@contextlib.contextmanager
def error_details():
    """Streamlit's exception elements with the real type and message (not redacted)."""
    from streamlit import config

    before = config.get_option("client.showErrorDetails")
    config.set_option("client.showErrorDetails", "full")
    try:
        yield
    finally:
        config.set_option("client.showErrorDetails", before)


# --------------------------------------------------------------------------- injections

# Markdown whose payload must never be rendered as such
LINK_PAYLOADS = ("](https://evil.example", "](http://host")
HTML_PAYLOADS = ("<script", "<img", "onerror=")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.DOTALL)
_ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")  # CommonMark's escapable ASCII punctuation
_MATH = re.compile(r"\$[^$]*\\rule", re.DOTALL)


def _markdown_problems(text: str, *, html: bool) -> list[str]:
    """What of the payloads in ``text`` markdown would render (code spans and escapes are fine)."""
    plain = _ESCAPED.sub("", _CODE_SPAN.sub("", text))
    found = [f"a markdown link {p!r}" for p in LINK_PAYLOADS if p in plain]
    if "![" in plain:
        found.append("a markdown image '!['")
    if _MATH.search(plain):
        found.append("LaTeX '$...\\rule'")
    if html:
        found += [f"HTML {p!r}" for p in HTML_PAYLOADS if p in plain.lower()]
    return found


_MARKDOWN_TYPES = {"markdown", "caption", "divider", "error", "warning", "info", "success"}
_MARKDOWN_TYPES |= {"title", "header", "subheader", "toast"}


def _snippet(text: str, around: str, width: int = 80) -> str:
    i = max(text.find(around.split("'")[1] if "'" in around else around), 0)
    return repr(text[max(i - width, 0) : i + width])


def injections(at) -> list[str]:
    """Elements that would render an injected link, image, HTML or ``\\rule``."""
    found = []
    for node in at:
        kind = getattr(node, "type", None)
        proto = getattr(node, "proto", None)
        if proto is None or kind is None:
            continue
        texts: list[tuple[str, str, bool]] = []  # (where, text, html allowed)
        try:
            if kind in _MARKDOWN_TYPES:
                texts.append((kind, str(node.value), bool(getattr(proto, "allow_html", False))))
            elif kind == "latex":
                if "\\rule" in str(node.value):
                    found.append(f"latex element renders \\rule: {_short_repr(node.value)}")
            elif kind == "html":
                for payload in HTML_PAYLOADS:
                    if payload in str(node.value).lower():
                        found.append(f"st.html contains {payload!r}: {_short_repr(node.value)}")
            elif kind == "exception" and getattr(node, "is_markdown", False):
                texts.append((kind, node.message, False))
            for attr in ("label", "help"):
                value = getattr(proto, attr, None)
                if isinstance(value, str) and value:
                    texts.append((f"{kind} {attr}", value, False))
        except Exception:  # an element the tree cannot read
            continue
        for where, text, html in texts:
            for problem in _markdown_problems(text, html=html):
                found.append(f"{where} renders {problem}: {_snippet(text, problem)}")
    return found


# --------------------------------------------------------------------------- checks


def check_page(at, title_key: str | None) -> None:
    """After a run: clean (conftest), the title in the session's language, nothing injected."""
    from nnplay import i18n

    assert_clean(at)
    if title_key is not None:
        lang = at.session_state["lang"] if "lang" in at.session_state else "en"
        titles = [t.value for t in at.title]
        expected = i18n.translate(title_key, lang)
        if not (titles and titles[0] == expected):
            raise AssertionError(f"title {titles[:1]}, expected {expected!r} (lang {lang!r})")
    found = injections(at)
    assert not found, "injected content is rendered:\n  " + "\n  ".join(found)


# --------------------------------------------------------------------------- widgets

SWEPT_TYPES = (
    "button",
    "download_button",
    "toggle",
    "checkbox",
    "slider",
    "select_slider",
    "selectbox",
    "radio",
    "multiselect",
    "number_input",
    "text_input",
    "text_area",
    "button_group",
    "file_uploader",
)
FILES = (  # (name, content, type) as a browser sends them
    ("points.csv", b"x1,x2,label\n1,2,1\n-3,0.5,0\n", "text/csv"),
    ("empty.csv", b"", "text/csv"),
    ("broken.csv", b'1;2;oops\n"unclosed,\n', "text/csv"),
    ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "text/csv"),
    ("many.csv", b"0.5,0.5,1\n" * 40_000, "text/csv"),
)
TEXTS = (
    "",
    "x_1",
    "a" * 41,
    "has space.dot~tilde",
    "[click](https://evil.example/phish)",
    "<img src=x onerror=alert(1)>",
    "$\\rule{5000px}{5000px}$",
    "이름",
)


def identity(widget) -> str:
    """A widget's name across runs: its key with numbers as ``#`` (``keras_builder_#_units_#``).

    Keys that only differ by a layer number or a generation counter name the
    same kind of widget: each value is tried once per pass on one of them.
    """
    if widget.key:
        return re.sub(r"\d+", "#", widget.key)
    return f"{widget.type}:{widget.label}"


def widgets(at) -> list:
    """Every widget on the page (main area and sidebar), in page order."""
    found = []
    for node in at:
        if getattr(node, "type", None) in SWEPT_TYPES or _is_widget(node):
            found.append(node)
    return found


def _is_widget(node) -> bool:
    from streamlit.testing.v1.element_tree import Widget

    return isinstance(node, Widget)


def unswept(at) -> set[str]:
    """Widget types on the page that the sweep does not know how to set."""
    return {w.type for w in widgets(at) if w.type not in SWEPT_TYPES}


def in_form(widget) -> str:
    return getattr(widget.proto, "form_id", "") or ""


def _is_int(widget) -> bool:
    return widget.proto.data_type == 0  # NumberInput.INT == Slider.INT == 0


def bounds(widget) -> tuple[float, float]:
    """The values a browser lets a person send (Streamlit's defaults where none are given)."""
    if widget.type == "slider":
        return widget.proto.min, widget.proto.max
    top = JS_MAX_SAFE_INTEGER if _is_int(widget) else JS_MAX_VALUE
    lo = widget.min if widget.min is not None else -top
    hi = widget.max if widget.max is not None else top
    return lo, hi


@dataclass(frozen=True)
class Candidate:
    """One thing to do to a widget: ``op`` is click, bool, min, max, frac, option, options, text."""

    op: str
    arg: Any = None

    def __str__(self) -> str:
        return self.op if self.arg is None else f"{self.op}={self.arg!r}"


def candidates(widget, rng: random.Random) -> list[Candidate]:
    """The values to try on ``widget``: its bounds, random values between, every option..."""
    kind = widget.type
    if kind in ("button", "download_button"):
        return [Candidate("click")]
    if kind in ("toggle", "checkbox"):
        return [Candidate("bool", True), Candidate("bool", False)]
    if kind in ("slider", "number_input"):
        if kind == "slider" and widget.proto.data_type not in (0, 1):
            return []  # dates and times: not used by the app (yet)
        lo, hi = bounds(widget)
        if _is_int(widget) and hi - lo <= 12:
            n = int(hi - lo)
            return [Candidate("frac", k / n if n else 0.0) for k in range(n + 1)]
        found = [Candidate("min"), Candidate("max")]
        found += [Candidate("frac", round(rng.random(), 4)) for _ in range(RANDOM_VALUES)]
        return found
    if kind in ("selectbox", "radio", "select_slider"):
        return [Candidate("option", i) for i in range(len(widget.options))]
    if kind == "button_group":
        return [Candidate("option", i) for i in range(len(widget.options))]
    if kind == "multiselect":
        n = len(widget.options)
        limit = widget.proto.max_selections or n
        found = [Candidate("options", ())]
        found += [Candidate("options", (i,)) for i in range(n)]
        if n > 1:
            found.append(Candidate("options", tuple(range(min(n, limit)))))
            k = rng.randint(1, min(n, limit))
            found.append(Candidate("options", tuple(sorted(rng.sample(range(n), k)))))
        return found
    if kind == "file_uploader":
        return [Candidate("file", f) for f in FILES] + [Candidate("file", None)]
    if kind in ("text_input", "text_area"):
        found = [Candidate("text", text) for text in TEXTS]
        if widget.proto.max_chars:
            found.append(Candidate("text", "m" * widget.proto.max_chars))
        return found
    return []


def deal(found: list[Candidate], rng: random.Random, share: int, shares: int) -> list[Candidate]:
    """The ``share``-th of ``shares`` hands of ``found``, dealt in a random order.

    The tests of one page (languages and modes) split the values of each widget
    between them; a widget with one or two values (a button, a toggle) gets
    them in every test.
    """
    if shares <= 1 or len(found) <= 2:
        return found
    order = list(found)
    rng.shuffle(order)
    return order[share % shares :: shares]


def value_for(widget, candidate: Candidate) -> Any:
    """The concrete value ``candidate`` means for ``widget`` now (its bounds may have moved)."""
    op, arg = candidate.op, candidate.arg
    if op in ("min", "max", "frac"):
        lo, hi = bounds(widget)
        if op == "min":
            value = lo
        elif op == "max":
            value = hi
        elif hi - lo > 1e6:  # wide: spread over magnitudes, both signs where allowed
            top = math.log10(max(abs(lo), abs(hi)))
            magnitude = 10 ** (-3 + arg * (top + 3))
            value = -magnitude if lo < 0 and (arg * 1e4) % 2 < 1 else magnitude
            value = min(max(value, lo), hi)
        else:
            value = lo + arg * (hi - lo)
            step = getattr(widget, "step", None) or getattr(widget.proto, "step", 0)
            if widget.type == "slider" and step:
                value = min(lo + round((value - lo) / step) * step, hi)
        if _is_int(widget):
            return round(value)
        return float(value)
    if op == "option":
        return widget.options[arg] if arg < len(widget.options) else None
    if op == "options":
        return [widget.options[i] for i in arg if i < len(widget.options)]
    return arg


_IDENTITY_CLASSES: dict[type, type] = {}


def _send_labels(widget) -> None:
    """Let ``widget`` take option labels as values, as the browser sends them.

    AppTest maps a value to its label with the page's ``format_func``; an
    identity function instead sends the label itself, whatever the function.
    """
    cls = type(widget)
    if cls not in _IDENTITY_CLASSES:
        _IDENTITY_CLASSES[cls] = type(
            cls.__name__, (cls,), {"format_func": property(lambda _: _same)}
        )
    widget.__class__ = _IDENTITY_CLASSES[cls]


def _same(value):
    return value


def locator(widget, at) -> str:
    """AppTest code that finds ``widget`` again: ``at.slider(key="xor_hidden")``."""
    if widget.key:
        return f"at.{widget.type}(key={widget.key!r})"
    same = [w for w in getattr(at, widget.type)] if hasattr(at, widget.type) else []
    index = next((i for i, w in enumerate(same) if w.id == widget.id), "?")
    return f"at.{widget.type}[{index}]"


def _already(widget, candidate: Candidate, value: Any) -> bool:
    """Whether ``widget`` already has ``value`` (setting it would change nothing)."""
    try:
        if candidate.op in ("bool", "min", "max", "frac"):
            current = widget.value
            return type(current) is type(value) and current == value
        if candidate.op == "option" and widget.type in ("selectbox", "radio"):
            return widget.index is not None and widget.options[widget.index] == value
    except Exception:  # a value AppTest cannot read back: set it
        return False
    return False


def apply(widget, candidate: Candidate, at) -> str | None:
    """Set ``widget`` (without running); returns the AppTest code.

    None: not applicable (an option that is gone); "": the widget already has the value.
    """
    value = value_for(widget, candidate)
    where = locator(widget, at)
    if candidate.op == "click":
        widget.click()
        return f"{where}.click()"
    if candidate.op == "option" and value is None:
        return None
    if _already(widget, candidate, value):
        return ""
    if widget.type in ("selectbox", "radio", "select_slider", "multiselect", "button_group"):
        _send_labels(widget)
    widget.set_value(value)
    return f"{where}.set_value({_short_repr(value)})"


def submit_button(at, widget):
    """The first submit button of ``widget``'s form (Train, on the XOR page)."""
    form = in_form(widget)
    for button in at.button:
        if in_form(button) == form and getattr(button.proto, "is_form_submitter", False):
            if not button.disabled:
                return button
    return None


# --------------------------------------------------------------------------- a sweep


@dataclass
class Recorder:
    """What a sweep did, as code a person can paste into a test to see the failure."""

    header: str
    opening: str
    lines: list[str] = field(default_factory=list)
    settings: int = 0

    def add(self, line: str) -> None:
        self.lines.append(line)

    def restart(self, note: str) -> None:
        """A fresh session: the actions so far no longer matter for a failure."""
        self.lines = [note]

    def message(self, error: BaseException, at=None) -> str:
        steps = self.lines if len(self.lines) <= 80 else ["...", *self.lines[-80:]]
        parts = [
            self.header,
            f"after {len(self.lines)} actions; reproduce with (conftest's autouse fixture on):",
            _indent(self.opening),
            _indent("\n".join(steps)),
            f"failure: {type(error).__name__}: {str(error)[:3000]}",
        ]
        tail = traceback_tail(at)
        if tail:
            parts.append("page traceback (tail):\n" + _indent(tail))
        return "\n".join(parts)


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


@dataclass
class Stats:
    """Counts for the summary: settings tried, page runs, seconds."""

    settings: int = 0
    runs: int = 0
    seconds: float = 0.0
    untried: int = 0
    per_test: dict[str, tuple[int, int, float]] = field(default_factory=dict)
