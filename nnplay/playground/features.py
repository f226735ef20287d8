"""The input features: what the network sees of a point (x₁, x₂), as in TensorFlow Playground."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np


class Feature(NamedTuple):
    """One input neuron.

    Attributes
    ----------
    label : str
        How it is written (no translation needed: it is a formula).
    function : callable
        ``f(x1, x2) -> values``, elementwise.
    """

    label: str
    function: Callable[[np.ndarray, np.ndarray], np.ndarray]


FEATURES: dict[str, Feature] = {
    "x1": Feature("x₁", lambda a, b: a),
    "x2": Feature("x₂", lambda a, b: b),
    "x1sq": Feature("x₁²", lambda a, b: a * a),
    "x2sq": Feature("x₂²", lambda a, b: b * b),
    "x1x2": Feature("x₁x₂", lambda a, b: a * b),
    "sin1": Feature("sin x₁", lambda a, b: np.sin(a)),
    "sin2": Feature("sin x₂", lambda a, b: np.sin(b)),
}
"""Features by name, in the order the page shows them; the URL uses the names."""
DEFAULT_FEATURES = ("x1", "x2")


def transform(X: np.ndarray, names: Sequence[str]) -> np.ndarray:
    """The network's inputs for points ``X``: one column per feature in ``names``.

    Parameters
    ----------
    X : ndarray of shape (n, 2)
    names : sequence of str
        Keys of :data:`FEATURES`, in network order.

    Returns
    -------
    ndarray of shape (n, len(names))
    """
    X = np.asarray(X, dtype=np.float64)
    a, b = X[:, 0], X[:, 1]
    if not names:
        return np.empty((len(X), 0))
    return np.column_stack([FEATURES[name].function(a, b) for name in names])
