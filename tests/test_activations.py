"""Activation functions: values against reference formulas, derivatives against differences."""

import math
import warnings
from decimal import Decimal, localcontext

import numpy as np
import pytest
from scipy.special import expit

from nnplay import activations, i18n
from nnplay.activations import ACTIVATIONS, HIDDEN_CHOICES
from nnplay.perceptron import heaviside

Z = np.linspace(-6.0, 6.0, 241)
SMOOTH = ["sigmoid", "tanh", "softplus", "linear"]


def test_registry_holds_the_notes_functions():
    assert list(ACTIVATIONS) == ["step", "sigmoid", "tanh", "relu", "softplus", "linear"]
    assert sorted(HIDDEN_CHOICES) == sorted(ACTIVATIONS)


def test_values_match_reference_formulas():
    np.testing.assert_allclose(ACTIVATIONS["sigmoid"].function(Z), expit(Z), rtol=1e-13)
    np.testing.assert_allclose(
        ACTIVATIONS["tanh"].function(Z), 2 * expit(2 * Z) - 1, rtol=1e-12, atol=1e-15
    )
    np.testing.assert_allclose(ACTIVATIONS["relu"].function(Z), np.where(Z > 0, Z, 0.0))
    np.testing.assert_allclose(ACTIVATIONS["softplus"].function(Z), np.log1p(np.exp(Z)))
    np.testing.assert_array_equal(ACTIVATIONS["linear"].function(Z), Z)
    np.testing.assert_array_equal(ACTIVATIONS["step"].function(Z), (Z >= 0).astype(float))


def test_step_is_the_perceptrons_heaviside():
    z = np.array([-2.0, -1e-12, 0.0, 3.0])
    np.testing.assert_array_equal(ACTIVATIONS["step"].function(z), heaviside(z))


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_derivative_matches_central_differences(name):
    act = ACTIVATIONS[name]
    z = Z[np.abs(Z) > 1e-3]  # away from the kinks of step and ReLU at 0
    h = 1e-6
    numeric = (act.function(z + h) - act.function(z - h)) / (2 * h)
    np.testing.assert_allclose(act.derivative(z), numeric, rtol=1e-6, atol=1e-8)


def test_derivatives_at_zero_follow_the_notes():
    zero = np.array([0.0])
    assert ACTIVATIONS["relu"].derivative(zero)[0] == 0.0  # not differentiable: use 0
    assert ACTIVATIONS["step"].derivative(zero)[0] == 0.0
    assert ACTIVATIONS["sigmoid"].derivative(zero)[0] == 0.25
    assert ACTIVATIONS["tanh"].derivative(zero)[0] == 1.0


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_outputs_stay_in_the_stated_range(name):
    act = ACTIVATIONS[name]
    low, high = act.range
    wide = np.linspace(-50, 50, 1001)
    out = act.function(wide)
    assert np.all(out >= low) and np.all(out <= high)
    if math.isfinite(high) and name != "step":  # the bounds are approached
        assert out.max() == pytest.approx(high, abs=1e-9)
        assert out.min() == pytest.approx(low, abs=1e-9)


def test_saturation_and_smooth_relu():
    far = np.array([-1000.0, 1000.0])
    with np.errstate(over="raise", invalid="raise"):  # no overflow at extreme inputs
        np.testing.assert_allclose(ACTIVATIONS["sigmoid"].derivative(far), 0.0, atol=1e-300)
        np.testing.assert_allclose(ACTIVATIONS["softplus"].function(far), [0.0, 1000.0])
    # softplus is a smooth ReLU: they differ by at most log 2, at z = 0
    gap = ACTIVATIONS["softplus"].function(Z) - ACTIVATIONS["relu"].function(Z)
    assert gap.max() == pytest.approx(math.log(2))


def _exact(name: str, z: float) -> float:
    """``name`` at ``z`` in 400-digit decimals, rounded once to a float."""
    with localcontext() as ctx:
        ctx.prec = 400  # enough for 1 + exp(-700) to keep exp(-700)'s digits
        x = Decimal(z)
        value = {
            "sigmoid": lambda: 1 / (1 + (-x).exp()),
            "sigmoid_derivative": lambda: (-x).exp() / (1 + (-x).exp()) ** 2,
            "tanh": lambda: ((2 * x).exp() - 1) / ((2 * x).exp() + 1),
            "tanh_derivative": lambda: 4 / (x.exp() + (-x).exp()) ** 2,
            "softplus": lambda: (1 + x.exp()).ln(),
        }[name]()
    return float(value)


TAILS = np.unique(np.concatenate([np.linspace(-700, 700, 141), np.linspace(-50, 50, 401)]))


@pytest.mark.parametrize(
    "name, function",
    [
        ("sigmoid", activations.sigmoid),
        ("sigmoid_derivative", activations.sigmoid_derivative),
        ("tanh", activations.tanh),
        ("tanh_derivative", activations.tanh_derivative),
        ("softplus", activations.softplus),
    ],
)
def test_sigmoid_family_keeps_relative_precision_in_both_tails(name, function):
    exact = np.array([_exact(name, z) for z in TAILS])
    got = function(TAILS)
    normal = np.abs(exact) >= np.finfo(np.float64).tiny  # below it floats lose digits anyway
    np.testing.assert_allclose(got[normal], exact[normal], rtol=1e-14, atol=0)
    np.testing.assert_allclose(got[~normal], exact[~normal], rtol=0, atol=1e-307)


def test_sigmoid_of_minus_forty_is_not_rounded_to_zero():
    assert activations.sigmoid(np.array([-40.0]))[0] == pytest.approx(
        4.248354255291589e-18, rel=1e-14, abs=0
    )
    assert activations.sigmoid_derivative(np.array([40.0]))[0] == pytest.approx(
        4.248354255291589e-18, rel=1e-14, abs=0
    )


def test_sigmoid_family_at_float_extremes():
    z = np.array([-np.inf, -1e308, -1000.0, 1000.0, 1e308, np.inf])
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise", divide="raise"):
        warnings.simplefilter("error")
        np.testing.assert_array_equal(activations.sigmoid(z), [0, 0, 0, 1, 1, 1])
        np.testing.assert_array_equal(activations.sigmoid_derivative(z), 0.0)
        np.testing.assert_array_equal(activations.tanh_derivative(z), 0.0)
        np.testing.assert_array_equal(activations.softplus(z), [0, 0, 0, 1000, 1e308, np.inf])


def test_remarks_are_in_both_catalogs():
    for act in ACTIVATIONS.values():
        for lang in i18n.LANGUAGES:
            assert act.remarks_key in i18n.catalog(lang)


def test_unknown_name_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        activations.get("swish")
