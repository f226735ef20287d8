"""AppTest: the XOR page in both languages, training, bad input, reset; no TensorFlow."""

import base64
import json

import numpy as np
import pytest
from conftest import assert_clean, html_tables, modules_after_opening

from nnplay import i18n, xor_lab
from nnplay.charts.xor import grid
from nnplay.datasets import xor

PAGE = "pages/xor.py"
N_CHARTS = 11  # perceptron, boundary, loss, hidden units, linear network, six activations


def texts(at, kind):
    return [el.value for el in getattr(at, kind)]


def metric(at, key, lang="en"):
    label = i18n.translate(key, lang)
    return next(m.value for m in at.metric if m.label == label)


def charts(at):
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


def decode(array):
    """A numpy array that plotly sent as typed binary (``{"dtype", "bdata", "shape"}``)."""
    if isinstance(array, list):
        return np.array(array, dtype=float)
    values = np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"])
    shape = [int(n) for n in str(array.get("shape", len(values))).split(",")]
    return values.reshape(shape)


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("present", [False, True])
def test_page_runs_in_every_language_and_mode(page, lang, present):
    at = page(PAGE, lang=lang, present=present)
    assert_clean(at)
    assert at.title[0].value == i18n.translate("xor.title", lang)
    assert len(at.get("plotly_chart")) == N_CHARTS
    assert metric(at, "xor.perceptron_best", lang) == "75%"
    assert metric(at, "xor.accuracy", lang) == "100%"
    assert i18n.translate("xor.solved", lang) in texts(at, "success")
    assert at.error == []


def test_default_network_is_drawn_from_its_weights(page):
    at = page(PAGE)
    model = xor_lab.train(xor_lab.Settings())
    boundary = charts(at)[0]  # the experiment first: boundary, loss, perceptron, hidden
    # the figure opens on the trained network: the shading is its probability of class 1
    z = decode(boundary["data"][0]["z"]).astype(float)
    _, points = grid()
    expected = model.predict_proba(points)[:, 1].reshape(z.shape) * 100
    assert np.abs(z - expected).max() <= 0.5
    # one frame per snapshot, a slider step for each, starting at epoch 0
    assert len(boundary["frames"]) == xor_lab.N_FRAMES
    steps = boundary["layout"]["sliders"][0]["steps"]
    assert [s["label"] for s in steps][:2] == ["0", str(round(500 / (xor_lab.N_FRAMES - 1)))]
    assert steps[-1]["label"] == "500"
    # the forward-pass table is the network's own forward pass
    [(header, rows, _)] = html_tables(at)
    column = {name: [row[k] for row in rows] for k, name in enumerate(header)}
    p = np.array(column[i18n.translate("xor.col_output", "en")], dtype=float)
    np.testing.assert_allclose(p, model.predict_proba(xor().X)[:, 1], atol=5e-4)  # 3 decimals
    assert column[i18n.translate("xor.col_prediction", "en")] == ["0", "1", "1", "0"]


def test_the_linear_network_is_shown_failing(page):
    at = page(PAGE)
    accuracy = metric(at, "xor.linear_accuracy")
    assert int(accuracy.rstrip("%")) <= 75
    collapsed = [t for t in texts(at, "latex") if "z = " in t and "x_1" in t]
    assert len(collapsed) == 1
    # with the defaults it ends up saying 50 % everywhere, and the page says so
    assert i18n.translate("xor.linear_flat", "en") in texts(at, "markdown")


def test_changing_settings_waits_for_train_then_trains(page):
    at = page(PAGE)
    assert i18n.translate("xor.form_hint", "en") in texts(at, "caption")

    def choose():
        at.slider(key="xor_hidden").set_value(2)
        at.selectbox(key="xor_activation").select("sigmoid")
        at.select_slider(key="xor_lr").set_value(3.0)
        at.slider(key="xor_epochs").set_value(1000)

    choose()
    at.run()
    assert_clean(at)
    assert metric(at, "xor.epochs") == "500"  # a form: nothing happens before Train

    choose()
    at.button(key="xor_train").click().run()
    assert_clean(at)
    assert metric(at, "xor.epochs") == "1000"
    settings = xor_lab.Settings(2, "sigmoid", 3.0, 1000, 0)
    model = xor_lab.train(settings)
    assert metric(at, "xor.final_loss") == f"{model.loss_curve_[-1]:.4f}"
    hidden = charts(at)[3]
    assert sum(trace["type"] == "heatmap" for trace in hidden["data"]) == 2


def test_zero_hidden_units_gives_a_message_and_keeps_the_last_network(page):
    at = page(PAGE, lang="ko")
    at.slider(key="xor_hidden").set_value(0)
    at.button(key="xor_train").click().run()
    assert_clean(at)
    assert texts(at, "error") == [i18n.translate("xor.err_no_hidden", "ko")]
    assert metric(at, "xor.accuracy", "ko") == "100%"
    assert len(at.get("plotly_chart")) == N_CHARTS


def test_a_learning_rate_that_blows_up_gives_a_message_and_keeps_the_last_network(page):
    at = page(PAGE)
    at.selectbox(key="xor_activation").select("linear")
    at.select_slider(key="xor_lr").set_value(10.0)
    at.button(key="xor_train").click().run()
    assert_clean(at)
    [message] = texts(at, "error")
    assert message.startswith("With learning rate 10.0 the loss blew up")
    assert metric(at, "xor.accuracy") == "100%"
    assert len(at.get("plotly_chart")) == N_CHARTS
    # Reset goes back to the defaults, and the message (about those settings) goes
    at.button(key="xor_reset").click().run()
    assert texts(at, "error") == []


def test_when_only_the_linear_twin_blows_up_the_page_says_so(page):
    at = page(PAGE)
    at.select_slider(key="xor_lr").set_value(10.0)
    at.button(key="xor_train").click().run()
    assert_clean(at)
    assert at.error == []
    warning = i18n.translate("xor.linear_diverged", "en").split("{")[0]
    assert any(w.startswith(warning) for w in texts(at, "warning"))
    assert len(at.get("plotly_chart")) == N_CHARTS - 1


def test_step_activation_explains_why_it_cannot_learn(page):
    at = page(PAGE)
    at.selectbox(key="xor_activation").select("step")
    at.button(key="xor_train").click().run()
    assert_clean(at)
    assert i18n.translate("xor.step_note", "en") in texts(at, "warning")


def test_reset_restores_the_defaults(page):
    at = page(PAGE)
    at.slider(key="xor_hidden").set_value(3)
    at.number_input(key="xor_seed").set_value(7)
    at.button(key="xor_train").click().run()
    assert metric(at, "xor.epochs") == "500"
    at.button(key="xor_reset").click().run()
    assert_clean(at)
    assert at.slider(key="xor_hidden").value == 4
    assert at.number_input(key="xor_seed").value == 0
    assert at.session_state["xor_good"] == xor_lab.Settings()
    assert metric(at, "xor.epochs") == "500"


def test_activation_panel_shows_every_function_and_its_remark(page):
    at = page(PAGE, lang="ko")
    shown = "\n".join(texts(at, "markdown"))
    for key in ("remark_step", "remark_sigmoid", "remark_relu", "remark_softplus"):
        assert i18n.translate(f"xor.{key}", "ko") in shown
    captions = texts(at, "caption")
    assert i18n.translate("xor.range", "ko", low="0", high="∞") in captions
    assert i18n.translate("xor.range", "ko", low="-1", high="1") in captions


def test_xor_page_never_imports_tensorflow():
    loaded = modules_after_opening([PAGE])
    assert "tensorflow" not in loaded
    assert "keras" not in loaded


def test_a_learning_rate_that_overshoots_is_explained(page):
    at = page(PAGE)
    at.selectbox(key="xor_activation").select("tanh")
    at.select_slider(key="xor_lr").set_value(10.0)
    at.button(key="xor_train").click().run()
    assert not at.exception
    model = xor_lab.train(xor_lab.Settings(activation="tanh", learning_rate=10.0))
    share = xor_lab.rising_share(model)
    assert share > xor_lab.UNSTABLE_SHARE  # the loss rose in about two epochs of three
    expected = i18n.translate("xor.unstable", "en", share=f"{share:.0%}", lr="10")
    assert expected in [w.value for w in at.warning]
    # the default settings descend smoothly and say nothing of the kind
    assert xor_lab.rising_share(xor_lab.train(xor_lab.Settings())) == 0.0
