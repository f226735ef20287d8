"""Lay ``../shared/data`` into the caches the real loaders read, so tests never download.

- Fashion-MNIST: the four IDX ``.gz`` files go to ``<KERAS_HOME>/datasets/fashion-mnist/``,
  where ``keras.datasets.fashion_mnist.load_data()`` looks first.
- California housing: ``cal_housing.data`` becomes ``<data_home>/cal_housing_py3.pkz``,
  made as scikit-learn's ``fetch_california_housing`` makes it (columns reordered
  target first, ``joblib.dump(..., compress=6)``).

Keras reads ``KERAS_HOME`` once, when it is imported: set it before importing
keras or tensorflow (``conftest`` does so at import), or pass the returned
variables to a subprocess (a ``streamlit run`` server).
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"
FASHION_FILES = (
    "train-labels-idx1-ubyte.gz",
    "train-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
)
# sklearn/datasets/_california_housing.py: target first, then the eight columns
# from which the features are derived.
CALIFORNIA_COLUMNS = [8, 7, 2, 3, 4, 5, 6, 1, 0]


def lay_out(base: Path, shared: Path = SHARED_DATA) -> dict[str, str]:
    """Fill a Keras home and a scikit-learn data home under ``base`` from ``shared``.

    Parameters
    ----------
    base : Path
        An empty (temporary) folder.
    shared : Path
        The shared data folder (``../shared/data``).

    Returns
    -------
    dict
        ``{"KERAS_HOME": ..., "SCIKIT_LEARN_DATA": ...}``, ready for ``os.environ``.
    """
    import joblib
    import numpy as np

    keras_home = base / "keras"
    fashion = keras_home / "datasets" / "fashion-mnist"
    fashion.mkdir(parents=True, exist_ok=True)
    for name in FASHION_FILES:
        shutil.copyfile(shared / "fashion-mnist-sample" / name, fashion / name)

    sklearn_home = base / "scikit_learn_data"
    sklearn_home.mkdir(parents=True, exist_ok=True)
    table = np.loadtxt(shared / "california-housing" / "cal_housing.data", delimiter=",")
    joblib.dump(table[:, CALIFORNIA_COLUMNS], sklearn_home / "cal_housing_py3.pkz", compress=6)
    return {"KERAS_HOME": str(keras_home), "SCIKIT_LEARN_DATA": str(sklearn_home)}


def empty_homes(base: Path) -> dict[str, str]:
    """A Keras home and a data home with nothing cached (the state with no download)."""
    keras_home, sklearn_home = base / "keras-empty", base / "sklearn-empty"
    keras_home.mkdir(parents=True, exist_ok=True)
    sklearn_home.mkdir(parents=True, exist_ok=True)
    return {"KERAS_HOME": str(keras_home), "SCIKIT_LEARN_DATA": str(sklearn_home)}
