"""Limits that keep one visitor's training from taking over a shared server.

Each limit has a catalog message (namespace ``keras_training``) that says what
was asked, what is allowed, and what to change. The defaults let the notes'
models train on the full data (the book model for 30 epochs on 55,000 images);
a server can change any of them with an environment variable
``NNPLAY_LIMIT_<NAME>`` (``NNPLAY_LIMIT_MAX_PARAMS=500000``).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, fields

from nnplay.keras_lab.spec import MAX_BATCH_SIZE, MAX_EPOCHS
from nnplay.messages import Message, Severity


@dataclass(frozen=True)
class Limits:
    """What one training may ask for.

    Attributes
    ----------
    max_params : int
        Parameters of the model (the book model has 266,610).
    max_epochs : int
        Epochs in one Train or Continue.
    max_total_epochs : int
        Epochs of one model over all its continuations.
    max_train_samples : int
        Training examples (Fashion-MNIST's training part has 55,000).
    max_batch_size : int
        Examples per gradient step.
    max_steps : int
        Gradient steps in one Train or Continue (epochs × batches per epoch);
        stops ``batch_size=1`` on a large set.
    max_work : float
        Cost per example × training examples × epochs of one Train or Continue,
        a measure of the arithmetic it costs; the cost per example counts every
        layer (:func:`nnplay.keras_lab.build.cost_per_example`: parameters plus
        output values; the book model for 30 epochs on 55,000 images: 4.4e11).
    """

    max_params: int = 3_000_000
    max_epochs: int = MAX_EPOCHS
    max_total_epochs: int = 1_000
    max_train_samples: int = 60_000
    max_batch_size: int = MAX_BATCH_SIZE
    max_steps: int = 200_000
    max_work: float = 1e12

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Limits:
        """Defaults, changed by ``NNPLAY_LIMIT_<NAME>`` variables that hold positive numbers."""
        environ = os.environ if environ is None else environ
        values = {}
        for field in fields(cls):
            raw = environ.get(f"NNPLAY_LIMIT_{field.name.upper()}", "").strip()
            try:
                number = float(raw)
            except ValueError:
                continue
            if math.isfinite(number) and number > 0:
                values[field.name] = int(number) if field.type == "int" else number
        return cls(**values)


def _problem(name: str, **values: object) -> Message:
    shown = {k: f"{v:,}" if isinstance(v, int) else f"{v:.2g}" for k, v in values.items()}
    return Message(f"keras_training.limit_{name}", shown, Severity.ERROR, name)


def check(
    limits: Limits,
    *,
    params: int,
    train_samples: int,
    epochs: int,
    batch_size: int,
    epochs_done: int = 0,
    cost_per_example: int | None = None,
) -> list[Message]:
    """Every limit one Train (or Continue) would exceed; empty when it may run.

    Parameters
    ----------
    limits : Limits
    params : int
        Parameters of the model.
    train_samples : int
        Examples in the training part (without the validation part).
    epochs : int
        Epochs to train now.
    batch_size : int
    epochs_done : int
        Epochs the model has already been trained (for Continue).
    cost_per_example : int, optional
        Arithmetic per example over all layers; ``params`` when not given.

    Returns
    -------
    list of Message
    """
    problems = []
    if params > limits.max_params:
        problems.append(_problem("params", value=params, max=limits.max_params))
    if train_samples > limits.max_train_samples:
        problems.append(_problem("samples", value=train_samples, max=limits.max_train_samples))
    if epochs > limits.max_epochs:
        problems.append(_problem("epochs", value=epochs, max=limits.max_epochs))
    if epochs_done + epochs > limits.max_total_epochs:
        problems.append(
            _problem("total_epochs", value=epochs_done + epochs, max=limits.max_total_epochs)
        )
    if batch_size > limits.max_batch_size:
        problems.append(_problem("batch_size", value=batch_size, max=limits.max_batch_size))
    steps = epochs * math.ceil(train_samples / max(1, batch_size))
    if steps > limits.max_steps:
        problems.append(_problem("steps", value=steps, max=limits.max_steps))
    cost = params if cost_per_example is None else cost_per_example
    work = float(cost) * train_samples * epochs
    if work > limits.max_work:
        problems.append(_problem("work", value=work, max=float(limits.max_work)))
    return problems
