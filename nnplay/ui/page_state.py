"""One helper for a page's settings: widget keys, the URL in and out, last good settings.

A page's settings are the fields of :mod:`nnplay.state`. :class:`PageState`
gives each one its widget key (the same key draws the widget and reads it),
puts the URL's values into the widgets when a link is new to the session (a
first visit, a reload, a pasted or edited link), and writes the page's whole
state back into the address bar after every run, so copying it shares the page
as it is.

    page = PageState("logic")
    page.start()                                   # URL -> widgets (first thing)
    a = st.toggle("A", key=page.key("a"))          # widgets draw from the keys
    ...
    page.finish()                                  # widgets -> URL (last thing)

Widgets take their values from session state (:meth:`start` sets every missing
key to the field's default); number inputs also get ``value=page.default(name)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple, TypeVar

import streamlit as st

from nnplay import state
from nnplay.ui import show

Keys = TypeVar("Keys", bound=NamedTuple)


class PageState:
    """The settings of one page (``"logic"``, ``"perceptron"``, ``"xor"``, ``"keras"``).

    Parameters
    ----------
    page : str
        The page's group of fields in :mod:`nnplay.state`.
    """

    def __init__(self, page: str):
        self.page = page
        self.fields = state.fields(page)
        self._seen = f"_{page}_url_seen"
        self._good = f"{page}_good"

    def key(self, name: str) -> str:
        """The widget key of field ``name`` (``logic_a``)."""
        return state.field(self.page, name).key

    def link(self) -> dict[str, str]:
        """This page's parameters as the address bar has them now."""
        return {
            f.name: st.query_params.get_all(f.name)[-1]
            for f in self.fields
            if f.name in st.query_params
        }

    def start(self) -> dict[str, object] | None:
        """Put a new link's values into the widgets; fill in defaults; say what was refused.

        Returns
        -------
        dict or None
            The values the link gave, when it was new to this session (so the
            page can act on them, e.g. train the linked network), else ``None``.
        """
        query = self.link()
        given = None
        if query and query != st.session_state.get(self._seen):
            given, messages = state.read(query, self.fields)
            for name, value in given.items():
                st.session_state[self.key(name)] = value
            show(messages)
        for f in self.fields:
            if f.key not in st.session_state:
                st.session_state[f.key] = f.default
        return given

    def default(self, name: str) -> object:
        """The default of field ``name``.

        Give it to number inputs as ``value=``: Streamlit puts a number from the
        browser that is out of the widget's range back to ``value``.
        """
        return state.field(self.page, name).default

    def values(self) -> dict[str, object]:
        """``{name: value}`` of every field, as the widgets say now."""
        return {f.name: st.session_state.get(f.key, f.default) for f in self.fields}

    def finish(self, values: Mapping[str, object] | None = None) -> None:
        """Write the page's state (the widgets', or ``values``) into the address bar."""
        query = state.write(self.values() if values is None else values, self.fields)
        for name, text in query.items():
            if st.query_params.get(name) != text:
                st.query_params[name] = text
        st.session_state[self._seen] = query

    # -- generations: start a page's widgets again when their source changed elsewhere

    @property
    def generation(self) -> int:
        """How many times the widgets were started again (part of their keys)."""
        return st.session_state.get(f"{self.page}_gen", 0)

    def restart(self) -> None:
        """Start every generation-keyed widget again from its source's values."""
        st.session_state[f"{self.page}_gen"] = self.generation + 1

    def follow(self, source: object, *, quietly: bool = False) -> None:
        """:meth:`restart` when ``source`` (plain data) changed since the last call.

        For widgets that show something another page or a link can change (the
        Keras model): they start again from it instead of keeping stale values.
        ``quietly`` records a change the widgets made themselves, without restarting.
        """
        seen = f"_{self.page}_followed"
        if st.session_state.get(seen) != source:
            if seen in st.session_state and not quietly:
                self.restart()
            st.session_state[seen] = source

    def widget_key(self, name: str, *parts: object) -> str:
        """A widget key of this generation: ``keras_builder_3_units_7``."""
        return "_".join(map(str, (self.page, self.generation, name, *parts)))

    def keys(self, schema: type[Keys], *parts: object) -> Keys:
        """The widget keys of a group of widgets, one per field of ``schema``.

        ``schema`` is a ``NamedTuple`` of strings naming the widgets; the same
        keys draw the widgets and read them back (``keys.loss`` in both places).

        Examples
        --------
        >>> page.keys(LayerKeys, 7).units  # doctest: +SKIP
        'keras_builder_3_units_7'
        """
        return schema(*(self.widget_key(name, *parts) for name in schema._fields))

    @property
    def last_good(self):
        """The page's last settings that worked (``None`` before any)."""
        return st.session_state.get(self._good)

    @last_good.setter
    def last_good(self, settings) -> None:
        st.session_state[self._good] = settings
