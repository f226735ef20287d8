"""Memory growth over 20 trainings in one process, as a long-lived server sees them.

Each round does what one visitor's Train and Reset do on the page: build the
book's Fashion-MNIST model from its spec, train it in a
:class:`~nnplay.keras_lab.training.TrainingRun` (one epoch, in a worker
process; the weights come back), evaluate and predict on the test images in
this process, then close the run and drop it. The resident set size (RSS, from
``/proc/self/status``) of this process, the web server's part, is read after a
first warm-up round and after the 20 measured ones. No ``gc.collect()``: the
server does not call it either (Python's automatic collections do the work).

Data: the Fashion-MNIST sample in ``../shared/data`` (1,700 training and 400
test images), or synthetic images of the same shape when it is missing.

Goal (issue 6): growth at most 100 MB over 20 trainings; issue 12: 50 MB, since
the trainings run in worker processes. For the server as a whole, see
``bench_server_load.py``.

Run: python bench/bench_training_memory.py [trainings]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

from bench_training_overhead import SAMPLE, _idx  # noqa: E402


def rss_mb() -> float:
    """Resident set size of this process, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status")


def sample():
    import numpy as np

    if (SAMPLE / "train-images-idx3-ubyte.gz").exists():
        x = _idx(SAMPLE / "train-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28) / 255.0
        y = _idx(SAMPLE / "train-labels-idx1-ubyte.gz", 8).astype(np.int64)
        xt = _idx(SAMPLE / "t10k-images-idx3-ubyte.gz", 16).reshape(-1, 28, 28) / 255.0
        yt = _idx(SAMPLE / "t10k-labels-idx1-ubyte.gz", 8).astype(np.int64)
        return "Fashion-MNIST sample", x.astype("float32"), y, xt.astype("float32"), yt
    rng = np.random.default_rng(0)
    x, xt = rng.random((1700, 28, 28), "float32"), rng.random((400, 28, 28), "float32")
    return "synthetic, same shape", x, rng.integers(0, 10, 1700), xt, rng.integers(0, 10, 400)


def one_training(x, y, xt, yt) -> None:
    from nnplay.keras_lab import evaluate
    from nnplay.keras_lab.build import build_model
    from nnplay.keras_lab.spec import book_model
    from nnplay.keras_lab.training import FitData, FitOptions, TrainingRun

    run = TrainingRun(build_model(book_model()), FitData(x[:1500], y[:1500], x[1500:], y[1500:]))
    run.start(FitOptions(epochs=1))
    run.wait()
    assert run.state == "finished", run.progress()
    evaluate.evaluate(run.model, xt, yt)
    evaluate.classification_results(run.model, xt, yt)
    run.close()
    del run


def main(trainings: int = 20) -> None:
    source, x, y, xt, yt = sample()
    one_training(x, y, xt, yt)  # warm-up: TensorFlow's own one-time allocations
    before = rss_mb()
    started = time.perf_counter()
    for _ in range(trainings):
        one_training(x, y, xt, yt)
    after = rss_mb()
    print(f"data: {source}; model: book MLP; 1 epoch + evaluate + predict per training")
    print(f"RSS after warm-up: {before:.0f} MB; after {trainings} trainings: {after:.0f} MB")
    print(f"growth: {after - before:.1f} MB (goal ≤ 100 MB), {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:2]))
