"""Evaluation, predictions and the figures of the training page; real-data trainings."""

from __future__ import annotations

import numpy as np
import pytest

from nnplay.charts import keras_training as charts
from nnplay.charts.theme import NORMAL
from nnplay.keras_lab import evaluate


def test_a_sigmoid_output_becomes_two_class_probabilities():
    proba = evaluate.class_probabilities(np.array([[0.2], [0.9]]))
    np.testing.assert_allclose(proba, [[0.8, 0.2], [0.1, 0.9]])
    softmax = np.array([[0.1, 0.7, 0.2]])
    np.testing.assert_array_equal(evaluate.class_probabilities(softmax), softmax)
    np.testing.assert_array_equal(evaluate.class_labels(np.eye(3)[[2, 0]]), [2, 0])


def test_most_confident_mistakes_come_first():
    proba = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8], [0.3, 0.7], [0.99, 0.01]])
    actual = np.array([0, 1, 0, 1, 1])
    predicted = proba.argmax(axis=1)
    results = evaluate.ClassificationResults(proba, predicted, actual, np.zeros((2, 2)))
    assert results.accuracy == pytest.approx(0.4)
    # wrong: 1 (0.6), 2 (0.8), 4 (0.99) -> most confident first
    assert results.most_confident_mistakes(2).tolist() == [4, 2]


def test_regression_residuals_and_the_mean_baseline():
    results = evaluate.RegressionResults(np.array([1.0, 2.0, 4.0]), np.array([1.0, 3.0, 3.0]), 2.0)
    np.testing.assert_array_equal(results.residuals, [0.0, 1.0, -1.0])
    assert results.mse == pytest.approx(2 / 3)
    assert results.mae == pytest.approx(2 / 3)
    assert results.baseline_mse == pytest.approx((1 + 1 + 1) / 3)


def test_history_as_rows_and_csv():
    history = {"loss": [0.5, 0.4], "val_loss": [0.6, 0.5], "accuracy": [0.8, 0.9]}
    rows = evaluate.history_rows(history)
    assert rows[1] == {"epoch": 2, "accuracy": 0.9, "loss": 0.4, "val_loss": 0.5}
    csv = evaluate.history_csv(history).splitlines()
    assert csv[0] == "epoch,accuracy,loss,val_loss"
    assert csv[2] == "2,0.9,0.4,0.5"


def test_curve_figure_draws_training_validation_and_the_live_epoch():
    history = {"loss": [1.0, 0.5], "val_loss": [0.9, 0.6]}
    labels = dict(title="loss", train_label="t", validation_label="v", epoch_label="e")
    fig = charts.curve_figure(history, "loss", NORMAL, live=(2.5, 0.4), live_label="l", **labels)
    assert [trace.name for trace in fig.data] == ["t", "v", "l"]
    assert list(fig.data[0].x) == [1, 2] and list(fig.data[1].y) == [0.9, 0.6]
    assert list(fig.data[2].x) == [2, 2.5] and list(fig.data[2].y) == [0.5, 0.4]
    shifted = charts.curve_figure(history, "loss", NORMAL, shift_train=True, **labels)
    assert list(shifted.data[0].x) == [0.5, 1.5] and list(shifted.data[1].x) == [1, 2]


def test_gallery_marks_right_and_wrong_and_confusion_counts():
    images = np.zeros((2, 28, 28))
    proba = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    fig = charts.gallery_figure(images, np.array([0, 1]), proba, ["a", "b", "c"], NORMAL)
    titles = [a.text for a in fig.layout.annotations]
    assert titles[0].startswith("<b>✓ a 70%") and titles[1].startswith("<b>✗ c 60%")
    assert len(fig.data) == 4  # an image and its bars per example
    confusion = np.array([[5, 1], [2, 7]])
    fig = charts.confusion_figure(
        confusion, ["x", "y"], NORMAL, predicted_label="p", actual_label="a"
    )
    wrong, right = (np.asarray(trace.text) for trace in fig.data)  # mistakes, right answers
    assert np.array_equal(np.where(wrong == "", right, wrong).astype(int), confusion)


def test_weight_figures_stay_small_for_large_layers():
    kernel = np.random.default_rng(0).normal(size=(784, 300))
    fig = charts.weights_heatmap_figure(kernel, NORMAL, inputs_label="i", units_label="u")
    assert np.asarray(fig.data[0].z).shape == (100, 100)
    fig = charts.weights_histogram_figure(
        kernel, np.zeros(300), NORMAL, weights_label="w", bias_label="b", value_label="v"
    )
    assert sum(fig.data[0].y) == kernel.size and sum(fig.data[1].y) == 300


# --------------------------------------------------------------------------- real data


def _train(spec, epochs):
    import keras

    from nnplay.keras_lab import build, data
    from nnplay.keras_lab.slots import TrainingSlots
    from nnplay.keras_lab.training import FINISHED, FitData, FitOptions, TrainingRun

    keras.utils.set_random_seed(42)
    lab = data.load(spec.dataset)
    run = TrainingRun(
        build.build_model(spec),
        FitData(lab.X_train, lab.y_train, lab.X_valid, lab.y_valid),
        slots=TrainingSlots(1),
    )
    run.start(FitOptions(epochs=epochs, batch_size=32))
    assert run.wait(120)
    assert run.state == FINISHED, run.progress()
    return run, lab


@pytest.mark.slow
def test_a_short_training_on_the_fashion_mnist_sample_beats_70_percent(shared_data_env):
    from nnplay.keras_lab.spec import book_model

    run, lab = _train(book_model(), epochs=10)
    assert len(lab.X_train) < 2000  # the sample, not a download
    scores = evaluate.evaluate(run.model, lab.X_test, lab.y_test)
    results = evaluate.classification_results(run.model, lab.X_test, lab.y_test, 10)
    assert scores["accuracy"] > 0.70
    assert results.accuracy == pytest.approx(scores["accuracy"], abs=1e-6)
    assert results.confusion.sum() == len(lab.y_test)
    assert np.trace(results.confusion) == results.correct.sum()
    # the saved model predicts what the trained one does
    again = evaluate.load_model_bytes(evaluate.model_bytes(run.model))
    np.testing.assert_allclose(
        evaluate.predict(again, lab.X_test[:5]),
        evaluate.predict(run.model, lab.X_test[:5]),
        atol=1e-6,
    )
    run.close()


@pytest.mark.slow
def test_california_housing_ends_below_the_mse_of_predicting_the_mean(shared_data_env):
    from nnplay.keras_lab.spec import regression_model

    run, lab = _train(regression_model(), epochs=5)
    results = evaluate.regression_results(
        run.model, lab.X_test, lab.y_test, float(np.mean(lab.y_train))
    )
    scores = evaluate.evaluate(run.model, lab.X_test, lab.y_test)
    assert scores["loss"] == pytest.approx(results.mse, rel=1e-3)
    assert results.mse < 0.6 * results.baseline_mse
    run.close()
