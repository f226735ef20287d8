"""Small data sets that need no download: Iris, XOR and two moons.

The large ones (Fashion-MNIST, California housing) are loaded by the Keras
lab with the libraries' own loaders (:mod:`nnplay.keras_lab`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

BINARY = "binary"
MULTICLASS = "multiclass"
REGRESSION = "regression"


@dataclass(frozen=True)
class Dataset:
    """A data set as plain arrays.

    Attributes
    ----------
    name : str
        Registry name.
    X : ndarray of shape (n_samples, n_features)
        Features (float64).
    y : ndarray of shape (n_samples,)
        Targets: class indices, or values for regression.
    feature_names : list of str
        One name per column of ``X``.
    target_names : list of str
        Class names (empty for regression).
    task : str
        ``"binary"``, ``"multiclass"`` or ``"regression"``.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    feature_names: list[str]
    target_names: list[str] = field(default_factory=list)
    task: str = MULTICLASS


def iris() -> Dataset:
    """Fisher's Iris (150 flowers, 4 features, 3 classes), shipped with scikit-learn."""
    from sklearn.datasets import load_iris

    bunch = load_iris()
    return Dataset(
        name="iris",
        X=bunch.data.astype(np.float64),
        y=bunch.target.astype(np.int64),
        feature_names=[n.removesuffix(" (cm)") for n in bunch.feature_names],
        target_names=list(bunch.target_names),
        task=MULTICLASS,
    )


def xor() -> Dataset:
    """The four XOR points: class 1 when exactly one input is 1."""
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
    y = np.array([0, 1, 1, 0], dtype=np.int64)
    return Dataset("xor", X, y, ["x1", "x2"], ["0", "1"], BINARY)


def moons(n_samples: int = 200, noise: float = 0.2, random_state: int = 0) -> Dataset:
    """Two interleaving half circles (scikit-learn's ``make_moons``), binary."""
    from sklearn.datasets import make_moons

    X, y = make_moons(n_samples=n_samples, noise=noise, random_state=random_state)
    return Dataset(
        "moons", X.astype(np.float64), y.astype(np.int64), ["x1", "x2"], ["0", "1"], BINARY
    )


SMALL_DATASETS = {"iris": iris, "xor": xor, "moons": moons}
"""Offline data sets by name."""
