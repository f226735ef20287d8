"""An activation function and its derivative, on one small figure."""

from __future__ import annotations

import math

import numpy as np
import plotly.graph_objects as go

from nnplay.activations import ACTIVATIONS
from nnplay.charts.theme import MUTED, NEGATIVE, POSITIVE, Theme, base_layout
from nnplay.charts.xor import typed_array

Z_LIMIT = 5.0


def activation_figure(
    name: str, theme: Theme, *, function_label: str, derivative_label: str
) -> go.Figure:
    """Plot ``phi(z)`` (solid) and ``phi'(z)`` (dashed) for ``z`` in [-5, 5].

    Finite bounds of the output range are dotted lines.

    Parameters
    ----------
    name : str
        A key of :data:`nnplay.activations.ACTIVATIONS`.
    theme : Theme
    function_label, derivative_label : str
        Legend entries.

    Returns
    -------
    go.Figure
    """
    act = ACTIVATIONS[name]
    z = np.linspace(-Z_LIMIT, Z_LIMIT, 401)
    value, slope = act.function(z), act.derivative(z)
    if name == "step":  # draw the jump as a jump, not as a steep line
        value = np.where(np.isclose(z, 0.0), np.nan, value)
    traces = [
        go.Scatter(
            x=typed_array(z.astype(np.float32)),
            y=typed_array(value.astype(np.float32)),
            mode="lines",
            name=function_label,
            line=dict(color=POSITIVE, width=theme.line_width),
        ),
        go.Scatter(
            x=typed_array(z.astype(np.float32)),
            y=typed_array(slope.astype(np.float32)),
            mode="lines",
            name=derivative_label,
            line=dict(color=NEGATIVE, width=theme.line_width, dash="dash"),
        ),
    ]
    shapes = [
        dict(
            type="line",
            xref="paper",
            x0=0,
            x1=1,
            y0=bound,
            y1=bound,
            line=dict(color=MUTED, width=1, dash="dot"),
        )
        for bound in act.range
        if math.isfinite(bound)
    ]
    layout = base_layout(
        theme,
        height=int(theme.height * 0.8),
        showlegend=True,
        legend=dict(orientation="h", y=1.0, yanchor="bottom", x=0),
        margin=dict(l=10, r=10, t=30, b=10),
        shapes=shapes,
        xaxis=dict(title=dict(text="z"), range=[-Z_LIMIT, Z_LIMIT], fixedrange=True),
        yaxis=dict(range=[-1.6, 2.6], fixedrange=True, zeroline=True),
        hovermode="x unified",
    )
    return go.Figure(traces, layout=layout)
