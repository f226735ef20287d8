"""A Keras model as plain, JSON-serialisable data: the spec both Keras-lab pages share.

Public API (stable; the training page builds on it)
---------------------------------------------------
Data classes (all have ``to_dict()`` / ``from_dict(d)``; dicts hold only str, int,
float, bool, None, lists and dicts, so ``json.dumps(spec.to_dict())`` works; the
Streamlit side keeps the session's spec as such a dict, see
``nnplay.ui.keras_lab.get_spec()`` / ``set_spec(spec)``, always a valid one):

- ``LayerSpec(kind, units, activation, name, kernel_initializer, bias_initializer)``:
  ``kind`` is ``"flatten"`` or ``"dense"``; ``activation="linear"`` means none.
- ``OptimizerSpec(name="sgd", learning_rate=0.01, momentum=0.0)``: ``name`` in
  :data:`OPTIMIZERS`; momentum is used by SGD and RMSprop only.
- ``CompileSpec(loss, optimizer, metrics)``.
- ``FitSpec(epochs=30, batch_size=32, validation="held_out", validation_split=0.1,
  class_weight=None)``: ``validation`` is ``"held_out"`` (the data set's own
  validation part) or ``"fraction"`` (Keras's ``validation_split``);
  ``class_weight`` is ``None``, ``"balanced"`` or ``{"0": 1.0, "1": 2.5, ...}``
  (string keys, so it survives JSON; :func:`class_weight_for` turns it into
  Keras's ``{int: float}``).
- ``ModelSpec(dataset, input_shape, layers, compile, fit)``; ``spec.task``,
  ``spec.dense_layers``, ``spec.copy()``, ``ModelSpec.from_json(text)``,
  ``spec.to_json()``.

Registries (name -> facts; the UI turns them into dropdowns):
``DATASETS`` (``DatasetInfo(name, task, input_shape, n_outputs, needs_download)``),
``ACTIVATIONS``, ``INITIALIZERS``, ``OPTIMIZERS``, ``LOSSES_BY_TASK``,
``METRICS_BY_TASK``, ``TASKS``, and limits ``MAX_UNITS``, ``MAX_DENSE_LAYERS``,
``MAX_EPOCHS``, ``MAX_BATCH_SIZE``.

Constants: ``MULTICLASS``/``BINARY``/``REGRESSION``; ``FLATTEN``/``DENSE``; ``LINEAR``;
``SPARSE_CCE``/``CCE``/``BCE``/``MSE``; ``HELD_OUT``/``FRACTION``; ``BALANCED``.

Functions:

- ``flatten(name="")``, ``dense(units, activation="linear", name="", **initializers)``:
  layer shorthands.
- ``book_model()``: Fashion-MNIST, Flatten, Dense 300/100 ReLU, Dense 10 softmax, SGD
  0.01 (266,610 parameters). ``regression_model()``: California housing, Dense 30
  ReLU, Dense 1, MSE, SGD. ``default_spec(dataset)``: a sensible start for any set.
  ``PRESETS``: name -> function.
- ``suggest_output(task, n_outputs)`` -> ``OutputSuggestion(units, activation, loss,
  metrics)`` (the notes' tables 4.3 / 4.4), ``suggestion_for(spec)`` for the spec's
  data set; ``apply_suggestion(spec)`` returns a
  copy whose output layer, loss and metrics follow it; ``switch_dataset(spec, name)``.
- ``validate(spec)`` -> ``list[Message]`` (:class:`nnplay.messages.Message`: ``key`` (a catalog key
  such as ``"keras_lab.problem_units"``), ``values`` (for the placeholders),
  ``where`` (``"layers.2.units"``, ``"compile.loss"``...) and ``severity``
  (``"error"`` or ``"warning"``)). ``errors(problems)`` keeps the errors; a spec with
  no errors builds, compiles and fits.
- ``needs_one_hot(spec)``: the loss wants one-hot targets (categorical_crossentropy).
- ``class_weight_for(spec, y)``: ``None`` or ``{class: weight}`` for ``model.fit``.
- ``to_query(spec)`` -> ``dict[str, str]``, ``from_query(params)`` ->
  ``(spec or None, problems)``; ``QUERY_KEYS`` are the parameter names used.
- ``layer_names(spec)``: every layer's name, Keras's defaults (``flatten``,
  ``dense``, ``dense_1``...) filled in where the spec leaves it empty.

Elsewhere in the package: ``build.build_model(spec, input_shape=None, compile=True)``,
``build.make_optimizer(spec)``, ``build.summary_rows(spec)`` / ``count_params(spec)``
(no TensorFlow); ``codegen.generate_code(spec)``; ``data.load(name)`` -> ``LabData``
(``X_train, y_train, X_valid, y_valid, X_test, y_test, task, class_names,
feature_names``; read-only arrays), ``data.is_cached(name)``, ``data.DatasetUnavailable``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field

from nnplay import state
from nnplay.messages import Message, Severity, errors  # noqa: F401  (errors: part of the API)

# --------------------------------------------------------------------------- registries

MULTICLASS = "multiclass"
BINARY = "binary"
REGRESSION = "regression"
TASKS = (MULTICLASS, BINARY, REGRESSION)

FLATTEN = "flatten"
DENSE = "dense"
LAYER_KINDS = (FLATTEN, DENSE)


@dataclass(frozen=True)
class DatasetInfo:
    """What the spec needs to know of a data set, without loading it.

    Attributes
    ----------
    name : str
        Registry name.
    task : str
        One of :data:`TASKS`.
    input_shape : tuple of int
        Shape of one example (``(28, 28)`` for an image).
    n_outputs : int
        Classes for multi-class, 1 for binary and for single-target regression.
    needs_download : bool
        Whether the library's loader downloads it once (then caches it).
    """

    name: str
    task: str
    input_shape: tuple[int, ...]
    n_outputs: int
    needs_download: bool = False


DATASETS: dict[str, DatasetInfo] = {
    "fashion_mnist": DatasetInfo("fashion_mnist", MULTICLASS, (28, 28), 10, True),
    "california_housing": DatasetInfo("california_housing", REGRESSION, (8,), 1, True),
    "iris": DatasetInfo("iris", MULTICLASS, (4,), 3),
    "moons": DatasetInfo("moons", BINARY, (2,), 1),
    "xor": DatasetInfo("xor", BINARY, (2,), 1),
}

LINEAR = "linear"
ACTIVATIONS = ("relu", "sigmoid", "tanh", "softmax", "softplus", "selu", "elu", LINEAR)
INITIALIZERS = (
    "glorot_uniform",
    "glorot_normal",
    "he_uniform",
    "he_normal",
    "lecun_uniform",
    "lecun_normal",
    "random_normal",
    "random_uniform",
    "zeros",
    "ones",
)
OPTIMIZERS = ("sgd", "adam", "rmsprop")
MOMENTUM_OPTIMIZERS = ("sgd", "rmsprop")

SPARSE_CCE = "sparse_categorical_crossentropy"
CCE = "categorical_crossentropy"
BCE = "binary_crossentropy"
MSE = "mean_squared_error"
LOSSES_BY_TASK: dict[str, tuple[str, ...]] = {
    MULTICLASS: (SPARSE_CCE, CCE),
    BINARY: (BCE,),
    REGRESSION: (MSE, "mean_absolute_error", "huber"),
}
METRICS_BY_TASK: dict[str, tuple[str, ...]] = {
    MULTICLASS: ("accuracy",),
    BINARY: ("accuracy",),
    REGRESSION: ("mean_absolute_error", "root_mean_squared_error"),
}
# Losses that expect probabilities: the output activation must produce them.
_PROBABILITY_LOSSES = {SPARSE_CCE: "softmax", CCE: "softmax", BCE: "sigmoid"}

MAX_UNITS = 2048
MAX_DENSE_LAYERS = 10
MAX_LAYERS = MAX_DENSE_LAYERS + 2  # every kind counts: Flatten layers too
MAX_EPOCHS = 200
MAX_BATCH_SIZE = 4096
MAX_LEARNING_RATE = 10.0
MIN_VALIDATION_SPLIT = 0.05
MAX_VALIDATION_SPLIT = 0.5
MAX_MOMENTUM = 0.999
MAX_CLASS_WEIGHT = 100.0
MAX_QUERY_CHARS = 4000  # a link's model parameters, all together
_NAME_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$")
# A class number in ASCII digits (int() also accepts "²"-like digits and "1_000").
_INT_PATTERN = re.compile(r"[0-9]{1,9}")

# --------------------------------------------------------------------------- data classes


@dataclass
class LayerSpec:
    """One layer of a Sequential model.

    Attributes
    ----------
    kind : str
        ``"flatten"`` or ``"dense"``.
    units : int
        Neurons of a Dense layer (ignored for Flatten).
    activation : str
        One of :data:`ACTIVATIONS`; ``"linear"`` means no activation.
    name : str
        Layer name; empty lets Keras choose (``dense``, ``dense_1``...).
    kernel_initializer, bias_initializer : str
        Names from :data:`INITIALIZERS`.
    """

    kind: str = DENSE
    units: int = 0
    activation: str = LINEAR
    name: str = ""
    kernel_initializer: str = "glorot_uniform"
    bias_initializer: str = "zeros"

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> LayerSpec:
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**known)


def flatten(name: str = "") -> LayerSpec:
    """A Flatten layer."""
    return LayerSpec(kind=FLATTEN, name=name)


def dense(units: int, activation: str = LINEAR, name: str = "", **initializers: str) -> LayerSpec:
    """A Dense layer (``initializers``: ``kernel_initializer``, ``bias_initializer``)."""
    return LayerSpec(DENSE, units, activation, name, **initializers)


@dataclass
class OptimizerSpec:
    """An optimizer: its name, learning rate and (SGD, RMSprop) momentum."""

    name: str = "sgd"
    learning_rate: float = 0.01
    momentum: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> OptimizerSpec:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass
class CompileSpec:
    """Arguments of ``model.compile``."""

    loss: str = SPARSE_CCE
    optimizer: OptimizerSpec = field(default_factory=OptimizerSpec)
    metrics: list[str] = field(default_factory=lambda: ["accuracy"])

    def to_dict(self) -> dict:
        return {
            "loss": self.loss,
            "optimizer": self.optimizer.to_dict(),
            "metrics": [*self.metrics],
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> CompileSpec:
        return cls(
            loss=data.get("loss", SPARSE_CCE),
            optimizer=OptimizerSpec.from_dict(data.get("optimizer", {})),
            metrics=list(data.get("metrics", [])),
        )


HELD_OUT = "held_out"
FRACTION = "fraction"
BALANCED = "balanced"


@dataclass
class FitSpec:
    """Arguments of ``model.fit``.

    Attributes
    ----------
    epochs : int
    batch_size : int
        Keras's default is 32.
    validation : str
        ``"held_out"``: the data set's own validation part (``validation_data``);
        ``"fraction"``: ``validation_split`` of the training part.
    validation_split : float
        Used when ``validation == "fraction"``.
    class_weight : None, "balanced" or dict
        ``{"class index as str": weight}`` when set by hand.
    """

    epochs: int = 30
    batch_size: int = 32
    validation: str = HELD_OUT
    validation_split: float = 0.1
    class_weight: str | dict[str, float] | None = None

    def to_dict(self) -> dict:
        data = asdict(self)
        if isinstance(self.class_weight, dict):
            data["class_weight"] = {str(k): float(v) for k, v in self.class_weight.items()}
        return data

    @classmethod
    def from_dict(cls, data: Mapping) -> FitSpec:
        fit = cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
        if isinstance(fit.class_weight, Mapping):
            fit.class_weight = {str(k): v for k, v in fit.class_weight.items()}
        return fit


@dataclass
class ModelSpec:
    """A whole Sequential model: data set, layers, compile and fit settings."""

    dataset: str = "fashion_mnist"
    input_shape: list[int] = field(default_factory=lambda: [28, 28])
    layers: list[LayerSpec] = field(default_factory=list)
    compile: CompileSpec = field(default_factory=CompileSpec)
    fit: FitSpec = field(default_factory=FitSpec)

    @property
    def task(self) -> str:
        """The data set's task (``"multiclass"`` when the set is unknown)."""
        info = DATASETS.get(self.dataset)
        return info.task if info else MULTICLASS

    @property
    def dense_layers(self) -> list[LayerSpec]:
        return [layer for layer in self.layers if layer.kind == DENSE]

    def to_dict(self) -> dict:
        return {
            "dataset": self.dataset,
            "input_shape": [int(n) for n in self.input_shape],
            "layers": [layer.to_dict() for layer in self.layers],
            "compile": self.compile.to_dict(),
            "fit": self.fit.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> ModelSpec:
        return cls(
            dataset=data.get("dataset", "fashion_mnist"),
            input_shape=list(data.get("input_shape", [28, 28])),
            layers=[LayerSpec.from_dict(layer) for layer in data.get("layers", [])],
            compile=CompileSpec.from_dict(data.get("compile", {})),
            fit=FitSpec.from_dict(data.get("fit", {})),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ModelSpec:
        return cls.from_dict(json.loads(text))

    def copy(self) -> ModelSpec:
        """A deep copy (edit it freely)."""
        return ModelSpec.from_dict(self.to_dict())


# --------------------------------------------------------------------------- presets


def book_model() -> ModelSpec:
    """The notes' Fashion-MNIST classifier: 266,610 parameters, SGD with lr 0.01."""
    return ModelSpec(
        dataset="fashion_mnist",
        input_shape=[28, 28],
        layers=[
            flatten(),
            dense(300, "relu", "hidden1"),
            dense(100, "relu", "hidden2"),
            dense(10, "softmax", "output"),
        ],
        compile=CompileSpec(SPARSE_CCE, OptimizerSpec("sgd", 0.01), ["accuracy"]),
        fit=FitSpec(epochs=30, batch_size=32, validation=HELD_OUT),
    )


def regression_model() -> ModelSpec:
    """The notes' California-housing regressor: Dense 30 ReLU, Dense 1, MSE, SGD."""
    return ModelSpec(
        dataset="california_housing",
        input_shape=[8],
        layers=[dense(30, "relu", "hidden1"), dense(1, LINEAR, "output")],
        compile=CompileSpec(MSE, OptimizerSpec("sgd", 0.01), []),
        fit=FitSpec(epochs=20, batch_size=32, validation=HELD_OUT),
    )


def default_spec(dataset: str = "fashion_mnist") -> ModelSpec:
    """A sensible starting model for ``dataset``: the notes' models, or a small MLP."""
    if dataset == "fashion_mnist":
        return book_model()
    if dataset == "california_housing":
        return regression_model()
    info = DATASETS[dataset]
    hidden = [dense(16, "relu", "hidden1"), dense(16, "relu", "hidden2")]
    spec = ModelSpec(dataset, list(info.input_shape), [*hidden, dense(1, name="output")])
    spec.compile.optimizer = OptimizerSpec("adam", 0.01)
    spec.fit = FitSpec(epochs=100 if dataset == "xor" else 50, batch_size=32, validation=HELD_OUT)
    return apply_suggestion(spec)


PRESETS: dict[str, Callable[[], ModelSpec]] = {
    "book": book_model,
    "regression": regression_model,
}

# --------------------------------------------------------------------------- suggestions


@dataclass(frozen=True)
class OutputSuggestion:
    """The output layer, loss and metrics the notes' tables suggest for a task."""

    units: int
    activation: str
    loss: str
    metrics: tuple[str, ...]


def suggest_output(task: str, n_outputs: int = 1, *, one_hot: bool = False) -> OutputSuggestion:
    """The output layer and loss for a task (tables 4.3 and 4.4 of the notes).

    Parameters
    ----------
    task : str
        One of :data:`TASKS`.
    n_outputs : int
        Number of classes (multi-class) or of targets (regression).
    one_hot : bool
        Multi-class targets are one-hot vectors (``categorical_crossentropy``)
        rather than class indices (``sparse_categorical_crossentropy``).

    Returns
    -------
    OutputSuggestion
    """
    if task == MULTICLASS:
        return OutputSuggestion(n_outputs, "softmax", CCE if one_hot else SPARSE_CCE, ("accuracy",))
    if task == BINARY:
        return OutputSuggestion(1, "sigmoid", BCE, ("accuracy",))
    if task == REGRESSION:
        return OutputSuggestion(n_outputs, LINEAR, MSE, ("root_mean_squared_error",))
    raise ValueError(f"unknown task {task!r}")


def suggestion_for(spec: ModelSpec) -> OutputSuggestion:
    """:func:`suggest_output` for the spec's data set (keeps a one-hot loss)."""
    info = DATASETS.get(spec.dataset, DATASETS["fashion_mnist"])
    return suggest_output(info.task, info.n_outputs, one_hot=spec.compile.loss == CCE)


def apply_suggestion(spec: ModelSpec) -> ModelSpec:
    """A copy of ``spec`` whose output layer, loss and metrics follow the suggestion.

    The last Dense layer becomes the output layer (one is added if there is none);
    its name and initializers are kept.
    """
    new = spec.copy()
    hint = suggestion_for(new)
    if not new.dense_layers:
        new.layers.append(dense(hint.units, hint.activation, "output"))
    output = new.dense_layers[-1]
    output.units, output.activation = hint.units, hint.activation
    new.compile.loss = hint.loss
    new.compile.metrics = list(hint.metrics)
    return new


def switch_dataset(spec: ModelSpec, dataset: str) -> ModelSpec:
    """A copy of ``spec`` for another data set: input shape, output and loss follow it.

    Hidden layers are kept; a Flatten layer is added in front for images and
    dropped for tables, and class weights are cleared (classes differ).
    """
    info = DATASETS[dataset]
    new = spec.copy()
    new.dataset = dataset
    new.input_shape = list(info.input_shape)
    if len(info.input_shape) > 1 and (not new.layers or new.layers[0].kind != FLATTEN):
        new.layers.insert(0, flatten())
    if len(info.input_shape) == 1:
        new.layers = [layer for layer in new.layers if layer.kind != FLATTEN]
    if info.task == REGRESSION or isinstance(new.fit.class_weight, dict):
        new.fit.class_weight = None
    if new.compile.loss == CCE and info.task != MULTICLASS:
        new.compile.loss = SPARSE_CCE  # so the suggestion does not keep one-hot
    return apply_suggestion(new)


def needs_one_hot(spec: ModelSpec) -> bool:
    """Whether the loss expects one-hot targets (``keras.utils.to_categorical``)."""
    return spec.compile.loss == CCE


def class_weight_for(spec: ModelSpec, y) -> dict[int, float] | None:
    """``class_weight`` for ``model.fit``: ``None``, balanced, or the spec's own.

    ``"balanced"`` gives class ``c`` the weight ``n_samples / (n_classes * count(c))``
    (scikit-learn's ``compute_class_weight("balanced")``).

    Parameters
    ----------
    spec : ModelSpec
    y : array-like of int
        Training class indices.
    """
    weights = spec.fit.class_weight
    if weights is None or spec.task == REGRESSION:
        return None
    if weights == BALANCED:
        import numpy as np

        labels = np.asarray(y).astype(int).ravel()
        counts = np.bincount(labels)
        present = counts > 0
        n_classes = int(present.sum())
        return {
            int(c): float(len(labels) / (n_classes * counts[c])) for c in np.flatnonzero(present)
        }
    return {int(k): float(v) for k, v in weights.items()}


# --------------------------------------------------------------------------- names


def layer_names(spec: ModelSpec) -> list[str]:
    """Each layer's name; an empty name gets Keras's default for a fresh model.

    Keras names unnamed layers after their class, numbering repeats:
    ``flatten``, ``dense``, ``dense_1``, ``dense_2``. Names the spec sets are
    skipped when numbering, as Keras does.
    """
    taken = {layer.name for layer in spec.layers if layer.name}
    counts: dict[str, int] = {}
    names = []
    for layer in spec.layers:
        if layer.name:
            names.append(layer.name)
            continue
        while True:
            n = counts.get(layer.kind, 0)
            counts[layer.kind] = n + 1
            candidate = layer.kind if n == 0 else f"{layer.kind}_{n}"
            if candidate not in taken:
                break
        taken.add(candidate)
        names.append(candidate)
    return names


# --------------------------------------------------------------------------- validation


def _problem(what: str, where: str, severity: str = "error", /, **values: object) -> Message:
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
        return [_problem("too_many_layers_total", "layers", max=MAX_LAYERS)]
    problems: list[Message] = []
    dense_count = 0
    flat = len(spec.input_shape) <= 1
    seen: set[str] = set()
    for i, layer in enumerate(spec.layers):
        where = f"layers.{i}"
        number = i + 1
        if layer.kind not in LAYER_KINDS:
            problems.append(_problem("layer_kind", f"{where}.kind", layer=number, kind=layer.kind))
            continue
        if layer.name:
            if not _NAME_PATTERN.match(layer.name):
                problems.append(_problem("name", f"{where}.name", layer=number, name=layer.name))
            elif layer.name in seen:
                problems.append(
                    _problem("duplicate_name", f"{where}.name", layer=number, name=layer.name)
                )
            seen.add(layer.name)
        if layer.kind == FLATTEN:
            flat = True
            continue
        dense_count += 1
        if not flat:
            problems.append(_problem("flatten_first", f"{where}.kind", layer=number))
            flat = True  # say it once
        if not _is_int(layer.units) or not 1 <= layer.units <= MAX_UNITS:
            problems.append(
                _problem("units", f"{where}.units", layer=number, units=layer.units, max=MAX_UNITS)
            )
        if layer.activation not in ACTIVATIONS:
            problems.append(
                _problem(
                    "activation", f"{where}.activation", layer=number, activation=layer.activation
                )
            )
        for attribute in ("kernel_initializer", "bias_initializer"):
            value = getattr(layer, attribute)
            if value not in INITIALIZERS:
                problems.append(
                    _problem("initializer", f"{where}.{attribute}", layer=number, initializer=value)
                )
    if dense_count == 0:
        problems.append(_problem("no_dense", "layers"))
    elif dense_count > MAX_DENSE_LAYERS:
        problems.append(_problem("too_many_layers", "layers", max=MAX_DENSE_LAYERS))
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
            _problem(
                f"output_units_{info.task}",
                f"{where}.units",
                units=output.units,
                expected=expected_units,
            )
        )
    # A loss of another task is reported on its own (changing it fixes both).
    wanted = _PROBABILITY_LOSSES.get(loss) if loss in LOSSES_BY_TASK[info.task] else None
    if wanted and output.activation != wanted and output.activation in ACTIVATIONS:
        problems.append(
            _problem(
                "output_activation",
                f"{where}.activation",
                loss=loss,
                activation=output.activation,
                expected=wanted,
            )
        )
    if info.task == REGRESSION and output.activation in ("softmax", "sigmoid", "tanh"):
        problems.append(
            _problem(
                "regression_activation",
                f"{where}.activation",
                "warning",
                activation=output.activation,
            )
        )
    return problems


def _validate_compile(spec: ModelSpec, task: str) -> list[Message]:
    problems: list[Message] = []
    allowed = LOSSES_BY_TASK[task]
    if spec.compile.loss not in allowed:
        problems.append(
            _problem(
                f"loss_{task}", "compile.loss", loss=spec.compile.loss, expected=", ".join(allowed)
            )
        )
    optimizer = spec.compile.optimizer
    if optimizer.name not in OPTIMIZERS:
        problems.append(_problem("optimizer", "compile.optimizer.name", optimizer=optimizer.name))
    rate = optimizer.learning_rate
    if not _is_number(rate) or not 0 < rate <= MAX_LEARNING_RATE:
        problems.append(
            _problem(
                "learning_rate",
                "compile.optimizer.learning_rate",
                value=rate,
                max=MAX_LEARNING_RATE,
            )
        )
    if not _is_number(optimizer.momentum) or not 0 <= optimizer.momentum <= MAX_MOMENTUM:
        problems.append(
            _problem(
                "momentum", "compile.optimizer.momentum", value=optimizer.momentum, max=MAX_MOMENTUM
            )
        )
    fitting = METRICS_BY_TASK[task]
    for metric in spec.compile.metrics:
        if metric not in fitting:
            problems.append(
                _problem("metric", "compile.metrics", metric=metric, expected=", ".join(fitting))
            )
    return problems


def _validate_fit(spec: ModelSpec, info: DatasetInfo) -> list[Message]:
    fit = spec.fit
    problems: list[Message] = []
    if not _is_int(fit.epochs) or not 1 <= fit.epochs <= MAX_EPOCHS:
        problems.append(_problem("epochs", "fit.epochs", value=fit.epochs, max=MAX_EPOCHS))
    if not _is_int(fit.batch_size) or not 1 <= fit.batch_size <= MAX_BATCH_SIZE:
        problems.append(
            _problem("batch_size", "fit.batch_size", value=fit.batch_size, max=MAX_BATCH_SIZE)
        )
    if fit.validation not in (HELD_OUT, FRACTION):
        problems.append(_problem("validation", "fit.validation", value=fit.validation))
    elif fit.validation == FRACTION and (
        not _is_number(fit.validation_split)
        or not MIN_VALIDATION_SPLIT <= fit.validation_split <= MAX_VALIDATION_SPLIT
    ):
        problems.append(
            _problem(
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
        problems.append(_problem("class_weight_regression", "fit.class_weight"))
    elif isinstance(weights, dict):
        n_classes = max(info.n_outputs, 2)
        for key, value in weights.items():
            if not _INT_PATTERN.fullmatch(str(key)) or int(key) >= n_classes:
                problems.append(
                    _problem("class_weight_class", "fit.class_weight", label=key, max=n_classes - 1)
                )
            elif not _is_number(value) or not 0 <= value <= MAX_CLASS_WEIGHT:
                problems.append(
                    _problem(
                        "class_weight_value",
                        "fit.class_weight",
                        label=key,
                        value=value,
                        max=MAX_CLASS_WEIGHT,
                    )
                )
    elif weights != BALANCED:
        problems.append(_problem("class_weight", "fit.class_weight", value=weights))
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
        return [_problem("dataset", "dataset", dataset=spec.dataset)]
    shape = spec.input_shape
    if list(shape) != list(info.input_shape):
        return [
            _problem(
                "input_shape",
                "input_shape",
                shape=str(list(shape)),
                expected=str(list(info.input_shape)),
            )
        ]
    problems = _validate_layers(spec)
    problems += _validate_output(spec, info)
    problems += _validate_compile(spec, info.task)
    problems += _validate_fit(spec, info)
    return problems


# --------------------------------------------------------------------------- URL

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
        self.problem = _problem("query", name, name=name, value=value)


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
        return None, [_problem("query_too_long", "", length=length, max=MAX_QUERY_CHARS)]
    if dataset not in DATASETS:
        return None, [_problem("dataset", "dataset", dataset=dataset)]
    layers = _get(params, "layers")
    if layers is not None and layers.count(_ITEM_SEP) >= MAX_LAYERS:
        return None, [_problem("too_many_layers_total", "layers", max=MAX_LAYERS)]
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
        if not sep or not _INT_PATTERN.fullmatch(label):
            raise _QueryError("cw", text)
        weights[label] = _parse_float("cw", value)
    return weights
