"""Perceptron speed: training + full trace + animation for 150 samples x 100 epochs (goal ≤ 0.3 s).

Times, on Iris petal length and width with no convergence (so all 100 epochs
run): fitting with the full trace, then building the plotly animation, for one
output neuron (versicolor against the rest) and for three (all species). Then
the server time of a perceptron-page rerun with AppTest (see ``_apptest_timing``):
a cold run of a new setting (training, the scikit-learn twin and the animation
built) and warm reruns (a stepper click: cached results, small figures only).

AppTest reruns the whole script even for a widget inside ``st.fragment``; the
stepper's own work (what a browser click reruns) is timed separately.

Run: python bench/bench_perceptron.py [repeats]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import _apptest_timing as timing  # noqa: E402

GOAL_S = 0.3


def train_and_animate(repeats: int) -> None:
    from nnplay import datasets
    from nnplay import perceptron_lab as lab
    from nnplay.charts.perceptron import animation_figure
    from nnplay.charts.theme import NORMAL

    iris = datasets.iris()
    for positive in ("versicolor", "all"):
        settings = lab.Settings(positive=positive, max_epochs=100)
        X, y = lab.task(iris, settings)
        names = ["a", "b", "c"] if positive == "all" else ["rest", positive]
        fit_s, total_s = [], []
        for _ in range(repeats):
            started = time.perf_counter()
            model = lab.train(iris, settings)
            fitted = time.perf_counter()
            steps = lab.frame_steps(model.trace_.updated)
            animation_figure(X, y, names, ("x", "y"), model.trace_, steps, NORMAL)
            done = time.perf_counter()
            fit_s.append(fitted - started)
            total_s.append(done - started)
        assert model.n_iter_ == 100 and len(model.trace_) == 150 * 100
        median = statistics.median(total_s)
        print(
            f"{positive:>10}: {len(X)} samples x {model.n_iter_} epochs, "
            f"{int(model.errors_.sum())} updates, {len(steps)} frames: "
            f"fit+trace median {statistics.median(fit_s) * 1000:.0f} ms, "
            f"fit+trace+animation median {median * 1000:.0f} ms "
            f"(min {min(total_s) * 1000:.0f}, max {max(total_s) * 1000:.0f}, n={repeats}) "
            f"{'OK' if median <= GOAL_S else 'OVER'} (goal {GOAL_S * 1000:.0f} ms)"
        )


def stepper_work(repeats: int) -> None:
    """What a stepper click reruns on the server (a fragment): one SVG picture, equations."""
    from nnplay import datasets
    from nnplay import perceptron_lab as lab
    from nnplay.charts.perceptron_svg import boundary_svg
    from nnplay.charts.theme import NORMAL

    iris = datasets.iris()
    settings = lab.Settings(positive="versicolor")
    model = lab.train(iris, settings)
    X, y = lab.task(iris, settings)
    trace, times = model.trace_, []
    for step in range(1, 3 * repeats + 1):
        started = time.perf_counter()
        boundary_svg(
            X, y, ["rest", "versicolor"], ("x", "y"), trace.w[step], trace.b[step], NORMAL,
            width_px=480, sample=int(trace.sample[step - 1]),
            previous=(trace.w[step - 1], trace.b[step - 1]),
        )  # fmt: skip
        lab.step_equations(trace, step - 1, X, 1.0, "heaviside")
        times.append((time.perf_counter() - started) * 1000)
    print(f"stepper fragment work (SVG picture + equations): {timing.summary(times)}")


def page_reruns(reruns: int) -> None:
    from streamlit.testing.v1 import AppTest

    timing.install()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/perceptron.py").run()
    first = timing.timings_ms[-1]
    cold = []
    for eta in (0.5, 0.25, 0.125, 2.0, 4.0):  # new settings: nothing cached yet
        at.selectbox(key="perceptron_positive").select("versicolor")
        at.number_input(key="perceptron_eta").set_value(eta).run()
        cold.append(timing.timings_ms[-1])
    timing.timings_ms.clear()
    for _ in range(reruns):
        at.button(key="perceptron_next").click().run()
    assert not at.exception
    print(f"perceptron page, first run: {first:.1f} ms")
    print(f"perceptron page rerun with a new setting (train + twin + animation): "
          f"{timing.summary(cold)}")  # fmt: skip
    # AppTest reruns the whole page; in a browser the stepper is a fragment (see above)
    print(
        "perceptron page full rerun after a stepper click (AppTest): "
        f"{timing.summary(timing.timings_ms)}"
    )
    print(f"tensorflow imported: {'tensorflow' in sys.modules}")


if __name__ == "__main__":
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    train_and_animate(repeats)
    stepper_work(repeats)
    page_reruns(3 * repeats)
