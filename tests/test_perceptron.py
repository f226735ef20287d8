"""The perceptron rule, checked by hand, against a reference loop and against scikit-learn."""

import warnings

import numpy as np
import pytest
from sklearn.base import clone, is_classifier
from sklearn.linear_model import Perceptron as SkPerceptron

from nnplay import datasets
from nnplay.perceptron import STEP_FUNCTIONS, Perceptron, heaviside, perceptron_layer, sgn

IRIS = datasets.iris()
PETALS = IRIS.X[:, (2, 3)]


def iris_binary(positive: int, reverse: bool = False):
    """Petal length and width, ``positive`` class against the rest (optionally reversed)."""
    X, y = PETALS, (IRIS.y == positive).astype(int)
    return (X[::-1], y[::-1]) if reverse else (X, y)


def sklearn_rule(X, y, eta, epochs):
    """scikit-learn's perceptron update, written out: labels +-1, update when y*z <= 0."""
    signs = np.where(y == 1, 1.0, -1.0)
    w, b = np.zeros(X.shape[1]), 0.0
    for _ in range(epochs):
        for x, s in zip(X, signs, strict=True):
            z = 0.0
            for xk, wk in zip(x, w, strict=True):
                z += xk * wk
            if s * (z + b) <= 0:
                w = w + eta * s * x
                b += eta * s
    return w, b


def fit_sklearn(X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return SkPerceptron(tol=None, shuffle=False, **kwargs).fit(X, y)


def reference_fit(X, y, *, eta0, max_epochs, shuffle, random_state, step):
    """The rule as the notes write it, one sample at a time, with nothing clever.

    For every epoch, for every sample, for every output neuron:
    ``z = x · w + b``, ``y_hat = step(z)``, ``w += eta0 * (t - y_hat) * x``,
    ``b += eta0 * (t - y_hat)``; stop after an epoch without a mistake. One
    output neuron for two classes (the larger label positive), else one per
    class ("this class or not"). Shuffling draws one permutation per epoch from
    ``np.random.default_rng(random_state)``, the class's documented order.
    """

    def step_function(z):
        if step == "heaviside":
            return 1.0 if z >= 0 else 0.0
        return 1.0 if z > 0 else (-1.0 if z < 0 else 0.0)

    low, high = (0.0, 1.0) if step == "heaviside" else (-1.0, 1.0)
    classes = sorted(set(y.tolist()))
    positives = classes[1:] if len(classes) == 2 else classes
    n_samples, n_features = X.shape
    n_outputs = len(positives)
    w = [[0.0] * n_features for _ in range(n_outputs)]
    b = [0.0] * n_outputs
    rng = np.random.default_rng(random_state)
    trace = {"w": [[row[:] for row in w]], "b": [b[:]]}
    trace |= {"sample": [], "epoch": [], "z": [], "y_hat": [], "target": []}
    errors = []
    for epoch in range(1, max_epochs + 1):
        order = rng.permutation(n_samples) if shuffle else range(n_samples)
        mistakes = 0
        for i in order:
            x = X[i].tolist()
            targets = [high if y[i] == c else low for c in positives]
            zs, outputs = [], []
            for j in range(n_outputs):
                # feature by feature, then the bias: the order the class sums in
                z = x[0] * w[j][0]
                for k in range(1, n_features):
                    z += x[k] * w[j][k]
                z += b[j]
                y_hat = step_function(z)
                delta = eta0 * (targets[j] - y_hat)
                w[j] = [w[j][k] + delta * x[k] for k in range(n_features)]
                b[j] += delta
                zs.append(z)
                outputs.append(y_hat)
            mistakes += outputs != targets
            trace["w"].append([row[:] for row in w])
            trace["b"].append(b[:])
            trace["sample"].append(i)
            trace["epoch"].append(epoch)
            trace["z"].append(zs)
            trace["y_hat"].append(outputs)
            trace["target"].append(targets)
        errors.append(mistakes)
        if mistakes == 0:
            break
    return {name: np.array(values) for name, values in trace.items()}, errors


# Each task: features, labels and the learning rate.
REFERENCE_TASKS = {
    "setosa": (PETALS, (IRIS.y == 0).astype(int), 1.0),  # separable: converges
    "versicolor": (PETALS, (IRIS.y == 1).astype(int), 0.1),  # never converges
    "virginica, 4 features": (IRIS.X, np.where(IRIS.y == 2, "virginica", "other"), 0.3),
    "three classes": (IRIS.X, IRIS.y, 0.7),  # one output neuron per class
    "xor": (datasets.xor().X, datasets.xor().y, 2.0),
}


@pytest.mark.parametrize("step", list(STEP_FUNCTIONS))
@pytest.mark.parametrize(("shuffle", "seed"), [(False, None), (True, 0), (True, 7)])
@pytest.mark.parametrize("task", list(REFERENCE_TASKS))
def test_fast_path_equals_the_reference_loop(task, shuffle, seed, step):
    """The class skips from mistake to mistake with vector operations; the plain loop
    must give bit-identical weights, trace and errors."""
    X, y, eta0 = REFERENCE_TASKS[task]
    settings = dict(eta0=eta0, max_epochs=15, shuffle=shuffle, random_state=seed, step=step)
    model = Perceptron(**settings).fit(X, y)
    expected, errors = reference_fit(X, y, **settings)
    for name in ("w", "b", "sample", "epoch", "z", "y_hat", "target"):
        np.testing.assert_array_equal(getattr(model.trace_, name), expected[name], err_msg=name)
    np.testing.assert_array_equal(model.errors_, errors)
    assert model.n_iter_ == len(errors)
    assert model.converged_ == (errors[-1] == 0)
    np.testing.assert_array_equal(model.coef_, expected["w"][-1])
    np.testing.assert_array_equal(model.intercept_, expected["b"][-1])


def test_reference_cases_meet_early_stops_ties_and_shuffles():
    """The comparison above exercises every branch of the rule."""

    def run(task, step, shuffle=False, random_state=None):
        X, y, eta0 = REFERENCE_TASKS[task]
        settings = dict(shuffle=shuffle, random_state=random_state, step=step)
        return reference_fit(X, y, eta0=eta0, max_epochs=15, **settings)

    _, errors = run("setosa", "heaviside")
    assert errors[-1] == 0 and len(errors) < 15
    _, errors = run("versicolor", "heaviside")
    assert min(errors) > 0 and len(errors) == 15
    trace, _ = run("xor", "sgn", shuffle=True, random_state=0)
    assert (trace["z"][1:] == 0).any()  # sgn's tie after the first step: y - y_hat is +-1
    trace, _ = run("three classes", "heaviside", shuffle=True, random_state=7)
    assert trace["w"].shape[1:] == (3, 4)
    first, second = trace["sample"][:150], trace["sample"][150:300]
    assert sorted(first) == list(range(150)) and not np.array_equal(first, second)


def test_step_functions_follow_the_notes():
    z = np.array([-2.0, -1e-12, 0.0, 1e-12, 3.0])
    np.testing.assert_array_equal(heaviside(z), [0, 0, 1, 1, 1])
    np.testing.assert_array_equal(sgn(z), [-1, -1, 0, 1, 1])
    assert heaviside(0.0) == 1.0 and sgn(-0.5) == -1.0
    assert heaviside(np.zeros((2, 3))).shape == (2, 3)
    assert STEP_FUNCTIONS == {"heaviside": heaviside, "sgn": sgn}


def test_constructor_stores_arguments_and_fit_returns_self():
    model = Perceptron(eta0=0.5, max_epochs=7, shuffle=True, random_state=3, step="sgn")
    assert model.get_params() == {
        "eta0": 0.5,
        "max_epochs": 7,
        "shuffle": True,
        "random_state": 3,
        "step": "sgn",
    }
    X, y = iris_binary(0)
    assert model.fit(X, y) is model


def test_rule_worked_by_hand():
    # w = 0, b = 0: z = 0 and heaviside says 1. Sample 1 (label 1) is right, no
    # change; sample 2 (label 0) is wrong: w -= (1, 1), b -= 1. Epoch 2 is clean.
    X = np.array([[1.0, 1.0], [-1.0, -1.0]])
    y = np.array([1, 0])
    model = Perceptron(eta0=1.0, max_epochs=10).fit(X, y)
    np.testing.assert_array_equal(model.coef_, [[1.0, 1.0]])
    np.testing.assert_array_equal(model.intercept_, [-1.0])
    assert model.converged_ and model.n_iter_ == 2
    np.testing.assert_array_equal(model.errors_, [1, 0])
    np.testing.assert_array_equal(model.trace_.w[:, 0], [[0, 0], [0, 0], [1, 1], [1, 1], [1, 1]])
    np.testing.assert_array_equal(model.trace_.b[:, 0], [0, 0, -1, -1, -1])
    # scikit-learn updates on the tie z = 0 of the positive sample, so it ends elsewhere
    sk = fit_sklearn(X, y, max_iter=2)
    np.testing.assert_array_equal(sk.coef_, [[1.0, 1.0]])
    np.testing.assert_array_equal(sk.intercept_, [1.0])


def test_sgn_steps_twice_as_far_on_a_mistake_and_once_on_a_tie():
    X = np.array([[2.0], [-1.0]])
    y = np.array([1, 0])  # mapped to +1 / -1
    model = Perceptron(eta0=0.5, max_epochs=1, step="sgn").fit(X, y)
    # step 1: z = 0, sgn = 0, y - y_hat = 1 -> w = 0.5 * 2 = 1, b = 0.5
    # step 2: z = -1 + 0.5 < 0, sgn = -1 = target -> no change
    np.testing.assert_array_equal(model.trace_.w[:, 0, 0], [0.0, 1.0, 1.0])
    np.testing.assert_array_equal(model.trace_.b[:, 0], [0.0, 0.5, 0.5])
    X2 = np.array([[1.0], [1.0]])
    y2 = np.array([1, 0])
    model = Perceptron(eta0=0.5, max_epochs=1, step="sgn").fit(X2, y2)
    # step 2: z = 0.5 + 0.5 = 1 > 0 but target -1: y - y_hat = -2 -> w = 0.5 - 1
    assert model.trace_.w[-1, 0, 0] == pytest.approx(-0.5)
    assert model.trace_.b[-1, 0] == pytest.approx(-0.5)


def test_notes_example_setosa_by_petals_reaches_accuracy_one():
    X, y = iris_binary(0)
    model = Perceptron().fit(X, y)
    assert model.converged_
    assert model.score(X, y) == 1.0
    assert model.errors_[-1] == 0 and model.errors_[:-1].min() > 0
    sk = SkPerceptron().fit(X, y)  # the notes' call, scikit-learn's defaults
    np.testing.assert_array_equal(model.predict(X), sk.predict(X))
    np.testing.assert_array_equal(model.predict(X), y)


@pytest.mark.parametrize("step", list(STEP_FUNCTIONS))
@pytest.mark.parametrize("shuffle", [False, True])
def test_converges_on_separable_data(step, shuffle):
    X, y = iris_binary(0)
    model = Perceptron(eta0=0.1, shuffle=shuffle, random_state=1, step=step).fit(X, y)
    assert model.converged_ and model.n_iter_ < 100
    assert model.score(X, y) == 1.0
    # the learned line separates: every setosa on the positive side
    z = model.decision_function(X)
    assert (z[y == 1] > 0).all() and (z[y == 0] < 0).all()


@pytest.mark.parametrize("positive", [1, 2])
def test_non_separable_classes_never_converge(positive):
    X, y = iris_binary(positive)
    model = Perceptron(max_epochs=50).fit(X, y)
    assert not model.converged_
    assert model.n_iter_ == 50
    assert (model.errors_ > 0).all()
    assert model.score(X, y) < 1.0


def test_trace_has_one_entry_per_update():
    X, y = iris_binary(1)
    model = Perceptron(max_epochs=5, shuffle=True, random_state=0).fit(X, y)
    trace = model.trace_
    n = len(X)
    assert len(trace) == model.n_iter_ * n
    assert trace.w.shape == (len(trace) + 1, 1, 2) and trace.b.shape == (len(trace) + 1, 1)
    np.testing.assert_array_equal(trace.w[-1], model.coef_)
    np.testing.assert_array_equal(trace.b[-1], model.intercept_)
    # every epoch presents every sample once, in a shuffled order
    for epoch in range(1, model.n_iter_ + 1):
        assert sorted(trace.sample[trace.epoch == epoch]) == list(range(n))
    assert not np.array_equal(trace.sample[:n], np.arange(n))
    # replaying the recorded steps with the rule reproduces every recorded weight
    steps = np.diff(trace.w[:, 0], axis=0)
    expected = (trace.target - trace.y_hat)[:, :1] * X[trace.sample]
    np.testing.assert_allclose(steps, expected, atol=1e-12)
    np.testing.assert_allclose(np.diff(trace.b[:, 0]), (trace.target - trace.y_hat)[:, 0])
    net = np.einsum("sf,sf->s", X[trace.sample], trace.w[:-1, 0]) + trace.b[:-1, 0]
    np.testing.assert_allclose(trace.z[:, 0], net, atol=1e-9)
    # the weights change exactly at the mistakes, and errors_ counts them per epoch
    assert trace.updated.sum() == model.errors_.sum()
    assert (np.any(steps != 0, axis=1) == trace.updated).all()
    assert np.bincount(trace.epoch[trace.updated], minlength=model.n_iter_ + 1)[1:].tolist() == (
        model.errors_.tolist()
    )


@pytest.mark.parametrize("positive", [0, 1, 2])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("eta", [1.0, 0.1])
def test_agrees_with_scikit_learn_except_at_ties(positive, reverse, eta):
    """scikit-learn updates when y*z <= 0 (labels +-1); the notes' rule when y != heaviside(z).

    They differ only when a positive sample has z == 0 exactly (heaviside says 1,
    right; scikit-learn counts it as a mistake). Same eta, no shuffling, same
    epochs, no tolerance stopping: bit-identical weights until such a tie.
    """
    X, y = iris_binary(positive, reverse)
    ours = Perceptron(eta0=eta, max_epochs=30).fit(X, y)
    sk = fit_sklearn(X, y, eta0=eta, max_iter=ours.n_iter_)
    ref_w, ref_b = sklearn_rule(X, y, eta, ours.n_iter_)
    np.testing.assert_array_equal(sk.coef_[0], ref_w)  # the reference is scikit-learn's rule
    assert sk.intercept_[0] == ref_b
    ties = (ours.trace_.z[:, 0] == 0) & (ours.trace_.target[:, 0] == 1)
    if ties.any():
        assert not np.array_equal(ours.coef_, sk.coef_)
    else:
        np.testing.assert_array_equal(ours.coef_, sk.coef_)
        np.testing.assert_array_equal(ours.intercept_, sk.intercept_)


def test_agreement_is_exercised_both_ways():
    """The parametrised comparison above really meets both cases on Iris."""
    tie_free, tied = 0, 0
    for positive in (0, 1, 2):
        for reverse in (False, True):
            X, y = iris_binary(positive, reverse)
            trace = Perceptron(max_epochs=30).fit(X, y).trace_
            tied += bool(((trace.z[:, 0] == 0) & (trace.target[:, 0] == 1)).any())
            tie_free += not ((trace.z[:, 0] == 0) & (trace.target[:, 0] == 1)).any()
    assert tie_free >= 2 and tied >= 2


def test_multi_output_is_one_neuron_per_class_like_one_vs_rest():
    X, y = PETALS, IRIS.y
    model = Perceptron(max_epochs=20).fit(X, y)
    assert model.coef_.shape == (3, 2) and model.intercept_.shape == (3,)
    # section 3-1: h = step(XW + b), W = coef_.T (features x classes)
    h = perceptron_layer(X, model.coef_.T, model.intercept_)
    assert h.shape == (150, 3)
    np.testing.assert_array_equal(h, (X @ model.coef_.T + model.intercept_ >= 0).astype(float))
    np.testing.assert_array_equal(model.outputs(X), h)
    # each output neuron learns exactly what a binary perceptron for its class learns
    for k in range(3):
        single = Perceptron(max_epochs=model.n_iter_).fit(X, (y == k).astype(int))
        np.testing.assert_array_equal(model.coef_[k], single.coef_[0])
    # scikit-learn's one-vs-rest: identical for versicolor and virginica, where no tie occurs
    sk = fit_sklearn(X, y, max_iter=20)
    np.testing.assert_array_equal(model.coef_[1:], sk.coef_[1:])
    assert model.predict(X).tolist() == np.argmax(X @ model.coef_.T + model.intercept_, 1).tolist()
    assert model.score(X, y) == np.mean(model.predict(X) == y)


def test_labels_come_back_as_given():
    X, y = iris_binary(0)
    names = np.where(y == 1, "setosa", "other")
    model = Perceptron(step="sgn").fit(X, names)
    assert set(model.predict(X)) == {"setosa", "other"}
    assert model.score(X, names) == 1.0
    signs = np.where(y == 1, 1, -1)
    assert Perceptron(step="sgn").fit(X, signs).score(X, signs) == 1.0


def test_xor_is_out_of_reach():
    data = datasets.xor()
    model = Perceptron(max_epochs=100).fit(data.X, data.y)
    assert not model.converged_
    assert model.score(data.X, data.y) <= 0.75


@pytest.mark.parametrize(
    "kwargs", [{"eta0": 0.0}, {"eta0": -1.0}, {"max_epochs": 0}, {"max_epochs": 1.5}, {"step": "x"}]
)
def test_bad_parameters_raise_value_error(kwargs):
    X, y = iris_binary(0)
    with pytest.raises(ValueError):
        Perceptron(**kwargs).fit(X, y)


def test_one_class_is_refused():
    with pytest.raises(ValueError):
        Perceptron().fit(PETALS[:10], np.zeros(10))


def test_is_a_scikit_learn_classifier_with_keyword_only_arguments():
    with pytest.raises(TypeError):
        Perceptron(0.5)
    model = Perceptron(eta0=0.5, step="sgn")
    assert is_classifier(model)
    assert repr(model) == "Perceptron(eta0=0.5, step='sgn')"
    assert Perceptron(**model.get_params()).get_params() == model.get_params()
    assert model.set_params(max_epochs=3) is model and model.max_epochs == 3
    X, y = iris_binary(1)
    model.fit(X, y)
    copy = clone(model)
    assert copy.get_params() == model.get_params() and not hasattr(copy, "coef_")
    np.testing.assert_array_equal(copy.fit(X, y).coef_, model.coef_)
    assert model.score(X, y) == np.mean(model.predict(X) == y)
