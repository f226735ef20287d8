"""Speed of the playground: an epoch, a Play tick, the page's reruns, the history's memory.

Goals (issue 13): one epoch on 500 points with the largest network (6 × 8, all
7 features) in at most 5 ms; everything a Play tick recomputes and draws (the
100 × 100 output surface and every neuron's 25 × 25 picture, then the output, the
network and the loss as the inline SVGs that Play shows) in at most 60 ms of
server time. The updates a second in a real browser are measured by
``bench/bench_playground_browser.py``.

Run: python bench/bench_playground.py [repeats] [section ...]  (sections: epochs, tick, page;
default all three)
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import _apptest_timing as timing  # noqa: E402

ALL = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sin1", "sin2")


def ms(values: list[float], cpu: list[float] | None = None) -> str:
    """Wall-clock median and best; with ``cpu``, the process's CPU time too (what an idle
    machine would take: on a busy one the wall clock also counts waiting for a core)."""
    text = f"median {statistics.median(values):.2f} ms, best {min(values):.2f} ms"
    if cpu:
        text += f" (CPU time: median {statistics.median(cpu):.2f} ms)"
    return text


class Clock:
    """Wall-clock and CPU milliseconds of a block, appended to two lists."""

    def __init__(self, wall: list[float], cpu: list[float]):
        self.wall, self.cpu = wall, cpu

    def __enter__(self):
        self.started, self.cpu_started = time.perf_counter(), time.process_time()

    def __exit__(self, *exc):
        self.wall.append((time.perf_counter() - self.started) * 1000)
        self.cpu.append((time.process_time() - self.cpu_started) * 1000)


def epochs(repeats: int) -> None:
    import numpy as np

    from nnplay.mlp import MLP
    from nnplay.playground import data
    from nnplay.playground.features import transform
    from nnplay.playground.speed import one_blas_thread

    split = data.generate("spiral", noise=0.1, train_share=0.9, n=556)
    X = transform(np.concatenate([split.X_train, split.X_test])[:500], ALL)
    y = np.concatenate([split.y_train, split.y_test])[:500]
    for batch in (1, 10, 30, None):
        model = MLP(hidden_layer_sizes=(8,) * 6, activation="tanh", learning_rate=0.03,
                    batch_size=batch, random_state=0, l2=0.001)  # fmt: skip
        model.partial_fit(X, y)
        times, cpu = [], []
        with one_blas_thread():
            for _ in range(repeats * (1 if batch == 1 else 5)):
                with Clock(times, cpu):
                    model.partial_fit(X, y)
        name = "full batch" if batch is None else f"batch size {batch}"
        goal = "  [goal: <= 5 ms]" if batch == 10 else ""
        print(f"one epoch, 500 points, 6 x 8 tanh, 7 features, L2, {name}: {ms(times, cpu)}{goal}")


def tick(repeats: int) -> None:
    from nnplay.charts import playground as charts
    from nnplay.charts.theme import NORMAL
    from nnplay.playground.session import Session, Settings
    from nnplay.playground.speed import one_blas_thread

    s = Session(Settings(data="spiral", layers=(8,) * 6, features=ALL, train_share=90))
    s.run(0.3)
    draw, train, sizes, draw_cpu, train_cpu = [], [], [], [], []
    for _ in range(repeats * 3):
        with Clock(train, train_cpu), one_blas_thread():
            s.step(1)
        with Clock(draw, draw_cpu):
            with one_blas_thread():
                model, snap = s.network_at()
                pics = charts.pictures(model, s.settings.features, 2)
            # what a tick draws while Play runs: three inline SVGs
            specs = [
                charts.surface_svg(pics, NORMAL, train=(s.X_train, s.y_train),
                                   test=(s.X_test, s.y_test)),
                charts.network_svg(pics, snap.coefs, NORMAL,
                                   input_labels=charts.feature_labels(ALL),
                                   column_titles=["n"] * 8),
                charts.loss_svg(*s.history.curve(), NORMAL, train_label="train",
                                test_label="test", epoch_label="epoch", loss_label="loss"),
            ]  # fmt: skip
        sizes.append(sum(map(len, specs)) / 1024)
    print(f"one more epoch + losses + snapshot (Session.step, 450 points): {ms(train, train_cpu)}")
    print(
        f"Play tick drawing (100 x 100 surface, {sum(len(c) for c in pics.tiles)} pictures at "
        f"25 x 25, the output, the network and the loss as SVG): {ms(draw, draw_cpu)}  "
        f"[goal: <= 60 ms]; "
        f"{statistics.median(sizes):.0f} KiB of SVG a tick"
    )
    s.model.set_params(batch_size=None)  # full batches: 10,000 epochs in seconds
    for _ in range(10_000 - s.epoch):
        s.model.partial_fit(s._F_train, s.y_train)
        s._record()
    h = s.history
    print(
        f"history after {s.epoch:,} epochs: {len(h.snapshots)} snapshots (every {h.stride}), "
        f"{len(h.epochs)} curve points, {h.nbytes() / 1024:.0f} KiB  [bounded: 64 snapshots]"
    )
    from streamlit import config

    started = time.perf_counter()
    gc.collect(2)
    print(
        f"a full garbage collection here: {(time.perf_counter() - started) * 1000:.1f} ms "
        f"(Streamlit does one after every run, fragment ticks too, when runner.postScriptGC "
        f"is on; here it is {config.get_option('runner.postScriptGC')})"
    )


def page(reruns: int) -> None:
    from streamlit.testing.v1 import AppTest

    timing.install()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    at.switch_page("pages/playground.py").run()
    for name in ALL:
        at.toggle(key=f"playground_{name}").set_value(True)
    at.session_state["playground_layers"] = "8~8~8~8~8~8"
    at.run()
    timing.timings_ms.clear()
    at.button(key="playground_play").click().run()
    timing.timings_ms.clear()
    for _ in range(reruns):
        at.run()  # AppTest runs the whole page where a browser reruns only the fragment
    assert not at.exception
    print(f"playground page run while playing (whole page, 6 x 8, 7 features; the live "
          f"fragment is part of it): {timing.summary(timing.timings_ms)}")  # fmt: skip
    print(f"tensorflow imported by the page: {'tensorflow' in sys.modules}")


if __name__ == "__main__":
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    sections = {"epochs": epochs, "tick": tick, "page": page}
    for name in sys.argv[2:] or sections:
        sections[name](repeats)
