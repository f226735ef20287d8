"""Import the heavy libraries in the background once the first page has been served.

The home and logic pages need neither scikit-learn nor TensorFlow, and must not
wait for them; the perceptron and XOR pages need scikit-learn (their models are
scikit-learn estimators) and the Keras pages TensorFlow, which takes seconds to
import. A server starts this once, after its first page, so that a visitor who
goes on to those pages finds them already loaded. A page that asks for a module
while it is still being imported waits for that import (Python's import lock),
never imports it twice.

Set ``NNPLAY_WARM_UP=0`` to turn it off (the tests that count a page's imports do).
"""

from __future__ import annotations

import importlib
import logging
import os
import threading
import time

from nnplay import server

ENV = "NNPLAY_WARM_UP"
#: In teaching order: what the next pages need comes first.
MODULES = ("nnplay.perceptron", "nnplay.mlp", "keras")

log = logging.getLogger("nnplay")
_lock = threading.Lock()
_thread: threading.Thread | None = None


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
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception:  # the page that needs it will say what is wrong
            log.warning("warm-up could not import %s", name, exc_info=True)
    # Keras in the process: no Keras clean-up (a full collection) after every
    # script run, and what was imported is left out of later collections.
    server.settle()
    log.info("warm-up imported %s in %.1f s", ", ".join(modules), time.perf_counter() - started)
