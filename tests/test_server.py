"""The web process's memory: dropped Keras models are freed soon, off the request path."""

import gc
import weakref

import pytest

from nnplay import server


class Node:
    """An object in a reference cycle, as a Keras model is (layers point back to it)."""

    def __init__(self):
        self.me = self


@pytest.fixture
def no_automatic_gc():
    gc.disable()
    yield
    gc.enable()


def _join_release():
    timer = server._release_timer
    assert timer is not None
    timer.join(5)
    assert not timer.is_alive()


def test_release_soon_frees_cycles_in_the_background_once_per_burst(no_automatic_gc):
    node = Node()
    ref = weakref.ref(node)
    del node
    assert ref() is not None  # a cycle: reference counting alone never frees it
    server.release_soon(0.05)
    first = server._release_timer
    server.release_soon(0.05)  # within the delay: the same release
    assert server._release_timer is first
    assert first.daemon
    _join_release()
    assert ref() is None


def test_a_dropped_keras_model_needs_the_release():
    keras = pytest.importorskip("keras")
    import numpy as np

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])
    model.predict(np.zeros((2, 4)), verbose=0)
    ref = weakref.ref(model)
    gc.disable()
    try:
        del model
        assert ref() is not None  # held by its own reference cycles
        server.release_soon(0.01)
        _join_release()
        assert ref() is None
    finally:
        gc.enable()


def test_trim_heap_reports_whether_it_could():
    assert server.trim_heap() in (True, False)
    assert server.release() >= 0


_ARENAS = """
import ctypes, ctypes.util, sys, threading
from nnplay import server
if sys.argv[1] == "capped":
    assert server.limit_malloc_arenas()
barrier = threading.Barrier(8)
def work():  # eight threads allocating at once, as sessions and trainings do
    barrier.wait()
    kept = []
    for _ in range(2000):
        kept.append(bytearray(10_000))  # through malloc, below its mmap threshold
        del kept[:-50]
threads = [threading.Thread(target=work) for _ in range(8)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
ctypes.CDLL(ctypes.util.find_library("c")).malloc_stats()  # one "Arena N:" line each
"""


@pytest.mark.skipif(not server._libc_function("mallopt"), reason="not glibc")
def test_malloc_arenas_are_capped_for_a_server_of_many_threads():
    import os
    import subprocess
    import sys

    from conftest import ROOT

    def arenas(mode: str) -> int:
        env = {k: v for k, v in os.environ.items() if k != "MALLOC_ARENA_MAX"}
        done = subprocess.run(
            [sys.executable, "-c", _ARENAS, mode],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        return sum(line.startswith("Arena ") for line in done.stderr.splitlines())

    assert arenas("capped") <= server.MALLOC_ARENAS < arenas("default")
