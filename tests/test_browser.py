"""The real browser: every page renders in both languages; the logic toggles respond."""

import pytest
from browser import assert_no_error_box, goto, screenshot, wait_idle

from nnplay import i18n
from nnplay.sitemap import PAGES

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("info", PAGES, ids=lambda p: p.slug)
def test_every_page_renders(tab, app_url, info, lang):
    goto(tab, app_url, info.slug, lang=lang)
    tab.get_by_role("heading", name=i18n.translate(info.title_key, lang)).first.wait_for()
    assert_no_error_box(tab)
    screenshot(tab, f"{info.slug}-{lang}")


def test_presenter_mode_enlarges_the_page(tab, app_url):
    goto(tab, app_url, "logic")
    normal = tab.evaluate("getComputedStyle(document.documentElement).fontSize")
    goto(tab, app_url, "logic", present=True)
    large = tab.evaluate("getComputedStyle(document.documentElement).fontSize")
    assert float(large.removesuffix("px")) > float(normal.removesuffix("px"))
    screenshot(tab, "logic-en-presenter")


def toggle(tab, label):
    """Click the toggle whose label is exactly ``label``."""
    tab.locator('[data-testid="stCheckbox"]').filter(
        has=tab.get_by_text(label, exact=True)
    ).first.locator("label").click()


def _diagram_outputs(tab):
    """The "C = n" labels drawn in the logic diagrams, in page order."""
    tab.wait_for_timeout(300)
    return [
        text.strip()
        for text in tab.locator(".js-plotly-plot .annotation-text").all_text_contents()
        if text.strip().startswith("C =")
    ]


def test_logic_toggles_light_up_the_neurons_and_switch_language(tab, app_url):
    goto(tab, app_url, "logic")
    assert _diagram_outputs(tab) == ["C = 0"] * 5
    toggle(tab, "A")
    wait_idle(tab)
    assert _diagram_outputs(tab) == ["C = 1", "C = 0", "C = 1", "C = 1", "C = 1"]
    toggle(tab, "B")
    wait_idle(tab)
    assert _diagram_outputs(tab) == ["C = 1", "C = 1", "C = 1", "C = 0", "C = 0"]
    screenshot(tab, "logic-en-a1-b1")

    tab.locator('[data-testid="stSidebar"]').get_by_text("한국어").click()
    wait_idle(tab)
    tab.get_by_role("heading", name=i18n.translate("logic.title", "ko")).first.wait_for()
    assert "lang=ko" in tab.url
    assert_no_error_box(tab)
    screenshot(tab, "logic-ko-a1-b1")
