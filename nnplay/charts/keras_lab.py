"""Figures for the Keras lab: sample images, parameters per layer, network, decision surfaces."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnplay.charts.theme import MUTED, NEGATIVE, NODE_EDGE, POSITIVE, Theme, base_layout
from nnplay.keras_lab.surface import grid_probabilities


def image_mosaic_figure(
    mosaic: np.ndarray, class_names: list[str], theme: Theme, *, tile: int = 28
) -> go.Figure:
    """One row of sample images per class, the class name at the left of each row.

    Parameters
    ----------
    mosaic : ndarray of shape (n_classes * tile, n_images * tile)
        Pixel values in [0, 1] (0 is black).
    class_names : list of str
        One per row of images.
    theme : Theme
    tile : int
        Height of one image, in pixels.
    """
    rows = len(class_names)
    layout = base_layout(
        theme,
        height=max(theme.height, int(rows * tile * (2.4 if theme.font_size > 14 else 1.8))),
        margin=dict(l=10, r=10, t=10, b=10),
        xaxis=dict(visible=False, constrain="domain"),
        yaxis=dict(
            autorange="reversed",
            scaleanchor="x",
            tickmode="array",
            tickvals=[tile * i + tile / 2 for i in range(rows)],
            ticktext=class_names,
            showgrid=False,
            zeroline=False,
            ticks="",
        ),
    )
    heatmap = go.Heatmap(
        z=mosaic,
        colorscale="gray_r",
        zmin=0,
        zmax=1,
        showscale=False,
        hoverinfo="skip",
    )
    return go.Figure(heatmap, layout)


# --------------------------------------------------------------------------- network diagram

MAX_DRAWN = 7
"""Neurons drawn per layer at most: a larger layer shows three, a gap with dots, and three."""
INPUT_FILL = "#cbd5e1"
HIDDEN_FILL = "#93c5fd"
OUTPUT_FILL = "#fcd34d"
EDGE = "rgba(100, 116, 139, 0.35)"


def neuron_slots(units: int, max_drawn: int = MAX_DRAWN) -> tuple[list[int], bool]:
    """Which of a layer's ``max_drawn`` slots hold a drawn neuron, and whether dots stand between.

    A layer of at most ``max_drawn`` units is drawn whole; a larger one keeps its
    first and last neurons and puts an ellipsis in the middle slot.

    Returns
    -------
    slots : list of int
        Slot numbers (0 at the top) of the drawn neurons.
    elided : bool
        Whether the middle slot shows dots instead of a neuron.
    """
    if units <= max_drawn:
        return list(range(max(units, 0))), False
    middle = max_drawn // 2
    return [s for s in range(max_drawn) if s != middle], True


def network_figure(
    sizes: list[int],
    heads: list[str],
    notes: list[str],
    theme: Theme,
    *,
    hovers: list[str] | None = None,
    max_drawn: int = MAX_DRAWN,
) -> go.Figure:
    """A Sequential model drawn as columns of neurons, input on the left.

    Each column is one layer: its neurons (a large layer summarised as a few
    neurons, dots and its count), a heading above, the count and a note (the
    parameters) under it. Neighbouring columns are fully connected, as Dense
    layers are. The title reads like ``784 → 300 → 100 → 10``.

    Parameters
    ----------
    sizes : list of int
        Neurons per column: the input vector first (784 after Flatten), then
        each Dense layer's units.
    heads : list of str
        One heading per column (layer name, activation); ``<br>`` breaks lines.
    notes : list of str
        One line under each column's count (its parameters, translated).
    theme : Theme
    hovers : list of str, optional
        Hover text of each column's neurons.
    max_drawn : int
        Neurons drawn per column at most (odd numbers keep the dots centred).

    Returns
    -------
    go.Figure
    """
    n = len(sizes)
    hovers = hovers or heads
    height = max(theme.height, 280) + (60 if theme.font_size > 14 else 20)
    top = (max_drawn - 1) / 2
    node = max(12.0, theme.node_size * 0.42)
    small = theme.font_size - (3 if n > 5 else 1)
    stagger = n > 5
    edge_x: list = []
    edge_y: list = []
    columns = [neuron_slots(units, max_drawn) for units in sizes]
    offsets = [
        0.0 if elided else (max_drawn - units) / 2
        for units, (_, elided) in zip(sizes, columns, strict=True)
    ]

    def y_of(column: int, slot: int) -> float:
        return top - offsets[column] - slot

    for c in range(n - 1):
        for a in columns[c][0]:
            for b in columns[c + 1][0]:
                edge_x += [c, c + 1, None]
                edge_y += [y_of(c, a), y_of(c + 1, b), None]
    traces: list = [
        go.Scatter(
            x=edge_x, y=edge_y, mode="lines", line=dict(color=EDGE, width=1), hoverinfo="skip"
        )
    ]
    dot_x: list = []
    dot_y: list = []
    annotations = []
    for c, (units, (slots, elided)) in enumerate(zip(sizes, columns, strict=True)):
        fill = INPUT_FILL if c == 0 else OUTPUT_FILL if c == n - 1 else HIDDEN_FILL
        traces.append(
            go.Scatter(
                x=[c] * len(slots),
                y=[y_of(c, s) for s in slots],
                mode="markers",
                marker=dict(
                    size=node, color=fill, line=dict(color=NODE_EDGE, width=theme.line_width / 2)
                ),
                hovertext=hovers[c],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
        if elided:
            middle = y_of(c, max_drawn // 2)
            dot_x += [c, c, c]
            dot_y += [middle + 0.28, middle, middle - 0.28]
        below = f"<b>{units:,}</b><br>{notes[c]}"
        if stagger and c % 2:  # every other note a line lower, so long notes never touch
            below = f"<b>{units:,}</b><br><br>{notes[c]}"
        annotations += [
            dict(x=c, y=top + 0.75, text=heads[c], yanchor="bottom", font=dict(size=small)),
            dict(
                x=c,
                y=-top - 0.75,
                text=below,
                yanchor="top",
                font=dict(size=small),
            ),
        ]
    traces.append(
        go.Scatter(
            x=dot_x,
            y=dot_y,
            mode="markers",
            marker=dict(size=max(3.0, node / 6), color=NODE_EDGE),
            hoverinfo="skip",
        )
    )
    for annotation in annotations:
        annotation.update(showarrow=False, xref="x", yref="y")
    lines = 1 + max((h.count("<br>") for h in heads), default=0)
    layout = base_layout(
        theme,
        height=height + 16 * lines + (16 if stagger else 0),
        title=dict(text=" → ".join(f"{units:,}" for units in sizes), x=0.5, xanchor="center"),
        xaxis=dict(visible=False, range=[-0.6, n - 0.4], fixedrange=True),
        yaxis=dict(
            visible=False,
            range=[-top - (3.4 if stagger else 2.6), top + 0.9 + 1.0 * lines],
            fixedrange=True,
        ),
        margin=dict(l=0, r=0, t=40 if theme.font_size <= 14 else 60, b=0),
        annotations=annotations,
        hovermode="closest",
    )
    return go.Figure(traces, layout)


# --------------------------------------------------------------------------- decision surface

BINARY_POINTS = (NEGATIVE, POSITIVE)
"""Colours of the two classes of a binary set (as on the XOR page)."""
CLASS_COLORS = (
    "#2563eb",
    "#f59e0b",
    "#16a34a",
    "#dc2626",
    "#9333ea",
    "#0891b2",
    "#db2777",
    "#65a30d",
    "#78716c",
    "#4f46e5",
)
"""Colours of the classes of a multi-class set (the perceptron page's first three)."""
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "star", "cross", "pentagon")
BINARY_SURFACE = [[0.0, "#f87171"], [0.5, "#ffffff"], [1.0, "#60a5fa"]]
"""P(class 1): class 0's colour at 0, white on the boundary (0.5), class 1's colour at 1."""
REGION_ALPHA = (0.06, 0.6)
"""Opacity of a class's region where the model is least and most confident."""
MAX_SURFACE_POINTS = 2_000


def rgba(color: str, alpha: float) -> str:
    """``"#2563eb"`` with an opacity, as ``"rgba(37, 99, 235, 0.5)"``."""
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha:g})"


def class_colors(n_classes: int) -> tuple[str, ...]:
    """The colour of each class: red and blue for two classes, else :data:`CLASS_COLORS`."""
    if n_classes <= 2:
        return BINARY_POINTS
    return tuple(CLASS_COLORS[k % len(CLASS_COLORS)] for k in range(n_classes))


def _grid_classes(probs: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """``probs`` as ``(rows, cols, n_classes)`` class probabilities (see ``grid_probabilities``)."""
    probs = np.asarray(probs, dtype=np.float64)
    if probs.shape == (rows, cols):  # P(class 1) already laid out
        probs = probs[..., None]
    return grid_probabilities(probs, (rows, cols))


def decision_surface_figure(
    xs: np.ndarray,
    ys: np.ndarray,
    probs: np.ndarray,
    X: np.ndarray,
    y: np.ndarray,
    class_names: list[str],
    theme: Theme,
    *,
    axis_titles: tuple[str, str] = ("x₁", "x₂"),
    probability_label: str = "P",
    title: str | None = None,
) -> go.Figure:
    """Points of a two-feature data set over the model's probability surface.

    Binary: P(class 1) as a diverging colour scale (class 0's colour, white at
    0.5, class 1's colour), with a colour bar and the 0.5 boundary drawn.
    Multi-class: each class's region (where it is the most probable) shaded in
    its colour, more opaque where the model is more confident.

    Parameters
    ----------
    xs, ys : ndarray of shape (cols,) and (rows,)
        The probe grid's axes (:func:`nnplay.keras_lab.surface.probe_grid`).
    probs : ndarray
        The model's outputs on the grid, in any of these shapes: ``(rows * cols,)``
        or ``(rows * cols, n_outputs)`` as ``model.predict(grid.points)``
        returns them (a sigmoid or softmax output), ``(rows, cols)`` for
        P(class 1), or ``(rows, cols, n_classes)``.
    X : ndarray of shape (n, 2)
        The points to draw (the test set).
    y : ndarray of shape (n,)
        Their classes.
    class_names : list of str
        One per class (already translated).
    theme : Theme
    axis_titles : (str, str)
        Names of the two features.
    probability_label : str
        Title of the colour bar of a binary surface (``"P(1)"``).
    title : str, optional

    Returns
    -------
    go.Figure
    """
    xs, ys = np.asarray(xs, dtype=np.float64), np.asarray(ys, dtype=np.float64)
    proba = _grid_classes(probs, len(ys), len(xs))
    k = max(proba.shape[2], len(class_names))
    colors = class_colors(k)
    traces: list = []
    if proba.shape[2] == 2:
        p1 = np.round(proba[..., 1], 3).astype(np.float32)
        traces.append(
            go.Heatmap(
                x=xs,
                y=ys,
                z=p1,
                zmin=0.0,
                zmax=1.0,
                colorscale=BINARY_SURFACE,
                zsmooth="best",
                showlegend=False,
                colorbar=dict(
                    title=dict(text=probability_label, side="right"),
                    tickvals=[0, 0.25, 0.5, 0.75, 1],
                    tickformat=".0%",
                    thickness=max(10, theme.font_size - 2),
                    len=0.85,
                ),
                hovertemplate=f"{probability_label} = %{{z:.0%}}<extra></extra>",
            )
        )
        traces.append(
            go.Contour(
                x=xs,
                y=ys,
                z=p1,
                contours=dict(start=0.5, end=0.5, size=1, coloring="none"),
                line=dict(color=NODE_EDGE, width=theme.line_width),
                showscale=False,
                showlegend=False,
                hoverinfo="skip",
            )
        )
    else:
        winner = proba.argmax(axis=2)
        confidence = proba.max(axis=2)
        low, high = REGION_ALPHA
        for c in range(proba.shape[2]):
            name = class_names[c] if c < len(class_names) else str(c)
            z = np.where(winner == c, np.round(confidence, 3), np.nan).astype(np.float32)
            traces.append(
                go.Heatmap(
                    x=xs,
                    y=ys,
                    z=z,
                    zmin=1.0 / proba.shape[2],
                    zmax=1.0,
                    colorscale=[[0.0, rgba(colors[c], low)], [1.0, rgba(colors[c], high)]],
                    showscale=False,
                    showlegend=False,
                    hovertemplate=f"{name}: %{{z:.0%}}<extra></extra>",
                )
            )
    X = np.asarray(X)
    y = np.asarray(y).reshape(-1)
    if len(X) > MAX_SURFACE_POINTS:
        keep = np.linspace(0, len(X) - 1, MAX_SURFACE_POINTS).astype(int)
        X, y = X[keep], y[keep]
    for c in range(k):
        mask = y == c
        name = class_names[c] if c < len(class_names) else str(c)
        traces.append(
            go.Scatter(
                x=X[mask, 0],
                y=X[mask, 1],
                mode="markers",
                name=name,
                marker=dict(
                    size=theme.marker_size,
                    color=colors[c],
                    symbol=SYMBOLS[c % len(SYMBOLS)],
                    line=dict(color="white", width=max(1.0, theme.line_width / 2)),
                ),
                hovertemplate=f"{name}<br>(%{{x:.2f}}, %{{y:.2f}})<extra></extra>",
            )
        )
    axis = dict(
        showgrid=False,
        zeroline=False,
        showline=True,
        mirror=True,
        linecolor=MUTED,
        constrain="domain",
    )
    layout = base_layout(
        theme,
        height=int(theme.height * 1.5),
        xaxis=dict(
            axis, title=dict(text=axis_titles[0]), range=[xs[0], xs[-1]], constraintoward="left"
        ),
        yaxis=dict(
            axis,
            title=dict(text=axis_titles[1]),
            range=[ys[0], ys[-1]],
            scaleanchor="x",
            scaleratio=1,
            constraintoward="top",  # right under the legend
        ),
        showlegend=True,
        legend=dict(orientation="h", x=0, y=1.02, yanchor="bottom"),
        margin=dict(l=10, r=10, t=70 if title else 40, b=10),
        uirevision="surface",
    )
    if title:
        layout["title"] = dict(text=title, x=0, y=0.98, yanchor="top")
    return go.Figure(traces, layout)
