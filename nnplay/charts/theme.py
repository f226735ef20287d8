"""Sizes and colours shared by every figure, with a larger set for projectors."""

from __future__ import annotations

from dataclasses import dataclass

ACTIVE = "#f59e0b"
NODE_EDGE = "#334155"
EXCITATORY = "#2563eb"
INHIBITORY = "#dc2626"
EXCITATORY_IDLE = "rgba(37, 99, 235, 0.3)"
INHIBITORY_IDLE = "rgba(220, 38, 38, 0.3)"
POSITIVE = "#2563eb"
NEGATIVE = "#dc2626"
MUTED = "#94a3b8"
HIGHLIGHT = "#fde68a"


@dataclass(frozen=True)
class Theme:
    """Sizes for one display setting.

    Attributes
    ----------
    font_size : int
        Base font size of text in a figure.
    marker_size : int
        Scatter marker diameter, in pixels.
    node_size : int
        Diameter of a neuron in network diagrams.
    line_width : float
        Width of lines and curves.
    height : int
        Default figure height, in pixels.
    """

    font_size: int = 14
    marker_size: int = 9
    node_size: int = 46
    line_width: float = 2.0
    height: int = 300


NORMAL = Theme()
PRESENTER = Theme(font_size=22, marker_size=15, node_size=70, line_width=4.0, height=440)


def theme_for(presenter: bool) -> Theme:
    """The theme for normal or presenter (projector) mode."""
    return PRESENTER if presenter else NORMAL


def base_layout(theme: Theme, **overrides: object) -> dict:
    """A plain layout, as a dict, sized by ``theme``; keyword arguments override it.

    Builders pass the finished dict to ``go.Figure`` once: plotly validates a
    whole layout far faster than a series of ``update_layout`` calls.
    """
    layout: dict = dict(
        height=theme.height,
        margin=dict(l=10, r=10, t=40, b=10),
        font=dict(size=theme.font_size),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        showlegend=False,
    )
    layout.update(overrides)
    return layout
