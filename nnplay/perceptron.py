"""The perceptron (section 3 of the notes): step functions, the learning rule, an update trace.

A perceptron is one layer of threshold units: every output neuron computes
``h = step(z)`` with ``z = x · w + b``. After each training sample the rule

    w <- w + eta * (y - y_hat) * x,    b <- b + eta * (y - y_hat)

moves the weights towards a sample it got wrong and leaves them alone
otherwise. With two classes there is one output neuron; with more, one output
neuron per class (section 3-1: ``h = phi(XW + b)``, ``W`` of shape features x
classes), each trained by the same rule on "this class or not".

:class:`Perceptron` follows scikit-learn's conventions (constructor arguments
stored unchanged, ``fit`` returns ``self``, learned values end in ``_``).
It differs from :class:`sklearn.linear_model.Perceptron` (``SGDClassifier``
with the hinge loss at margin 0, ``sklearn/linear_model/_sgd_fast.pyx.tp``) in:

- the update condition: scikit-learn maps labels to -1/+1 and updates when
  ``y * z <= 0``; with heaviside the rule updates when ``y != heaviside(z)``.
  The step is the same (``eta * y`` vs ``eta * (y - y_hat)``, both of size
  eta) except at ``z == 0`` on a positive sample, which scikit-learn counts as a
  mistake and heaviside does not. Both start from zero weights, where
  ``z == 0``. With sgn, ``y - y_hat`` is +-2 on a mistake (+-1 at ``z == 0``);
- prediction at ``z == 0``: scikit-learn says negative, heaviside positive;
- stopping: here after an epoch without a mistake; scikit-learn (``tol=1e-3``,
  ``n_iter_no_change=5``) after 5 epochs without its mean loss improving by tol;
- shuffling: its own random generator (same seed, other order);
- more classes: scikit-learn fits one-vs-rest, which is exactly one output
  neuron per class trained independently, as here.

With ``shuffle=False``, scikit-learn's ``tol=None`` and the same eta and epochs
the weights are bit-identical until such a tie (``tests/test_perceptron.py``).
There, too, a plain double loop over epochs and samples (``reference_fit``)
checks that the vectorised :meth:`Perceptron.fit` gives exactly its weights,
trace and errors.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin


def heaviside(z):
    """The Heaviside step: 1 where ``z >= 0``, else 0.

    Parameters
    ----------
    z : array_like
        Net inputs.

    Returns
    -------
    ndarray of float
        0.0 or 1.0 per element, same shape as ``z``.
    """
    return np.where(np.asarray(z) >= 0, 1.0, 0.0)


def sgn(z):
    """The sign function: -1 where ``z < 0``, 0 where ``z == 0``, +1 where ``z > 0``.

    Parameters
    ----------
    z : array_like
        Net inputs.

    Returns
    -------
    ndarray of float
        -1.0, 0.0 or 1.0 per element, same shape as ``z``.
    """
    return np.sign(np.asarray(z, dtype=np.float64))


STEP_FUNCTIONS = {"heaviside": heaviside, "sgn": sgn}
"""Step functions by name (vectorised, numpy in, float array out)."""

# Target values (negative, positive) the rule compares the step's output with.
_TARGETS = {"heaviside": (0.0, 1.0), "sgn": (-1.0, 1.0)}


def _net_input(X: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    """``X @ w + b`` summed feature by feature, then the bias, as scikit-learn does.

    A matrix product may round differently (fused multiply-adds, other orders);
    this order makes the weights bit-identical to scikit-learn's where the two
    rules agree.
    """
    z = X[:, 0] * w[0]
    for k in range(1, X.shape[1]):
        z = z + X[:, k] * w[k]
    return z + b


def perceptron_layer(X, W, b, step: str = "heaviside") -> np.ndarray:
    """Outputs of a layer of threshold units, ``h = step(XW + b)`` (section 3-1).

    Parameters
    ----------
    X : array_like of shape (n_samples, n_features)
        One sample per row.
    W : array_like of shape (n_features, n_outputs)
        One column of weights per output neuron.
    b : array_like of shape (n_outputs,)
        One bias per output neuron.
    step : {"heaviside", "sgn"}
        The step function.

    Returns
    -------
    ndarray of shape (n_samples, n_outputs)
        Every output neuron's output for every sample.
    """
    return STEP_FUNCTIONS[step](np.asarray(X, dtype=np.float64) @ np.asarray(W) + np.asarray(b))


@dataclass(frozen=True)
class Trace:
    """Everything that happened during training, one entry per step.

    A *step* is one application of the rule to one sample (the weights change
    only when the sample was misclassified). ``w[0]``, ``b[0]`` are the
    initial (zero) weights and ``w[s + 1]``, ``b[s + 1]`` those after step ``s``.

    Attributes
    ----------
    w : ndarray of shape (n_steps + 1, n_outputs, n_features)
        Weights before the first step and after every step.
    b : ndarray of shape (n_steps + 1, n_outputs)
        Biases, likewise.
    sample : ndarray of shape (n_steps,)
        Row of ``X`` presented at each step.
    epoch : ndarray of shape (n_steps,)
        Epoch of each step, counted from 1.
    z : ndarray of shape (n_steps, n_outputs)
        Net input ``x · w + b`` at each step, before the update.
    y_hat : ndarray of shape (n_steps, n_outputs)
        The step function's output at each step.
    target : ndarray of shape (n_steps, n_outputs)
        The wanted output (0/1 for heaviside, -1/+1 for sgn).
    """

    w: np.ndarray
    b: np.ndarray
    sample: np.ndarray
    epoch: np.ndarray
    z: np.ndarray
    y_hat: np.ndarray
    target: np.ndarray

    def __len__(self) -> int:
        return len(self.sample)

    @property
    def updated(self) -> np.ndarray:
        """Whether each step changed the weights (some output was wrong)."""
        return np.any(self.y_hat != self.target, axis=1)


class Perceptron(ClassifierMixin, BaseEstimator):
    """A perceptron trained with the rule of the notes, one sample at a time.

    A scikit-learn estimator: ``get_params``, ``set_params``, ``clone`` and
    ``score`` (accuracy) come from :class:`sklearn.base.BaseEstimator` and
    :class:`sklearn.base.ClassifierMixin`.

    Parameters
    ----------
    eta0 : float, default=1.0
        Learning rate (eta; lambda in the notes). Must be > 0.
    max_epochs : int, default=100
        Most passes over the training data; training stops earlier after an
        epoch without a single mistake.
    shuffle : bool, default=False
        Present the samples in a new random order every epoch.
    random_state : int or None, default=None
        Seed of the shuffling.
    step : {"heaviside", "sgn"}, default="heaviside"
        The step function. Targets are 0/1 for heaviside and -1/+1 for sgn;
        any two labels are accepted and :meth:`predict` returns them.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        The labels seen in ``fit``, sorted; with two, ``classes_[1]`` is positive.
    coef_ : ndarray of shape (n_outputs, n_features)
        Weights, one row per output neuron (one neuron for two classes, one per
        class otherwise), as in scikit-learn; ``W = coef_.T`` in the notes.
    intercept_ : ndarray of shape (n_outputs,)
        Biases (the weights of the bias neuron).
    n_iter_ : int
        Epochs run.
    errors_ : ndarray of shape (n_iter_,)
        Misclassified samples in each epoch (samples that changed the weights).
    converged_ : bool
        Whether the last epoch made no mistake (then it made no update either).
    trace_ : Trace
        Weights after every step, and what each step saw.
    """

    def __init__(
        self,
        *,
        eta0: float = 1.0,
        max_epochs: int = 100,
        shuffle: bool = False,
        random_state: int | None = None,
        step: str = "heaviside",
    ):
        self.eta0 = eta0
        self.max_epochs = max_epochs
        self.shuffle = shuffle
        self.random_state = random_state
        self.step = step

    def _check_params(self) -> None:
        if self.step not in STEP_FUNCTIONS:
            raise ValueError(f"step must be one of {sorted(STEP_FUNCTIONS)}, got {self.step!r}")
        if not self.eta0 > 0:
            raise ValueError(f"eta0 must be > 0, got {self.eta0!r}")
        if int(self.max_epochs) != self.max_epochs or self.max_epochs < 1:
            raise ValueError(f"max_epochs must be a whole number >= 1, got {self.max_epochs!r}")

    def fit(self, X, y) -> Perceptron:
        """Train on ``X``, ``y`` from zero weights.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            Training samples.
        y : array_like of shape (n_samples,)
            Labels; two or more distinct values.

        Returns
        -------
        Perceptron
            ``self``, trained.
        """
        self._check_params()
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y)
        if X.ndim != 2 or y.ndim != 1 or len(X) != len(y) or len(X) == 0:
            raise ValueError("X must be 2-D and y 1-D with one label per row of X")
        self.classes_ = np.unique(y)
        if len(self.classes_) < 2:
            raise ValueError("y needs at least two classes")
        low, high = _TARGETS[self.step]
        if len(self.classes_) == 2:
            positive = (y == self.classes_[1])[:, None]
        else:
            positive = y[:, None] == self.classes_[None, :]
        targets = np.where(positive, high, low)

        n_samples, n_features = X.shape
        n_outputs = targets.shape[1]
        phi = STEP_FUNCTIONS[self.step]
        eta = float(self.eta0)
        rng = np.random.default_rng(self.random_state)
        W = np.zeros((n_outputs, n_features))
        B = np.zeros(n_outputs)
        # Weights after each update of each output neuron (they change only then).
        snapshots = [([W[j].copy()], [0.0]) for j in range(n_outputs)]
        orders, zs, outputs, mistakes = [], [], [], []
        self.converged_ = False
        for _ in range(int(self.max_epochs)):
            order = rng.permutation(n_samples) if self.shuffle else np.arange(n_samples)
            Xo, To = X[order], targets[order]
            z_epoch = np.empty((n_samples, n_outputs))
            wrong = np.zeros((n_samples, n_outputs), dtype=bool)
            # Output neurons learn independently. Between two mistakes the weights
            # stay put, so the net inputs up to the next mistake are one vector
            # operation; the rule then updates at that sample and goes on after it.
            for j in range(n_outputs):
                w, b, start = W[j], B[j], 0
                while start < n_samples:
                    z = _net_input(Xo[start:], w, b)
                    z_epoch[start:, j] = z
                    missed = np.flatnonzero(phi(z) != To[start:, j])
                    if len(missed) == 0:
                        break
                    i = start + missed[0]
                    delta = eta * (To[i, j] - phi(z_epoch[i, j]))
                    w, b = w + delta * Xo[i], b + delta
                    snapshots[j][0].append(w)
                    snapshots[j][1].append(b)
                    wrong[i, j] = True
                    start = i + 1
                W[j], B[j] = w, b
            orders.append(order)
            zs.append(z_epoch)
            outputs.append(phi(z_epoch))
            mistakes.append(wrong)
            if not wrong.any():
                self.converged_ = True
                break

        self.coef_ = W
        self.intercept_ = B
        self.n_iter_ = len(orders)
        wrong = np.concatenate(mistakes)
        self.errors_ = np.array([m.any(axis=1).sum() for m in mistakes], dtype=np.int64)
        n_steps = len(wrong)
        trace_w = np.zeros((n_steps + 1, n_outputs, n_features))
        trace_b = np.zeros((n_steps + 1, n_outputs))
        for j, (ws, bs) in enumerate(snapshots):
            in_force = np.cumsum(wrong[:, j])  # snapshot number after each step
            trace_w[1:, j] = np.array(ws)[in_force]
            trace_b[1:, j] = np.array(bs)[in_force]
        sample_index = np.concatenate(orders).astype(np.int64)
        self.trace_ = Trace(
            w=trace_w,
            b=trace_b,
            sample=sample_index,
            epoch=np.repeat(np.arange(1, self.n_iter_ + 1), n_samples),
            z=np.concatenate(zs),
            y_hat=np.concatenate(outputs),
            target=targets[sample_index],
        )
        return self

    def decision_function(self, X) -> np.ndarray:
        """Net inputs ``z = X · w + b``.

        Returns
        -------
        ndarray of shape (n_samples,) for two classes, else (n_samples, n_classes)
        """
        z = np.asarray(X, dtype=np.float64) @ self.coef_.T + self.intercept_
        return z[:, 0] if z.shape[1] == 1 else z

    def outputs(self, X) -> np.ndarray:
        """The output neurons' values ``step(XW + b)``, shape (n_samples, n_outputs)."""
        return perceptron_layer(X, self.coef_.T, self.intercept_, self.step)

    def predict(self, X) -> np.ndarray:
        """Predicted labels, in the labels given to ``fit``.

        With two classes the positive label wins where the step function says
        so: ``z >= 0`` for heaviside, ``z > 0`` for sgn (whose 0 at ``z = 0``
        is neither class; like scikit-learn it counts as negative). With more
        classes, the class whose output neuron has the largest ``z``.
        """
        z = self.decision_function(X)
        if z.ndim == 2:
            return self.classes_[np.argmax(z, axis=1)]
        positive = z >= 0 if self.step == "heaviside" else z > 0
        return self.classes_[positive.astype(np.int64)]
