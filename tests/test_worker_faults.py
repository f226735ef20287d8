"""Trainings in worker processes when things go wrong, and the process table afterwards.

A worker killed mid-epoch (SIGKILL) or hung (SIGSTOP), a Stop pressed before the
worker has started, 20 sessions pressing Train at once, a session that goes
away while training or queued: each ends in a clear state, with its slot freed
and no stray process left: the process table holds only the pool's idle
workers, and a pool that is closed leaves none.
"""

from __future__ import annotations

import os
import signal
import time
from contextlib import closing
from pathlib import Path

import numpy as np
import pytest

from nnplay.keras_lab.slots import TrainingSlots
from nnplay.keras_lab.training import (
    FAILED,
    FINISHED,
    REASON_ABANDONED,
    REASON_STOP_REQUESTED,
    REASON_WORKER_LOST,
    RUNNING,
    STOPPED,
    FitData,
    FitOptions,
    TrainingRun,
    Watchdog,
)
from nnplay.keras_lab.worker import WorkerPool, WorkerSettings, server_pool

keras = pytest.importorskip("keras")


def _data(n: int = 3000, seed: int = 0, probe: bool = False) -> FitData:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 20)).astype(np.float32)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.int64)
    split = n * 5 // 6
    grid = rng.normal(size=(30, 20)).astype(np.float32) if probe else None
    return FitData(x[:split], y[:split], x[split:], y[split:], probe=grid)


def _small(seed: int) -> FitData:
    x = np.random.default_rng(seed).normal(size=(64, 20)).astype(np.float32)
    return FitData(x, (x[:, 0] > 0).astype(np.int64))


def _model(seed: int = 0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential(
        [
            keras.Input((20,)),
            keras.layers.Dense(16, activation="relu"),
            keras.layers.Dense(2, activation="softmax"),
        ]
    )
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _wait_until(condition, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def _same(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def worker_children() -> dict[int, str]:
    """``{pid: state}`` of this process's children that are spawned workers (zombies too)."""
    found = {}
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        state, ppid = stat.rsplit(")", 1)[1].split()[:2]
        # Workers run ``spawn_main``; Python's resource tracker (one per
        # process that spawns, ``resource_tracker.main``) is not a worker.
        if int(ppid) == me and (b"spawn_main" in cmdline or state == "Z"):
            found[int(entry.name)] = state
    return found


@pytest.fixture(scope="module")
def pool():
    """The server-wide pool (other modules keep it warm), with two workers ready."""
    pool = server_pool()
    taken = [pool.take() for _ in range(2)]
    for worker in taken:
        pool.give_back(worker)
    yield pool
    pool.reap()
    assert set(worker_children()) == set(pool.pids())  # no stray process, no zombie


def _run(pool, data=None, slots=None, **kwargs) -> TrainingRun:
    return TrainingRun(
        _model(), data or _data(), slots=slots or TrainingSlots(1), pool=pool, **kwargs
    )


def test_stop_before_the_worker_has_started_ends_at_once():
    cold = WorkerPool(WorkerSettings.for_share(2), keep=1)  # no warm worker: it must start
    slots = TrainingSlots(1)
    model = _model()
    weights = [w.copy() for w in model.get_weights()]
    try:
        run = TrainingRun(model, _data(), slots=slots, pool=cold)
        run.start(FitOptions(epochs=5))
        _wait_until(lambda: run.worker_pid is not None, timeout=10)
        pid = run.worker_pid
        assert run.progress().starting
        stopped_at = time.monotonic()
        run.stop()
        assert run.wait(5)
        assert time.monotonic() - stopped_at < 2
        progress = run.progress()
        assert progress.state == STOPPED and progress.reason == REASON_STOP_REQUESTED
        assert run.epochs_done == 0 and _same(model.get_weights(), weights)
        assert slots.running == 0
        assert cold.idle == 1  # the worker, given no job, waits for the next training
    finally:
        cold.close()
    assert pid not in worker_children()


def test_twenty_sessions_pressing_train_at_once(pool):
    """Two slots: twenty runs queue in order; sixteen stop or leave while queued, four train.

    Both slots are held until the sixteen have left, so that none of them can reach a
    slot first (a closed tab counts as gone after ``Watchdog.gone_s``, seconds in which
    one-epoch trainings would otherwise come and go).
    """
    slots = TrainingSlots(2)
    here = [True] * 20
    runs = [
        _run(pool, _data(240, seed=i), slots=slots, alive=lambda i=i: here[i]) for i in range(20)
    ]
    busy = []
    held = 0
    try:
        for _ in range(slots.capacity):
            assert slots.acquire(object())
            held += 1
        for run in runs:
            run.start(FitOptions(epochs=1))
        _wait_until(lambda: slots.waiting == 20)
        positions = [r.progress().queue_position for r in runs]
        assert sorted(positions) == list(range(1, 21))
        # the last 16 places of the queue (the order of the queue, not of the list:
        # twenty runs asking at once reach the queue in any order)
        queued = sorted(runs, key=lambda r: r.progress().queue_position)
        leaving = queued[-16:]
        for run in leaving[:8]:
            run.stop()  # pressed Stop while queued
        for run in leaving[8:]:
            here[runs.index(run)] = False  # closed the tab while queued
        _wait_until(lambda: not any(r.active for r in leaving), timeout=30)
        assert slots.waiting == 4
        for _ in range(held):
            slots.release()
        held = 0
        deadline = time.monotonic() + 180
        while any(r.active for r in runs):
            assert time.monotonic() < deadline, [r.progress() for r in runs]
            running = sum(r.state == RUNNING for r in runs)
            busy.append(running)
            assert running <= 2 and slots.running <= 2
            time.sleep(0.05)

        def state(run):
            return run.state, run.progress().reason

        staying = [r for r in runs if r not in leaving]
        assert [state(r) for r in staying] == [(FINISHED, None)] * 4
        assert [state(r) for r in leaving[:8]] == [(STOPPED, REASON_STOP_REQUESTED)] * 8
        assert [state(r) for r in leaving[8:]] == [(STOPPED, REASON_ABANDONED)] * 8
        assert all(r.epochs_done == 0 for r in leaving)
        finished = [r for r in runs if r.state == FINISHED]
        assert all(r.epochs_done == 1 for r in finished)
        # Each session has its own history: its own data, its own numbers.
        losses = {r.history()["loss"][0] for r in finished}
        assert len(losses) == len(finished)
        assert slots.running == 0 and slots.waiting == 0
        assert max(busy) == 2
        for pid in pool.pids():  # the workers yield the CPU to the web server
            assert os.getpriority(os.PRIO_PROCESS, pid) == os.getpriority(os.PRIO_PROCESS, 0) + 10
    finally:
        for _ in range(held):
            slots.release()
        for run in runs:
            run.close()
    assert set(worker_children()) == set(pool.pids())


def test_a_session_that_disconnects_gives_up_its_slot_within_seconds(pool):
    slots = TrainingSlots(1)
    connected = [True]
    watchdog = Watchdog(gone_s=1.0)
    with closing(_run(pool, slots=slots, alive=lambda: connected[0], watchdog=watchdog)) as run:
        run.start(FitOptions(epochs=200))
        _wait_until(lambda: run.progress().batch > 5)
        connected[0] = False  # the tab was closed
        left_at = time.monotonic()
        _wait_until(lambda: slots.running == 0, timeout=15)
        assert time.monotonic() - left_at < 5
        assert run.wait(10)
        assert run.state == STOPPED and run.progress().reason == REASON_ABANDONED


def test_the_worker_sends_the_probe_outputs_at_every_epoch_end(pool):
    data = _data(probe=True)
    with closing(_run(pool, data)) as run:
        run.start(FitOptions(epochs=2))
        assert run.wait(120) and run.state == FINISHED
        progress = run.progress()
        assert progress.probe_epoch == 2
        assert progress.probe_output.shape == (30, 2)
        expected = run.model.predict(data.probe, verbose=0)  # the weights that came back
        np.testing.assert_allclose(progress.probe_output, expected, atol=1e-5)


def test_a_worker_killed_mid_epoch_leaves_the_model_and_history_as_before(pool):
    slots = TrainingSlots(1)
    with closing(_run(pool, slots=slots)) as run:
        run.start(FitOptions(epochs=1))
        assert run.wait(120) and run.state == FINISHED
        history, weights = run.history(), [w.copy() for w in run.model.get_weights()]

        run.start(FitOptions(epochs=200))
        _wait_until(lambda: run.epochs_done >= 2 and run.progress().batch > 10)
        os.kill(run.worker_pid, signal.SIGKILL)
        assert run.wait(30)
        progress = run.progress()
        assert progress.state == FAILED and progress.reason == REASON_WORKER_LOST
        assert "signal 9" in progress.detail
        assert run.history() == history and run.epochs_done == 1  # as before that fit
        assert _same(run.model.get_weights(), weights)
        assert slots.running == 0
        assert run.can_continue
        run.start(FitOptions(epochs=1))  # a new worker takes over
        assert run.wait(120) and run.state == FINISHED and run.epochs_done == 2
    assert set(worker_children()) == set(pool.pids())  # the killed one was reaped


def test_a_hung_worker_is_ended_and_its_slot_freed(pool):
    slots = TrainingSlots(1)
    watchdog = Watchdog(silence_s=2.0)
    with closing(_run(pool, slots=slots, watchdog=watchdog)) as run:
        run.start(FitOptions(epochs=200))
        _wait_until(lambda: run.progress().batch > 5)
        pid = run.worker_pid
        os.kill(pid, signal.SIGSTOP)
        assert run.wait(20)
        progress = run.progress()
        assert progress.state == FAILED and progress.reason == REASON_WORKER_LOST
        assert progress.detail == "the training process stopped answering"
        assert slots.running == 0 and run.epochs_done == 0
    assert pid not in worker_children()
