"""The perceptron page's plain-data helpers and figures."""

import contextlib
import io
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from nnplay import datasets
from nnplay import perceptron_lab as lab
from nnplay.charts import perceptron as charts
from nnplay.charts.perceptron_svg import boundary_svg, errors_svg
from nnplay.charts.theme import NORMAL, PRESENTER

IRIS = datasets.iris()


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, []),
        ({"eta0": 0.0}, ["eta"]),
        ({"eta0": -0.5, "max_epochs": 0}, ["eta", "epochs"]),
        ({"x_feature": 3, "y_feature": 3}, ["features"]),
        ({"step": "relu"}, ["step"]),
        ({"eta0": 1e307}, ["eta"]),
        ({"eta0": float("nan")}, ["eta"]),
        ({"seed": 2**32, "shuffle": True}, ["seed"]),
        ({"max_epochs": lab.MAX_EPOCHS + 1}, ["epochs"]),
        ({"positive": "rose"}, ["positive"]),
        ({"x_feature": "petal length (cm)"}, ["features"]),
    ],
)
def test_problems_name_every_bad_setting(changes, expected):
    problems = lab.problems(lab.Settings(**changes))
    assert [m.key.removeprefix("perceptron.bad_") for m in problems] == expected


def test_task_is_the_notes_example_by_default():
    X, y = lab.task(IRIS, lab.Settings())
    np.testing.assert_array_equal(X, IRIS.X[:, [2, 3]])
    np.testing.assert_array_equal(y, (IRIS.y == 0).astype(int))
    X, y = lab.task(IRIS, lab.Settings(x_feature=0, y_feature=1, positive="virginica"))
    np.testing.assert_array_equal(X, IRIS.X[:, :2])
    assert y.sum() == 50 and y[100:].all()
    _, y = lab.task(IRIS, lab.Settings(positive="all"))
    np.testing.assert_array_equal(y, IRIS.y)


@pytest.mark.parametrize("positive", lab.CLASS_CHOICES)
def test_sklearn_code_reproduces_the_twin(positive):
    settings = lab.Settings(positive=positive, eta0=0.5, max_epochs=20)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(lab.sklearn_code(settings), {})
    X, y = lab.task(IRIS, settings)
    assert float(out.getvalue()) == pytest.approx(lab.sklearn_twin(IRIS, settings).score(X, y))


def test_frame_steps_keep_every_update_or_thin_them_evenly():
    updated = np.zeros(1000, dtype=bool)
    updated[[3, 10, 500]] = True
    np.testing.assert_array_equal(lab.frame_steps(updated), [-1, 3, 10, 500])
    updated = np.ones(1000, dtype=bool)
    steps = lab.frame_steps(updated, max_frames=50)
    assert len(steps) == 50 and steps[0] == -1 and steps[1] == 0 and steps[-1] == 999
    assert (np.diff(steps[1:]) > 0).all()
    gaps = np.diff(steps[1:])
    assert gaps.max() - gaps.min() <= 1  # evenly spaced


def test_step_equations_fill_in_the_numbers():
    # step 0 of setosa-vs-rest presents sample 0 (setosa, 1.4 / 0.2) at w = 0: right, no change;
    # versicolor-vs-rest: the same z = 0 gives heaviside 1 for a negative sample: w -= x
    model = lab.train(IRIS, lab.Settings(positive="versicolor"))
    X, _ = lab.task(IRIS, lab.Settings(positive="versicolor"))
    (block,) = lab.step_equations(model.trace_, 0, X, 1.0, "heaviside")
    assert r"\mathrm{heaviside}(0) = 1" in block
    assert r"y = 0" in block
    assert r"(0 - 1)" in block
    x = r"\begin{pmatrix}1.4 \\ 0.2\end{pmatrix}"
    w_new = r"\begin{pmatrix}-1.4 \\ -0.2\end{pmatrix}"
    assert f"{x} = {w_new}" in block
    assert block.endswith(r"0 + 1 \cdot (0 - 1) = -1\end{aligned}")
    three = lab.train(IRIS, lab.Settings(positive="all")).trace_
    blocks = lab.step_equations(three, 5, X, 1, "sgn")
    assert len(blocks) == 3 and all(f"z_{{{j + 1}}}" in b for j, b in enumerate(blocks))


def test_boundary_segment_lies_on_the_line_and_spans_the_view():
    xr, yr = [0.0, 8.0], [0.0, 3.0]
    for w, b in [((1.0, 2.0), -3.0), ((2.0, 0.0), -4.0), ((0.0, -1.0), 1.5), ((-3.0, 1.0), 2.0)]:
        xs, ys = charts.boundary_segment(w, b, xr, yr)
        for x, y in zip(xs, ys, strict=True):
            assert w[0] * x + w[1] * y + b == pytest.approx(0.0)
        assert xs == xr or ys == yr
    assert charts.boundary_segment((0.0, 0.0), 1.0, xr, yr) == ([None, None], [None, None])


def test_weight_arrow_starts_on_the_boundary_and_points_along_w():
    w, b = np.array([1.0, 2.0]), -3.0
    xs, ys = charts.weight_arrow(w, b, [0.0, 8.0], [0.0, 3.0])
    start, end = np.array([xs[0], ys[0]]), np.array([xs[1], ys[1]])
    assert start @ w + b == pytest.approx(0.0)
    direction = (end - start) / np.linalg.norm(end - start)
    np.testing.assert_allclose(direction, w / np.linalg.norm(w))
    assert end @ w + b > 0  # towards the positive side


@pytest.mark.parametrize("positive", ["setosa", "versicolor", "all"])
@pytest.mark.parametrize("theme", [NORMAL, PRESENTER], ids=["normal", "presenter"])
def test_animation_is_a_valid_figure_with_a_frame_per_shown_update(positive, theme):
    settings = lab.Settings(positive=positive)
    model = lab.train(IRIS, settings)
    X, y = lab.task(IRIS, settings)
    names = ["a", "b", "c"][: 3 if positive == "all" else 2]
    steps = lab.frame_steps(model.trace_.updated)
    fig = charts.animation_figure(X, y, names, ("x", "y"), model.trace_, steps, theme)
    checked = go.Figure(fig.to_dict())  # the unvalidated frames pass plotly's validation
    assert len(checked.frames) == len(steps) <= lab.MAX_FRAMES
    slider = checked.layout.sliders[0]
    assert [s.args[0][0] for s in slider.steps] == [f.name for f in checked.frames]
    assert {b.args[0] is None for b in checked.layout.updatemenus[0].buttons} == {True, False}
    # the last frame shows the final boundary: both of its ends satisfy w.x + b = 0
    n_out = model.coef_.shape[0]
    last = checked.frames[-1]
    for j in range(n_out):
        path = last.data[j]
        line = path.x.index(None)  # the boundary, then a gap, then the weight arrow
        for x, y_ in zip(path.x[:line], path.y[:line], strict=True):
            # coordinates have 10 significant digits: the error grows with their size
            scale = np.linalg.norm(model.coef_[j]) * np.hypot(x, y_) + abs(model.intercept_[j])
            z = model.coef_[j] @ (x, y_) + model.intercept_[j]
            assert z == pytest.approx(0, abs=1e-9 * scale)
    assert list(last.traces) == list(range(len(names), len(names) + n_out + 1))
    # the last shown step is the last update, and its sample is ringed
    ringed = last.data[-1]
    assert (ringed.x[0], ringed.y[0]) == tuple(X[model.trace_.sample[steps[-1]]])


def test_step_function_figures_show_the_value_at_zero():
    for name, at_zero in (("heaviside", 1.0), ("sgn", 0.0)):
        fig = charts.step_function_figure(name, NORMAL)
        filled = fig.data[-1]
        assert (filled.x[0], filled.y[0]) == (0.0, at_zero)


def test_catalogs_speak_of_what_the_page_shows():
    from nnplay import i18n

    for lang in i18n.LANGUAGES:
        for key in ("title", "summary", "intro"):
            assert i18n.translate(f"perceptron.{key}", lang)
        differences = i18n.translate("perceptron.differences", lang)
        assert re.search(r"y \\cdot z \\le 0", differences)
        assert "tol=None" in differences and "n_iter_no_change=5" in differences


@pytest.mark.parametrize(
    "settings",
    [
        lab.Settings(eta0=lab.MAX_ETA, max_epochs=lab.MAX_EPOCHS),
        lab.Settings(shuffle=True, seed=lab.MAX_SEED, positive="all"),
        lab.Settings(eta0=1e-12, max_epochs=1, step="sgn", positive="versicolor"),
    ],
)
def test_settings_at_the_bounds_train_and_match_scikit_learn(settings):
    assert lab.problems(settings) == []
    ours = lab.train(IRIS, settings)
    X, y = lab.task(IRIS, settings)
    assert np.isfinite(ours.coef_).all()
    twin = lab.sklearn_twin(IRIS, settings)  # scikit-learn accepts every allowed setting
    assert np.isfinite(twin.coef_).all()
    assert 0 < ours.score(X, y) <= 1


@pytest.mark.parametrize("eta", [0.5, 0.3, 0.05, 2.0])
def test_a_learning_rate_leaves_the_pictures_of_the_notes_example_alone(eta):
    """From zero weights, η scales every w and b and moves no boundary: the figures are
    the same to the byte (so the browser does not draw them again) while the weights differ."""
    iris = datasets.iris()

    def pictures(settings):
        model = lab.train(iris, settings)
        X, y = lab.task(iris, settings)
        names, titles = ["rest", "setosa"], ("x", "y")
        steps = lab.frame_steps(model.trace_.updated)
        animation = charts.animation_figure(X, y, names, titles, model.trace_, steps, NORMAL)
        boundary = boundary_svg(
            X, y, names, titles, model.coef_, model.intercept_, NORMAL, width_px=580
        )
        errors = errors_svg(model.errors_, NORMAL, titles, width_px=384)
        return model, [boundary, errors, animation.to_json()]

    one, ones = pictures(lab.Settings(eta0=1.0))
    other, others = pictures(lab.Settings(eta0=eta))
    np.testing.assert_allclose(other.coef_, eta * one.coef_)
    assert not np.array_equal(other.coef_, one.coef_)
    assert others == ones
