"""The builder page's views: the data set's preview, the network diagram, the live summary
and Keras's own count."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from nnplay import ui
from nnplay.charts.keras_lab import image_mosaic_figure, network_figure
from nnplay.keras_lab import build, limits
from nnplay.keras_lab import spec as specs
from nnplay.ui import keras_builder as editor
from nnplay.ui import keras_lab

t = ui.t


@st.cache_resource(max_entries=32, show_spinner=False)
def samples_figure(name: str, presenter: bool, class_names: tuple[str, ...]):
    """Sample images per class, rows named ``class_names`` (read-only once made; shared)."""
    mosaic, _ = keras_lab.sample_mosaic(name)
    return image_mosaic_figure(mosaic, list(class_names), ui.theme_for(presenter))


def data_preview(name: str) -> None:
    """Sample images per class, or the first rows (in an expander); or how to get the set."""
    if not keras_lab.is_cached(name):
        keras_lab.missing_data_panel(name, "keras_builder", editor.use_dataset)
        return
    data = keras_lab.lab_data(name)
    with st.expander(t("keras_builder.data_preview")):
        st.caption(t("keras_builder.sizes", **data.sizes))
        if len(data.input_shape) == 2:
            names = tuple(keras_lab.class_names(name, data.class_names))
            fig = samples_figure(name, ui.presenter(), names)
            ui.plot(fig, key="keras_builder_samples", toolbar=False)
        else:
            table = keras_lab.table_head(name)
            if "class" in table:  # a copy: the cached frame is shared
                names = keras_lab.class_names(name, data.class_names)
                translated = dict(zip(data.class_names, names, strict=True))
                table = table.assign(**{"class": table["class"].map(translated)})
            st.dataframe(table, hide_index=True, width="stretch")
            if name == "california_housing":
                st.caption(t("keras_builder.scaled_note"))


def layers_intro(name: str) -> str:
    """The layers' explanation for the kind of data ``name`` holds (images, table, points)."""
    info = specs.DATASETS[name]
    features = math.prod(info.input_shape)
    return t(f"keras_builder.layers_intro_{info.kind}", features=features)


def network_parts(spec: specs.ModelSpec, rows: list[build.SummaryRow]) -> tuple[tuple, ...]:
    """The diagram's columns: sizes, headings, notes and hover texts, translated.

    The input vector is the first column (after a Flatten, which it names);
    each Dense layer is one more column.
    """
    shape = "×".join(map(str, spec.input_shape)) if len(spec.input_shape) > 1 else ""
    first = t("keras_builder.network_input", shape=shape).strip()
    sizes, heads, notes = [math.prod(spec.input_shape)], [first], [""]
    hovers = [t("keras_builder.network_hover_input", units=f"{sizes[0]:,}")]
    for row in rows:
        if row.kind != "Dense":  # Flatten: the same values, as one vector
            sizes[-1] = int(row.output_shape[-1])
            heads[-1] = f"{first}<br>{t('keras_builder.network_flatten')}"
            notes[-1] = t("keras_builder.network_params", count="0")
            hovers[-1] = t("keras_builder.network_hover_input", units=f"{sizes[-1]:,}")
            continue
        activation = t(f"keras_builder.activation_{row.activation}")
        sizes.append(row.units)
        heads.append(f"{row.name}<br>{activation}")
        notes.append(t("keras_builder.network_params", count=f"{row.params:,}"))
        hovers.append(
            t(
                "keras_builder.network_hover_dense",
                name=row.name,
                units=f"{row.units:,}",
                activation=activation,
                count=f"{row.params:,}",
            )
        )
    return tuple(sizes), tuple(heads), tuple(notes), tuple(hovers)


@st.cache_resource(max_entries=256, show_spinner=False)
def network_chart(parts: tuple[tuple, ...], presenter: bool):
    """The network diagram of :func:`network_parts` (read-only once made; shared)."""
    sizes, heads, notes, hovers = map(list, parts)
    return network_figure(sizes, heads, notes, ui.theme_for(presenter), hovers=hovers)


def network(spec: specs.ModelSpec, rows: list[build.SummaryRow]) -> None:
    """The model drawn as layers of neurons, with each layer's parameters."""
    fig = network_chart(network_parts(spec, rows), ui.presenter())
    ui.plot(fig, key="keras_builder_network", toolbar=False)


def summary_table(spec: specs.ModelSpec, rows: list[build.SummaryRow]) -> None:
    """The ``model.summary()`` table (``rows``) with the arithmetic, totals, and Keras's count."""
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
