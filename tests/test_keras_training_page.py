"""AppTest: the training page in both languages, a live training, stop/continue/reset."""

from __future__ import annotations

import contextlib
import json
import time

import pytest
from conftest import assert_clean, shown_texts

from nnplay import i18n
from nnplay.keras_lab import spec as specs
from nnplay.keras_lab.slots import server_slots
from nnplay.keras_lab.training import FINISHED, QUEUED, STOPPED

PAGE = "pages/keras_training.py"
RUN = "keras_training_run"


def _open(lang="en", spec=None, present=False):
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


@contextlib.contextmanager
def _every_slot_taken(timeout=60):
    """Hold all of the server's training slots: a training started meanwhile waits, queued."""
    slots = server_slots()
    deadline = time.monotonic() + timeout
    held = 0
    try:
        for _ in range(slots.capacity):
            assert slots.acquire(object(), lambda: time.monotonic() > deadline), "a slot stays busy"
            held += 1
        yield
    finally:
        for _ in range(held):
            slots.release()


def _chart_traces(at):
    return [json.loads(chart.proto.spec)["data"] for chart in at.get("plotly_chart")]


@contextlib.contextmanager
def _closing_the_run(at):
    """Close the page's training run, if there is one, however the test ends."""
    try:
        yield
    finally:
        if RUN in at.session_state:
            at.session_state[RUN].close()


@contextlib.contextmanager
def _trained_one_epoch(spec, lang="ko"):
    """The training page after one epoch of ``spec``; its run is closed afterwards."""
    at = _open(lang, spec=spec)
    assert_clean(at)
    _set_epochs(at, 1)
    with _closing_the_run(at):
        at.button(key="keras_training_train").click().run()
        _poll_until_done(at)
        assert_clean(at)
        yield at


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_train_shows_live_curves_then_evaluation(lang):
    at = _open(lang)
    assert_clean(at)
    assert at.title[0].value == i18n.translate("keras_training.title", lang)
    assert at.button(key="keras_training_stop").disabled
    _set_epochs(at, 2)
    with _closing_the_run(at):
        with _every_slot_taken():
            at.button(key="keras_training_train").click().run()
            assert_clean(at)
            run = at.session_state[RUN]
            assert run.state == QUEUED  # it waits for a slot, and says so
            at.run()
            queued = i18n.translate("keras_training.state_queued", lang, position=1)
            assert queued in shown_texts(at)
        _poll_until_done(at)
        assert_clean(at)
        assert run.state == FINISHED and run.epochs_done == 2
        # curves (loss, accuracy), confusion matrix, weights
        traces = _chart_traces(at)
        assert len(traces) >= 4
        assert traces[0][0]["y"] == pytest.approx(run.history()["loss"])
        metrics = {m.label: m.value for m in at.metric}
        accuracy = i18n.translate("keras_lab.metric_accuracy", lang)
        assert i18n.translate("keras_training.test_score", lang, name=accuracy) in metrics
        assert at.dataframe  # the history table and the predictions table
        # two moons: the test points over the model's probability surface
        kinds = [[trace["type"] for trace in data] for data in traces]
        assert ["heatmap", "contour", "scatter", "scatter"] in kinds


def test_stop_continue_and_reset():
    at = _open()
    _set_epochs(at, 200)
    with _closing_the_run(at):
        at.button(key="keras_training_train").click().run()
        run = at.session_state[RUN]
        deadline = time.monotonic() + 60
        while run.epochs_done < 1:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        at.run()
        # while it trains, the curves are inline SVGs (redrawn every second), with the
        # finished epochs' losses; the finished run's curves are plotly figures
        live = [md.value for md in at.markdown if 'class="nnplay-curve"' in md.value]
        assert live and 'data-name="' in live[0]
        at.button(key="keras_training_stop").click().run()
        assert run.wait(30)
        at.run()
        assert_clean(at)
        done = run.epochs_done
        assert run.state == STOPPED and 1 <= done < 200
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


def test_other_pages_do_not_stop_the_run_and_coming_back_shows_it():
    at = _open()
    _set_epochs(at, 3)
    with _closing_the_run(at):
        # While every slot is taken the run stays queued, so a page that stopped
        # it would leave it stopped, whatever the timing.
        with _every_slot_taken():
            at.button(key="keras_training_train").click().run()
            run = at.session_state[RUN]
            at.switch_page("pages/logic.py").run()
            assert_clean(at)
            at.toggle(key="logic_a").set_value(True).run()
            assert run.state == QUEUED
            at.switch_page(PAGE).run()
            assert_clean(at)
            assert at.session_state[RUN] is run
            assert run.state == QUEUED
        _poll_until_done(at)
        assert run.state == FINISHED and run.epochs_done == 3


def test_limits_stop_train_with_a_message(monkeypatch):
    monkeypatch.setenv("NNPLAY_LIMIT_MAX_PARAMS", "10")
    at = _open("ko")
    assert_clean(at)
    assert at.button(key="keras_training_train").disabled
    expected = i18n.translate("keras_training.limit_params", "ko", value="{value}", max="10")
    prefix = expected.split("{value}")[0]
    assert any(e.value.startswith(prefix) for e in at.error)


def test_presenter_mode_runs():
    at = _open(present=True)
    assert_clean(at)


def test_a_crashed_training_process_says_so_and_keeps_the_model():
    """A worker killed mid-epoch: a clear message, the slot back, Train and Continue ready."""
    import os
    import signal

    at = _open()
    _set_epochs(at, 200)
    with _closing_the_run(at):
        at.button(key="keras_training_train").click().run()
        run = at.session_state[RUN]
        deadline = time.monotonic() + 120
        # Batch progress comes at most every 0.25 s, mostly just after an epoch's
        # end: the first report says the worker is in the middle of fit.
        while run.progress().batch < 1:
            assert time.monotonic() < deadline, run.progress()
            time.sleep(0.05)
        assert run.active
        os.kill(run.worker_pid, signal.SIGKILL)
        assert run.wait(30)
        _poll_until_done(at)
        assert_clean(at)
        lost = i18n.translate("keras_training.state_worker_lost", detail="{detail}")
        assert any(e.value.startswith(lost.split("{detail}")[0]) for e in at.error)
        assert run.epochs_done == 0 and run.model is not None
        assert server_slots().running == 0
        assert not at.button(key="keras_training_train").disabled
        assert not at.button(key="keras_training_continue").disabled


@pytest.mark.slow
def test_fashion_mnist_sample_gallery_and_confusion_matrix(shared_data_env):
    with _trained_one_epoch(specs.book_model()) as at:
        traces = _chart_traces(at)
        kinds = [[trace["type"] for trace in data] for data in traces]
        gallery = next(k for k in kinds if k.count("heatmap") == 12)
        assert gallery.count("bar") == 12
        assert ["heatmap", "heatmap"] in kinds  # confusion matrix: mistakes, right answers
        at.radio(key="keras_training_gallery").set_value("mistakes").run()
        assert_clean(at)


@pytest.mark.slow
def test_california_regression_results_and_the_note_on_validation_jumps(shared_data_env):
    with _trained_one_epoch(specs.regression_model()) as at:
        note = i18n.translate("keras_training.regression_jumps", "ko")
        assert note in [c.value for c in at.caption]
        heading = i18n.translate("keras_training.regression_heading", "ko")
        assert heading in [h.value for h in at.subheader]
        metrics = {m.label for m in at.metric}
        assert i18n.translate("keras_training.baseline_mse", "ko") in metrics


def test_without_the_data_the_page_offers_the_download_and_the_offline_sets(tmp_path):
    import os

    import shared_data
    from conftest import use_data_homes

    previous = use_data_homes(shared_data.empty_homes(tmp_path))
    try:
        at = _open("ko", spec=specs.book_model())
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


def test_the_live_view_polls_fast_only_while_a_run_starts_or_stops():
    from types import SimpleNamespace

    from nnplay.keras_lab import training
    from nnplay.ui import keras_training as page

    def run(state, starting=False, active=True):
        return SimpleNamespace(
            active=active, state=state, progress=lambda: SimpleNamespace(starting=starting)
        )

    assert page.poll_every(None) is None
    assert page.poll_every(run(training.FINISHED, active=False)) is None
    assert page.poll_every(run(training.QUEUED)) == page.POLL_QUEUED_S
    assert page.poll_every(run(training.RUNNING, starting=True)) == page.POLL_CHANGING_S
    assert page.poll_every(run(training.STOPPING)) == page.POLL_CHANGING_S
    assert page.poll_every(run(training.RUNNING)) == page.POLL_S
    assert page.POLL_CHANGING_S < page.POLL_S < page.POLL_QUEUED_S
