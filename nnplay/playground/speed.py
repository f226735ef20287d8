"""Keep numpy's small matrix products on one thread while the playground computes.

The playground multiplies many small matrices (``10000 × 8`` by ``8 × 8``):
OpenBLAS's worker threads cost more than they save there, and on a busy server
they wait for cores other visitors need. :func:`one_blas_thread` limits BLAS to
the calling thread for the duration of a ``with`` block.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import cache


@cache
def _controller():
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # pragma: no cover - scikit-learn brings it
        return None
    return ThreadpoolController()


def find_blas() -> None:
    """Find the process's BLAS libraries now (threadpoolctl scans every loaded library)."""
    _controller()


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Run the block with BLAS on a single thread (a no-op without threadpoolctl)."""
    controller = _controller()
    if controller is None:
        yield
        return
    with controller.limit(limits=1, user_api="blas"):
        yield
