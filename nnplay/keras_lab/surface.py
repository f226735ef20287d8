"""The probe grid of a two-feature data set, and the model's probabilities on it.

A decision surface is the model's prediction at every point of a grid that
covers the data: :func:`probe_grid` makes the grid's inputs (for
``model.predict``) and its axes (for the figure); :func:`grid_probabilities`
turns the model's outputs on it into class probabilities laid out like the grid.
Neither needs TensorFlow, so the same grid can be probed by a training worker
after every epoch and drawn by the page.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from nnplay.keras_lab.evaluate import class_probabilities

PROBE_SIZE = 60
"""Grid points per axis: 3,600 predictions, a few milliseconds per epoch."""
MARGIN = 0.2
"""Space around the data, as a share of each feature's range."""


class ProbeGrid(NamedTuple):
    """A grid over two features, row by row (``y`` rows, ``x`` columns).

    Attributes
    ----------
    points : ndarray of shape (size * size, 2), float32
        The inputs to predict: ``points[i * size + j] == (xs[j], ys[i])``.
    xs, ys : ndarray of shape (size,)
        The grid's ticks along the first and the second feature.
    """

    points: np.ndarray
    xs: np.ndarray
    ys: np.ndarray

    @property
    def shape(self) -> tuple[int, int]:
        """``(len(ys), len(xs))``: the grid's rows and columns."""
        return len(self.ys), len(self.xs)


def is_two_dimensional(input_shape) -> bool:
    """Whether examples of ``input_shape`` are points of the plane (two features)."""
    return tuple(input_shape) == (2,)


def probe_grid(X: np.ndarray, size: int = PROBE_SIZE, margin: float = MARGIN) -> ProbeGrid:
    """A ``size`` × ``size`` grid over the range of two features, with some space around.

    Parameters
    ----------
    X : array-like of shape (n_samples, 2)
        The points the grid must cover (usually all parts of the data set).
    size : int
        Grid points per axis (at least 2).
    margin : float
        Space added on each side, as a share of the feature's range (a feature
        with one value only gets ±0.5 around it).

    Returns
    -------
    ProbeGrid
        ``points`` for ``model.predict``, ``xs`` and ``ys`` for the figure.

    Raises
    ------
    ValueError
        ``X`` is not a non-empty array of two columns, or ``size`` is below 2.
    """
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != 2 or not len(X):
        raise ValueError(f"probe_grid needs points with two features, not shape {X.shape}")
    if size < 2:
        raise ValueError(f"a probe grid needs at least 2 points per axis, not {size}")
    finite = X[np.isfinite(X).all(axis=1)]
    low, high = finite.min(axis=0), finite.max(axis=0)
    span = high - low
    pad = np.where(span > 0, span * margin, 0.5)
    xs = np.linspace(low[0] - pad[0], high[0] + pad[0], size)
    ys = np.linspace(low[1] - pad[1], high[1] + pad[1], size)
    xx, yy = np.meshgrid(xs, ys)
    points = np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)
    return ProbeGrid(points, xs, ys)


def grid_probabilities(outputs: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """The model's outputs on a probe grid as class probabilities, laid out like the grid.

    Parameters
    ----------
    outputs : ndarray of shape (rows * cols,) or (rows * cols, n_outputs)
        ``model.predict(grid.points)``: one sigmoid output (binary) or softmax
        outputs (multi-class).
    shape : (int, int)
        ``grid.shape``: rows (along ``ys``) and columns (along ``xs``).

    Returns
    -------
    ndarray of shape (rows, cols, n_classes)
        Probabilities clipped to [0, 1]; a single sigmoid output becomes the
        two classes ``1 - p`` and ``p``.
    """
    proba = class_probabilities(np.asarray(outputs).reshape(shape[0] * shape[1], -1))
    return np.clip(proba, 0.0, 1.0).reshape(*shape, proba.shape[1])
