"""The Keras lab's data sets, split into training, validation and test parts.

- Fashion-MNIST with Keras's own loader (``keras.datasets.fashion_mnist.load_data``),
  which downloads about 30 MB once into ``$KERAS_HOME/datasets/fashion-mnist/``;
  pixels scaled to [0, 1]; the first 5,000 training images are the validation
  part, as in the notes.
- California housing with scikit-learn's ``fetch_california_housing``, which
  downloads once into its ``data_home`` (``$SCIKIT_LEARN_DATA``); split into
  train / validation / test and standardised with a ``StandardScaler`` fitted on
  the training part only, as in the notes.
- Iris, two moons and XOR from :mod:`nnplay.datasets`, which need no download.

When a set must be downloaded and cannot be (no network, no cache), the loaders
raise :class:`DatasetUnavailable`; :func:`is_cached` says beforehand whether a
load will need the network.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from nnplay import datasets
from nnplay.keras_lab.spec import BINARY, DATASETS, MULTICLASS, REGRESSION

FASHION_CLASS_NAMES = [
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
]
FASHION_FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)
FASHION_VALIDATION = 5_000
CALIFORNIA_CACHE = "cal_housing_py3.pkz"  # what fetch_california_housing writes
DOWNLOAD_MB = {"fashion_mnist": 30, "california_housing": 0.5}
RANDOM_STATE = 42


class DatasetUnavailable(RuntimeError):
    """A data set must be downloaded once, and the download failed (no network?).

    Attributes
    ----------
    name : str
        The data set (``"fashion_mnist"``, ``"california_housing"``).
    reason : str
        The loader's own error message, for the server log.
    """

    def __init__(self, name: str, reason: str = ""):
        super().__init__(f"{name} is not cached and could not be downloaded: {reason}")
        self.name = name
        self.reason = reason


@dataclass(frozen=True, eq=False)
class LabData:
    """A data set split for training, validation and test.

    Attributes
    ----------
    name : str
        Registry name (a key of :data:`nnplay.keras_lab.spec.DATASETS`).
    task : str
        ``"multiclass"``, ``"binary"`` or ``"regression"``.
    X_train, y_train, X_valid, y_valid, X_test, y_test : ndarray
        Features (float32) and targets (int64 class indices, or float32 values).
        The arrays are read-only: they may be shared by every session.
    feature_names : list of str
        Column names of a table (empty for images).
    class_names : list of str
        Class names (empty for regression).
    """

    name: str
    task: str
    X_train: np.ndarray
    y_train: np.ndarray
    X_valid: np.ndarray
    y_valid: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray
    feature_names: list[str]
    class_names: list[str]

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one example."""
        return tuple(self.X_train.shape[1:])

    @property
    def sizes(self) -> dict[str, int]:
        """Examples in each part: ``{"train": n, "valid": n, "test": n}``."""
        return {"train": len(self.X_train), "valid": len(self.X_valid), "test": len(self.X_test)}


def _frozen(name: str, task: str, parts: tuple, feature_names, class_names) -> LabData:
    arrays = []
    for array in parts:
        array = np.ascontiguousarray(array)
        array.flags.writeable = False
        arrays.append(array)
    return LabData(name, task, *arrays, list(feature_names), list(class_names))


# --------------------------------------------------------------------------- caches


def keras_datasets_dir() -> str:
    """Where Keras caches downloaded data sets (``$KERAS_HOME/datasets``)."""
    from keras.src.backend import config

    base = os.path.expanduser(config.keras_home())
    if not os.access(base, os.W_OK):  # Keras's own fallback (keras.utils.get_file)
        base = os.path.join("/tmp", ".keras")
    return os.path.join(base, "datasets")


def is_cached(name: str) -> bool:
    """Whether loading ``name`` needs no network (offline set, or already downloaded)."""
    if not DATASETS[name].needs_download:
        return True
    if name == "fashion_mnist":
        folder = os.path.join(keras_datasets_dir(), "fashion-mnist")
        return all(os.path.exists(os.path.join(folder, f)) for f in FASHION_FILES)
    from sklearn.datasets import get_data_home

    return os.path.exists(os.path.join(get_data_home(), CALIFORNIA_CACHE))


# --------------------------------------------------------------------------- loaders


def fashion_mnist() -> LabData:
    """Fashion-MNIST as in the notes: pixels in [0, 1], first 5,000 images for validation.

    A set smaller than the official one (a sample) keeps the same share for
    validation: one image in twelve (5,000 of 60,000).

    Raises
    ------
    DatasetUnavailable
        Not cached and the download failed.
    """
    import keras

    try:
        (X_full, y_full), (X_test, y_test) = keras.datasets.fashion_mnist.load_data()
    except Exception as error:  # Keras raises a bare Exception on a failed download
        raise DatasetUnavailable("fashion_mnist", str(error)) from error
    n_valid = min(FASHION_VALIDATION, len(X_full) // 12)
    scale = np.float32(1 / 255)
    X_full = X_full.astype(np.float32) * scale
    parts = (
        X_full[n_valid:],
        y_full[n_valid:].astype(np.int64),
        X_full[:n_valid],
        y_full[:n_valid].astype(np.int64),
        X_test.astype(np.float32) * scale,
        y_test.astype(np.int64),
    )
    return _frozen("fashion_mnist", MULTICLASS, parts, [], FASHION_CLASS_NAMES)


def california_housing(random_state: int = RANDOM_STATE) -> LabData:
    """California housing as in the notes: train/valid/test, standardised on train.

    ``train_test_split`` twice with its default 25 %: test is a quarter of the
    whole, validation a quarter of the rest.

    Raises
    ------
    DatasetUnavailable
        Not cached and the download failed.
    """
    from sklearn.datasets import fetch_california_housing
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    try:
        housing = fetch_california_housing()
    except OSError as error:  # urllib's URLError is an OSError
        raise DatasetUnavailable("california_housing", str(error)) from error
    X_full, X_test, y_full, y_test = train_test_split(
        housing.data, housing.target, random_state=random_state
    )
    X_train, X_valid, y_train, y_valid = train_test_split(X_full, y_full, random_state=random_state)
    scaler = StandardScaler().fit(X_train)
    parts = [
        scaler.transform(X_train),
        y_train,
        scaler.transform(X_valid),
        y_valid,
        scaler.transform(X_test),
        y_test,
    ]
    parts = tuple(p.astype(np.float32) for p in parts)
    return _frozen("california_housing", REGRESSION, parts, housing.feature_names, [])


def offline(name: str, random_state: int = RANDOM_STATE) -> LabData:
    """Iris, moons or XOR, split 60 / 20 / 20 (stratified).

    XOR has only four points: all three parts are the same four points.
    """
    from sklearn.model_selection import train_test_split

    if name == "moons":
        dataset = datasets.moons(n_samples=500, noise=0.2, random_state=random_state)
    else:
        dataset = datasets.SMALL_DATASETS[name]()
    X, y = dataset.X.astype(np.float32), dataset.y.astype(np.int64)
    if name == "xor":
        parts = (X, y, X, y, X, y)
    else:
        X_train, X_rest, y_train, y_rest = train_test_split(
            X, y, test_size=0.4, stratify=y, random_state=random_state
        )
        X_valid, X_test, y_valid, y_test = train_test_split(
            X_rest, y_rest, test_size=0.5, stratify=y_rest, random_state=random_state
        )
        parts = (X_train, y_train, X_valid, y_valid, X_test, y_test)
    task = MULTICLASS if dataset.task == MULTICLASS else BINARY
    return _frozen(name, task, parts, dataset.feature_names, dataset.target_names)


def load(name: str) -> LabData:
    """Load any data set of :data:`nnplay.keras_lab.spec.DATASETS` by name.

    Raises
    ------
    KeyError
        Unknown name.
    DatasetUnavailable
        A downloadable set that is not cached, with no network.
    """
    if name not in DATASETS:
        raise KeyError(name)
    if name == "fashion_mnist":
        return fashion_mnist()
    if name == "california_housing":
        return california_housing()
    return offline(name)


def samples_per_class(data: LabData, per_class: int = 5) -> dict[int, np.ndarray]:
    """Indices of the first ``per_class`` training examples of each class."""
    return {
        label: np.flatnonzero(data.y_train == label)[:per_class]
        for label in range(len(data.class_names))
    }
