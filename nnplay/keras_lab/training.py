"""One visitor's training: ``model.fit`` in a background thread, watched from the page.

A :class:`TrainingRun` belongs to one session (the page keeps it in
``st.session_state``); nothing here knows about Streamlit. :meth:`TrainingRun.start`
starts a thread that waits for a free slot on the server
(:mod:`nnplay.keras_lab.slots`), then calls ``model.fit`` with a Keras callback
that records the history of every finished epoch, the progress inside the
epoch (batch, time left), honours a stop request within one batch, and stops on
a NaN or infinite loss. The page polls :meth:`TrainingRun.progress` and
:meth:`TrainingRun.history`.

Stopping keeps the partly trained model and the history of the finished epochs.
Calling :meth:`TrainingRun.start` again continues from the current weights, as
calling ``fit`` again does in the notes: the history is appended to and the
epoch numbers go on.

If the session that owns a run goes away (its ``TrainingRun`` is garbage
collected), the training stops at the next batch and gives its slot back.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import weakref
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from typing import Any

import numpy as np

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
"""States in which a thread is working (or waiting for a slot)."""

# Reasons given with a state (``Progress.reason``).
REASON_STOP_REQUESTED = "stop_requested"
REASON_NAN_LOSS = "nan_loss"
REASON_ABANDONED = "abandoned"
REASON_ERROR = "error"

_DETAIL_MAX_CHARS = 300


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
    """

    x: np.ndarray
    y: np.ndarray
    x_val: np.ndarray | None = None
    y_val: np.ndarray | None = None
    sample_weight: np.ndarray | None = None

    @property
    def has_validation(self) -> bool:
        return self.x_val is not None and self.y_val is not None


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
        Why the run stopped (``nan_loss``, ``stop_requested``, ``abandoned``, ``error``).
    detail : str
        For ``nan_loss`` the bad loss value; for ``error`` the error's first line.
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

    @property
    def active(self) -> bool:
        """Whether a thread is still at work (queued, running or stopping)."""
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
    """What the training thread and the page both see; every field under ``lock``."""

    def __init__(
        self, model: Any, data: FitData, slots: TrainingSlots, callbacks: tuple = ()
    ) -> None:
        self.lock = threading.Lock()
        self.callbacks = callbacks
        self.stop_event = threading.Event()
        self.model = model
        self.data = data
        self.slots = slots
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
        self.started = 0.0
        self.first_batch_at: float | None = None  # the first batch includes tracing
        self.ended: float | None = None
        self.fit_batches_done = 0
        self.version = 0

    # --- called from the training thread -------------------------------------------------
    def begin_fit(self) -> None:
        with self.lock:
            if self.state == QUEUED:
                self.state = RUNNING
            self.started = time.monotonic()
            self.first_batch_at = None
            self.ended = None
            self.fit_batches_done = 0
            self.version += 1

    def begin_epoch(self, epoch: int) -> None:
        with self.lock:
            self.epoch = epoch
            self.batch = 0
            self.partial = None

    def batch_end(self, batch: int, logs: dict, batches: int) -> bool:
        """Record a finished batch; return whether training must stop now."""
        loss = logs.get("loss")
        with self.lock:
            self.batch = batch + 1
            self.batches = batches or self.batches
            self.fit_batches_done += 1
            if self.first_batch_at is None:
                self.first_batch_at = time.monotonic()
            self.partial = {k: v for k, v in logs.items() if isinstance(v, float)}
            if loss is not None and not math.isfinite(loss):
                self._diverge(loss)
            return self.stop_event.is_set()

    def epoch_end(self, epoch: int, logs: dict) -> bool:
        """Record a finished epoch; return whether training must stop now."""
        loss = logs.get("loss")
        with self.lock:
            complete = not self.batches or self.batch >= self.batches
            if complete and self.state != DIVERGED:
                # A stopped, unfinished epoch is left out: the history only has
                # whole epochs, so its length is the number of epochs done.
                n_before = self.epochs_done
                for key, value in logs.items():
                    if isinstance(value, float):
                        column = self.history.setdefault(key, [math.nan] * n_before)
                        column.append(value)
                self.epochs_done += 1
                for column in self.history.values():
                    column.extend([math.nan] * (self.epochs_done - len(column)))
                self.partial = None
            if loss is not None and not math.isfinite(loss):
                self._diverge(loss)
            self.version += 1
            return self.stop_event.is_set()

    def _diverge(self, loss: float) -> None:
        if self.state != DIVERGED:
            self.state = DIVERGED
            self.reason = REASON_NAN_LOSS
            self.detail = str(loss)
        self.stop_event.set()

    def end_fit(self, state: RunState, reason: str | None = None, detail: str = "") -> None:
        with self.lock:
            if self.state != DIVERGED:
                self.state = state
                self.reason = reason
                self.detail = detail
            self.ended = time.monotonic()
            self.version += 1

    # --- called from the page ------------------------------------------------------------
    def abandon(self) -> None:
        """The owner is gone: stop at the next batch."""
        with self.lock:
            self.reason = self.reason or REASON_ABANDONED
        self.stop_event.set()


def _stopped_state(shared: _Shared) -> tuple[RunState, str | None]:
    if shared.stop_event.is_set():
        return STOPPED, shared.reason or REASON_STOP_REQUESTED
    return FINISHED, None


@cache
def _callback_class() -> type:
    """The Keras callback class (built on first use: TensorFlow loads lazily)."""
    import keras

    class LiveCallback(keras.callbacks.Callback):
        """Feeds a :class:`_Shared` from inside ``fit`` and stops it when asked."""

        def __init__(self, shared: _Shared) -> None:
            super().__init__()
            self.shared = shared

        def on_train_begin(self, logs=None):
            if self.shared.stop_event.is_set():
                self.model.stop_training = True

        def on_epoch_begin(self, epoch, logs=None):
            self.shared.begin_epoch(epoch)

        def on_train_batch_end(self, batch, logs=None):
            steps = (self.params or {}).get("steps") or 0
            if self.shared.batch_end(batch, logs or {}, steps):
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            if self.shared.epoch_end(epoch, logs or {}):
                self.model.stop_training = True

    return LiveCallback


def make_callback(shared: _Shared) -> Any:
    """A Keras callback feeding ``shared`` (for :class:`TrainingRun` and the benchmark)."""
    return _callback_class()(shared)


# Streamlit calls ``keras.backend.clear_session()`` after every script run (its
# ``_clean_problem_modules``). That resets TensorFlow's default graph and kernel
# cache, and deadlocks with a ``fit`` tracing its graph in another thread. While
# any training runs in this process, the call is skipped; the lock makes sure a
# training never starts during one.
_fits_lock = threading.Lock()
_active_fits = 0


def guard_clear_session() -> None:
    """Make ``keras.backend.clear_session`` wait its turn: skipped while trainings run.

    Safe to call many times; imports Keras.
    """
    import keras

    original = keras.backend.clear_session
    if getattr(original, "_nnplay_guarded", False):
        return

    def clear_session(*args, **kwargs):
        with _fits_lock:
            if _active_fits:
                return None
            return original(*args, **kwargs)

    clear_session._nnplay_guarded = True  # type: ignore[attr-defined]
    clear_session.__doc__ = original.__doc__
    keras.backend.clear_session = clear_session


def _fit_begins() -> None:
    global _active_fits
    with _fits_lock:
        _active_fits += 1


def _fit_ends() -> None:
    global _active_fits
    with _fits_lock:
        _active_fits -= 1


def _train(shared: _Shared, options: FitOptions) -> None:
    """The body of the training thread."""
    slots = shared.slots
    if not slots.acquire(shared.ticket, shared.stop_event.is_set):
        shared.end_fit(STOPPED, shared.reason or REASON_STOP_REQUESTED)
        return
    _fit_begins()
    try:
        shared.begin_fit()
        data, model = shared.data, shared.model
        validation = (data.x_val, data.y_val) if data.has_validation else None
        model.fit(
            data.x,
            data.y,
            batch_size=options.batch_size,
            epochs=shared.last_epoch,
            initial_epoch=shared.first_epoch,
            validation_data=validation,
            class_weight=options.class_weight,
            sample_weight=data.sample_weight,
            shuffle=options.shuffle,
            verbose=0,
            callbacks=[make_callback(shared), *shared.callbacks],
        )
        shared.end_fit(*_stopped_state(shared))
    except Exception as exc:  # shown to the visitor as a message, logged in full
        log.exception("training failed")
        text = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        shared.end_fit(FAILED, REASON_ERROR, text[:_DETAIL_MAX_CHARS])
    finally:
        _fit_ends()
        slots.release()


class TrainingRun:
    """A model and its training history, private to one session.

    Parameters
    ----------
    model : keras.Model
        A compiled model; the run trains it in place.
    data : FitData
        Training (and validation) arrays.
    slots : TrainingSlots, optional
        The cap on trainings at once; defaults to the server-wide one.
    callbacks : sequence of keras.callbacks.Callback, optional
        More callbacks for every ``fit`` (tests use them to look inside).

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
        callbacks: tuple | list = (),
    ) -> None:
        self._shared = _Shared(model, data, slots or server_slots(), tuple(callbacks))
        self._thread: threading.Thread | None = None
        # When the owning session is gone, stop training and free the slot.
        weakref.finalize(self, self._shared.abandon)

    # --- state -------------------------------------------------------------------------
    @property
    def model(self) -> Any:
        """The model (``None`` after :meth:`close`)."""
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
        """Whether a thread is queued, training or stopping."""
        return self._shared.state in ACTIVE_STATES

    @property
    def epochs_done(self) -> int:
        return self._shared.epochs_done

    @property
    def version(self) -> int:
        """A number that grows whenever the model or history changes (for caching)."""
        return self._shared.version

    @property
    def can_continue(self) -> bool:
        """Whether :meth:`start` may be called (not training, weights not blown up)."""
        return not self.active and self._shared.model is not None and self.state not in {DIVERGED}

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
            )
        if state == QUEUED:
            position = shared.slots.position(shared.ticket)
            progress = replace(progress, queue_position=position)
        return progress

    # --- actions -----------------------------------------------------------------------
    def start(self, options: FitOptions) -> None:
        """Train for ``options.epochs`` more epochs, in a background thread.

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
        guard_clear_session()
        # The thread gets the shared state, never ``self``: dropping the run
        # (its session closed) must be able to collect it.
        self._thread = threading.Thread(
            target=_train, args=(shared, options), name="nnplay-training", daemon=True
        )
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
        """Wait for the thread to end; return whether it has."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def close(self, timeout: float = 30.0) -> bool:
        """Stop, wait for the thread, and let go of the model and data (Reset).

        Returns
        -------
        bool
            Whether the thread has ended (if not, it ends on its own after the
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


def release_memory() -> None:
    """Collect garbage left by models that are gone (call after a reset)."""
    import gc

    gc.collect()
