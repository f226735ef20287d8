"""Import the heavy libraries in the background once the first page has been served.

The home and logic pages need neither scikit-learn nor TensorFlow, and must not
wait for them; the perceptron and XOR pages need scikit-learn (their models are
scikit-learn estimators) and the Keras pages TensorFlow, which takes seconds to
import. A server starts this once, after its first page, so that a visitor who
goes on to those pages finds them already loaded. A page that asks for a module
while it is still being imported waits for that import (Python's import lock),
never imports it twice.

While a lesson page runs, the warm-up pauses before each module it imports
(:func:`lesson_running`): the interpreter runs one thread at a time, and
Keras's import would otherwise halve the page's speed. A pause lasts at most
:data:`MAX_PAUSE_S`, and ends at once when the page waits for a module that the
warm-up is in the middle of importing (:func:`_waited_for`). Pages that need
Keras do not pause it.

Set ``NNPLAY_WARM_UP=0`` to turn it off (the tests that count a page's imports do).
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import sys
import threading
import time

from nnplay import server

ENV = "NNPLAY_WARM_UP"
#: In teaching order: what the next pages need comes first. ``"module:function"``
#: also calls ``function()`` once the module is imported. The lessons' own
#: modules and the libraries they import lazily come before Keras, so that a
#: lesson page run during Keras's import (seconds) finds everything it needs.
MODULES = (
    "sklearn.datasets",
    "sklearn.linear_model",
    "nnplay.perceptron_lab",
    "nnplay.charts.perceptron",
    "nnplay.xor_lab",
    "nnplay.charts.xor",
    "nnplay.charts.activations",
    "nnplay.charts.theme:load_plotly",
    "nnplay.playground.session",
    "nnplay.charts.playground",
    "nnplay.playground.speed:find_blas",
    "keras",
)

#: Added to the warm-up thread's nice value (0 is the server's, 19 the lowest).
WARM_UP_NICE = 10

#: The longest the warm-up waits for lesson pages before one import.
MAX_PAUSE_S = 0.5
#: How often a paused warm-up checks whether a page waits for its import.
CHECK_S = 0.02

log = logging.getLogger("nnplay")
_lock = threading.Lock()
_thread: threading.Thread | None = None
_lessons = threading.Condition()
_lessons_running = 0
_warm_thread_id: int | None = None  # the thread that gives way to lesson pages
_hooked = False


@contextlib.contextmanager
def lesson_running():
    """Mark a lesson page's run: the warm-up waits between its imports meanwhile."""
    global _lessons_running
    with _lessons:
        _lessons_running += 1
    try:
        yield
    finally:
        with _lessons:
            _lessons_running -= 1
            if not _lessons_running:
                _lessons.notify_all()


def _on_audit(event: str, args: tuple) -> None:
    """Python's audit hook: before the warm-up thread loads a module, give way.

    The ``import`` event comes before the import machinery takes any lock for
    the new module (a pause in a ``sys.meta_path`` finder would hold the global
    import lock, and stop every other thread's imports).
    """
    if event == "import" and _warm_thread_id == threading.get_ident():
        give_way()


def give_way() -> None:
    """Wait while a lesson page runs: at most :data:`MAX_PAUSE_S`, and not while a
    page waits for a module this thread is importing."""
    me = threading.get_ident()
    deadline = time.monotonic() + MAX_PAUSE_S
    with _lessons:
        while _lessons_running and not _waited_for(me):
            left = deadline - time.monotonic()
            if left <= 0:
                break
            _lessons.wait(min(left, CHECK_S))


def _waited_for(thread_id: int) -> bool:
    """Whether another thread waits for a module that ``thread_id`` is importing.

    A page that needs a module the warm-up is in the middle of importing must
    not wait for the warm-up's pause. Reads importlib's own record of who waits
    on which module lock (a lock per thread in 3.11, a list from 3.12); if that
    record is not there, says yes (no pause).
    """
    from importlib import _bootstrap

    blocking = getattr(_bootstrap, "_blocking_on", None)
    if not isinstance(blocking, dict):
        return True
    for locks in list(blocking.values()):
        for lock in locks if isinstance(locks, list) else [locks]:
            if getattr(lock, "owner", None) == thread_id:
                return True
    return False


def enabled() -> bool:
    """Whether the warm-up is on (``NNPLAY_WARM_UP`` is not ``0``)."""
    return os.environ.get(ENV, "1").strip() != "0"


def start(modules: tuple[str, ...] | None = None) -> threading.Thread | None:
    """Import ``modules`` (default :data:`MODULES`) in a daemon thread, once per process.

    Returns
    -------
    threading.Thread or None
        The new thread, or ``None`` when one was started before.
    """
    global _thread
    with _lock:
        if _thread is not None:
            return None
        _thread = threading.Thread(
            target=_import_all, args=(modules or MODULES,), name="nnplay-warm-up", daemon=True
        )
        _thread.start()
        return _thread


def _install_audit_hook() -> None:
    """Add :func:`_on_audit` once per process (audit hooks cannot be removed; it
    returns at once for any thread but the warm-up's)."""
    global _hooked
    with _lock:
        if not _hooked:
            sys.addaudithook(_on_audit)
            _hooked = True


def _lower_priority() -> None:
    """Give this thread a lower CPU priority than the pages' (Linux: per thread).

    Keras's import takes seconds of CPU; a visitor's page, and their browser on
    the same machine, should have the cores first.
    """
    try:
        me = threading.get_native_id()
        nice = min(os.getpriority(os.PRIO_PROCESS, me) + WARM_UP_NICE, 19)
        os.setpriority(os.PRIO_PROCESS, me, nice)
    except (AttributeError, OSError):  # not Linux, or not allowed: run as is
        pass


def _import_all(modules: tuple[str, ...]) -> None:
    global _warm_thread_id
    started = time.perf_counter()
    _lower_priority()
    _install_audit_hook()
    _warm_thread_id = threading.get_ident()
    try:
        _prepare(modules)
    finally:
        _warm_thread_id = None
    # Keras in the process: no Keras clean-up (a full collection) after every
    # script run, and what was imported is left out of later collections.
    server.settle()
    log.info("warm-up imported %s in %.1f s", ", ".join(modules), time.perf_counter() - started)


def _prepare(modules: tuple[str, ...]) -> None:
    for spec in modules:
        name, _, function = spec.partition(":")
        try:
            module = importlib.import_module(name)
            if function:
                getattr(module, function)()
        except Exception:  # the page that needs it will say what is wrong
            log.warning("warm-up could not prepare %s", spec, exc_info=True)
