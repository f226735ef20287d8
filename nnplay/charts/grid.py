"""Paper domains of subplots laid out in a grid, always within plotly's [0, 1]."""

from __future__ import annotations

from collections.abc import Sequence

Domain = tuple[float, float]

MAX_GAP_SHARE = 0.5
"""Gaps together take at most this share of the length; wider gaps are narrowed."""


def _clamp(value: float, low: float, high: float) -> float:
    return min(max(value, low), high)


def spans(
    count: int,
    gap: float,
    *,
    start: float = 0.0,
    end: float = 1.0,
    weights: Sequence[float] | None = None,
) -> list[Domain]:
    """``count`` spans of ``[start, end]``, ``gap`` apart, from ``start`` to ``end``.

    Every bound is clamped to ``[start, end]`` and to [0, 1], each span has
    ``lo <= hi`` and none overlaps the next: sums like ``1 - 2 * 0.46 - 0.08``
    come out as ``-5.6e-17``, which plotly rejects as a domain.

    Parameters
    ----------
    count : int
        Number of spans, at least 1.
    gap : float
        Space between neighbouring spans, in paper units.
    start, end : float
        The stretch to divide.
    weights : sequence of float, optional
        Relative sizes of the spans (equal by default).

    Returns
    -------
    list of (float, float)
        The spans in order, from ``start``.
    """
    if count < 1:
        raise ValueError("a grid needs at least one span")
    weights = [1.0] * count if weights is None else [float(w) for w in weights]
    if len(weights) != count or min(weights) <= 0:
        raise ValueError("weights must be positive, one per span")
    low, high = _clamp(start, 0.0, 1.0), _clamp(end, 0.0, 1.0)
    high = max(low, high)
    length = high - low
    if count > 1:
        gap = min(max(gap, 0.0), MAX_GAP_SHARE * length / (count - 1))
    else:
        gap = 0.0
    free = length - gap * (count - 1)
    total = sum(weights)
    result: list[Domain] = []
    lo = low
    for i, weight in enumerate(weights):
        # the last span ends at ``high`` itself, not at a sum a rounding away from it
        hi = high if i == count - 1 else lo + free * weight / total
        hi = _clamp(hi, lo, high)
        result.append((lo, hi))
        lo = _clamp(hi + gap, hi, high)
    return result


def grid_domains(
    rows: int, columns: int, *, gap_x: float = 0.0, gap_y: float = 0.0
) -> list[tuple[Domain, Domain]]:
    """The ``(x, y)`` paper domains of the cells of a ``rows`` × ``columns`` grid.

    Cells come row by row from the top left, as subplots are read. Bounds are
    clamped to [0, 1] and ordered (see :func:`spans`).

    Parameters
    ----------
    rows, columns : int
        Grid size, each at least 1.
    gap_x, gap_y : float
        Space between columns and between rows, in paper units; narrowed when
        many cells would leave too little room.

    Returns
    -------
    list of ((float, float), (float, float))
        ``rows * columns`` pairs of x and y domains.
    """
    xs = spans(columns, gap_x)
    ys = spans(rows, gap_y)[::-1]  # paper y grows upwards, the first row is on top
    return [(x, y) for y in ys for x in xs]
