"""Keras model builder: data set, layers, output and loss, live summary, code export."""

import pandas as pd
import streamlit as st

from nnplay import ui
from nnplay.charts.keras_lab import image_mosaic_figure, params_figure
from nnplay.keras_lab import build, codegen, limits
from nnplay.keras_lab import spec as specs
from nnplay.ui import keras_builder as editor
from nnplay.ui import keras_lab

t = ui.t


@st.cache_resource(max_entries=32, show_spinner=False)
def samples_figure(name: str, presenter: bool):
    """Sample images per class (figures are read-only once made; shared by sessions)."""
    mosaic, class_names = keras_lab.sample_mosaic(name)
    return image_mosaic_figure(mosaic, class_names, ui.theme_for(presenter))


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
        ui.plot(samples_figure(name, ui.presenter()), key="keras_builder_samples")
    else:
        st.dataframe(keras_lab.table_head(name), hide_index=True, width="stretch")
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


ui.page_header("keras_builder")
keras_lab.load_tensorflow()
keras_lab.show_problems(editor.start())

st.subheader(t("keras_builder.presets_heading"))
st.markdown(t("keras_builder.presets_intro"))
left, right, _ = st.columns([1, 1, 0.01 if ui.presenter() else 1])
left.button(
    t("keras_builder.preset_book"),
    icon=":material/checkroom:",
    key="keras_builder_preset_book",
    on_click=editor.use_preset,
    args=("book",),
    width="stretch",
)
right.button(
    t("keras_builder.preset_regression"),
    icon=":material/home_work:",
    key="keras_builder_preset_regression",
    on_click=editor.use_preset,
    args=("regression",),
    width="stretch",
)

st.subheader(t("keras_builder.data_heading"))
dataset = editor.dataset_selector()
data_preview(dataset)

st.subheader(t("keras_builder.layers_heading"))
st.markdown(t("keras_builder.layers_intro"))
show_initializers = st.toggle(
    t("keras_builder.show_initializers"),
    key="keras_builder_show_initializers",
    help=t("keras_builder.show_initializers_help"),
)
editor.layer_editor(ui.presenter(), show_initializers)

st.subheader(t("keras_builder.compile_heading"))
current = editor.read_widgets()
hint = specs.suggestion_for(current)
activation = t(f"keras_builder.activation_{hint.activation}")
tip, apply = st.columns([4, 1], vertical_alignment="center")
tip.info(
    t(
        "keras_builder.suggestion",
        task=keras_lab.task_label(current.task),
        units=hint.units,
        activation=activation,
        loss=hint.loss,
    ),
    icon=":material/lightbulb:",
)
apply.button(
    t("keras_builder.apply_suggestion"),
    key="keras_builder_apply_suggestion",
    on_click=editor.apply_suggestion,
    width="stretch",
)
with st.expander(t("keras_builder.tables_heading")):
    st.markdown(t("keras_builder.tables"))
keras_lab.compile_settings(current, editor.compile_prefix(), columns=2 if ui.presenter() else 3)

draft = editor.commit_widgets()
problems = specs.validate(draft)
keras_lab.show_problems(problems)
if specs.errors(problems):
    good = keras_lab.get_spec()
    st.info(t("keras_builder.showing_last_good"), icon=":material/history:")
else:
    good = draft
editor.finish(good)

st.subheader(t("keras_builder.summary_heading"))
st.markdown(t("keras_builder.summary_intro"))
rows = summary_table(good)
names, params = tuple(r.name for r in rows), tuple(r.params for r in rows)
chart = params_chart(names, params, ui.presenter(), t("keras_builder.params_chart"))
ui.plot(chart, key="keras_builder_params")

st.subheader(t("keras_builder.code_heading"))
st.markdown(t("keras_builder.code_intro"))
code = codegen.generate_code(good)
st.code(code, language="python")
left, right, _ = st.columns([1, 1, 0.01 if ui.presenter() else 2])
left.download_button(
    t("keras_builder.download_code"),
    code,
    file_name=f"nnplay_{good.dataset}.py",
    mime="text/x-python",
    icon=":material/download:",
    key="keras_builder_download_code",
    on_click="ignore",
    width="stretch",
)
right.download_button(
    t("keras_builder.download_spec"),
    good.to_json(),
    file_name=f"nnplay_{good.dataset}.json",
    mime="application/json",
    icon=":material/data_object:",
    key="keras_builder_download_spec",
    on_click="ignore",
    width="stretch",
)
st.caption(t("keras_builder.share_hint"))
