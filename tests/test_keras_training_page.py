"""AppTest: the training page in both languages, a live training, stop/continue/reset."""

from __future__ import annotations

import json
import time

import pytest
from conftest import assert_clean

from nnplay import i18n
from nnplay.keras_lab import spec as specs

PAGE = "pages/keras_training.py"
RUN = "keras_training_run"


def _open(page, lang="en", spec=None, present=False):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.query_params["lang"] = lang
    if present:
        at.query_params["present"] = "1"
    at.session_state["lab_spec"] = (spec or specs.default_spec("moons")).to_dict()
    at.run()
    at.switch_page(PAGE).run()
    return at


def _set_epochs(at, epochs):
    key = next(w.key for w in at.number_input if w.key.endswith("_epochs"))
    at.number_input(key=key).set_value(epochs)


def _poll_until_done(at, timeout=120):
    deadline = time.monotonic() + timeout
    while at.session_state[RUN].active:
        assert time.monotonic() < deadline, at.session_state[RUN].progress()
        time.sleep(0.2)
        at.run()  # the live fragment runs once per run
        assert_clean(at)
    at.run()


def _chart_traces(at):
    return [json.loads(chart.proto.spec)["data"] for chart in at.get("plotly_chart")]


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_train_shows_live_curves_then_evaluation(page, lang):
    at = _open(page, lang)
    assert_clean(at)
    assert at.title[0].value == i18n.translate("keras_training.title", lang)
    assert at.button(key="keras_training_stop").disabled
    _set_epochs(at, 2)
    at.button(key="keras_training_train").click().run()
    assert_clean(at)
    run = at.session_state[RUN]
    assert run.state in {"queued", "running", "finished"}
    _poll_until_done(at)
    assert_clean(at)
    assert run.state == "finished" and run.epochs_done == 2
    # curves (loss, accuracy), confusion matrix, weights
    traces = _chart_traces(at)
    assert len(traces) >= 4
    assert traces[0][0]["y"] == pytest.approx(run.history()["loss"])
    metrics = {m.label: m.value for m in at.metric}
    assert i18n.translate("keras_training.test_score", lang, name="accuracy") in metrics
    assert at.dataframe  # the history table and the predictions table


def test_stop_continue_and_reset(page):
    at = _open(page)
    _set_epochs(at, 200)
    at.button(key="keras_training_train").click().run()
    run = at.session_state[RUN]
    deadline = time.monotonic() + 60
    while run.epochs_done < 1:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    at.button(key="keras_training_stop").click().run()
    assert run.wait(30)
    at.run()
    assert_clean(at)
    done = run.epochs_done
    assert run.state == "stopped" and 1 <= done < 200
    assert len(run.history()["loss"]) == done
    assert not at.button(key="keras_training_continue").disabled

    _set_epochs(at, 2)
    at.button(key="keras_training_continue").click().run()
    assert at.session_state[RUN] is run  # the same model, trained on
    _poll_until_done(at)
    assert run.epochs_done == done + 2
    assert_clean(at)

    at.button(key="keras_training_reset").click().run()
    assert_clean(at)
    assert RUN not in at.session_state
    assert run.model is None
    assert at.button(key="keras_training_continue").disabled


def test_other_pages_do_not_stop_the_run_and_coming_back_shows_it(page):
    at = _open(page)
    _set_epochs(at, 30)
    at.button(key="keras_training_train").click().run()
    run = at.session_state[RUN]
    at.switch_page("pages/logic.py").run()
    assert_clean(at)
    at.toggle(key="logic_a").set_value(True).run()
    assert run.active or run.state == "finished"
    at.switch_page(PAGE).run()
    assert at.session_state[RUN] is run
    assert_clean(at)
    run.stop()
    run.wait(30)


def test_limits_stop_train_with_a_message(page, monkeypatch):
    monkeypatch.setenv("NNPLAY_LIMIT_MAX_PARAMS", "10")
    at = _open(page, "ko")
    assert_clean(at)
    assert at.button(key="keras_training_train").disabled
    expected = i18n.translate("keras_training.limit_params", "ko", value="{value}", max="10")
    prefix = expected.split("{value}")[0]
    assert any(e.value.startswith(prefix) for e in at.error)


def test_presenter_mode_runs(page):
    at = _open(page, present=True)
    assert_clean(at)


@pytest.mark.slow
def test_fashion_mnist_sample_gallery_and_confusion_matrix(page, shared_data_env):
    at = _open(page, "ko", spec=specs.book_model())
    assert_clean(at)
    _set_epochs(at, 1)
    at.button(key="keras_training_train").click().run()
    _poll_until_done(at)
    assert_clean(at)
    traces = _chart_traces(at)
    kinds = [[trace["type"] for trace in data] for data in traces]
    gallery = next(k for k in kinds if k.count("heatmap") == 12)
    assert gallery.count("bar") == 12
    assert ["heatmap", "heatmap"] in kinds  # confusion matrix: mistakes, right answers
    at.radio(key="keras_training_gallery").set_value("mistakes").run()
    assert_clean(at)


def test_without_the_data_the_page_offers_the_download_and_the_offline_sets(page, tmp_path):
    import os

    import shared_data
    from conftest import use_data_homes

    previous = use_data_homes(shared_data.empty_homes(tmp_path))
    try:
        at = _open(page, "ko", spec=specs.book_model())
        assert_clean(at)
        assert at.warning and RUN not in at.session_state
        offline = at.button(key="keras_training_use_moons")
        offline.click().run()
        assert_clean(at)
        assert at.session_state["lab_spec"]["dataset"] == "moons"
        assert not at.button(key="keras_training_train").disabled
    finally:
        keras_dir = previous.pop("_keras_dir", None)
        for name, value in previous.items():
            os.environ[name] = value
        if keras_dir is not None:
            from keras.src.backend import config

            config._KERAS_DIR = keras_dir
