"""Validation of a spec: everything to change before it can be built, compiled and trained.

Each problem is a :class:`~nnplay.messages.Message` whose key is in the
``keras_lab`` catalog (``keras_lab.problem_units``), with the values for its
placeholders and where in the spec it is (``layers.2.units``).
"""

from __future__ import annotations

import math
import re

from nnplay.keras_lab.model import BALANCED, FRACTION, HELD_OUT, ModelSpec, suggestion_for
from nnplay.keras_lab.registries import (
    ACTIVATIONS,
    DATASETS,
    FLATTEN,
    INITIALIZERS,
    LAYER_KINDS,
    LOSSES_BY_TASK,
    MAX_BATCH_SIZE,
    MAX_CLASS_WEIGHT,
    MAX_DENSE_LAYERS,
    MAX_EPOCHS,
    MAX_LAYERS,
    MAX_LEARNING_RATE,
    MAX_MOMENTUM,
    MAX_UNITS,
    MAX_VALIDATION_SPLIT,
    METRICS_BY_TASK,
    MIN_VALIDATION_SPLIT,
    OPTIMIZERS,
    PROBABILITY_LOSSES,
    REGRESSION,
    DatasetInfo,
    Task,
)
from nnplay.messages import Message, Severity

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
CLASS_LABEL = re.compile(r"[0-9]{1,9}")
"""A class number in ASCII digits (``int()`` also accepts "²"-like digits and "1_000")."""


def problem(what: str, where: str, severity: str = "error", /, **values: object) -> Message:
    """The message ``keras_lab.problem_<what>`` about ``where`` in the spec."""
    return Message(f"keras_lab.problem_{what}", dict(values), Severity(severity), where)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


def _validate_layers(spec: ModelSpec) -> list[Message]:
    if len(spec.layers) > MAX_LAYERS:  # before looking at any layer
        return [problem("too_many_layers_total", "layers", max=MAX_LAYERS)]
    problems: list[Message] = []
    dense_count = 0
    flat = len(spec.input_shape) <= 1
    seen: set[str] = set()
    for i, layer in enumerate(spec.layers):
        where = f"layers.{i}"
        number = i + 1
        if layer.kind not in LAYER_KINDS:
            problems.append(problem("layer_kind", f"{where}.kind", layer=number, kind=layer.kind))
            continue
        if layer.name:
            if not _NAME.match(layer.name):
                problems.append(problem("name", f"{where}.name", layer=number, name=layer.name))
            elif layer.name in seen:
                problems.append(
                    problem("duplicate_name", f"{where}.name", layer=number, name=layer.name)
                )
            seen.add(layer.name)
        if layer.kind == FLATTEN:
            flat = True
            continue
        dense_count += 1
        if not flat:
            problems.append(problem("flatten_first", f"{where}.kind", layer=number))
            flat = True  # say it once
        if not _is_int(layer.units) or not 1 <= layer.units <= MAX_UNITS:
            problems.append(
                problem("units", f"{where}.units", layer=number, units=layer.units, max=MAX_UNITS)
            )
        if layer.activation not in ACTIVATIONS:
            problems.append(
                problem(
                    "activation", f"{where}.activation", layer=number, activation=layer.activation
                )
            )
        for attribute in ("kernel_initializer", "bias_initializer"):
            value = getattr(layer, attribute)
            if value not in INITIALIZERS:
                problems.append(
                    problem("initializer", f"{where}.{attribute}", layer=number, initializer=value)
                )
    if dense_count == 0:
        problems.append(problem("no_dense", "layers"))
    elif dense_count > MAX_DENSE_LAYERS:
        problems.append(problem("too_many_layers", "layers", max=MAX_DENSE_LAYERS))
    return problems


def _validate_output(spec: ModelSpec, info: DatasetInfo) -> list[Message]:
    problems: list[Message] = []
    if not spec.dense_layers:
        return problems
    output = spec.dense_layers[-1]
    where = f"layers.{spec.layers.index(output)}"
    loss = spec.compile.loss
    expected_units = suggestion_for(spec).units
    if _is_int(output.units) and output.units != expected_units:
        problems.append(
            problem(
                f"output_units_{info.task}",
                f"{where}.units",
                units=output.units,
                expected=expected_units,
            )
        )
    # A loss of another task is reported on its own (changing it fixes both).
    wanted = PROBABILITY_LOSSES.get(loss) if loss in LOSSES_BY_TASK[info.task] else None
    if wanted and output.activation != wanted and output.activation in ACTIVATIONS:
        problems.append(
            problem(
                "output_activation",
                f"{where}.activation",
                loss=loss,
                activation=output.activation,
                expected=wanted,
            )
        )
    if info.task == REGRESSION and output.activation in ("softmax", "sigmoid", "tanh"):
        problems.append(
            problem(
                "regression_activation",
                f"{where}.activation",
                "warning",
                activation=output.activation,
            )
        )
    return problems


def _validate_compile(spec: ModelSpec, task: Task) -> list[Message]:
    problems: list[Message] = []
    allowed = LOSSES_BY_TASK[task]
    if spec.compile.loss not in allowed:
        problems.append(
            problem(
                f"loss_{task}", "compile.loss", loss=spec.compile.loss, expected=", ".join(allowed)
            )
        )
    optimizer = spec.compile.optimizer
    if optimizer.name not in OPTIMIZERS:
        problems.append(problem("optimizer", "compile.optimizer.name", optimizer=optimizer.name))
    rate = optimizer.learning_rate
    if not _is_number(rate) or not 0 < rate <= MAX_LEARNING_RATE:
        problems.append(
            problem(
                "learning_rate",
                "compile.optimizer.learning_rate",
                value=rate,
                max=MAX_LEARNING_RATE,
            )
        )
    if not _is_number(optimizer.momentum) or not 0 <= optimizer.momentum <= MAX_MOMENTUM:
        problems.append(
            problem(
                "momentum", "compile.optimizer.momentum", value=optimizer.momentum, max=MAX_MOMENTUM
            )
        )
    fitting = METRICS_BY_TASK[task]
    for metric in spec.compile.metrics:
        if metric not in fitting:
            problems.append(
                problem("metric", "compile.metrics", metric=metric, expected=", ".join(fitting))
            )
    return problems


def _validate_fit(spec: ModelSpec, info: DatasetInfo) -> list[Message]:
    fit = spec.fit
    problems: list[Message] = []
    if not _is_int(fit.epochs) or not 1 <= fit.epochs <= MAX_EPOCHS:
        problems.append(problem("epochs", "fit.epochs", value=fit.epochs, max=MAX_EPOCHS))
    if not _is_int(fit.batch_size) or not 1 <= fit.batch_size <= MAX_BATCH_SIZE:
        problems.append(
            problem("batch_size", "fit.batch_size", value=fit.batch_size, max=MAX_BATCH_SIZE)
        )
    if fit.validation not in (HELD_OUT, FRACTION):
        problems.append(problem("validation", "fit.validation", value=fit.validation))
    elif fit.validation == FRACTION and (
        not _is_number(fit.validation_split)
        or not MIN_VALIDATION_SPLIT <= fit.validation_split <= MAX_VALIDATION_SPLIT
    ):
        problems.append(
            problem(
                "validation_split",
                "fit.validation_split",
                value=fit.validation_split,
                min=MIN_VALIDATION_SPLIT,
                max=MAX_VALIDATION_SPLIT,
            )
        )
    weights = fit.class_weight
    if weights is None:
        return problems
    if info.task == REGRESSION:
        problems.append(problem("class_weight_regression", "fit.class_weight"))
    elif isinstance(weights, dict):
        n_classes = max(info.n_outputs, 2)
        for key, value in weights.items():
            if not CLASS_LABEL.fullmatch(str(key)) or int(key) >= n_classes:
                problems.append(
                    problem("class_weight_class", "fit.class_weight", label=key, max=n_classes - 1)
                )
            elif not _is_number(value) or not 0 <= value <= MAX_CLASS_WEIGHT:
                problems.append(
                    problem(
                        "class_weight_value",
                        "fit.class_weight",
                        label=key,
                        value=value,
                        max=MAX_CLASS_WEIGHT,
                    )
                )
    elif weights != BALANCED:
        problems.append(problem("class_weight", "fit.class_weight", value=weights))
    return problems


def validate(spec: ModelSpec) -> list[Message]:
    """Everything to change before ``spec`` can be built, compiled and trained.

    Parameters
    ----------
    spec : ModelSpec

    Returns
    -------
    list of Message
        Empty when the spec is fine. Messages are catalog keys (namespace
        ``keras_lab``) with values, so the page can say them in any language.
    """
    info = DATASETS.get(spec.dataset)
    if info is None:
        return [problem("dataset", "dataset", dataset=spec.dataset)]
    problems = _validate_layers(spec)
    problems += _validate_output(spec, info)
    problems += _validate_compile(spec, info.task)
    problems += _validate_fit(spec, info)
    return problems
