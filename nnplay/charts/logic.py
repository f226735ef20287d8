"""Diagrams of logic-neuron networks: neurons light up when they fire."""

from __future__ import annotations

import math

import plotly.graph_objects as go

from nnplay.charts.theme import (
    ACTIVE,
    EXCITATORY,
    EXCITATORY_IDLE,
    INHIBITORY,
    INHIBITORY_IDLE,
    NODE_EDGE,
    Theme,
    base_layout,
)
from nnplay.logic import LogicNetwork

_PARALLEL_GAP = 0.07  # spacing of parallel excitatory connections, in data units


def _layers(network: LogicNetwork) -> list[list[str]]:
    """Neurons grouped by depth: inputs, hidden layers..., output."""
    depth = {name: 0 for name in network.inputs}
    for name, neuron in network.neurons.items():
        depth[name] = 1 + max(depth[src] for src in neuron.inputs)
    layers: list[list[str]] = [[] for _ in range(max(depth.values()) + 1)]
    for name, d in depth.items():
        layers[d].append(name)
    return layers


def _positions(network: LogicNetwork) -> dict[str, tuple[float, float]]:
    layers = _layers(network)
    pos = {}
    for x, names in enumerate(layers):
        for i, name in enumerate(names):
            y = (len(names) - 1) / 2 - i  # centred, first on top
            pos[name] = (float(x), float(y))
    return pos


_HEAD_AT = 0.6  # where a connection's arrowhead sits, from source (0) to target (1)


def _connection_traces(
    network: LogicNetwork,
    pos: dict[str, tuple[float, float]],
    state: dict[str, int],
    theme: Theme,
) -> list[go.Scatter]:
    """One line trace per kind of connection (excitatory or inhibitory, active or idle).

    A weight of 2 is two parallel lines. The head, an arrow (excitatory) or a
    dot (inhibitory), sits past the middle, so it is never hidden by a neuron.
    """
    groups: dict[tuple[bool, bool], dict[str, list]] = {}
    for target, neuron in network.neurons.items():
        tx, ty = pos[target]
        links = [(src, n, False) for src, n in neuron.excitatory.items()]
        links += [(src, 1, True) for src in neuron.inhibitory]
        for source, count, inhibitory in links:
            sx, sy = pos[source]
            length = math.hypot(tx - sx, ty - sy) or 1.0
            nx, ny = -(ty - sy) / length, (tx - sx) / length  # unit normal
            group = groups.setdefault((inhibitory, bool(state[source])), {"x": [], "y": []})
            for k in range(count):
                shift = (k - (count - 1) / 2) * _PARALLEL_GAP
                x0, y0 = sx + nx * shift, sy + ny * shift
                x1, y1 = tx + nx * shift, ty + ny * shift
                head = (x0 + (x1 - x0) * _HEAD_AT, y0 + (y1 - y0) * _HEAD_AT)
                group["x"] += [x0, head[0], x1, None]
                group["y"] += [y0, head[1], y1, None]
    traces = []
    for (inhibitory, on), group in sorted(groups.items()):
        if inhibitory:
            color = INHIBITORY if on else INHIBITORY_IDLE
        else:
            color = EXCITATORY if on else EXCITATORY_IDLE
        n = len(group["x"]) // 4
        head = theme.node_size * (0.3 if inhibitory else 0.4)
        traces.append(
            go.Scatter(
                x=group["x"],
                y=group["y"],
                mode="lines+markers",
                line=dict(color=color, width=theme.line_width * (1.8 if on else 1.0)),
                marker=dict(
                    symbol=["circle", "circle" if inhibitory else "arrow", "circle", "circle"] * n,
                    size=[0, head, 0, 0] * n,
                    angleref="previous",
                    color=color,
                ),
                hoverinfo="skip",
                showlegend=False,
            )
        )
    return traces


def network_figure(
    network: LogicNetwork,
    state: dict[str, int],
    theme: Theme,
    *,
    output_label: str = "",
) -> go.Figure:
    """Draw ``network`` with the neurons and connections that are active in ``state``.

    Parameters
    ----------
    network : LogicNetwork
        The network to draw.
    state : dict
        Every neuron's value, as returned by ``network.activations``.
    theme : Theme
        Sizes (normal or presenter mode).
    output_label : str
        Text shown beside the output neuron (e.g. ``"C = 1"``).

    Returns
    -------
    go.Figure
        Excitatory connections are blue arrows (one per connection, so a weight
        of 2 shows as two arrows), inhibitory ones red with a dot; active ones
        are drawn bold, idle ones faded. Connections are line traces, not
        annotations: a browser redraws a page of these diagrams several times
        faster on every toggle.
    """
    pos = _positions(network)
    annotations = []
    if output_label:
        ox, oy = pos[network.output]
        annotations.append(
            dict(
                x=ox,
                y=oy - 0.55,
                text=f"<b>{output_label}</b>",
                showarrow=False,
                font=dict(size=theme.font_size + 4),
            )
        )
    n_layers = max(x for x, _ in pos.values()) + 1
    spread = max(abs(y) for _, y in pos.values()) + 0.8
    layout = base_layout(
        theme,
        annotations=annotations,
        xaxis=dict(visible=False, range=[-0.4, n_layers - 0.6]),
        yaxis=dict(visible=False, range=[-spread, spread]),
        height=int(theme.height * 0.8),
        margin=dict(l=5, r=5, t=5, b=5),
        dragmode=False,
    )
    names = list(pos)
    return go.Figure(
        [
            *_connection_traces(network, pos, state, theme),
            go.Scatter(
                x=[pos[n][0] for n in names],
                y=[pos[n][1] for n in names],
                mode="markers+text",
                text=names,
                textfont=dict(size=theme.font_size + 2, color=NODE_EDGE),
                marker=dict(
                    size=theme.node_size,
                    color=[ACTIVE if state[n] else "white" for n in names],
                    line=dict(color=NODE_EDGE, width=theme.line_width),
                ),
                customdata=[state[n] for n in names],
                hovertemplate="%{text} = %{customdata}<extra></extra>",
            ),
        ],
        layout=layout,
    )
