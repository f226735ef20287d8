"""The training plan, its arrays and the evaluation bundle: plain functions, no UI."""

import numpy as np
import pytest

from nnplay.keras_lab import limits, plan
from nnplay.keras_lab import spec as specs
from nnplay.keras_lab.data import load


@pytest.mark.parametrize("split", [0.05, 0.1, 0.15, 0.2, 0.3, 0.33, 0.5])
@pytest.mark.parametrize("n", [20, 99, 101, 141, 1559, 1700])
def test_fraction_validation_holds_out_what_keras_would(n, split):
    from keras.src.trainers.data_adapters.array_slicing import train_validation_split

    x = np.arange(n, dtype=np.float32).reshape(n, 1)
    (x_train,), (x_val,) = train_validation_split((x,), validation_split=split)
    spec = specs.default_spec("iris")
    spec.fit.validation, spec.fit.validation_split = specs.FRACTION, split
    assert plan.validation_count(spec, n) == len(x_val)
    assert plan.train_size(spec, n) == len(x_train)


def test_fit_data_takes_the_last_part_and_one_hot_targets():
    data = load("iris")
    spec = specs.default_spec("iris")
    spec.fit.validation, spec.fit.validation_split = specs.FRACTION, 0.2
    spec.compile.loss = specs.CCE
    arrays = plan.fit_data(spec, data)
    n_val = plan.validation_count(spec, len(data.X_train))
    np.testing.assert_array_equal(arrays.x_val, data.X_train[-n_val:])
    np.testing.assert_array_equal(arrays.x, data.X_train[:-n_val])
    np.testing.assert_array_equal(arrays.y.argmax(axis=1), data.y_train[:-n_val])
    assert arrays.y.shape == (len(arrays.x), 3) and set(np.unique(arrays.y)) == {0.0, 1.0}
    held_out = plan.fit_data(specs.default_spec("iris"), data)
    np.testing.assert_array_equal(held_out.x_val, data.X_valid)


def test_plan_reports_spec_problems_first_then_limits_by_key():
    data = load("moons")
    spec = specs.default_spec("moons")
    assert plan.make_plan(spec, data).problems == []
    bad = spec.copy()
    bad.fit.epochs = 0
    assert [m.key for m in plan.make_plan(bad, data).problems] == ["keras_lab.problem_epochs"]
    tight = limits.Limits(max_epochs=3)
    keys = [m.key for m in plan.make_plan(spec, data, server=tight).problems]
    assert keys == ["keras_training.limit_epochs"]
    other = specs.default_spec("xor")
    continued = plan.make_plan(spec, data, trained=other, epochs_done=5)
    assert [m.key for m in continued.continue_problems] == ["keras_training.other_dataset"]
    balanced = spec.copy()
    balanced.fit.class_weight = specs.BALANCED
    weights = plan.make_plan(balanced, data).options.class_weight
    assert weights == specs.class_weight_for(balanced, data.y_train)


def test_two_feature_classification_sends_the_plane_grid_to_draw_the_boundary_live():
    from nnplay.keras_lab import surface

    for name in ("moons", "xor"):
        data = load(name)
        spec = specs.switch_dataset(specs.book_model(), name)
        probe = plan.fit_data(spec, data).probe
        grid = plan.surface_grid(data)
        assert probe is not None and probe.shape == (surface.PROBE_SIZE**2, 2)
        np.testing.assert_array_equal(probe, grid.points)  # the one the end result uses
        every = np.concatenate([data.X_train, data.X_valid, data.X_test])
        assert grid.xs[0] < every[:, 0].min() and grid.xs[-1] > every[:, 0].max()
    iris = load("iris")  # four features: no plane to draw
    assert plan.fit_data(specs.switch_dataset(specs.book_model(), "iris"), iris).probe is None
