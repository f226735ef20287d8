"""The builder page's views: the data set's preview, the live summary and Keras's own count."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from nnplay import ui
from nnplay.charts.keras_lab import image_mosaic_figure, params_figure
from nnplay.keras_lab import build, limits
from nnplay.keras_lab import spec as specs
from nnplay.ui import keras_builder as editor
from nnplay.ui import keras_lab

t = ui.t


@st.cache_resource(max_entries=32, show_spinner=False)
def samples_figure(name: str, presenter: bool, lang: str):
    """Sample images per class (read-only once made; shared by sessions; ``lang`` keys labels)."""
    mosaic, class_names = keras_lab.sample_mosaic(name)
    labels = keras_lab.class_labels(name, class_names)
    return image_mosaic_figure(mosaic, labels, ui.theme_for(presenter))


@st.cache_resource(max_entries=256, show_spinner=False)
def params_chart(names: tuple[str, ...], params: tuple[int, ...], presenter: bool, title: str):
    """Parameters per layer (read-only once made)."""
    return params_figure(list(names), list(params), ui.theme_for(presenter), title)


def data_preview(name: str) -> None:
    """Sample images per class, or the first rows; or how to get the data set."""
    if not keras_lab.is_cached(name):
        keras_lab.missing_data_panel(name, "keras_builder", editor.use_dataset)
        return
    data = keras_lab.lab_data(name)
    st.caption(t("keras_builder.sizes", **data.sizes))
    if len(data.input_shape) == 2:
        ui.plot(samples_figure(name, ui.presenter(), ui.lang()), key="keras_builder_samples")
    else:
        head = keras_lab.table_head(name)
        if "class" in head.columns:
            head = head.rename(columns={"class": t("keras_lab.class_column")})
        st.dataframe(head, hide_index=True, width="stretch")
        if name == "california_housing":
            st.caption(t("keras_builder.scaled_note"))


def summary_table(spec: specs.ModelSpec) -> list[build.SummaryRow]:
    """The ``model.summary()`` table with the arithmetic, totals, and Keras's own count."""
    rows = build.summary_rows(spec)
    table = pd.DataFrame(
        {
            t("keras_builder.col_layer"): [f"{r.name} ({r.kind})" for r in rows],
            t("keras_builder.col_shape"): [r.shape_text for r in rows],
            t("keras_builder.col_params"): [f"{r.params:,}" for r in rows],
            t("keras_builder.col_arithmetic"): [r.arithmetic for r in rows],
        }
    )
    if ui.presenter():  # a plain table grows with presenter mode's larger text
        st.table(table.set_index(table.columns[0]))
    else:
        st.dataframe(table, hide_index=True, width="stretch")
    total = sum(r.params for r in rows)
    c1, c2, c3 = st.columns(3)
    c1.metric(t("keras_builder.total_params"), f"{total:,}")
    c2.metric(t("keras_builder.trainable_params"), f"{total:,}")
    c3.metric(t("keras_builder.non_trainable_params"), "0")
    keras_check(spec, rows)
    return rows


def keras_check(spec: specs.ModelSpec, rows: list[build.SummaryRow]) -> None:
    """Keras's own count of the same model, once its background build is done."""
    counts = editor.keras_counts(spec, wait=0.02)
    total = f"{sum(r.params for r in rows):,}"
    if counts is None:  # Keras is still building it: look again shortly
        st.fragment(wait_for_keras, run_every=0.4)(spec)
    elif counts == editor.CHECK_TOO_LARGE:
        st.warning(
            t(
                "keras_builder.keras_check_skipped",
                max=f"{limits.Limits.from_env().max_params:,}",
            ),
            icon=":material/block:",
        )
    elif counts != editor.CHECK_FAILED and [(r.output_shape, r.params) for r in rows] == list(
        counts
    ):
        st.success(t("keras_builder.keras_agrees", total=total), icon=":material/check:")
    else:  # would be a bug in build.summary_rows, or a model Keras cannot build
        st.error(t("keras_builder.keras_disagrees"), icon=":material/error:")


def wait_for_keras(spec: specs.ModelSpec) -> None:
    """A fragment: say Keras is checking, and rerun the page when it is done."""
    if editor.keras_counts(spec) is None:
        st.caption(t("keras_builder.keras_checking"))
    else:
        st.rerun(scope="app")
