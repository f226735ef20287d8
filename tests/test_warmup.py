"""The background warm-up: once per process, after the first page, never in the way."""

from __future__ import annotations

import importlib
import importlib.util
import inspect
import re
import subprocess
import sys
import textwrap
import threading
import time

from conftest import ROOT


def test_warm_up_imports_in_the_background_once_and_only_when_enabled():
    # A fresh process: the first page is served before anything heavy is imported,
    # and the warm-up then brings in scikit-learn (a small stand-in for the list).
    script = textwrap.dedent(
        f"""
        import os, sys, threading, time, types
        sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / "tests")!r}]
        os.environ["NNPLAY_WARM_UP"] = "1"
        from nnplay import warmup
        seen = []

        def probe():  # called by the warm-up thread, as "module:function"
            seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

        sys.modules["warm_probe"] = types.SimpleNamespace(probe=probe)
        warmup.MODULES = ("nnplay.perceptron", "warm_probe:probe")
        from conftest import open_page
        at = open_page("pages/logic.py")
        assert not at.exception
        thread = warmup._thread
        assert thread is not None and thread.name == "nnplay-warm-up"
        thread.join(60)
        assert "sklearn" in sys.modules and "tensorflow" not in sys.modules
        # the warm-up ran below the server's priority; the server's own did not change
        assert seen == [min(os.getpriority(os.PRIO_PROCESS, 0) + warmup.WARM_UP_NICE, 19)], seen
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


def test_every_warm_up_step_names_a_module_and_function_that_exist():
    from nnplay import warmup

    assert warmup.MODULES[-1] == "keras"  # the slow one last: the lessons' needs come first
    for spec in warmup.MODULES:
        name, _, function = spec.partition(":")
        if name == "keras":
            assert importlib.util.find_spec(name) is not None
            continue
        module = importlib.import_module(name)
        assert not function or callable(getattr(module, function)), spec


def test_load_plotly_builds_every_trace_type_the_lessons_use():
    import plotly.graph_objects as go

    from nnplay.charts import theme

    used = set()
    for path in (ROOT / "nnplay" / "charts").glob("*.py"):
        source = path.read_text()
        used |= set(re.findall(r"go\.(Scatter|Contour|Heatmap|Bar|Surface|Image)\(", source))
    built = set(re.findall(r"go\.(\w+)\(", inspect.getsource(theme.load_plotly)))
    assert used <= built, used - built
    theme.load_plotly()  # runs without error
    assert go.Figure  # plotly is imported


def test_the_warm_up_waits_for_a_lesson_page_between_imports_but_not_for_ever(monkeypatch):
    from nnplay import warmup

    monkeypatch.setattr(warmup, "MAX_PAUSE_S", 0.3)
    started = time.perf_counter()
    warmup.give_way()  # no lesson running: no wait
    assert time.perf_counter() - started < 0.1

    def finish_soon():
        time.sleep(0.15)
        page.__exit__(None, None, None)

    page = warmup.lesson_running()
    page.__enter__()
    started = time.perf_counter()
    threading.Thread(target=finish_soon).start()
    warmup.give_way()  # waits until the page is done
    assert 0.1 < time.perf_counter() - started < 0.28

    with warmup.lesson_running():
        started = time.perf_counter()
        warmup.give_way()  # a page that runs long: at most MAX_PAUSE_S
        assert 0.25 < time.perf_counter() - started < 0.6
        started = time.perf_counter()
        warmup._on_audit("import", ("json",))  # only the warm-up's own thread waits
        assert time.perf_counter() - started < 0.1
    assert warmup._lessons_running == 0


def test_lesson_pages_hold_the_warm_up_back_and_pages_that_need_tensorflow_do_not(
    monkeypatch,
):
    import contextlib

    from conftest import open_page

    from nnplay import warmup
    from nnplay.sitemap import PAGES

    runs = []

    @contextlib.contextmanager
    def recorded():
        runs.append(True)
        yield

    monkeypatch.setattr(warmup, "lesson_running", recorded)
    monkeypatch.setenv(warmup.ENV, "0")
    at = open_page()
    for info in PAGES:
        runs.clear()
        at.switch_page(info.path).run()
        assert not at.exception
        assert runs == ([] if info.uses_tensorflow else [True]), info.slug


def test_a_page_that_needs_a_module_the_warm_up_is_importing_does_not_wait_for_its_pauses(
    tmp_path, monkeypatch
):
    # A package of ten submodules; the warm-up thread is inside its import when a
    # lesson page asks for it. With a pause before each submodule the page would
    # wait ten pauses; the warm-up sees the page waiting and does not pause.
    from nnplay import warmup

    package = tmp_path / "warm_slow"
    package.mkdir()
    names = [f"part{i}" for i in range(10)]
    (package / "__init__.py").write_text(
        "import time\ntime.sleep(0.2)\n" + "".join(f"from . import {n}\n" for n in names)
    )
    for name in names:
        (package / f"{name}.py").write_text("import time\ntime.sleep(0.01)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(warmup, "MAX_PAUSE_S", 0.5)

    (tmp_path / "warm_other.py").write_text("VALUE = 1\n")

    def warm_up():
        monkeypatch.setattr(warmup, "_warm_thread_id", threading.get_ident())
        importlib.import_module("warm_slow")

    warmup._install_audit_hook()
    try:
        thread = threading.Thread(target=warm_up)
        thread.start()
        time.sleep(0.1)  # the warm-up is inside warm_slow/__init__.py
        with warmup.lesson_running():
            started = time.perf_counter()
            assert importlib.import_module("warm_other").VALUE == 1
            other = time.perf_counter() - started
            started = time.perf_counter()
            module = importlib.import_module("warm_slow")
            waited = time.perf_counter() - started
        thread.join(10)
    finally:
        monkeypatch.setattr(warmup, "_warm_thread_id", None)
        for name in ("warm_slow", "warm_other", *(f"warm_slow.{n}" for n in names)):
            sys.modules.pop(name, None)
    assert all(hasattr(module, n) for n in names)
    assert other < 0.1, other  # a pause holds no import lock: other imports go on
    assert waited < 2.0, waited  # ten pauses would be 5 s
