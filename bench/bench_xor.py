"""Speed of the XOR page: the numpy MLP, one decision-boundary frame, the page's reruns.

Goals (issue 4): the default MLP solves XOR in at most 0.3 s; one 100 × 100
decision-boundary frame takes at most 5 ms; the page never imports TensorFlow.
Also prints how much the figures weigh on the wire (what a visitor downloads
once per trained network) and the server time of page reruns (see
``_apptest_timing``): with the network and figures cached (Train on settings
trained before; a widget change reruns nothing, the settings are a form), and
after Train with settings nobody trained before (training and figures built).

Run: python bench/bench_xor.py [repeats]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import _apptest_timing as timing  # noqa: E402


def best_and_median(values_ms: list[float]) -> str:
    return f"median {statistics.median(values_ms):.2f} ms, best {min(values_ms):.2f} ms"


def engine(repeats: int) -> None:
    from nnplay import xor_lab
    from nnplay.charts import theme, xor
    from nnplay.datasets import xor as xor_data

    data = xor_data()
    fits, solved = [], 0
    for seed in range(repeats):
        started = time.perf_counter()
        model = xor_lab.train(xor_lab.Settings(seed=seed))
        fits.append((time.perf_counter() - started) * 1000)
        solved += model.score(data.X, data.y) == 1.0
    defaults = xor_lab.Settings()
    print(
        f"MLP solves XOR ({defaults.hidden_units} {defaults.activation} units, "
        f"{defaults.epochs} epochs, {xor_lab.N_FRAMES} snapshots): {best_and_median(fits)}, "
        f"max {max(fits):.1f} ms; solved {solved}/{repeats} seeds  [goal: <= 300 ms]"
    )

    model = xor_lab.train(defaults)
    _, points = xor.grid()
    frames = []
    for i in range(200):
        s = model.snapshots_[i % len(model.snapshots_)]
        started = time.perf_counter()
        xor.probability_frame(model, s.coefs, s.intercepts, points)
        frames.append((time.perf_counter() - started) * 1000)
    print(f"one 100 x 100 boundary frame: {best_and_median(frames)}  [goal: <= 5 ms]")

    builds = []
    for _ in range(max(3, repeats // 2)):
        started = time.perf_counter()
        fig = xor.decision_figure(
            model, theme.NORMAL, class_names=["0", "1"], title="MLP", epoch_label="epoch",
            loss_label="loss", play_label="Play", pause_label="Pause",
        )  # fmt: skip
        builds.append((time.perf_counter() - started) * 1000)
    print(f"animated boundary figure ({len(fig.frames)} frames) built: {best_and_median(builds)}")
    sizes = {
        "boundary (animated)": fig,
        "hidden units": xor.hidden_units_figure(
            model, theme.NORMAL, class_names=["0", "1"], unit_label="unit"
        ),
        "loss": xor.loss_figure({"mlp": model.loss_curve_}, theme.NORMAL, epoch_label="e",
                                loss_label="l"),
    }  # fmt: skip
    for name, figure in sizes.items():
        print(f"  JSON size, {name}: {len(figure.to_json()) / 1024:.0f} KiB")


def page(reruns: int) -> None:
    from streamlit.testing.v1 import AppTest

    timing.install()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/xor.py").run()
    first = timing.timings_ms[-1]
    timing.timings_ms.clear()
    for _ in range(reruns):  # settings already trained: network and figures come from caches
        at.button(key="xor_train").click().run()
    cached = list(timing.timings_ms)
    timing.timings_ms.clear()
    for i in range(max(3, reruns // 4)):
        at.number_input(key="xor_seed").set_value(100 + i)
        at.button(key="xor_train").click().run()
    assert not at.exception
    print(f"xor page, first run (cold caches): {first:.0f} ms")
    print(f"xor page rerun, network and figures cached: {timing.summary(cached)}")
    print(f"xor page rerun after Train (new settings): {timing.summary(timing.timings_ms)}")
    print(f"tensorflow imported by the page: {'tensorflow' in sys.modules}")


if __name__ == "__main__":
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    engine(repeats)
    page(2 * repeats)
