"""The spec's data classes, the presets, and the output suggestions of the notes.

Every class has ``to_dict()`` / ``from_dict(d)``; the dicts hold only plain str,
int, float, bool, None, lists and dicts, so ``json.dumps(spec.to_dict())`` works.
A spec's input shape is not stored: it is its data set's
(:attr:`ModelSpec.input_shape`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from contextlib import suppress
from dataclasses import asdict, dataclass, field

from nnplay.keras_lab.registries import (
    BCE,
    BINARY,
    CCE,
    DATASETS,
    DEFAULT_DATASET,
    DENSE,
    FLATTEN,
    LINEAR,
    MSE,
    MULTICLASS,
    REGRESSION,
    SPARSE_CCE,
    DatasetInfo,
    LayerKind,
    Task,
)

HELD_OUT = "held_out"
FRACTION = "fraction"
BALANCED = "balanced"

# --------------------------------------------------------------------------- data classes


@dataclass
class LayerSpec:
    """One layer of a Sequential model.

    Attributes
    ----------
    kind : LayerKind or str
        ``"flatten"`` or ``"dense"`` (another string is kept for validation to report).
    units : int
        Neurons of a Dense layer (ignored for Flatten).
    activation : str
        One of :data:`~nnplay.keras_lab.registries.ACTIVATIONS`; ``"linear"`` means none.
    name : str
        Layer name; empty lets Keras choose (``dense``, ``dense_1``...).
    kernel_initializer, bias_initializer : str
        Names from :data:`~nnplay.keras_lab.registries.INITIALIZERS`.
    """

    kind: LayerKind | str = DENSE
    units: int = 0
    activation: str = LINEAR
    name: str = ""
    kernel_initializer: str = "glorot_uniform"
    bias_initializer: str = "zeros"

    def to_dict(self) -> dict:
        return {**asdict(self), "kind": str(self.kind)}

    @classmethod
    def from_dict(cls, data: Mapping) -> LayerSpec:
        layer = cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})
        with suppress(ValueError):  # an unknown kind stays as it is, for validate() to say
            layer.kind = LayerKind(layer.kind)
        return layer


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


@dataclass(init=False)
class ModelSpec:
    """A whole Sequential model: data set, layers, compile and fit settings.

    Parameters
    ----------
    dataset : str
        A key of :data:`~nnplay.keras_lab.registries.DATASETS`.
    layers, compile, fit
        Keyword-only. The input shape is the data set's (:attr:`input_shape`).
    """

    dataset: str
    layers: list[LayerSpec]
    compile: CompileSpec
    fit: FitSpec

    def __init__(
        self,
        dataset: str = DEFAULT_DATASET,
        *,
        layers: list[LayerSpec] | None = None,
        compile: CompileSpec | None = None,
        fit: FitSpec | None = None,
    ) -> None:
        self.dataset = dataset
        self.layers = [] if layers is None else layers
        self.compile = CompileSpec() if compile is None else compile
        self.fit = FitSpec() if fit is None else fit

    @property
    def task(self) -> Task:
        """The data set's task (``"multiclass"`` when the set is unknown)."""
        return _dataset_info(self.dataset).task

    @property
    def input_shape(self) -> list[int]:
        """Shape of one example: the data set's (the default set's when it is unknown)."""
        return list(_dataset_info(self.dataset).input_shape)

    @property
    def dense_layers(self) -> list[LayerSpec]:
        return [layer for layer in self.layers if layer.kind == DENSE]

    def to_dict(self) -> dict:
        """The spec as plain data; ``input_shape`` is written for readers and never read."""
        return {
            "dataset": self.dataset,
            "input_shape": self.input_shape,
            "layers": [layer.to_dict() for layer in self.layers],
            "compile": self.compile.to_dict(),
            "fit": self.fit.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Mapping) -> ModelSpec:
        return cls(
            data.get("dataset", DEFAULT_DATASET),
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


def _dataset_info(name: str) -> DatasetInfo:
    # An unknown set (validate() reports it) reads as the default one.
    return DATASETS.get(name, DATASETS[DEFAULT_DATASET])


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
        kind = str(layer.kind)
        while True:
            n = counts.get(kind, 0)
            counts[kind] = n + 1
            candidate = kind if n == 0 else f"{kind}_{n}"
            if candidate not in taken:
                break
        taken.add(candidate)
        names.append(candidate)
    return names


# --------------------------------------------------------------------------- presets


def book_model() -> ModelSpec:
    """The notes' Fashion-MNIST classifier: 266,610 parameters, SGD with lr 0.01."""
    return ModelSpec(
        "fashion_mnist",
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
        "california_housing",
        layers=[dense(30, "relu", "hidden1"), dense(1, LINEAR, "output")],
        compile=CompileSpec(MSE, OptimizerSpec("sgd", 0.01), []),
        fit=FitSpec(epochs=20, batch_size=32, validation=HELD_OUT),
    )


def default_spec(dataset: str = DEFAULT_DATASET) -> ModelSpec:
    """A sensible starting model for ``dataset``: the notes' models, or a small MLP."""
    if dataset == "fashion_mnist":
        return book_model()
    if dataset == "california_housing":
        return regression_model()
    if dataset not in DATASETS:
        raise KeyError(dataset)
    hidden = [dense(16, "relu", "hidden1"), dense(16, "relu", "hidden2")]
    spec = ModelSpec(dataset, layers=[*hidden, dense(1, name="output")])
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
    task : Task or str
        One of :data:`~nnplay.keras_lab.registries.TASKS`.
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
    info = _dataset_info(spec.dataset)
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
