"""AppTest: the entry point, the home page and the logic page."""

import re
import subprocess
import sys
import textwrap

import pytest
from conftest import ROOT, assert_clean, html_tables, modules_after_opening

from nnplay import i18n
from nnplay.sitemap import PAGES


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("present", [False, True])
def test_home_runs_in_every_language_and_mode(page, lang, present):
    at = page(lang=lang, present=present)
    assert_clean(at)
    assert at.title[0].value == i18n.translate("home.title", lang)
    assert at.session_state["lang"] == lang
    assert at.session_state["present"] is present


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("present", [False, True])
def test_logic_page_runs_in_every_language_and_mode(page, lang, present):
    at = page("pages/logic.py", lang=lang, present=present)
    assert_clean(at)
    assert at.title[0].value == i18n.translate("logic.title", lang)
    assert len(_outputs(at)) == 5  # four networks and the XOR network


def test_bad_query_parameters_are_ignored():
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.query_params["lang"] = "xx"
    at.query_params["present"] = "banana"
    at.run()
    assert_clean(at)
    assert at.session_state["lang"] == "en"
    assert at.session_state["present"] is False


def test_sidebar_switches_language_at_once(page):
    at = page("pages/logic.py")
    at.radio(key="lang").set_value("ko").run()
    assert_clean(at)
    assert at.title[0].value == i18n.translate("logic.title", "ko")
    assert at.query_params["lang"] == "ko"  # the address bar follows


def _outputs(at):
    """The output label drawn in each logic diagram (an inline SVG), in page order."""
    return [
        label
        for md in at.markdown
        for label in re.findall(r'<text class="output"[^>]*>([^<]*)</text>', md.value)
    ]


@pytest.mark.parametrize(("a", "b"), [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_toggling_inputs_changes_outputs_as_the_truth_tables_say(page, a, b):
    at = page("pages/logic.py")
    at.toggle(key="logic_a").set_value(bool(a))
    at.toggle(key="logic_b").set_value(bool(b)).run()
    assert_clean(at)
    expected = [a, a & b, a | b, a & (1 - b), a ^ b]  # identity, and, or, and_not, xor
    assert _outputs(at) == [f"C = {v}" for v in expected]
    # the custom neuron (defaults w = 1, 1 and threshold 2) is an AND gate
    assert at.metric[0].value == str(a & b)
    # each network's truth table highlights the current row, and agrees with the output
    tables = html_tables(at)
    for (header, rows, highlighted), value in zip(tables[:4], expected[:4], strict=True):
        assert header == ["A", "B", "C"]
        assert highlighted == [2 * a + b]
        assert rows[2 * a + b] == [str(a), str(b), str(value)]
    header, rows, highlighted = tables[5]  # the two-layer XOR network
    assert header == ["A", "B", "H1", "H2", "C"]
    assert highlighted == [2 * a + b] and rows[2 * a + b][-1] == str(a ^ b)


def test_design_panel_names_the_gate(page):
    at = page("pages/logic.py")
    at.slider(key="logic_theta").set_value(1.0).run()
    assert "**OR**" in at.success[0].value
    at.slider(key="logic_wa").set_value(-1.0)
    at.slider(key="logic_wb").set_value(-1.0)
    at.slider(key="logic_theta").set_value(-1.5).run()
    assert "**NAND**" in at.success[0].value


@pytest.mark.parametrize("info", PAGES, ids=lambda p: p.slug)
def test_every_page_has_title_and_summary(info):
    for lang in i18n.LANGUAGES:
        assert i18n.translate(info.title_key, lang)
        assert i18n.translate(info.summary_key, lang)


def test_home_and_logic_pages_never_import_tensorflow():
    loaded = modules_after_opening([None, "pages/logic.py"])
    assert "streamlit" in loaded and "nnplay" in loaded  # the pages did run
    assert "tensorflow" not in loaded and "keras" not in loaded
    assert "sklearn" not in loaded  # nor the slower scikit-learn


def test_library_imports_without_streamlit():
    """nnplay (all but nnplay.ui) works where streamlit cannot be imported."""
    import pkgutil

    import nnplay

    modules = [
        m.name
        for m in pkgutil.walk_packages(nnplay.__path__, "nnplay.")
        if not m.name.startswith("nnplay.ui")
    ]
    script = textwrap.dedent(
        f"""
        import importlib, sys
        sys.path.insert(0, {str(ROOT)!r})
        sys.modules["streamlit"] = None  # any import of streamlit now fails
        for name in {modules!r}:
            importlib.import_module(name)
        print("ok", len({modules!r}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok")


def test_an_unexpected_error_shows_a_message_not_a_traceback():
    from streamlit.testing.v1 import AppTest

    def failing_app():
        from nnplay import ui

        def broken_page():
            raise ZeroDivisionError("a bug")

        ui.run_page(broken_page)

    at = AppTest.from_function(failing_app, default_timeout=30).run()
    assert not at.exception
    assert [e.value for e in at.error] == [i18n.translate("common.unexpected_error", "en")]
    assert "ZeroDivisionError" not in " ".join(m.value for m in at.markdown)


@pytest.mark.parametrize(("lang", "present"), [("en", False), ("ko", False), ("ko", True)])
@pytest.mark.parametrize("info", PAGES, ids=lambda p: p.slug)
def test_every_registered_page_runs_from_app_py(page, info, lang, present):
    """The contract for every page: it runs from app.py in both languages and presenter mode."""
    at = page(info.path, lang=lang, present=present, timeout=180)
    assert_clean(at)
    assert at.title[0].value == i18n.translate(info.title_key, lang)
    assert at.session_state["lang"] == lang
