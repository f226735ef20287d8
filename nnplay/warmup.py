"""Import the heavy libraries in the background once the first page has been served.

The home and logic pages need neither scikit-learn nor TensorFlow, and must not
wait for them; the perceptron and XOR pages need scikit-learn (their models are
scikit-learn estimators) and the Keras pages TensorFlow, which takes seconds to
import. A server starts this once, after its first page, so that a visitor who
goes on to those pages finds them already loaded. A page that asks for a module
while it is still being imported waits for that import (Python's import lock),
never imports it twice.

While it imports, a page that needs none of the modules still to come (the
home and logic pages from the start, the perceptron page once scikit-learn is
in) runs first: the warm-up thread pauses before its next module while such a
page's script runs, so that the page is not slowed down by sharing the
interpreter with an import of TensorFlow (:class:`_GiveWay`). A page that needs a
module still being imported makes no one wait: the warm-up goes on for it.

Set ``NNPLAY_WARM_UP=0`` to turn it off (the tests that count a page's imports do).
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.abc
import logging
import os
import sys
import threading
import time
from collections import Counter

from nnplay import server

ENV = "NNPLAY_WARM_UP"
#: In teaching order: what the next pages need comes first.
MODULES = ("nnplay.perceptron", "nnplay.mlp", "keras")

PAUSE_STEP_S = 0.01
MAX_PAUSE_S = 2.0  # a page that runs longer shares the interpreter again

log = logging.getLogger("nnplay")
_lock = threading.Lock()
_thread: threading.Thread | None = None
_imported: set[str] = set()  # of the warm-up's modules, those done
_running: Counter[tuple[str, ...]] = Counter()  # what the pages running now need


@contextlib.contextmanager
def page_running(needs: tuple[str, ...] = ()):
    """Mark a page's script run, and the warm-up modules it needs, for the warm-up."""
    with _lock:
        _running[needs] += 1
    try:
        yield
    finally:
        with _lock:
            _running[needs] -= 1
            if not _running[needs]:
                del _running[needs]


def should_give_way() -> bool:
    """Whether pages are running and none of them waits for a module still to come."""
    with _lock:
        return bool(_running) and all(_imported.issuperset(n) for n in _running)


class _GiveWay(importlib.abc.MetaPathFinder):
    """Asked first about every import: in the warm-up thread, waits while pages run.

    Finds nothing itself; the import goes on with the usual finders.
    """

    def find_spec(self, fullname, path, target=None):
        if threading.current_thread() is _thread:
            waited = 0.0
            while waited < MAX_PAUSE_S and should_give_way():
                time.sleep(PAUSE_STEP_S)
                waited += PAUSE_STEP_S
        return None


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


def _import_all(modules: tuple[str, ...]) -> None:
    started = time.perf_counter()
    finder = _GiveWay()
    sys.meta_path.insert(0, finder)
    try:
        for name in modules:
            try:
                importlib.import_module(name)
            except Exception:  # the page that needs it will say what is wrong
                log.warning("warm-up could not import %s", name, exc_info=True)
            with _lock:
                _imported.add(name)
    finally:
        sys.meta_path.remove(finder)
    # Keras in the process: no Keras clean-up (a full collection) after every
    # script run, and what was imported is left out of later collections.
    server.settle()
    log.info("warm-up imported %s in %.1f s", ", ".join(modules), time.perf_counter() - started)
