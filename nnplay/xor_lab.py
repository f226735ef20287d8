"""The XOR page's lesson as plain data: settings, the trained networks, the perceptron's try.

Kept apart from :mod:`nnplay.mlp` (the engine) so the engine stays general and
the page stays thin; nothing here imports streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnplay.activations import HIDDEN_CHOICES
from nnplay.datasets import xor
from nnplay.messages import Message
from nnplay.mlp import MLP
from nnplay.perceptron import Perceptron

LEARNING_RATES = (0.01, 0.03, 0.1, 0.3, 0.5, 1.0, 3.0, 10.0)
"""Learning rates offered on the page; 10 makes the linear network blow up."""

MAX_HIDDEN_UNITS = 8
MIN_EPOCHS, MAX_EPOCHS = 50, 2000
MAX_SEED = 9999
N_FRAMES = 51
"""Snapshots kept for the animation: before training, then every epochs / 50 (a whole
number, as the page offers multiples of 50 epochs)."""

PERCEPTRON_EPOCHS = 100


@dataclass(frozen=True)
class Settings:
    """Everything the page's widgets choose (defaults solve XOR for nearly every seed).

    Attributes
    ----------
    hidden_units : int
        Units in the single hidden layer.
    activation : str
        Hidden activation, a name from :data:`nnplay.activations.HIDDEN_CHOICES`.
    learning_rate : float
        Gradient-descent step size.
    epochs : int
        Full-batch epochs.
    seed : int
        Seed of the initial weights.
    """

    hidden_units: int = 4
    activation: str = "tanh"
    learning_rate: float = 0.5
    epochs: int = 500
    seed: int = 0

    def check(self) -> None:
        """Raise ``ValueError`` for settings no network can be built from."""
        if self.hidden_units < 1:
            raise ValueError("the hidden layer needs at least one unit")
        if self.activation not in HIDDEN_CHOICES:
            raise ValueError(f"unknown activation {self.activation!r}")
        if not self.learning_rate > 0 or self.epochs < 1:
            raise ValueError("learning rate and epochs must be positive")


def problems(settings: Settings) -> list[Message]:
    """Why no network can be trained from ``settings`` (empty when one can).

    ``xor.err_no_hidden``: no hidden unit (the page's slider starts at 0 to make
    that point); ``xor.err_settings``: a value outside the page's choices.
    """
    if settings.hidden_units == 0:
        return [Message("xor.err_no_hidden", where="hidden")]
    try:
        settings.check()
    except ValueError:
        return [Message("xor.err_settings", where="settings")]
    inside = (
        settings.hidden_units <= MAX_HIDDEN_UNITS
        and settings.learning_rate in LEARNING_RATES
        and MIN_EPOCHS <= settings.epochs <= MAX_EPOCHS
        and 0 <= settings.seed <= MAX_SEED
    )
    return [] if inside else [Message("xor.err_settings", where="settings")]


def diverged(settings: Settings, epoch: int) -> Message:
    """The message for a training whose loss blew up in ``epoch``."""
    return Message("xor.err_diverged", {"lr": settings.learning_rate, "epoch": epoch}, where="lr")


def network(settings: Settings, *, activation: str | None = None) -> MLP:
    """The untrained MLP of ``settings``: 2 inputs, one hidden layer, one sigmoid output."""
    settings.check()
    return MLP(
        hidden_layer_sizes=(settings.hidden_units,),
        activation=activation or settings.activation,
        output="sigmoid",
        loss="cross_entropy",
        learning_rate=settings.learning_rate,
        max_epochs=settings.epochs,
        batch_size=None,
        random_state=settings.seed,
        n_snapshots=N_FRAMES,
    )


def train(settings: Settings, *, linear: bool = False) -> MLP:
    """Train the network of ``settings`` on the four XOR points.

    Parameters
    ----------
    settings : Settings
    linear : bool
        Replace the hidden activation by the identity (the network that fails).

    Returns
    -------
    MLP
        Trained, with ``snapshots_`` for the animation.

    Raises
    ------
    ValueError
        For impossible settings (no hidden unit).
    nnplay.mlp.DivergedError
        When the learning rate makes the loss blow up.
    """
    data = xor()
    model = network(settings, activation="linear" if linear else None)
    return model.fit(data.X, data.y)


#: Share of epochs in which the loss may rise before training counts as unstable.
UNSTABLE_SHARE = 0.1


def rising_share(model: MLP) -> float:
    """The share of epochs in which the training loss went up instead of down.

    Full-batch gradient descent with a small enough step lowers the loss every
    epoch; a step too large overshoots, and the loss jumps up and down.
    """
    curve = np.asarray(model.loss_curve_, dtype=np.float64)
    return float(np.mean(np.diff(curve) > 0)) if len(curve) > 1 else 0.0


def collapse_linear(model: MLP) -> tuple[np.ndarray, float]:
    """The single linear function a network without activations computes before its output.

    ``x @ W1 + b1`` then ``@ W2 + b2`` is ``x @ (W1 @ W2) + (b1 @ W2 + b2)``:
    stacked linear layers are one linear layer.

    Returns
    -------
    w : ndarray of shape (n_features,)
    b : float
    """
    w = np.eye(model.coefs_[0].shape[0])
    b = np.zeros(w.shape[0])
    for W, c in zip(model.coefs_, model.intercepts_, strict=True):
        w, b = w @ W, b @ W + c
    return w[:, 0], float(b[0])


def forward_table(model: MLP) -> list[dict]:
    """The forward pass on the four XOR inputs: inputs, hidden activations, output.

    Returns
    -------
    list of dict
        One row per input, keys ``x1``, ``x2``, ``h1``..``hk``, ``p`` (the
        output, the probability of class 1), ``y_hat`` (predicted class) and ``y``.
    """
    data = xor()
    _, outs = model.forward(data.X)
    rows = []
    for i, (x, y) in enumerate(zip(data.X, data.y, strict=True)):
        row = {"x1": int(x[0]), "x2": int(x[1])}
        row |= {f"h{j + 1}": float(h) for j, h in enumerate(outs[1][i])}
        p = float(outs[-1][i, 0])
        row |= {"p": p, "y_hat": int(p >= 0.5), "y": int(y)}
        rows.append(row)
    return rows


@dataclass(frozen=True)
class PerceptronTry:
    """The perceptron trained on XOR, and how well its line did along the way.

    Attributes
    ----------
    model : Perceptron
        After training (it never converges).
    accuracy : ndarray
        Accuracy on the four points with the weights in force after each step
        (the first entry: the initial zero weights).
    best_step : int
        The first step that reached the best accuracy.
    """

    model: Perceptron
    accuracy: np.ndarray
    best_step: int

    @property
    def best_accuracy(self) -> float:
        return float(self.accuracy[self.best_step])

    @property
    def best_line(self) -> tuple[np.ndarray, float]:
        """Weights and bias at :attr:`best_step`."""
        trace = self.model.trace_
        return trace.w[self.best_step, 0], float(trace.b[self.best_step, 0])


def perceptron_on_xor(seed: int = 0, epochs: int = PERCEPTRON_EPOCHS) -> PerceptronTry:
    """Train the Iris page's perceptron on XOR and score every line it tried."""
    data = xor()
    model = Perceptron(max_epochs=epochs, shuffle=True, random_state=seed).fit(data.X, data.y)
    w, b = model.trace_.w[:, 0, :], model.trace_.b[:, 0]
    predicted = (data.X @ w.T + b >= 0).astype(np.int64)  # heaviside, one column per step
    accuracy = np.mean(predicted == data.y[:, None], axis=0)
    return PerceptronTry(model, accuracy, int(np.argmax(accuracy)))
