"""A browser that reconnects to a new server keeps its first click (``nnplay.ui.resume``).

The browser is played by one AppTest: its widget states, with a click made,
are sent with the first run of a second, brand-new AppTest session, as
Streamlit's client sends them to a new server after reconnecting.
"""

from __future__ import annotations

from conftest import ROOT, open_page
from streamlit.testing.v1 import AppTest

from nnplay import i18n


def resume(browser: AppTest) -> AppTest:
    """A new session whose first run carries ``browser``'s widget states and address."""
    states = browser._tree.get_widget_states()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(browser.query_params)
    at._page_hash = browser._finished_page_script_hash
    return at._run(widget_state=states)


def test_the_first_click_after_a_reconnection_counts():
    browser = open_page("pages/logic.py", lang="ko")
    browser.toggle(key="logic_a").set_value(True)

    at = resume(browser)

    assert not at.exception
    assert at.toggle(key="logic_a").value is True
    assert at.title[0].value == i18n.translate("logic.title", "ko")
    assert at.query_params["a"] == "1" and at.query_params["lang"] == "ko"
    at.toggle(key="logic_b").set_value(True).run()  # and the session goes on from there
    assert (at.query_params["a"], at.query_params["b"]) == ("1", "1")


def test_a_language_switch_after_a_reconnection_translates_the_page():
    browser = open_page("pages/perceptron.py", lang="ko")
    browser.selectbox(key="perceptron_x").set_value(2)
    browser.run()
    browser.radio(key="lang").set_value("en")

    at = resume(browser)

    assert not at.exception
    assert at.radio(key="lang").value == "en"
    assert at.title[0].value == i18n.translate("perceptron.title", "en")
    # the choice the browser sent with a Korean label, kept and shown in English
    assert at.selectbox(key="perceptron_x").value == 2
    assert at.query_params["lang"] == "en" and at.query_params["x"] == "2"


def test_a_new_visit_still_starts_from_its_link():
    browser = open_page("pages/logic.py", lang="ko")
    browser.toggle(key="logic_a").set_value(True)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params.update(browser.query_params)  # a reload: the address, no widget states
    at._page_hash = browser._finished_page_script_hash
    at.run()
    assert at.toggle(key="logic_a").value is False
    assert at.title[0].value == i18n.translate("logic.title", "ko")


def test_without_the_streamlit_internals_it_relies_on_the_link_wins(monkeypatch):
    from streamlit.runtime.state import common

    monkeypatch.delattr(common, "user_key_from_element_id")
    browser = open_page("pages/logic.py", lang="ko")
    browser.toggle(key="logic_a").set_value(True)

    at = resume(browser)

    assert not at.exception
    assert at.toggle(key="logic_a").value is False  # the click is lost, as before
    assert at.query_params["a"] == "0"


def test_a_newer_click_during_the_first_run_goes_ahead_of_the_replay():
    from streamlit.proto.WidgetStates_pb2 import WidgetStates
    from streamlit.runtime.scriptrunner import RerunData, RerunException

    from nnplay.ui import resume as module

    module._run.states = WidgetStates()
    newer = RerunException(RerunData(widget_states=WidgetStates()))
    module.finish(newer)  # no replay raised: the newer request carries every value
    assert module._run.states is None
