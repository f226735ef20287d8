"""The real browser: the Keras builder renders, a layer can be added, the summary follows."""

import pytest
from browser import assert_no_error_box, goto, screenshot, wait_idle

from nnplay import i18n

pytestmark = pytest.mark.browser

BOOK = "266,610"
WITH_NEW_LAYER = f"{784 * 300 + 300 + 300 * 100 + 100 + 100 * 32 + 32 + 32 * 10 + 10:,}"


def metric_values(tab) -> list[str]:
    return [t.strip() for t in tab.locator('[data-testid="stMetricValue"]').all_inner_texts()]


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_builder_adds_a_layer_and_the_summary_follows(tab, app_url, lang):
    tab.set_default_timeout(120_000)  # the first visit loads TensorFlow
    goto(tab, app_url, "keras_builder", lang=lang)
    title = i18n.translate("keras_builder.title", lang)
    tab.get_by_role("heading", name=title).first.wait_for()
    tab.locator('[data-testid="stMetricValue"]').first.wait_for()  # after TensorFlow loads
    wait_idle(tab)
    assert_no_error_box(tab)
    assert metric_values(tab)[0] == BOOK
    screenshot(tab, f"keras_builder-{lang}-book")

    tab.get_by_role("button", name=i18n.translate("keras_builder.add_dense", lang)).click()
    wait_idle(tab)
    tab.wait_for_function(
        "v => Array.from(document.querySelectorAll('[data-testid=\"stMetricValue\"]'))"
        ".some(e => e.innerText.trim() === v)",
        arg=WITH_NEW_LAYER,
    )
    # the rest of the page (summary rows, code) arrives after the metric: wait for it
    tab.wait_for_function(
        """() => Array.from(document.querySelectorAll('[data-testid="stCode"]'))
                 .some(e => e.innerText.includes('hidden3'))"""
    )
    wait_idle(tab)
    assert_no_error_box(tab)
    assert tab.get_by_text("100 × 32 + 32 = 3,232").count() >= 1
    assert "hidden3" in tab.locator('[data-testid="stCode"]').first.inner_text()
    assert "layers=" in tab.url and "hidden3" in tab.url  # the link describes the model
    screenshot(tab, f"keras_builder-{lang}-added-layer")


def test_builder_in_presenter_mode(tab, app_url):
    tab.set_default_timeout(120_000)
    goto(tab, app_url, "keras_builder", lang="ko", present=True)
    tab.locator('[data-testid="stMetricValue"]').first.wait_for()
    wait_idle(tab)
    assert_no_error_box(tab)
    assert metric_values(tab)[0] == BOOK
    screenshot(tab, "keras_builder-ko-presenter")


HOSTILE_LINKS = {
    "link": "[click](https://evil.example/phish)",
    "image": "![t](http://127.0.0.1:9/track.png)",
    "latex": r"$\rule{5000px}{5000px}$",
    "html": "<img src=x onerror=alert(1)>",
    "colour": ":red[red] :smile:",
}


def test_values_from_a_link_show_as_plain_text(tab, app_url):
    """The refused value is quoted exactly, and nothing of it becomes an element."""
    from urllib.parse import quote

    tab.set_default_timeout(120_000)
    for name, payload in HOSTILE_LINKS.items():
        tab.goto(f"{app_url}/keras_builder?lang=en&data={quote(payload, safe='')}")
        wait_idle(tab)
        alert = tab.locator('[data-testid="stAlert"]').filter(has_text="data set").first
        assert_no_error_box(tab)
        assert payload in alert.inner_text(), name
        text = alert.locator('[data-testid="stMarkdownContainer"]')
        made = text.locator("a, img, .katex, script, strong, em, span, h1, li")
        assert made.count() == 0, (name, text.inner_html())
        assert text.locator("code").inner_text() == payload
        screenshot(tab, f"keras_builder-en-hostile-{name}")
