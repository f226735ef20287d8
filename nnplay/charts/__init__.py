"""Figure builders: plotly figures (``go.Figure``), and inline SVG where a page redraws
a picture on every click or tick (the logic diagrams, the playground's network and
its pictures while Play runs). They never call streamlit.

One module per topic (``charts.logic``, ...); sizes come from :mod:`.theme` so
presenter mode enlarges every figure the same way.
"""

from nnplay.charts.theme import NORMAL, PRESENTER, Theme, theme_for

__all__ = ["NORMAL", "PRESENTER", "Theme", "theme_for"]
