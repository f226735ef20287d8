"""Spec -> a Python script that loads the data, builds, compiles and fits the same model.

The script uses the Keras Sequential API as the notes do. Every value from the
spec is written with ``repr`` after :func:`~nnplay.keras_lab.spec.validate` has
accepted it, so nothing a visitor types can become code; nothing here runs code.
"""

from __future__ import annotations

import json

from nnplay.keras_lab.spec import (
    BALANCED,
    CCE,
    FLATTEN,
    FRACTION,
    LINEAR,
    MOMENTUM_OPTIMIZERS,
    ModelSpec,
    errors,
    layer_names,
    validate,
)


def _q(value: object) -> str:
    """A validated str, list of str or number as a Python literal, in double quotes."""
    return json.dumps(value)


_OPTIMIZER_CLASSES = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}

_DATA_CODE = {
    "fashion_mnist": """\
fashion_mnist = keras.datasets.fashion_mnist
(X_train_full, y_train_full), (X_test, y_test) = fashion_mnist.load_data()
# The first 5,000 of the 60,000 training images are the validation set (as in the notes)
n_valid = min(5000, len(X_train_full) // 12)
X_valid, X_train = X_train_full[:n_valid] / 255.0, X_train_full[n_valid:] / 255.0
y_valid, y_train = y_train_full[:n_valid], y_train_full[n_valid:]
X_test = X_test / 255.0
class_names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
               "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
""",
    "california_housing": """\
from sklearn.datasets import fetch_california_housing
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

housing = fetch_california_housing()
X_train_full, X_test, y_train_full, y_test = train_test_split(
    housing.data, housing.target, random_state=42)
X_train, X_valid, y_train, y_valid = train_test_split(
    X_train_full, y_train_full, random_state=42)
# Fit the scaler on the training set only, then transform all three sets
scaler = StandardScaler()
X_train = scaler.fit_transform(X_train)
X_valid = scaler.transform(X_valid)
X_test = scaler.transform(X_test)
""",
    "iris": """\
from sklearn.datasets import load_iris
from sklearn.model_selection import train_test_split

iris = load_iris()
X_train, X_rest, y_train, y_rest = train_test_split(
    iris.data, iris.target, test_size=0.4, stratify=iris.target, random_state=42)
X_valid, X_test, y_valid, y_test = train_test_split(
    X_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=42)
""",
    "moons": """\
from sklearn.datasets import make_moons
from sklearn.model_selection import train_test_split

X, y = make_moons(n_samples=500, noise=0.2, random_state=42)
X_train, X_rest, y_train, y_rest = train_test_split(
    X, y, test_size=0.4, stratify=y, random_state=42)
X_valid, X_test, y_valid, y_test = train_test_split(
    X_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=42)
""",
    "xor": """\
import numpy as np

# Only four points: train, validate and test on the same ones
X_train = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
y_train = np.array([0, 1, 1, 0])
X_valid, y_valid, X_test, y_test = X_train, y_train, X_train, y_train
""",
}


def _layer_code(spec: ModelSpec) -> list[str]:
    shape = ", ".join(str(n) for n in spec.input_shape)
    lines = [f"    keras.Input(shape=({shape}{',' if len(spec.input_shape) == 1 else ''})),"]
    for layer, name in zip(spec.layers, layer_names(spec), strict=True):
        if layer.kind == FLATTEN:
            lines.append(f"    keras.layers.Flatten(name={_q(name)}),")
            continue
        arguments = [str(int(layer.units))]
        if layer.activation != LINEAR:
            arguments.append(f"activation={_q(layer.activation)}")
        if layer.kernel_initializer != "glorot_uniform":
            arguments.append(f"kernel_initializer={_q(layer.kernel_initializer)}")
        if layer.bias_initializer != "zeros":
            arguments.append(f"bias_initializer={_q(layer.bias_initializer)}")
        arguments.append(f"name={_q(name)}")
        lines.append(f"    keras.layers.Dense({', '.join(arguments)}),")
    return lines


def _optimizer_code(spec: ModelSpec) -> str:
    settings = spec.compile.optimizer
    arguments = [f"learning_rate={float(settings.learning_rate)!r}"]
    if settings.name in MOMENTUM_OPTIMIZERS and settings.momentum:
        arguments.append(f"momentum={float(settings.momentum)!r}")
    return f"keras.optimizers.{_OPTIMIZER_CLASSES[settings.name]}({', '.join(arguments)})"


def _fit_code(spec: ModelSpec, one_hot: bool) -> list[str]:
    fit = spec.fit
    lines: list[str] = []
    arguments = ["X_train", "y_train", f"epochs={int(fit.epochs)}", f"batch_size={fit.batch_size}"]
    if fit.validation == FRACTION:
        arguments.append(f"validation_split={float(fit.validation_split)!r}")
    else:
        arguments.append("validation_data=(X_valid, y_valid)")
    if fit.class_weight == BALANCED:
        labels = "y_train.argmax(axis=1)" if one_hot else "y_train"
        lines += [
            "from sklearn.utils.class_weight import compute_class_weight",
            "",
            f"labels = {labels}",
            "classes = np.unique(labels)",
            'weights = compute_class_weight("balanced", classes=classes, y=labels)',
            "class_weight = dict(zip(classes.tolist(), weights.tolist()))",
        ]
        arguments.append("class_weight=class_weight")
    elif isinstance(fit.class_weight, dict):
        weights = {int(k): float(v) for k, v in fit.class_weight.items()}
        lines.append(f"class_weight = {weights!r}")
        arguments.append("class_weight=class_weight")
    lines.append("history = model.fit(")
    lines += [f"    {argument}," for argument in arguments]
    lines.append(")")
    return lines


def generate_code(spec: ModelSpec) -> str:
    """A complete Python script for ``spec``: data, model, summary, compile, fit, evaluate.

    Parameters
    ----------
    spec : ModelSpec
        Must have no errors (:func:`~nnplay.keras_lab.spec.validate`).

    Returns
    -------
    str
        Source code; it imports ``keras`` (and scikit-learn for tables).

    Raises
    ------
    ValueError
        The spec has errors.
    """
    problems = errors(validate(spec))
    if problems:
        raise ValueError(f"invalid spec: {[p.key for p in problems]}")
    one_hot = spec.compile.loss == CCE
    lines = [
        f'"""A Keras Sequential model for {spec.dataset}, exported from nnplay."""',
        "",
        "import keras",
    ]
    if spec.fit.class_weight == BALANCED and spec.dataset != "xor":
        lines.append("import numpy as np")
    lines += ["", "# 1. Data", _DATA_CODE[spec.dataset].rstrip("\n")]
    if one_hot:
        lines += [
            "# categorical_crossentropy expects one-hot targets",
            "y_train, y_valid, y_test = (keras.utils.to_categorical(y) "
            "for y in (y_train, y_valid, y_test))",
        ]
    lines += ["", "# 2. Model", "model = keras.Sequential(["]
    lines += _layer_code(spec)
    lines += ["])", "model.summary()", "", "# 3. Compile", "model.compile("]
    lines += [
        f"    loss={_q(spec.compile.loss)},",
        f"    optimizer={_optimizer_code(spec)},",
        f"    metrics={_q(list(spec.compile.metrics))},",
        ")",
        "",
        "# 4. Train",
    ]
    lines += _fit_code(spec, one_hot)
    lines += ["", "# 5. Evaluate on the test set", "print(model.evaluate(X_test, y_test))", ""]
    return "\n".join(lines)
