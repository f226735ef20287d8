"""The real browser: the XOR page trains, its boundary animation plays, bad input keeps the page."""

import pytest
from browser import assert_no_error_box, goto, screenshot, wait_idle

from nnplay import i18n

pytestmark = pytest.mark.browser


def boundary_chart(tab):
    """The plotly chart with play/pause buttons (the MLP's decision boundary)."""
    return tab.locator('[data-testid="stPlotlyChart"]').filter(
        has=tab.locator(".updatemenu-button")
    )


def slider_label(chart) -> str:
    return (chart.locator(".slider-group > .slider-label").text_content() or "").strip()


def shading(chart) -> str:
    """The contour fill of the first trace, as the browser drew it (changes with the frame)."""
    return chart.evaluate(
        """el => Array.from(el.querySelectorAll('.contourlayer path'))
                 .map(p => p.getAttribute('d') || '').join('|')"""
    )


def wait_for_charts(tab, count=11):
    """Wait until ``count`` charts are on the page and drawn (a cold first run takes a while)."""
    tab.wait_for_function(
        "n => document.querySelectorAll('[data-testid=\"stPlotlyChart\"]').length === n",
        arg=count,
    )
    wait_idle(tab)


def click_button(tab, key):
    tab.locator(f".st-key-{key} button").click()
    wait_idle(tab)


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_train_and_play_the_boundary(tab, app_url, lang):
    goto(tab, app_url, "xor", lang=lang)
    tab.get_by_role("heading", name=i18n.translate("xor.title", lang)).first.wait_for()
    assert_no_error_box(tab)
    wait_for_charts(tab)
    screenshot(tab, f"xor-{lang}-page")

    # a new seed, then Train: the page shows the network trained with it
    seed = tab.locator(".st-key-xor_seed input")
    seed.fill("3")
    seed.press("Tab")
    click_button(tab, "xor_train")
    assert_no_error_box(tab)
    caption = i18n.translate(
        "xor.trained_with", lang, units=4, activation=i18n.translate("xor.act_tanh", lang),
        lr="0.5", epochs=500, seed=3,
    )  # fmt: skip
    tab.get_by_text(caption).wait_for()
    tab.get_by_text(i18n.translate("xor.solved", lang)).wait_for()
    screenshot(tab, f"xor-{lang}-trained")

    # the animation runs in the browser: the frame and the drawing change, then stay paused
    chart = boundary_chart(tab)
    chart.scroll_into_view_if_needed()
    chart.locator(".slider-group").first.wait_for()
    before_label, before_shading = slider_label(chart), shading(chart)
    chart.locator(".updatemenu-button").filter(has_text=i18n.translate("xor.play", lang)).click()
    tab.wait_for_function(
        """([el, before]) =>
           el.querySelector('.slider-group > .slider-label').textContent.trim() !== before""",
        arg=[chart.element_handle(), before_label],
        timeout=10_000,
    )
    tab.wait_for_timeout(1200)
    chart.locator(".updatemenu-button").filter(has_text=i18n.translate("xor.pause", lang)).click()
    label = slider_label(chart)
    assert label != before_label
    assert shading(chart) != before_shading
    screenshot(tab, f"xor-{lang}-animation")
    tab.wait_for_timeout(600)
    assert slider_label(chart) == label


def test_zero_hidden_units_shows_a_message_and_keeps_the_charts(tab, app_url):
    goto(tab, app_url, "xor")
    thumb = tab.locator(".st-key-xor_hidden input[type=range]")
    thumb.focus()
    thumb.press("Home")
    wait_idle(tab)
    click_button(tab, "xor_train")
    tab.get_by_text(i18n.translate("xor.err_no_hidden")).wait_for()
    assert_no_error_box(tab)
    wait_for_charts(tab)
    screenshot(tab, "xor-en-bad-input")


def test_presenter_mode(tab, app_url):
    goto(tab, app_url, "xor", lang="ko", present=True)
    assert_no_error_box(tab)
    wait_for_charts(tab)
    screenshot(tab, "xor-ko-presenter")
