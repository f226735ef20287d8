"""The training runtime: stop, continue, divergence, the server-wide cap, cleanup.

Trainings run in worker processes of the server-wide pool, kept warm between tests.
"""

from __future__ import annotations

import gc
import json
import threading
import time
from contextlib import closing
from dataclasses import asdict

import numpy as np
import pytest

from nnplay.keras_lab import limits
from nnplay.keras_lab.slots import TrainingSlots, default_capacity
from nnplay.keras_lab.training import (
    DIVERGED,
    FINISHED,
    QUEUED,
    REASON_NAN_LOSS,
    RUNNING,
    STOPPED,
    FitData,
    FitOptions,
    Progress,
    RunState,
    TrainingRun,
)

keras = pytest.importorskip("keras")


def _data(n: int = 6000, seed: int = 0) -> FitData:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 20)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.int64)
    split = n * 5 // 6
    return FitData(x[:split], y[:split], x[split:], y[split:])


def _model(learning_rate: float = 0.01, seed: int = 0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((20,)),
            keras.layers.Dense(32, activation="relu"),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile(
        keras.optimizers.SGD(learning_rate=learning_rate),
        "sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


def _wait_until(condition, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _same(a: list[np.ndarray], b: list[np.ndarray]) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_run_states_are_plain_strings():
    assert [FINISHED, QUEUED] == ["finished", "queued"]
    assert RunState("stopped") is STOPPED
    progress = Progress(state=RUNNING)
    assert json.dumps(asdict(progress)["state"]) == '"running"' and f"{progress.state}" == "running"


def test_stop_keeps_the_weights_and_the_history_of_finished_epochs():
    model = _model()
    initial = [w.copy() for w in model.get_weights()]
    with closing(TrainingRun(model, _data(), slots=TrainingSlots(1))) as run:
        run.start(FitOptions(epochs=200))
        _wait_until(lambda: run.epochs_done >= 2)
        run.stop()
        assert run.wait(30)
        progress = run.progress()
        assert run.state == STOPPED
        history = run.history()
        done = run.epochs_done
        assert 2 <= done < 200
        assert {len(values) for values in history.values()} == {done}
        assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
        assert progress.epochs_done == done
        # The model was trained, and nothing changes it once stopped.
        stopped = [w.copy() for w in model.get_weights()]
        assert not _same(stopped, initial)  # the trained weights came back from the worker
        time.sleep(0.3)
        assert _same(model.get_weights(), stopped)
        assert run.model is model
        assert run.worker_pid is None
        assert history["val_accuracy"][-1] > 0.8


def test_a_stop_mid_epoch_leaves_fit_without_a_validation_pass():
    """The unfinished epoch is left out of the history, so Keras's evaluation of it
    (a pass over the whole validation set) is skipped: Stop answers within a batch.

    The validation inputs here have a feature too few, so evaluating them fails.
    """
    data = _data(n=60_000)
    bad = FitData(data.x, data.y, data.x_val[:, :19], data.y_val)
    model = _model()
    with closing(TrainingRun(model, bad, slots=TrainingSlots(1))) as run:
        run.start(FitOptions(epochs=1, batch_size=8))
        _wait_until(lambda: run.progress().fraction > 0)
        run.stop()
        assert run.wait(30)
        assert run.state == STOPPED, run.progress().detail
        assert run.epochs_done == 0 and run.history() == {}
        assert int(model.optimizer.iterations.numpy()) > 0  # the batches done came back


def test_continue_resumes_from_the_stopped_weights_and_numbers_epochs_on():
    model = _model()
    with closing(TrainingRun(model, _data(), slots=TrainingSlots(1))) as run:
        run.start(FitOptions(epochs=200))
        _wait_until(lambda: run.epochs_done >= 1)
        run.stop()
        run.wait(30)
        done = run.epochs_done
        before = run.history()
        steps = int(model.optimizer.iterations.numpy())  # the worker's optimizer state came back
        assert steps >= done * 157

        run.start(FitOptions(epochs=2))
        assert run.wait(60)
        assert run.state == FINISHED
        # The optimizer went on from where it stopped (the weights with it): two
        # more epochs of 157 batches each, not a fresh start.
        assert int(model.optimizer.iterations.numpy()) == steps + 2 * 157
        after = run.history()
        assert run.epochs_done == done + 2
        for name, values in before.items():
            assert after[name][:done] == values  # appended to, not replaced
            assert len(after[name]) == done + 2
        assert after["val_accuracy"][done] > 0.8  # it did not start again from scratch
        progress = run.progress()
        epochs = (progress.first_epoch, progress.last_epoch, progress.epoch)
        assert epochs == (done, done + 2, done + 2)
        assert progress.fraction == 1.0


def test_a_model_travels_to_a_worker_and_back_as_plain_data():
    from nnplay.keras_lab import worker

    model = _model()
    x, y = _data(256).x, _data(256).y
    model.fit(x, y, epochs=1, verbose=0)  # the optimizer has its state now
    state = worker.model_state(model)
    again = worker.build_from_state(state)
    assert _same(again.get_weights(), model.get_weights())
    assert int(again.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())
    assert again.get_compile_config() == model.get_compile_config()
    fresh = _model(seed=3)
    worker.apply_state(fresh, worker.model_state(model, architecture=False))
    np.testing.assert_allclose(fresh.predict(x[:5], verbose=0), model.predict(x[:5], verbose=0))


def test_a_diverging_learning_rate_is_detected_and_explained():
    with closing(TrainingRun(_model(learning_rate=1e6), _data(), slots=TrainingSlots(1))) as run:
        run.start(FitOptions(epochs=50))
        assert run.wait(60)
        progress = run.progress()
        assert run.state == DIVERGED
        assert progress.reason == REASON_NAN_LOSS
        assert progress.detail in {"nan", "inf", "-inf"}
        assert progress.epoch < 50  # stopped early, not after all epochs
        assert not run.can_continue
        with pytest.raises(RuntimeError):
            run.start(FitOptions(epochs=1))
        # Only whole epochs with a finite loss, if any, are in the history.
        assert all(np.isfinite(v) for v in run.history().get("loss", []))


def test_the_cap_queues_the_next_training_until_a_slot_is_free():
    slots = TrainingSlots(1)
    first = TrainingRun(_model(), _data(), slots=slots)
    second = TrainingRun(_model(seed=1), _data(seed=1), slots=slots)
    with closing(first), closing(second):
        first.start(FitOptions(epochs=3))
        _wait_until(lambda: first.state == RUNNING)
        second.start(FitOptions(epochs=1))
        time.sleep(0.3)
        waiting = second.progress()
        assert waiting.state == QUEUED
        assert waiting.queue_position == 1
        assert slots.running == 1 and slots.waiting == 1
        while first.active:  # it waits for the first, whatever the timing
            assert second.state == QUEUED
            time.sleep(0.05)
        assert first.state == FINISHED
        assert second.wait(60)
        assert second.state == FINISHED
        assert slots.running == 0 and slots.waiting == 0


def test_stop_while_queued_leaves_the_queue():
    slots = TrainingSlots(1)
    first = TrainingRun(_model(), _data(), slots=slots)
    second = TrainingRun(_model(), _data(), slots=slots)
    with closing(first), closing(second):
        first.start(FitOptions(epochs=100))
        _wait_until(lambda: first.state == RUNNING)
        second.start(FitOptions(epochs=1))
        _wait_until(lambda: slots.waiting == 1)
        second.stop()
        assert second.wait(5)
        assert second.state == STOPPED and second.epochs_done == 0
        assert slots.waiting == 0
        first.close()
        assert slots.running == 0


def _training_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "nnplay-training" and t.is_alive()]


def test_close_ends_the_thread_and_lets_go_of_the_model():
    import weakref

    model = _model()
    ref = weakref.ref(model)
    slots = TrainingSlots(1)
    run = TrainingRun(model, _data(), slots=slots)
    del model
    run.start(FitOptions(epochs=100))
    try:
        _wait_until(lambda r=run: r.state == RUNNING)
    finally:
        closed = run.close(30)
    assert closed
    assert run.model is None and run.data is None
    assert not run.can_continue
    assert slots.running == 0
    assert _training_threads() == []
    del run
    gc.collect()
    assert ref() is None  # nothing else holds the model


def test_a_run_whose_session_is_gone_stops_and_frees_its_slot():
    slots = TrainingSlots(1)
    run = TrainingRun(_model(), _data(), slots=slots)
    run.start(FitOptions(epochs=500))
    _wait_until(lambda r=run: r.state == RUNNING)
    del run  # the session (its st.session_state) was dropped
    gc.collect()
    _wait_until(lambda: slots.running == 0, timeout=30)
    _wait_until(lambda: _training_threads() == [], timeout=30)


def test_progress_reports_batches_and_time_left_while_running():
    with closing(TrainingRun(_model(), _data(12000), slots=TrainingSlots(1))) as run:
        run.start(FitOptions(epochs=3, batch_size=16))
        _wait_until(lambda: run.progress().batch >= 10)
        progress = run.progress()
        assert progress.batches == 625  # 10,000 examples / 16
        assert progress.seconds_left is not None and progress.seconds_left > 0
        assert progress.partial and "loss" in progress.partial
        assert 0 < progress.fraction < 1


# --------------------------------------------------------------------------- no TensorFlow


def test_slots_serve_in_order_of_arrival():
    slots = TrainingSlots(1)
    assert slots.acquire("a")
    order = []

    def wait(name):
        slots.acquire(name)
        order.append(name)
        slots.release()

    threads = []
    try:
        for name in ("b", "c", "d"):
            thread = threading.Thread(target=wait, args=(name,), daemon=True)
            thread.start()
            threads.append(thread)
            _wait_until(lambda n=name: slots.position(n) is not None)
        assert [slots.position(n) for n in ("b", "c", "d")] == [1, 2, 3]
    finally:
        slots.release()  # "a" leaves; each waiting thread takes its turn and ends
        for thread in threads:
            thread.join(5)
    assert order == ["b", "c", "d"]


def test_capacity_comes_from_the_environment(monkeypatch):
    import os

    monkeypatch.setenv("NNPLAY_MAX_TRAININGS", "3")
    assert default_capacity() == 3
    monkeypatch.setenv("NNPLAY_MAX_TRAININGS", "zero")
    assert default_capacity() == max(1, os.cpu_count() or 1)
    with pytest.raises(ValueError):
        TrainingSlots(0)


def test_limits_let_the_notes_models_train_and_stop_what_is_too_large():
    server = limits.Limits()
    book = dict(params=266_610, train_samples=55_000, epochs=30, batch_size=32)
    assert limits.check(server, **book) == []
    regression = dict(params=301, train_samples=11_610, epochs=20, batch_size=32)
    assert limits.check(server, **regression) == []

    def keys(**changes):
        return [p.key.rsplit("_", 1)[-1] for p in limits.check(server, **{**book, **changes})]

    assert "params" in keys(params=5_000_000)
    assert "samples" in keys(train_samples=100_000)
    assert keys(epochs=201)[0] == "epochs"
    assert keys(batch_size=1, epochs=5) == ["steps"]
    assert "work" in keys(epochs=100)
    assert limits.check(server, **book, epochs_done=980)[0].key.endswith("total_epochs")
    problem = limits.check(server, **{**book, "params": 5_000_000})[0]
    assert problem.values == {"value": "5,000,000", "max": "3,000,000"}


def test_every_layer_counts_in_the_work_budget():
    from nnplay.keras_lab import build
    from nnplay.keras_lab import spec as specs

    plain = specs.default_spec("fashion_mnist")
    stacked = plain.copy()
    stacked.layers = [specs.flatten() for _ in range(specs.MAX_LAYERS - 3)] + plain.layers[1:]
    assert build.count_params(stacked) == build.count_params(plain)
    assert build.cost_per_example(stacked) > build.cost_per_example(plain) + 7 * 784
    server = limits.Limits(max_work=build.cost_per_example(plain) * 1000.0)
    run = dict(params=build.count_params(plain), train_samples=1000, epochs=1, batch_size=32)
    assert limits.check(server, **run, cost_per_example=build.cost_per_example(plain)) == []
    problems = limits.check(server, **run, cost_per_example=build.cost_per_example(stacked))
    assert [p.key for p in problems] == ["keras_training.limit_work"]


def test_limits_can_be_changed_by_environment_variables():
    changed = limits.Limits.from_env(
        {"NNPLAY_LIMIT_MAX_PARAMS": "1000", "NNPLAY_LIMIT_MAX_EPOCHS": "-3", "X": "1"}
    )
    assert changed.max_params == 1000
    assert changed.max_epochs == limits.Limits().max_epochs  # a bad value is ignored


def test_streamlits_clear_session_after_every_script_run_is_skipped(monkeypatch):
    """Streamlit calls keras.backend.clear_session() (and with it gc.collect()) after every run."""
    from streamlit.runtime.scriptrunner import script_runner

    from nnplay import server

    server.settle()
    collections = []
    monkeypatch.setattr("gc.collect", lambda *a: collections.append(a) or 0)
    keras.backend.clear_session()  # an explicit call clears as before ...
    assert collections
    collections.clear()
    keras.layers.Dense(1)
    script_runner._clean_problem_modules()  # ... Streamlit's does nothing
    assert collections == []
    assert keras.layers.Dense(1).name == "dense_1"
