"""The perceptron's pictures in inline SVG: the boundary shows what the model predicts,
the bars its mistakes."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from nnplay import datasets
from nnplay import perceptron_lab as lab
from nnplay.charts.perceptron import BINARY_COLORS, CLASS_COLORS, region_polygons, view
from nnplay.charts.perceptron_svg import boundary_svg, errors_svg, nice_ticks
from nnplay.charts.theme import NORMAL, PRESENTER

IRIS = datasets.iris()
SVG = "{http://www.w3.org/2000/svg}"
MARKERS = {f"{SVG}circle", f"{SVG}rect", f"{SVG}polygon"}


def _inside(polygon: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Whether each point lies strictly inside a convex polygon (either orientation)."""
    edges = np.roll(polygon, -1, axis=0) - polygon
    rel = points[:, None, :] - polygon[None, :, :]
    cross = edges[None, :, 0] * rel[..., 1] - edges[None, :, 1] * rel[..., 0]
    return (cross > 1e-9).all(axis=1) | (cross < -1e-9).all(axis=1)


def _area(polygon: np.ndarray) -> float:
    x, y = polygon[:, 0], polygon[:, 1]
    return 0.5 * abs(float(x @ np.roll(y, -1) - y @ np.roll(x, -1)))


def _trained(positive: str, **kw):
    settings = lab.Settings(positive=positive, **kw)
    model = lab.train(IRIS, settings)
    X, y = lab.task(IRIS, settings)
    return model, X, y


@pytest.mark.parametrize(
    ("positive", "features"),
    [("setosa", (2, 3)), ("versicolor", (2, 3)), ("all", (2, 3)), ("all", (0, 1))],
)
def test_shaded_polygons_are_the_models_predictions(positive, features):
    model, X, y = _trained(positive, x_feature=features[0], y_feature=features[1])
    xr, yr = view(X)
    polygons = region_polygons(model.coef_, model.intercept_, xr, yr)
    assert len(polygons) == len(set(y))
    rng = np.random.default_rng(0)
    points = np.column_stack([rng.uniform(*xr, 4000), rng.uniform(*yr, 4000)])
    predicted = np.searchsorted(model.classes_, model.predict(points))
    owners = np.full(len(points), -1)
    for k, polygon in enumerate(polygons):
        if polygon is not None:
            inside = _inside(polygon, points)
            assert not (owners[inside] >= 0).any()  # the polygons do not overlap
            owners[inside] = k
    known = owners >= 0  # points on a boundary (to 1e-9) belong to neither
    assert known.mean() > 0.99
    np.testing.assert_array_equal(owners[known], predicted[known])
    # together they cover the view
    total = sum(_area(p) for p in polygons if p is not None)
    assert total == pytest.approx((xr[1] - xr[0]) * (yr[1] - yr[0]))


@pytest.mark.parametrize(
    ("W", "B", "owner"),
    [
        ([[0.0, 0.0]], [0.0], 1),  # z = 0 everywhere: heaviside(0) = 1
        ([[0.0, 0.0]], [-0.5], 0),
        (np.zeros((3, 2)), np.zeros(3), 0),  # equal outputs: the first wins (argmax)
        ([[0.0, 0.0], [0.0, 0.0], [0.0, 0.0]], [0.0, 1.0, 1.0], 1),
    ],
)
def test_weights_of_zero_give_the_whole_view_to_one_class(W, B, owner):
    polygons = region_polygons(W, B, [0.0, 4.0], [0.0, 2.0])
    assert [k for k, p in enumerate(polygons) if p is not None] == [owner]
    assert _area(polygons[owner]) == pytest.approx(8.0)


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def _samples(root) -> list[tuple[str, float, float, str]]:
    """(class colour, centre x, centre y, tooltip) of every sample marker."""
    out = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != "samples":
            continue
        for marker in group:
            if marker.tag == f"{SVG}circle":
                cx, cy = float(marker.get("cx")), float(marker.get("cy"))
            elif marker.tag == f"{SVG}rect":
                cx = float(marker.get("x")) + float(marker.get("width")) / 2
                cy = float(marker.get("y")) + float(marker.get("height")) / 2
            else:
                corners = np.array(
                    [[float(v) for v in c.split(",")] for c in marker.get("points").split()]
                )
                cx, cy = corners.mean(axis=0)
            out.append((group.get("fill"), cx, cy, marker.find(f"{SVG}title").text))
    return out


def _lines(root, kind: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """Ends of every line in the groups of ``kind`` ("boundary" or "previous")."""
    out = []
    for group in root.iter(f"{SVG}g"):
        if group.get("class") != kind:
            continue
        for line in group.iter(f"{SVG}line"):
            ends = [float(line.get(k)) for k in ("x1", "y1", "x2", "y2")]
            out.append((line.get("class") or "line", np.array(ends[:2]), np.array(ends[2:])))
    return out


def _side(p0, p1, points) -> np.ndarray:
    d = p1 - p0
    return np.sign(d[0] * (points[:, 1] - p0[1]) - d[1] * (points[:, 0] - p0[0]))


@pytest.mark.parametrize("positive", ["setosa", "versicolor"])
def test_the_drawn_line_splits_the_samples_as_the_model_does(positive):
    model, X, y = _trained(positive)
    names = ["rest", positive]
    root = _parse(
        boundary_svg(X, y, names, ("x", "y"), model.coef_, model.intercept_, NORMAL, width_px=580)
    )
    samples = _samples(root)
    assert len(samples) == len(X)
    assert {fill for fill, *_ in samples} == set(BINARY_COLORS)
    # every sample drawn in its class's colour, with its values as a tooltip (class by class)
    order = np.argsort(y, kind="stable")
    for (fill, *_, tip), label, point in zip(samples, y[order], X[order], strict=True):
        assert fill == BINARY_COLORS[label]
        assert tip == f"{names[label]} ({point[0]:g}, {point[1]:g})"
    lines = _lines(root, "boundary")
    boundary = [(a, b) for kind, a, b in lines if kind == "line"]
    ((arrow_start, arrow_end),) = [(a, b) for kind, a, b in lines if kind == "weights"]
    assert len(boundary) == 1
    p0, p1 = boundary[0]
    drawn = np.array([(cx, cy) for _, cx, cy, _ in samples])
    sides = _side(p0, p1, drawn)
    predicted = model.predict(X[order]) == model.classes_[1]
    # one side of the drawn line is the positive class, the other the rest
    positive_side = _side(p0, p1, arrow_end[None])[0]  # the weight vector points into it
    assert positive_side != 0
    np.testing.assert_array_equal(sides == positive_side, predicted)
    # the arrow starts on the line (to the drawing's rounding) and is square to it
    d, a = p1 - p0, arrow_end - arrow_start
    assert abs(d[0] * (arrow_start - p0)[1] - d[1] * (arrow_start - p0)[0]) / np.hypot(*d) < 0.3
    assert abs(d @ a) / (np.hypot(*d) * np.hypot(*a)) < 0.01


def test_three_classes_a_line_and_arrow_per_neuron_and_three_shades():
    model, X, y = _trained("all")
    svg = boundary_svg(
        X, y, ["a", "b", "c"], ("x", "y"), model.coef_, model.intercept_, NORMAL, width_px=580
    )
    root = _parse(svg)
    regions = [p for p in root.iter(f"{SVG}polygon") if p.get("class") == "region"]
    assert sorted(p.get("fill") for p in regions) == sorted(CLASS_COLORS)
    kinds = [kind for kind, *_ in _lines(root, "boundary")]
    assert kinds.count("weights") == 3
    assert "a" in svg and "b" in svg and "c" in svg


def test_a_step_shows_the_sample_and_the_weights_before_it():
    model, X, y = _trained("versicolor")
    trace = model.trace_
    step = int(np.flatnonzero(trace.updated)[3])  # an update
    svg = boundary_svg(
        X, y, ["rest", "versicolor"], ("x", "y"), trace.w[step + 1], trace.b[step + 1],
        NORMAL, width_px=480, sample=int(trace.sample[step]),
        previous=(trace.w[step], trace.b[step]), title="step",
    )  # fmt: skip
    root = _parse(svg)
    rings = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "sample"]
    assert len(rings) == 1
    drawn = {(round(cx, 1), round(cy, 1)) for _, cx, cy, _ in _samples(root)}
    assert (float(rings[0].get("cx")), float(rings[0].get("cy"))) in drawn
    previous = [g for g in root.iter(f"{SVG}g") if g.get("class") == "previous"]
    assert len(previous) == 1 and previous[0].get("stroke-dasharray")
    assert root.get("aria-label") == "step"


def test_weights_of_zero_draw_no_line_and_the_text_follows_the_theme():
    _, X, y = _trained("setosa")
    for theme, width in ((NORMAL, 580), (PRESENTER, 1380)):
        svg = boundary_svg(
            X, y, ["rest", "setosa"], ("x", "y"), np.zeros((1, 2)), np.zeros(1), theme,
            width_px=width,
        )  # fmt: skip
        root = _parse(svg)
        assert not _lines(root, "boundary")
        sizes = {float(t.get("font-size")) for t in root.iter(f"{SVG}text")}
        assert sizes == {theme.tick_size}
        # the viewBox is the width it is drawn for: text is that size in that column
        assert float(root.get("viewBox").split()[2]) == width


def test_names_with_markup_are_escaped():
    _, X, y = _trained("setosa")
    svg = boundary_svg(
        X, y, ["<b>rest</b>", "a & b"], ("x<1", "y"), np.ones((1, 2)), np.ones(1), NORMAL,
        width_px=580,
    )  # fmt: skip
    root = _parse(svg)  # still well-formed
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "<b>rest</b>" in texts and "a & b" in texts and "x<1" in texts


def test_a_long_legend_wraps_inside_the_picture():
    _, X, y = _trained("all")
    names = ["부채붓꽃 (setosa)", "버시컬러 (versicolor)", "버지니카 (virginica)"]
    one_row = _parse(
        boundary_svg(X, y, names, ("x", "y"), np.zeros((3, 2)), np.zeros(3), NORMAL, width_px=900)
    )
    narrow = _parse(
        boundary_svg(X, y, names, ("x", "y"), np.zeros((3, 2)), np.zeros(3), NORMAL, width_px=400)
    )

    def legend_rows(root):
        return len({t.get("y") for t in root.iter(f"{SVG}text") if t.get("class") == "legend"})

    assert legend_rows(one_row) == 1 and legend_rows(narrow) >= 2


@pytest.mark.parametrize(
    ("low", "high"), [(0.0, 7.9), (-1.37, 2.2), (0.001, 0.0042), (-50, 900), (-0.4, 3.1)]
)
def test_ticks_are_round_and_inside_the_range(low, high):
    ticks = nice_ticks(low, high)
    assert not any(np.signbit(ticks) & (ticks == 0))  # never a "−0"
    assert 3 <= len(ticks) <= 9
    assert ticks.min() >= low and ticks.max() <= high
    steps = np.diff(ticks)
    np.testing.assert_allclose(steps, steps[0])
    mantissa = steps[0] / 10 ** np.floor(np.log10(steps[0]))
    assert round(mantissa, 6) in (1.0, 2.0, 5.0)


@pytest.mark.parametrize("errors", [[5, 2, 0], [3] * 100 + [0], [0], list(range(40, 0, -1))])
def test_a_bar_per_epoch_as_high_as_its_mistakes(errors):
    errors = np.array(errors)
    root = _parse(errors_svg(errors, NORMAL, ("epoch", "errors"), width_px=384, title="e"))
    bars = list(next(g for g in root.iter(f"{SVG}g") if g.get("class") == "bars"))
    assert len(bars) == len(errors)
    assert [b.find(f"{SVG}title").text for b in bars] == [
        f"{k}: {e}" for k, e in enumerate(errors, start=1)
    ]
    heights = np.array([float(b.get("height")) for b in bars])
    busy = errors > 0
    if busy.any():  # heights in proportion to the counts (to the drawing's rounding)
        ratio = heights[busy] / errors[busy]
        np.testing.assert_allclose(ratio, ratio[0], atol=0.11 / errors[busy].min())
    # an epoch without a mistake: a green sliver on the axis
    for bar in (b for b, e in zip(bars, errors, strict=True) if not e):
        assert bar.get("fill") == "#16a34a" and float(bar.get("height")) <= 2
    xs = [float(b.get("x")) for b in bars]
    assert xs == sorted(xs)
    # whole-number ticks only
    ticks = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "tick"]
    assert ticks and all(t.lstrip("−").isdigit() for t in ticks)
