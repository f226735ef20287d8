"""The playground's figures: the output over the plane, the network of pictures, the loss.

Everything a Play tick draws is computed by :func:`pictures` in one forward
pass over a ``100 × 100`` grid; every neuron's picture is that pass's layer
output taken every fourth cell (``25 × 25``). The pictures travel as small
palette PNGs (one byte a cell, the colour scale as the palette): the browser
only decodes an image, where plotly heatmaps would colour every cell in script.
The network diagram is an inline SVG (one image of all tiles under one path per
colour and width of connection). While Play runs, the output and the loss are
inline SVGs too (:func:`surface_svg`, :func:`loss_svg`); paused, they are plotly
figures (:func:`surface_figure`, :func:`loss_figure`) that answer hover and
clicks. So a Play tick stays small on the wire and quick to draw.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from nnplay.charts.svg import svg_document
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
SURFACE_OPACITY = 0.8  # the points stand out of the output picture


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)], dtype=float)


def palette(scale: Sequence[Sequence], top: int = 255) -> np.ndarray:
    """A plotly colour scale as a 256-colour palette: byte ``v`` gets the colour at ``v / top``.

    Colours between two stops are mixed linearly in RGB, as plotly does for a
    heatmap, so a picture coloured by the palette looks as the heatmap did.

    Parameters
    ----------
    scale : sequence of (float, str)
        ``[[0, "#rrggbb"], ..., [1, "#rrggbb"]]``, positions increasing.
    top : int
        The byte that maps to position 1 (bytes above it get the last colour).

    Returns
    -------
    ndarray of shape (256, 3), uint8
    """
    where = np.clip(np.arange(256) / max(top, 1), 0.0, 1.0)
    stops = np.array([float(s[0]) for s in scale])
    colours = np.array([_rgb(str(s[1])) for s in scale])
    channels = [np.interp(where, stops, colours[:, k]) for k in range(3)]
    return np.rint(np.column_stack(channels)).astype(np.uint8)


def png_uri(indices: np.ndarray, colours: np.ndarray, *, transparent: int | None = None) -> str:
    """A byte picture as a palette PNG in a ``data:`` URI (row 0 at the top).

    Parameters
    ----------
    indices : ndarray of shape (h, w), uint8
        One palette index per pixel.
    colours : ndarray of shape (256, 3), uint8
        The palette (see :func:`palette`).
    transparent : int, optional
        A palette index drawn transparent (the space between tiles).

    Returns
    -------
    str
        ``"data:image/png;base64,..."``.
    """
    image = Image.fromarray(np.ascontiguousarray(indices, dtype=np.uint8), mode="P")
    image.putpalette(np.asarray(colours, dtype=np.uint8).ravel().tolist())
    out = io.BytesIO()
    options = {} if transparent is None else {"transparency": int(transparent)}
    image.save(out, format="PNG", compress_level=6, **options)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode("ascii")


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


def surface_uri(pics: Pictures) -> str:
    """The output's picture as a PNG data URI, its top row at ``x₂ = EXTENT``."""
    if pics.n_classes > 2:
        colours = palette(class_scale(pics.n_classes), 40 * pics.n_classes - 1)
    else:
        colours = palette([[0, ORANGE], [0.5, "#ffffff"], [1, BLUE]], 200)
    return png_uri(pics.surface[::-1], colours)


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
    size = pics.surface.shape[0]
    half = EXTENT / max(size - 1, 1)  # the grid's values sit at the cells' centres
    image = dict(
        source=surface_uri(pics),
        xref="x",
        yref="y",
        x=-EXTENT - half,
        y=EXTENT + half,
        sizex=2 * (EXTENT + half),
        sizey=2 * (EXTENT + half),
        sizing="stretch",
        xanchor="left",
        yanchor="top",
        layer="below",
        opacity=SURFACE_OPACITY,
    )
    traces: list = [
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
                showline=True, mirror=True, linecolor=MUTED, dtick=2, automargin=False)  # fmt: skip
    room = _label_room(theme)
    layout = base_layout(
        theme,
        height=int(theme.height * 1.45),
        title=dict(text=title),
        xaxis=dict(axis, title=dict(text="x₁"), constrain="domain"),
        yaxis=dict(axis, title=dict(text="x₂"), scaleanchor="x", constrain="domain"),
        clickmode="event+select",
        dragmode="pan" if clickable else False,  # points mode: a click selects
        hovermode="closest",
        margin=dict(l=room, r=10, t=40 if title else 10, b=room),
        images=[image],
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


def _line_opacity(width: int) -> float:
    return 0.35 + 0.65 * (width + 1) / len(WIDTHS)


def connections(
    centres: list[list[tuple[float, float]]], coefs: Sequence[np.ndarray]
) -> list[tuple[bool, int, np.ndarray]]:
    """The connections between columns, grouped by sign and size (one line trace each).

    Parameters
    ----------
    centres : list of list of (float, float)
        :func:`tile_centres`.
    coefs : sequence of ndarray
        ``coefs[i]``: the weights from column ``i`` to ``i + 1``.

    Returns
    -------
    list of (bool, int, ndarray)
        ``(positive, width bin, segments)``: the bin indexes :data:`WIDTHS` (the
        weight's size against the largest one); the segments are rows of
        ``(x0, y0, x1, y1, weight)`` from a tile's right edge to the next one's left edge.
    """
    segments = []
    for i, W in enumerate(coefs):
        if i + 1 >= len(centres):
            break
        if not centres[i] or not centres[i + 1]:
            continue
        a = np.asarray(centres[i], dtype=float)
        b = np.asarray(centres[i + 1], dtype=float)
        w = np.zeros((len(a), len(b)))
        rows, cols = min(W.shape[0], len(a)), min(W.shape[1], len(b))
        w[:rows, :cols] = W[:rows, :cols]
        ia, ib = (
            k.ravel() for k in np.meshgrid(np.arange(len(a)), np.arange(len(b)), indexing="ij")
        )
        segments.append(
            np.column_stack(
                [a[ia, 0] + TILE / 2, a[ia, 1], b[ib, 0] - TILE / 2, b[ib, 1], w.ravel()]
            )
        )
    lines = np.concatenate(segments) if segments else np.zeros((0, 5))
    lines = lines[np.isfinite(lines[:, 4])]
    top = float(np.abs(lines[:, 4]).max()) if len(lines) else 0.0
    size = np.abs(lines[:, 4]) / top if top > 0 else np.zeros(len(lines))
    bins = np.minimum((size * len(WIDTHS)).astype(int), len(WIDTHS) - 1)
    positive = lines[:, 4] >= 0
    groups = []
    for sign in (False, True):
        for width in range(len(WIDTHS)):
            chosen = lines[(positive == sign) & (bins == width)]
            if len(chosen):
                groups.append((sign, width, chosen))
    return groups


def tile_picture(
    tiles: list[list[np.ndarray]], centres: list[list[tuple[float, float]]], height: int
) -> np.ndarray:
    """Every tile in one byte picture (row 0 at the top), :data:`GAP` between them."""
    width = max(len(tiles) * (TILE + GAP_X) - GAP_X, TILE)
    z = np.full((height, width), GAP, dtype=np.uint8)
    for c, column in enumerate(tiles):
        left = c * (TILE + GAP_X)
        for (_, yc), tile in zip(centres[c], column, strict=True):
            top = height - round(yc + TILE / 2)
            z[top : top + TILE, left : left + TILE] = tile[::-1]  # the tile's row 0: x₂ low
    return z


def network_svg(
    pics: Pictures,
    coefs: Sequence[np.ndarray],
    theme: Theme,
    *,
    input_labels: Sequence[str],
    column_titles: Sequence[str],
    title: str = "",
    width_px: int = 600,
) -> str:
    """The network as one inline SVG: every neuron's picture, the connections, the labels.

    Drawn by the browser itself: one image for all tiles, one path per colour
    and width for the connections, text for the labels. A Play tick replaces
    it for a few milliseconds of the browser's time, where a plotly figure of
    the same took hundreds.

    Parameters
    ----------
    pics : Pictures
        ``pics.tiles``: inputs, hidden layers, output.
    coefs : sequence of ndarray
        The weights drawn between the columns (``coefs[i]``: column ``i`` to ``i + 1``).
    theme : Theme
        Text and line sizes, in pixels when the drawing is ``width_px`` wide.
    input_labels : sequence of str
        Names of the input features, written left of their tiles.
    column_titles : sequence of str
        One title per column (``"4 neurons"``...).
    title : str
        The drawing's accessible name.
    width_px : int
        The width the drawing is expected to get on the page (it fills its
        container's width; text keeps its size relative to the drawing).

    Returns
    -------
    str
        ``<svg ...>...</svg>`` on one line (Markdown must not break it up).
    """
    tiles = [column for column in pics.tiles]
    rows = max(_column_heights(tiles), 1)
    height = rows * (TILE + GAP_Y)
    centres = tile_centres(tiles)
    width = max(len(tiles) * (TILE + GAP_X) - GAP_X, TILE)
    label = max(10, theme.font_size - 2)
    small = max(10, theme.font_size - 3)
    longest = max((len(t) for t in input_labels), default=0)
    # units of the drawing per pixel: the labels' room depends on it and the other way round
    left = 2.0
    for _ in range(3):
        unit = (width + left + 2) / width_px
        left = 0.55 * label * unit * longest + 4 * unit + 2
    top = small * unit * 1.4 + 2
    parts = []
    for positive, size, chosen in connections(centres, coefs):
        path = "".join(
            f"M{x0:.1f} {height - y0:.1f}L{x1:.1f} {height - y1:.1f}"
            for x0, y0, x1, y1, _ in chosen
        )
        stroke = WIDTHS[size] * theme.line_width / 2 * unit
        parts.append(
            f'<path d="{path}" fill="none" stroke="{BLUE if positive else ORANGE}" '
            f'stroke-width="{stroke:.2f}" stroke-opacity="{_line_opacity(size):.2f}"/>'
        )
    if any(tiles):
        source = png_uri(tile_picture(tiles, centres, height), palette(DIVERGING), transparent=GAP)
        parts.append(
            f'<image href="{source}" x="0" y="0" width="{width}" height="{height}" '
            f'preserveAspectRatio="none"/>'
        )
    for text, (x, y) in zip(input_labels, centres[0] if centres else [], strict=False):
        parts.append(
            f'<text x="{x - TILE / 2 - 2 * unit:.1f}" y="{height - y:.1f}" text-anchor="end" '
            f'dominant-baseline="central" font-size="{label * unit:.2f}">{escape(text)}</text>'
        )
    for c, text in enumerate(column_titles):
        parts.append(
            f'<text x="{c * (TILE + GAP_X) + TILE / 2:.1f}" y="{-2 * unit:.1f}" '
            f'text-anchor="middle" font-size="{small * unit:.2f}">{escape(text)}</text>'
        )
    box = f"{-left:.1f} {-top:.1f} {width + left + 2:.1f} {height + top + 2:.1f}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{box}" width="100%" role="img" '
        f'aria-label="{escape(title)}" fill="currentColor" style="display:block">'
        + "".join(parts)
        + "</svg>"
    )


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
    room = _label_room(theme)
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
        xaxis=dict(
            title=dict(text=epoch_label), fixedrange=True, rangemode="tozero", automargin=False
        ),
        yaxis=dict(
            title=dict(text=loss_label), fixedrange=True, rangemode="tozero", automargin=False
        ),
        shapes=shapes,
        margin=dict(l=room + theme.tick_size, r=10, t=room, b=room),
    )
    return _figure(traces, layout)


def _label_room(theme: Theme) -> int:
    """Pixels of margin for an axis's tick labels and title.

    Fixed margins, not plotly's ``automargin``: an automatic margin that grows
    makes plotly draw the whole figure a second time, on every Play tick.
    """
    return int(theme.tick_size * 3.4) + 6


def _figure(traces: list[dict], layout: dict) -> go.Figure:
    """A figure of plain-dict traces, not validated again: these builders make valid
    figures, and plotly's validation of every trace costs more than the rest of a tick."""
    return go.Figure(dict(data=traces, layout=layout), _validate=False)


def feature_labels(names: Sequence[str]) -> list[str]:
    """The features' formulas (``x₁²``)."""
    return [FEATURES[n].label for n in names]


# -- while Play runs: the same pictures as inline SVG (no plotly redraw on every tick)


def _hex_on_scale(values: np.ndarray, scale: Sequence[Sequence]) -> list[str]:
    """``#rrggbb`` of each value (0 to 1) on a plotly-style colour scale."""
    colours = palette(scale, 200)  # as the surface's picture: 0.5 is index 100, the middle
    index = np.clip(np.round(np.asarray(values, dtype=float) * 200), 0, 200).astype(int)
    return ["#{:02x}{:02x}{:02x}".format(*colours[i]) for i in index]


def surface_svg(
    pics: Pictures,
    theme: Theme,
    *,
    train: tuple[np.ndarray, np.ndarray],
    test: tuple[np.ndarray, np.ndarray] | None,
    own: tuple[np.ndarray, np.ndarray] | None = None,
    title: str = "",
    width_px: int = 450,
) -> str:
    """What :func:`surface_figure` shows, as one inline SVG, for the ticks of Play.

    The same picture of the output and the same points (class colours, white
    edges for training points, black for test points, thick edges for the
    student's own), axes from ``-EXTENT`` to ``EXTENT``. Plotly redraws a
    figure in hundreds of milliseconds of the browser's time; this takes a few.
    When Play stops, the page draws :func:`surface_figure` again (hover, clicks).

    Returns
    -------
    str
        ``<svg ...>...</svg>`` on one line.
    """
    side = 100.0  # the plane, in units of the drawing
    height_px = int(theme.height * 1.45)
    plot_px = height_px - _label_room(theme) - 10
    unit = side / max(plot_px, 1)  # drawing units per pixel
    scale = side / (2 * EXTENT)

    def at(x, y):
        return (np.asarray(x) + EXTENT) * scale, (EXTENT - np.asarray(y)) * scale

    size = pics.surface.shape[0]
    half = EXTENT / max(size - 1, 1) * scale
    parts = [
        '<defs><clipPath id="plane"><rect x="0" y="0" width="100" height="100"/></clipPath></defs>',
        f'<image href="{surface_uri(pics)}" x="{-half:.2f}" y="{-half:.2f}" '
        f'width="{side + 2 * half:.2f}" height="{side + 2 * half:.2f}" preserveAspectRatio="none" '
        f'opacity="{SURFACE_OPACITY}" clip-path="url(#plane)"/>',
    ]
    radius = theme.marker_size * 0.8 / 2 * unit
    groups = [(train, "#ffffff", 1.0)]
    if test is not None:
        groups.append((test, "#000000", 1.0))
    if own is not None:
        groups.append((own, NODE_EDGE, 2.5))
    for (X, y), edge, width in groups:
        if not len(X):
            continue
        if pics.n_classes == 0:
            fills = _hex_on_scale(
                (np.clip(y, -1, 1) + 1) / 2, [[0, ORANGE], [0.5, "#ffffff"], [1, BLUE]]
            )
        else:
            fills = _point_colours(y, pics.n_classes)
        xs, ys = at(X[:, 0], X[:, 1])
        parts.append(f'<g stroke="{edge}" stroke-width="{width * unit:.2f}">')
        parts += [
            f'<circle cx="{cx:.2f}" cy="{cy:.2f}" r="{radius:.2f}" fill="{fill}"/>'
            for cx, cy, fill in zip(xs, ys, fills, strict=True)
        ]
        parts.append("</g>")
    tick = theme.tick_size * unit
    parts.append(
        f'<rect x="0" y="0" width="{side}" height="{side}" fill="none" stroke="{MUTED}" '
        f'stroke-width="{unit:.2f}"/>'
    )
    for value in range(-int(EXTENT), int(EXTENT) + 1, 2):
        pos = (value + EXTENT) * scale
        parts.append(
            f'<text x="{pos:.1f}" y="{side + tick * 1.2:.1f}" text-anchor="middle" '
            f'font-size="{tick:.2f}" fill="{MUTED}">{value}</text>'
            f'<text x="{-tick * 0.4:.1f}" y="{side - pos:.1f}" text-anchor="end" '
            f'dominant-baseline="central" font-size="{tick:.2f}" fill="{MUTED}">{value}</text>'
        )
    parts.append(
        f'<text x="{side / 2:.1f}" y="{side + tick * 2.6:.1f}" text-anchor="middle" '
        f'font-size="{tick:.2f}">x₁</text>'
        f'<text x="{-tick * 2.4:.1f}" y="{side / 2:.1f}" text-anchor="middle" '
        f'dominant-baseline="central" font-size="{tick:.2f}">x₂</text>'
    )
    room = _label_room(theme) * unit
    box = (-room, -2.0, side + room + 2, side + room)
    return svg_document(box, height_px, title, parts, "nnplay-surface")


LOSS_SVG_POINTS = 300  # at most this many points per line of the loss while Play runs


def loss_svg(
    epochs: np.ndarray,
    train: np.ndarray,
    test: np.ndarray,
    theme: Theme,
    *,
    train_label: str,
    test_label: str,
    epoch_label: str,
    loss_label: str,
    width_px: int = 900,
) -> str:
    """What :func:`loss_figure` shows, as one inline SVG, for the ticks of Play.

    Returns
    -------
    str
        ``<svg ...>...</svg>`` on one line.
    """
    height_px = int(theme.height * 0.7)
    room = _label_room(theme)
    width, height = float(width_px), float(height_px)
    left, bottom, top = room + theme.tick_size, room, room
    plot_w, plot_h = max(width - left - 10, 1), max(height - bottom - top, 1)
    epochs = np.asarray(epochs, dtype=float)
    finite = [np.asarray(v, dtype=float) for v in (train, test) if len(v)]
    peak = max(
        (float(np.nanmax(v[np.isfinite(v)])) for v in finite if np.isfinite(v).any()), default=1.0
    )
    peak = peak if peak > 0 else 1.0
    last = float(epochs.max()) if len(epochs) else 1.0
    last = last if last > 0 else 1.0

    def x_of(e):
        return left + np.asarray(e, dtype=float) / last * plot_w

    def y_of(v):
        return top + plot_h - np.asarray(v, dtype=float) / peak * plot_h

    step = max(1, -(-len(epochs) // LOSS_SVG_POINTS))  # a point per few pixels is enough
    keep_points = (
        np.unique(np.r_[np.arange(0, len(epochs), step), len(epochs) - 1]) if len(epochs) else []
    )
    tick = theme.tick_size
    parts = [
        f'<rect x="{left}" y="{top}" width="{plot_w:.1f}" height="{plot_h:.1f}" fill="none" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    ]
    legend_x = left
    for name, values, colour in ((train_label, train, NODE_EDGE), (test_label, test, ORANGE)):
        values = np.asarray(values, dtype=float)
        if not len(values) or not np.isfinite(values).any():
            continue
        shown = [i for i in keep_points if i < len(values) and np.isfinite(values[i])]
        xs, ys = x_of(epochs[shown]), y_of(values[shown])
        points = " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(xs, ys, strict=True))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" '
            f'stroke-width="{theme.line_width}" data-name="{escape(name)}"/>'
        )
        parts.append(
            f'<line x1="{legend_x}" y1="{top - tick}" x2="{legend_x + 2 * tick}" y2="{top - tick}" '
            f'stroke="{colour}" stroke-width="{theme.line_width}"/>'
            f'<text x="{legend_x + 2.4 * tick:.1f}" y="{top - tick}" dominant-baseline="central" '
            f'font-size="{tick}">{escape(name)}</text>'
        )
        legend_x += (3 + 0.6 * len(name)) * tick
    for fraction in (0.0, 0.5, 1.0):
        parts.append(
            f'<text x="{left - 0.4 * tick:.1f}" y="{top + plot_h * (1 - fraction):.1f}" '
            f'text-anchor="end" dominant-baseline="central" font-size="{tick}" fill="{MUTED}">'
            f"{peak * fraction:.3g}</text>"
            f'<text x="{left + plot_w * fraction:.1f}" y="{top + plot_h + 1.2 * tick:.1f}" '
            f'text-anchor="middle" font-size="{tick}" fill="{MUTED}">{last * fraction:,.0f}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 0.3 * tick:.1f}" text-anchor="middle" '
        f'font-size="{tick}">{escape(epoch_label)}</text>'
        f'<text x="{tick:.1f}" y="{top + plot_h / 2:.1f}" text-anchor="middle" font-size="{tick}" '
        f'transform="rotate(-90 {tick:.1f} {top + plot_h / 2:.1f})">{escape(loss_label)}</text>'
    )
    return svg_document((0, 0, width, height), height_px, loss_label, parts, "nnplay-loss")
