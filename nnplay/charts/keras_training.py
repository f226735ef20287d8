"""Figures for training a Keras model: learning curves, predictions, errors, weights.

Every builder takes plain arrays and the texts to show (the page translates
them) and returns a ``go.Figure``; layouts are built once with
:func:`~nnplay.charts.theme.base_layout`.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np
import plotly.graph_objects as go

from nnplay.charts.grid import grid_domains, spans
from nnplay.charts.svg import svg_document, text_width
from nnplay.charts.theme import ACTIVE, MUTED, NEGATIVE, NODE_EDGE, POSITIVE, Theme, base_layout

TRAIN = POSITIVE
VALIDATION = ACTIVE
RIGHT = "#16a34a"
WRONG = NEGATIVE
MAX_POINTS = 2_000  # scatter points sent to the browser
MAX_HEATMAP_SIDE = 100  # rows and columns of a weight heatmap


def _legend(theme: Theme) -> dict:
    return dict(
        showlegend=True,
        legend=dict(
            orientation="h", x=0, y=1.02, yanchor="bottom", font=dict(size=theme.font_size)
        ),
    )


def _curve_points(
    history: dict[str, list[float]],
    name: str,
    live: tuple[float, float] | None,
    shift_train: bool,
) -> tuple[tuple, tuple | None, tuple | None, int]:
    """Where a learning curve's points lie: one geometry for the figure and the SVG.

    Returns
    -------
    train, validation, live : tuple of (x, y) or None
        Training per epoch (half an epoch to the left with ``shift_train``),
        validation at each epoch's end (``None`` without it), and the dotted
        segment from the last finished epoch to the epoch in progress (``None``
        without a finite live value).
    last : int
        The last epoch the x axis shows.
    """
    train = history.get(name, [])
    val = history.get(f"val_{name}", [])
    epochs = np.arange(1, len(train) + 1, dtype=float)
    train_x = epochs - 0.5 if shift_train else epochs
    validation = (np.arange(1, len(val) + 1, dtype=float), val) if len(val) else None
    segment = None
    if live is not None and math.isfinite(live[1]):
        live_x = live[0] - 0.5 if shift_train else live[0]
        start = (train_x[-1], train[-1]) if len(train) else (live_x, live[1])
        segment = ([start[0], live_x], [start[1], live[1]])
    last = max(len(train), len(val), math.ceil(live[0]) if live else 0, 1)
    return (train_x, train), validation, segment, last


def curve_figure(
    history: dict[str, list[float]],
    name: str,
    theme: Theme,
    *,
    title: str,
    train_label: str,
    validation_label: str,
    epoch_label: str,
    live: tuple[float, float] | None = None,
    live_label: str = "",
    shift_train: bool = False,
) -> go.Figure:
    """One learning curve (``loss`` or a metric), training and validation, per epoch.

    Parameters
    ----------
    history : dict
        ``{"loss": [...], "val_loss": [...], ...}``, one value per finished epoch.
    name : str
        The quantity: ``"loss"``, ``"accuracy"``...
    theme : Theme
    title, train_label, validation_label, epoch_label : str
        Texts (translated by the page).
    live : (float, float), optional
        ``(epoch, value)`` of the epoch in progress (running mean so far), drawn
        as a dotted line from the last finished epoch.
    live_label : str
        Legend text of the live segment.
    shift_train : bool
        Draw training values half an epoch to the left: they are averages over
        the epoch, while validation is measured at its end (as the notes say).

    Returns
    -------
    go.Figure
    """
    (train_x, train), validation, segment, last = _curve_points(history, name, live, shift_train)
    width = theme.line_width
    traces = [
        go.Scatter(
            x=train_x,
            y=train,
            mode="lines+markers",
            name=train_label,
            line=dict(color=TRAIN, width=width),
            marker=dict(size=theme.marker_size * 0.7),
        )
    ]
    if validation is not None:
        traces.append(
            go.Scatter(
                x=validation[0],
                y=validation[1],
                mode="lines+markers",
                name=validation_label,
                line=dict(color=VALIDATION, width=width, dash="dash"),
                marker=dict(size=theme.marker_size * 0.7, symbol="diamond"),
            )
        )
    if segment is not None:
        traces.append(
            go.Scatter(
                x=segment[0],
                y=segment[1],
                mode="lines+markers",
                name=live_label,
                line=dict(color=TRAIN, width=width, dash="dot"),
                marker=dict(size=[0, theme.marker_size * 0.7], color=TRAIN, opacity=0.6),
            )
        )
    layout = base_layout(
        theme,
        title=dict(text=title, x=0, y=0.98, yanchor="top"),
        xaxis=dict(title=dict(text=epoch_label), range=[0, last + 0.5], dtick=_tick(last)),
        yaxis=dict(rangemode="tozero" if name == "loss" else "normal", gridcolor="#e2e8f0"),
        margin=dict(l=10, r=10, t=70, b=10),
        **_legend(theme),
    )
    return go.Figure(traces, layout)


#: Markers on the curves' points up to this many epochs (beyond, a line says enough).
SVG_MARKERS_UP_TO = 60


def curve_svg(
    history: dict[str, list[float]],
    name: str,
    theme: Theme,
    *,
    title: str,
    train_label: str,
    validation_label: str,
    epoch_label: str,
    live: tuple[float, float] | None = None,
    live_label: str = "",
    shift_train: bool = False,
    width_px: int = 640,
) -> str:
    """What :func:`curve_figure` shows, as one inline SVG, while the training runs.

    The live view redraws its curves every second; a browser redraws an SVG in
    a few milliseconds, a plotly figure in a hundred or more, and meanwhile a
    click (Stop) waits. Same parameters as :func:`curve_figure`.

    Returns
    -------
    str
        ``<svg class="nnplay-curve" ...>...</svg>`` on one line.
    """
    (train_x, train), validation, segment, last = _curve_points(history, name, live, shift_train)
    lines = [(train_label, train_x, np.asarray(train, dtype=float), TRAIN, "")]
    if validation is not None:
        lines.append(
            (validation_label, validation[0], np.asarray(validation[1], float), VALIDATION, "8 5")
        )
    if segment is not None:
        lines.append((live_label, np.asarray(segment[0]), np.asarray(segment[1]), TRAIN, "2 4"))
    values = np.concatenate([v for *_, v, _, _ in lines]) if lines else np.zeros(1)
    values = values[np.isfinite(values)]
    low = 0.0 if name == "loss" or not len(values) else float(values.min())
    high = float(values.max()) if len(values) else 1.0
    if high <= low:
        high = low + 1.0

    tick = theme.tick_size
    height_px = int(theme.height * 0.9)
    width, height = float(width_px), float(height_px)
    left, right, top, bottom = 4.2 * tick, 10.0, 4.6 * tick, 3.2 * tick
    plot_w, plot_h = width - left - right, height - top - bottom

    def x_of(x):
        return left + np.asarray(x, dtype=float) / (last + 0.5) * plot_w

    def y_of(y):
        return top + plot_h - (np.asarray(y, dtype=float) - low) / (high - low) * plot_h

    parts = [
        f'<text x="0" y="{1.3 * tick:.1f}" font-size="{1.2 * tick:.1f}">{escape(title)}</text>',
        f'<rect x="{left:.1f}" y="{top:.1f}" width="{plot_w:.1f}" height="{plot_h:.1f}" '
        f'fill="none" stroke="{MUTED}" stroke-width="1"/>',
    ]
    for fraction in (0.0, 0.5, 1.0):
        y = top + plot_h * (1 - fraction)
        parts.append(
            f'<text x="{left - 0.4 * tick:.1f}" y="{y:.1f}" text-anchor="end" '
            f'dominant-baseline="central" font-size="{tick}" fill="{MUTED}">'
            f"{low + (high - low) * fraction:.3g}</text>"
        )
    for epoch in range(0, last + 1, _tick(last)):
        parts.append(
            f'<text x="{float(x_of(epoch)):.1f}" y="{top + plot_h + 1.3 * tick:.1f}" '
            f'text-anchor="middle" font-size="{tick}" fill="{MUTED}">{epoch}</text>'
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.1f}" y="{height - 0.2 * tick:.1f}" text-anchor="middle" '
        f'font-size="{tick}">{escape(epoch_label)}</text>'
    )
    legend_x = left
    for label, xs, ys, colour, dash in lines:
        keep = np.isfinite(ys)
        points = " ".join(
            f"{a:.1f},{b:.1f}" for a, b in zip(x_of(xs[keep]), y_of(ys[keep]), strict=True)
        )
        dashes = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" '
            f'stroke-width="{theme.line_width}"{dashes} data-name="{escape(label)}"/>'
        )
        if not dash or dash == "8 5":
            if keep.sum() <= SVG_MARKERS_UP_TO:
                r = theme.marker_size * 0.35
                parts.extend(
                    f'<circle cx="{a:.1f}" cy="{b:.1f}" r="{r:.1f}" fill="{colour}"/>'
                    for a, b in zip(x_of(xs[keep]), y_of(ys[keep]), strict=True)
                )
        legend_y = 3.0 * tick
        parts.append(
            f'<line x1="{legend_x:.1f}" y1="{legend_y:.1f}" x2="{legend_x + 2 * tick:.1f}" '
            f'y2="{legend_y:.1f}" stroke="{colour}" stroke-width="{theme.line_width}"{dashes}/>'
            f'<text x="{legend_x + 2.4 * tick:.1f}" y="{legend_y:.1f}" dominant-baseline="central" '
            f'font-size="{tick}">{escape(label)}</text>'
        )
        legend_x += 3.2 * tick + text_width(label, tick)
    return svg_document((0, 0, width, height), height_px, title, parts, "nnplay-curve")


def _tick(last: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100):
        if last / step <= 12:
            return step
    return 200


def gallery_figure(
    images: np.ndarray,
    actual: np.ndarray,
    proba: np.ndarray,
    class_names: list[str],
    theme: Theme,
    *,
    columns: int = 4,
    true_label: str = "true",
) -> go.Figure:
    """Test images, each with its predicted class and the probability of every class.

    Each cell holds the image and, under it, horizontal probability bars: the
    predicted class green when right and red when wrong, the true class
    outlined. The title says the prediction with ✓ or ✗.

    Parameters
    ----------
    images : ndarray of shape (n, height, width)
        Pixels in [0, 1].
    actual : ndarray of shape (n,)
        True classes.
    proba : ndarray of shape (n, n_classes)
        Predicted probabilities.
    class_names : list of str
    theme : Theme
    columns : int
        Images per row.
    true_label : str
        The word before the true class in the title of a mistake.
    """
    n = len(images)
    rows = math.ceil(n / columns)
    cells = grid_domains(rows, columns, gap_x=0.04, gap_y=0.06)
    k = proba.shape[1]
    layout = base_layout(
        theme,
        height=rows * (230 + 12 * k) * (1.4 if theme.font_size > 14 else 1.0),
        margin=dict(l=10, r=10, t=30, b=10),
    )
    traces: list = []
    annotations = []
    for i, (x_domain, (bottom, top)) in enumerate(cells[:n]):
        image_axis, bar_axis = 2 * i + 1, 2 * i + 2
        # the image on top, its probability bars (a little taller) under it
        bars_y, image_y = spans(2, 0.02, start=bottom, end=top, weights=(0.52, 0.48))
        predicted = int(np.argmax(proba[i]))
        right = predicted == int(actual[i])
        for number, domain_y in ((image_axis, image_y), (bar_axis, bars_y)):
            suffix = "" if number == 1 else str(number)
            layout[f"xaxis{suffix}"] = dict(
                domain=list(x_domain), anchor=f"y{suffix}", visible=False
            )
            layout[f"yaxis{suffix}"] = dict(
                domain=list(domain_y), anchor=f"x{suffix}", visible=False
            )
        image_suffix = "" if image_axis == 1 else str(image_axis)
        layout[f"yaxis{image_suffix}"].update(autorange="reversed", scaleanchor=f"x{image_suffix}")
        layout[f"xaxis{image_suffix}"].update(constrain="domain")
        layout[f"xaxis{bar_axis}"].update(range=[0, 1])
        layout[f"yaxis{bar_axis}"].update(
            visible=True, autorange="reversed", tickfont=dict(size=max(9, theme.font_size - 5))
        )
        traces.append(
            go.Heatmap(
                z=images[i],
                colorscale="gray_r",
                zmin=0,
                zmax=1,
                showscale=False,
                hoverinfo="skip",
                xaxis=f"x{image_suffix}",
                yaxis=f"y{image_suffix}",
            )
        )
        colors = [MUTED] * k
        colors[predicted] = RIGHT if right else WRONG
        outline = [0.0] * k
        outline[int(actual[i])] = 2.0
        traces.append(
            go.Bar(
                x=proba[i],
                y=class_names,
                orientation="h",
                marker=dict(color=colors, line=dict(color=NODE_EDGE, width=outline)),
                hovertemplate="%{y}: %{x:.1%}<extra></extra>",
                xaxis=f"x{bar_axis}",
                yaxis=f"y{bar_axis}",
            )
        )
        mark = "✓" if right else "✗"
        text = f"{mark} {class_names[predicted]} {proba[i, predicted]:.0%}"
        if not right:
            text += f"<br>({true_label}: {class_names[int(actual[i])]})"
        annotations.append(
            dict(
                x=sum(x_domain) / 2,
                y=top,
                xref="paper",
                yref="paper",
                yanchor="bottom",
                showarrow=False,
                text=f"<b>{text}</b>",
                font=dict(size=theme.font_size - 1, color=RIGHT if right else WRONG),
            )
        )
    layout["annotations"] = annotations
    return go.Figure(traces, layout)


CONFUSION_RIGHT = [[0.0, "#ffffff"], [1.0, "#15803d"]]
"""Right answers (the diagonal): white for none, green for the most of any cell."""
CONFUSION_WRONG = [[0.0, "#ffffff"], [1.0, "#b91c1c"]]
"""Mistakes: white for none, red for as many as the largest cell of the matrix."""


def confusion_ticks(largest: int) -> list[int]:
    """Counts to label on the (square-root) colour bars: 0, round counts, the largest.

    A round count is left out when it would crowd the largest one on the bar.
    """
    if largest <= 0:
        return [0]
    top = math.sqrt(largest)
    nice = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000)
    between = [n for n in nice if n < largest and math.sqrt(n) < 0.88 * top]
    spaced: list[int] = []
    for n in between:  # keep labels at least a tenth of the bar apart
        if math.sqrt(n) - math.sqrt(spaced[-1] if spaced else 0) >= 0.1 * top:
            spaced.append(n)
    return [0, *spaced, largest]


def confusion_figure(
    confusion: np.ndarray,
    class_names: list[str],
    theme: Theme,
    *,
    predicted_label: str,
    actual_label: str,
    right_label: str = "✓",
    wrong_label: str = "✗",
) -> go.Figure:
    """The confusion matrix: rows are true classes, columns predicted ones, counts shown.

    Two heatmaps, right answers (the diagonal) in green and mistakes in red, on
    one scale: both run from 0 (white) to the largest count of the whole matrix,
    so the same count has the same strength of colour everywhere, and a class
    never predicted right stays white. Colours follow the square root of the
    count, so a few mistakes still show beside hundreds of right answers; the
    two colour bars are labelled in counts.

    Parameters
    ----------
    confusion : ndarray of shape (k, k)
        Row ``i``, column ``j``: examples of class ``i`` predicted as ``j``.
    class_names : list of str
    theme : Theme
    predicted_label, actual_label : str
        Axis titles.
    right_label, wrong_label : str
        Titles of the two colour bars.

    Returns
    -------
    go.Figure
    """
    k = len(class_names)
    counts = np.asarray(confusion)
    largest = int(counts.max()) if counts.size else 0
    top = float(np.sqrt(max(largest, 1)))
    ticks = confusion_ticks(largest)
    diagonal = np.eye(k, dtype=bool)
    layout = base_layout(
        theme,
        height=max(theme.height, 90 + 34 * k) * (1.3 if theme.font_size > 14 else 1.0),
        xaxis=dict(title=dict(text=predicted_label), side="top", tickangle=-30, type="category"),
        yaxis=dict(title=dict(text=actual_label), autorange="reversed", type="category"),
        margin=dict(l=10, r=10, t=10, b=10),
    )
    layout["xaxis"]["title"]["standoff"] = 4
    traces = []
    for on_diagonal, colorscale, label, x in (
        (False, CONFUSION_WRONG, wrong_label, 1.02),
        (True, CONFUSION_RIGHT, right_label, 1.04 + 0.1 * (1.5 if theme.font_size > 14 else 1.0)),
    ):
        cells = diagonal if on_diagonal else ~diagonal
        traces.append(
            go.Heatmap(
                z=np.where(cells, np.sqrt(counts), np.nan),
                x=class_names,
                y=class_names,
                text=np.where(cells, counts.astype(str), ""),
                texttemplate="%{text}",
                textfont=dict(size=max(10, theme.font_size - 2)),
                colorscale=colorscale,
                zmin=0.0,
                zmax=top,
                colorbar=dict(
                    title=dict(text=label, side="right"),
                    tickvals=np.sqrt(ticks).tolist(),
                    ticktext=[f"{t:,}" for t in ticks],
                    x=x,
                    xanchor="left",
                    len=0.9,
                    thickness=max(10, theme.font_size - 4),
                ),
                hovertemplate="%{y} → %{x}: %{text}<extra></extra>",
                xgap=1,
                ygap=1,
            )
        )
    return go.Figure(traces, layout)


def _thin(n: int, limit: int = MAX_POINTS) -> np.ndarray:
    """Indices of at most ``limit`` of ``n`` points, evenly spread."""
    if n <= limit:
        return np.arange(n)
    return np.linspace(0, n - 1, limit).astype(int)


def predicted_actual_figure(
    actual: np.ndarray,
    predicted: np.ndarray,
    theme: Theme,
    *,
    actual_label: str,
    predicted_label: str,
    perfect_label: str,
) -> go.Figure:
    """Predicted against actual values; a perfect model lies on the diagonal."""
    keep = _thin(len(actual))
    low = float(min(actual.min(), predicted.min()))
    high = float(max(actual.max(), predicted.max()))
    layout = base_layout(
        theme,
        xaxis=dict(title=dict(text=actual_label), range=[low, high], gridcolor="#e2e8f0"),
        yaxis=dict(title=dict(text=predicted_label), range=[low, high], gridcolor="#e2e8f0"),
        height=int(theme.height * 1.3),
        **_legend(theme),
    )
    return go.Figure(
        [
            go.Scatter(
                x=actual[keep],
                y=predicted[keep],
                mode="markers",
                name=predicted_label,
                marker=dict(size=theme.marker_size * 0.5, color=TRAIN, opacity=0.35),
                hovertemplate="%{x:.2f} → %{y:.2f}<extra></extra>",
            ),
            go.Scatter(
                x=[low, high],
                y=[low, high],
                mode="lines",
                name=perfect_label,
                line=dict(color=NODE_EDGE, width=theme.line_width, dash="dash"),
            ),
        ],
        layout,
    )


def residuals_figure(
    predicted: np.ndarray,
    residuals: np.ndarray,
    theme: Theme,
    *,
    predicted_label: str,
    residual_label: str,
) -> go.Figure:
    """Residuals (actual − predicted) against the prediction, with the zero line."""
    keep = _thin(len(predicted))
    layout = base_layout(
        theme,
        xaxis=dict(title=dict(text=predicted_label), gridcolor="#e2e8f0"),
        yaxis=dict(title=dict(text=residual_label), gridcolor="#e2e8f0", zeroline=False),
        height=int(theme.height * 1.3),
        shapes=[
            dict(
                type="line",
                xref="paper",
                x0=0,
                x1=1,
                y0=0,
                y1=0,
                line=dict(color=NODE_EDGE, width=theme.line_width, dash="dash"),
            )
        ],
    )
    return go.Figure(
        go.Scatter(
            x=predicted[keep],
            y=residuals[keep],
            mode="markers",
            marker=dict(size=theme.marker_size * 0.5, color=VALIDATION, opacity=0.4),
            hovertemplate="%{x:.2f}: %{y:+.2f}<extra></extra>",
        ),
        layout,
    )


def weights_heatmap_figure(
    kernel: np.ndarray, theme: Theme, *, inputs_label: str, units_label: str
) -> go.Figure:
    """A layer's kernel as a heatmap (inputs × units), blue positive, red negative.

    A kernel larger than :data:`MAX_HEATMAP_SIDE` on a side is shown with every
    k-th row or column, so the figure stays small for the browser.
    """
    rows = _thin(kernel.shape[0], MAX_HEATMAP_SIDE)
    cols = _thin(kernel.shape[1], MAX_HEATMAP_SIDE)
    shown = kernel[np.ix_(rows, cols)]
    bound = float(np.abs(shown).max()) or 1.0
    layout = base_layout(
        theme,
        height=int(theme.height * 1.4),
        xaxis=dict(title=dict(text=units_label)),
        yaxis=dict(title=dict(text=inputs_label), autorange="reversed"),
    )
    return go.Figure(
        go.Heatmap(
            z=np.round(shown, 4),
            x=cols,
            y=rows,
            colorscale=[[0, NEGATIVE], [0.5, "#ffffff"], [1, POSITIVE]],
            zmin=-bound,
            zmax=bound,
            hovertemplate="%{y} → %{x}: %{z:.3f}<extra></extra>",
        ),
        layout,
    )


def weights_histogram_figure(
    kernel: np.ndarray,
    bias: np.ndarray,
    theme: Theme,
    *,
    weights_label: str,
    bias_label: str,
    value_label: str,
    bins: int = 40,
) -> go.Figure:
    """Histograms of a layer's weights and biases (counted here, drawn as bars)."""
    values = np.concatenate([kernel.ravel(), bias.ravel()])
    finite = values[np.isfinite(values)]
    low, high = (float(finite.min()), float(finite.max())) if finite.size else (-1.0, 1.0)
    if low == high:
        low, high = low - 0.5, high + 0.5
    edges = np.linspace(low, high, bins + 1)
    centres = (edges[:-1] + edges[1:]) / 2
    traces = []
    for data, label, color in ((kernel, weights_label, TRAIN), (bias, bias_label, VALIDATION)):
        counts, _ = np.histogram(data[np.isfinite(data)], bins=edges)
        traces.append(
            go.Bar(x=centres, y=counts, name=label, marker=dict(color=color), opacity=0.8)
        )
    layout = base_layout(
        theme,
        barmode="overlay",
        bargap=0.05,
        xaxis=dict(title=dict(text=value_label)),
        yaxis=dict(gridcolor="#e2e8f0"),
        **_legend(theme),
    )
    return go.Figure(traces, layout)
