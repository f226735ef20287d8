"""Server time of a logic-page rerun after a toggle (goal: under 50 ms).

Runs the app in-process with AppTest, flips A and B many times and times the
page script itself (see ``_apptest_timing``). Also reports whether TensorFlow
was imported (it must not be).

Run: python bench/bench_logic.py [reruns]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ["NNPLAY_WARM_UP"] = "0"  # the page alone: no TensorFlow import in the background
ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import _apptest_timing as timing  # noqa: E402


def main(reruns: int = 40) -> None:
    from streamlit.testing.v1 import AppTest

    timing.install()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/logic.py").run()
    first = timing.timings_ms[-1]
    timing.timings_ms.clear()
    for i in range(reruns):
        key = "logic_a" if i % 2 == 0 else "logic_b"
        at.toggle(key=key).set_value(not at.toggle(key=key).value).run()
    assert not at.exception
    print(f"logic page, first run: {first:.1f} ms")
    print(f"logic page rerun after a toggle: {timing.summary(timing.timings_ms)}")
    print("goal: under 50 ms")
    print(f"tensorflow imported: {'tensorflow' in sys.modules}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 40)
