"""Activation functions and their derivatives, as a registry the pages turn into choices.

Each entry maps a name to an :class:`Activation`: the function, its derivative
(both elementwise on arrays of pre-activations ``z``), the output range and the
catalog key of the notes' remark about it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from nnplay.perceptron import heaviside

ArrayFunction = Callable[[np.ndarray], np.ndarray]


class Activation(NamedTuple):
    """One activation function.

    Attributes
    ----------
    function : callable
        ``phi(z)``, elementwise.
    derivative : callable
        ``phi'(z)``, elementwise, as a function of ``z``.
    range : tuple of float
        Lowest and highest output (``math.inf`` where unbounded).
    remarks_key : str
        Catalog key of what the notes say about it.
    formula : str
        LaTeX of the definition (formulas need no translation).
    """

    function: ArrayFunction
    derivative: ArrayFunction
    range: tuple[float, float]
    remarks_key: str
    formula: str


def step_derivative(z: np.ndarray) -> np.ndarray:
    """Zero everywhere: the step has no gradient to follow (undefined at 0, taken as 0)."""
    return np.zeros_like(np.asarray(z, dtype=np.float64))


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-z))``, in (0, 1)."""
    # Written with tanh, which never overflows, unlike exp(-z) for very negative z.
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


def sigmoid_derivative(z: np.ndarray) -> np.ndarray:
    """``sigmoid(z) * (1 - sigmoid(z))``."""
    s = sigmoid(z)
    return s * (1.0 - s)


def tanh(z: np.ndarray) -> np.ndarray:
    """The hyperbolic tangent ``2 sigmoid(2z) - 1``, in (-1, 1)."""
    return np.tanh(np.asarray(z, dtype=np.float64))


def tanh_derivative(z: np.ndarray) -> np.ndarray:
    """``1 - tanh(z)**2``."""
    return 1.0 - np.tanh(np.asarray(z, dtype=np.float64)) ** 2


def relu(z: np.ndarray) -> np.ndarray:
    """``max(0, z)``."""
    return np.maximum(0.0, np.asarray(z, dtype=np.float64))


def relu_derivative(z: np.ndarray) -> np.ndarray:
    """1 for ``z > 0``, else 0: ReLU has no derivative at 0, and we use 0 there, as the notes do."""
    return (np.asarray(z) > 0).astype(np.float64)


def softplus(z: np.ndarray) -> np.ndarray:
    """``log(1 + exp(z))``, a smooth ReLU."""
    return np.logaddexp(0.0, np.asarray(z, dtype=np.float64))


def linear(z: np.ndarray) -> np.ndarray:
    """The identity: no activation at all."""
    return np.asarray(z, dtype=np.float64).copy()


def linear_derivative(z: np.ndarray) -> np.ndarray:
    """1 everywhere."""
    return np.ones_like(np.asarray(z, dtype=np.float64))


def _heaviside(z: np.ndarray) -> np.ndarray:
    return np.asarray(heaviside(np.asarray(z, dtype=np.float64)), dtype=np.float64)


ACTIVATIONS: dict[str, Activation] = {
    "step": Activation(
        _heaviside,
        step_derivative,
        (0.0, 1.0),
        "xor.remark_step",
        r"\operatorname{heaviside}(z) = \begin{cases} 0 & z < 0 \\ 1 & z \ge 0 \end{cases}",
    ),
    "sigmoid": Activation(
        sigmoid,
        sigmoid_derivative,
        (0.0, 1.0),
        "xor.remark_sigmoid",
        r"\sigma(z) = \frac{1}{1 + e^{-z}}",
    ),
    "tanh": Activation(
        tanh,
        tanh_derivative,
        (-1.0, 1.0),
        "xor.remark_tanh",
        r"\tanh(z) = 2\sigma(2z) - 1",
    ),
    "relu": Activation(
        relu,
        relu_derivative,
        (0.0, math.inf),
        "xor.remark_relu",
        r"\operatorname{ReLU}(z) = \max(0, z)",
    ),
    "softplus": Activation(
        softplus,
        sigmoid,
        (0.0, math.inf),
        "xor.remark_softplus",
        r"\operatorname{softplus}(z) = \log(1 + e^{z})",
    ),
    "linear": Activation(
        linear,
        linear_derivative,
        (-math.inf, math.inf),
        "xor.remark_linear",
        r"\operatorname{linear}(z) = z",
    ),
}
"""Activation functions by name, in the order the pages list them."""

HIDDEN_CHOICES = ["tanh", "sigmoid", "relu", "softplus", "linear", "step"]
"""Names offered for hidden layers, the ones that learn XOR well first."""


def get(name: str) -> Activation:
    """The activation called ``name``.

    Raises
    ------
    ValueError
        For an unknown name, listing the known ones.
    """
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}; choose from {list(ACTIVATIONS)}") from None
