"""The Keras lab's registries: name -> facts that the UI turns into choices, and the limits.

Tasks and layer kinds are :class:`~enum.StrEnum` s, so a member equals its plain
string (``Task.BINARY == "binary"``) and JSON writes it as one.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Task(StrEnum):
    """What a data set asks of a model."""

    MULTICLASS = "multiclass"
    BINARY = "binary"
    REGRESSION = "regression"


MULTICLASS = Task.MULTICLASS
BINARY = Task.BINARY
REGRESSION = Task.REGRESSION
TASKS = tuple(Task)


class LayerKind(StrEnum):
    """The layers a spec can have."""

    FLATTEN = "flatten"
    DENSE = "dense"


FLATTEN = LayerKind.FLATTEN
DENSE = LayerKind.DENSE
LAYER_KINDS = tuple(LayerKind)


IMAGES, TABLE, POINTS = "images", "table", "points"
DATA_KINDS = (IMAGES, TABLE, POINTS)
"""What one example of a data set is: an image, a table row, or a point of the plane."""


@dataclass(frozen=True)
class DatasetInfo:
    """What the spec needs to know of a data set, without loading it.

    Attributes
    ----------
    name : str
        Registry name.
    task : Task
    input_shape : tuple of int
        Shape of one example (``(28, 28)`` for an image).
    n_outputs : int
        Classes for multi-class, 1 for binary and for single-target regression.
    needs_download : bool
        Whether the library's loader downloads it once (then caches it).
    """

    name: str
    task: Task
    input_shape: tuple[int, ...]
    n_outputs: int
    needs_download: bool = False

    @property
    def kind(self) -> str:
        """What one example is: ``"images"``, ``"points"`` (two features) or ``"table"``."""
        if len(self.input_shape) > 1:
            return IMAGES
        return POINTS if self.input_shape == (2,) else TABLE


DEFAULT_DATASET = "fashion_mnist"
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
LOSSES_BY_TASK: dict[Task, tuple[str, ...]] = {
    MULTICLASS: (SPARSE_CCE, CCE),
    BINARY: (BCE,),
    REGRESSION: (MSE, "mean_absolute_error", "huber"),
}
METRICS_BY_TASK: dict[Task, tuple[str, ...]] = {
    MULTICLASS: ("accuracy",),
    BINARY: ("accuracy",),
    REGRESSION: ("mean_absolute_error", "root_mean_squared_error"),
}
PROBABILITY_LOSSES = {SPARSE_CCE: "softmax", CCE: "softmax", BCE: "sigmoid"}
"""Losses that expect probabilities -> the output activation that produces them."""

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
