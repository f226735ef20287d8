"""The perceptron page's lesson as plain data: settings, the Iris task, scikit-learn's twin.

Kept apart from :mod:`nnplay.perceptron` (the model) so the model stays small
and the page stays thin; nothing here imports streamlit.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from nnplay.datasets import Dataset
from nnplay.messages import Message
from nnplay.perceptron import STEP_FUNCTIONS, Perceptron, Trace

ALL_CLASSES = "all"
CLASS_CHOICES = ("setosa", "versicolor", "virginica", ALL_CLASSES)
"""Positive-class choices: one Iris species against the rest, or all three."""

MAX_ETA = 1000.0
"""Largest learning rate (starting from zero weights, η only scales w and b)."""
MAX_EPOCHS = 500
MAX_SEED = 2**32 - 1
"""Largest seed that NumPy and scikit-learn accept."""

MAX_FRAMES = 150
"""Most frames in the training animation; more updates are thinned evenly."""


@dataclass(frozen=True)
class Settings:
    """Everything the page's widgets choose (defaults: the notes' example).

    Attributes
    ----------
    x_feature, y_feature : int
        Columns of Iris on the two axes (2, 3: petal length and width).
    positive : str
        A species from :data:`CLASS_CHOICES` against the rest, or ``"all"``.
    eta0 : float
        Learning rate.
    max_epochs : int
        Most epochs.
    shuffle : bool
        Shuffle every epoch.
    seed : int
        Seed of the shuffling.
    step : str
        ``"heaviside"`` or ``"sgn"``.
    """

    x_feature: int = 2
    y_feature: int = 3
    positive: str = "setosa"
    eta0: float = 1.0
    max_epochs: int = 100
    shuffle: bool = False
    seed: int = 42
    step: str = "heaviside"

    @property
    def features(self) -> tuple[int, int]:
        """The two feature columns."""
        return (self.x_feature, self.y_feature)


def problems(settings: Settings) -> list[Message]:
    """What is wrong with ``settings`` (empty when all is well).

    Keys ``perceptron.bad_<what>``, with the bounds as values: ``eta``: learning
    rate not in (0, :data:`MAX_ETA`] (or not a number); ``epochs``: not 1 to
    :data:`MAX_EPOCHS`; ``seed``: not 0 to :data:`MAX_SEED`; ``features``: the
    same feature twice (or not an Iris column); ``positive``: not a class
    choice; ``step``: unknown step function.
    """
    return [
        Message(f"perceptron.bad_{code}", dict(BOUNDS), where=code) for code in _codes(settings)
    ]


BOUNDS = {"max_eta": MAX_ETA, "max_epochs": MAX_EPOCHS, "max_seed": MAX_SEED}


def _codes(settings: Settings) -> list[str]:
    found = []
    if not 0 < settings.eta0 <= MAX_ETA:  # also refuses NaN
        found.append("eta")
    if not 1 <= settings.max_epochs <= MAX_EPOCHS:
        found.append("epochs")
    if not 0 <= settings.seed <= MAX_SEED:
        found.append("seed")
    if settings.positive not in CLASS_CHOICES:
        found.append("positive")
    if not {settings.x_feature, settings.y_feature} <= set(range(4)):
        found.append("features")
    elif settings.x_feature == settings.y_feature:
        found.append("features")
    if settings.step not in STEP_FUNCTIONS:
        found.append("step")
    return found


def task(iris: Dataset, settings: Settings) -> tuple[np.ndarray, np.ndarray]:
    """The training data the settings ask for.

    Returns
    -------
    X : ndarray of shape (150, 2)
        The two chosen features.
    y : ndarray of shape (150,)
        1 for the positive species and 0 for the rest; or the species index
        (0, 1, 2) when ``settings.positive`` is ``"all"``.
    """
    X = iris.X[:, list(settings.features)]
    if settings.positive == ALL_CLASSES:
        return X, iris.y.copy()
    positive = iris.target_names.index(settings.positive)
    return X, (iris.y == positive).astype(np.int64)


def train(iris: Dataset, settings: Settings) -> Perceptron:
    """Our perceptron, trained on the settings' task."""
    X, y = task(iris, settings)
    model = Perceptron(
        eta0=settings.eta0,
        max_epochs=settings.max_epochs,
        shuffle=settings.shuffle,
        random_state=settings.seed,
        step=settings.step,
    )
    return model.fit(X, y)


def sklearn_twin(iris: Dataset, settings: Settings):
    """scikit-learn's Perceptron set up like ours: same eta, epochs, shuffling and seed.

    ``tol=None`` switches off its loss-based early stopping, so it runs all
    ``max_epochs`` epochs (ours stops after a clean one, after which neither
    rule changes the weights, ties aside).
    """
    from sklearn.linear_model import Perceptron as SkPerceptron

    X, y = task(iris, settings)
    model = SkPerceptron(
        eta0=settings.eta0,
        max_iter=settings.max_epochs,
        tol=None,
        shuffle=settings.shuffle,
        random_state=settings.seed,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning on non-separable classes
        return model.fit(X, y)


def sklearn_code(settings: Settings) -> str:
    """Python code that reproduces the run with scikit-learn, in the notes' style."""
    species = ["setosa", "versicolor", "virginica"]
    if settings.positive == ALL_CLASSES:
        target = "y = iris.target  # all three species, one output neuron each"
    else:
        index = species.index(settings.positive)
        target = f"y = (iris.target == {index}).astype(int)  # {settings.positive}?"
    return "\n".join(
        [
            "from sklearn.datasets import load_iris",
            "from sklearn.linear_model import Perceptron",
            "",
            "iris = load_iris()",
            f"X = iris.data[:, ({settings.x_feature}, {settings.y_feature})]",
            target,
            "",
            "per_clf = Perceptron(",
            f"    eta0={settings.eta0!r}, max_iter={settings.max_epochs}, tol=None,",
            f"    shuffle={settings.shuffle}, random_state={settings.seed},",
            ")",
            "per_clf.fit(X, y)",
            "",
            "y_pred = per_clf.predict(X)",
            "print((y == y_pred).mean())",
        ]
    )


def frame_steps(updated: np.ndarray, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """The steps the animation shows: every update, thinned evenly past ``max_frames``.

    Parameters
    ----------
    updated : ndarray of bool, shape (n_steps,)
        Whether each step changed the weights (:attr:`Trace.updated`).
    max_frames : int
        Most frames, the initial state included.

    Returns
    -------
    ndarray of int
        ``-1`` (the initial zero weights) and then step numbers, increasing,
        ending with the last update.
    """
    updates = np.flatnonzero(updated)
    if len(updates) + 1 > max_frames:
        picks = np.linspace(0, len(updates) - 1, max_frames - 1).round().astype(np.int64)
        updates = updates[np.unique(picks)]
    return np.concatenate([[-1], updates]).astype(np.int64)


def _num(value: float, *, factor: bool = False) -> str:
    """A number for an equation: 4 significant digits, in parentheses when negative."""
    text = f"{float(value):.4g}".replace("e", r"\mathrm{e}")
    if text in ("-0", "0"):
        return "0"
    return f"({text})" if factor and text.startswith("-") else text


def _vector(values) -> str:
    return r"\begin{pmatrix}" + r" \\ ".join(_num(v) for v in values) + r"\end{pmatrix}"


def step_equations(trace: Trace, step: int, X: np.ndarray, eta: float, step_name: str) -> list[str]:
    """The rule applied at one step, with the actual numbers, as LaTeX (one per output neuron).

    Parameters
    ----------
    trace : Trace
        A fitted model's trace.
    step : int
        The step, counted from 0.
    X : ndarray of shape (n_samples, 2)
        The training samples (two features).
    eta : float
        The learning rate.
    step_name : str
        The step function's name, as written in the equation.

    Returns
    -------
    list of str
        An ``aligned`` block per output neuron: ``z``, ``y_hat``, new ``w`` and ``b``.
    """
    x = X[trace.sample[step]]
    n_outputs = trace.w.shape[1]
    blocks = []
    for j in range(n_outputs):
        sub = "" if n_outputs == 1 else f"_{{{j + 1}}}"
        w, b = trace.w[step, j], trace.b[step, j]
        w_new, b_new = trace.w[step + 1, j], trace.b[step + 1, j]
        z, y_hat, target = trace.z[step, j], trace.y_hat[step, j], trace.target[step, j]
        products = " + ".join(
            f"{_num(wk, factor=True)} \\cdot {_num(xk, factor=True)}"
            for wk, xk in zip(w, x, strict=True)
        )
        error = f"({_num(target)} - {_num(y_hat, factor=True)})"
        blocks.append(
            r"\begin{aligned}"
            rf"z{sub} &= \mathbf{{w}}{sub}^\top \mathbf{{x}} + b{sub} \\ &= {products} + "
            rf"{_num(b, factor=True)} = {_num(z)} \\"
            rf"\hat{{y}}{sub} &= \mathrm{{{step_name}}}({_num(z)}) = {_num(y_hat)}, \quad "
            rf"y{sub} = {_num(target)} \\"
            rf"\mathbf{{w}}{sub} &\leftarrow \mathbf{{w}}{sub} + \eta\,(y{sub} - \hat{{y}}{sub})"
            rf"\,\mathbf{{x}} \\"
            rf"&= {_vector(w)} + {_num(eta)} \cdot {error} \cdot {_vector(x)} = {_vector(w_new)} \\"
            rf"b{sub} &\leftarrow b{sub} + \eta\,(y{sub} - \hat{{y}}{sub}) = {_num(b, factor=True)}"
            rf" + {_num(eta)} \cdot {error} = {_num(b_new)}"
            r"\end{aligned}"
        )
    return blocks
