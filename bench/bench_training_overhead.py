"""The Keras lab's training path against a bare ``model.fit(verbose=0)``.

Both train the same model (the book's Fashion-MNIST MLP: Flatten, Dense 300 and
100 ReLU, Dense 10 softmax, SGD 0.01) on the same data, in alternation, so both
see the same machine load. The lab's path is what the page does: a
:class:`~nnplay.keras_lab.training.TrainingRun` whose supervising thread waits
for a slot, sends the model (config, weights, optimizer state) and the 55,000
images to a warm worker process, which calls ``fit`` with the live callback
(history, batch progress, stop requests, NaN check) and sends the weights back;
it is timed from ``start()`` until ``wait()`` returns, so the transfer both
ways and the worker's tracing of the new model are in it. The worker gets the
whole machine and no lower priority here (``WorkerSettings.for_share(1)``,
nice 0), as the bare ``fit`` does: this measures the overhead, not the share.

Data: the 1,700 training images of the Fashion-MNIST sample in
``../shared/data`` repeated to 55,000 (the size of the notes' training set),
validated on its 400 test images; synthetic images of the same shape when the
sample is missing (the script says which).

Goal (issue 6): per-epoch time ratio lab / bare at most 1.05.

Run: python bench/bench_training_overhead.py [rounds] [epochs_per_fit]
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SAMPLE = ROOT.parent / "shared" / "data" / "fashion-mnist-sample"
N_TRAIN = 55_000


def _idx(path: Path, offset: int) -> np.ndarray:
    with gzip.open(path, "rb") as handle:
        return np.frombuffer(handle.read(), np.uint8, offset=offset)


def fashion_like() -> tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(source, x_train, y_train, x_val, y_val): the sample repeated, or synthetic."""
    rng = np.random.default_rng(0)
    if (SAMPLE / "train-images-idx3-ubyte.gz").exists():
        x = _idx(SAMPLE / "train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28) / 255.0
        y = _idx(SAMPLE / "train-labels-idx1-ubyte.gz", 8).astype(np.int64)
        xv = _idx(SAMPLE / "t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28) / 255.0
        yv = _idx(SAMPLE / "t10k-labels-idx1-ubyte.gz", 8).astype(np.int64)
        reps = -(-N_TRAIN // len(x))
        x = np.tile(x, (reps, 1, 1))[:N_TRAIN]
        y = np.tile(y, reps)[:N_TRAIN]
        source = f"Fashion-MNIST sample ({len(yv) + 1700} real images) repeated to {N_TRAIN:,}"
        return source, x.astype(np.float32), y, xv.astype(np.float32), yv
    x = rng.random((N_TRAIN, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, N_TRAIN)
    xv = rng.random((5000, 28, 28), dtype=np.float32)
    yv = rng.integers(0, 10, 5000)
    return f"synthetic images of the same shape ({N_TRAIN:,} × 28 × 28)", x, y, xv, yv


def book_model():
    from nnplay.keras_lab.build import build_model
    from nnplay.keras_lab.spec import book_model as book_spec

    return build_model(book_spec())


def main(rounds: int = 5, epochs: int = 2) -> None:
    from dataclasses import replace

    from nnplay.keras_lab.slots import TrainingSlots
    from nnplay.keras_lab.training import FitData, FitOptions, TrainingRun
    from nnplay.keras_lab.worker import WorkerPool, WorkerSettings

    source, x, y, xv, yv = fashion_like()
    model = book_model()
    data = FitData(x, y, xv, yv)
    pool = WorkerPool(replace(WorkerSettings.for_share(1), nice=0), keep=1)
    run = TrainingRun(model, data, slots=TrainingSlots(1), pool=pool)

    def bare() -> float:
        started = time.perf_counter()
        model.fit(x, y, batch_size=32, epochs=epochs, validation_data=(xv, yv), verbose=0)
        return (time.perf_counter() - started) / epochs

    def lab() -> float:
        started = time.perf_counter()
        run.start(FitOptions(epochs=epochs, batch_size=32))
        run.wait()
        assert run.state == "finished", run.progress()
        return (time.perf_counter() - started) / epochs

    # Warm up both (tracing the train and test functions happens once per path).
    bare()
    lab()
    times: dict[str, list[float]] = {"bare": [], "lab": []}
    for i in range(rounds):
        order = (("bare", bare), ("lab", lab)) if i % 2 == 0 else (("lab", lab), ("bare", bare))
        for name, path in order:
            times[name].append(path())
    bare_s = statistics.median(times["bare"])
    lab_s = statistics.median(times["lab"])
    print(f"data: {source}; model: book MLP (266,610 parameters), batch 32, validation 400")
    print(f"rounds: {rounds} × {epochs} epochs per path, alternating")
    for name in ("bare", "lab"):
        values = ", ".join(f"{v:.2f}" for v in times[name])
        print(f"{name:>5}: median {statistics.median(times[name]):.3f} s/epoch  [{values}]")
    print(f"ratio lab / bare: {lab_s / bare_s:.3f} (goal ≤ 1.05)")
    run.close()
    pool.close()


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
