"""The pages of the app, in teaching order.

``app.py`` turns this list into ``st.navigation`` and the home page into cards.
A page's title and one-line summary come from the catalog keys
``<slug>.title`` and ``<slug>.summary``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PageInfo:
    """One page of the app.

    Attributes
    ----------
    slug : str
        URL path and catalog namespace (``"logic"`` -> ``/logic``, ``logic.title``).
    path : str
        Script path relative to ``app.py``.
    icon : str
        A ``:material/...:`` icon (Streamlit ships the font; emoji need system fonts).
    uses_tensorflow : bool
        Whether the page imports TensorFlow (it shows a spinner while it loads).
    """

    slug: str
    path: str
    icon: str
    uses_tensorflow: bool = False

    @property
    def title_key(self) -> str:
        return f"{self.slug}.title"

    @property
    def nav_key(self) -> str:
        """Catalog key of the short name in the navigation menu."""
        return "home.nav" if self.slug == "home" else self.title_key

    @property
    def summary_key(self) -> str:
        return f"{self.slug}.summary"


HOME = PageInfo("home", "pages/home.py", ":material/home:")

LESSONS: list[PageInfo] = [
    PageInfo("logic", "pages/logic.py", ":material/lightbulb:"),
    PageInfo("perceptron", "pages/perceptron.py", ":material/scatter_plot:"),
    PageInfo("xor", "pages/xor.py", ":material/hub:"),
    PageInfo("playground", "pages/playground.py", ":material/grain:"),
    PageInfo("keras_builder", "pages/keras_builder.py", ":material/stacks:", uses_tensorflow=True),
    PageInfo(
        "keras_training",
        "pages/keras_training.py",
        ":material/model_training:",
        uses_tensorflow=True,
    ),
]

PAGES: list[PageInfo] = [HOME, *LESSONS]
