"""Server time of the Keras builder page after a widget change, once TensorFlow is loaded.

The page runs in AppTest with the ``../shared/data`` sample laid into a temporary
Keras home (so Fashion-MNIST's sample images are drawn, as on a real server).
Each figure is the whole page script (``nnplay.ui.run_page`` timed by
``_apptest_timing``): widgets, validation, summary, Keras's own count, figures,
the exported code and the URL.

- *activation change*: the architecture is unchanged, so Keras's count comes
  from the cache (activations, names and initializers do not change counts);
- *units change*: a new architecture every time, so Keras builds the model once
  (the book model's size: about 270,000 parameters);
- *add / remove a layer*: a structural change through a callback.

Also printed: the pure-Python part alone (validate + summary + code) and one
Keras build of the book model, which together bound a units change.

Goal (issue 5): at most 100 ms of server time per change once TensorFlow is loaded.

Run: python bench/bench_keras_builder.py [changes_per_kind]
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

import shared_data  # noqa: E402

# Keras reads KERAS_HOME when it is imported: set it first.
os.environ.update(shared_data.lay_out(Path(tempfile.mkdtemp(prefix="nnplay-bench-"))))

import _apptest_timing as timing  # noqa: E402
from conftest import open_page  # noqa: E402

from nnplay import ui  # noqa: E402
from nnplay.keras_lab import build, codegen  # noqa: E402
from nnplay.keras_lab import spec as specs  # noqa: E402


def _median_ms(function, repeat: int = 20) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


cpu_ms: list[float] = []


def _install_cpu_timing() -> None:
    """Also record the script thread's CPU time per run: on a shared, loaded machine
    the wall time includes waiting for a core; the CPU time does not."""
    wall_timed = ui.run_page

    def run_page(page, **options) -> None:
        started = time.thread_time()
        try:
            wall_timed(page, **options)
        finally:
            cpu_ms.append((time.thread_time() - started) * 1000)

    ui.run_page = run_page


def main(changes: int = 10) -> None:
    timing.install()
    _install_cpu_timing()
    started = time.perf_counter()
    at = open_page("pages/keras_builder.py", timeout=300)
    assert not at.exception, at.exception
    print(
        f"first visit (imports TensorFlow, loads the sample): {time.perf_counter() - started:.1f} s"
    )
    at.run()  # a warm rerun before measuring
    kinds: dict[str, list[float]] = {}
    kinds_cpu: dict[str, list[float]] = {}

    def measure(kind: str, change) -> None:
        timing.timings_ms.clear()
        cpu_ms.clear()
        change()
        assert not at.exception, at.exception
        kinds.setdefault(kind, []).append(sum(timing.timings_ms))
        kinds_cpu.setdefault(kind, []).append(sum(cpu_ms))

    activations = ["tanh", "relu", "elu", "selu", "sigmoid"]
    for i in range(changes):

        def activation(i=i):
            box = next(s for s in at.selectbox if "_activation_" in s.key)
            box.select(activations[i % len(activations)]).run()

        def units(i=i):
            field = next(n for n in at.number_input if "_units_" in n.key)
            field.set_value(301 + i).run()

        def add_then_remove():
            at.button(key="keras_builder_add_dense").click().run()
            remove = [b for b in at.button if "_remove_" in b.key]
            remove[-2].click().run()

        measure("activation change (Keras count cached)", activation)
        measure("units change (new Keras build)", units)
        measure("add + remove a layer (two runs)", add_then_remove)

    print(f"page server time per change, {changes} changes each (goal <= 100 ms):")
    for kind, values in kinds.items():
        print(f"  {kind:40s} wall {timing.summary(values)}")
        print(f"  {'':40s} CPU  {timing.summary(kinds_cpu[kind])}")
    load = os.getloadavg()[0]
    print(f"load average while measuring: {load:.1f} on {os.cpu_count()} cores")

    spec = specs.book_model()
    pure = _median_ms(
        lambda: (specs.validate(spec), build.summary_rows(spec), codegen.generate_code(spec))
    )
    print(f"validate + summary + code (no TensorFlow), book model: median {pure:.2f} ms")
    import keras  # noqa: F401  (already loaded by the page)

    keras_build = _median_ms(lambda: build.build_model(spec, compile=False), repeat=10)
    print(f"one Keras build of the book model (count check): median {keras_build:.1f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
