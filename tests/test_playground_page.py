"""AppTest: the playground page, every control, Play / Step / Reset, links and bad input.

A page opens in about a second, so each test drives one session through many
controls, checking after every run that the page is clean (no exception, no
raw catalog key) and that the control did what it says.
"""

import pytest
from conftest import ROOT, assert_clean, modules_after_opening

from nnplay import i18n, state

PAGE = "pages/playground.py"


def metric(at, key, lang="en"):
    label = i18n.translate(key, lang)
    return next(m.value for m in at.metric if m.label == label)


def epoch(at, lang="en") -> int:
    return int(metric(at, "playground.epoch", lang).replace(",", ""))


def texts(at) -> list[str]:
    return [
        el.value for kind in ("error", "warning", "info", "caption") for el in getattr(at, kind)
    ]


def said(key, lang="en", **values) -> str:
    return i18n.translate(f"playground.{key}", lang, **values)


def run(at):
    at.run()
    assert_clean(at)
    return at


def open_link(query: dict, lang="en"):
    """A fresh session opened at ``/playground?...`` (a shared or hand-edited link)."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    for name, value in query.items():
        at.query_params[name] = value
    at.switch_page(PAGE).run()
    assert_clean(at)
    return at


@pytest.mark.parametrize(("lang", "present"), [("en", False), ("ko", True)])
def test_play_step_reset_in_both_languages(page, lang, present):
    at = page(PAGE, lang=lang, present=present)
    assert_clean(at)
    assert at.title[0].value == i18n.translate("playground.title", lang)
    assert epoch(at, lang) == 0 and len(at.get("plotly_chart")) == 2
    at.button(key="playground_step").click()
    assert epoch(run(at), lang) == 1
    at.button(key="playground_play").click()
    run(at)
    assert at.session_state["playground_playing"] is True
    assert at.button(key="playground_pause").label == said("pause", lang)
    first = epoch(at, lang)
    assert epoch(run(at), lang) > first > 1  # every tick of the timer trains on
    at.button(key="playground_pause").click()
    run(at)
    paused = epoch(at, lang)
    assert epoch(run(at), lang) == paused  # nothing moves while paused
    # the time machine goes back to epoch 0, and the metrics with it
    view = at.select_slider(key="playground_view")
    assert view.options[0] == i18n.translate("playground.epoch_n", lang, epoch=0)
    view.set_value(0)
    assert epoch(run(at), lang) == 0
    at.button(key="playground_reset").click()
    assert epoch(run(at), lang) == 0 and at.session_state["playground_session"].resets == 1


def test_every_control_changes_what_it_says(page):
    at = page(PAGE)
    session = lambda: at.session_state["playground_session"]  # noqa: E731
    # data: set, classes, noise, share, seed, regenerate
    at.selectbox(key="playground_data").select("blobs")
    run(at)
    at.slider(key="playground_classes").set_value(5)
    run(at)
    assert session().n_classes == 5 and set(session().y_train) == set(range(5))
    at.slider(key="playground_noise").set_value(50)
    at.slider(key="playground_train").set_value(90)
    at.slider(key="playground_batch").set_value(30)
    run(at)
    assert session().settings.noise == 50 and len(session().X_train) == 450
    assert session().model.batch_size == 30
    before = session().X_train.copy()
    at.button(key="playground_regen").click()
    run(at)
    assert at.number_input(key="playground_seed").value == 1
    assert not (session().X_train == before).all()
    # regression: the problem type offers its own data sets
    at.radio(key="playground_problem").set_value("regression")
    run(at)
    assert at.selectbox(key="playground_data").options == [
        said("data_plane"),
        said("data_reg_gauss"),
    ]
    assert session().regression
    at.radio(key="playground_problem").set_value("classification")
    run(at)
    # features: all on, then none (a message, and nothing to train)
    for name in ("x1sq", "x2sq", "x1x2", "sin1", "sin2"):
        at.toggle(key=f"playground_{name}").set_value(True)
    run(at)
    assert session().model.coefs_[0].shape[0] == 7
    for name in ("x1", "x2", "x1sq", "x2sq", "x1x2", "sin1", "sin2"):
        at.toggle(key=f"playground_{name}").set_value(False)
    run(at)
    assert said("no_features") in texts(at) and at.button(key="playground_play").disabled
    at.toggle(key="playground_x1").set_value(True)
    at.toggle(key="playground_x2").set_value(True)
    run(at)
    # layers: add one, a neuron more in the first, one fewer in the new one, remove it
    at.button(key="playground_layers_add").click()
    run(at)
    at.button(key="playground_layer_0_more").click()
    run(at)
    at.button(key="playground_layer_2_fewer").click()
    run(at)
    assert at.session_state["playground_layers"] == "5~2~1"
    assert said("lesson_bottleneck") in texts(at)
    at.button(key="playground_layers_remove").click()
    run(at)
    assert session().settings.layers == (5, 2)
    assert [W.shape for W in session().model.coefs_] == [(2, 5), (5, 2), (2, 1)]
    # activation, learning rate, regularisation: the lesson beside each
    at.selectbox(key="playground_activation").select("sigmoid")
    run(at)
    assert said("lesson_sigmoid") in texts(at)
    at.selectbox(key="playground_activation").select("linear")
    run(at)
    assert said("lesson_linear") in texts(at)
    at.selectbox(key="playground_activation").select("relu")
    at.select_slider(key="playground_lr").set_value(3.0)
    at.selectbox(key="playground_reg").select("l1")
    run(at)
    at.select_slider(key="playground_rate").set_value(0.01)
    run(at)
    assert said("lesson_relu") in texts(at) and said("lesson_l1") in texts(at)
    assert said("lesson_lr_high") in texts(at)
    assert session().model.l1 == 0.01 and session().model.learning_rate == 3.0
    # pictures: test points and discretised output
    at.toggle(key="playground_test").set_value(True)
    at.toggle(key="playground_discrete").set_value(True)
    run(at)
    import json

    surface = json.loads(at.get("plotly_chart")[0].proto.spec)["data"]
    assert [tr.get("name") for tr in surface if tr["type"] == "scatter"][:2] == ["train", "test"]
    # the URL says every control
    assert at.query_params["layers"] in ("5~2", ["5~2"])
    assert at.query_params["reg"] in ("l1", ["l1"])


def test_own_points_csv_and_the_builder_link(page):
    at = page(PAGE)
    at.selectbox(key="playground_data").select("own")
    run(at)
    assert at.button(key="playground_play").disabled  # no points yet
    at.number_input(key="playground_px").set_value(2.0)
    at.number_input(key="playground_py").set_value(-1.5)
    at.button(key="playground_add").click()
    run(at)
    at.radio(key="playground_label").set_value(0)
    at.number_input(key="playground_px").set_value(-2.0)
    at.button(key="playground_add").click()
    run(at)
    assert at.session_state["playground_points"] == ((2.0, -1.5, 1.0), (-2.0, -1.5, 0.0))
    assert not at.button(key="playground_play").disabled
    at.text_area(key="playground_csv").input("x1,x2,label\n1,1,1\nbad line\n0,3,0")
    at.button(key="playground_csv_load").click()
    run(at)
    assert said("csv_loaded", count=2) in texts(at)
    assert said("csv_skipped", count=1, line=3) in texts(at)
    assert len(at.session_state["playground_session"].X_train) == 4
    at.text_area(key="playground_csv").input("")
    at.button(key="playground_csv_load").click()
    run(at)
    assert said("csv_empty") in texts(at)
    # a CSV file: read once when given, its problems said next to the uploader
    at.file_uploader(key="playground_csv_file").set_value(
        ("mine.csv", b"x1,x2,label\r\n-1,-1,0\r\n", "text/csv")
    )
    run(at)
    assert said("csv_loaded", count=1) in texts(at)
    assert len(at.session_state["playground_points"]) == 5
    run(at)  # the file stays in the uploader: its points are not added again
    assert len(at.session_state["playground_points"]) == 5
    for data, key in ((b"1;2;oops\n", "csv_no_points"), (b"", "csv_file_empty")):
        at.file_uploader(key="playground_csv_file").set_value(("bad.csv", data, "text/csv"))
        run(at)
        assert any(t.startswith(said(key, line=1)[:20]) for t in texts(at)), key
        assert len(at.session_state["playground_points"]) == 5
    at.button(key="playground_clear").click()
    run(at)
    assert at.session_state["playground_points"] == ()
    # the builder link carries the network
    link = at.get("page_link")[0].proto
    assert link.page.endswith("keras_builder")
    assert "layers=dense.4.tanh.hidden1~dense.2.tanh.hidden2~dense.1.sigmoid.output" in (
        link.query_string.replace("%7E", "~")
    )


def test_a_link_round_trips_every_control(page):
    at = page(PAGE, lang="ko")
    at.selectbox(key="playground_data").select("spiral_multi")
    run(at)
    changes = {
        "classes": 4,
        "noise": 25,
        "train": 30,
        "batch": 7,
        "seed": 123,
        "x1sq": True,
        "sin2": True,
        "x2": False,
        "activation": "relu",
        "lr": 0.3,
        "reg": "l2",
        "test": True,
        "discrete": True,
        "label": 2,
    }
    kinds = {f.name: f.kind for f in state.fields("playground")}
    for name, value in changes.items():
        widget_key = f"playground_{name}"
        if kinds[name] == "bool":
            at.toggle(key=widget_key).set_value(value)
        elif name in ("lr", "rate"):
            at.select_slider(key=widget_key).set_value(value)
        elif name in ("activation", "reg"):
            at.selectbox(key=widget_key).select(value)
        elif name == "seed":
            at.number_input(key=widget_key).set_value(value)
        elif name == "label":
            at.radio(key=widget_key).set_value(value)
        else:
            at.slider(key=widget_key).set_value(value)
    at.button(key="playground_layers_add").click()
    run(at)
    at.select_slider(key="playground_rate").set_value(0.003)  # enabled now: L2
    at.multiselect(key="playground_hide_pick").select("lr")
    run(at)
    keys = [f.key for f in state.fields("playground")]
    expected = {k: at.session_state[k] for k in keys}
    assert expected["playground_hide"] == "lr" and expected["playground_layers"] == "4~2~2"
    fresh = open_link(dict(at.query_params), lang="ko")
    assert {k: fresh.session_state[k] for k in keys} == expected
    assert dict(fresh.query_params) == dict(at.query_params)
    assert not [s for s in fresh.select_slider if s.key == "playground_lr"]  # hidden


def test_a_hand_edited_link_is_clamped_with_messages():
    at = open_link(
        {
            "layers": "99~x~0~3~3~3~3~3",
            "lr": "10.0",
            "noise": "50",
            "hide": "foo~reg",
            "data": "plane",
            "problem": "classification",
            "batch": "1e9",
        }
    )
    warnings = [w.value for w in at.warning]
    assert said("layers_clamped", max=6, neurons=8) in warnings
    assert said("hide_unknown") in warnings
    assert at.session_state["playground_problem"] == "regression"
    assert at.session_state["playground_layers"] == "8~1~3~3~3~3"
    assert not [s for s in at.selectbox if s.key == "playground_reg"]
    # learning rate 10: play until the loss blows up, then a clear message and a stop
    at.button(key="playground_play").click()
    run(at)
    for _ in range(40):
        if not at.session_state["playground_playing"]:
            break
        run(at)
    assert not at.session_state["playground_playing"]
    sess = at.session_state["playground_session"]
    assert sess.diverged is not None
    assert said("diverged", epoch=sess.diverged, lr="10") in [e.value for e in at.error]
    assert at.button(key="playground_play").disabled


def test_the_page_never_imports_tensorflow():
    loaded = modules_after_opening([PAGE])
    assert "nnplay" in loaded
    assert "tensorflow" not in loaded and "keras" not in loaded
