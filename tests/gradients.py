"""Finite-difference gradients of a numpy MLP's loss, the reference for backpropagation."""

from __future__ import annotations

import numpy as np


def finite_differences(model, X, y, h: float = 1e-6) -> tuple[list, list]:
    """Central differences of ``model.loss_value(X, y)`` in every weight and bias.

    Returns
    -------
    tuple of list of ndarray
        ``(coef_grads, intercept_grads)``, shaped like ``model.coefs_`` and
        ``model.intercepts_``.
    """
    grads = []
    for params in (model.coefs_, model.intercepts_):
        layer_grads = []
        for P in params:
            G = np.zeros_like(P)
            for index in np.ndindex(P.shape):
                old = P[index]
                P[index] = old + h
                up = model.loss_value(X, y)
                P[index] = old - h
                down = model.loss_value(X, y)
                P[index] = old
                G[index] = (up - down) / (2 * h)
            layer_grads.append(G)
        grads.append(layer_grads)
    return grads[0], grads[1]
