"""Subplot grids: every cell's paper domain lies in [0, 1], for every grid a page draws."""

from __future__ import annotations

import numpy as np
import pytest

from nnplay import xor_lab
from nnplay.charts import keras_training, xor
from nnplay.charts.grid import grid_domains, spans
from nnplay.charts.theme import theme_for

GALLERY_SIZES = range(1, 17)  # the page shows up to 12 (fewer mistakes); 16 leaves room
GALLERY_COLUMNS = (1, 2, 3, 4)  # the page uses 4, and 3 in presenter mode
GAPS = [(0.0, 0.0), (0.04, 0.08), (0.04, 0.06), (0.3, 0.5)]  # none, XOR, gallery, too wide


def overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return max(a[0], b[0]) < min(a[1], b[1])


def assert_cells_valid(cells) -> None:
    for x, y in cells:
        for lo, hi in (x, y):
            assert 0 <= lo < hi <= 1, (lo, hi)
    for i, (x, y) in enumerate(cells):
        for other_x, other_y in cells[i + 1 :]:
            assert not (overlap(x, other_x) and overlap(y, other_y)), (x, y, other_x, other_y)


@pytest.mark.parametrize(("gap_x", "gap_y"), GAPS)
def test_grid_domains_stay_in_the_unit_square_for_every_grid(gap_x, gap_y):
    for items in range(1, 65):
        for columns in range(1, 13):
            rows = -(-items // columns)
            cells = grid_domains(rows, columns, gap_x=gap_x, gap_y=gap_y)
            assert len(cells) == rows * columns
            assert_cells_valid(cells)
            # the cells reach every edge of the figure
            (x_first, y_first), (x_last, y_last) = cells[0], cells[-1]
            assert (x_first[0], y_first[1], x_last[1], y_last[0]) == (0, 1, 1, 0)


def test_grid_domains_run_row_by_row_from_the_top_left():
    cells = grid_domains(2, 3, gap_x=0.04, gap_y=0.08)
    xs = [x for x, _ in cells]
    ys = [y for _, y in cells]
    assert xs[:3] == xs[3:] and xs[0][1] < xs[1][0] < xs[1][1] < xs[2][0]
    assert ys[0] == ys[1] == ys[2] and ys[3] == ys[4] == ys[5] and ys[3][1] < ys[0][0]
    # the rounding that broke the XOR page: 1 - 2 * 0.46 - 0.08 is -5.6e-17, not 0
    assert ys[3][0] == 0.0


def test_spans_share_a_stretch_by_weight_and_clamp_it():
    bars, image = spans(2, 0.02, start=0.5, end=1.0, weights=(0.52, 0.48))
    assert bars[0] == 0.5 and image[1] == 1.0
    assert bars[1] == pytest.approx(0.5 + 0.48 * 0.52) and image[0] == pytest.approx(bars[1] + 0.02)
    assert spans(3, 0.1, start=-0.2, end=1.3) == spans(3, 0.1)
    for lo, hi in spans(3, 0.0, start=0.4, end=0.4):
        assert lo == hi == 0.4
    with pytest.raises(ValueError):
        spans(0, 0.1)
    with pytest.raises(ValueError):
        spans(2, 0.1, weights=(1.0,))


def figure_cells(fig) -> list:
    """The (x, y) domains of a figure's subplots, checked valid; the figure serialises."""
    layout = fig.to_dict()["layout"]
    cells = [
        (tuple(value["domain"]), tuple(layout["y" + key[1:]]["domain"]))
        for key, value in layout.items()
        if key.startswith("xaxis")
    ]
    assert_cells_valid(cells)
    fig.to_json()
    return cells


@pytest.mark.parametrize("presenter", [False, True])
@pytest.mark.parametrize("units", range(1, xor_lab.MAX_HIDDEN_UNITS + 1))
def test_hidden_units_figure_builds_for_every_slider_value(units, presenter):
    model = xor_lab.train(xor_lab.Settings(hidden_units=units, epochs=50))
    fig = xor.hidden_units_figure(
        model, theme_for(presenter), class_names=["0", "1"], unit_label="unit"
    )
    assert len(figure_cells(fig)) == units


@pytest.mark.parametrize("presenter", [False, True])
@pytest.mark.parametrize("columns", GALLERY_COLUMNS)
@pytest.mark.parametrize("n", GALLERY_SIZES)
def test_gallery_figure_builds_for_every_size_and_column_count(n, columns, presenter):
    rng = np.random.default_rng(n)
    proba = rng.dirichlet(np.ones(3), size=n)
    fig = keras_training.gallery_figure(
        rng.random((n, 8, 8)),
        rng.integers(0, 3, size=n),
        proba,
        ["a", "b", "c"],
        theme_for(presenter),
        columns=columns,
    )
    assert len(figure_cells(fig)) == 2 * n  # an image and its bars
