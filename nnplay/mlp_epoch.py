"""The training epoch of :class:`nnplay.mlp.MLP`, written for speed.

The same arithmetic as :meth:`nnplay.mlp.MLP.gradients` followed by a gradient
step, one (mini-)batch after another. The playground runs it live on batches of
1 to 30 samples, where numpy's cost per call is larger than the arithmetic, so
this module makes few calls per batch:

* each layer's biases are the last row of its weight matrix, and each layer's
  input has a column of ones: ``[a, 1] @ [[W], [b]]`` is ``a @ W + b`` in one
  product, and ``[a, 1].T @ delta`` the gradient of both (the hidden layers'
  values are kept transposed, so that their row of ones leaves them contiguous);
* all weights and biases live in one flat vector, their step in another, so a
  step, penalties included, is a few vector operations; the backward pass
  carries ``rate * delta``, which gives the step without a multiplication;
* the buffers are allocated once (per batch length) and numpy writes into
  them (``out=``);
* the outputs of all hidden layers lie in one buffer, so their derivatives
  come from one or two operations on it, taken from the outputs (``1 - a**2``
  for tanh);
* the samples are shuffled once an epoch, so that each batch is a slice.

The readable version of the same mathematics is :meth:`nnplay.mlp.MLP.gradients`;
``tests/test_playground.py`` checks that both give the same weights.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from itertools import groupby, pairwise

import numpy as np
from scipy.special import expit  # a scikit-learn dependency; sigmoid in one call

from nnplay import activations

Into = Callable[[np.ndarray, np.ndarray], object]
"""An elementwise function of an array that writes its result into the second one."""


def _copy(z: np.ndarray, out: np.ndarray) -> None:
    np.copyto(out, z)


def _relu(z: np.ndarray, out: np.ndarray) -> None:
    np.maximum(z, 0.0, out=out)


def _softplus(z: np.ndarray, out: np.ndarray) -> None:
    np.logaddexp(0.0, z, out=out)


_FUNCTIONS: dict[str, Into] = {
    "tanh": np.tanh,
    "sigmoid": expit,
    "relu": _relu,
    "softplus": _softplus,
    "linear": _copy,
}
"""Hidden activations writing into a buffer (others go through the registry)."""


def _tanh_slope(a: np.ndarray, out: np.ndarray) -> None:
    np.multiply(a, a, out=out)
    np.subtract(1.0, out, out=out)


def _logistic_slope(a: np.ndarray, out: np.ndarray) -> None:
    np.subtract(1.0, a, out=out)
    out *= a


def _relu_slope(a: np.ndarray, out: np.ndarray) -> None:
    np.greater(a, 0.0, out=out)


def _softplus_slope(a: np.ndarray, out: np.ndarray) -> None:
    np.negative(a, out=out)
    np.expm1(out, out=out)  # sigmoid(z) = 1 - exp(-softplus(z))
    np.negative(out, out=out)


def _zero_slope(a: np.ndarray, out: np.ndarray) -> None:
    out.fill(0.0)


def _unit_slope(a: np.ndarray, out: np.ndarray) -> None:
    out.fill(1.0)


_SLOPES: dict[str, Into] = {
    "tanh": _tanh_slope,
    "sigmoid": _logistic_slope,
    "relu": _relu_slope,
    "softplus": _softplus_slope,
    "step": _zero_slope,
    "linear": _unit_slope,
}
"""Each hidden activation's derivative as a function of its output ``a = phi(z)``."""


def _registry_function(function: Callable[[np.ndarray], np.ndarray], z, out) -> None:
    np.copyto(out, function(z))


def _activate(name: str) -> Into:
    if name in _FUNCTIONS:
        return _FUNCTIONS[name]
    return partial(_registry_function, activations.get(name).function)


def _softmax(z: np.ndarray, out: np.ndarray) -> None:
    np.subtract(z, z.max(axis=1, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=1, keepdims=True)


class _Buffers:
    """What the layers compute for a batch of ``m`` samples.

    The hidden layers' values are kept transposed, one row per unit and one
    column per sample, so that the row of ones under them leaves the rest
    contiguous (numpy is slower on strided arrays). ``inputs[i]`` is the input
    of layer ``i + 1`` with its row of ones (a view of ``hidden``, which holds
    them all), ``outputs[i]`` the part a hidden activation writes, ``zs[i]`` a
    hidden layer's pre-activations and ``deltas[i]`` its ``d loss / d z``,
    ``slopes[i]`` its derivatives, ``delta`` the output layer's ``d loss / d z``
    (not transposed), and ``runs`` the parts of ``hidden`` whose layers share an
    activation, each with its part of the derivatives' buffer and the derivative.
    ``back`` has, from the last hidden layer to the first, its ``inputs``,
    ``deltas`` and ``slopes``.
    """

    def __init__(self, sizes: Sequence[int], hidden: Sequence[str], m: int):
        heights = [n + 1 for n in sizes[1:-1]]
        self.hidden = np.ones(m * sum(heights))
        slope_buffer = np.empty_like(self.hidden)
        self.inputs = _views(self.hidden, [(h, m) for h in heights])
        self.outputs = [a[:-1] for a in self.inputs]
        self.slopes = [s[:-1] for s in _views(slope_buffer, [(h, m) for h in heights])]
        self.zs = [np.empty((n, m)) for n in sizes[1:-1]]
        self.deltas = [np.empty((n, m)) for n in sizes[1:-1]]
        self.delta = np.empty((m, sizes[-1]))
        self.back = list(zip(self.inputs, self.deltas, self.slopes, strict=True))[::-1]
        self.runs, at = [], 0
        for name, group in groupby(zip(hidden, heights, strict=True), key=lambda pair: pair[0]):
            part = slice(at, at + m * sum(h for _, h in group))
            self.runs.append((self.hidden[part], slope_buffer[part], _SLOPES[name]))
            at = part.stop


class _Layers:
    """Views of the weights the way the loop uses them.

    ``all[i]`` is layer ``i``'s weights with its biases as the last row,
    ``forward[i]`` the transpose of a hidden layer's, ``last`` the output
    layer's, ``coefs[i]`` layer ``i``'s weights without the biases, and
    ``back`` those of the layers after the first, from the last.
    """

    def __init__(self, layers: list[np.ndarray]):
        self.all = layers
        self.forward = [Wb.T for Wb in layers[:-1]]
        self.last = layers[-1]
        self.coefs = [Wb[:-1] for Wb in layers]
        self.back = self.coefs[:0:-1]


def _views(flat: np.ndarray, shapes: Sequence[tuple[int, int]]) -> list[np.ndarray]:
    """Consecutive pieces of ``flat`` with these shapes."""
    views, at = [], 0
    for rows, cols in shapes:
        views.append(flat[at : at + rows * cols].reshape(rows, cols))
        at += rows * cols
    return views


class EpochRunner:
    """The buffers and the loop of training epochs for one network shape and data size.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, the inputs first and the outputs last.
    hidden : sequence of str
        The activation of each hidden layer.
    output : {"sigmoid", "softmax", "linear"}
    loss : {"cross_entropy", "mse"}
    batch : int
        Samples per step (at most ``n``).
    n : int
        Samples per epoch.

    Attributes
    ----------
    Z : ndarray of shape (n, outputs)
        After :meth:`run`, the output layer's pre-activations of every sample,
        each taken just before its batch's step, in the epoch's order.
    Y : ndarray of shape (n, outputs)
        The targets in the same order.
    """

    def __init__(
        self,
        sizes: Sequence[int],
        hidden: Sequence[str],
        output: str,
        loss: str,
        batch: int,
        n: int,
    ):
        self.key = self.key_of(sizes, hidden, output, loss, batch, n)
        self.shapes = [(fan_in + 1, fan_out) for fan_in, fan_out in pairwise(sizes)]
        self.grad = np.empty(sum(rows * cols for rows, cols in self.shapes))
        self.grads = _views(self.grad, self.shapes)
        self._back = self.grads[:0:-1]
        self.scratch = np.empty_like(self.grad)
        self.is_weight = np.ones_like(self.grad)
        for G in _views(self.is_weight, self.shapes):
            G[-1] = 0.0  # the biases carry no penalty
        self.X = np.ones((n, sizes[0] + 1))
        self.Z = np.empty((n, sizes[-1]))
        self.Y = np.empty((n, sizes[-1]))
        self.functions = [_activate(name) for name in hidden]
        self.output, self.loss = output, loss
        buffers = {m: _Buffers(sizes, hidden, m) for m in {batch, n % batch or batch}}
        self._batches = []  # each batch's buffers and its rows of X, Z and Y
        for start in range(0, n, batch):
            rows = slice(start, min(start + batch, n))
            T = self.Y[rows]
            self._batches.append((buffers[len(T)], self.X[rows], self.Z[rows], T))

    @staticmethod
    def key_of(
        sizes: Sequence[int], hidden: Sequence[str], output: str, loss: str, batch: int, n: int
    ) -> tuple:
        """What a runner is built for: one runner serves every epoch with the same key."""
        return (tuple(sizes), tuple(hidden), output, loss, batch, n)

    def run(
        self,
        coefs: Sequence[np.ndarray],
        intercepts: Sequence[np.ndarray],
        X: np.ndarray,
        Y: np.ndarray,
        order: np.ndarray,
        *,
        rate: float,
        l1: float,
        l2: float,
        output_delta: Callable[[np.ndarray, np.ndarray], np.ndarray],
    ) -> tuple[list[np.ndarray], list[np.ndarray], float]:
        """One epoch: a gradient step per batch of ``X[order]``.

        Parameters
        ----------
        coefs, intercepts : sequence of ndarray
            The weights to start from (not changed).
        X : ndarray of shape (n, inputs)
        Y : ndarray of shape (n, outputs)
            The targets (one-hot for softmax).
        order : ndarray of shape (n,)
            The samples in the order they are used.
        rate, l1, l2 : float
            Learning rate and penalty rates (see :class:`nnplay.mlp.MLP`).
        output_delta : callable
            ``d loss / d z`` of the output layer from its output and the targets
            (used for the mean squared error).

        Returns
        -------
        coefs, intercepts : list of ndarray
            The new weights: views of one new flat vector.
        penalty : float
            The sum over the batches of their penalty times their size.
        """
        theta = np.empty_like(self.grad)
        layers = _Layers(_views(theta, self.shapes))
        for Wb, W, b in zip(layers.all, coefs, intercepts, strict=True):
            Wb[:-1], Wb[-1] = W, b
        self.X[:, :-1] = X[order]
        np.take(Y, order, axis=0, out=self.Y)
        # The backward pass computes rate * gradient (see _output_error): these are
        # the L2 and L1 parts of a step, none for the biases.
        decay = (2.0 * l2 * rate) * self.is_weight
        shrink = (rate * l1) * self.is_weight
        penalty = 0.0
        for buffers, x, z_out, T in self._batches:
            self._forward(buffers, layers, x, z_out)
            self._backward(buffers, layers, x, z_out, T, rate, output_delta)
            penalty += len(T) * self._step(theta, rate, l1, l2, decay, shrink)
        return layers.coefs, [Wb[-1] for Wb in layers.all], penalty

    def _forward(
        self, buffers: _Buffers, layers: _Layers, x: np.ndarray, z_out: np.ndarray
    ) -> None:
        a = x.T
        hidden = (buffers.zs, layers.forward, self.functions, buffers.outputs, buffers.inputs)
        for z, Wb_T, function, out, a_next in zip(*hidden, strict=True):
            np.dot(Wb_T, a, z)  # (a @ W + b), transposed (out positional: faster than out=)
            function(z, out)
            a = a_next
        np.dot(a.T, layers.last, z_out)

    def _backward(
        self,
        buffers: _Buffers,
        layers: _Layers,
        x: np.ndarray,
        z_out: np.ndarray,
        T: np.ndarray,
        rate: float,
        output_delta: Callable[[np.ndarray, np.ndarray], np.ndarray],
    ) -> None:
        """Backpropagation of ``rate * d loss / d z`` into ``grads``: the step, penalties aside."""
        delta = buffers.delta
        self._output_error(z_out, T, rate, delta, output_delta)
        for a, out, slope in buffers.runs:
            slope(a, out)
        delta = delta.T
        for (a, previous, slope), grad, W in zip(
            buffers.back, self._back, layers.back, strict=True
        ):
            np.dot(a, delta.T, grad)
            # pass the error back through W, then through the activation
            np.dot(W, delta, previous)
            previous *= slope
            delta = previous
        np.dot(x.T, delta.T, self.grads[0])

    def _output_error(
        self,
        z: np.ndarray,
        T: np.ndarray,
        rate: float,
        delta: np.ndarray,
        output_delta: Callable[[np.ndarray, np.ndarray], np.ndarray],
    ) -> None:
        """``rate * d loss / d z`` of the output layer into ``delta``.

        Backpropagation is linear in ``delta``: scaled here by the learning rate,
        it gives the step instead of the gradient, one multiplication fewer a batch.
        """
        if self.loss == "cross_entropy":  # (p - y) / m for sigmoid and softmax alike
            if self.output == "sigmoid":
                expit(z, out=delta)
            else:
                _softmax(z, delta)
            delta -= T
            delta *= rate / len(T)
            return
        if self.output == "sigmoid":
            a = expit(z)
        elif self.output == "softmax":
            a = np.empty_like(z)
            _softmax(z, a)
        else:
            a = z
        np.multiply(output_delta(a, T), rate, out=delta)

    def _step(
        self,
        theta: np.ndarray,
        rate: float,
        l1: float,
        l2: float,
        decay: np.ndarray,
        shrink: np.ndarray,
    ) -> float:
        """The step in ``grad``, with the penalties' parts; returns the penalty before it.

        The L1 part is taken after the rest and stopped at zero (see
        :meth:`nnplay.mlp.MLP._epoch`).
        """
        grad, scratch, penalty = self.grad, self.scratch, 0.0
        if l2:
            np.multiply(theta, decay, out=scratch)  # rate * 2 * l2 * W
            penalty += float(scratch @ theta) / (2.0 * rate)  # l2 * sum W**2
            grad += scratch
        if l1:
            np.abs(theta, out=scratch)
            penalty += l1 * float(scratch @ self.is_weight)
        theta -= grad
        if l1:
            np.abs(theta, out=scratch)
            scratch -= shrink
            np.maximum(scratch, 0.0, out=scratch)
            np.copysign(scratch, theta, out=theta)
        return penalty
