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
