"""Training worker processes: ``model.fit`` away from the web server.

A worker is a Python process started with the ``spawn`` method. It lowers its
own scheduling priority (``os.nice``), sets TensorFlow's intra- and inter-op
thread counts for its share of the machine, imports Keras once, says
``("ready", pid)`` and waits for jobs on a pipe. A job is a model (its Keras
config, compile config, weights and optimizer variables: plain data, no
pickled Keras objects), the training arrays and the ``fit`` options. While it
trains the worker sends progress messages (at most a few per second, plus
every epoch end), stops within one batch when asked, stops on a NaN or
infinite loss, and ends with the trained weights and optimizer state. It then
lets go of the model and the data and waits for the next job; after
:attr:`WorkerSettings.max_jobs` jobs, or :attr:`WorkerSettings.idle_s` seconds
without one, it exits. A worker also exits when its parent process is gone.

Messages, worker to parent (tuples, first item the kind)::

    ("ready", pid)                      after the imports, once
    ("begin", steps)                    the job's model is built; fit starts
    ("epoch_begin", epoch)              0-based, as Keras counts
    ("batch", epoch, batch, steps, done, partial)   batch 1-based; done in this fit
    ("epoch_end", epoch, logs, complete)
    ("probe", epoch, outputs)           model.predict(probe) at an epoch end
    ("diverged", epoch, batch, loss)    a non-finite loss; training stops
    ("done", outcome, state, detail)    outcome: finished, stopped, diverged, failed

and parent to worker: ``("job", header)`` followed by one ``send_bytes`` per
array of the header, ``("stop", job_id)`` and ``("quit",)``.

The parent side is :class:`WorkerPool` (workers kept warm between jobs, at
most one job each at a time) and :class:`Worker` (one process and its pipe).
Nothing here imports TensorFlow in the parent; :func:`model_state` and
:func:`apply_state` use the model's own methods.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import multiprocessing.spawn as spawn
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

import numpy as np

log = logging.getLogger("nnplay.worker")

ENV_NICE = "NNPLAY_WORKER_NICE"
ENV_THREADS = "NNPLAY_WORKER_THREADS"
ENV_IDLE_S = "NNPLAY_WORKER_IDLE_S"
ENV_MAX_JOBS = "NNPLAY_WORKER_MAX_JOBS"

PROGRESS_EVERY_S = 0.25  # batch progress is sent at most this often
PROCESS_NAME = "nnplay-training-worker"
ARRAY_NAMES = ("x", "y", "x_val", "y_val", "sample_weight", "probe")


# --------------------------------------------------------------------------- settings


def _env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name, "").strip()
    try:
        value = int(raw)
    except ValueError:
        return default
    return value if value >= minimum else default


def cpu_count() -> int:
    """CPUs this process may run on (its affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class WorkerSettings:
    """How a worker runs.

    Attributes
    ----------
    nice : int
        Added to the worker's niceness (``os.nice``): it yields the CPU to the web server.
    intra_threads, inter_threads : int
        TensorFlow's intra-op and inter-op thread pools.
    idle_s : float
        A worker with no job for this long exits.
    max_jobs : int
        A worker exits after this many jobs (a fresh one takes its place).
    """

    nice: int = 10
    intra_threads: int = 1
    inter_threads: int = 1
    idle_s: float = 300.0
    max_jobs: int = 25

    @classmethod
    def for_share(cls, trainings: int, cpus: int | None = None) -> WorkerSettings:
        """Settings for one of ``trainings`` trainings at once on ``cpus`` CPUs.

        Each worker gets ``cpus // trainings`` intra-op threads (at least one),
        or ``NNPLAY_WORKER_THREADS`` when set; ``NNPLAY_WORKER_NICE``,
        ``NNPLAY_WORKER_IDLE_S`` and ``NNPLAY_WORKER_MAX_JOBS`` change the rest.
        """
        cpus = cpu_count() if cpus is None else cpus
        threads = _env_int(ENV_THREADS, max(1, cpus // max(1, trainings)), minimum=1)
        return cls(
            nice=_env_int(ENV_NICE, 10),
            intra_threads=threads,
            inter_threads=min(2, threads),
            idle_s=float(_env_int(ENV_IDLE_S, 300, minimum=1)),
            max_jobs=_env_int(ENV_MAX_JOBS, 25, minimum=1),
        )


# --------------------------------------------------------------------------- model state


def model_state(model: Any, *, architecture: bool = True) -> dict:
    """A model as plain data: what a worker needs to rebuild it, or what it gives back.

    Parameters
    ----------
    model : keras.Model
        A compiled model.
    architecture : bool
        Include the model's and the compile configuration (to build it
        elsewhere); without them, only the weights and the optimizer state.

    Returns
    -------
    dict
        ``weights`` (list of arrays), ``optimizer`` (the optimizer's variables,
        as its ``save_own_variables`` writes them), and with ``architecture``
        also ``config`` (JSON text) and ``compile`` (dict).
    """
    optimizer: dict[str, np.ndarray] = {}
    if getattr(model, "optimizer", None) is not None:
        model.optimizer.save_own_variables(optimizer)
    state = {"weights": model.get_weights(), "optimizer": optimizer}
    if architecture:
        state["config"] = model.to_json()
        state["compile"] = model.get_compile_config()
    return state


def apply_state(model: Any, state: dict) -> None:
    """Set the weights and the optimizer state of ``model`` from :func:`model_state`."""
    model.set_weights(state["weights"])
    saved = state.get("optimizer") or {}
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not saved:
        return
    if len(saved) != len(optimizer.variables) and not optimizer.built:
        optimizer.build(model.trainable_variables)
    if len(saved) == len(optimizer.variables):
        optimizer.load_own_variables(saved)


def build_from_state(state: dict) -> Any:
    """A compiled model rebuilt from :func:`model_state` (in a worker)."""
    import keras

    model = keras.models.model_from_json(state["config"])
    if state.get("compile"):
        model.compile_from_config(state["compile"])
    apply_state(model, state)
    return model


# --------------------------------------------------------------------------- arrays


def array_header(arrays: dict[str, np.ndarray]) -> list[tuple]:
    """``(name, dtype, shape)`` of each array: the job header's ``arrays`` entry."""
    return [(name, a.dtype.str, a.shape) for name, a in arrays.items()]


def send_array_bytes(conn: Connection, arrays: dict[str, np.ndarray]) -> None:
    """Send each array's bytes, without a pickled copy."""
    for array in arrays.values():
        conn.send_bytes(memoryview(array).cast("B") if array.size else b"")


def receive_arrays(conn: Connection, header: list[tuple]) -> dict[str, np.ndarray]:
    """The arrays announced by ``header``, each read straight into a new array."""
    arrays = {}
    for name, dtype, shape in header:
        array = np.empty(shape, dtype=np.dtype(dtype))
        if array.size:
            conn.recv_bytes_into(memoryview(array).cast("B"))
        else:
            conn.recv_bytes()
        arrays[name] = array
    return arrays


# --------------------------------------------------------------------------- the worker


def serve(conn: Connection, settings: WorkerSettings) -> None:
    """Entry point of a worker process: import Keras, then run jobs until told to quit.

    The process ends with ``os._exit``: TensorFlow's interpreter shutdown takes
    seconds and there is nothing left to save.
    """
    code = 0
    try:
        _serve(conn, settings)
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        with contextlib.suppress(Exception):
            conn.close()
        logging.shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


def _serve(conn: Connection, settings: WorkerSettings) -> None:
    with contextlib.suppress(OSError):
        os.nice(settings.nice)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
    os.environ["OMP_NUM_THREADS"] = str(settings.intra_threads)
    _watch_parent(os.getppid())
    import tensorflow as tf

    tf.config.threading.set_intra_op_parallelism_threads(settings.intra_threads)
    tf.config.threading.set_inter_op_parallelism_threads(settings.inter_threads)
    import keras

    conn.send(("ready", os.getpid()))
    jobs = 0
    while jobs < settings.max_jobs:
        try:
            if not conn.poll(settings.idle_s):
                return
            message = conn.recv()
        except (EOFError, OSError):
            return
        if message[0] == "quit":
            return
        if message[0] != "job":
            continue  # a stop that came after its job had ended
        jobs += 1
        header = message[1]
        try:
            arrays = receive_arrays(conn, header["arrays"])
            quit_now = _run_job(conn, header, arrays, keras)
        except (EOFError, OSError):
            return
        del arrays
        keras.backend.clear_session()  # this process only: its own Keras state
        if quit_now:
            return


def _watch_parent(parent: int) -> None:
    """Exit when the parent process is gone (it was killed: nobody can use the result)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="nnplay-parent-watch", daemon=True).start()


class _StopRequests:
    """Reads the parent's messages during a job: stop (this job) or quit."""

    def __init__(self, conn: Connection, job_id: int) -> None:
        self.conn = conn
        self.job_id = job_id
        self.stop = False
        self.quit = False

    def check(self) -> bool:
        while self.conn.poll():
            message = self.conn.recv()
            if message[0] == "quit":
                self.stop = self.quit = True
            elif message[0] == "stop" and message[1] == self.job_id:
                self.stop = True
        return self.stop


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]


def _run_job(conn: Connection, header: dict, arrays: dict, keras: Any) -> bool:
    """Train one job; return whether the worker must quit afterwards."""
    requests = _StopRequests(conn, header["id"])
    try:
        model = build_from_state(header["model"])
    except Exception as exc:
        conn.send(("done", "failed", None, _first_line(exc)))
        return requests.quit
    if requests.check():
        conn.send(("done", "stopped", None, ""))
        return requests.quit
    options = header["options"]
    live = _live_callback(keras)(conn, requests, arrays.get("probe"))
    validation = None
    if arrays.get("x_val") is not None and arrays.get("y_val") is not None:
        validation = (arrays["x_val"], arrays["y_val"])
    try:
        model.fit(
            arrays["x"],
            arrays["y"],
            batch_size=options["batch_size"],
            epochs=options["last_epoch"],
            initial_epoch=options["first_epoch"],
            validation_data=validation,
            class_weight=options["class_weight"],
            sample_weight=arrays.get("sample_weight"),
            shuffle=options["shuffle"],
            verbose=0,
            callbacks=[live],
        )
    except _StoppedMidEpoch:
        pass  # the weights are those after the last batch; the unfinished epoch is not kept
    except Exception as exc:  # the visitor sees the first line; the log has the rest
        log.exception("training failed")
        conn.send(("done", "failed", None, _first_line(exc)))
        return requests.quit
    outcome = "diverged" if live.diverged else "stopped" if requests.stop else "finished"
    conn.send(("done", outcome, model_state(model, architecture=False), ""))
    return requests.quit


class _StoppedMidEpoch(Exception):
    """Raised by the live callback: a stop was asked for in the middle of an epoch."""


def _live_callback(keras: Any) -> type:
    class Live(keras.callbacks.Callback):
        """Sends progress to the parent and stops when it asks or the loss blows up."""

        def __init__(self, conn: Connection, requests: _StopRequests, probe) -> None:
            super().__init__()
            self.conn = conn
            self.requests = requests
            self.probe = probe
            self.diverged = False
            self.steps = 0
            self.epoch = 0
            self.batch = 0
            self.done = 0
            self.sent = 0.0

        def on_train_begin(self, logs=None):
            self.steps = int((self.params or {}).get("steps") or 0)
            self.conn.send(("begin", self.steps))

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
            self.batch = 0
            self.conn.send(("epoch_begin", epoch))

        def on_train_batch_end(self, batch, logs=None):
            logs = logs or {}
            self.batch = batch + 1
            self.done += 1
            stop = self.requests.check()
            loss = logs.get("loss")
            bad = loss is not None and not math.isfinite(float(loss))
            now = time.monotonic()
            if stop or bad or self.done == 1 or now - self.sent >= PROGRESS_EVERY_S:
                partial = {k: float(v) for k, v in logs.items() if _is_number(v)}
                self.conn.send(("batch", self.epoch, self.batch, self.steps, self.done, partial))
                self.sent = now
            if bad and not self.diverged:
                self.diverged = True
                self.conn.send(("diverged", self.epoch, self.batch, str(float(loss))))
            if stop and not self.diverged and self.steps and self.batch < self.steps:
                # Leave fit at once: Keras would still run a validation pass over the
                # whole validation set for an epoch the history leaves out.
                raise _StoppedMidEpoch
            if stop or self.diverged:
                self.model.stop_training = True

        def on_epoch_end(self, epoch, logs=None):
            logs = {k: float(v) for k, v in (logs or {}).items() if _is_number(v)}
            complete = not self.steps or self.batch >= self.steps
            self.conn.send(("epoch_end", epoch, logs, complete))
            if self.probe is not None and not self.diverged:
                outputs = np.asarray(self.model.predict(self.probe, batch_size=1024, verbose=0))
                self.conn.send(("probe", epoch, outputs))
            if self.requests.check() or self.diverged:
                self.model.stop_training = True

    return Live


def _is_number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return np.ndim(value) == 0


# --------------------------------------------------------------------------- parent side


class WorkerLost(RuntimeError):
    """The worker process ended (crashed, was killed) or its pipe broke."""


def _without_main(get_preparation_data: Callable) -> Callable:
    """Wrap ``spawn.get_preparation_data``: a worker does not run the parent's ``__main__``.

    By default a spawned child first runs its parent's main script again (as
    ``__mp_main__``). A worker needs nothing from it (its code lives in this
    module), and in a Streamlit server ``sys.modules["__main__"]`` is whatever
    page script ran last: the worker would run the app. Only processes named
    :data:`PROCESS_NAME` are changed.
    """
    if getattr(get_preparation_data, "_nnplay", False):
        return get_preparation_data

    def prepare(name):
        data = get_preparation_data(name)
        if name == PROCESS_NAME:
            data.pop("init_main_from_path", None)
            data.pop("init_main_from_name", None)
        return data

    prepare._nnplay = True  # type: ignore[attr-defined]
    return prepare


class Worker:
    """One worker process and its pipe, seen from the parent.

    Parameters
    ----------
    settings : WorkerSettings
        Passed to the process.
    """

    def __init__(self, settings: WorkerSettings) -> None:
        context = multiprocessing.get_context("spawn")
        spawn.get_preparation_data = _without_main(spawn.get_preparation_data)
        self.conn, child = context.Pipe(duplex=True)
        self.process = context.Process(
            target=serve, args=(child, settings), name=PROCESS_NAME, daemon=True
        )
        self.process.start()
        child.close()
        self.settings = settings
        self.ready = False
        self.jobs = 0
        self.started = time.monotonic()
        self.idle_since = time.monotonic()

    @property
    def pid(self) -> int | None:
        """The process id."""
        return self.process.pid

    @property
    def alive(self) -> bool:
        """Whether the process is still running."""
        return self.process.is_alive()

    def poll(self, timeout: float) -> bool:
        """Wait up to ``timeout`` s for a message or the end of the process."""
        return bool(wait([self.conn, self.process.sentinel], timeout))

    def receive(self) -> list[tuple]:
        """Every message waiting now (possibly none).

        Raises
        ------
        WorkerLost
            The process has ended and nothing is left to read.
        """
        messages = []
        try:
            while self.conn.poll():
                message = self.conn.recv()
                if message[0] == "ready":
                    self.ready = True
                else:
                    messages.append(message)
        except (EOFError, OSError) as exc:
            if messages:
                return messages
            raise WorkerLost(self.exit_text()) from exc
        if not messages and not self.alive:
            raise WorkerLost(self.exit_text())
        return messages

    def wait_ready(self, timeout: float, cancelled: Callable[[], bool]) -> bool:
        """Wait until the worker has imported Keras; ``False`` if cancelled or too slow.

        Raises
        ------
        WorkerLost
            The process ended before it was ready.
        """
        deadline = time.monotonic() + timeout
        while not self.ready:
            if cancelled() or time.monotonic() > deadline:
                return False
            if self.poll(0.2):
                self.receive()
        return True

    def send(self, message: tuple) -> None:
        """Send a message (raises :class:`WorkerLost` if the pipe is broken)."""
        try:
            self.conn.send(message)
        except (OSError, ValueError) as exc:
            raise WorkerLost(self.exit_text()) from exc

    def send_job(self, header: dict, arrays: dict[str, np.ndarray]) -> None:
        """Send a job: the header, then the arrays' bytes."""
        self.jobs += 1
        try:
            self.conn.send(("job", header))
            send_array_bytes(self.conn, arrays)
        except (OSError, ValueError) as exc:
            raise WorkerLost(self.exit_text()) from exc

    def exit_text(self) -> str:
        """What became of the process, in words (for the visitor and the log)."""
        with contextlib.suppress(Exception):
            self.process.join(1.0)  # its pipe closes a moment before it can be reaped
        code = self.process.exitcode
        if code is None:
            return "the training process stopped answering"
        if code < 0:
            return f"the training process was ended by signal {-code}"
        return f"the training process exited with code {code}"

    def kill(self) -> None:
        """End the process now and reap it."""
        with contextlib.suppress(Exception):
            if self.process.is_alive():
                self.process.kill()
            self.process.join(10)
        with contextlib.suppress(Exception):
            self.conn.close()

    def retire(self, timeout: float = 5.0) -> None:
        """Ask the process to quit, wait for it, and kill it if it does not."""
        with contextlib.suppress(Exception):
            self.conn.send(("quit",))
        with contextlib.suppress(Exception):
            self.process.join(timeout)
        self.kill()


class WorkerPool:
    """Worker processes kept warm between trainings (Keras takes seconds to import).

    A training takes a worker (:meth:`take`), which runs that one training
    only, and gives it back (:meth:`give_back`) when the training ended
    normally; a worker that crashed, hung or was stopped the hard way is
    killed instead. At most ``keep`` idle workers are kept.

    Parameters
    ----------
    settings : WorkerSettings
        For every worker of the pool.
    keep : int
        Idle workers kept at most (usually the number of trainings at once).
    """

    def __init__(self, settings: WorkerSettings, keep: int = 1) -> None:
        self.settings = settings
        self.keep = max(0, keep)
        self._lock = threading.Lock()
        self._idle: list[Worker] = []
        self._busy: set[Worker] = set()
        self._closed = False

    def take(self) -> Worker:
        """An idle worker (the warmest first), or a newly started one."""
        with self._lock:
            self._reap()
            worker = self._idle.pop() if self._idle else None
            if worker is None:
                worker = Worker(self.settings)
            self._busy.add(worker)
            return worker

    def give_back(self, worker: Worker) -> None:
        """Return a worker whose training ended normally (kept if there is room)."""
        with self._lock:
            self._busy.discard(worker)
            fits = (
                not self._closed
                and worker.alive
                and worker.jobs < self.settings.max_jobs
                and len(self._idle) < self.keep
            )
            if fits:
                worker.idle_since = time.monotonic()
                self._idle.append(worker)
                return
        worker.retire()

    def discard(self, worker: Worker) -> None:
        """Kill a worker that must not be used again (crashed, hung, abandoned)."""
        with self._lock:
            self._busy.discard(worker)
        worker.kill()

    def prewarm(self) -> None:
        """Start a worker ahead of time if none is idle and there is room for one."""
        with self._lock:
            self._reap()
            if self._closed or self._idle or len(self._busy) >= self.keep:
                return
            self._idle.append(Worker(self.settings))

    def reap(self) -> None:
        """Reap idle workers that exited on their own (after ``idle_s`` without a job)."""
        with self._lock:
            self._reap()

    def _reap(self) -> None:
        # Idle workers that exited on their own (idle too long) are reaped here.
        for worker in [w for w in self._idle if not w.alive]:
            self._idle.remove(worker)
            worker.kill()

    def pids(self) -> list[int]:
        """Process ids of every live worker of this pool (idle and busy)."""
        with self._lock:
            workers = [*self._idle, *self._busy]
        return [w.pid for w in workers if w.alive and w.pid is not None]

    @property
    def idle(self) -> int:
        """How many workers wait for a job."""
        with self._lock:
            return len(self._idle)

    def shutdown(self) -> None:
        """Retire the idle workers (busy ones end with their training)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for worker in idle:
            worker.retire()

    def close(self) -> None:
        """Shut down and keep no worker from now on."""
        with self._lock:
            self._closed = True
        self.shutdown()


_server_pool: WorkerPool | None = None
_server_lock = threading.Lock()


def server_pool() -> WorkerPool:
    """The pool shared by every session of this server process (created once).

    It keeps up to ``NNPLAY_MAX_TRAININGS`` idle workers, each set for that
    share of the machine (:meth:`WorkerSettings.for_share`).
    """
    from nnplay.keras_lab.slots import default_capacity

    global _server_pool
    with _server_lock:
        if _server_pool is None:
            capacity = default_capacity()
            _server_pool = WorkerPool(WorkerSettings.for_share(capacity), keep=capacity)
        return _server_pool
