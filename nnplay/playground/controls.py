"""The page's controls as plain values: the URL's ``layers`` and ``hide`` texts, and Settings.

The URL holds every control (the ``"playground"`` fields of :mod:`nnplay.state`);
this module turns those values into :class:`~nnplay.playground.session.Settings`,
clamping what a hand-edited link got wrong and saying so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from nnplay.messages import Message, Severity
from nnplay.playground import data
from nnplay.playground.features import FEATURES
from nnplay.playground.session import MAX_LAYERS, MAX_NEURONS, Settings, clamp

FEATURE_NAMES = tuple(FEATURES)
LAYER_SEP = "~"
HIDEABLE = (
    "problem",
    "data",
    "noise",
    "train",
    "batch",
    "seed",
    "features",
    "layers",
    "activation",
    "lr",
    "reg",
    "points",
    "history",
    "export",
)
"""Controls (or groups of them) a teacher can hide through the link: ``hide=lr~reg``."""


def layers_text(layers: Iterable[int]) -> str:
    """``(4, 2)`` -> ``"4~2"`` (no hidden layer: ``""``)."""
    return LAYER_SEP.join(str(int(n)) for n in layers)


def parse_layers(text: str) -> tuple[tuple[int, ...], list[Message]]:
    """Neurons per hidden layer from ``"4~2"``; clamped to 0-6 layers of 1-8, with a message.

    Returns
    -------
    layers : tuple of int
    messages : list of Message
        A warning when something was dropped or clamped.
    """
    layers: list[int] = []
    bad = False
    for item in str(text).split(LAYER_SEP)[: MAX_LAYERS + 1]:
        item = item.strip()
        if not item:
            continue
        if not (item.isascii() and item.isdigit() and len(item) <= 3):
            bad = True
            continue
        n = int(item)
        if not 1 <= n <= MAX_NEURONS:
            bad = True
        layers.append(min(max(n, 1), MAX_NEURONS))
    if len(layers) > MAX_LAYERS or str(text).count(LAYER_SEP) >= MAX_LAYERS:
        bad = True
        layers = layers[:MAX_LAYERS]
    messages = []
    if bad:
        messages.append(
            Message(
                "playground.layers_clamped",
                {"max": MAX_LAYERS, "neurons": MAX_NEURONS},
                Severity.WARNING,
                "layers",
            )
        )
    return tuple(layers), messages


def parse_hide(text: str) -> tuple[tuple[str, ...], list[Message]]:
    """The controls to hide from ``"lr~reg"``; unknown names are dropped with a message."""
    names = [n.strip() for n in str(text).split(LAYER_SEP) if n.strip()]
    known = tuple(dict.fromkeys(n for n in names if n in HIDEABLE))
    messages = []
    if len(known) != len(names):
        messages.append(Message("playground.hide_unknown", severity=Severity.WARNING))
    return known, messages


def settings_from(values: Mapping[str, object]) -> tuple[Settings, list[Message]]:
    """Settings from the page's field values (``{"data": "xor", "lr": 0.03, "x1": True...}``)."""
    layers, messages = parse_layers(str(values.get("layers", "")))
    default = Settings()
    settings = Settings(
        problem=str(values.get("problem", default.problem)),
        data=str(values.get("data", default.data)),
        classes=int(values.get("classes", default.classes)),
        noise=int(values.get("noise", default.noise)),
        train_share=int(values.get("train", default.train_share)),
        batch=int(values.get("batch", default.batch)),
        seed=int(values.get("seed", default.seed)),
        features=tuple(n for n in FEATURE_NAMES if values.get(n, n in default.features)),
        layers=layers,
        activation=str(values.get("activation", default.activation)),
        learning_rate=float(values.get("lr", default.learning_rate)),
        regularization=str(values.get("reg", default.regularization)),
        rate=float(values.get("rate", default.rate)),
    )
    settings, more = clamp(settings)
    return settings, messages + more


def data_for(problem: str) -> list[str]:
    """The data sets offered for a problem type."""
    return data.names_for(problem if problem in data.PROBLEMS else data.CLASSIFICATION)
