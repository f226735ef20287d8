"""Keep the web server's own process light once TensorFlow is in it.

Two costs grow with the ~400,000 objects TensorFlow and Keras bring into a
process, and a server pays them on every script run:

- Streamlit calls ``keras.backend.clear_session()`` after every script run
  (``_clean_problem_modules`` in its script runner), and Keras 3's
  ``clear_session`` ends with a full ``gc.collect()`` (0.25–0.4 s here), besides
  resetting TensorFlow's default graph under any other session's evaluation.
  Trainings run in worker processes and every session builds its own named
  model, so the web process has nothing to clear: :func:`settle` makes those
  calls, and only those (calls from Streamlit's own modules), do nothing.
- Python's automatic full collections walk every tracked object. Objects that
  live as long as the server (the imported modules) are moved out of their way
  with ``gc.freeze()``.

Call :func:`settle` once the heavy imports are done (it is cheap to call again).
``.streamlit/config.toml`` turns off Streamlit's own full collection after every
script run (``runner.postScriptGC = false``).

A dropped Keras model is the exception: it lives in reference cycles, which only
a full collection frees, and automatic full collections are rare. Without one,
each replaced model kept about 4.5 MB (and its traced functions) for good.
:func:`release_soon` runs that collection in a background thread, a moment
later, and hands the freed heap back to the system (``malloc_trim``).

The C heap grows its own way: glibc gives threads that allocate at the same
time separate arenas (up to eight per core), and what a dropped model leaves in
them is hardly ever handed back. A server runs a thread per session and per
training, so :func:`limit_malloc_arenas` caps them at two for a server started
without ``MALLOC_ARENA_MAX=2`` (the Dockerfile's setting). Measured with
``bench/bench_server_load.py``, 20 trainings after the first grew the server by
25-37 MB with glibc's default, by 20 MB with the cap set at the first page, and
by 6-8 MB with ``MALLOC_ARENA_MAX=2`` from the start.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import gc
import os
import sys
import threading

_lock = threading.Lock()
_frozen_with: set[str] = set()

RELEASE_DELAY_S = 2.0
MALLOC_ARENAS = 2
_M_ARENA_MAX = -8  # mallopt's parameter number (glibc's malloc.h)
_release_timer: threading.Timer | None = None


def settle() -> None:
    """Once per process, after importing Keras: skip Streamlit's Keras clean-up, freeze.

    Idempotent and safe from any thread; does nothing for Keras until it has
    been imported. Never collects garbage itself.
    """
    keras = sys.modules.get("keras")
    key = "keras" if keras is not None else "plain"
    if key in _frozen_with:
        return
    with _lock:
        if key in _frozen_with:
            return
        if keras is not None:
            quiet_streamlit_clear_session(keras)
        gc.freeze()
        _frozen_with.add(key)


def quiet_streamlit_clear_session(keras) -> None:
    """Make ``keras.backend.clear_session`` a no-op when Streamlit's code calls it.

    Every other caller gets Keras's own function, unchanged.
    """
    original = keras.backend.clear_session
    if getattr(original, "_nnplay_quiet", False):
        return

    @functools.wraps(original)
    def clear_session(*args, **kwargs):
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if caller == "streamlit" or caller.startswith("streamlit."):
            return None
        return original(*args, **kwargs)

    clear_session._nnplay_quiet = True  # type: ignore[attr-defined]
    keras.backend.clear_session = clear_session


def release_soon(delay_s: float = RELEASE_DELAY_S) -> None:
    """Free dropped models' memory ``delay_s`` from now, off the request path.

    Calls within the delay share one release: a full collection of what
    :func:`settle` did not freeze (tens of milliseconds) in a background
    thread, then :func:`trim_heap`.
    """
    global _release_timer
    with _lock:
        if _release_timer is not None and _release_timer.is_alive():
            return
        _release_timer = threading.Timer(delay_s, release)
        _release_timer.daemon = True
        _release_timer.name = "nnplay-release"
        _release_timer.start()


def release() -> int:
    """A full garbage collection, then :func:`trim_heap`; returns what was collected."""
    collected = gc.collect()
    trim_heap()
    return collected


@functools.cache
def limit_malloc_arenas(count: int = MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas at ``count``, once per process.

    Leaves a ``MALLOC_ARENA_MAX`` set in the environment as it is (glibc read
    it at start). Arenas made before the call stay.

    Returns
    -------
    bool
        Whether the cap is now set (``False`` where the C library is not glibc).
    """
    if os.environ.get("MALLOC_ARENA_MAX"):
        return True
    mallopt = _libc_function("mallopt")
    return bool(mallopt is not None and mallopt(_M_ARENA_MAX, count))


def trim_heap() -> bool:
    """Give the C heap's free memory back to the system (glibc's ``malloc_trim``).

    Returns ``False`` where there is no such function (not glibc).
    """
    trim = _libc_function("malloc_trim")
    if trim is None:
        return False
    trim(0)
    return True


@functools.cache
def _libc_function(name: str):
    """A function of glibc (``None`` where there is no such function)."""
    library = ctypes.util.find_library("c")
    try:
        return getattr(ctypes.CDLL(library), name) if library else None
    except (OSError, AttributeError):
        return None
