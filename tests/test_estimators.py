"""Our hand-written models behave as scikit-learn estimators (its own checks)."""

import warnings

import pytest
from sklearn.utils import estimator_checks

from nnplay.mlp import MLP
from nnplay.perceptron import Perceptron

ESTIMATOR_CHECKS = (
    "check_parameters_default_constructible",
    "check_no_attributes_set_in_init",
    "check_get_params_invariance",
    "check_set_params",
    "check_estimator_cloneable",
    "check_dont_overwrite_parameters",
    "check_estimators_overwrite_params",
    "check_fit_idempotent",
    "check_mixin_order",
)
ESTIMATORS = {
    "Perceptron": lambda: Perceptron(max_epochs=5),
    # the checks' data sets have three classes: a softmax output
    "MLP": lambda: MLP(output="softmax", max_epochs=5),
}


@pytest.mark.parametrize("name", list(ESTIMATORS))
@pytest.mark.parametrize("check", ESTIMATOR_CHECKS)
def test_passes_scikit_learns_estimator_checks(name, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        getattr(estimator_checks, check)(name, ESTIMATORS[name]())
