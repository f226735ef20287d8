"""The real browser: the perceptron page renders and its animation plays without the server."""

import pytest
from browser import assert_no_error_box, goto, screenshot, wait_idle
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from nnplay import datasets, i18n
from nnplay import perceptron_lab as lab

pytestmark = pytest.mark.browser


def animation(tab):
    """The plotly chart that has play/pause buttons."""
    return tab.locator('[data-testid="stPlotlyChart"]').filter(
        has=tab.locator(".updatemenu-button")
    )


def current_frame(chart) -> str:
    """The slider's current-value text (epoch, step, sample of the frame shown)."""
    return (chart.locator(".slider-group > .slider-label").text_content() or "").strip()


def boundary_path(chart) -> str:
    """The SVG path of the decision boundary (the third trace; empty while w = 0)."""
    return chart.evaluate(
        """el => { const t = el.querySelectorAll('.scatterlayer .trace')[2];
                   const p = t && t.querySelector('path.js-line');
                   return p ? p.getAttribute('d') : ''; }"""
    )


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_animation_plays_in_the_browser(tab, app_url, lang):
    goto(tab, app_url, "perceptron", lang=lang)
    tab.get_by_role("heading", name=i18n.translate("perceptron.title", lang)).first.wait_for()
    assert_no_error_box(tab)
    screenshot(tab, f"perceptron-{lang}-page")

    # versicolor against the rest: many updates, so the animation has somewhere to go
    choose(
        tab,
        i18n.translate("perceptron.positive", lang),
        i18n.translate("perceptron.class_versicolor", lang),
    )
    assert_no_error_box(tab)
    model = lab.train(datasets.iris(), lab.Settings(positive="versicolor"))
    warning = i18n.translate(
        "perceptron.not_converged", lang, epochs=100, last=int(model.errors_[-1])
    )
    assert warning.replace("**", "")[:20] in tab.inner_text("body")

    chart = animation(tab)
    chart.scroll_into_view_if_needed()
    first_label, first_path = current_frame(chart), boundary_path(chart)
    play = i18n.translate("perceptron.play", lang)
    chart.locator(".updatemenu-button").filter(has_text=play).click()
    tab.wait_for_function(
        """([el, before]) =>
           el.querySelector('.slider-group > .slider-label').textContent.trim() !== before""",
        arg=[chart.element_handle(), first_label],
        timeout=10_000,
    )
    tab.wait_for_timeout(1500)
    pause = i18n.translate("perceptron.pause", lang)
    chart.locator(".updatemenu-button").filter(has_text=pause).click()
    label, path = current_frame(chart), boundary_path(chart)
    assert label != first_label
    assert path != first_path  # the boundary really moved
    screenshot(tab, f"perceptron-{lang}-animation")
    # paused: it stays where it is
    tab.wait_for_timeout(600)
    assert current_frame(chart) == label


def test_presenter_mode_and_stepper(tab, app_url):
    goto(tab, app_url, "perceptron", lang="ko", present=True)
    assert_no_error_box(tab)
    tab.get_by_role("button", name=i18n.translate("perceptron.next_update", "ko")).click()
    wait_idle(tab)
    assert_no_error_box(tab)
    screenshot(tab, "perceptron-ko-presenter")


def test_bad_input_keeps_the_page(tab, app_url):
    goto(tab, app_url, "perceptron")
    field = tab.get_by_role("spinbutton", name=i18n.translate("perceptron.learning_rate"))
    field.fill("0")
    field.press("Enter")
    wait_idle(tab)
    bounds = {"max_eta": lab.MAX_ETA, "max_epochs": lab.MAX_EPOCHS, "max_seed": lab.MAX_SEED}
    tab.get_by_text(i18n.translate("perceptron.bad_eta", **bounds)).wait_for()
    assert_no_error_box(tab)
    assert tab.locator('[data-testid="stPlotlyChart"]').count() == 3
    assert tab.locator("svg.nnplay-boundary:visible, svg.nnplay-errors:visible").count() == 3
    screenshot(tab, "perceptron-en-bad-eta")


def selectbox(tab, label: str):
    return tab.locator('[data-testid="stSelectbox"]').filter(has=tab.get_by_text(label, exact=True))


def choose(tab, label: str, option: str) -> None:
    """Pick ``option`` in the select box labelled ``label``."""
    box = selectbox(tab, label)
    item = tab.get_by_role("option", name=option)
    for _ in range(3):  # a rerun right after loading can close the list again
        box.locator("input").click()
        try:
            item.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            wait_idle(tab)
    item.click()
    wait_idle(tab)


def test_switching_the_language_relabels_the_chosen_options(tab, app_url):
    goto(tab, app_url, "perceptron")
    choose(tab, i18n.translate("perceptron.feature_x"), i18n.translate("perceptron.feature_0"))
    versicolor = i18n.translate("perceptron.class_versicolor")
    choose(tab, i18n.translate("perceptron.positive"), versicolor)
    tab.locator('[data-testid="stSidebar"]').get_by_text("한국어").click()
    tab.get_by_role("heading", name=i18n.translate("perceptron.title", "ko")).first.wait_for()
    wait_idle(tab)
    assert_no_error_box(tab)
    x_box = selectbox(tab, i18n.translate("perceptron.feature_x", "ko")).locator("input")
    positive = selectbox(tab, i18n.translate("perceptron.positive", "ko")).locator("input")
    # the same choices, now said in Korean
    assert x_box.input_value() == i18n.translate("perceptron.feature_0", "ko")
    assert positive.input_value() == i18n.translate("perceptron.class_versicolor", "ko")
    screenshot(tab, "perceptron-ko-after-switch")
