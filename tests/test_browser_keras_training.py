"""The real browser: train a small model for two epochs on an offline set, watch the charts;
a closed tab gives its training slot back within seconds."""

import time

import pytest
from browser import assert_no_error_box, screenshot, wait_idle

from nnplay import i18n

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_training_two_epochs_on_moons_draws_the_curves_and_the_results(tab, app_url, lang):
    tab.set_default_timeout(120_000)  # the first visit loads TensorFlow
    # The builder reads a model from the link (two moons, offline, 2 epochs) ...
    tab.goto(f"{app_url}/keras_builder?lang={lang}&data=moons&epochs=2")
    tab.locator('[data-testid="stMetricValue"]').first.wait_for()
    wait_idle(tab)
    # ... and the training page, reached in the same session, trains it.
    title = i18n.translate("keras_training.title", lang)
    tab.locator('[data-testid="stSidebarNav"]').get_by_text(title, exact=True).click()
    tab.get_by_role("heading", name=title).first.wait_for()
    wait_idle(tab)
    assert_no_error_box(tab)
    screenshot(tab, f"keras_training-{lang}-ready")

    train = i18n.translate("keras_training.train_button", lang)
    tab.get_by_role("button", name=train, exact=True).click()
    finished = i18n.translate("keras_training.state_finished", lang).split("{")[0].strip()
    tab.get_by_text(finished, exact=False).first.wait_for()  # "Finished:" / "완료:"
    # then the whole page reruns and shows the evaluation: learning curves (loss,
    # accuracy), confusion matrix, weights, and the test metrics. The rerun comes a
    # moment later and replaces elements, so wait for the finished page as a whole.
    evaluated = """() =>
        document.querySelectorAll('[data-testid="stPlotlyChart"]').length >= 4
        && document.querySelectorAll('.js-plotly-plot .scatterlayer .trace').length >= 4
        && document.querySelectorAll('[data-testid="stMetricValue"]').length >= 2"""
    tab.wait_for_function(evaluated)
    wait_idle(tab)
    tab.wait_for_function(evaluated)
    assert_no_error_box(tab)
    screenshot(tab, f"keras_training-{lang}-trained")


def test_a_closed_tab_gives_its_training_slot_to_the_next_visitor(chromium, app_url):
    """Visitors train until one must queue; when the first closes its tab mid-training,
    the queued one trains within seconds (not after Streamlit's 2-minute session TTL)."""
    url = f"{app_url}/keras_training?lang=en&data=fashion_mnist&epochs=200"
    running = "· batch"
    waiting = i18n.translate("keras_training.state_queued", "en").split(":")[0]
    contexts, queued = [], None
    try:
        for _ in range(6):  # the cap is the server's CPU count
            context = chromium.new_context(viewport={"width": 1400, "height": 1000})
            contexts.append(context)
            tab = context.new_page()
            tab.set_default_timeout(120_000)
            tab.goto(url)
            train = tab.get_by_role("button", name="Train", exact=True)
            train.wait_for()
            wait_idle(tab)
            train.click()
            shows = "(texts) => texts.some(t => document.body.innerText.includes(t))"
            tab.wait_for_function(shows, arg=[running, waiting])
            if waiting in tab.inner_text("body"):
                queued = tab
                break
        assert queued is not None, "no training had to wait for a slot"
        closed = time.monotonic()
        contexts[0].close()  # mid-training
        queued.get_by_text(running, exact=False).first.wait_for(timeout=60_000)
        assert time.monotonic() - closed < 20
    finally:
        for context in contexts:
            context.close()


def test_stop_train_again_and_reset_keep_the_results_in_step(tab, app_url):
    """The buttons and the live view rerun on their own (a fragment): Stop says so at once,
    then the page shows the stopped model's evaluation; Train hides it again while the new
    run trains, and Reset clears everything."""
    tab.set_default_timeout(120_000)
    tab.goto(f"{app_url}/keras_training?lang=en&data=iris&epochs=200")
    wait_idle(tab)
    button = {
        name: tab.get_by_role(
            "button", name=i18n.translate(f"keras_training.{name}_button", "en"), exact=True
        )
        for name in ("train", "stop", "reset")
    }
    evaluation = tab.get_by_role(
        "heading", name=i18n.translate("keras_training.evaluate_heading", "en")
    )
    stopped = i18n.translate("keras_training.state_stopped", "en").split()[0]  # "Stopped"
    curves = """() => document.querySelectorAll('svg.nnplay-curve').length >= 2"""

    button["train"].click()
    tab.wait_for_function(curves)  # an epoch is done: there is something to evaluate
    assert evaluation.count() == 0
    button["stop"].click()
    tab.get_by_text(stopped).first.wait_for()
    evaluation.first.wait_for()  # the whole page reran for the results
    wait_idle(tab)
    # that run drew the final curves (plotly: hover, zoom) where the fragment left SVG
    assert tab.locator("svg.nnplay-curve").count() == 0
    assert tab.locator('[data-testid="stPlotlyChart"]').count() >= 2

    button["train"].click()
    tab.locator('[data-testid="stProgress"]').first.wait_for()
    tab.wait_for_function(
        """(name) => ![...document.querySelectorAll('h2, h3')]
                      .some(h => h.innerText.includes(name))""",
        arg=i18n.translate("keras_training.evaluate_heading", "en"),
    )  # the last run's results went with it
    tab.wait_for_function(curves)
    button["stop"].click()
    evaluation.first.wait_for()
    button["reset"].click()
    tab.get_by_text(i18n.translate("keras_training.no_run", "en")).first.wait_for()
    wait_idle(tab)
    assert evaluation.count() == 0
    assert_no_error_box(tab)
