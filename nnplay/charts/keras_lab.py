"""Figures for the Keras lab: sample images per class, parameters per layer."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from nnplay.charts.theme import MUTED, POSITIVE, Theme, base_layout


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


def params_figure(names: list[str], params: list[int], theme: Theme, title: str) -> go.Figure:
    """Parameters per layer as horizontal bars (layers from top to bottom)."""
    layout = base_layout(
        theme,
        title=dict(text=title, x=0),
        height=max(180, 60 + 40 * len(names)) if theme.font_size <= 14 else 120 + 60 * len(names),
        xaxis=dict(
            title=None, showgrid=True, gridcolor="rgba(148,163,184,0.3)", rangemode="tozero"
        ),
        yaxis=dict(autorange="reversed", automargin=True),
        margin=dict(l=10, r=40, t=50, b=10),
    )
    bars = go.Bar(
        x=params,
        y=names,
        orientation="h",
        marker_color=[POSITIVE if p else MUTED for p in params],
        text=[f"{p:,}" for p in params],
        textposition="auto",
        cliponaxis=False,
        hovertemplate="%{y}: %{x:,}<extra></extra>",
    )
    return go.Figure(bars, layout)
