"""The background warm-up: once per process, after the first page, never in the way."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from conftest import ROOT


def test_warm_up_imports_in_the_background_once_and_only_when_enabled():
    # A fresh process: the first page is served before anything heavy is imported,
    # and the warm-up then brings in scikit-learn (a small stand-in for the list).
    script = textwrap.dedent(
        f"""
        import os, sys, time
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "tests")!r}]
        os.environ["NNPLAY_WARM_UP"] = "1"
        from nnplay import warmup
        warmup.MODULES = ("nnplay.perceptron",)
        from conftest import open_page
        at = open_page("pages/logic.py")
        assert not at.exception
        thread = warmup._thread
        assert thread is not None and thread.name == "nnplay-warm-up"
        thread.join(60)
        assert "sklearn" in sys.modules and "tensorflow" not in sys.modules
        assert warmup.start() is None  # once per process
        os.environ["NNPLAY_WARM_UP"] = "0"
        assert not warmup.enabled()
        print("ok")
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=ROOT
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")


def _run(script: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("ok")


_FAKE_MODULE = f"""
    import pathlib, sys, tempfile, time
    sys.path.insert(0, {str(ROOT)!r})
    folder = tempfile.mkdtemp()
    pathlib.Path(folder, "nnplay_fake_heavy.py").write_text("LOADED = True\\n")
    sys.path.insert(0, folder)
    from nnplay import warmup
"""


def test_warm_up_gives_way_to_a_page_that_needs_nothing_still_to_come():
    _run(
        _FAKE_MODULE
        + """
    assert not warmup.should_give_way()  # no page running
    with warmup.page_running(()):
        assert warmup.should_give_way()
        thread = warmup.start(("nnplay_fake_heavy",))
        time.sleep(0.5)
        assert "nnplay_fake_heavy" not in sys.modules  # waited for the page
    thread.join(10)
    assert "nnplay_fake_heavy" in sys.modules
    with warmup.page_running(("nnplay_fake_heavy",)):  # imported now: light
        assert warmup.should_give_way()
    print("ok")
    """
    )


def test_warm_up_goes_on_for_a_page_that_waits_for_its_modules():
    _run(
        _FAKE_MODULE
        + """
    with warmup.page_running(("nnplay_fake_heavy",)):
        assert not warmup.should_give_way()
        thread = warmup.start(("nnplay_fake_heavy",))
        thread.join(10)
        assert "nnplay_fake_heavy" in sys.modules  # while the page was still running
    print("ok")
    """
    )


def test_every_page_names_only_warm_up_modules_and_the_first_pages_need_none():
    from nnplay import warmup
    from nnplay.sitemap import PAGES, page_for

    for page in PAGES:
        assert set(page.needs) <= set(warmup.MODULES), page.slug
        assert ("keras" in page.needs) == page.uses_tensorflow, page.slug
    assert page_for("home").needs == page_for("logic").needs == ()
    assert page_for("").slug == "home"
