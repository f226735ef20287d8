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
    needs : tuple of str
        The heavy modules of :data:`nnplay.warmup.MODULES` the page imports: the
        background warm-up gives way to a page that needs none of them still to
        come (:func:`nnplay.warmup.start`).
    """

    slug: str
    path: str
    icon: str
    uses_tensorflow: bool = False
    needs: tuple[str, ...] = ()

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
    PageInfo(
        "perceptron", "pages/perceptron.py", ":material/scatter_plot:", needs=("nnplay.perceptron",)
    ),
    PageInfo("xor", "pages/xor.py", ":material/hub:", needs=("nnplay.perceptron", "nnplay.mlp")),
    PageInfo("playground", "pages/playground.py", ":material/grain:", needs=("nnplay.mlp",)),
    PageInfo(
        "keras_builder",
        "pages/keras_builder.py",
        ":material/stacks:",
        uses_tensorflow=True,
        needs=("nnplay.perceptron", "keras"),
    ),
    PageInfo(
        "keras_training",
        "pages/keras_training.py",
        ":material/model_training:",
        uses_tensorflow=True,
        needs=("nnplay.perceptron", "keras"),
    ),
]

PAGES: list[PageInfo] = [HOME, *LESSONS]


def page_for(url_path: str) -> PageInfo:
    """The page served at ``url_path`` (``""`` is the home page)."""
    return next((p for p in PAGES if p.slug == url_path), HOME)
