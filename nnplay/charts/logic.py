"""Diagrams of logic-neuron networks: neurons light up when they fire.

A diagram is an inline SVG (:func:`network_svg`): the logic page redraws five of
them on every toggle, which a browser does in a few milliseconds, where five
plotly figures took it most of a second on a laptop's CPU.
"""

from __future__ import annotations

import math
from html import escape

from nnplay.charts.theme import (
    ACTIVE,
    EXCITATORY,
    EXCITATORY_IDLE,
    INHIBITORY,
    INHIBITORY_IDLE,
    NODE_EDGE,
    Theme,
)
from nnplay.logic import LogicNetwork


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


_LAYER_SPACING = 120.0  # drawing units between layers
_ROW_SPACING = 70.0  # ... and per unit of height between neurons of a layer
_GAP = 7.0  # between the parallel lines of a weight of 2


def _head(x: float, y: float, ux: float, uy: float, size: float, colour: str) -> str:
    """An arrowhead with its tip at ``(x, y)``, pointing along ``(ux, uy)``."""
    bx, by = x - ux * size, y - uy * size
    nx, ny = -uy * size * 0.5, ux * size * 0.5
    return (
        f'<polygon class="head" points="{x:.1f},{y:.1f} {bx + nx:.1f},{by + ny:.1f} '
        f'{bx - nx:.1f},{by - ny:.1f}" fill="{colour}"/>'
    )


def network_svg(
    network: LogicNetwork,
    state: dict[str, int],
    theme: Theme,
    *,
    output_label: str = "",
    title: str = "",
) -> str:
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
        Text shown below the output neuron (e.g. ``"C = 1"``).
    title : str
        The drawing's accessible name.

    Returns
    -------
    str
        ``<svg class="nnplay-diagram" ...>`` on one line. Excitatory connections
        are blue arrows (one per connection, so a weight of 2 shows as two
        arrows), inhibitory ones red with a round end; active ones are drawn
        bold, idle ones faded; a firing neuron is filled.
    """
    pos = _positions(network)
    n_layers = max(x for x, _ in pos.values()) + 1
    spread = max(abs(y) for _, y in pos.values()) + 0.8
    radius = theme.node_size / 2
    # room between neurons grows with them (presenter mode draws larger neurons)
    layer_spacing = max(_LAYER_SPACING, 2.6 * theme.node_size)
    row_spacing = max(_ROW_SPACING, 1.6 * theme.node_size)

    def at(name: str) -> tuple[float, float]:
        x, y = pos[name]
        return (x + 0.4) * layer_spacing, (spread - y) * row_spacing

    parts = []
    for target, neuron in network.neurons.items():
        tx, ty = at(target)
        links = [(src, n, False) for src, n in neuron.excitatory.items()]
        links += [(src, 1, True) for src in neuron.inhibitory]
        for source, count, inhibitory in links:
            sx, sy = at(source)
            length = math.hypot(tx - sx, ty - sy) or 1.0
            ux, uy = (tx - sx) / length, (ty - sy) / length
            on = bool(state[source])
            if inhibitory:
                colour = INHIBITORY if on else INHIBITORY_IDLE
            else:
                colour = EXCITATORY if on else EXCITATORY_IDLE
            width = theme.line_width * (1.8 if on else 1.0)
            kind = "inhibitory" if inhibitory else "excitatory"
            parts.append(f'<g class="{kind}{" on" if on else ""}">')
            for k in range(count):
                shift = (k - (count - 1) / 2) * _GAP
                ox, oy = -uy * shift, ux * shift
                x0, y0 = sx + ux * radius + ox, sy + uy * radius + oy
                x1, y1 = tx - ux * (radius + 1) + ox, ty - uy * (radius + 1) + oy
                dot = 2.2 * width
                end = (x1 - ux * dot, y1 - uy * dot) if inhibitory else (x1, y1)
                parts.append(
                    f'<line x1="{x0:.1f}" y1="{y0:.1f}" x2="{end[0]:.1f}" y2="{end[1]:.1f}" '
                    f'stroke="{colour}" stroke-width="{width:.1f}"/>'
                )
                if inhibitory:
                    parts.append(
                        f'<circle class="head" cx="{end[0]:.1f}" cy="{end[1]:.1f}" '
                        f'r="{dot:.1f}" fill="{colour}"/>'
                    )
                else:
                    parts.append(_head(x1, y1, ux, uy, 3.5 * width + 4, colour))
            parts.append("</g>")
    font = theme.font_size + 2
    for name in pos:
        x, y = at(name)
        fill = ACTIVE if state[name] else "white"
        parts.append(
            f'<g class="neuron" data-name="{escape(name)}" data-value="{int(state[name])}">'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{radius:.1f}" fill="{fill}" '
            f'stroke="{NODE_EDGE}" stroke-width="{theme.line_width:.1f}"/>'
            f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="middle" dominant-baseline="central" '
            f'font-size="{font}" fill="{NODE_EDGE}">{escape(name)}</text></g>'
        )
    if output_label:
        x, y = at(network.output)
        parts.append(
            f'<text class="output" x="{x:.1f}" y="{y + radius + font + 6:.1f}" '
            f'text-anchor="middle" font-size="{font + 2}" font-weight="bold" '
            f'fill="{NODE_EDGE}">{escape(output_label)}</text>'
        )
    width = (n_layers - 0.2) * layer_spacing
    height = 2 * spread * row_spacing
    return (
        f'<svg class="nnplay-diagram" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" height="{int(theme.height * 0.8)}" '
        f'role="img" aria-label="{escape(title)}" style="display:block">'
        + "".join(parts)
        + "</svg>"
    )
