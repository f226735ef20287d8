"""From play to code: the playground's network as a Keras-builder spec, and as Keras code.

The builder's model spec (:mod:`nnplay.keras_lab.spec`) trains on the builder's
own data sets, whose inputs are fixed, and has no regularisers. So the link
carries what the builder can hold: the hidden layers and their activation, the
output and loss the task needs, SGD with the learning rate, the batch size and
the epochs, on the builder's nearest data set (:data:`BUILDER_DATA`).
:func:`keras_code` writes the whole network, features and
``kernel_regularizer`` included, as a script to run on the exported CSV.
"""

from __future__ import annotations

from nnplay.keras_lab.model import (
    HELD_OUT,
    FitSpec,
    ModelSpec,
    OptimizerSpec,
    apply_suggestion,
    dense,
)
from nnplay.keras_lab.registries import MAX_BATCH_SIZE, MAX_EPOCHS
from nnplay.keras_lab.url import to_query
from nnplay.messages import Message, Severity
from nnplay.playground import data as datasets
from nnplay.playground.features import FEATURES
from nnplay.playground.session import Settings

BUILDER_DATA = {
    "xor": "xor",
    "circle": "moons",
    "gauss": "moons",
    "spiral": "moons",
    "own": "moons",
    "spiral_multi": "iris",
    "blobs": "iris",
    "plane": "california_housing",
    "reg_gauss": "california_housing",
}
"""The builder's data set closest to each playground set: same task (two-class,
several classes, regression); only XOR is the same data."""

_CODE_FEATURES = {
    "x1": "x1",
    "x2": "x2",
    "x1sq": "x1**2",
    "x2sq": "x2**2",
    "x1x2": "x1 * x2",
    "sin1": "np.sin(x1)",
    "sin2": "np.sin(x2)",
}


def builder_spec(settings: Settings, epochs: int = 0) -> tuple[ModelSpec, list[Message]]:
    """The builder's model for the playground's network, and what could not be carried.

    Parameters
    ----------
    settings : Settings
    epochs : int
        Epochs trained so far (the spec's ``fit.epochs``; 50 when none yet).

    Returns
    -------
    spec : ModelSpec
    notes : list of Message
        Info messages: the data set used instead, features and regularisation left out.
    """
    dataset = BUILDER_DATA.get(settings.data, "moons")
    hidden = [
        dense(n, settings.activation, f"hidden{i + 1}") for i, n in enumerate(settings.layers)
    ]
    spec = ModelSpec(dataset, layers=[*hidden, dense(1, name="output")])
    spec.compile.optimizer = OptimizerSpec("sgd", float(settings.learning_rate))
    spec.fit = FitSpec(
        epochs=min(max(epochs, 1) if epochs else 50, MAX_EPOCHS),
        batch_size=min(settings.batch, MAX_BATCH_SIZE),
        validation=HELD_OUT,
    )
    spec = apply_suggestion(spec)  # the output layer, loss and metrics of the task
    notes = []
    if dataset != settings.data:
        notes.append(Message("playground.builder_data", {"data": dataset}, Severity.INFO))
    if tuple(settings.features) != ("x1", "x2"):
        notes.append(Message("playground.builder_features", severity=Severity.INFO))
    if settings.regularization != "none" and settings.rate > 0:
        notes.append(Message("playground.builder_regularizer", severity=Severity.INFO))
    return spec, notes


def builder_query(settings: Settings, epochs: int = 0) -> dict[str, str]:
    """The builder page's URL parameters for :func:`builder_spec`."""
    return to_query(builder_spec(settings, epochs)[0])


def keras_code(settings: Settings, epochs: int = 0, csv_name: str = "playground.csv") -> str:
    """A Keras script that builds and trains the playground's network on its exported CSV.

    Features become columns, the regularisation ``kernel_regularizer`` (our
    penalty is Keras's: ``l1 * sum |W|`` or ``l2 * sum W²`` added to the loss).
    """
    n_classes = datasets.n_classes(settings.data, settings.classes)
    names = list(settings.features) or ["x1", "x2"]
    if settings.regularization == "l1" and settings.rate > 0:
        reg = f"keras.regularizers.L1({settings.rate!r})"
    elif settings.regularization == "l2" and settings.rate > 0:
        reg = f"keras.regularizers.L2({settings.rate!r})"
    else:
        reg = "None"
    if n_classes == 0:
        output, loss, metrics = "Dense(1)", '"mean_squared_error"', "[]"
    elif n_classes == 2:
        output, loss, metrics = 'Dense(1, activation="sigmoid"', '"binary_crossentropy"', None
    else:
        output = f'Dense({n_classes}, activation="softmax"'
        loss, metrics = '"sparse_categorical_crossentropy"', None
    if n_classes:
        output += ", kernel_regularizer=reg)"
        metrics = '["accuracy"]'
    else:
        output = "Dense(1, kernel_regularizer=reg)"
    columns = ",\n        ".join(_CODE_FEATURES[n] for n in names)
    labels = ", ".join(FEATURES[n].label for n in names)
    hidden = "".join(
        f'    keras.layers.Dense({n}, activation="{settings.activation}", '
        "kernel_regularizer=reg),\n"
        for n in settings.layers
    )
    return f'''import numpy as np
import keras

# The CSV downloaded from the playground: x1, x2, label, part (train / test / own)
rows = np.genfromtxt("{csv_name}", delimiter=",", names=True, dtype=None, encoding="utf-8")


def features(part):
    """The input neurons: {labels}."""
    x1, x2 = rows["x1"][part], rows["x2"][part]
    return np.column_stack([
        {columns},
    ])


train = rows["part"] != "test"
test = rows["part"] == "test"
reg = {reg}
model = keras.Sequential([
    keras.Input(shape=({len(names)},)),
{hidden}    keras.layers.{output},
])
model.compile(
    loss={loss},
    optimizer=keras.optimizers.SGD(learning_rate={settings.learning_rate!r}),
    metrics={metrics},
)
model.fit(
    features(train), rows["label"][train],
    epochs={max(epochs, 1) if epochs else 100}, batch_size={settings.batch},
    validation_data=(features(test), rows["label"][test]),
)
'''
