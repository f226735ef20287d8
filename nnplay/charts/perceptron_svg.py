"""A perceptron's decision boundary and its mistakes per epoch, as inline SVG.

The perceptron page redraws these pictures on every setting, and the boundary
on every step of the stepper. Plotly takes a few hundred milliseconds of the
browser's time per figure; the same picture as SVG takes a few. The boundary
shows the samples (with their values as tooltips), the plane shaded by the
class predicted there (exact polygons), every output neuron's boundary line
and weight vector, equal scales on both axes.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np

from nnplay.charts.perceptron import (
    BINARY_COLORS,
    CLASS_COLORS,
    SYMBOLS,
    boundary_segment,
    clip_segment,
    line_colors,
    region_polygons,
    view,
    weight_arrow,
)
from nnplay.charts.svg import svg_document, text_width
from nnplay.charts.theme import ACTIVE, MUTED, Theme

_REGION_OPACITY = 0.16
_MAX_TICKS = 8


def nice_ticks(
    low: float, high: float, most: int = _MAX_TICKS, *, integer: bool = False
) -> np.ndarray:
    """Round tick values (1, 2 or 5 times a power of ten apart) inside ``[low, high]``.

    ``integer``: whole numbers only (epochs, counts).
    """
    span = high - low
    if not span > 0:
        return np.array([low])
    raw = span / max(most, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    if integer:
        step = max(step, 1.0)
    first = math.ceil(low / step) * step
    values = np.arange(first, high + step * 1e-9, step)
    return np.round(values, 10)


def _tick_text(value: float) -> str:
    return f"{value:g}".replace("-", "−")


def _fill_view(xr, yr, width: float, height: float) -> tuple[list[float], list[float]]:
    """The view widened along one axis so that both axes get the same scale (as plotly's
    ``constrain="range"``): the plane then fills ``width`` × ``height``."""
    xw, yw = xr[1] - xr[0], yr[1] - yr[0]
    scale = min(width / xw, height / yw)
    cx, cy = sum(xr) / 2, sum(yr) / 2
    hx, hy = width / scale / 2, height / scale / 2
    return [cx - hx, cx + hx], [cy - hy, cy + hy]


def _marker(symbol: str, x: float, y: float, r: float) -> str:
    if symbol == "square":
        s = r * 0.9
        return f'<rect x="{x - s:.1f}" y="{y - s:.1f}" width="{2 * s:.1f}" height="{2 * s:.1f}"'
    if symbol == "diamond":
        d = r * 1.25
        return (
            f'<polygon points="{x:.1f},{y - d:.1f} {x + d:.1f},{y:.1f} {x:.1f},{y + d:.1f} '
            f'{x - d:.1f},{y:.1f}"'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}"'


def boundary_svg(
    X: np.ndarray,
    y: np.ndarray,
    class_names: list[str],
    axis_titles: tuple[str, str],
    W: np.ndarray,
    B: np.ndarray,
    theme: Theme,
    *,
    width_px: int,
    sample: int | None = None,
    previous: tuple[np.ndarray, np.ndarray] | None = None,
    title: str = "",
) -> str:
    """The samples, the shaded classes and every output neuron's boundary and weights.

    Parameters
    ----------
    X : ndarray of shape (n_samples, 2)
        Two features.
    y : ndarray of shape (n_samples,)
        Class index per sample (0 = the rest, 1 = positive, for two classes).
    class_names : list of str
        Legend names, by class index.
    axis_titles : tuple of str
        Feature names.
    W : ndarray of shape (n_outputs, 2)
        Weights, one row per output neuron (``coef_``).
    B : ndarray of shape (n_outputs,)
        Biases.
    theme : Theme
        Sizes.
    width_px : int
        The width, in pixels, of the column the picture is drawn for: text
        has the theme's sizes at that width, and scales with the column.
    sample : int, optional
        A sample to ring (the one just presented).
    previous : tuple of ndarray, optional
        Weights and biases before the last step, drawn dashed.
    title : str
        What a screen reader says.

    Returns
    -------
    str
        ``<svg ...>...</svg>`` on one line, as wide as its container.
    """
    tick = theme.tick_size
    height_px = int(theme.height * 1.45)
    radius = theme.marker_size / 2
    left, right, bottom = 4.6 * tick, 10.0, 3.0 * tick
    places, rows = _legend_places(class_names, radius, tick, width_px - left - right)
    top = (rows * 1.6 + 0.8) * tick
    plane_w, plane_h = width_px - left - right, height_px - top - bottom
    xr, yr = _fill_view(*view(X), plane_w, plane_h)
    sx, sy = plane_w / (xr[1] - xr[0]), plane_h / (yr[1] - yr[0])

    def px(x):
        return left + (np.asarray(x, dtype=float) - xr[0]) * sx

    def py(v):
        return top + (yr[1] - np.asarray(v, dtype=float)) * sy

    n_classes = len(class_names)
    colors = BINARY_COLORS if n_classes == 2 else CLASS_COLORS
    # the same id only for the same plane rectangle, so two pictures on a page cannot clash
    clip = f"nnplay-plane-{width_px}-{height_px}-{tick}"
    parts = [
        f'<defs><clipPath id="{clip}"><rect x="{left:.1f}" y="{top:.1f}" '
        f'width="{plane_w:.1f}" height="{plane_h:.1f}"/></clipPath></defs>',
        f'<g clip-path="url(#{clip})" opacity="{_REGION_OPACITY}">',
    ]
    for k, polygon in enumerate(region_polygons(W, B, xr, yr)):
        if polygon is not None:
            corners = " ".join(
                f"{a:.1f},{b:.1f}"
                for a, b in zip(px(polygon[:, 0]), py(polygon[:, 1]), strict=True)
            )
            parts.append(f'<polygon class="region" points="{corners}" fill="{colors[k]}"/>')
    parts.append("</g>")

    for k, name in enumerate(class_names):
        mask = y == k
        symbol = SYMBOLS[k % len(SYMBOLS)]
        parts.append(
            f'<g class="samples" fill="{colors[k]}" fill-opacity="0.75" stroke="#ffffff" '
            f'stroke-width="0.5">'
        )
        for a, b, (fx, fy) in zip(px(X[mask, 0]), py(X[mask, 1]), X[mask], strict=True):
            label = escape(f"{name} ({fx:g}, {fy:g})")
            parts.append(f"{_marker(symbol, a, b, radius)}><title>{label}</title>" + _close(symbol))
        parts.append("</g>")

    neuron_colors = line_colors(len(W))
    parts.append(f'<g clip-path="url(#{clip})">')  # an arrow may start off the view
    if previous is not None:
        parts += _neurons(
            previous[0], previous[1], xr, yr, px, py, neuron_colors, theme, dashed=True
        )
    parts += _neurons(W, B, xr, yr, px, py, neuron_colors, theme, dashed=False)
    parts.append("</g>")
    if sample is not None:
        parts.append(
            f'<circle class="sample" cx="{float(px(X[sample, 0])):.1f}" '
            f'cy="{float(py(X[sample, 1])):.1f}" r="{radius * 2.4:.1f}" fill="none" '
            f'stroke="{ACTIVE}" stroke-width="{theme.line_width * 1.5:.1f}"/>'
        )

    parts += _axes(xr, yr, px, py, left, top, plane_w, plane_h, axis_titles, tick)
    parts += _legend(class_names, colors, places, left, top, radius, tick)
    return svg_document((0, 0, width_px, height_px), None, title, parts, "nnplay-boundary")


def _close(symbol: str) -> str:
    return {"square": "</rect>", "diamond": "</polygon>"}.get(symbol, "</circle>")


def _neurons(W, B, xr, yr, px, py, colors, theme: Theme, *, dashed: bool) -> list[str]:
    """Per output neuron: its boundary across the view and its weight arrow."""
    width = theme.line_width * 1.5
    style = f' stroke-dasharray="{3 * width:.1f} {2 * width:.1f}" opacity="0.5"' if dashed else ""
    parts = []
    for w, b, color in zip(np.asarray(W), np.asarray(B), colors, strict=True):
        if not np.any(w):  # every point gets the same output: no line, no direction
            continue
        line = clip_segment(*boundary_segment(w, b, xr, yr), xr, yr)
        kind = "previous" if dashed else "boundary"
        parts.append(f'<g class="{kind}" stroke="{color}" fill="{color}"{style}>')
        if line is not None:
            (x0, y0), (x1, y1) = line
            parts.append(
                f'<line x1="{float(px(x0)):.1f}" y1="{float(py(y0)):.1f}" x2="{float(px(x1)):.1f}" '
                f'y2="{float(py(y1)):.1f}" stroke-width="{width:.1f}"/>'
            )
        (ax0, ax1), (ay0, ay1) = weight_arrow(w, b, xr, yr)
        a0, b0, a1, b1 = float(px(ax0)), float(py(ay0)), float(px(ax1)), float(py(ay1))
        parts.append(
            f'<line class="weights" x1="{a0:.1f}" y1="{b0:.1f}" x2="{a1:.1f}" y2="{b1:.1f}" '
            f'stroke-width="{width:.1f}"/>' + _arrowhead(a0, b0, a1, b1, theme.marker_size + 6)
        )
        parts.append("</g>")
    return parts


def _arrowhead(x0: float, y0: float, x1: float, y1: float, size: float) -> str:
    """A filled triangle with its tip at ``(x1, y1)``, pointing away from ``(x0, y0)``."""
    length = math.hypot(x1 - x0, y1 - y0) or 1.0
    ux, uy = (x1 - x0) / length, (y1 - y0) / length
    bx, by = x1 - ux * size, y1 - uy * size
    half = size * 0.45
    corners = [(x1, y1), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]
    points = " ".join(f"{a:.1f},{b:.1f}" for a, b in corners)
    return f'<polygon points="{points}" stroke="none"/>'


def _tick_label(x: float, y: float, value: float, tick: float, anchor: str) -> str:
    middle = ' dominant-baseline="central"' if anchor == "end" else ""  # beside the axis
    return (
        f'<text class="tick" x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{middle} '
        f'font-size="{tick}" fill="{MUTED}">{_tick_text(value)}</text>'
    )


def _axes(
    xr, yr, px, py, left, top, plane_w, plane_h, axis_titles, tick, *, integer: bool = False
) -> list[str]:
    """The frame of the plot, tick labels on both axes and the axis titles."""
    bottom = top + plane_h
    parts = [
        f'<rect x="{left:.1f}" y="{top:.1f}" width="{plane_w:.1f}" height="{plane_h:.1f}" '
        f'fill="none" stroke="{MUTED}" stroke-width="1"/>'
    ]
    most_x = min(_MAX_TICKS, max(2, int(plane_w / (4 * tick))))
    most_y = min(_MAX_TICKS, max(2, int(plane_h / (3 * tick))))
    parts += [
        _tick_label(float(px(v)), bottom + 1.2 * tick, v, tick, "middle")
        for v in nice_ticks(*xr, most=most_x, integer=integer)
    ]
    parts += [
        _tick_label(left - 0.4 * tick, float(py(v)), v, tick, "end")
        for v in nice_ticks(*yr, most=most_y, integer=integer)
    ]
    x_title, y_title = (escape(str(t)) for t in axis_titles)
    cy = top + plane_h / 2
    parts.append(
        f'<text class="axis-title" x="{left + plane_w / 2:.1f}" y="{bottom + 2.6 * tick:.1f}" '
        f'text-anchor="middle" font-size="{tick}">{x_title}</text>'
        f'<text class="axis-title" x="{0.9 * tick:.1f}" y="{cy:.1f}" text-anchor="middle" '
        f'dominant-baseline="central" font-size="{tick}" '
        f'transform="rotate(-90 {0.9 * tick:.1f} {cy:.1f})">{y_title}</text>'
    )
    return parts


def _legend_places(names, radius, tick, width) -> tuple[list[tuple[float, int]], int]:
    """Where each legend entry starts (offset, row from the top), entries wrapping to
    new rows within ``width``; and the number of rows."""
    places, x, row = [], 0.0, 0
    for name in names:
        entry = 2 * radius + 0.4 * tick + text_width(name, tick)
        if x and x + entry > width:
            x, row = 0.0, row + 1
        places.append((x, row))
        x += entry + 1.5 * tick
    return places, row + 1


def _legend(names, colors, places, left, top, radius, tick) -> list[str]:
    parts, rows = [], max(row for _, row in places) + 1
    for k, (name, (offset, row)) in enumerate(zip(names, places, strict=True)):
        x, y = left + offset, top - (rows - row) * 1.6 * tick + 0.5 * tick
        marker = _marker(SYMBOLS[k % len(SYMBOLS)], x + radius, y, radius)
        parts.append(
            f'<g fill="{colors[k]}" fill-opacity="0.75">{marker}/></g>'
            f'<text class="legend" x="{x + 2 * radius + 0.4 * tick:.1f}" y="{y:.1f}" '
            f'dominant-baseline="central" font-size="{tick}">{escape(name)}</text>'
        )
    return parts


def errors_svg(
    errors: np.ndarray,
    theme: Theme,
    axis_titles: tuple[str, str],
    *,
    width_px: int,
    title: str = "",
) -> str:
    """Misclassified samples in every epoch, as bars (green where an epoch made none).

    Parameters
    ----------
    errors : ndarray of int, shape (n_epochs,)
        The model's ``errors_``.
    theme : Theme
        Sizes.
    axis_titles : tuple of str
        Titles of the epoch axis and of the count axis.
    width_px : int
        The width of the column it is drawn for (see :func:`boundary_svg`).
    title : str
        The picture's accessible name.

    Returns
    -------
    str
        One ``<svg>`` element (see :func:`boundary_svg`).
    """
    errors = np.asarray(errors)
    tick = theme.tick_size
    height_px = theme.height
    left, right, top, bottom = 4.2 * tick, 10.0, 0.8 * tick, 3.0 * tick
    plot_w, plot_h = width_px - left - right, height_px - top - bottom
    n = max(len(errors), 1)
    xr, yr = [0.5, n + 0.5], [0.0, max(float(errors.max(initial=0)), 1.0) * 1.05]

    def px(x):
        return left + (np.asarray(x, dtype=float) - xr[0]) * plot_w / (xr[1] - xr[0])

    def py(v):
        return top + (yr[1] - np.asarray(v, dtype=float)) * plot_h / (yr[1] - yr[0])

    bar = plot_w / n * 0.9
    parts = [f'<g class="bars" fill="{MUTED}">']
    for epoch, count in enumerate(errors.tolist(), start=1):
        colour = "" if count else ' fill="#16a34a"'
        # a bar of zero mistakes still shows, a sliver on the axis, in green
        y0 = min(float(py(count)), top + plot_h - 2)
        parts.append(
            f'<rect x="{float(px(epoch)) - bar / 2:.2f}" y="{y0:.1f}" width="{bar:.2f}" '
            f'height="{top + plot_h - y0:.1f}"{colour}><title>{epoch}: {count}</title></rect>'
        )
    parts.append("</g>")
    parts += _axes(xr, yr, px, py, left, top, plot_w, plot_h, axis_titles, tick, integer=True)
    return svg_document((0, 0, width_px, height_px), None, title, parts, "nnplay-errors")
