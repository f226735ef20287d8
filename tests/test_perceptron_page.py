"""AppTest: the perceptron page in both languages, its messages, its stepper, no TensorFlow."""

import json

import pytest
from conftest import assert_clean, html_tables, modules_after_opening

from nnplay import datasets, i18n
from nnplay import perceptron_lab as lab

PAGE = "pages/perceptron.py"
IRIS = datasets.iris()


def svg_pictures(at) -> list[str]:
    """The inline SVG pictures: the boundary and errors of the result, the step's boundary."""
    classes = ('<svg class="nnplay-boundary"', '<svg class="nnplay-errors"')
    return [m.value for m in at.markdown if any(c in m.value for c in classes)]


def metric(at, key: str, lang: str = "en") -> str:
    label = i18n.translate(f"perceptron.{key}", lang)
    return next(m.value for m in at.metric if m.label == label)


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("present", [False, True])
def test_page_runs_in_every_language_and_mode(page, lang, present):
    at = page(PAGE, lang=lang, present=present)
    assert_clean(at)
    assert at.title[0].value == i18n.translate("perceptron.title", lang)
    assert len(at.get("plotly_chart")) == 3  # two step functions, the animation
    pictures = svg_pictures(at)
    assert len(pictures) == 3  # the boundary, the errors, the stepper's step
    # each drawn for its column and, outside presenter mode, for a phone's width too
    assert all(p.count("<svg ") == (1 if present else 2) for p in pictures)
    # the notes' example: setosa by petal length and width converges to accuracy 1
    model = lab.train(IRIS, lab.Settings())
    assert at.success[0].value == i18n.translate("perceptron.converged", lang, epochs=model.n_iter_)
    assert metric(at, "metric_accuracy", lang) == "1.000"
    assert metric(at, "metric_sklearn", lang) == "1.000"
    assert metric(at, "metric_updates", lang) == str(model.errors_.sum())
    assert at.code[0].value == lab.sklearn_code(lab.Settings())
    assert not at.error


def test_versicolor_shows_non_convergence(page):
    at = page(PAGE, lang="ko")
    at.selectbox(key="perceptron_positive").select("versicolor").run()
    assert_clean(at)
    model = lab.train(IRIS, lab.Settings(positive="versicolor"))
    assert not model.converged_
    expected = i18n.translate(
        "perceptron.not_converged", "ko", epochs=100, last=int(model.errors_[-1])
    )
    assert expected in [w.value for w in at.warning]
    assert not [s.value for s in at.success if "수렴했습니다" in s.value]
    X, y = lab.task(IRIS, lab.Settings(positive="versicolor"))
    assert metric(at, "metric_accuracy", "ko") == f"{model.score(X, y):.3f}"


def test_animation_has_frames_play_pause_and_a_slider(page):
    at = page(PAGE)
    at.selectbox(key="perceptron_positive").select("virginica").run()
    spec = [json.loads(c.proto.spec) for c in at.get("plotly_chart") if "frames" in c.proto.spec]
    assert len(spec) == 1
    fig = spec[0]
    model = lab.train(IRIS, lab.Settings(positive="virginica"))
    assert len(fig["frames"]) == min(lab.MAX_FRAMES, model.errors_.sum() + 1)
    assert len(fig["layout"]["sliders"][0]["steps"]) == len(fig["frames"])
    labels = [b["label"] for b in fig["layout"]["updatemenus"][0]["buttons"]]
    play, pause = i18n.translate("perceptron.play"), i18n.translate("perceptron.pause")
    assert labels == [play, "¼×", "4×", pause]
    # the speeds: ¼× is four times slower than Play, 4× four times faster
    buttons = fig["layout"]["updatemenus"][0]["buttons"]
    durations = [b["args"][1]["frame"]["duration"] for b in buttons[:3]]
    assert durations == [80, 320, 20]
    assert all(b["args"][1]["fromcurrent"] for b in buttons[:3])
    thinned = i18n.translate(
        "perceptron.animation_thinned",
        updates=model.errors_.sum(),
        frames=len(fig["frames"]) - 1,
    )
    assert thinned in [c.value for c in at.caption]


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("perceptron_eta", 0.0, "bad_eta"),
        ("perceptron_eta", -1.0, "bad_eta"),
        ("perceptron_epochs", 0, "bad_epochs"),
        ("perceptron_y", 2, "bad_features"),
    ],
)
def test_bad_input_shows_a_message_and_keeps_the_last_good_result(page, key, value, message):
    """Values the widgets allow but the rule cannot use: the lesson says why."""
    at = page(PAGE)
    at.selectbox(key="perceptron_positive").select("versicolor")
    at.toggle(key="perceptron_shuffle").set_value(True).run()  # the seed is enabled
    updates = metric(at, "metric_updates")
    widget = at.selectbox(key=key) if key == "perceptron_y" else at.number_input(key=key)
    if key == "perceptron_y":
        widget.select(value).run()
    else:
        widget.set_value(value).run()
    assert_clean(at)
    bounds = {"max_eta": lab.MAX_ETA, "max_epochs": lab.MAX_EPOCHS, "max_seed": lab.MAX_SEED}
    assert i18n.translate(f"perceptron.{message}", **bounds) in [e.value for e in at.error]
    assert i18n.translate("perceptron.kept_last") in [i.value for i in at.info]
    assert metric(at, "metric_updates") == updates  # still the versicolor result
    assert len(at.get("plotly_chart")) == 3 and len(svg_pictures(at)) == 3
    # fixing the input trains again
    at.number_input(key="perceptron_eta").set_value(1.0)
    at.number_input(key="perceptron_epochs").set_value(100)
    at.number_input(key="perceptron_seed").set_value(42)
    at.selectbox(key="perceptron_y").select(3)
    at.selectbox(key="perceptron_positive").select("setosa").run()
    assert not at.error
    assert metric(at, "metric_accuracy") == "1.000"


def test_stepper_walks_through_the_updates(page):
    at = page(PAGE)
    at.selectbox(key="perceptron_positive").select("versicolor").run()
    model = lab.train(IRIS, lab.Settings(positive="versicolor"))
    trace = model.trace_
    assert at.slider(key="perceptron_step").value == 1
    # step 1: sample #1 (a setosa, "the rest") at w = 0 is called positive, so w -= x
    assert i18n.translate("perceptron.step_changed") in [w.value for w in at.warning]
    at.button(key="perceptron_next").click().run()
    assert at.slider(key="perceptron_step").value == 2
    at.button(key="perceptron_next_update").click().run()
    second_update = int(trace.updated.nonzero()[0][1]) + 1
    assert at.slider(key="perceptron_step").value == second_update
    X, _ = lab.task(IRIS, lab.Settings(positive="versicolor"))
    expected = lab.step_equations(trace, second_update - 1, X, 1.0, "heaviside")
    assert any(expected[0] in el.value for el in at.latex)
    at.button(key="perceptron_prev").click().run()
    assert at.slider(key="perceptron_step").value == second_update - 1
    assert_clean(at)


def test_stepper_survives_a_shorter_training(page):
    at = page(PAGE)
    at.selectbox(key="perceptron_positive").select("versicolor").run()
    at.slider(key="perceptron_step").set_value(10_000).run()
    at.selectbox(key="perceptron_positive").select("setosa").run()  # converges: 3 x 150 steps
    assert_clean(at)
    assert at.slider(key="perceptron_step").value == 3 * 150


def test_all_three_species_draw_three_boundaries(page):
    at = page(PAGE, lang="ko")
    at.selectbox(key="perceptron_positive").select("all").run()
    assert_clean(at)
    model = lab.train(IRIS, lab.Settings(positive="all"))
    assert model.coef_.shape == (3, 2)
    [(header, rows, _)] = html_tables(at)
    assert len(rows) == 6  # ours and scikit-learn's, three output neurons each
    assert len(header) == 3 and all(len(row) == 3 for row in rows)
    ours = [row[1] for row in rows[:3]]  # the weights column: our perceptron's three neurons
    assert ours == ["(" + ", ".join(f"{v:.6g}" for v in w) + ")" for w in model.coef_]
    assert len(at.latex) >= 3 + 3  # formulas, and one equation block per output neuron


def test_page_never_imports_tensorflow():
    loaded = modules_after_opening([PAGE])
    assert "sklearn" in loaded  # the page did run: it loaded Iris
    assert "tensorflow" not in loaded and "keras" not in loaded


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("perceptron_eta", 1e307),
        ("perceptron_eta", float("nan")),
        ("perceptron_eta", float("inf")),
        ("perceptron_epochs", 501),
        ("perceptron_seed", 2**32),
        ("perceptron_seed", -1),
    ],
)
def test_values_beyond_the_widgets_bounds_are_refused(page, key, value):
    """As a modified client could send them: the page stays whole, the value is not used."""
    at = page(PAGE)
    at.toggle(key="perceptron_shuffle").set_value(True).run()
    expected = metric(at, "metric_updates")
    at.number_input(key=key).set_value(value).run()
    assert_clean(at)
    assert not at.error
    assert metric(at, "metric_updates") == expected
    defaults = lab.Settings()
    default = {
        "perceptron_eta": defaults.eta0,
        "perceptron_epochs": defaults.max_epochs,
        "perceptron_seed": defaults.seed,
    }[key]
    assert at.session_state[key] == default
