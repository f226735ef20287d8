"""Sizes and colours shared by every figure, with a larger set for projectors."""

from __future__ import annotations

from dataclasses import dataclass

ACTIVE = "#f59e0b"
NODE_EDGE = "#334155"
EXCITATORY = "#2563eb"
INHIBITORY = "#dc2626"
EXCITATORY_IDLE = "rgba(37, 99, 235, 0.55)"  # idle, yet clearly visible on a projector
INHIBITORY_IDLE = "rgba(220, 38, 38, 0.55)"
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
    tick_size : int
        Font size of tick labels, legends and axis titles (Streamlit's own
        theme would make them 0.75 rem, too small on a projector).
    """

    font_size: int = 14
    marker_size: int = 9
    node_size: int = 46
    line_width: float = 2.0
    height: int = 300
    tick_size: int = 12


NORMAL = Theme()
PRESENTER = Theme(
    font_size=24, marker_size=16, node_size=70, line_width=4.5, height=440, tick_size=22
)


def theme_for(presenter: bool) -> Theme:
    """The theme for normal or presenter (projector) mode."""
    return PRESENTER if presenter else NORMAL


def _with_font(part: dict, size: int, *names: str) -> dict:
    """``part`` with ``font.size`` set under each of ``names`` where no size is given."""
    part = dict(part)
    for name in names:
        value = part.get(name)
        if name == "title" and isinstance(value, str):
            value = dict(text=value)
        value = dict(value or {})
        value["font"] = {"size": size, **(value.get("font") or {})}
        part[name] = value
    return part


def sized_text(layout: dict, theme: Theme) -> dict:
    """Every axis, legend and annotation of ``layout`` with the theme's text sizes.

    Streamlit's chart theme sizes tick labels and legends in rem (0.75 rem:
    16.5 px when presenter mode enlarges the page), too small for a projector;
    explicit sizes win over it. Sizes a figure sets itself are kept.
    """
    small = theme.tick_size
    out = dict(layout)
    axes = [k for k in out if k.startswith(("xaxis", "yaxis"))] or []
    for name in {"xaxis", "yaxis", *axes}:
        axis = dict(out.get(name) or {})
        axis["tickfont"] = {"size": small, **(axis.get("tickfont") or {})}
        out[name] = _with_font(axis, small, "title")
    if "legend" in out or out.get("showlegend"):
        legend = dict(out.get("legend") or {})
        legend["font"] = {"size": small, **(legend.get("font") or {})}
        out["legend"] = legend
    if out.get("annotations"):
        out["annotations"] = [
            {**a, "font": {"size": theme.font_size, **(a.get("font") or {})}}
            for a in out["annotations"]
        ]
    if out.get("title"):
        out.update(_with_font({"title": out["title"]}, theme.font_size, "title"))
    return out


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
    return sized_text(layout, theme)


def load_plotly() -> None:
    """Build and serialise one throwaway figure with every trace type the lessons use.

    plotly imports each trace's and layout part's validators the first time one
    is made; doing it once at start-up keeps that off a visitor's first page.
    """
    import plotly.graph_objects as go
    import plotly.io as pio

    traces = [
        go.Scatter(x=[0, 1], y=[0, 1], mode="lines+markers", marker=dict(size=4)),
        go.Contour(z=[[0, 1], [1, 0]], contours=dict(start=0, end=1, size=1)),
        go.Heatmap(z=[[0, 1]], showscale=False),
        go.Bar(x=[0], y=[1]),
    ]
    controls = dict(method="animate", args=[["0"]], label="0")
    layout = base_layout(
        NORMAL,
        title=dict(text="·"),
        sliders=[dict(steps=[controls])],
        updatemenus=[dict(type="buttons", buttons=[controls])],
        annotations=[dict(text="·", x=0, y=0)],
        shapes=[dict(type="line", x0=0, x1=1, y0=0, y1=1)],
        images=[dict(source="data:,", x=0, y=0, sizex=1, sizey=1)],
        xaxis2=dict(domain=[0, 1]),
        yaxis2=dict(domain=[0, 1]),
    )
    frames = [go.Frame(name="0", data=[dict(type="scatter", x=[0])], layout=dict(title="·"))]
    pio.to_json(go.Figure(traces, layout=layout, frames=frames), validate=False)
