"""Every page's settings in one declarative table, which reads and writes the URL.

As in TensorFlow Playground's ``state.ts``: one list of :class:`Field` s, each
with the page it belongs to, its name in the URL, its type, default and range or
choices. The same table gives each setting's widget key (``logic_a``), so a page
draws and reads its widgets through it, and :func:`read` / :func:`write` turn
the settings into query parameters and back:

- numbers are written in the shortest form that reads back exactly
  (``repr(float)``), and read strictly (ASCII digits only; no ``nan``, ``inf``,
  ``1_000`` or ``²``);
- a value that cannot be read, or is out of range, is left out with a
  :class:`~nnplay.messages.Message` that says so; unknown names are ignored.

The Keras lab's model is one more group of fields (page ``"keras"``), whose
structured ones (``layers``, ``metrics``, ``cw``) are read by
:mod:`nnplay.keras_lab.spec`; their ranges are checked there too, where the
message can name the layer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from nnplay.messages import Message, Severity

APP = "app"


class Kind(StrEnum):
    """How a field's value is written in the URL."""

    BOOL = "bool"
    INT = "int"
    FLOAT = "float"
    CHOICE = "choice"
    TEXT = "text"


_INT = re.compile(r"-?[0-9]{1,19}")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?")
_BOOLS = {"1": True, "true": True, "yes": True, "on": True}
_BOOLS |= {"0": False, "false": False, "no": False, "off": False}
MAX_TEXT = 4000  # longest value of any one field


def parse_int(text: str) -> int:
    """An integer in plain ASCII digits; ``ValueError`` otherwise."""
    if not _INT.fullmatch(text):
        raise ValueError(text)
    return int(text)


def parse_float(text: str) -> float:
    """A finite number in plain ASCII (``0.5``, ``1e-3``); ``ValueError`` otherwise."""
    if not _FLOAT.fullmatch(text):
        raise ValueError(text)
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def format_number(value: float) -> str:
    """The shortest text that reads back as exactly ``value``."""
    if isinstance(value, float):
        return repr(value)
    return str(int(value))


@dataclass(frozen=True)
class Field:
    """One setting of one page.

    Attributes
    ----------
    page : str
        Page slug (:mod:`nnplay.sitemap`), ``"app"`` for the whole app, or
        ``"keras"`` for the Keras lab's model (shared by its two pages).
    name : str
        Name in the URL (``?a=1``).
    kind : Kind
    default : object
    low, high : float, optional
        Inclusive range of a number.
    choices : tuple
        The values a ``CHOICE`` field may take (any type; written with ``str``
        or :func:`format_number`).
    """

    page: str
    name: str
    kind: Kind
    default: object
    low: float | None = None
    high: float | None = None
    choices: tuple = ()

    @property
    def key(self) -> str:
        """The widget (session-state) key: ``<page>_<name>``; app fields go bare."""
        return self.name if self.page == APP else f"{self.page}_{self.name}"

    def allows(self, value: object) -> bool:
        """Whether ``value`` is a value of this field (type and range)."""
        if self.kind == Kind.BOOL:
            return isinstance(value, bool)
        if self.kind == Kind.CHOICE:
            return not isinstance(value, bool) and value in self.choices
        if self.kind == Kind.TEXT:
            return isinstance(value, str) and len(value) <= MAX_TEXT
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if not numeric or (self.kind == Kind.INT and not float(value).is_integer()):
            return False
        if not math.isfinite(value):
            return False
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def format(self, value: object) -> str:
        """``value`` as URL text."""
        if self.kind == Kind.BOOL:
            return "1" if value else "0"
        if self.kind == Kind.FLOAT:
            return format_number(float(value))
        if isinstance(value, int | float) and not isinstance(value, bool):
            return format_number(value)
        return str(value)

    def parse(self, text: str) -> object:
        """The value ``text`` says; ``ValueError`` when it is not one of this field's."""
        if len(text) > MAX_TEXT:
            raise ValueError(text[:40])
        if self.kind == Kind.BOOL:
            value = _BOOLS.get(text.strip().lower())
            if value is None:
                raise ValueError(text)
            return value
        if self.kind == Kind.CHOICE:
            for choice in self.choices:  # exactly, else a hand-typed "EN" for "en"
                if self.format(choice) == text:
                    return choice
            for choice in self.choices:
                if self.format(choice).lower() == text.strip().lower():
                    return choice
            raise ValueError(text)
        if self.kind == Kind.TEXT:
            return text
        value = parse_int(text) if self.kind == Kind.INT else parse_float(text)
        if not self.allows(value):
            raise ValueError(text)
        return value


def _app() -> tuple[Field, ...]:
    from nnplay.i18n import DEFAULT_LANGUAGE, LANGUAGES

    return (
        Field(APP, "lang", Kind.CHOICE, DEFAULT_LANGUAGE, choices=tuple(LANGUAGES)),
        Field(APP, "present", Kind.BOOL, False),
    )


def _logic() -> tuple[Field, ...]:
    # the inputs, and the neuron of one's own design
    return (
        Field("logic", "a", Kind.BOOL, False),
        Field("logic", "b", Kind.BOOL, False),
        Field("logic", "wa", Kind.FLOAT, 1.0, -3.0, 3.0),
        Field("logic", "wb", Kind.FLOAT, 1.0, -3.0, 3.0),
        Field("logic", "theta", Kind.FLOAT, 2.0, -3.0, 3.0),
    )


def _perceptron() -> tuple[Field, ...]:
    from nnplay import perceptron_lab as lab
    from nnplay.perceptron import STEP_FUNCTIONS

    p = lab.Settings()
    return (
        Field("perceptron", "x", Kind.CHOICE, p.x_feature, choices=(0, 1, 2, 3)),
        Field("perceptron", "y", Kind.CHOICE, p.y_feature, choices=(0, 1, 2, 3)),
        Field("perceptron", "positive", Kind.CHOICE, p.positive, choices=lab.CLASS_CHOICES),
        Field("perceptron", "phi", Kind.CHOICE, p.step, choices=tuple(STEP_FUNCTIONS)),
        Field("perceptron", "eta", Kind.FLOAT, p.eta0, None, lab.MAX_ETA),
        Field("perceptron", "epochs", Kind.INT, p.max_epochs, 0, lab.MAX_EPOCHS),
        Field("perceptron", "shuffle", Kind.BOOL, p.shuffle),
        Field("perceptron", "seed", Kind.INT, p.seed, 0, lab.MAX_SEED),
        Field("perceptron", "step", Kind.INT, 1, 1, None),  # the stepper's position
    )


def _xor() -> tuple[Field, ...]:
    # the trained network's settings
    from nnplay import xor_lab as lab
    from nnplay.activations import HIDDEN_CHOICES

    x = lab.Settings()
    return (
        Field("xor", "hidden", Kind.INT, x.hidden_units, 0, lab.MAX_HIDDEN_UNITS),
        Field("xor", "activation", Kind.CHOICE, x.activation, choices=tuple(HIDDEN_CHOICES)),
        Field("xor", "lr", Kind.CHOICE, x.learning_rate, choices=lab.LEARNING_RATES),
        Field("xor", "epochs", Kind.INT, x.epochs, lab.MIN_EPOCHS, lab.MAX_EPOCHS),
        Field("xor", "seed", Kind.INT, x.seed, 0, lab.MAX_SEED),
    )


def _playground() -> tuple[Field, ...]:
    # every control of the 2-D playground; "layers" is "4~2" (neurons per hidden layer),
    # "hide" the controls a teacher hid ("lr~reg"): nnplay.playground.controls reads both
    from nnplay.playground import controls, data, session

    s = session.Settings()
    return (
        Field("playground", "problem", Kind.CHOICE, s.problem, choices=data.PROBLEMS),
        Field("playground", "data", Kind.CHOICE, s.data, choices=tuple(data.DATASETS)),
        Field("playground", "classes", Kind.INT, s.classes, data.MIN_CLASSES, data.MAX_CLASSES),
        Field("playground", "noise", Kind.INT, s.noise, 0, 50),
        Field("playground", "train", Kind.INT, s.train_share, 10, 90),
        Field("playground", "batch", Kind.INT, s.batch, 1, session.MAX_BATCH),
        Field("playground", "seed", Kind.INT, s.seed, 0, session.MAX_SEED),
        *(
            Field("playground", name, Kind.BOOL, name in s.features)
            for name in controls.FEATURE_NAMES
        ),
        Field("playground", "layers", Kind.TEXT, controls.layers_text(s.layers)),
        Field("playground", "activation", Kind.CHOICE, s.activation, choices=session.ACTIVATIONS),
        Field("playground", "lr", Kind.CHOICE, s.learning_rate, choices=session.LEARNING_RATES),
        Field("playground", "reg", Kind.CHOICE, s.regularization, choices=session.REGULARIZATIONS),
        Field("playground", "rate", Kind.CHOICE, s.rate, choices=session.RATES),
        Field("playground", "test", Kind.BOOL, False),
        Field("playground", "discrete", Kind.BOOL, False),
        Field("playground", "label", Kind.INT, 1, 0, data.MAX_CLASSES - 1),
        Field("playground", "hide", Kind.TEXT, ""),
    )


def _keras() -> tuple[Field, ...]:
    # the Keras lab's model (builder and training); ranges: spec.validate
    from nnplay.keras_lab import spec

    book = spec.to_query(spec.book_model())
    return (
        Field("keras", "data", Kind.CHOICE, book["data"], choices=tuple(spec.DATASETS)),
        Field("keras", "layers", Kind.TEXT, book["layers"]),
        Field("keras", "loss", Kind.TEXT, book["loss"]),
        Field("keras", "opt", Kind.TEXT, book["opt"]),
        Field("keras", "lr", Kind.FLOAT, float(book["lr"])),
        Field("keras", "momentum", Kind.FLOAT, float(book["momentum"])),
        Field("keras", "metrics", Kind.TEXT, book["metrics"]),
        Field("keras", "epochs", Kind.INT, int(book["epochs"])),
        Field("keras", "batch", Kind.INT, int(book["batch"])),
        Field("keras", "val", Kind.CHOICE, book["val"], choices=(spec.HELD_OUT, spec.FRACTION)),
        Field("keras", "split", Kind.FLOAT, float(book["split"])),
        Field("keras", "cw", Kind.TEXT, ""),
    )


# Each page's fields are made when first asked for: the logic page must not
# import what the perceptron's registries need (scikit-learn).
_PAGES = {
    APP: _app,
    "logic": _logic,
    "perceptron": _perceptron,
    "xor": _xor,
    "playground": _playground,
    "keras": _keras,
}


@cache
def fields(page: str) -> tuple[Field, ...]:
    """The fields of one page (``"app"`` for the app-wide ones; none for other pages)."""
    make = _PAGES.get(page)
    return make() if make else ()


def table() -> tuple[Field, ...]:
    """Every field of every page, in order."""
    return tuple(f for page in _PAGES for f in fields(page))


def field(page: str, name: str) -> Field:
    """One field; ``KeyError`` when the table has no such field."""
    for f in fields(page):
        if f.name == name:
            return f
    raise KeyError(f"{page}.{name}")


def defaults(page: str) -> dict[str, object]:
    """``{name: default}`` of a page's fields."""
    return {f.name: f.default for f in fields(page)}


def _text(params: Mapping, name: str) -> str | None:
    value = params.get(name)
    if isinstance(value, list | tuple):  # a repeated key: the last one counts
        value = value[-1] if value else None
    return value if isinstance(value, str) else None


def read(params: Mapping, page_fields: tuple[Field, ...]) -> tuple[dict, list[Message]]:
    """The values the URL gives for ``page_fields``, and what could not be read.

    Parameters
    ----------
    params : Mapping
        Query parameters (``st.query_params`` or a plain dict; a list value is a
        repeated key, of which the last counts).
    page_fields : tuple of Field

    Returns
    -------
    values : dict
        ``{name: value}`` of the fields present and valid.
    messages : list of Message
        A warning ``common.bad_link_value`` for each present field that was
        left out (``name`` and ``value``, the text as given).
    """
    values: dict[str, object] = {}
    messages: list[Message] = []
    for f in page_fields:
        text = _text(params, f.name)
        if text is None:
            continue
        try:
            values[f.name] = f.parse(text)
        except ValueError:
            messages.append(
                Message(
                    "common.bad_link_value",
                    {"name": f.name, "value": text},
                    Severity.WARNING,
                    f.name,
                )
            )
    return values, messages


def write(values: Mapping[str, object], page_fields: tuple[Field, ...]) -> dict[str, str]:
    """``{name: text}`` for the URL: every field of the page, from ``values`` or its default."""
    return {f.name: f.format(values.get(f.name, f.default)) for f in page_fields}
