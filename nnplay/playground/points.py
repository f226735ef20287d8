"""The student's own points: added by clicking, kept as plain tuples, read from and written to CSV.

A point is ``(x1, x2, label)``: a class index for classification, a target in
``[-1, 1]`` for regression. Everything read from a person (a CSV, a click) is
checked here; what is refused is said with a :class:`~nnplay.messages.Message`.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np

from nnplay.messages import Message, Severity
from nnplay.playground.data import EXTENT

Point = tuple[float, float, float]
MAX_POINTS = 1000
"""Most own points a session keeps (more would only slow every epoch down)."""
MAX_CSV_CHARS = 200_000
MAX_UPLOAD_BYTES = 200_000
"""Largest CSV file read (the uploader itself refuses files over 1 MB)."""
CSV_HEADER = ("x1", "x2", "label")


def _number(text: str) -> float:
    value = float(text.strip())
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def check_label(label: float, n_classes: int) -> bool:
    """Whether ``label`` is a class index (``n_classes`` > 0) or a target in ``[-1, 1]`` (0)."""
    if n_classes:
        return float(label).is_integer() and 0 <= label < n_classes
    return -1.0 <= label <= 1.0


def add(
    points: Sequence[Point], x1: float, x2: float, label: float, n_classes: int
) -> tuple[list[Point], list[Message]]:
    """``points`` with one more, or unchanged with a message saying why not.

    Coordinates outside the square are clamped onto it.
    """
    if len(points) >= MAX_POINTS:
        return list(points), [Message("playground.points_full", {"max": MAX_POINTS})]
    if not all(math.isfinite(v) for v in (x1, x2, label)) or not check_label(label, n_classes):
        return list(points), [Message("playground.point_refused")]
    x1, x2 = (float(np.clip(v, -EXTENT, EXTENT)) for v in (x1, x2))
    return [*points, (round(x1, 3), round(x2, 3), float(label))], []


def from_selection(selection: Mapping | None) -> tuple[float, float] | None:
    """The plane coordinates a click selected (plotly's selection state), if any.

    Parameters
    ----------
    selection : mapping or None
        Streamlit's ``PlotlyState`` (``{"selection": {"points": [{"x":..., "y":...}]}}``).
    """
    try:
        found = selection["selection"]["points"]  # type: ignore[index]
        point = found[-1]
        x1, x2 = float(point["x"]), float(point["y"])
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    if not (math.isfinite(x1) and math.isfinite(x2)):
        return None
    return x1, x2


def read_csv(text: str, n_classes: int) -> tuple[list[Point], list[Message]]:
    """Points from CSV text: columns ``x1, x2, label`` (a header line is optional).

    Rows that cannot be read (too few columns, not numbers, a label that is
    not a class of this data set) are skipped and counted; coordinates are
    clamped onto the square. At most :data:`MAX_POINTS` rows are read.

    Returns
    -------
    points : list of tuple
    messages : list of Message
        An error when nothing could be read, a warning for skipped or extra rows.
    """
    if not text or not text.strip():
        return [], [Message("playground.csv_empty")]
    if len(text) > MAX_CSV_CHARS:
        return [], [Message("playground.csv_too_big", {"max": MAX_CSV_CHARS})]
    points: list[Point] = []
    bad, first_bad, extra = 0, 0, 0
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error:
        return [], [Message("playground.csv_unreadable")]
    for number, row in enumerate(rows, start=1):
        cells = [c.strip() for c in row]
        if not any(cells):
            continue
        if number == 1 and cells and cells[0].lower() in ("x1", "x", "x₁"):
            continue  # the header
        try:
            x1, x2, label = (_number(c) for c in cells[:3])
            if len(cells) < 3 or not check_label(label, n_classes):
                raise ValueError(row)
        except ValueError:
            bad += 1
            first_bad = first_bad or number
            continue
        if len(points) >= MAX_POINTS:
            extra += 1
            continue
        x1, x2 = (float(np.clip(v, -EXTENT, EXTENT)) for v in (x1, x2))
        points.append((x1, x2, label))
    messages = []
    if not points:
        messages.append(Message("playground.csv_no_points", {"line": first_bad or 1}))
    elif bad:
        messages.append(
            Message("playground.csv_skipped", {"count": bad, "line": first_bad}, Severity.WARNING)
        )
    if extra:
        messages.append(
            Message("playground.csv_extra", {"count": extra, "max": MAX_POINTS}, Severity.WARNING)
        )
    return points, messages


def read_upload(data: bytes | None, n_classes: int) -> tuple[list[Point], list[Message]]:
    """Points from an uploaded CSV file's bytes: checked, decoded, then read by :func:`read_csv`.

    Parameters
    ----------
    data : bytes or None
        The file's contents (UTF-8, with or without a byte-order mark).
    n_classes : int
        The data set's classes (0: regression), for checking the labels.

    Returns
    -------
    points : list of tuple
    messages : list of Message
        An error for an empty, too large, or not-text file, else :func:`read_csv`'s.
    """
    if not data or not data.strip():
        return [], [Message("playground.csv_file_empty")]
    if len(data) > MAX_UPLOAD_BYTES:
        return [], [Message("playground.csv_file_too_big", {"max": MAX_UPLOAD_BYTES // 1000})]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return [], [Message("playground.csv_file_not_text")]
    if "\x00" in text:
        return [], [Message("playground.csv_file_not_text")]
    return read_csv(text, n_classes)


def write_csv(parts: Iterable[tuple[str, np.ndarray, np.ndarray]]) -> str:
    """CSV text with the columns ``x1, x2, label, part``.

    Parameters
    ----------
    parts : iterable of (str, ndarray, ndarray)
        ``(part name, points (n, 2), labels (n,))``: ``("train", X, y)``...

    Returns
    -------
    str
        What :func:`read_csv` reads back (it ignores the ``part`` column).
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*CSV_HEADER, "part"])
    for name, X, y in parts:
        for (x1, x2), label in zip(np.asarray(X).reshape(-1, 2), np.asarray(y), strict=True):
            value = int(label) if float(label).is_integer() else round(float(label), 6)
            writer.writerow([round(float(x1), 4), round(float(x2), 4), value, name])
    return out.getvalue()


def as_arrays(points: Sequence[Point], n_classes: int) -> tuple[np.ndarray, np.ndarray]:
    """``(X, y)`` of the points that fit this data set (labels checked again)."""
    kept = [p for p in points if check_label(p[2], n_classes)]
    X = np.array([p[:2] for p in kept], dtype=np.float64).reshape(-1, 2)
    dtype = np.int64 if n_classes else np.float64
    return X, np.array([p[2] for p in kept], dtype=dtype)
