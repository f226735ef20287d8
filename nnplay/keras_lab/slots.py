"""A server-wide cap on how many trainings run at once, first come first served.

Every visitor's training asks :class:`TrainingSlots` for a slot before it calls
``model.fit`` and gives it back when it ends. When all slots are taken, the
training waits in a queue and can tell its place in it ("waiting for a free
slot, 2nd in line"). The cap is read from the environment variable
``NNPLAY_MAX_TRAININGS`` (default: the number of CPU cores).
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable

ENV_MAX_TRAININGS = "NNPLAY_MAX_TRAININGS"

_POLL_S = 0.1  # how often a waiting training checks whether it was cancelled


def default_capacity() -> int:
    """The cap from ``NNPLAY_MAX_TRAININGS``, else the number of CPU cores.

    A value that is not a positive integer is ignored.
    """
    raw = os.environ.get(ENV_MAX_TRAININGS, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    return max(1, os.cpu_count() or 1)


class TrainingSlots:
    """A fair (FIFO) counting semaphore that can say who is waiting.

    Parameters
    ----------
    capacity : int
        How many trainings may run at once (at least 1).
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self.capacity = capacity
        self._cond = threading.Condition()
        self._running = 0
        self._queue: deque[object] = deque()

    @property
    def running(self) -> int:
        """How many slots are taken now."""
        with self._cond:
            return self._running

    @property
    def waiting(self) -> int:
        """How many trainings wait for a slot."""
        with self._cond:
            return len(self._queue)

    def position(self, ticket: object) -> int | None:
        """Place of ``ticket`` in the queue (1 = next), or ``None`` if it does not wait."""
        with self._cond:
            for place, waiting in enumerate(self._queue, start=1):
                if waiting is ticket:
                    return place
        return None

    def acquire(self, ticket: object, cancelled: Callable[[], bool] = lambda: False) -> bool:
        """Wait for a slot, in order of arrival.

        Parameters
        ----------
        ticket : object
            Any object that identifies the caller in :meth:`position`.
        cancelled : callable
            Polled while waiting; when it returns true the caller leaves the queue.

        Returns
        -------
        bool
            ``True`` once a slot is held (give it back with :meth:`release`),
            ``False`` if the wait was cancelled.
        """
        with self._cond:
            self._queue.append(ticket)
            try:
                while not (self._queue[0] is ticket and self._running < self.capacity):
                    if cancelled():
                        return False
                    self._cond.wait(_POLL_S)
                self._running += 1
                return True
            finally:
                self._queue.remove(ticket)
                self._cond.notify_all()

    def release(self) -> None:
        """Give a slot back."""
        with self._cond:
            if self._running == 0:
                raise RuntimeError("release() without acquire()")
            self._running -= 1
            self._cond.notify_all()


_server_slots: TrainingSlots | None = None
_server_lock = threading.Lock()


def server_slots() -> TrainingSlots:
    """The slots shared by every session of this server process (created once)."""
    global _server_slots
    with _server_lock:
        if _server_slots is None:
            _server_slots = TrainingSlots(default_capacity())
        return _server_slots
