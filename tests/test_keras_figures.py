"""The Keras lab's pictures: probe grid, decision surface, network diagram, confusion colours,
and the texts and class names that follow the data set (no TensorFlow, no streamlit)."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from plotly.colors import find_intermediate_color, hex_to_rgb, unlabel_rgb

from nnplay import i18n
from nnplay.charts import keras_lab as lab_charts
from nnplay.charts import keras_training as charts
from nnplay.charts.theme import NORMAL, PRESENTER
from nnplay.keras_lab import surface
from nnplay.keras_lab.spec import DATASETS

# --------------------------------------------------------------------------- probe grid


def test_probe_grid_covers_the_data_with_a_margin_row_by_row():
    X = np.array([[0.0, -1.0], [2.0, 3.0], [1.0, 1.0]])
    grid = surface.probe_grid(X, size=5, margin=0.25)
    np.testing.assert_allclose(grid.xs, np.linspace(-0.5, 2.5, 5))
    np.testing.assert_allclose(grid.ys, np.linspace(-2.0, 4.0, 5))
    assert grid.points.shape == (25, 2) and grid.points.dtype == np.float32
    assert grid.shape == (5, 5)
    # row i is ys[i], column j is xs[j]
    np.testing.assert_allclose(grid.points[1 * 5 + 3], [grid.xs[3], grid.ys[1]])
    points, xs, _ = surface.probe_grid(np.zeros((4, 2)), size=3)  # one value: ±0.5
    assert points.shape == (9, 2)
    np.testing.assert_allclose(xs, [-0.5, 0.0, 0.5])
    with pytest.raises(ValueError):
        surface.probe_grid(np.zeros((4, 3)))


def test_grid_probabilities_from_sigmoid_and_softmax_outputs():
    sigmoid = np.linspace(0, 1, 6)[:, None]
    proba = surface.grid_probabilities(sigmoid, (2, 3))
    assert proba.shape == (2, 3, 2)
    np.testing.assert_allclose(proba[..., 1].ravel(), sigmoid.ravel())
    np.testing.assert_allclose(proba.sum(axis=2), 1.0)
    softmax = np.full((6, 3), 1 / 3)
    assert surface.grid_probabilities(softmax, (3, 2)).shape == (3, 2, 3)


def test_only_the_two_feature_sets_get_a_surface():
    two = {name for name, info in DATASETS.items() if surface.is_two_dimensional(info.input_shape)}
    assert two == {"moons", "xor"}
    kinds = {name: info.kind for name, info in DATASETS.items()}
    assert kinds == {
        "fashion_mnist": "images",
        "california_housing": "table",
        "iris": "table",
        "moons": "points",
        "xor": "points",
    }


# --------------------------------------------------------------------------- decision surface


def _points(n=40, classes=2, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, 2)), rng.integers(0, classes, n)


def test_binary_surface_is_p_of_class_1_on_the_grid_with_its_points():
    X, y = _points()
    grid = surface.probe_grid(X, size=60)
    outputs = 1 / (1 + np.exp(-grid.points[:, :1]))  # like model.predict: (3600, 1)
    fig = lab_charts.decision_surface_figure(
        grid.xs, grid.ys, outputs, X, y, ["a", "b"], NORMAL, probability_label="P(b)"
    )
    heat, contour, *points = fig.data
    z = np.asarray(heat.z)
    assert heat.type == "heatmap" and z.shape == (60, 60)
    assert (heat.zmin, heat.zmax) == (0.0, 1.0) and 0.0 <= z.min() and z.max() <= 1.0
    np.testing.assert_allclose(heat.x, grid.xs) and np.testing.assert_allclose(heat.y, grid.ys)
    # P(class 1) grows with x₁ here: along a row, not along a column
    assert z[0, -1] > 0.9 > 0.1 > z[0, 0] and z[0, 0] == pytest.approx(z[-1, 0], abs=1e-3)
    assert heat.colorbar.title.text == "P(b)"
    assert contour.type == "contour" and contour.contours.start == 0.5
    assert [p.name for p in points] == ["a", "b"]
    assert sum(len(p.x) for p in points) == len(X)
    assert points[0].marker.color == lab_charts.BINARY_POINTS[0]
    # the same picture from P(class 1) laid out as the grid, or from both columns
    again = lab_charts.decision_surface_figure(
        grid.xs, grid.ys, outputs.reshape(60, 60), X, y, ["a", "b"], NORMAL
    )
    np.testing.assert_array_equal(np.asarray(again.data[0].z), z)


def test_multiclass_surface_shades_each_classes_region_in_its_colour():
    X, y = _points(classes=3)
    grid = surface.probe_grid(X, size=30)
    logits = np.column_stack([grid.points[:, 0], grid.points[:, 1], -grid.points.sum(axis=1)])
    softmax = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    names = ["setosa", "versicolor", "virginica"]
    fig = lab_charts.decision_surface_figure(grid.xs, grid.ys, softmax, X, y, names, PRESENTER)
    regions, points = fig.data[:3], fig.data[3:]
    winner = softmax.argmax(axis=1).reshape(30, 30)
    for c, region in enumerate(regions):
        z = np.asarray(region.z, dtype=float)
        assert z.shape == (30, 30)
        np.testing.assert_array_equal(~np.isnan(z), winner == c)  # its region only
        shown = z[~np.isnan(z)]
        assert shown.min() >= 1 / 3 - 1e-3 and shown.max() <= 1.0  # confidence
        colour = lab_charts.CLASS_COLORS[c]
        low, high = region.colorscale
        rgb = "rgba({}, {}, {}, ".format(*hex_to_rgb(colour))
        assert low[1].startswith(rgb) and high[1].startswith(rgb)  # alpha by confidence
        assert float(high[1].split(",")[-1].rstrip(")")) > float(low[1].split(",")[-1][:-1])
        assert points[c].marker.color == colour and points[c].name == names[c]
    assert not any(trace.showscale for trace in regions)


# --------------------------------------------------------------------------- network diagram


def test_network_diagram_summarises_large_layers_and_says_the_sizes():
    fig = lab_charts.network_figure(
        [784, 300, 100, 10],
        ["in", "hidden1", "hidden2", "output"],
        ["", "235,500 params", "30,100 params", "1,010 params"],
        NORMAL,
    )
    assert fig.layout.title.text == "784 → 300 → 100 → 10"
    texts = [a.text for a in fig.layout.annotations]
    assert "<b>300</b><br>235,500 params" in texts
    neurons = [t for t in fig.data if t.mode == "markers" and t.hoverinfo != "skip"]
    assert [len(t.y) for t in neurons] == [6, 6, 6, 6]  # 3 + dots + 3 for each large layer
    small = lab_charts.network_figure([2, 8, 1], ["in", "h", "out"], ["", "", ""], NORMAL)
    neurons = [t for t in small.data if t.mode == "markers" and t.hoverinfo != "skip"]
    assert [len(t.y) for t in neurons] == [2, 6, 1]
    assert lab_charts.neuron_slots(5) == ([0, 1, 2, 3, 4], False)
    assert lab_charts.neuron_slots(300) == ([0, 1, 2, 4, 5, 6], True)


# --------------------------------------------------------------------------- confusion matrix


def _colour(colorscale, z, zmin, zmax) -> tuple[float, ...]:
    (_, low), (_, high) = colorscale
    share = (z - zmin) / (zmax - zmin)
    return find_intermediate_color(hex_to_rgb(low), hex_to_rgb(high), share)


def test_confusion_colours_share_one_labelled_scale():
    confusion = np.array([[50, 9, 8], [3, 0, 1], [0, 1, 60]])
    fig = charts.confusion_figure(
        confusion,
        ["x", "y", "z"],
        NORMAL,
        predicted_label="p",
        actual_label="a",
        right_label="right",
        wrong_label="wrong",
    )
    wrong, right = fig.data
    assert (wrong.zmin, wrong.zmax) == (right.zmin, right.zmax)  # one scale
    assert wrong.colorbar.title.text == "wrong" and right.colorbar.title.text == "right"
    assert list(wrong.colorbar.ticktext)[-1] == "60"  # labelled in counts, up to the largest
    np.testing.assert_allclose(np.square(wrong.colorbar.tickvals), [0, 1, 5, 10, 20, 60])
    z_wrong, z_right = np.asarray(wrong.z, float), np.asarray(right.z, float)
    assert np.isnan(np.diag(z_wrong)).all() and not np.isnan(np.diag(z_right)).any()
    # 9 mistakes are a little darker than 8, not black against white
    nine = _colour(wrong.colorscale, z_wrong[0, 1], wrong.zmin, wrong.zmax)
    eight = _colour(wrong.colorscale, z_wrong[0, 2], wrong.zmin, wrong.zmax)
    assert sum(nine) < sum(eight) and sum(eight) - sum(nine) < 40
    # a class never predicted right is white on the diagonal, not green
    white = _colour(right.colorscale, z_right[1, 1], right.zmin, right.zmax)
    assert white == pytest.approx(unlabel_rgb("rgb(255, 255, 255)"))
    assert list(np.asarray(wrong.text)[0]) == ["", "9", "8"]
    assert list(np.asarray(right.text)[1]) == ["", "0", ""]


# --------------------------------------------------------------------------- words


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
def test_layer_texts_follow_the_kind_of_data(lang):
    image_words = {"en": "image", "ko": "이미지"}[lang]
    texts = {
        kind: i18n.translate(f"keras_builder.layers_intro_{kind}", lang, features=8)
        for kind in ("images", "table", "points")
    }
    assert image_words in texts["images"].lower()
    assert image_words not in texts["table"].lower() and "8" in texts["table"]
    assert image_words not in texts["points"].lower()


def test_fashion_class_names_are_translated_and_the_code_keeps_english():
    from nnplay.keras_lab import codegen, data
    from nnplay.keras_lab.spec import book_model

    for lang in i18n.LANGUAGES:
        names = [
            i18n.translate(f"keras_lab.class_fashion_mnist_{i}", lang)
            for i in range(len(data.FASHION_CLASS_NAMES))
        ]
        if lang == "en":
            assert names == data.FASHION_CLASS_NAMES
        else:
            assert not set(names) & set(data.FASHION_CLASS_NAMES)
    code = codegen.generate_code(book_model())
    assert json.dumps(data.FASHION_CLASS_NAMES[:5])[1:-1] in code


def _polylines(svg: str) -> dict[str, np.ndarray]:
    """Each polyline's points, by its ``data-name``."""
    found = {}
    for name, points in re.findall(r'<polyline points="([^"]*)"[^>]*data-name="([^"]*)"', svg):
        found[points] = np.array([p.split(",") for p in name.split()], dtype=float)
    return found


@pytest.mark.parametrize("theme", [NORMAL, PRESENTER])
def test_the_live_curve_svg_draws_what_the_figure_draws(theme):
    history = {"loss": [0.9, 0.5, 0.7, 0.2], "val_loss": [1.0, 0.6, 0.65, 0.3]}
    texts = dict(
        title="Loss",
        train_label="train",
        validation_label="validation",
        epoch_label="epoch",
        live_label="live",
    )
    svg = charts.curve_svg(history, "loss", theme, live=(4.5, 0.1), **texts)
    assert svg.startswith('<svg class="nnplay-curve"') and "\n" not in svg
    lines = _polylines(svg)
    assert set(lines) == {"train", "validation", "live"}
    train, val = lines["train"], lines["validation"]
    # one point per epoch, left to right; a higher loss is drawn higher (smaller y)
    assert len(train) == 4 and np.all(np.diff(train[:, 0]) > 0)
    assert np.argsort(-train[:, 1]).tolist() == np.argsort(history["loss"]).tolist()
    np.testing.assert_allclose(val[:, 0], train[:, 0])  # both at the end of each epoch
    # the live segment starts at the last finished epoch and goes on to 4.5, lower
    live = lines["live"]
    np.testing.assert_allclose(live[0], train[-1])
    assert live[1, 0] > train[-1, 0] and live[1, 1] > train[-1, 1]
    # the loss axis starts at zero: the smallest label is 0
    labels = re.findall(r'text-anchor="end"[^>]*>([^<]*)</text>', svg)
    assert labels[0] == "0" and float(labels[-1]) == pytest.approx(1.0)
    # shifted: training values half an epoch to the left, validation where it was
    plain = _polylines(charts.curve_svg(history, "loss", theme, **texts))
    shifted = _polylines(charts.curve_svg(history, "loss", theme, shift_train=True, **texts))
    half = (plain["train"][1, 0] - plain["train"][0, 0]) / 2
    np.testing.assert_allclose(shifted["train"][:, 0] + half, plain["train"][:, 0], atol=0.11)
    np.testing.assert_allclose(shifted["validation"], plain["validation"])


def test_the_live_curve_svg_handles_a_start_a_nan_and_a_long_run():
    texts = dict(title="t", train_label="a", validation_label="b", epoch_label="e", live_label="l")
    first = charts.curve_svg({}, "accuracy", NORMAL, live=(0.3, 0.5), **texts)
    assert "nnplay-curve" in first  # no finished epoch yet, only the epoch in progress
    broken = charts.curve_svg({"loss": [1.0, float("nan")]}, "loss", NORMAL, **texts)
    assert not re.search(r"\bnan\b", broken, re.IGNORECASE)
    long_run = charts.curve_svg({"loss": list(np.linspace(1, 0.1, 500))}, "loss", NORMAL, **texts)
    assert long_run.count("<circle") == 0 and len(_polylines(long_run)["a"]) == 500
    short_run = charts.curve_svg({"loss": [1.0, 0.5]}, "loss", NORMAL, **texts)
    assert short_run.count("<circle") == 2
