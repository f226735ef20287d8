"""The XOR figures: the four points, decision boundaries over the epochs, hidden units, losses."""

from __future__ import annotations

import base64
from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

from nnplay.activations import ACTIVATIONS
from nnplay.charts.animation import play_buttons
from nnplay.charts.grid import grid_domains
from nnplay.charts.theme import MUTED, NEGATIVE, NODE_EDGE, POSITIVE, Theme, base_layout
from nnplay.datasets import xor
from nnplay.mlp import MLP

LOW, HIGH = -0.5, 1.5  # the square shown around the four points
GRID_SIZE = 100
# Probability of class 1, white at 0.5 (the boundary), class colours at 0 and 1.
PROBABILITY_SCALE = [[0.0, "#fca5a5"], [0.5, "#ffffff"], [1.0, "#93c5fd"]]
UNIT_SCALE = [[0.0, "#fde68a"], [0.5, "#ffffff"], [1.0, "#a7f3d0"]]
FRAME_MS = 100


def typed_array(values: np.ndarray) -> dict:
    """``values`` as plotly's typed-array spec (base64 bytes), ready for the browser.

    Plotly would encode numpy arrays the same way, but again on every page
    rerun, when Streamlit serialises the (cached) figure; encoding once when the
    figure is built makes a rerun far cheaper.
    """
    values = np.ascontiguousarray(values)
    spec = {"dtype": values.dtype.str.lstrip("<|="), "bdata": base64.b64encode(values).decode()}
    if values.ndim > 1:
        spec["shape"] = ", ".join(map(str, values.shape))
    return spec


def grid(size: int = GRID_SIZE) -> tuple[np.ndarray, np.ndarray]:
    """The axis ticks and the ``size**2 x 2`` points of the square, row by row."""
    ticks = np.linspace(LOW, HIGH, size)
    xx, yy = np.meshgrid(ticks, ticks)
    return ticks, np.column_stack([xx.ravel(), yy.ravel()])


def probability_frame(
    model: MLP,
    coefs: Sequence[np.ndarray],
    intercepts: Sequence[np.ndarray],
    points: np.ndarray,
    size: int = GRID_SIZE,
) -> np.ndarray:
    """The network's probability of class 1 on a grid, in percent, as ``uint8``.

    Whole percents are plenty for a picture and travel to the browser as one
    byte per cell (plotly sends numpy arrays as typed binary).

    Parameters
    ----------
    model : MLP
        Gives the architecture (activations, output).
    coefs, intercepts : sequence of ndarray
        The weights to draw (a snapshot's).
    points : ndarray of shape (size * size, 2)
        From :func:`grid`.
    size : int

    Returns
    -------
    ndarray of shape (size, size), dtype uint8
    """
    p = model.with_weights(coefs, intercepts).forward(points)[1][-1][:, 0]
    return np.rint(p * 100).astype(np.uint8).reshape(size, size)


def _line(w: np.ndarray, b: float) -> tuple[list[float], list[float]]:
    """Two far-apart points on ``w1 x + w2 y + b = 0`` (plotly clips it to the square)."""
    w1, w2 = float(w[0]), float(w[1])
    if abs(w1) < 1e-12 and abs(w2) < 1e-12:
        return [], []
    ends = np.array([LOW - 10, HIGH + 10])
    if abs(w2) >= abs(w1):
        return ends.tolist(), (-(b + w1 * ends) / w2).tolist()
    return (-(b + w2 * ends) / w1).tolist(), ends.tolist()


def hidden_lines(coefs: Sequence[np.ndarray], intercepts: Sequence[np.ndarray]) -> tuple:
    """Each first-layer unit's own line ``z = 0``, as one trace's ``x``, ``y`` (None between)."""
    xs, ys = [], []
    for j in range(coefs[0].shape[1]):
        x, y = _line(coefs[0][:, j], float(intercepts[0][j]))
        xs += [*x, None]
        ys += [*y, None]
    return xs, ys


def _points_trace(theme: Theme, class_names: Sequence[str]) -> go.Scatter:
    data = xor()
    return go.Scatter(
        x=data.X[:, 0],
        y=data.X[:, 1],
        mode="markers",
        marker=dict(
            size=theme.marker_size * 2,
            color=[POSITIVE if c else NEGATIVE for c in data.y],
            symbol=["circle" if c else "x" for c in data.y],
            line=dict(color="white", width=theme.line_width / 2),
        ),
        customdata=[class_names[c] for c in data.y],
        hovertemplate="(%{x:.0f}, %{y:.0f}) → %{customdata}<extra></extra>",
    )


def _square_axes() -> dict:
    axis = dict(
        range=[LOW, HIGH],
        zeroline=False,
        showgrid=False,
        dtick=1,
        fixedrange=True,
        showline=True,
        mirror=True,
        linecolor=MUTED,
    )
    return dict(
        # constrain="domain": the square shrinks to fit, the range never widens
        xaxis=dict(axis, title=dict(text="x₁"), constrain="domain"),
        yaxis=dict(axis, title=dict(text="x₂"), scaleanchor="x", scaleratio=1, constrain="domain"),
    )


def perceptron_figure(
    w: np.ndarray, b: float, theme: Theme, *, class_names: Sequence[str], title: str
) -> go.Figure:
    """The four XOR points and a perceptron's line, its positive side shaded.

    Parameters
    ----------
    w, b : ndarray, float
        The perceptron's weights and bias (class 1 where ``w · x + b >= 0``).
    theme : Theme
    class_names : sequence of str
        Names of class 0 and class 1 for hovering.
    title : str
    """
    ticks, points = grid(40)
    side = (points @ np.asarray(w, dtype=float) + b >= 0).astype(np.uint8).reshape(40, 40)
    x, y = _line(np.asarray(w, dtype=float), b)
    traces = [
        go.Heatmap(
            x=ticks,
            y=ticks,
            z=side,
            zmin=0,
            zmax=1,
            colorscale=PROBABILITY_SCALE,
            showscale=False,
            hoverinfo="skip",
            opacity=0.6,
        ),
        go.Scatter(x=x, y=y, mode="lines", line=dict(color=NODE_EDGE, width=theme.line_width)),
        _points_trace(theme, class_names),
    ]
    layout = base_layout(theme, title=dict(text=title), **_square_axes())
    return go.Figure(traces, layout=layout)


def decision_figure(
    model: MLP,
    theme: Theme,
    *,
    class_names: Sequence[str],
    title: str,
    epoch_label: str,
    loss_label: str,
    play_label: str,
    pause_label: str,
    animate: bool = True,
) -> go.Figure:
    """The network's decision boundary, animated over its snapshots.

    The output probability is shaded (white at 0.5), the boundary drawn where it
    is 0.5, and each hidden unit's own line (``z = 0``) dashed. With
    ``animate`` a play/pause button and a slider step through the snapshots in
    the browser; the figure first shows the trained network.

    Parameters
    ----------
    model : MLP
        Trained, with ``snapshots_``.
    theme : Theme
    class_names : sequence of str
        Names of class 0 and class 1.
    title : str
        Figure title; ``epoch_label`` and ``loss_label`` (``"epoch"``, ``"loss"``)
        are appended per frame.
    play_label, pause_label : str
        The buttons' text.
    animate : bool
        Whether to add the frames and their controls.

    Returns
    -------
    go.Figure
    """
    ticks, points = grid()
    snapshots = model.snapshots_ if animate else model.snapshots_[-1:]

    def frame_data(s) -> tuple[dict, dict]:
        xs, ys = hidden_lines(s.coefs, s.intercepts)
        z = probability_frame(model, s.coefs, s.intercepts, points)
        return dict(type="contour", z=typed_array(z)), dict(type="scatter", x=xs, y=ys)

    def frame_title(s) -> str:
        return f"{title} · {epoch_label} {s.epoch} · {loss_label} {s.loss:.3f}"

    last = snapshots[-1]
    contour, lines = frame_data(last)
    traces = [
        go.Contour(
            x=typed_array(ticks),
            y=typed_array(ticks),
            z=contour["z"],
            zmin=0,
            zmax=100,
            colorscale=PROBABILITY_SCALE,
            contours=dict(start=50, end=50, size=50, coloring="heatmap", showlabels=False),
            line=dict(color=NODE_EDGE, width=theme.line_width * 1.5),
            showscale=False,
            hovertemplate="p = %{z}%<extra></extra>",
        ),
        go.Scatter(
            x=lines["x"],
            y=lines["y"],
            mode="lines",
            hoverinfo="skip",
            line=dict(color=MUTED, width=theme.line_width, dash="dash"),
        ),
        _points_trace(theme, class_names),
    ]
    overrides: dict = dict(title=dict(text=frame_title(last)), **_square_axes())
    overrides["height"] = int(theme.height * 1.5)
    frames = None
    if animate and len(snapshots) > 1:
        frames = []
        for s in snapshots:
            c, ln = frame_data(s) if s is not last else (contour, lines)
            frames.append(
                go.Frame(
                    name=str(s.epoch),
                    data=[c, ln],
                    traces=[0, 1],
                    layout=dict(title=dict(text=frame_title(s))),
                )
            )
        step_args = dict(
            mode="immediate", frame=dict(duration=0, redraw=True), transition=dict(duration=0)
        )
        # Under the square: the play buttons, then the slider across the whole width.
        overrides["sliders"] = [
            dict(
                active=len(snapshots) - 1,
                currentvalue=dict(prefix=f"{epoch_label} ", font=dict(size=theme.font_size)),
                x=0,
                len=1,
                y=0,
                yanchor="top",
                pad=dict(t=theme.font_size * 6, b=0),
                font=dict(size=max(9, theme.font_size - 4)),
                steps=[
                    dict(method="animate", label=str(s.epoch), args=[[str(s.epoch)], step_args])
                    for s in snapshots
                ],
            )
        ]
        overrides["updatemenus"] = [
            dict(
                type="buttons",
                direction="left",
                x=0.0,
                y=0,
                xanchor="left",
                yanchor="top",
                pad=dict(t=theme.font_size * 3, r=10),
                showactive=False,
                font=dict(size=theme.font_size),
                buttons=play_buttons(f"▶ {play_label}", f"‖ {pause_label}", FRAME_MS, redraw=True),
            )
        ]
        extra = theme.font_size * 11
        overrides["height"] += extra
        overrides["margin"] = dict(l=10, r=10, t=50, b=extra)
    return go.Figure(traces, layout=base_layout(theme, **overrides), frames=frames)


def hidden_units_figure(
    model: MLP, theme: Theme, *, class_names: Sequence[str], unit_label: str
) -> go.Figure:
    """Each hidden unit's activation over the square (what the hidden layer learned).

    One small panel per unit of the first hidden layer, side by side, the unit's
    own line ``z = 0`` drawn on it.
    """
    size = 50
    ticks, points = grid(size)
    W, b = model.coefs_[0], model.intercepts_[0]
    act = ACTIVATIONS[model.hidden_activations()[0]]
    values = act.function(points @ W + b)
    n = W.shape[1]
    per_row = min(n, 4)
    rows = -(-n // per_row)
    cells = grid_domains(rows, per_row, gap_x=0.04, gap_y=0.08)
    traces, axes, annotations = [], {}, []
    low, high = act.range
    for j, (x_domain, y_domain) in enumerate(cells[:n]):
        suffix = "" if j == 0 else str(j + 1)
        v = values[:, j]
        zmin = low if np.isfinite(low) else float(v.min())
        zmax = high if np.isfinite(high) else max(float(v.max()), zmin + 1e-9)
        traces.append(
            go.Heatmap(
                x=ticks,
                y=ticks,
                z=typed_array(v.reshape(size, size).astype(np.float32)),
                zmin=zmin,
                zmax=zmax,
                colorscale=UNIT_SCALE,
                showscale=False,
                xaxis=f"x{suffix}",
                yaxis=f"y{suffix}",
                hovertemplate=f"h{j + 1} = %{{z:.2f}}<extra></extra>",
            )
        )
        x, y = _line(W[:, j], float(b[j]))
        traces.append(
            go.Scatter(
                x=x,
                y=y,
                mode="lines",
                xaxis=f"x{suffix}",
                yaxis=f"y{suffix}",
                line=dict(color=NODE_EDGE, width=theme.line_width, dash="dash"),
                hoverinfo="skip",
            )
        )
        points_trace = _points_trace(theme, class_names)
        points_trace.update(xaxis=f"x{suffix}", yaxis=f"y{suffix}")
        points_trace.marker.size = theme.marker_size * 1.4
        traces.append(points_trace)
        axis = dict(range=[LOW, HIGH], showgrid=False, zeroline=False, dtick=1, fixedrange=True)
        axes[f"xaxis{suffix}"] = dict(axis, domain=list(x_domain), anchor=f"y{suffix}")
        axes[f"yaxis{suffix}"] = dict(
            axis, domain=list(y_domain), anchor=f"x{suffix}", scaleanchor=f"x{suffix}"
        )
        annotations.append(
            dict(
                text=f"<b>{unit_label} h{j + 1}</b>",
                x=sum(x_domain) / 2,
                y=y_domain[1],
                xref="paper",
                yref="paper",
                yanchor="bottom",
                showarrow=False,
            )
        )
    layout = base_layout(
        theme,
        height=int(theme.height * 0.9 * rows) + 30 * (rows - 1),
        margin=dict(l=10, r=10, t=30, b=10),
        annotations=annotations,
        **axes,
    )
    return go.Figure(traces, layout=layout)


def loss_figure(
    curves: dict[str, Sequence[float]], theme: Theme, *, epoch_label: str, loss_label: str
) -> go.Figure:
    """Training loss per epoch, one line per network, on a log scale."""
    colors = [POSITIVE, NEGATIVE, MUTED]
    traces = [
        go.Scatter(
            x=typed_array(np.arange(1, len(values) + 1, dtype=np.int32)),
            y=typed_array(np.asarray(values, dtype=np.float32)),
            mode="lines",
            name=name,
            line=dict(color=colors[i % len(colors)], width=theme.line_width),
        )
        for i, (name, values) in enumerate(curves.items())
    ]
    layout = base_layout(
        theme,
        showlegend=True,
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
        xaxis=dict(title=dict(text=epoch_label)),
        yaxis=dict(title=dict(text=loss_label), type="log", dtick=1),
        hovermode="x unified",
    )
    return go.Figure(traces, layout=layout)
