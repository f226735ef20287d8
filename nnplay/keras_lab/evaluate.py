"""After training: evaluate on the test set, predict, and look inside the model.

As in the notes: ``model.evaluate`` gives the loss and metrics chosen at
compile time; ``model.predict`` gives class probabilities (like scikit-learn's
``predict_proba``), and the predicted class is the most probable one. The
confusion matrix comes from :func:`sklearn.metrics.confusion_matrix`.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from typing import Any

import numpy as np

PREDICT_BATCH = 1024  # prediction needs no gradients: larger batches are faster


def evaluate(model: Any, x: np.ndarray, y: np.ndarray, batch_size: int = 32) -> dict[str, float]:
    """``model.evaluate`` on a test set, as ``{"loss": ..., "accuracy": ...}``."""
    result = model.evaluate(x, y, batch_size=batch_size, verbose=0, return_dict=True)
    return {name: float(value) for name, value in result.items()}


def predict(model: Any, x: np.ndarray) -> np.ndarray:
    """``model.predict`` without a progress bar: one row of outputs per example."""
    return np.asarray(model.predict(x, batch_size=PREDICT_BATCH, verbose=0))


def class_probabilities(outputs: np.ndarray) -> np.ndarray:
    """Class probabilities from a model's outputs, shape ``(n, n_classes)``.

    A single sigmoid output ``p`` (binary classification) becomes the two
    columns ``1 - p`` and ``p``; softmax outputs are returned unchanged.
    """
    outputs = np.asarray(outputs, dtype=np.float64)
    if outputs.ndim == 1:
        outputs = outputs[:, None]
    if outputs.shape[1] == 1:
        return np.hstack([1.0 - outputs, outputs])
    return outputs


def class_labels(y: np.ndarray) -> np.ndarray:
    """Class indices from targets that are indices or one-hot rows."""
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] > 1:
        return y.argmax(axis=1)
    return y.reshape(-1).astype(np.int64)


@dataclass(frozen=True)
class ClassificationResults:
    """Predictions of a classifier on a labelled set.

    Attributes
    ----------
    proba : ndarray of shape (n, n_classes)
        Predicted probability of every class.
    predicted : ndarray of shape (n,)
        The most probable class.
    actual : ndarray of shape (n,)
        The true class.
    confusion : ndarray of shape (n_classes, n_classes)
        Row ``i``, column ``j``: examples of class ``i`` predicted as ``j``.
    """

    proba: np.ndarray
    predicted: np.ndarray
    actual: np.ndarray
    confusion: np.ndarray

    @property
    def correct(self) -> np.ndarray:
        """Whether each prediction is right."""
        return self.predicted == self.actual

    @property
    def accuracy(self) -> float:
        return float(self.correct.mean()) if len(self.actual) else 0.0

    @property
    def confidence(self) -> np.ndarray:
        """The probability of the predicted class."""
        return self.proba[np.arange(len(self.predicted)), self.predicted]

    def most_confident_mistakes(self, n: int = 8) -> np.ndarray:
        """Indices of up to ``n`` wrong predictions, the most confident first."""
        wrong = np.flatnonzero(~self.correct)
        order = np.argsort(-self.confidence[wrong], kind="stable")
        return wrong[order[:n]]


def classification_results(
    model: Any, x: np.ndarray, y: np.ndarray, n_classes: int | None = None
) -> ClassificationResults:
    """Predict ``x`` and compare with ``y`` (class indices or one-hot rows).

    Parameters
    ----------
    model : keras.Model
        A classifier with softmax (or one sigmoid) outputs.
    x, y : ndarray
        Inputs and targets.
    n_classes : int, optional
        Size of the confusion matrix; defaults to the number of outputs.

    Returns
    -------
    ClassificationResults
    """
    from sklearn.metrics import confusion_matrix

    proba = class_probabilities(predict(model, x))
    k = n_classes or proba.shape[1]
    predicted = proba.argmax(axis=1)
    actual = class_labels(y)
    confusion = confusion_matrix(actual, predicted, labels=np.arange(k))
    return ClassificationResults(proba, predicted, actual, confusion)


@dataclass(frozen=True)
class RegressionResults:
    """Predictions of a regressor on a set with known targets.

    Attributes
    ----------
    predicted, actual : ndarray of shape (n,)
    baseline : float
        The value a model without inputs would predict: the mean of the training targets.
    """

    predicted: np.ndarray
    actual: np.ndarray
    baseline: float

    @property
    def residuals(self) -> np.ndarray:
        """``actual - predicted``: positive where the model predicts too low."""
        return self.actual - self.predicted

    @property
    def mse(self) -> float:
        return float(np.mean(self.residuals**2))

    @property
    def mae(self) -> float:
        return float(np.mean(np.abs(self.residuals)))

    @property
    def baseline_mse(self) -> float:
        """MSE of always predicting :attr:`baseline`."""
        return float(np.mean((self.actual - self.baseline) ** 2))


def regression_results(
    model: Any, x: np.ndarray, y: np.ndarray, train_mean: float
) -> RegressionResults:
    """Predict ``x`` (one output) and compare with ``y``."""
    predicted = predict(model, x).reshape(len(x), -1)[:, 0].astype(np.float64)
    actual = np.asarray(y, dtype=np.float64).reshape(len(x), -1)[:, 0]
    return RegressionResults(predicted, actual, float(train_mean))


@dataclass(frozen=True)
class LayerWeights:
    """The parameters of one Dense layer, from ``layer.get_weights()``."""

    name: str
    kernel: np.ndarray
    bias: np.ndarray

    @property
    def count(self) -> int:
        return int(self.kernel.size + self.bias.size)


def dense_weights(model: Any) -> list[LayerWeights]:
    """Kernel and bias of every layer that has them, in order."""
    layers = []
    for layer in model.layers:
        weights = layer.get_weights()
        if len(weights) == 2:
            layers.append(LayerWeights(layer.name, weights[0], weights[1]))
    return layers


def history_rows(history: dict[str, list[float]]) -> list[dict[str, float]]:
    """One row per epoch (counted from 1) with every logged value."""
    names = sorted(history, key=lambda k: (k.startswith("val_"), k))
    n = max((len(v) for v in history.values()), default=0)
    return [
        {"epoch": i + 1, **{name: history[name][i] for name in names if i < len(history[name])}}
        for i in range(n)
    ]


def history_csv(history: dict[str, list[float]]) -> str:
    """The history as CSV, one row per epoch (what ``pd.DataFrame(history.history)`` holds)."""
    import pandas as pd

    return pd.DataFrame(history_rows(history)).to_csv(index=False)


def model_bytes(model: Any) -> bytes:
    """The model in Keras's ``.keras`` format (architecture, weights, optimizer)."""
    handle, path = tempfile.mkstemp(suffix=".keras")
    os.close(handle)
    try:
        model.save(path)
        with open(path, "rb") as saved:
            return saved.read()
    finally:
        os.unlink(path)


def load_model_bytes(data: bytes) -> Any:
    """Load a model saved by :func:`model_bytes` (for tests and for the curious)."""
    import keras

    handle, path = tempfile.mkstemp(suffix=".keras")
    with os.fdopen(handle, "wb") as saved:
        saved.write(data)
    try:
        return keras.models.load_model(path)
    finally:
        os.unlink(path)


__all__ = [
    "ClassificationResults",
    "LayerWeights",
    "RegressionResults",
    "class_labels",
    "class_probabilities",
    "classification_results",
    "dense_weights",
    "evaluate",
    "history_csv",
    "history_rows",
    "model_bytes",
    "predict",
    "regression_results",
]
