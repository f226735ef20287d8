"""The playground's 2-D data sets, as in TensorFlow Playground, and two with more classes.

Every set lives in the square ``[-6, 6]²`` (:data:`EXTENT`). Classification
labels are class indices ``0, 1, ...`` (two-class sets: 0 is the orange class,
1 the blue one); regression targets are numbers in ``[-1, 1]``. ``noise`` is a
fraction, 0 to 0.5: it blurs the points (Gaussians, spirals, blobs) or the
labels near the boundary (circle, XOR, regression sets), as TensorFlow
Playground does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

EXTENT = 6.0
"""Half the side of the square shown: points and pictures span ``[-6, 6]``."""
N_POINTS = 500
MIN_CLASSES, MAX_CLASSES = 3, 6
CLASSIFICATION = "classification"
REGRESSION = "regression"


@dataclass(frozen=True)
class DataSet:
    """One data set of the registry.

    Attributes
    ----------
    problem : str
        ``"classification"`` or ``"regression"``.
    make : callable
        ``make(n, noise, rng, n_classes) -> (X, y)``.
    multiclass : bool
        Whether the number of classes can be chosen (three or more).
    """

    problem: str
    make: Callable
    multiclass: bool = False


def _circle(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple:
    radius = 5.0
    r = np.concatenate(
        [rng.uniform(0, radius * 0.5, n // 2), rng.uniform(radius * 0.7, radius, n - n // 2)]
    )
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    blurred = X + rng.uniform(-radius, radius, X.shape) * noise
    y = (np.hypot(blurred[:, 0], blurred[:, 1]) < radius * 0.5).astype(np.int64)
    return X, y  # inside: class 1 (blue), as in TensorFlow Playground


def _xor(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple:
    padding = 0.3
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, padding, -padding)  # keep the points off the axes
    blurred = X + rng.uniform(-5, 5, X.shape) * noise
    y = (blurred[:, 0] * blurred[:, 1] >= 0).astype(np.int64)
    return X, y


def _gauss(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple:
    variance = 0.5 + noise / 0.5 * 3.5  # 0.5 .. 4, as TensorFlow Playground
    half = n // 2
    y = np.repeat([1, 0], [half, n - half])
    centres = np.where(y[:, None] == 1, 2.0, -2.0)
    X = centres + rng.normal(0, np.sqrt(variance), (n, 2))
    return X, y.astype(np.int64)


def _spiral_arms(n: int, noise: float, rng: np.random.Generator, arms: int) -> tuple:
    X, y = [], []
    for arm in range(arms):
        m = n // arms + (arm < n % arms)
        i = np.arange(m)
        r = i / m * 5
        t = 1.75 * i / m * 2 * np.pi + 2 * np.pi * arm / arms
        points = np.column_stack([r * np.sin(t), r * np.cos(t)])
        X.append(points + rng.uniform(-1, 1, points.shape) * noise)
        y.append(np.full(m, arm))
    return np.concatenate(X), np.concatenate(y).astype(np.int64)


def _spiral(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple:
    X, y = _spiral_arms(n, noise, rng, 2)
    return X, 1 - y  # the first arm blue, as in TensorFlow Playground


def _spiral_multi(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple:
    return _spiral_arms(n, noise, rng, k)


def _blobs(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple:
    y = np.arange(n) % k
    angle = 2 * np.pi * y / k + np.pi / 2
    centres = 3.5 * np.column_stack([np.cos(angle), np.sin(angle)])
    X = centres + rng.normal(0, 0.5 + noise * 4, (n, 2))
    return X, y.astype(np.int64)


def _plane(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple:
    X = rng.uniform(-EXTENT, EXTENT, (n, 2))
    blurred = X + rng.uniform(-EXTENT, EXTENT, X.shape) * noise
    return X, np.clip((blurred[:, 0] + blurred[:, 1]) / 10, -1, 1)


_BUMPS = [(-4, 2.5, 1), (0, 2.5, -1), (4, 2.5, 1), (-4, -2.5, -1), (0, -2.5, 1), (4, -2.5, -1)]


def gaussian_bumps(X: np.ndarray) -> np.ndarray:
    """The regression surface of the Gaussian set: six bumps of alternating sign.

    Parameters
    ----------
    X : ndarray of shape (n, 2)

    Returns
    -------
    ndarray of shape (n,)
        At each point, the value of the bump that is largest there in size.
    """
    values = np.stack(
        [s * np.exp(-((X[:, 0] - cx) ** 2 + (X[:, 1] - cy) ** 2) / 4.0) for cx, cy, s in _BUMPS]
    )
    strongest = np.argmax(np.abs(values), axis=0)
    return values[strongest, np.arange(len(X))]


def _reg_gauss(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple:
    X = rng.uniform(-EXTENT, EXTENT, (n, 2))
    blurred = X + rng.uniform(-EXTENT, EXTENT, X.shape) * noise
    return X, gaussian_bumps(blurred)


def _own(n: int, noise: float, rng: np.random.Generator, k: int) -> tuple:
    return np.empty((0, 2)), np.empty(0, dtype=np.int64)


DATASETS: dict[str, DataSet] = {
    "circle": DataSet(CLASSIFICATION, _circle),
    "xor": DataSet(CLASSIFICATION, _xor),
    "gauss": DataSet(CLASSIFICATION, _gauss),
    "spiral": DataSet(CLASSIFICATION, _spiral),
    "spiral_multi": DataSet(CLASSIFICATION, _spiral_multi, multiclass=True),
    "blobs": DataSet(CLASSIFICATION, _blobs, multiclass=True),
    "own": DataSet(CLASSIFICATION, _own),
    "plane": DataSet(REGRESSION, _plane),
    "reg_gauss": DataSet(REGRESSION, _reg_gauss),
}
"""Data sets by name, in the order the page lists them; ``own`` is the student's points only."""
PROBLEMS = (CLASSIFICATION, REGRESSION)


def names_for(problem: str) -> list[str]:
    """The data sets of one problem type, in registry order."""
    return [name for name, info in DATASETS.items() if info.problem == problem]


def n_classes(name: str, classes: int) -> int:
    """Classes of data set ``name`` (``classes`` for a multi-class set; 0 for regression)."""
    info = DATASETS[name]
    if info.problem == REGRESSION:
        return 0
    return int(np.clip(classes, MIN_CLASSES, MAX_CLASSES)) if info.multiclass else 2


@dataclass(frozen=True)
class Split:
    """A data set cut into a training and a test part.

    Attributes
    ----------
    X_train, y_train, X_test, y_test : ndarray
        Points (``(n, 2)``, raw coordinates) and labels (class indices, or targets).
    n_classes : int
        0 for regression.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    n_classes: int

    @property
    def regression(self) -> bool:
        return self.n_classes == 0


def generate(
    name: str,
    *,
    noise: float = 0.0,
    train_share: float = 0.5,
    seed: int = 0,
    classes: int = 3,
    n: int = N_POINTS,
) -> Split:
    """Draw data set ``name`` and split it at random into training and test points.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`.
    noise : float
        0 to 0.5 (clamped).
    train_share : float
        Share of the points used for training, 0.1 to 0.9 (clamped).
    seed : int
        The same seed draws the same points.
    classes : int
        Classes of a multi-class set (3 to 6, clamped).
    n : int
        Points to draw.

    Returns
    -------
    Split
    """
    info = DATASETS[name]
    k = n_classes(name, classes)
    rng = np.random.default_rng(seed)
    X, y = info.make(n, float(np.clip(noise, 0.0, 0.5)), rng, k)
    order = rng.permutation(len(X))
    cut = round(len(X) * float(np.clip(train_share, 0.1, 0.9)))
    train, test = order[:cut], order[cut:]
    if info.problem == REGRESSION:
        y = np.asarray(y, dtype=np.float64)
    return Split(X[train], y[train], X[test], y[test], k)
