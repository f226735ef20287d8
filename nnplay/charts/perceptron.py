"""Perceptron figures in plotly (step functions, the training animation), and the geometry
of boundaries, weight vectors and class regions that :mod:`nnplay.charts.perceptron_svg`
draws too."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnplay.charts.animation import play_buttons
from nnplay.charts.theme import ACTIVE, MUTED, NODE_EDGE, Theme, base_layout
from nnplay.perceptron import STEP_FUNCTIONS, Trace

BINARY_COLORS = ("#dc2626", "#2563eb")  # the rest, the positive class
CLASS_COLORS = ("#2563eb", "#f59e0b", "#16a34a")
SYMBOLS = ("circle", "square", "diamond")
_ARROW_SHARE = 0.18  # length of the drawn weight vector, as a share of the view's diagonal


def step_function_figure(name: str, theme: Theme) -> go.Figure:
    """The graph of one step function, with filled and open dots at the jump.

    Parameters
    ----------
    name : {"heaviside", "sgn"}
        Which step function.
    theme : Theme
        Sizes.
    """
    z = np.array([-3.0, 0.0])
    low = float(STEP_FUNCTIONS[name](-1.0))
    high = float(STEP_FUNCTIONS[name](1.0))
    at_zero = float(STEP_FUNCTIONS[name](0.0))
    line = dict(color=NODE_EDGE, width=theme.line_width * 1.5)
    open_values = [v for v in (low, high) if v != at_zero]
    dot = theme.marker_size + 3
    traces = [
        dict(type="scatter", x=z, y=[low, low], mode="lines", line=line, hoverinfo="skip"),
        dict(type="scatter", x=-z, y=[high, high], mode="lines", line=line, hoverinfo="skip"),
        dict(
            type="scatter",
            x=[0.0] * len(open_values),
            y=open_values,
            mode="markers",
            marker=dict(size=dot, color="white", line=dict(color=NODE_EDGE, width=2)),
            hoverinfo="skip",
        ),
        dict(
            type="scatter",
            x=[0.0],
            y=[at_zero],
            mode="markers",
            marker=dict(size=dot, color=NODE_EDGE),
            hovertemplate=f"{name}(0) = {at_zero:g}<extra></extra>",
        ),
    ]
    layout = base_layout(
        theme,
        title=dict(text=f"{name}(z)", x=0.5),
        height=int(theme.height * 0.75),
        xaxis=dict(title="z", range=[-3.2, 3.2], zeroline=True, zerolinecolor=MUTED),
        yaxis=dict(range=[-1.4, 1.4], tickvals=[-1, 0, 1], zeroline=True, zerolinecolor=MUTED),
        margin=dict(l=40, r=10, t=50, b=40),
        dragmode=False,
    )
    return go.Figure(data=traces, layout=layout)


def view(X: np.ndarray) -> tuple[list[float], list[float]]:
    """Axis ranges that hold every sample with a margin."""
    low, high = X.min(axis=0), X.max(axis=0)
    pad = 0.15 * (high - low) + 0.2
    return [low[0] - pad[0], high[0] + pad[0]], [low[1] - pad[1], high[1] + pad[1]]


def boundary_segment(w, b: float, xr, yr) -> tuple[list, list]:
    """The part of the line ``w[0]*x + w[1]*y + b = 0`` across the view.

    Solved for the axis along which the line is steeper, so a vertical or
    horizontal boundary is drawn too; ``([None, None], ...)`` when ``w == 0``
    (every point then gets the same output and there is no line).
    """
    w0, w1 = float(w[0]), float(w[1])
    if w0 == 0.0 and w1 == 0.0:
        return [None, None], [None, None]
    if abs(w1) >= abs(w0):
        xs = list(xr)
        return xs, [-(b + w0 * x) / w1 for x in xs]
    ys = list(yr)
    return [-(b + w1 * y) / w0 for y in ys], ys


def clip_segment(xs, ys, xr, yr) -> tuple[np.ndarray, np.ndarray] | None:
    """The part of the segment ``xs, ys`` inside the box ``xr`` x ``yr`` (Liang-Barsky).

    Returns its two ends, or ``None`` where the segment misses the box.
    """
    p0 = np.array([xs[0], ys[0]], dtype=np.float64)
    d = np.array([xs[1], ys[1]], dtype=np.float64) - p0
    lo, hi = 0.0, 1.0
    for k, (low, high) in enumerate((xr, yr)):
        if d[k] == 0.0:
            if not low <= p0[k] <= high:
                return None
            continue
        t0, t1 = sorted(((low - p0[k]) / d[k], (high - p0[k]) / d[k]))
        lo, hi = max(lo, t0), min(hi, t1)
    return (p0 + lo * d, p0 + hi * d) if lo <= hi else None


def weight_arrow(w, b: float, xr, yr) -> tuple[list, list]:
    """Start and end of the weight vector, drawn from the boundary towards the positive side.

    It starts in the middle of the part of the boundary inside the view (or,
    when the boundary misses the view, at its point nearest the view's centre)
    and has a fixed length; ``w`` points where ``z = w·x + b`` grows, into the
    positive class.
    """
    w = np.asarray(w, dtype=np.float64)
    norm = float(np.hypot(*w))
    if norm == 0.0:
        return [None, None], [None, None]
    unit = w / norm
    inside = clip_segment(*boundary_segment(w, b, xr, yr), xr, yr)
    if inside is not None:
        start = (inside[0] + inside[1]) / 2
    else:
        centre = np.array([sum(xr) / 2, sum(yr) / 2])
        start = centre - (centre @ w + b) / norm * unit
    end = start + unit * _ARROW_SHARE * float(np.hypot(xr[1] - xr[0], yr[1] - yr[0]))
    return [start[0], end[0]], [start[1], end[1]]


def _far(xr, yr) -> tuple[list[float], list[float]]:
    """The view grown threefold about its centre: the plot may show more than ``view``
    (equal axis scales widen one range), and lines must reach its edges."""
    cx, cy = sum(xr) / 2, sum(yr) / 2
    hx, hy = 3 * (xr[1] - xr[0]), 3 * (yr[1] - yr[0])
    return [cx - hx, cx + hx], [cy - hy, cy + hy]


def model_path(w, b: float, xr, yr) -> tuple[list, list]:
    """One output neuron as one path: its boundary line, a gap, then its weight arrow.

    One trace per neuron (instead of a line and an arrow) halves what each
    animation frame carries. The arrow's two points come last.
    """
    lx, ly = boundary_segment(w, b, *_far(xr, yr))
    ax, ay = weight_arrow(w, b, xr, yr)
    return _tidy([*lx, None, *ax]), _tidy([*ly, None, *ay])


def _tidy(values: list) -> list:
    """Coordinates to 10 significant digits.

    A line and an arrow depend only on the direction of ``(w, b)``: from zero
    weights, a learning rate ``η`` scales every step's weights and leaves the
    pictures as they are, except in the last bits. Rounding those away gives
    the browser the same figure, which it then does not draw again.
    """
    return [None if v is None else float(f"{v:.10g}") for v in values]


def _model_traces(W, B, xr, yr, colors, theme: Theme, *, dash: str = "solid") -> list[dict]:
    """A boundary line with its weight arrow per output neuron (rows of ``W``)."""
    traces = []
    arrow = theme.marker_size + 6
    for w, b, color in zip(W, B, colors, strict=True):
        xs, ys = model_path(w, b, xr, yr)
        traces.append(
            dict(
                type="scatter",
                x=xs,
                y=ys,
                mode="lines+markers",
                line=dict(color=color, width=theme.line_width * 1.5, dash=dash),
                # only the arrow's end has a marker: an arrowhead along the arrow
                marker=dict(
                    symbol="arrow",
                    angleref="previous",
                    size=[0] * (len(xs) - 1) + [arrow],
                    color=color,
                ),
                opacity=0.5 if dash != "solid" else 1.0,
                hoverinfo="skip",
                showlegend=False,
            )
        )
    return traces


def _tint(color: str, alpha: float) -> str:
    red, green, blue = (int(color[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red},{green},{blue},{alpha})"


def region_polygons(W, B, xr, yr) -> list[np.ndarray | None]:
    """The part of the view each class gets, as one convex polygon per class.

    As :meth:`nnplay.perceptron.Perceptron.predict`: one output neuron says
    class 1 where ``z >= 0``, so it splits the view along its boundary;
    several, class ``k`` is where ``z_k`` beats every other ``z_j`` (the first
    of equal ones wins, as ``argmax``), an intersection of half-planes.

    Returns
    -------
    list
        Per class, an ndarray of shape (n_corners, 2), or ``None`` where the
        class gets no part of the view.
    """
    W, B = np.asarray(W, dtype=np.float64), np.asarray(B, dtype=np.float64)
    box = np.array(
        [[xr[0], yr[0]], [xr[1], yr[0]], [xr[1], yr[1]], [xr[0], yr[1]]], dtype=np.float64
    )
    if len(W) == 1:  # class 1 where z >= 0, class 0 where z < 0
        sides = [[(-W[0], -B[0], False)], [(W[0], B[0], True)]]
    else:
        sides = [
            [(W[k] - W[j], B[k] - B[j], k < j) for j in range(len(W)) if j != k]
            for k in range(len(W))
        ]
    polygons = []
    for half_planes in sides:
        polygon = box
        for w, b, ties_in in half_planes:
            polygon = _cut(polygon, w, b, ties_in)
            if polygon is None:
                break
        polygons.append(polygon)
    return polygons


def _cut(polygon: np.ndarray, w: np.ndarray, b: float, ties_in: bool) -> np.ndarray | None:
    """The part of a convex polygon where ``w·x + b >= 0`` (Sutherland-Hodgman).

    Where ``w == 0`` the half-plane is all or nothing: ``b > 0``, or ``b == 0``
    when ``ties_in`` (equal outputs go to this side).
    """
    if not w.any():
        return polygon if b > 0 or (b == 0 and ties_in) else None
    z = polygon @ w + b
    kept = []
    for i in range(len(polygon)):
        j = (i + 1) % len(polygon)
        if z[i] >= 0:
            kept.append(polygon[i])
        if (z[i] >= 0) != (z[j] >= 0):  # the edge crosses the line
            t = z[i] / (z[i] - z[j])
            kept.append(polygon[i] + t * (polygon[j] - polygon[i]))
    if len(kept) < 3:
        return None
    return np.array(kept)


def _class_traces(X, y, class_names, theme: Theme) -> list[dict]:
    colors = BINARY_COLORS if len(class_names) == 2 else CLASS_COLORS
    traces = []
    for k, name in enumerate(class_names):
        mask = y == k
        traces.append(
            dict(
                type="scatter",
                x=X[mask, 0],
                y=X[mask, 1],
                mode="markers",
                name=name,
                marker=dict(
                    size=theme.marker_size,
                    color=colors[k],
                    symbol=SYMBOLS[k % len(SYMBOLS)],
                    opacity=0.75,
                    line=dict(color="white", width=0.5),
                ),
                hovertemplate=f"{name}<br>(%{{x}}, %{{y}})<extra></extra>",
            )
        )
    return traces


def line_colors(n_outputs: int) -> tuple[str, ...]:
    """Colours of the output neurons' lines: dark for one, the class colours for several."""
    return (NODE_EDGE,) if n_outputs == 1 else CLASS_COLORS[:n_outputs]


def _sample_trace(point, theme: Theme) -> dict:
    x, y = ([point[0]], [point[1]]) if point is not None else ([None], [None])
    return dict(
        type="scatter",
        x=x,
        y=y,
        mode="markers",
        marker=dict(
            size=theme.marker_size * 2.4,
            color="rgba(0,0,0,0)",
            line=dict(color=ACTIVE, width=theme.line_width * 1.5),
        ),
        hoverinfo="skip",
        showlegend=False,
    )


def _plane_layout(theme: Theme, axis_titles, xr, yr, **overrides) -> dict:
    # Equal scales: the weight vector then looks perpendicular to the boundary, as it
    # is. Plotly widens one range to fill the plot rather than leave it empty.
    return base_layout(
        theme,
        height=int(theme.height * 1.45),
        xaxis=dict(title=axis_titles[0], range=xr, constrain="range", zeroline=False),
        yaxis=dict(
            title=axis_titles[1],
            range=yr,
            scaleanchor="x",
            scaleratio=1,
            constrain="range",
            zeroline=False,
        ),
        **{
            "showlegend": True,
            "legend": dict(orientation="h", yanchor="bottom", y=1.02, x=0),
            "margin": dict(l=50, r=10, t=40, b=50),
            **overrides,
        },
    )


def animation_figure(
    X: np.ndarray,
    y: np.ndarray,
    class_names: list[str],
    axis_titles: tuple[str, str],
    trace: Trace,
    steps: np.ndarray,
    theme: Theme,
    *,
    frame_label: str = "epoch {epoch} · step {step}",
    start_label: str = "w = 0, b = 0",
    play: str = "▶",
    pause: str = "‖",
    frame_ms: int = 80,
) -> go.Figure:
    """Training as plotly frames, played in the browser: play, pause, and a slider to scrub.

    Parameters
    ----------
    X, y, class_names, axis_titles, theme
        As in :func:`nnplay.charts.perceptron_svg.boundary_svg`.
    trace : Trace
        The fitted model's trace.
    steps : ndarray of int
        Steps to show, one frame each (``-1``: the initial weights); see
        :func:`nnplay.perceptron_lab.frame_steps`.
    frame_label : str
        Slider text per frame, with ``{epoch}``, ``{step}`` and ``{sample}``.
    start_label : str
        Slider text of the initial frame (``step == -1``).
    play, pause : str
        Button labels (the slower and faster play buttons are marked ¼× and 4×).
    frame_ms : int
        Milliseconds per frame at normal speed.
    """
    xr, yr = view(X)
    n_outputs = trace.w.shape[1]
    colors = line_colors(n_outputs)
    static = _class_traces(X, y, class_names, theme)
    moving = list(range(len(static), len(static) + n_outputs + 1))

    frames, slider_steps = [], []
    for step in steps.tolist():
        W, B = trace.w[step + 1], trace.b[step + 1]
        # A frame carries only what moves (x and y); styles stay those of the
        # first frame's traces. Small frames keep plotly's validation quick.
        data = []
        for w, b in zip(W, B, strict=True):
            xs, ys = model_path(w, b, xr, yr)
            data.append(dict(type="scatter", x=xs, y=ys))
        point = X[trace.sample[step]].tolist() if step >= 0 else [None, None]
        data.append(dict(type="scatter", x=point[:1], y=point[1:]))
        name = str(step)
        frames.append(dict(name=name, data=data, traces=moving))
        if step >= 0:
            epoch, sample = int(trace.epoch[step]), int(trace.sample[step]) + 1
            label = frame_label.format(epoch=epoch, step=step + 1, sample=sample)
        else:
            label = start_label
        slider_steps.append(
            dict(
                method="animate",
                label=label,
                args=[[name], dict(mode="immediate", frame=dict(duration=0, redraw=False))],
            )
        )
    buttons = play_buttons(play, pause, frame_ms)
    font = theme.font_size
    below_axis = int(3.4 * font) + 10  # room for the x-axis ticks and title
    layout = _plane_layout(
        theme,
        axis_titles,
        xr,
        yr,
        # play/pause top left, the legend top right (where plotly's tool bar shows on
        # hover, which would hide buttons); the slider alone below the plot
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=1, xanchor="right"),
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                showactive=False,
                buttons=buttons,
                x=0,
                xanchor="left",
                y=1.02,
                yanchor="bottom",
                pad=dict(t=0, r=0),
                font=dict(size=font),
            )
        ],
        sliders=[
            dict(
                active=0,
                steps=slider_steps,
                x=0,
                len=1,
                y=0,
                yanchor="top",
                pad=dict(t=below_axis, b=0),
                # one tick label per frame would pile up: only the current one is shown
                font=dict(color="rgba(0,0,0,0)", size=2),
                ticklen=0,
                minorticklen=0,
                tickcolor="rgba(0,0,0,0)",
                currentvalue=dict(
                    visible=True, xanchor="left", font=dict(size=font, color=NODE_EDGE)
                ),
                transition=dict(duration=0),
            )
        ],
    )
    layout["height"] = int(theme.height * 1.45) + below_axis + 2 * font + 40
    layout["margin"] = dict(l=50, r=10, t=2 * font + 24, b=below_axis + 2 * font + 50)
    first = _model_traces(trace.w[steps[0] + 1], trace.b[steps[0] + 1], xr, yr, colors, theme)
    first.append(_sample_trace(X[trace.sample[steps[0]]] if steps[0] >= 0 else None, theme))
    return go.Figure(data=static + first, layout=layout, frames=frames)
