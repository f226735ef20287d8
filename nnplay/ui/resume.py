"""A browser that reconnects to a new server: its first click is not lost.

When the server restarts, or a replica behind the load balancer stops,
Streamlit's browser client reconnects to a new server without a script run. The
visitor's next click then sends the values of all the page's widgets, the click
included, into a brand-new session ("resumed"). nnplay starts a new session from
the URL, which still says the state before the click, and a value put into
session state wins over the browser's: the click would be lost.

So the first run of a resumed session leaves the browser's values aside and runs
as a first visit from the URL (what the browser shows), which registers every
widget as the browser drew it; at its end the script runs again with the
browser's widget states, as Streamlit runs any click: the widgets whose values
changed call their callbacks (the language switch translates the page), and the
page is drawn from the browser's values. The widgets that the first run set from
the URL are given the browser's values once more at the start of that second
run, so that what the browser shows and what the server holds agree.

    resume.start()        # first thing in every full run (ui.init_session)
    ...
    resume.finish()       # last thing (ui.run_page), also when the page stopped or reran
"""

from __future__ import annotations

import logging
import threading
from typing import Any

import streamlit as st

log = logging.getLogger("nnplay")

_STARTED = "_nnplay_started"
_RESEND = "_nnplay_resume_resend"  # keys to give the browser's values, next run
_SETTABLE = frozenset(
    {
        "bool_value",
        "double_value",
        "int_value",
        "string_value",
        "double_array_value",
        "int_array_value",
        "string_array_value",
    }
)  # values session state may set; not buttons, uploads, chat inputs or data editors

_run = threading.local()  # the browser's states, from start() to finish() of one run


def browser_states() -> tuple[Any, list[str]] | None:
    """Take out the widget states a reconnecting browser sent with a new session's run.

    With :func:`_rerun_with`, the only code in nnplay that relies on
    Streamlit's internals for this (1.67):

    - the script run context's session state (``ctx.session_state._state``,
      under ``ctx.session_state._lock``), whose ``_new_widget_state`` holds
      what the browser sent as ``Serialized`` ``WidgetState`` protos in
      ``states``; a state is the browser's own, unknown to the server, when
      ``widget_metadata`` has no entry for it (Streamlit's ``WStates``
      pretends such values do not exist);
    - ``user_key_from_element_id`` (the user key at the end of a keyed
      widget's element id), and the proto's ``value`` oneof;
    - ``ctx.is_history_navigation`` (back and forward: the URL wins there);
    - for the replay (:func:`_rerun_with`), ``RerunData(widget_states=...)``
      raised as a ``RerunException``, the way Streamlit reruns a script for a
      click.

    Should any of that change, this returns ``None`` and changes nothing, and
    sessions start from the URL as before (the first click after a
    reconnection is lost).

    Returns
    -------
    tuple or None
        The states as a ``WidgetStates`` proto (removed from the session, so
        this run draws what the URL says), and the user keys among them whose
        values session state may set; ``None`` when the browser sent nothing
        the session does not know.
    """
    try:
        from streamlit.proto.WidgetStates_pb2 import WidgetStates
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        from streamlit.runtime.state.common import is_keyed_element_id, user_key_from_element_id
        from streamlit.runtime.state.session_state import Serialized

        ctx = get_script_run_ctx()
        if ctx is None or ctx.is_history_navigation:
            return None
        safe = ctx.session_state
        with safe._lock:
            widgets = safe._state._new_widget_state
            unknown = [
                wid
                for wid, value in widgets.states.items()
                if isinstance(value, Serialized) and wid not in widgets.widget_metadata
            ]
            states = WidgetStates()
            for wid in unknown:
                states.widgets.append(widgets.states.pop(wid).value)
        keys = [
            user_key_from_element_id(state.id)
            for state in states.widgets
            if is_keyed_element_id(state.id) and state.WhichOneof("value") in _SETTABLE
        ]
        return (states, [k for k in keys if k]) if unknown else None
    except Exception:
        log.warning("cannot read a reconnecting browser's widget states", exc_info=True)
        return None


def _rerun_with(states: Any) -> None:
    """Rerun the script with ``states`` (a ``WidgetStates`` proto) from the browser.

    Returns, leaving the run as it is, when Streamlit's ``RerunData`` or the
    run context changed (see :func:`browser_states`).
    """
    try:
        from streamlit.runtime.scriptrunner import RerunData, RerunException, get_script_run_ctx

        ctx = get_script_run_ctx()
        data = RerunData(
            query_string=ctx.query_string,
            widget_states=states,
            page_script_hash=ctx.page_script_hash,
            cached_message_hashes=ctx.cached_message_hashes,
            context_info=ctx.context_info,
        )
    except Exception:
        log.warning("cannot replay a reconnecting browser's widget states", exc_info=True)
        return
    raise RerunException(data)


def start() -> None:
    """First thing in a full run: set a resumed session's browser states aside, or resend them.

    Before anything reads or writes session state.
    """
    _run.states = None
    for key in st.session_state.pop(_RESEND, ()):
        try:
            st.session_state[key] = st.session_state[key]  # the browser's value, sent back
        except Exception:  # not drawn in the first run: no value, or none Streamlit can read
            continue
    if st.session_state.get(_STARTED):
        return
    st.session_state[_STARTED] = True
    taken = browser_states()
    if taken is not None:
        _run.states, keys = taken
        st.session_state[_RESEND] = keys


def finish(interrupted: BaseException | None = None) -> None:
    """Last thing in a full run: run the script again with the browser's states.

    Parameters
    ----------
    interrupted : BaseException, optional
        The ``st.stop`` or ``st.rerun`` that ended the page early. A rerun for
        a newer click carries all the browser's states itself, and goes ahead.
    """
    states, _run.states = getattr(_run, "states", None), None
    if states is None:
        return
    newer = getattr(getattr(interrupted, "rerun_data", None), "widget_states", None)
    if newer is not None:
        return
    _rerun_with(states)
