"""The training page after training: test scores, history, predictions, confusion
matrix or regression plots, the weights, and downloads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from nnplay import ui
from nnplay.charts import keras_training as charts
from nnplay.charts.keras_lab import decision_surface_figure
from nnplay.keras_lab import evaluate, surface, training
from nnplay.keras_lab import spec as specs
from nnplay.keras_lab.plan import Evaluation, surface_grid
from nnplay.ui import keras_lab

t = ui.t
P = "keras_training"
GALLERY_SIZE = 12
SURFACE_KEY = f"{P}_surface"


def show(found: Evaluation, run: training.TrainingRun, spec: specs.ModelSpec, data) -> None:
    """Everything there is to see of a trained model."""
    st.subheader(t("keras_training.evaluate_heading"))
    scores(found, spec)
    if found.classification is not None and surface.is_two_dimensional(data.input_shape):
        surface_section(run, data)
    with st.expander(t("keras_training.history_heading")):
        history_section(run)
    if found.classification is not None:
        classification_section(found, data, spec)
    else:
        regression_section(found)
    weights_section(run)
    downloads(run, spec)


def model_download(run: training.TrainingRun):
    """A callable for ``st.download_button``: the ``.keras`` file, made on click."""
    model = run.model

    def make() -> bytes:
        return evaluate.model_bytes(model)

    return make


def scores(found: Evaluation, spec: specs.ModelSpec) -> None:
    st.markdown(t("keras_training.evaluate_intro"))
    cells = st.columns(max(2, len(found.scores) + (1 if found.regression else 0)))
    for cell, (name, value) in zip(cells, found.scores.items(), strict=False):
        shown = f"{value:.1%}" if name == "accuracy" else f"{value:.4f}"
        cell.metric(t("keras_training.test_score", name=keras_lab.metric_label(name)), shown)
    if found.regression is not None:
        cells[len(found.scores)].metric(
            t("keras_training.baseline_mse"), f"{found.regression.baseline_mse:.4f}"
        )
        beaten = found.regression.mse < found.regression.baseline_mse
        box = st.success if beaten else st.warning
        box(
            t(
                "keras_training.baseline_beaten"
                if beaten
                else "keras_training.baseline_not_beaten",
                mse=f"{found.regression.mse:.4f}",
                baseline=f"{found.regression.baseline_mse:.4f}",
            )
        )


def probe(run: training.TrainingRun, data) -> tuple[surface.ProbeGrid, np.ndarray]:
    """The probe grid over every part of ``data``, and the model's outputs on it.

    Predicted once per version of the weights (kept in the session).
    """
    key = (id(run), run.version, data.name)
    cached = st.session_state.get(SURFACE_KEY)
    if cached is not None and cached[0] == key:
        return cached[1]
    grid = surface_grid(data)
    found = grid, evaluate.predict(run.model, grid.points)
    st.session_state[SURFACE_KEY] = (key, found)
    return found


def surface_figure(grid: surface.ProbeGrid, outputs: np.ndarray, data):
    """The test points over the model's outputs ``outputs`` on ``grid``."""
    names = keras_lab.class_names(data.name, data.class_names)
    return decision_surface_figure(
        grid.xs,
        grid.ys,
        outputs,
        data.X_test,
        data.y_test,
        names,
        ui.theme(),
        axis_titles=tuple(data.feature_names[:2]) if data.feature_names else ("x₁", "x₂"),
        probability_label=t("keras_lab.surface_probability", name=names[-1]),
    )


def surface_section(run: training.TrainingRun, data) -> None:
    """The test points over the model's probability surface (two-feature sets)."""
    grid, outputs = probe(run, data)
    names = keras_lab.class_names(data.name, data.class_names)
    st.subheader(t("keras_lab.surface_heading"))
    fig = surface_figure(grid, outputs, data)
    if len(names) <= 2:
        text = t("keras_lab.surface_intro_binary", name=names[-1])
    else:
        text = t("keras_lab.surface_intro_multiclass")
    if ui.presenter():
        st.markdown(text)
        ui.plot(fig, key=f"{P}_surface_fig", toolbar=False)
    else:
        picture, words = st.columns([3, 2])
        with picture:
            ui.plot(fig, key=f"{P}_surface_fig", toolbar=False)
        words.markdown(text)


def live_surface(progress: training.Progress, data) -> None:
    """The boundary as it was after the latest epoch, while training runs."""
    if progress.probe_output is None:
        return
    fig = surface_figure(surface_grid(data), progress.probe_output, data)
    st.markdown(f"**{t('keras_lab.surface_live', epoch=progress.probe_epoch)}**")
    ui.plot(fig, key=f"{P}_surface_live", toolbar=False)


def history_section(run: training.TrainingRun) -> None:
    history = run.history()
    rows = evaluate.history_rows(history)
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, width="stretch", height=min(400, 40 + 35 * len(rows))
    )


def classification_section(found: Evaluation, data, spec: specs.ModelSpec) -> None:
    results = found.classification
    names = keras_lab.class_names(data.name, data.class_names) or [
        str(c) for c in range(results.proba.shape[1])
    ]
    images = data.X_test.ndim == 3
    st.subheader(t("keras_training.predictions_heading"))
    st.markdown(t("keras_training.predictions_intro"))
    choices = ["first", "mistakes"]
    which = st.radio(
        t("keras_training.gallery_which"),
        choices,
        horizontal=True,
        format_func=keras_lab.labels(choices, lambda c: t(f"keras_training.gallery_{c}")),
        key=f"{P}_gallery",
    )
    if which == "mistakes":
        picked = results.most_confident_mistakes(GALLERY_SIZE)
        if not len(picked):
            st.success(t("keras_training.no_mistakes"))
    else:
        picked = list(range(min(GALLERY_SIZE, len(results.actual))))
    if images and len(picked):
        fig = charts.gallery_figure(
            data.X_test[picked],
            results.actual[picked],
            results.proba[picked],
            names,
            ui.theme(),
            columns=3 if ui.presenter() else 4,
            true_label=t("keras_training.true_class"),
        )
        ui.plot(fig, key=f"{P}_gallery_fig", toolbar=False)
    elif len(picked):
        table = pd.DataFrame(data.X_test[picked], columns=data.feature_names or None)
        table[t("keras_training.col_actual")] = [names[i] for i in results.actual[picked]]
        table[t("keras_training.col_predicted")] = [names[i] for i in results.predicted[picked]]
        table[t("keras_training.col_right")] = [
            "✓" if ok else "✗" for ok in results.correct[picked]
        ]
        for c, name in enumerate(names):
            table[f"P({name})"] = results.proba[picked, c].round(3)
        st.dataframe(table, hide_index=True, width="stretch")
    st.subheader(t("keras_training.confusion_heading"))
    st.markdown(t("keras_training.confusion_intro", accuracy=f"{results.accuracy:.1%}"))
    ui.plot(
        charts.confusion_figure(
            results.confusion,
            names,
            ui.theme(),
            predicted_label=t("keras_training.predicted"),
            actual_label=t("keras_training.actual"),
            right_label=t("keras_lab.confusion_right"),
            wrong_label=t("keras_lab.confusion_wrong"),
        ),
        key=f"{P}_confusion",
        toolbar=False,
    )


def regression_section(found: Evaluation) -> None:
    results = found.regression
    st.subheader(t("keras_training.regression_heading"))
    st.markdown(t("keras_training.regression_intro"))
    first = pd.DataFrame(
        {
            t("keras_training.col_predicted"): results.predicted[:3].round(3),
            t("keras_training.col_actual"): results.actual[:3].round(3),
        }
    )
    st.dataframe(first, hide_index=True)
    left, right = (st.container(), st.container()) if ui.presenter() else st.columns(2)
    with left:
        ui.plot(
            charts.predicted_actual_figure(
                results.actual,
                results.predicted,
                ui.theme(),
                actual_label=t("keras_training.actual"),
                predicted_label=t("keras_training.predicted"),
                perfect_label=t("keras_training.perfect"),
            ),
            key=f"{P}_predicted_actual",
        )
    with right:
        ui.plot(
            charts.residuals_figure(
                results.predicted,
                results.residuals,
                ui.theme(),
                predicted_label=t("keras_training.predicted"),
                residual_label=t("keras_training.residual"),
            ),
            key=f"{P}_residuals",
        )


def weights_section(run: training.TrainingRun) -> None:
    layers = evaluate.dense_weights(run.model)
    if not layers:
        return
    st.subheader(t("keras_training.weights_heading"))
    st.markdown(t("keras_training.weights_intro"))
    left, right = st.columns(2)
    names = [layer.name for layer in layers]
    chosen = left.selectbox(t("keras_training.layer"), names, key=f"{P}_layer")
    views = ["histogram", "heatmap"]
    view = right.radio(
        t("keras_training.weights_view"),
        views,
        horizontal=True,
        format_func=keras_lab.labels(views, lambda v: t(f"keras_training.view_{v}")),
        key=f"{P}_weights_view",
    )
    layer = layers[names.index(chosen) if chosen in names else 0]
    st.caption(
        t(
            "keras_training.weights_caption",
            name=layer.name,
            rows=layer.kernel.shape[0],
            cols=layer.kernel.shape[1],
            count=f"{layer.count:,}",
        )
    )
    if view == "heatmap":
        fig = charts.weights_heatmap_figure(
            layer.kernel,
            ui.theme(),
            inputs_label=t("keras_training.inputs"),
            units_label=t("keras_training.units"),
        )
    else:
        fig = charts.weights_histogram_figure(
            layer.kernel,
            layer.bias,
            ui.theme(),
            weights_label=t("keras_training.kernel"),
            bias_label=t("keras_training.bias"),
            value_label=t("keras_training.value"),
        )
    ui.plot(fig, key=f"{P}_weights_fig")


def downloads(run: training.TrainingRun, spec: specs.ModelSpec) -> None:
    st.subheader(t("keras_training.downloads_heading"))
    left, right, _ = st.columns([1, 1, 2])
    left.download_button(
        t("keras_training.download_model"),
        model_download(run),
        file_name=f"nnplay_{spec.dataset}.keras",
        mime="application/octet-stream",
        icon=":material/download:",
        key=f"{P}_download_model",
        on_click="ignore",
        width="stretch",
    )
    right.download_button(
        t("keras_training.download_history"),
        evaluate.history_csv(run.history()),
        file_name=f"nnplay_{spec.dataset}_history.csv",
        mime="text/csv",
        icon=":material/table:",
        key=f"{P}_download_history",
        on_click="ignore",
        width="stretch",
    )
    st.caption(t("keras_training.download_hint"))
