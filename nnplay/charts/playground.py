"""The playground's figures: the output over the plane, the network of pictures, the loss.

Everything a Play tick draws is computed by :func:`pictures` in one forward
pass over a ``100 × 100`` grid; every neuron's picture is that pass's layer
output taken every fourth cell (``25 × 25``). Pictures travel as one byte per
cell (plotly's typed arrays), and the network diagram draws all tiles of a
column as one heatmap and its connections as a few line traces (one per colour
and width), so a tick stays small on the wire and quick in the browser.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from nnplay.charts.theme import MUTED, NODE_EDGE, Theme, base_layout
from nnplay.charts.xor import typed_array
from nnplay.mlp import MLP
from nnplay.playground.data import EXTENT
from nnplay.playground.features import FEATURES, transform

GRID = 100
TILE = 25
STRIDE = GRID // TILE
ORANGE = "#f59322"  # TensorFlow Playground's colours: negative / class 0
BLUE = "#0877bd"  # positive / class 1
CLASS_COLOURS = [ORANGE, BLUE, "#16a34a", "#9333ea", "#dc2626", "#0d9488"]
GAP = 255  # the byte of the space between tiles
DIVERGING = [
    [0.0, ORANGE],
    [100 / 255, "#ffffff"],
    [200 / 255, BLUE],
    [201 / 255, "#ffffff"],
    [1.0, "#ffffff"],
]
"""Tile and surface bytes: 0 (-1, orange) .. 100 (0, white) .. 200 (+1, blue); 255 the gap."""


def ticks(size: int = GRID) -> np.ndarray:
    """The grid's coordinates along one axis, from ``-EXTENT`` to ``EXTENT``."""
    return np.linspace(-EXTENT, EXTENT, size)


def grid_points(size: int = GRID) -> np.ndarray:
    """The ``size²`` points of the grid, row by row (``x₂`` grows with the row)."""
    t = ticks(size)
    xx, yy = np.meshgrid(t, t)
    return np.column_stack([xx.ravel(), yy.ravel()])


def to_bytes(values: np.ndarray) -> np.ndarray:
    """Values in ``[-1, 1]`` as bytes 0..200 (the diverging scale); NaN becomes 100."""
    v = np.nan_to_num(np.clip(values, -1.0, 1.0), nan=0.0)
    return np.rint((v + 1.0) * 100.0).astype(np.uint8)


@dataclass(frozen=True)
class Pictures:
    """What one network computes over the plane.

    Attributes
    ----------
    surface : ndarray of shape (GRID, GRID), uint8
        The output as bytes: the diverging scale for two classes and regression,
        ``class * 40 + confidence`` (0..39) for several classes.
    tiles : list of list of ndarray
        Per column (inputs, hidden layers, output), each neuron's ``TILE × TILE``
        picture as bytes of the diverging scale.
    n_classes : int
    """

    surface: np.ndarray
    tiles: list[list[np.ndarray]]
    n_classes: int


def _normalise(a: np.ndarray, activation: str) -> np.ndarray:
    """Neurons' outputs (the last axis: one neuron each) scaled into ``[-1, 1]`` for their tiles.

    tanh is already there, the sigmoid's (0, 1) is stretched; unbounded outputs
    (ReLU, linear, the features) are divided by their largest size on the grid.
    """
    if activation == "sigmoid":
        return 2.0 * a - 1.0
    if activation == "tanh":
        return a
    if not a.size:
        return a
    top = np.abs(a).max(axis=tuple(range(a.ndim - 1)), keepdims=True)
    return a / np.where(top > 1e-12, top, 1.0)


def _tiles(values: np.ndarray, size: int, stride: int, activation: str) -> list[np.ndarray]:
    """One ``TILE × TILE`` byte picture per column of ``values`` (``size²`` grid rows)."""
    grid = values.reshape(size, size, -1)[::stride, ::stride]
    scaled = to_bytes(_normalise(grid, activation))
    return [np.ascontiguousarray(scaled[:, :, j]) for j in range(scaled.shape[2])]


def pictures(
    model: MLP | None,
    features: Sequence[str],
    n_classes: int,
    *,
    discretize: bool = False,
    size: int = GRID,
) -> Pictures:
    """The output surface and every neuron's tile, from one forward pass over the grid.

    Parameters
    ----------
    model : MLP or None
        ``None`` draws empty pictures (no feature selected).
    features : sequence of str
        The network's input features.
    n_classes : int
        0 for regression.
    discretize : bool
        Show the decision (the class, or the sign) instead of the degree.
    size : int
        Cells along each side of the surface (a multiple of ``TILE``).

    Returns
    -------
    Pictures
    """
    stride = max(1, size // TILE)
    points = grid_points(size)
    F = transform(points, features)
    feature_tiles = _tiles(F, size, stride, "linear") if F.shape[1] else []
    if model is None:
        blank = np.full((size, size), 100, dtype=np.uint8)
        return Pictures(blank, [feature_tiles], n_classes)
    with np.errstate(over="ignore", invalid="ignore"):
        _, outs = model.forward(F)
    names = model.hidden_activations()
    tiles = [feature_tiles]
    for layer, a in enumerate(outs[1:-1]):
        tiles.append(_tiles(a, size, stride, names[layer]))
    out = outs[-1]
    if n_classes == 0:
        value = out[:, 0]
        surface = to_bytes(np.sign(value) if discretize else value)
        tiles.append([to_bytes(value.reshape(size, size)[::stride, ::stride])])
    elif n_classes == 2:
        p = out[:, 0]
        shown = (p >= 0.5).astype(float) if discretize else p
        surface = to_bytes(2.0 * shown - 1.0)
        tiles.append([to_bytes((2.0 * p - 1.0).reshape(size, size)[::stride, ::stride])])
    else:
        best = np.argmax(out, axis=1)
        confidence = (out.max(axis=1) - 1.0 / n_classes) / (1.0 - 1.0 / n_classes)
        level = np.full(len(best), 39.0) if discretize else np.clip(confidence, 0, 1) * 39
        surface = (best * 40 + np.rint(level)).astype(np.uint8)
        tiles.append(
            [
                to_bytes((2.0 * out[:, k] - 1.0).reshape(size, size)[::stride, ::stride])
                for k in range(out.shape[1])
            ]
        )
    return Pictures(np.nan_to_num(surface).astype(np.uint8).reshape(size, size), tiles, n_classes)


def _lighter(colour: str, amount: float) -> str:
    """``colour`` (``#rrggbb``) mixed with white: 0 is white, 1 the colour."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    mix = [round(255 - (255 - c) * amount) for c in (r, g, b)]
    return "#{:02x}{:02x}{:02x}".format(*mix)


def class_scale(n_classes: int) -> list:
    """Colour scale for bytes ``class * 40 + confidence``: each class pale to full."""
    top = max(40 * n_classes - 1, 1)
    scale = []
    for k in range(n_classes):
        colour = CLASS_COLOURS[k % len(CLASS_COLOURS)]
        scale.append([k * 40 / top, _lighter(colour, 0.15)])
        scale.append([(k * 40 + 39) / top, _lighter(colour, 0.75)])
    return scale


def _point_colours(y: np.ndarray, n_classes: int) -> list[str] | np.ndarray:
    if n_classes == 0:
        return np.clip(np.asarray(y, dtype=float), -1, 1)
    return [CLASS_COLOURS[int(c) % len(CLASS_COLOURS)] for c in y]


def _points_trace(
    X: np.ndarray, y: np.ndarray, n_classes: int, theme: Theme, *, name: str, edge: str
) -> dict:
    marker: dict = dict(size=theme.marker_size * 0.8, line=dict(color=edge, width=1))
    if n_classes == 0:
        marker.update(color=_point_colours(y, 0), cmin=-1, cmax=1,
                      colorscale=[[0, ORANGE], [0.5, "#ffffff"], [1, BLUE]])  # fmt: skip
    else:
        marker["color"] = _point_colours(y, n_classes)
    return dict(
        type="scatter",
        x=typed_array(np.asarray(X[:, 0], dtype=np.float32)),
        y=typed_array(np.asarray(X[:, 1], dtype=np.float32)),
        mode="markers",
        name=name,
        marker=marker,
        hoverinfo="skip",
        # a click on the plane selects a point of the click layer: the data keep their looks
        unselected=dict(marker=dict(opacity=1)),
        selected=dict(marker=dict(opacity=1)),
    )


CLICK_STEP = 0.4


def click_layer() -> dict:
    """Invisible points every :data:`CLICK_STEP` over the plane: clicking selects the nearest."""
    t = np.arange(-EXTENT, EXTENT + CLICK_STEP / 2, CLICK_STEP)
    xx, yy = np.meshgrid(t, t)
    return dict(
        type="scatter",
        x=typed_array(xx.ravel().astype(np.float32)),
        y=typed_array(yy.ravel().astype(np.float32)),
        mode="markers",
        marker=dict(size=12, opacity=0),
        hovertemplate="(%{x:.2f}, %{y:.2f})<extra></extra>",
        name="click",
        unselected=dict(marker=dict(opacity=0)),
        selected=dict(marker=dict(opacity=0)),
    )


def surface_figure(
    pics: Pictures,
    theme: Theme,
    *,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray] | None,
    own: tuple[np.ndarray, np.ndarray] | None = None,
    title: str = "",
    clickable: bool = False,
) -> go.Figure:
    """The output over the plane with the data points.

    Parameters
    ----------
    pics : Pictures
    theme : Theme
    train, test : tuple of ndarray
        ``(X, y)``; ``test`` ``None`` hides the test points.
    own : tuple of ndarray, optional
        The student's own points, drawn with a thicker edge.
    title : str
    clickable : bool
        Add :func:`click_layer` (for adding points by clicking).

    Returns
    -------
    go.Figure
    """
    t = ticks(pics.surface.shape[0])
    if pics.n_classes > 2:
        scale, zmax = class_scale(pics.n_classes), 40 * pics.n_classes - 1
    else:
        scale, zmax = DIVERGING[:3], 200
        scale = [[0, ORANGE], [0.5, "#ffffff"], [1, BLUE]]
    traces: list = [
        dict(
            type="heatmap",
            x=typed_array(t.astype(np.float32)),
            y=typed_array(t.astype(np.float32)),
            z=typed_array(pics.surface),
            zmin=0,
            zmax=zmax,
            colorscale=scale,
            showscale=False,
            opacity=0.8,
            hoverinfo="skip",
        ),
        _points_trace(*train, pics.n_classes, theme, name="train", edge="#ffffff"),
    ]
    if test is not None and len(test[0]):
        traces.append(_points_trace(*test, pics.n_classes, theme, name="test", edge="#000000"))
    if own is not None and len(own[0]):
        mine = _points_trace(*own, pics.n_classes, theme, name="own", edge=NODE_EDGE)
        mine["marker"]["line"]["width"] = 2.5
        mine["marker"]["symbol"] = "diamond"
        traces.append(mine)
    if clickable:
        traces.append(click_layer())
    axis = dict(range=[-EXTENT, EXTENT], zeroline=False, showgrid=False, fixedrange=True,
                showline=True, mirror=True, linecolor=MUTED, dtick=2)  # fmt: skip
    layout = base_layout(
        theme,
        height=int(theme.height * 1.45),
        title=dict(text=title),
        xaxis=dict(axis, title=dict(text="x₁"), constrain="domain"),
        yaxis=dict(axis, title=dict(text="x₂"), scaleanchor="x", constrain="domain"),
        clickmode="event+select",
        dragmode="pan" if clickable else False,  # points mode: a click selects
        hovermode="closest",
        margin=dict(l=10, r=10, t=40 if title else 10, b=10),
    )
    return _figure(traces, layout)


GAP_X = 34  # grid cells between columns of tiles (the connections run there)
GAP_Y = 6
WIDTHS = (0.6, 1.5, 3.0, 5.0)


def _column_heights(tiles: list[list[np.ndarray]]) -> int:
    return max(len(column) for column in tiles)


def tile_centres(tiles: list[list[np.ndarray]]) -> list[list[tuple[float, float]]]:
    """The centre ``(x, y)`` of every tile, in the diagram's units (grid cells)."""
    rows = _column_heights(tiles)
    height = rows * (TILE + GAP_Y)
    centres = []
    for c, column in enumerate(tiles):
        x = c * (TILE + GAP_X) + TILE / 2
        offset = (rows - len(column)) * (TILE + GAP_Y) / 2
        centres.append(
            [(x, height - offset - r * (TILE + GAP_Y) - TILE / 2) for r in range(len(column))]
        )
    return centres


def network_figure(
    pics: Pictures,
    coefs: Sequence[np.ndarray],
    theme: Theme,
    *,
    input_labels: Sequence[str],
    column_titles: Sequence[str],
) -> go.Figure:
    """The network: every neuron's picture, connections coloured by sign and sized by weight.

    Parameters
    ----------
    pics : Pictures
        ``pics.tiles``: inputs, hidden layers, output.
    coefs : sequence of ndarray
        The weights drawn between the columns (``coefs[i]``: column ``i`` to ``i + 1``).
    theme : Theme
    input_labels : sequence of str
        Names of the input features, written left of their tiles.
    column_titles : sequence of str
        One title per column (``"4 neurons"``...).

    Returns
    -------
    go.Figure
    """
    tiles = [column for column in pics.tiles]
    rows = max(_column_heights(tiles), 1)
    height = rows * (TILE + GAP_Y)
    centres = tile_centres(tiles)
    traces: list = []
    # connections first (under the tiles), bucketed by sign and size
    top = max((float(np.abs(W).max()) for W in coefs if W.size), default=0.0)
    buckets: dict[tuple[int, int], tuple[list, list]] = {}
    for i, W in enumerate(coefs):
        if i + 1 >= len(centres):
            break
        for a, (x0, y0) in enumerate(centres[i]):
            for b, (x1, y1) in enumerate(centres[i + 1]):
                w = float(W[a, b]) if a < W.shape[0] and b < W.shape[1] else 0.0
                if not np.isfinite(w):
                    continue
                size = abs(w) / top if top > 0 else 0.0
                width = min(int(size * len(WIDTHS)), len(WIDTHS) - 1)
                xs, ys = buckets.setdefault((int(w >= 0), width), ([], []))
                xs += [x0 + TILE / 2, x1 - TILE / 2, None]
                ys += [y0, y1, None]
    for (positive, width), (xs, ys) in sorted(buckets.items()):
        traces.append(
            dict(
                type="scatter",
                x=xs,
                y=ys,
                mode="lines",
                hoverinfo="skip",
                line=dict(
                    color=BLUE if positive else ORANGE, width=WIDTHS[width] * theme.line_width / 2
                ),
                opacity=0.35 + 0.65 * (width + 1) / len(WIDTHS),
            )
        )
    for c, column in enumerate(tiles):
        if not column:
            continue
        z = np.full((height, TILE), GAP, dtype=np.uint8)
        for (_, yc), tile in zip(centres[c], column, strict=True):
            bottom = round(yc - TILE / 2)
            z[bottom : bottom + TILE, :] = tile
        traces.append(
            dict(
                type="heatmap",
                z=typed_array(z),
                x0=c * (TILE + GAP_X) + 0.5,
                dx=1,
                y0=0.5,
                dy=1,
                zmin=0,
                zmax=255,
                colorscale=DIVERGING,
                showscale=False,
                hoverinfo="skip",
            )
        )
    annotations = [
        dict(
            text=label,
            x=x - TILE / 2 - 2,
            y=y,
            xanchor="right",
            showarrow=False,
            font=dict(size=max(10, theme.font_size - 2)),
        )
        for label, (x, y) in zip(input_labels, centres[0], strict=False)
    ]
    annotations += [
        dict(
            text=title,
            x=c * (TILE + GAP_X) + TILE / 2,
            y=height + 2,
            yanchor="bottom",
            showarrow=False,
            font=dict(size=max(10, theme.font_size - 3)),
        )
        for c, title in enumerate(column_titles)
    ]
    width = len(tiles) * (TILE + GAP_X) - GAP_X
    axis = dict(visible=False, fixedrange=True)
    layout = base_layout(
        theme,
        height=int(max(theme.height, rows * theme.node_size * 1.05) + 40),
        xaxis=dict(axis, range=[-30, width + 2]),
        yaxis=dict(axis, range=[-2, height + 14], scaleanchor="x"),
        annotations=annotations,
        margin=dict(l=5, r=5, t=5, b=5),
    )
    return _figure(traces, layout)


def loss_figure(
    epochs: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    theme: Theme,
    *,
    train_label: str,
    test_label: str,
    epoch_label: str,
    loss_label: str,
    marker: int | None = None,
) -> go.Figure:
    """Training and test loss per epoch; a dashed line at ``marker`` (the epoch shown)."""
    traces = [
        dict(
            type="scatter",
            x=typed_array(np.asarray(epochs, dtype=np.int32)),
            y=typed_array(np.asarray(values, dtype=np.float64)),
            mode="lines",
            name=name,
            line=dict(color=colour, width=theme.line_width),
        )
        for name, values, colour in ((train_label, train, NODE_EDGE), (test_label, test, ORANGE))
        if len(values) and np.isfinite(values).any()
    ]
    shapes = []
    if marker is not None:
        shapes.append(
            dict(
                type="line",
                x0=marker,
                x1=marker,
                y0=0,
                y1=1,
                yref="paper",
                line=dict(color=MUTED, dash="dash", width=theme.line_width),
            )
        )
    layout = base_layout(
        theme,
        height=int(theme.height * 0.7),
        showlegend=True,
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
        xaxis=dict(title=dict(text=epoch_label), fixedrange=True, rangemode="tozero"),
        yaxis=dict(title=dict(text=loss_label), fixedrange=True, rangemode="tozero"),
        shapes=shapes,
        margin=dict(l=10, r=10, t=30, b=10),
    )
    return _figure(traces, layout)


def _figure(traces: list[dict], layout: dict) -> go.Figure:
    """A figure of plain-dict traces, not validated again: these builders make valid
    figures, and plotly's validation of every trace costs more than the rest of a tick."""
    return go.Figure(dict(data=traces, layout=layout), _validate=False)


def feature_labels(names: Sequence[str]) -> list[str]:
    """The features' formulas (``x₁²``)."""
    return [FEATURES[n].label for n in names]
