"""The real browser: the first click after the server restarted counts.

Streamlit's client reconnects to the new server without a script run; its next
click starts a new session there, with every widget's value (``nnplay.ui.resume``).
"""

import time

import pytest
from browser import assert_no_error_box, free_port, goto, start_server, stop_server, wait_idle
from test_browser import toggle

from nnplay import i18n

pytestmark = pytest.mark.browser


def restart(server, port: int, tab, sockets: list) -> object:
    """Stop ``server``, start a new one on ``port``; return it once ``tab`` reconnected."""
    opened = len(sockets)
    stop_server(server)
    server = start_server(port)
    deadline = time.monotonic() + 30
    while len(sockets) == opened:
        assert time.monotonic() < deadline, "the browser did not reconnect"
        tab.wait_for_timeout(100)
    tab.wait_for_timeout(1_000)  # the client's handshake on the new socket
    return server


def says(tab, name: str, value: str) -> None:
    """Wait until the address bar says ``name=value``."""
    query = "new URLSearchParams(location.search)"
    tab.wait_for_function(f"() => {query}.get({name!r}) === {value!r}")


def test_the_first_click_after_a_server_restart_counts(tab):
    port = free_port()
    server = start_server(port)
    sockets: list = []
    tab.on("websocket", lambda socket: sockets.append(socket))
    try:
        goto(tab, f"http://127.0.0.1:{port}", "logic", lang="ko")
        switch_a = tab.get_by_role("switch", name="A")
        assert not switch_a.is_checked()

        server = restart(server, port, tab, sockets)
        toggle(tab, "A")
        says(tab, "a", "1")
        wait_idle(tab)
        assert switch_a.is_checked()
        says(tab, "lang", "ko")
        assert_no_error_box(tab)

        server = restart(server, port, tab, sockets)
        sidebar = tab.locator('[data-testid="stSidebar"]')
        sidebar.get_by_text(i18n.LANGUAGES["en"], exact=True).click()
        title = i18n.translate("logic.title", "en")
        tab.locator('[data-testid="stMain"] h1').filter(has_text=title).wait_for()
        says(tab, "lang", "en")
        wait_idle(tab)
        assert switch_a.is_checked()
        says(tab, "a", "1")
        assert_no_error_box(tab)
    finally:
        stop_server(server)
