"""Plotly figure builders. Each returns a ``go.Figure`` and never calls streamlit.

One module per topic (``charts.logic``, ...); sizes come from :mod:`.theme` so
presenter mode enlarges every figure the same way.
"""

from nnplay.charts.theme import NORMAL, PRESENTER, Theme, theme_for

__all__ = ["NORMAL", "PRESENTER", "Theme", "theme_for"]
