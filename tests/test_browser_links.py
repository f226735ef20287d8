"""The real browser: a page's address, copied into a fresh browser, opens the same state."""

import pytest
from browser import assert_no_error_box, goto, wait_idle
from test_browser import toggle
from test_browser_perceptron import choose

from nnplay import i18n

pytestmark = pytest.mark.browser


def fresh_tab(chromium, url: str):
    """A new browser context (no cookies, no session) at ``url``."""
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(60_000)
    page.goto(url)
    page.wait_for_selector('[data-testid="stMain"] h1')
    wait_idle(page)
    return context, page


def metric_values(tab) -> list[str]:
    return [t.strip() for t in tab.locator('[data-testid="stMetricValue"]').all_inner_texts()]


def test_logic_and_perceptron_links_open_the_same_state(tab, app_url, chromium):
    goto(tab, app_url, "logic", lang="ko")
    toggle(tab, "A")
    wait_idle(tab)
    tab.wait_for_function("() => new URLSearchParams(location.search).get('a') === '1'")
    context, copy = fresh_tab(chromium, tab.url)
    try:
        assert_no_error_box(copy)
        assert copy.get_by_role("switch", name="A").is_checked()
        assert not copy.get_by_role("switch", name="B").is_checked()
        assert metric_values(copy) == metric_values(tab)
        assert "lang=ko" in copy.url
    finally:
        context.close()

    goto(tab, app_url, "perceptron")
    versicolor = i18n.translate("perceptron.class_versicolor")
    choose(tab, i18n.translate("perceptron.positive"), versicolor)
    tab.wait_for_function(
        "() => new URLSearchParams(location.search).get('positive') === 'versicolor'"
    )
    context, copy = fresh_tab(chromium, tab.url)
    try:
        assert_no_error_box(copy)
        box = copy.get_by_role("combobox", name=i18n.translate("perceptron.positive"))
        assert box.input_value() == versicolor
        assert metric_values(copy) == metric_values(tab)
    finally:
        context.close()


def test_xor_link_retrains_the_linked_network(app_url, chromium):
    url = f"{app_url}/xor?lang=en&hidden=6&activation=relu&lr=0.1&epochs=1500&seed=5"
    context, page = fresh_tab(chromium, url)
    try:
        assert_no_error_box(page)
        caption = i18n.translate(
            "xor.trained_with",
            units=6,
            activation=i18n.translate("xor.act_relu"),
            lr="0.1",
            epochs=1500,
            seed=5,
        )
        page.get_by_text(caption).first.wait_for()
    finally:
        context.close()
