"""Time the server side of Streamlit reruns with AppTest.

``app.py`` calls ``nnplay.ui.run_page`` on every run; wrapping it measures the
whole page script (widgets, nnplay calls, figure building and serialisation)
without the AppTest harness around it.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from nnplay import ui

_original_run_page = ui.run_page
timings_ms: list[float] = []


def _timed_run_page(page: Callable[[], None], **options) -> None:
    started = time.perf_counter()
    try:
        _original_run_page(page, **options)
    finally:
        timings_ms.append((time.perf_counter() - started) * 1000)


def install() -> None:
    """Start recording the server time of every page run."""
    ui.run_page = _timed_run_page


def summary(values: list[float]) -> str:
    """Median and maximum of a list of milliseconds."""
    return f"median {statistics.median(values):.1f} ms, max {max(values):.1f} ms (n={len(values)})"
