"""The outer ``<svg>`` element of the inline pictures that pages redraw often."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape


def svg_document(
    box: tuple[float, float, float, float],
    height_px: int | None,
    title: str,
    parts: Iterable[str],
    css_class: str,
) -> str:
    """``parts`` in one ``<svg>`` as wide as its container, ``height_px`` high.

    Parameters
    ----------
    box : (x, y, width, height)
        The ``viewBox``: the drawing's own coordinates.
    height_px : int or None
        The height on the page; ``None``: as the ``viewBox``'s proportions make it at
        the container's width.
    title : str
        What a screen reader says (``aria-label``).
    parts : iterable of str
        SVG elements.
    css_class : str
        The element's class, by which pages' tests and styles find it.
    """
    x, y, w, h = box
    size = (
        'style="display:block;height:auto"'
        if height_px is None
        else (f'height="{height_px}" style="display:block"')
    )
    return (
        f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="{x:.1f} {y:.1f} {w:.1f} {h:.1f}" '
        f'width="100%" {size} role="img" aria-label="{escape(title)}" '
        f'fill="currentColor">' + "".join(parts) + "</svg>"
    )


def text_width(text: str, size: float) -> float:
    """About how wide ``text`` is drawn at font size ``size``: Hangul and other wide
    (CJK) letters take a whole em, the rest about 0.6 em."""
    return sum(size * (1.0 if ord(c) > 0x2E80 else 0.6) for c in text)
