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
