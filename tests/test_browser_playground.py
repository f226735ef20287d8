"""The real browser: Play trains live, a click adds a point, the time machine, the builder link."""

import time

import pytest
from browser import assert_no_error_box, goto, screenshot, wait_idle
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from nnplay import i18n

pytestmark = pytest.mark.browser


def epoch(tab) -> int:
    label = i18n.translate("playground.epoch")
    metric = tab.locator('[data-testid="stMetric"]').filter(has_text=label).first
    return int(metric.locator('[data-testid="stMetricValue"]').inner_text().replace(",", ""))


def surface(tab) -> str:
    """The output picture as the browser drew it: an SVG while Play runs, else plotly's."""
    picture = tab.locator('svg.nnplay-surface image, [data-testid="stPlotlyChart"] image')
    return picture.first.get_attribute("href") or ""


def test_play_click_a_point_scrub_and_open_in_the_builder(tab, app_url):
    goto(tab, app_url, "playground")
    assert_no_error_box(tab)
    assert epoch(tab) == 0
    before = surface(tab)

    # Play: the counter and the picture change while the page shows the updates
    tab.locator(".st-key-playground_play button").click()
    seen, started = {0}, time.monotonic()
    while time.monotonic() - started < 30 and (len(seen) < 8 or time.monotonic() - started < 4):
        seen.add(epoch(tab))
        tab.wait_for_timeout(30)
    elapsed = time.monotonic() - started
    print(f"\nPlay in a real browser: {(len(seen) - 1) / elapsed:.1f} updates a second, "
          f"{max(seen) / elapsed:.0f} epochs a second")  # fmt: skip
    assert len(seen) >= 4 and max(seen) >= 10
    assert surface(tab) != before
    screenshot(tab, "playground-en-playing")
    # pause; a click that lands while a Play tick redraws the button can be lost: try again
    play_again = tab.locator(".st-key-playground_play button").filter(
        has_text=i18n.translate("playground.play")
    )
    for attempt in range(6):
        tab.locator(".st-key-playground_pause button").click()
        try:
            play_again.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            assert attempt < 5, "Pause never took effect"
    wait_idle(tab)
    tab.wait_for_timeout(1000)  # a tick already on its way may still land
    paused = epoch(tab)
    tab.wait_for_timeout(1000)
    assert epoch(tab) == paused

    # the time machine: back to epoch 0
    thumb = tab.locator(".st-key-playground_view input").first  # the slider's keyboard input
    thumb.focus()
    thumb.press("Home")
    tab.wait_for_function(
        """label => [...document.querySelectorAll('[data-testid="stMetric"]')]
             .some(m => m.innerText.includes(label) && /\\n0$/.test(m.innerText.trim()))""",
        arg=i18n.translate("playground.epoch"),
        timeout=20_000,
    )
    assert_no_error_box(tab)
    screenshot(tab, "playground-en-scrubbed")

    # a click on the plane adds a point of the chosen class
    plot = tab.locator('[data-testid="stPlotlyChart"]').first.locator(".nsewdrag").first
    plot.scroll_into_view_if_needed()  # a mouse click lands only where the window shows
    tab.wait_for_timeout(300)
    box = plot.bounding_box()
    tab.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    clear = i18n.translate("playground.clear_points", count=1)
    tab.get_by_role("button", name=clear).wait_for(timeout=20_000)
    wait_idle(tab)

    # from play to code: the builder opens with this network
    tab.get_by_text(i18n.translate("playground.open_builder")).click()
    tab.get_by_role("heading", name=i18n.translate("keras_builder.title")).wait_for(timeout=60_000)
    assert "layers=dense.4.tanh.hidden1" in tab.url.replace("%7E", "~")
    assert_no_error_box(tab)


LARGEST = "data=spiral&layers=8~8~8~8~8~8&" + "&".join(
    f"{n}=1" for n in ("x1", "x2", "x1sq", "x2sq", "x1x2", "sin1", "sin2")
)


def test_play_with_the_largest_network_and_upload_a_csv(tab, app_url, tmp_path):
    tab.goto(f"{app_url}/playground?lang=en&{LARGEST}")
    tab.wait_for_selector('[data-testid="stMain"] h1', timeout=60_000)
    wait_idle(tab)
    # above the fold at a laptop's size: Play and the top of the output picture
    height = tab.viewport_size["height"]
    play = tab.locator(".st-key-playground_play button").bounding_box()
    chart = tab.locator('[data-testid="stPlotlyChart"]').first.bounding_box()
    assert play["y"] + play["height"] <= height and chart["y"] < height - 100
    tab.locator(".st-key-playground_play button").click()
    tab.wait_for_timeout(1500)  # the whole page reruns once as Play's timer starts
    seen, started = set(), time.monotonic()
    while time.monotonic() - started < 10:
        seen.add(epoch(tab))
        tab.wait_for_timeout(20)
    rate = (len(seen) - 1) / (time.monotonic() - started)
    print(f"\nPlay, 6 x 8 with 7 features, in a real browser: {rate:.1f} updates a second")
    # the goal is 5 a second on an idle machine; a shared test machine only has to move on
    assert len(seen) >= 3
    tab.locator(".st-key-playground_pause button").click()
    tab.locator(".st-key-playground_play button").wait_for(timeout=20_000)
    wait_idle(tab)

    # a real CSV file through the uploader's file input: good, then malformed
    good, bad = tmp_path / "points.csv", tmp_path / "broken.csv"
    good.write_text("x1,x2,label\n1.5,-2,1\n0,0,0\n", encoding="utf-8")
    bad.write_text("x1;x2;label\n1;2;oops\n", encoding="utf-8")
    uploader = tab.locator('.st-key-playground_csv_file input[type="file"]')
    uploader.set_input_files(str(good))
    tab.get_by_text(i18n.translate("playground.csv_loaded", count=2)).wait_for(timeout=30_000)
    tab.get_by_role("button", name=i18n.translate("playground.clear_points", count=2)).wait_for()
    uploader.set_input_files(str(bad))
    first_words = i18n.translate("playground.csv_no_points", line=1)[:25]
    tab.get_by_text(first_words).first.wait_for(timeout=30_000)
    tab.get_by_role("button", name=i18n.translate("playground.clear_points", count=2)).wait_for()
    assert_no_error_box(tab)
    screenshot(tab, "playground-en-csv")


def test_presenter_mode_in_korean(tab, app_url):
    goto(tab, app_url, "playground", lang="ko", present=True)
    assert_no_error_box(tab)
    tab.get_by_role("heading", name=i18n.translate("playground.title", "ko")).wait_for()
    screenshot(tab, "playground-ko-presenter")
    # Streamlit's own uploader words in Korean too: its button and the size limit (issue 11)
    uploader = tab.locator(".st-key-playground_csv_file")
    uploader.scroll_into_view_if_needed()
    shown = uploader.evaluate(
        """el => {
          const box = el.querySelector('button [data-testid="stMarkdownContainer"]');
          const limit = el.querySelector('[data-testid="stFileUploaderDropzoneInstructions"] span');
          return {button: getComputedStyle(box, '::after').content,
                  english: box.querySelector('p').getBoundingClientRect().width,
                  limit: getComputedStyle(limit, '::after').content,
                  limitEnglish: parseFloat(getComputedStyle(limit).fontSize),
                  buttonSize: parseFloat(getComputedStyle(box, '::after').fontSize)};
        }"""
    )
    assert shown["button"] == '"' + i18n.translate("common.upload_button", "ko") + '"'
    assert (
        shown["limit"] == '"' + i18n.translate("common.upload_limit", "ko", mb=1, types="CSV") + '"'
    )
    assert shown["english"] == 0 and shown["limitEnglish"] == 0  # the English words are hidden
    assert shown["buttonSize"] >= 22  # presenter-sized, as the other buttons
