"""The spec in a link: short, readable URL query parameters and back.

``layers=flatten~dense.300.relu.hidden1~dense.10.softmax.output``; numbers are
written and read by :mod:`nnplay.state` (exact round trip, strict parsing).
"""

from __future__ import annotations

from collections.abc import Mapping

from nnplay import state
from nnplay.keras_lab.model import (
    BALANCED,
    FRACTION,
    HELD_OUT,
    LayerSpec,
    ModelSpec,
    default_spec,
    dense,
    flatten,
)
from nnplay.keras_lab.registries import DATASETS, DENSE, FLATTEN, MAX_LAYERS, MAX_QUERY_CHARS
from nnplay.keras_lab.validation import CLASS_LABEL, problem, validate
from nnplay.messages import Message

QUERY_KEYS = ("data", "layers", "loss", "opt", "lr", "momentum", "metrics", "epochs", "batch")
QUERY_KEYS += ("val", "split", "cw")
"""The model's URL parameters: the ``"keras"`` fields of :mod:`nnplay.state`."""
_ITEM_SEP = "~"  # URL-safe: between layers, metrics, class weights
_FIELD_SEP = "."  # between a layer's fields (names cannot contain it)
# Defaults of a Dense layer's optional query fields (name, kernel and bias initializers).
_OPTIONAL_FIELD_DEFAULTS = {3: "", 4: "glorot_uniform", 5: "zeros"}


_MAX_ITEMS = {"metrics": 8, "cw": 16}  # besides layers (MAX_LAYERS)


def _number(value: float) -> str:
    return state.format_number(value)


def _layer_to_query(layer: LayerSpec) -> str:
    if layer.kind == FLATTEN:
        return FLATTEN if not layer.name else f"{FLATTEN}{_FIELD_SEP}{layer.name}"
    fields = [
        DENSE,
        str(layer.units),
        layer.activation,
        layer.name,
        layer.kernel_initializer,
        layer.bias_initializer,
    ]
    # Trailing defaults are left out: dense.300.relu.hidden1
    while len(fields) > 3 and fields[-1] == _OPTIONAL_FIELD_DEFAULTS[len(fields) - 1]:
        fields.pop()
    return _FIELD_SEP.join(fields)


def to_query(spec: ModelSpec) -> dict[str, str]:
    """The spec as short, readable URL query parameters (see :data:`QUERY_KEYS`).

    ``layers=flatten~dense.300.relu.hidden1~dense.10.softmax.output``; a Dense
    layer is ``dense.units.activation[.name[.kernel_init[.bias_init]]]``.
    """
    fit, compile_ = spec.fit, spec.compile
    query = {
        "data": spec.dataset,
        "layers": _ITEM_SEP.join(_layer_to_query(layer) for layer in spec.layers),
        "loss": compile_.loss,
        "opt": compile_.optimizer.name,
        "lr": _number(compile_.optimizer.learning_rate),
        "momentum": _number(compile_.optimizer.momentum),
        "metrics": _ITEM_SEP.join(compile_.metrics),
        "epochs": str(fit.epochs),
        "batch": str(fit.batch_size),
        "val": HELD_OUT if fit.validation == HELD_OUT else FRACTION,
        "split": _number(fit.validation_split),
    }
    if fit.class_weight == BALANCED:
        query["cw"] = BALANCED
    elif isinstance(fit.class_weight, dict):
        query["cw"] = _ITEM_SEP.join(
            f"{k}:{_number(float(v))}" for k, v in fit.class_weight.items()
        )
    return query


class _QueryError(ValueError):
    def __init__(self, name: str, value: str):
        super().__init__(name)
        self.problem = problem("query", name, name=name, value=value)


def _parse_int(name: str, text: str) -> int:
    try:
        return state.parse_int(text)
    except ValueError:
        raise _QueryError(name, text) from None


def _parse_float(name: str, text: str) -> float:
    try:
        return state.parse_float(text)
    except ValueError:
        raise _QueryError(name, text) from None


def _items(name: str, text: str, most: int) -> list[str]:
    """The ``~``-separated items of a value, refused when there are more than ``most``."""
    if text.count(_ITEM_SEP) >= most:
        raise _QueryError(name, text)
    return [item for item in text.split(_ITEM_SEP) if item]


def _layer_from_query(text: str) -> LayerSpec:
    fields = text.split(_FIELD_SEP)
    if fields[0] == FLATTEN and len(fields) <= 2:
        return flatten(fields[1] if len(fields) == 2 else "")
    if fields[0] != DENSE or not 3 <= len(fields) <= 6:
        raise _QueryError("layers", text)
    try:
        units = _parse_int("layers", fields[1])
    except _QueryError:
        raise _QueryError("layers", text) from None  # say the whole layer
    layer = dense(units, fields[2], fields[3] if len(fields) > 3 else "")
    if len(fields) > 4:
        layer.kernel_initializer = fields[4]
    if len(fields) > 5:
        layer.bias_initializer = fields[5]
    return layer


def _get(params: Mapping, name: str) -> str | None:
    value = params.get(name)
    if isinstance(value, list):  # some mappings give every value of a repeated key
        value = value[-1] if value else None
    return value if isinstance(value, str) else None


def from_query(params: Mapping) -> tuple[ModelSpec | None, list[Message]]:
    """Read a spec from URL query parameters written by :func:`to_query`.

    Missing parameters take the data set's defaults (:func:`default_spec`).

    Returns
    -------
    spec : ModelSpec or None
        ``None`` when the parameters hold no spec (no ``data``) or cannot be read.
    problems : list of Message
        Why it could not be read, or what :func:`validate` says of it.
    """
    dataset = _get(params, "data")
    if dataset is None:
        return None, []
    # Limits first, in time proportional to the link's length: nothing is parsed,
    # built or counted for a link that is too long or has too many layers.
    length = sum(len(_get(params, name) or "") for name in QUERY_KEYS)
    if length > MAX_QUERY_CHARS:
        return None, [problem("query_too_long", "", length=length, max=MAX_QUERY_CHARS)]
    if dataset not in DATASETS:
        return None, [problem("dataset", "dataset", dataset=dataset)]
    layers = _get(params, "layers")
    if layers is not None and layers.count(_ITEM_SEP) >= MAX_LAYERS:
        return None, [problem("too_many_layers_total", "layers", max=MAX_LAYERS)]
    spec = default_spec(dataset)
    try:
        if layers is not None:
            spec.layers = [_layer_from_query(item) for item in _items("layers", layers, MAX_LAYERS)]
        if (text := _get(params, "loss")) is not None:
            spec.compile.loss = text
        if (text := _get(params, "opt")) is not None:
            spec.compile.optimizer.name = text
        if (text := _get(params, "lr")) is not None:
            spec.compile.optimizer.learning_rate = _parse_float("lr", text)
        if (text := _get(params, "momentum")) is not None:
            spec.compile.optimizer.momentum = _parse_float("momentum", text)
        if (text := _get(params, "metrics")) is not None:
            spec.compile.metrics = _items("metrics", text, _MAX_ITEMS["metrics"])
        if (text := _get(params, "epochs")) is not None:
            spec.fit.epochs = _parse_int("epochs", text)
        if (text := _get(params, "batch")) is not None:
            spec.fit.batch_size = _parse_int("batch", text)
        if (text := _get(params, "split")) is not None:
            spec.fit.validation_split = _parse_float("split", text)
        if (text := _get(params, "val")) is not None:
            if text in (HELD_OUT, FRACTION):
                spec.fit.validation = text
            else:  # older links: val=<fraction>
                spec.fit.validation = FRACTION
                spec.fit.validation_split = _parse_float("val", text)
        if (text := _get(params, "cw")) is not None:
            spec.fit.class_weight = _class_weight_from_query(text)
    except _QueryError as error:
        return None, [error.problem]
    return spec, validate(spec)


def _class_weight_from_query(text: str) -> str | dict[str, float] | None:
    if text in ("", "none"):
        return None
    if text == BALANCED:
        return BALANCED
    weights: dict[str, float] = {}
    for item in _items("cw", text, _MAX_ITEMS["cw"]):
        label, sep, value = item.partition(":")
        if not sep or not CLASS_LABEL.fullmatch(label):
            raise _QueryError("cw", text)
        weights[label] = _parse_float("cw", value)
    return weights
