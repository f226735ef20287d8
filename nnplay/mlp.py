"""A multilayer perceptron in numpy, trained by backpropagation, written to be read.

Training is what the notes describe: one pass forward (predict, measure the
error), one pass backward (the gradient of the error with respect to every
weight, layer by layer from the output), then a gradient-descent step.

>>> from nnplay.datasets import xor
>>> data = xor()
>>> model = MLP(hidden_layer_sizes=(3,), activation="tanh", random_state=0)
>>> model.fit(data.X, data.y).score(data.X, data.y)
1.0

The same engine serves the 2-D playground: any number of inputs (the features
the page computes), L1 and L2 penalties on the weights (as Keras's
``kernel_regularizer``), a softmax output for several classes, mini-batches,
training one epoch at a time (:meth:`MLP.partial_fit`), and regression with a
linear output and the mean squared error (:class:`MLPRegressor`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, clone

from nnplay import activations
from nnplay.mlp_epoch import EpochRunner

OUTPUTS = ("sigmoid", "softmax", "linear")
LOSSES = ("cross_entropy", "mse")


class DivergedError(FloatingPointError):
    """The loss or the weights became NaN or infinite (the learning rate is too large).

    Attributes
    ----------
    epoch : int
        The epoch in which it happened (1-based).
    """

    def __init__(self, epoch: int):
        super().__init__(f"training diverged in epoch {epoch}: the loss is not finite")
        self.epoch = epoch


@dataclass(frozen=True)
class Snapshot:
    """The weights after ``epoch`` epochs (0: as initialised), for animations.

    Attributes
    ----------
    epoch : int
    coefs : list of ndarray
    intercepts : list of ndarray
    loss : float
        The loss on the training set with these weights.
    """

    epoch: int
    coefs: list[np.ndarray]
    intercepts: list[np.ndarray]
    loss: float


class MLP(ClassifierMixin, BaseEstimator):
    """A fully connected network for classification, trained by gradient descent.

    The loss of one (mini-)batch is the mean loss of its samples plus the
    penalties on the weights (not on the biases), as Keras's
    ``kernel_regularizer=L1L2(l1, l2)`` adds them::

        loss = mean data loss + l1 * sum |W| + l2 * sum W**2

    A scikit-learn estimator: ``get_params``, ``set_params``, ``clone`` and
    ``score`` (accuracy) come from :class:`sklearn.base.BaseEstimator` and
    :class:`sklearn.base.ClassifierMixin`.

    Parameters
    ----------
    hidden_layer_sizes : sequence of int
        Units in each hidden layer; ``()`` means no hidden layer (logistic regression).
    activation : str or sequence of str
        Hidden activation from :data:`nnplay.activations.ACTIVATIONS`, one name
        for all hidden layers or one per layer.
    output : {"sigmoid", "softmax"}
        A single sigmoid unit (two classes) or one softmax unit per class
        (:class:`MLPRegressor` has a linear output).
    loss : {"cross_entropy", "mse"}
        Cross-entropy, or the mean squared error between outputs and one-hot targets.
    learning_rate : float
        Step size of gradient descent.
    max_epochs : int
        Passes over the training set.
    batch_size : int or None
        Samples per update: ``None`` for full-batch, ``1`` for per-sample updates,
        anything between for mini-batches.
    shuffle : bool
        Shuffle the samples each epoch (mini-batch and per-sample updates only).
    random_state : int or None
        Seed for the initial weights and the shuffling.
    n_snapshots : int
        How many evenly spaced snapshots of the weights to keep (0: none).
    l1 : float
        L1 penalty rate: ``l1 * sum |W|`` is added to each batch's loss. It pushes
        weights to exactly zero (a sparse network): in training, its step stops at
        zero instead of crossing it (see ``_epoch``).
    l2 : float
        L2 penalty rate: ``l2 * sum W**2`` is added to each batch's loss. It shrinks
        every weight towards zero (weight decay). scikit-learn's ``alpha`` is
        ``2 * l2 * batch size``.

    Attributes
    ----------
    classes_ : ndarray
        The class labels seen by ``fit``.
    coefs_ : list of ndarray
        ``coefs_[i]`` has shape ``(units in layer i, units in layer i + 1)``.
    intercepts_ : list of ndarray
        ``intercepts_[i]`` has shape ``(units in layer i + 1,)``.
    loss_curve_ : list of float
        The training loss after each epoch.
    n_iter_ : int
        Epochs run.
    snapshots_ : list of Snapshot
        Weights at evenly spaced epochs, the first before training, the last at the end.
    """

    def __init__(
        self,
        *,
        hidden_layer_sizes: Sequence[int] = (3,),
        activation: str | Sequence[str] = "tanh",
        output: str = "sigmoid",
        loss: str = "cross_entropy",
        learning_rate: float = 0.5,
        max_epochs: int = 1000,
        batch_size: int | None = None,
        shuffle: bool = True,
        random_state: int | None = None,
        n_snapshots: int = 0,
        l1: float = 0.0,
        l2: float = 0.0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.output = output
        self.loss = loss
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state
        self.n_snapshots = n_snapshots
        self.l1 = l1
        self.l2 = l2

    # -- set-up -----------------------------------------------------------------

    def hidden_activations(self) -> list[str]:
        """The activation name of each hidden layer, first to last.

        Returns
        -------
        list of str
            ``activation`` repeated for every hidden layer when it is one name.

        Raises
        ------
        ValueError
            When ``activation`` is a sequence of another length than ``hidden_layer_sizes``.
        """
        n_hidden = len(self.hidden_layer_sizes)
        if isinstance(self.activation, str):
            return [self.activation] * n_hidden
        names = list(self.activation)
        if len(names) != n_hidden:
            raise ValueError(f"{len(names)} activations given for {n_hidden} hidden layers")
        return names

    def _check_parameters(self) -> None:
        if any(int(n) < 1 for n in self.hidden_layer_sizes):
            raise ValueError(f"every hidden layer needs units, got {self.hidden_layer_sizes}")
        for name in self.hidden_activations():
            activations.get(name)
        if self.output not in OUTPUTS:
            raise ValueError(f"output must be one of {OUTPUTS}, got {self.output!r}")
        if self.loss not in LOSSES:
            raise ValueError(f"loss must be one of {LOSSES}, got {self.loss!r}")
        if self.output == "linear" and self.loss != "mse":
            raise ValueError("a linear output needs the mean squared error (loss='mse')")
        for name in ("l1", "l2"):
            rate = getattr(self, name)
            if not (np.isfinite(rate) and rate >= 0):
                raise ValueError(f"{name} must be zero or positive, got {rate}")
        if not (np.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise ValueError(f"learning_rate must be positive, got {self.learning_rate}")
        if self.batch_size is not None and self.batch_size < 1:
            raise ValueError(f"batch_size must be None or positive, got {self.batch_size}")

    def _layer_sizes(self, n_features: int, n_classes: int) -> list[int]:
        n_out = n_classes if self.output == "softmax" else 1
        return [n_features, *map(int, self.hidden_layer_sizes), n_out]

    def initialize(self, n_features: int, classes: Sequence) -> MLP:
        """Draw the initial weights (Glorot uniform, as scikit-learn's MLP does).

        Also starts the training record (``loss_curve_``, ``n_iter_``, ``snapshots_``).

        Parameters
        ----------
        n_features : int
            Inputs of the network.
        classes : sequence
            The class labels (two for a sigmoid output; ignored for a linear one).

        Returns
        -------
        MLP
            ``self``, with ``coefs_`` and ``intercepts_`` set.
        """
        self._check_parameters()
        if self.output != "linear":
            self.classes_ = np.asarray(classes)
        else:
            classes = [None]
        if self.output == "sigmoid" and len(self.classes_) != 2:
            raise ValueError("a sigmoid output needs exactly two classes; use softmax")
        rng = np.random.default_rng(self.random_state)
        sizes = self._layer_sizes(n_features, len(classes))
        names = [*self.hidden_activations(), self.output]
        self.coefs_, self.intercepts_ = [], []
        for fan_in, fan_out, name in zip(sizes[:-1], sizes[1:], names, strict=True):
            # Sigmoid units are flatter near 0, so they start with larger weights.
            factor = 2.0 if name == "sigmoid" else 6.0
            limit = np.sqrt(factor / (fan_in + fan_out))
            self.coefs_.append(rng.uniform(-limit, limit, (fan_in, fan_out)))
            self.intercepts_.append(rng.uniform(-limit, limit, fan_out))
        self._rng = rng
        self.loss_curve_: list[float] = []
        self.snapshots_: list[Snapshot] = []
        self.n_iter_ = 0
        return self

    # -- forward and backward ---------------------------------------------------

    def forward(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Run the network on ``X`` and keep what every layer computed.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)

        Returns
        -------
        zs : list of ndarray
            Pre-activations ``z = a_prev @ W + b`` of every layer after the input.
        activations : list of ndarray
            ``activations[0]`` is ``X``; then each layer's output; the last one is
            the network's output (probabilities; values for a linear output).
        """
        a = np.asarray(X, dtype=np.float64)
        zs, outs = [], [a]
        names = self.hidden_activations()
        for i, (W, b) in enumerate(zip(self.coefs_, self.intercepts_, strict=True)):
            z = a @ W + b
            if i < len(names):
                a = activations.get(names[i]).function(z)
            elif self.output == "sigmoid":
                a = activations.sigmoid(z)
            elif self.output == "softmax":
                a = _softmax(z)
            else:
                a = z
            zs.append(z)
            outs.append(a)
        return zs, outs

    def _targets(self, y: np.ndarray) -> np.ndarray:
        if self.output == "linear":
            return np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        index = np.searchsorted(self.classes_, y)
        if self.output == "sigmoid":
            return index.astype(np.float64)[:, None]
        return np.eye(len(self.classes_))[index]

    def _loss(self, z_out: np.ndarray, a_out: np.ndarray, Y: np.ndarray) -> float:
        if self.loss == "mse":
            return float(np.mean((a_out - Y) ** 2))
        if self.output == "sigmoid":
            # -[y log p + (1 - y) log(1 - p)] with p = sigmoid(z), computed from z
            # so that it stays finite when p rounds to 0 or 1.
            return float(np.mean(np.logaddexp(0.0, z_out) - Y * z_out))
        log_norm = _logsumexp(z_out)
        return float(np.mean(log_norm - np.sum(Y * z_out, axis=1)))

    def penalty(self) -> float:
        """``l1 * sum |W| + l2 * sum W**2`` over every layer's weights (not the biases)."""
        total = 0.0
        for W in self.coefs_:
            if self.l1:
                total += self.l1 * float(np.abs(W).sum())
            if self.l2:
                total += self.l2 * float(np.square(W).sum())
        return total

    def loss_value(self, X: np.ndarray, y: np.ndarray, *, penalty: bool = True) -> float:
        """The loss of the current weights on ``(X, y)``, with the penalty unless asked not to."""
        zs, outs = self.forward(X)
        data_loss = self._loss(zs[-1], outs[-1], self._targets(np.asarray(y)))
        return data_loss + self.penalty() if penalty else data_loss

    def gradients(
        self, X: np.ndarray, y: np.ndarray
    ) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
        """Backpropagation: the loss and its gradient with respect to every weight.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
        y : ndarray of shape (n_samples,)
            Class labels from ``classes_``.

        Returns
        -------
        loss : float
            The mean loss over the samples, plus the penalty on the weights.
        coef_grads, intercept_grads : list of ndarray
            Same shapes as ``coefs_`` and ``intercepts_``.
        """
        return self._backprop(np.asarray(X, dtype=np.float64), self._targets(np.asarray(y)))

    def _output_delta(self, a_out: np.ndarray, Y: np.ndarray) -> np.ndarray:
        """``d loss / d z`` of the output layer (the mean over the batch's samples)."""
        if self.loss == "cross_entropy":
            return (a_out - Y) / len(Y)
        d_a = 2.0 * (a_out - Y) / a_out.size
        if self.output == "sigmoid":
            return d_a * a_out * (1.0 - a_out)
        if self.output == "linear":
            return d_a
        # the softmax Jacobian, applied without building it
        return a_out * (d_a - np.sum(d_a * a_out, axis=1, keepdims=True))

    def _backprop(
        self, X: np.ndarray, Y: np.ndarray
    ) -> tuple[float, list[np.ndarray], list[np.ndarray]]:
        zs, outs = self.forward(X)
        loss = self._loss(zs[-1], outs[-1], Y)

        delta = self._output_delta(outs[-1], Y)
        names = self.hidden_activations()
        coef_grads = [np.empty(0)] * len(self.coefs_)
        intercept_grads = [np.empty(0)] * len(self.coefs_)
        for i in range(len(self.coefs_) - 1, -1, -1):
            coef_grads[i] = outs[i].T @ delta
            intercept_grads[i] = delta.sum(axis=0)
            W = self.coefs_[i]
            if self.l1:  # d/dW of l1 |W| (0 where W is exactly 0, as Keras takes it)
                coef_grads[i] += self.l1 * np.sign(W)
            if self.l2:
                coef_grads[i] += 2.0 * self.l2 * W
            if i > 0:  # pass the error back through W, then through the activation
                delta = (delta @ self.coefs_[i].T) * activations.get(names[i - 1]).derivative(
                    zs[i - 1]
                )
        if self.l1 or self.l2:
            loss += self.penalty()
        return loss, coef_grads, intercept_grads

    # -- training -----------------------------------------------------------------

    def _snapshot_epochs(self) -> set[int]:
        if self.n_snapshots <= 0:
            return set()
        count = min(self.n_snapshots, self.max_epochs + 1)
        return set(np.linspace(0, self.max_epochs, count).round().astype(int).tolist())

    def _snapshot(self, epoch: int, X: np.ndarray, y: np.ndarray) -> None:
        self.snapshots_.append(
            Snapshot(
                epoch,
                [W.copy() for W in self.coefs_],
                [b.copy() for b in self.intercepts_],
                self.loss_value(X, y),
            )
        )

    def fit(self, X: np.ndarray, y: np.ndarray) -> MLP:
        """Train on ``(X, y)`` from freshly initialised weights.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
        y : ndarray of shape (n_samples,)

        Returns
        -------
        MLP
            ``self``.

        Raises
        ------
        ValueError
            For impossible settings (a hidden layer without units, an unknown activation...).
        DivergedError
            When the loss or the weights stop being finite.
        """
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        self.initialize(X.shape[1], self._classes_of(y))
        wanted = self._snapshot_epochs()
        if 0 in wanted:
            self._snapshot(0, X, y)
        Y = self._targets(y)
        with np.errstate(over="ignore", invalid="ignore"):
            for epoch in range(1, self.max_epochs + 1):
                self._epoch(X, Y)
                if epoch in wanted:
                    self._snapshot(epoch, X, y)
        if not all(np.isfinite(W).all() for W in [*self.coefs_, *self.intercepts_]):
            raise DivergedError(self.n_iter_)
        return self

    def partial_fit(self, X: np.ndarray, y: np.ndarray, classes: Sequence | None = None) -> MLP:
        """One more epoch on ``(X, y)`` from the current weights (initialised on the first call).

        What the playground's Step does, and each tick of its Play. ``max_epochs``
        and ``n_snapshots`` are not used; ``loss_curve_`` and ``n_iter_`` grow by one.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
        y : ndarray of shape (n_samples,)
        classes : sequence, optional
            Every class label, on the first call (default: those in ``y``).

        Returns
        -------
        MLP
            ``self``.

        Raises
        ------
        DivergedError
            When the loss or the weights stop being finite (the weights are then
            left as they became).
        """
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        if not hasattr(self, "coefs_"):
            self.initialize(X.shape[1], self._classes_of(y) if classes is None else classes)
        with np.errstate(over="ignore", invalid="ignore"):
            self._epoch(X, self._targets(y))
        return self

    def _classes_of(self, y: np.ndarray) -> np.ndarray:
        return np.unique(y) if self.output != "linear" else np.empty(0)

    def _epoch(self, X: np.ndarray, Y: np.ndarray) -> float:
        """One pass over the samples in (mini-)batches, a gradient step per batch.

        The same arithmetic as :meth:`gradients` followed by a step, written for
        speed (the playground runs it live) in :class:`nnplay.mlp_epoch.EpochRunner`,
        whose buffers the network keeps from one epoch to the next.

        The L1 part of a step is taken after the rest and stopped at zero, as
        TensorFlow Playground does (a weight that the step would carry across
        zero becomes exactly zero): the sparsity L1 is known for, which plain
        steps along ``l1 * sign(W)`` would only approach, jittering around zero.
        """
        n = len(X)
        batch = n if self.batch_size is None else min(self.batch_size, n)
        order = self._rng.permutation(n) if self.shuffle and batch < n else np.arange(n)
        runner = self._runner(X.shape[1], batch, n)
        self.coefs_, self.intercepts_, penalty = runner.run(
            self.coefs_,
            self.intercepts_,
            X,
            Y,
            order,
            rate=self.learning_rate,
            l1=self.l1,
            l2=self.l2,
            output_delta=self._output_delta,
        )
        self.n_iter_ += 1
        # Like scikit-learn, an epoch's loss is the mean of its batch losses, each
        # measured just before its batch's step: no extra forward pass.
        Z = runner.Z
        with np.errstate(over="ignore", invalid="ignore"):
            loss = self._loss(Z, self._output_function(Z), runner.Y) + penalty / n
        if not np.isfinite(loss):
            raise DivergedError(self.n_iter_)
        self.loss_curve_.append(loss)
        return loss

    def __getstate__(self) -> dict:
        """What pickling keeps: not the epochs' buffers (rebuilt when needed)."""
        state = dict(super().__getstate__())  # a copy: it may be the instance's __dict__
        state.pop("_epoch_runner", None)
        return state

    def _runner(self, n_features: int, batch: int, n: int) -> EpochRunner:
        """The epoch's buffers: last epoch's unless the network or the batches changed."""
        sizes = [n_features, *(W.shape[1] for W in self.coefs_)]
        args = (sizes, self.hidden_activations(), self.output, self.loss, batch, n)
        runner = getattr(self, "_epoch_runner", None)
        if runner is None or runner.key != EpochRunner.key_of(*args):
            runner = self._epoch_runner = EpochRunner(*args)
        return runner

    def _output_function(self, z: np.ndarray) -> np.ndarray:
        if self.output == "sigmoid":
            return activations.sigmoid(z)
        if self.output == "softmax":
            return _softmax(z)
        return z

    # -- prediction -------------------------------------------------------------

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Class probabilities, shape ``(n_samples, n_classes)``, columns as in ``classes_``."""
        out = self.forward(X)[1][-1]
        if self.output == "sigmoid":
            return np.hstack([1.0 - out, out])
        return out

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The most probable class of each sample."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def with_weights(self, coefs: list[np.ndarray], intercepts: list[np.ndarray]) -> MLP:
        """A copy of this trained network with other weights (a snapshot's, say)."""
        other = clone(self)
        if hasattr(self, "classes_"):
            other.classes_ = self.classes_
        other.coefs_ = [np.asarray(W, dtype=np.float64) for W in coefs]
        other.intercepts_ = [np.asarray(b, dtype=np.float64) for b in intercepts]
        return other


class MLPRegressor(RegressorMixin, MLP):
    """The same network for regression: a linear output unit and the mean squared error.

    ``score`` is the coefficient of determination R² (:class:`sklearn.base.RegressorMixin`);
    ``predict`` returns the output, shape ``(n_samples,)``.

    Parameters
    ----------
    hidden_layer_sizes, activation, learning_rate, max_epochs, batch_size, shuffle, \
random_state, n_snapshots, l1, l2
        As for :class:`MLP`.
    """

    output = "linear"  # fixed: not parameters of a regressor
    loss = "mse"

    def __init__(
        self,
        *,
        hidden_layer_sizes: Sequence[int] = (3,),
        activation: str | Sequence[str] = "tanh",
        learning_rate: float = 0.01,
        max_epochs: int = 1000,
        batch_size: int | None = None,
        shuffle: bool = True,
        random_state: int | None = None,
        n_snapshots: int = 0,
        l1: float = 0.0,
        l2: float = 0.0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.learning_rate = learning_rate
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.random_state = random_state
        self.n_snapshots = n_snapshots
        self.l1 = l1
        self.l2 = l2

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The network's output for each sample, shape ``(n_samples,)``."""
        return self.forward(X)[1][-1][:, 0]

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        """Not for regression."""
        raise AttributeError("a regressor has no class probabilities")


def _logsumexp(z: np.ndarray) -> np.ndarray:
    top = z.max(axis=1, keepdims=True)
    return (top + np.log(np.exp(z - top).sum(axis=1, keepdims=True)))[:, 0]


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)
