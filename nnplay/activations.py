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
    z = np.asarray(z, dtype=np.float64)
    # exp(-|z|) never overflows (exp(-z) does below z = -709), and e / (1 + e)
    # keeps full relative precision in the left tail, which 0.5 * (1 + tanh(z / 2))
    # loses to cancellation (it is exactly 0 below z = -38).
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def sigmoid_derivative(z: np.ndarray) -> np.ndarray:
    """``sigmoid(z) * (1 - sigmoid(z))``."""
    # = e / (1 + e)**2 with e = exp(-|z|) for either sign; s * (1 - s) loses
    # digits for large z and is exactly 0 above z = 37, where s rounds to 1.
    e = np.exp(-np.abs(np.asarray(z, dtype=np.float64)))
    return e / (1.0 + e) ** 2


def tanh(z: np.ndarray) -> np.ndarray:
    """The hyperbolic tangent ``2 sigmoid(2z) - 1``, in (-1, 1)."""
    return np.tanh(np.asarray(z, dtype=np.float64))


def tanh_derivative(z: np.ndarray) -> np.ndarray:
    """``1 - tanh(z)**2``."""
    # = 4e / (1 + e)**2 with e = exp(-2|z|); 1 - tanh(z)**2 is exactly 0 for |z| > 19.
    e = np.exp(-np.abs(np.asarray(z, dtype=np.float64))) ** 2  # -2|z| may overflow
    return 4.0 * e / (1.0 + e) ** 2


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
"""Names offered for hidden layers; the first, tanh, is the XOR page's default.

At the page's other defaults (4 units, learning rate 0.5, 500 epochs) the seeds
0..19 that get all four XOR points right: tanh 20, sigmoid 0, ReLU 13,
softplus 20, linear 0, step 11 (its hidden layer never learns; the output layer
sometimes finds random step features that separate XOR).
"""


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
