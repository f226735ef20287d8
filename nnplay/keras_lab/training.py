"""One visitor's training: ``model.fit`` in a worker process, watched from the page.

A :class:`TrainingRun` belongs to one session (the page keeps it in
``st.session_state``); nothing here knows about Streamlit. :meth:`TrainingRun.start`
starts a small supervising thread in the web process that waits for a free
slot on the server (:mod:`nnplay.keras_lab.slots`), then hands the model (as
plain data: config, weights, optimizer state) and the arrays to a worker
process (:mod:`nnplay.keras_lab.worker`), which calls ``model.fit`` there. The
worker reports the history of every finished epoch and the progress inside the
epoch (batch, time left), honours a stop request within one batch, and stops on
a NaN or infinite loss. When the fit ends, the trained weights and optimizer
state come back into the session's model, which the page evaluates, draws and
offers for download. The page polls :meth:`TrainingRun.progress` and
:meth:`TrainingRun.history`.

Stopping keeps the partly trained model and the history of the finished epochs.
Calling :meth:`TrainingRun.start` again continues from the current weights, as
calling ``fit`` again does in the notes: the history is appended to and the
epoch numbers go on.

Faults: a worker that crashes, or says nothing for
:attr:`Watchdog.silence_s` seconds, is killed and its slot freed; the run ends
``failed`` (reason ``worker_lost``) with the model and history it had before
that fit. When the session that owns a run is gone (its ``alive`` callable
says so for :attr:`Watchdog.gone_s` seconds, or the run is garbage collected),
the training stops at the next batch, or leaves the queue, and gives its slot back.
"""

from __future__ import annotations

import logging
import math
import os
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import numpy as np

from nnplay.keras_lab import worker as workers
from nnplay.keras_lab.slots import TrainingSlots, server_slots

log = logging.getLogger("nnplay.training")


class RunState(StrEnum):
    """Where a run stands; each member equals its plain string (``"running"``)."""

    IDLE = "idle"
    QUEUED = "queued"
    RUNNING = "running"
    STOPPING = "stopping"
    STOPPED = "stopped"
    FINISHED = "finished"
    DIVERGED = "diverged"
    FAILED = "failed"


IDLE = RunState.IDLE
QUEUED = RunState.QUEUED
RUNNING = RunState.RUNNING
STOPPING = RunState.STOPPING
STOPPED = RunState.STOPPED
FINISHED = RunState.FINISHED
DIVERGED = RunState.DIVERGED
FAILED = RunState.FAILED

ACTIVE_STATES = frozenset({QUEUED, RUNNING, STOPPING})
"""States in which a run is working (or waiting for a slot)."""

# Reasons given with a state (``Progress.reason``).
REASON_STOP_REQUESTED = "stop_requested"
REASON_NAN_LOSS = "nan_loss"
REASON_ABANDONED = "abandoned"
REASON_ERROR = "error"
REASON_WORKER_LOST = "worker_lost"

_DETAIL_MAX_CHARS = 300
#: How often the thread that follows a worker looks for a Stop between the
#: worker's messages: a Stop reaches the worker within this, plus one batch.
FOLLOW_POLL_S = 0.05


def _env_seconds(name: str, default: float) -> float:
    try:
        value = float(os.environ.get(name, ""))
    except ValueError:
        return default
    return value if value > 0 else default


@dataclass(frozen=True)
class Watchdog:
    """How long the supervising thread waits before it gives up on a worker or a session.

    Attributes
    ----------
    silence_s : float
        A training worker that sends nothing for this long is taken as hung and killed.
    start_s : float
        Longest wait for a worker to start (import Keras).
    stop_s : float
        A worker asked to stop that has not ended after this long is killed.
    gone_s : float
        A session seen gone for this long gives up its training.
    """

    silence_s: float = 120.0
    start_s: float = 300.0
    stop_s: float = 30.0
    gone_s: float = 3.0

    @classmethod
    def from_env(cls) -> Watchdog:
        """Defaults, changed by ``NNPLAY_WORKER_SILENCE_S`` and ``NNPLAY_SESSION_GONE_S``."""
        return cls(
            silence_s=_env_seconds("NNPLAY_WORKER_SILENCE_S", cls.silence_s),
            gone_s=_env_seconds("NNPLAY_SESSION_GONE_S", cls.gone_s),
        )


@dataclass(frozen=True)
class FitData:
    """The arrays one training uses.

    Attributes
    ----------
    x, y : ndarray
        Training inputs and targets.
    x_val, y_val : ndarray or None
        Validation set (evaluated after every epoch), or ``None`` for none.
    sample_weight : ndarray or None
        One weight per training sample (multiplied with ``class_weight``).
    probe : ndarray or None
        Inputs the model predicts at every epoch end (for instance a grid over
        two features, to draw the decision boundary as it forms); the latest
        outputs are :attr:`Progress.probe_output`.
    """

    x: np.ndarray
    y: np.ndarray
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    sample_weight: np.ndarray | None = None
    probe: np.ndarray | None = None

    @property
    def has_validation(self) -> bool:
        return self.x_val is not None and self.y_val is not None

    def arrays(self) -> dict[str, np.ndarray]:
        """The arrays that are set, by name, each contiguous (as a worker receives them)."""
        named = {
            "x": self.x,
            "y": self.y,
            "x_val": self.x_val if self.has_validation else None,
            "y_val": self.y_val if self.has_validation else None,
            "sample_weight": self.sample_weight,
            "probe": self.probe,
        }
        return {k: np.ascontiguousarray(v) for k, v in named.items() if v is not None}


@dataclass(frozen=True)
class FitOptions:
    """Settings of one call to ``fit`` (a first training or a continuation).

    Attributes
    ----------
    epochs : int
        How many epochs to add.
    batch_size : int
        Samples per gradient step (Keras's default is 32).
    class_weight : dict or None
        ``{class index: weight}``, as ``fit(class_weight=...)``.
    shuffle : bool
        Shuffle the training set before every epoch.
    """

    epochs: int = 10
    batch_size: int = 32
    class_weight: dict[int, float] | None = None
    shuffle: bool = True


@dataclass(frozen=True)
class Progress:
    """Where a run stands, as the page shows it.

    Attributes
    ----------
    state : RunState
        ``idle``, ``queued``, ``running``, ``stopping``, ``stopped``, ``finished``,
        ``diverged`` or ``failed``.
    epochs_done : int
        Finished epochs over all fits (the length of the history).
    epoch : int
        The epoch being trained, counted from 1 (the last one once it ended).
    last_epoch : int
        The epoch the current (or last) fit will end with.
    first_epoch : int
        How many epochs were done when the current (or last) fit began.
    batch : int
        Batches finished in ``epoch``.
    batches : int
        Batches per epoch (0 until the first batch is done).
    elapsed_s : float
        Seconds since the current (or last) fit got its slot.
    seconds_left : float or None
        Estimated seconds to the end of the fit, while running.
    queue_position : int or None
        Place in the queue for a free slot (1 = next) while queued.
    partial : dict
        Running means of the epoch in progress (``{"loss": ..., "accuracy": ...}``).
    reason : str or None
        Why the run stopped (``nan_loss``, ``stop_requested``, ``abandoned``,
        ``error``, ``worker_lost``).
    detail : str
        For ``nan_loss`` the bad loss value; for ``error`` and ``worker_lost``
        what went wrong, in one line.
    starting : bool
        Running, but the worker has not begun the first batch yet.
    probe_output : ndarray or None
        The model's outputs for :attr:`FitData.probe` at the latest epoch end.
    probe_epoch : int
        The epoch (counted from 1) after which ``probe_output`` was computed.
    """

    state: RunState = IDLE
    epochs_done: int = 0
    epoch: int = 0
    last_epoch: int = 0
    first_epoch: int = 0
    batch: int = 0
    batches: int = 0
    elapsed_s: float = 0.0
    seconds_left: float | None = None
    queue_position: int | None = None
    partial: dict[str, float] | None = None
    reason: str | None = None
    detail: str = ""
    starting: bool = False
    probe_output: np.ndarray | None = None
    probe_epoch: int = 0

    @property
    def active(self) -> bool:
        """Whether the run is still at work (queued, running or stopping)."""
        return self.state in ACTIVE_STATES

    @property
    def fraction(self) -> float:
        """Share of the current fit that is done, from 0 to 1."""
        planned = self.last_epoch - self.first_epoch
        if planned <= 0:
            return 0.0
        if self.state == FINISHED:
            return 1.0
        inside = self.batch / self.batches if self.batches else 0.0
        done = (self.epoch - 1 - self.first_epoch) + inside
        return min(1.0, max(0.0, done / planned))


class _Shared:
    """What the supervising thread and the page both see; every field under ``lock``."""

    def __init__(
        self,
        model: Any,
        data: FitData,
        slots: TrainingSlots,
        alive: Callable[[], bool] | None,
        watchdog: Watchdog,
    ) -> None:
        self.lock = threading.Lock()
        self.stop_event = threading.Event()
        self.model = model
        self.data = data
        self.slots = slots
        self.alive = alive
        self.watchdog = watchdog
        self.ticket = object()
        self.state = IDLE
        self.reason: str | None = None
        self.detail = ""
        self.history: dict[str, list[float]] = {}
        self.epochs_done = 0
        self.first_epoch = 0
        self.last_epoch = 0
        self.epoch = 0  # 0-based epoch in progress
        self.batch = 0
        self.batches = 0
        self.partial: dict[str, float] | None = None
        self.starting = False
        self.probe_output: np.ndarray | None = None
        self.probe_epoch = 0
        self.started = 0.0
        self.first_batch_at: float | None = None  # the first batch includes tracing
        self.ended: float | None = None
        self.fit_batches_done = 0
        self.version = 0
        self.before: tuple | None = None  # what the run had before this fit
        self.owner_checked = 0.0
        self.gone_since: float | None = None
        self.worker_pid: int | None = None

    # --- called from the supervising thread ------------------------------------------------
    def owner_gone(self) -> bool:
        """Whether the session has been gone for ``watchdog.gone_s`` (checked once a second)."""
        if self.alive is None:
            return False
        now = time.monotonic()
        if now - self.owner_checked >= 1.0:
            self.owner_checked = now
            try:
                here = bool(self.alive())
            except Exception:  # a check that fails says nothing
                here = True
            self.gone_since = None if here else (self.gone_since or now)
        if self.gone_since is not None and now - self.gone_since >= self.watchdog.gone_s:
            self.abandon()
            return True
        return False

    def begin_fit(self) -> None:
        with self.lock:
            if self.state == QUEUED:
                self.state = RUNNING
            self.starting = True
            self.started = time.monotonic()
            self.first_batch_at = None
            self.ended = None
            self.fit_batches_done = 0
            self.before = (
                {k: list(v) for k, v in self.history.items()},
                self.epochs_done,
                self.probe_output,
                self.probe_epoch,
            )
            self.version += 1

    def receive(self, message: tuple) -> None:
        """Record one progress message of the worker (see :mod:`.worker`)."""
        kind = message[0]
        with self.lock:
            if kind == "begin":
                self.starting = False
                self.batches = message[1] or self.batches
            elif kind == "epoch_begin":
                self.epoch, self.batch, self.partial = message[1], 0, None
            elif kind == "batch":
                _, self.epoch, self.batch, batches, self.fit_batches_done, partial = message
                self.batches = batches or self.batches
                self.partial = partial
                if self.first_batch_at is None:
                    self.first_batch_at = time.monotonic()
            elif kind == "epoch_end":
                self._epoch_end(*message[1:])
            elif kind == "probe":
                self.probe_epoch, self.probe_output = message[1] + 1, message[2]
            elif kind == "diverged":
                _, self.epoch, self.batch, loss = message
                self._diverge(loss)

    def _epoch_end(self, epoch: int, logs: dict, complete: bool) -> None:
        if complete and self.state != DIVERGED:
            # A stopped, unfinished epoch is left out: the history only has
            # whole epochs, so its length is the number of epochs done.
            n_before = self.epochs_done
            for key, value in logs.items():
                column = self.history.setdefault(key, [math.nan] * n_before)
                column.append(value)
            self.epochs_done += 1
            for column in self.history.values():
                column.extend([math.nan] * (self.epochs_done - len(column)))
            self.partial = None
        loss = logs.get("loss")
        if loss is not None and not math.isfinite(loss):
            self._diverge(str(loss))
        self.version += 1

    def _diverge(self, loss: str) -> None:
        if self.state != DIVERGED:
            self.state = DIVERGED
            self.reason = REASON_NAN_LOSS
            self.detail = loss
        self.stop_event.set()

    def end_fit(self, state: RunState, reason: str | None = None, detail: str = "") -> None:
        with self.lock:
            if self.state != DIVERGED:
                self.state = state
                self.reason = reason
                self.detail = detail[:_DETAIL_MAX_CHARS]
            self.starting = False
            self.partial = None
            self.ended = time.monotonic()
            self.version += 1

    def roll_back(self) -> None:
        """Forget what this fit added: its weights never came back."""
        with self.lock:
            if self.before is not None:
                history, self.epochs_done, self.probe_output, self.probe_epoch = self.before
                self.history = history
            self.batch = 0
            self.epoch = self.epochs_done

    # --- called from the page (or the finalizer) -------------------------------------------
    def abandon(self) -> None:
        """The owner is gone: stop at the next batch, or leave the queue."""
        with self.lock:
            self.reason = self.reason or REASON_ABANDONED
        self.stop_event.set()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:_DETAIL_MAX_CHARS]


class _Supervisor:
    """The body of the supervising thread: slot, worker, progress, result."""

    def __init__(
        self,
        shared: _Shared,
        options: FitOptions,
        pool: workers.WorkerPool,
        job_id: int,
    ) -> None:
        self.shared = shared
        self.options = options
        self.pool = pool
        self.job_id = job_id
        self.worker: workers.Worker | None = None
        self.reusable = False

    def cancelled(self) -> bool:
        return self.shared.stop_event.is_set() or self.shared.owner_gone()

    def run(self) -> None:
        shared = self.shared
        if not shared.slots.acquire(shared.ticket, self.cancelled):
            shared.end_fit(STOPPED, shared.reason or REASON_STOP_REQUESTED)
            return
        try:
            shared.begin_fit()
            self.train()
        except workers.WorkerLost as exc:
            log.warning("training worker lost: %s", exc)
            shared.roll_back()
            shared.end_fit(FAILED, REASON_WORKER_LOST, str(exc))
        except Exception as exc:  # shown to the visitor as a message, logged in full
            log.exception("training failed")
            shared.roll_back()
            shared.end_fit(FAILED, REASON_ERROR, _first_line(exc))
        finally:
            shared.slots.release()
            shared.worker_pid = None
            worker, self.worker = self.worker, None
            if worker is not None:
                if self.reusable:
                    self.pool.give_back(worker)
                else:
                    self.pool.discard(worker)

    def job(self) -> tuple[dict, dict[str, np.ndarray]]:
        shared, options = self.shared, self.options
        arrays = shared.data.arrays()
        header = {
            "id": self.job_id,
            "model": workers.model_state(shared.model),
            "options": {
                "batch_size": options.batch_size,
                "first_epoch": shared.first_epoch,
                "last_epoch": shared.last_epoch,
                "class_weight": options.class_weight,
                "shuffle": options.shuffle,
            },
            "arrays": workers.array_header(arrays),
        }
        return header, arrays

    def train(self) -> None:
        shared, watchdog = self.shared, self.shared.watchdog
        header, arrays = self.job()
        for attempt in range(2):
            worker = self.worker = self.pool.take()
            self.shared.worker_pid = worker.pid
            was_ready = worker.ready
            try:
                if not worker.wait_ready(watchdog.start_s, self.cancelled):
                    if not self.cancelled():
                        raise workers.WorkerLost("the training process did not start in time")
                    # Stopped before the worker began: nothing changed, and the
                    # worker, given no job, can serve the next training.
                    self.reusable = True
                    shared.end_fit(STOPPED, shared.reason or REASON_STOP_REQUESTED)
                    return
                worker.send_job(header, arrays)
                break
            except workers.WorkerLost:
                if attempt or not was_ready:
                    raise
                # An idle worker that had just exited on its own: take another.
                self.pool.discard(worker)
                self.worker = None
        del arrays
        self.follow()

    def follow(self) -> None:
        """Read the worker's messages until it is done, stopping it when asked."""
        shared, worker, watchdog = self.shared, self.worker, self.shared.watchdog
        last_heard = time.monotonic()
        stop_sent: float | None = None
        while True:
            if worker.poll(FOLLOW_POLL_S):
                for message in worker.receive():  # raises WorkerLost once it has died
                    last_heard = time.monotonic()
                    if message[0] == "done":
                        self.done(*message[1:])
                        return
                    shared.receive(message)
            now = time.monotonic()
            if stop_sent is None and self.cancelled():
                with shared.lock:
                    if shared.state == RUNNING:
                        shared.state = STOPPING
                worker.send(("stop", self.job_id))
                stop_sent = now
            if stop_sent is not None and now - stop_sent > watchdog.stop_s:
                raise workers.WorkerLost("the training process did not stop when asked")
            if now - last_heard > watchdog.silence_s:
                raise workers.WorkerLost("the training process stopped answering")

    def done(self, outcome: str, state: dict | None, detail: str) -> None:
        shared = self.shared
        self.reusable = True
        if outcome == "failed":
            shared.roll_back()
            shared.end_fit(FAILED, REASON_ERROR, detail)
            return
        if state is not None and shared.model is not None:
            workers.apply_state(shared.model, state)
        if outcome == "finished":
            shared.end_fit(FINISHED)
        elif outcome == "diverged":
            shared.end_fit(DIVERGED, REASON_NAN_LOSS)
        else:
            shared.end_fit(STOPPED, shared.reason or REASON_STOP_REQUESTED)


_job_ids = iter(range(1, 1 << 62))
_job_ids_lock = threading.Lock()


def _next_job_id() -> int:
    with _job_ids_lock:
        return next(_job_ids)


class TrainingRun:
    """A model and its training history, private to one session.

    Parameters
    ----------
    model : keras.Model
        A compiled model; each fit trains a copy in a worker process and the
        trained weights (and optimizer state) come back into this model.
    data : FitData
        Training (and validation) arrays.
    slots : TrainingSlots, optional
        The cap on trainings at once; defaults to the server-wide one.
    pool : WorkerPool, optional
        Where the worker processes come from; defaults to the server-wide one.
    alive : callable, optional
        Says whether the session that owns the run is still there; when it
        answers ``False`` for :attr:`Watchdog.gone_s` seconds, the run stops.
    watchdog : Watchdog, optional
        Time limits; :meth:`Watchdog.from_env` by default.

    Examples
    --------
    >>> run = TrainingRun(model, FitData(x, y, x_val, y_val))   # doctest: +SKIP
    >>> run.start(FitOptions(epochs=5))                          # doctest: +SKIP
    >>> run.stop(); run.wait()                                   # doctest: +SKIP
    >>> run.start(FitOptions(epochs=5))  # continues at epoch 6  # doctest: +SKIP
    """

    def __init__(
        self,
        model: Any,
        data: FitData,
        *,
        slots: TrainingSlots | None = None,
        pool: workers.WorkerPool | None = None,
        alive: Callable[[], bool] | None = None,
        watchdog: Watchdog | None = None,
    ) -> None:
        self._shared = _Shared(
            model, data, slots or server_slots(), alive, watchdog or Watchdog.from_env()
        )
        self._pool = pool
        self._thread: threading.Thread | None = None
        # When the owning session is gone, stop training and free the slot.
        weakref.finalize(self, self._shared.abandon)

    # --- state -------------------------------------------------------------------------
    @property
    def model(self) -> Any:
        """The model (``None`` after :meth:`close`); it has the trained weights once a fit ends."""
        return self._shared.model

    @property
    def data(self) -> FitData | None:
        """The arrays the run trains on (``None`` after :meth:`close`)."""
        return self._shared.data

    @property
    def state(self) -> RunState:
        return self._shared.state

    @property
    def active(self) -> bool:
        """Whether the run is queued, training or stopping."""
        return self._shared.state in ACTIVE_STATES

    @property
    def epochs_done(self) -> int:
        return self._shared.epochs_done

    @property
    def worker_pid(self) -> int | None:
        """Process id of the worker training this run now, if any."""
        return self._shared.worker_pid

    @property
    def version(self) -> int:
        """A number that grows whenever the model or history changes (for caching)."""
        return self._shared.version

    @property
    def can_continue(self) -> bool:
        """Whether :meth:`start` may be called (not training, weights not blown up)."""
        return not self.active and self._shared.model is not None and self.state != DIVERGED

    def history(self) -> dict[str, list[float]]:
        """A copy of the history: one value per finished epoch for each log name."""
        with self._shared.lock:
            return {key: list(values) for key, values in self._shared.history.items()}

    def progress(self) -> Progress:
        """A consistent picture of where the run stands."""
        shared = self._shared
        with shared.lock:
            state = shared.state
            running = state in {RUNNING, STOPPING}
            elapsed = 0.0
            left = None
            if shared.started and state != QUEUED:
                elapsed = (shared.ended or time.monotonic()) - shared.started
            total = (shared.last_epoch - shared.first_epoch) * shared.batches
            done = shared.fit_batches_done
            if running and done >= 2 and total and shared.first_batch_at is not None:
                # Time per batch since the first one (which traces the graph).
                per_batch = (time.monotonic() - shared.first_batch_at) / (done - 1)
                left = max(0.0, per_batch * (total - done))
            progress = Progress(
                state=state,
                epochs_done=shared.epochs_done,
                epoch=shared.epoch + 1 if (running or shared.batch) else shared.epochs_done,
                last_epoch=shared.last_epoch,
                first_epoch=shared.first_epoch,
                batch=shared.batch,
                batches=shared.batches,
                elapsed_s=elapsed,
                seconds_left=left,
                queue_position=None,
                partial=dict(shared.partial) if shared.partial and running else None,
                reason=shared.reason,
                detail=shared.detail,
                starting=running and shared.starting,
                probe_output=shared.probe_output,
                probe_epoch=shared.probe_epoch,
            )
        if state == QUEUED:
            position = shared.slots.position(shared.ticket)
            progress = replace(progress, queue_position=position)
        return progress

    # --- actions -----------------------------------------------------------------------
    def start(self, options: FitOptions) -> None:
        """Train for ``options.epochs`` more epochs, in a worker process.

        The first call trains from the initial weights; later calls continue
        from the current ones (the optimizer keeps its state, as with a second
        ``fit`` in Keras).

        Raises
        ------
        RuntimeError
            While the run is active, after it diverged, or after :meth:`close`.
        """
        if not self.can_continue:
            raise RuntimeError(f"cannot start a run that is {self.state}")
        if options.epochs < 1:
            raise ValueError("epochs must be at least 1")
        shared = self._shared
        with shared.lock:
            shared.stop_event.clear()
            shared.state = QUEUED
            shared.reason = None
            shared.detail = ""
            shared.first_epoch = shared.epochs_done
            shared.last_epoch = shared.epochs_done + options.epochs
            shared.epoch = shared.epochs_done
            shared.batch = 0
            shared.partial = None
            shared.started = 0.0
            shared.version += 1
        pool = self._pool or workers.server_pool()
        # The thread gets the shared state, never ``self``: dropping the run
        # (its session closed) must be able to collect it.
        supervisor = _Supervisor(shared, options, pool, _next_job_id())
        self._thread = threading.Thread(target=supervisor.run, name="nnplay-training", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Ask the training to stop; it does so after the current batch."""
        shared = self._shared
        with shared.lock:
            if shared.state in {QUEUED, RUNNING}:
                shared.state = STOPPING if shared.state == RUNNING else shared.state
                shared.reason = REASON_STOP_REQUESTED
        shared.stop_event.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the training (and its slot) to end; return whether it has."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def close(self, timeout: float = 30.0) -> bool:
        """Stop, wait for the training to end, and let go of the model and data (Reset).

        Returns
        -------
        bool
            Whether the training has ended (if not, it ends on its own after the
            current batch and the model is freed then).
        """
        self.stop()
        ended = self.wait(timeout)
        with self._shared.lock:
            if ended:
                self._shared.model = None
                self._shared.data = None
            self._shared.version += 1
        return ended
