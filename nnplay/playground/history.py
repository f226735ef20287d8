"""The playground's time machine: thinned snapshots of the weights and a thinned loss curve.

Memory stays bounded however long Play runs: at most :data:`MAX_SNAPSHOTS`
snapshots are kept, taken every ``stride`` epochs; when they are full, every
other one is dropped and the stride doubles (so they always span the whole
run, evenly). The loss curve does the same with :data:`MAX_CURVE` points.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_SNAPSHOTS = 64
MAX_CURVE = 2000


@dataclass(frozen=True)
class Snapshot:
    """The network after ``epoch`` epochs.

    Attributes
    ----------
    epoch : int
    coefs, intercepts : list of ndarray
        Copies of the weights.
    train_loss, test_loss : float
        Loss without the penalty (``nan`` when there are no test points).
    """

    epoch: int
    coefs: list[np.ndarray]
    intercepts: list[np.ndarray]
    train_loss: float
    test_loss: float


class History:
    """Snapshots and loss curve of one training run, thinned to a fixed size.

    Parameters
    ----------
    max_snapshots : int
    max_curve : int
    """

    def __init__(self, max_snapshots: int = MAX_SNAPSHOTS, max_curve: int = MAX_CURVE):
        self.max_snapshots = max(2, max_snapshots)
        self.max_curve = max(2, max_curve)
        self.snapshots: list[Snapshot] = []
        self.stride = 1
        self.curve_stride = 1
        self.epochs: list[int] = []
        self.train_loss: list[float] = []
        self.test_loss: list[float] = []
        self.latest: Snapshot | None = None

    def record(self, snapshot: Snapshot) -> None:
        """Keep ``snapshot`` as the latest, and in the thinned lists when its epoch is due."""
        self.latest = snapshot
        e = snapshot.epoch
        if e % self.curve_stride == 0:
            self.epochs.append(e)
            self.train_loss.append(snapshot.train_loss)
            self.test_loss.append(snapshot.test_loss)
            if len(self.epochs) > self.max_curve:
                self.curve_stride *= 2
                keep = [i for i, x in enumerate(self.epochs) if x % self.curve_stride == 0]
                self.epochs = [self.epochs[i] for i in keep]
                self.train_loss = [self.train_loss[i] for i in keep]
                self.test_loss = [self.test_loss[i] for i in keep]
        if e % self.stride == 0:
            self.snapshots.append(snapshot)
            if len(self.snapshots) > self.max_snapshots:
                self.stride *= 2
                self.snapshots = [s for s in self.snapshots if s.epoch % self.stride == 0]

    def epochs_kept(self) -> list[int]:
        """The epochs one can go back to: the snapshots', then the latest."""
        kept = [s.epoch for s in self.snapshots]
        if self.latest is not None and (not kept or kept[-1] != self.latest.epoch):
            kept.append(self.latest.epoch)
        return kept

    def at(self, epoch: int | None) -> Snapshot | None:
        """The kept snapshot nearest to ``epoch`` (the latest for ``None``)."""
        if epoch is None or self.latest is None or epoch >= self.latest.epoch:
            return self.latest
        if not self.snapshots:
            return self.latest
        return min(self.snapshots, key=lambda s: abs(s.epoch - epoch))

    def curve(self, until: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(epochs, train loss, test loss)`` of the thinned curve, up to epoch ``until``."""
        epochs = np.asarray(self.epochs, dtype=np.int64)
        train = np.asarray(self.train_loss, dtype=np.float64)
        test = np.asarray(self.test_loss, dtype=np.float64)
        if until is not None:
            keep = epochs <= until
            epochs, train, test = epochs[keep], train[keep], test[keep]
        return epochs, train, test

    def nbytes(self) -> int:
        """Bytes held by the kept arrays (snapshots and curve), for the bench."""
        weights = sum(a.nbytes for s in self.snapshots for a in (*s.coefs, *s.intercepts))
        return weights + 24 * len(self.epochs)
