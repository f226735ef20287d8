"""Stop → stopped: how long a training takes to stop once asked (issue 11).

The notes' book model (784 → 300 → 100 → 10) trains in a worker process on
random Fashion-MNIST-sized data with a validation set of 5,000 images, as the
lab's default split does. After the first epoch and a pause that lands the
stop somewhere in the next one, the figure is the time from ``run.stop()`` to
the run having ended, its weights back in the web process. The browser's own
Stop → "Stopped" (``bench_responsiveness.py``) adds the click and the
fragment's rerun to this.

Run: python bench/bench_stop.py [repeats]
"""

from __future__ import annotations

import statistics
import sys
import time
from contextlib import closing
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(repeats: int) -> None:
    import keras
    import numpy as np

    from nnplay.keras_lab.slots import TrainingSlots
    from nnplay.keras_lab.training import STOPPED, FitData, FitOptions, TrainingRun

    rng = np.random.default_rng(0)
    data = FitData(
        rng.random((20_000, 28, 28), dtype=np.float32),
        rng.integers(0, 10, 20_000),
        rng.random((5_000, 28, 28), dtype=np.float32),
        rng.integers(0, 10, 5_000),
    )
    times = []
    for i in range(repeats):
        model = keras.Sequential(
            [
                keras.Input((28, 28)),
                keras.layers.Flatten(),
                keras.layers.Dense(300, activation="relu"),
                keras.layers.Dense(100, activation="relu"),
                keras.layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
        with closing(TrainingRun(model, data, slots=TrainingSlots(1))) as run:
            run.start(FitOptions(epochs=30))
            while run.epochs_done < 1:
                time.sleep(0.02)
            time.sleep(0.4 + 0.1 * i)  # somewhere in the second epoch
            started = time.perf_counter()
            run.stop()
            run.wait(60)
            times.append(time.perf_counter() - started)
            assert run.state == STOPPED, run.state
    print(
        f"stop → stopped (book model, 5,000 validation images): median "
        f"{statistics.median(times) * 1000:.0f} ms, max {max(times) * 1000:.0f} ms "
        f"(n={repeats}): {[round(t * 1000) for t in times]}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
