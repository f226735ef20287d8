"""Keras model builder: data set, layers, output and loss, live summary, code export."""

import streamlit as st

from nnplay import ui
from nnplay.keras_lab import codegen
from nnplay.keras_lab import spec as specs
from nnplay.ui import keras_builder as editor
from nnplay.ui import keras_lab, keras_summary

t = ui.t


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
keras_summary.data_preview(dataset)

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
keras_lab.compile_settings(current, editor.compile_keys(), columns=2 if ui.presenter() else 3)

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
rows = keras_summary.summary_table(good)
names, params = tuple(r.name for r in rows), tuple(r.params for r in rows)
chart = keras_summary.params_chart(names, params, ui.presenter(), t("keras_builder.params_chart"))
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
