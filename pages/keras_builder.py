"""Keras model builder: data set, the network and its summary, layers, compile, code export."""

import streamlit as st

from nnplay import ui
from nnplay.keras_lab import build, codegen
from nnplay.keras_lab import spec as specs
from nnplay.ui import keras_builder as editor
from nnplay.ui import keras_lab, keras_summary

t = ui.t


ui.page_header("keras_builder")
keras_lab.load_tensorflow()
keras_lab.show_problems(editor.start())
present = ui.presenter()

# --- 1. the data set, and the notes' two models in one row
st.subheader(t("keras_builder.data_heading"))
if present:
    choice, book, regression = st.container(), *st.columns(2)
else:
    choice, book, regression = st.columns([2, 1, 1], vertical_alignment="bottom")
with choice:
    dataset = editor.dataset_selector()
book.button(
    t("keras_builder.preset_book"),
    icon=":material/checkroom:",
    key="keras_builder_preset_book",
    on_click=editor.use_preset,
    args=("book",),
    help=t("keras_builder.presets_intro"),
    width="stretch",
)
regression.button(
    t("keras_builder.preset_regression"),
    icon=":material/home_work:",
    key="keras_builder_preset_regression",
    on_click=editor.use_preset,
    args=("regression",),
    help=t("keras_builder.presets_intro"),
    width="stretch",
)
keras_summary.data_preview(dataset)

# --- 2. the layers: the network and its summary first, then the editor (its widgets'
# values are in the session already, so the picture follows every change at once)
st.subheader(t("keras_builder.layers_heading"))
draft = editor.commit_widgets()
problems = specs.validate(draft)
if specs.errors(problems):
    st.info(t("keras_builder.showing_last_good"), icon=":material/history:")
good = keras_lab.get_spec() if specs.errors(problems) else draft
rows = build.summary_rows(good)
drawing, summary = (st.container(), st.container()) if present else st.columns([1, 1])
with drawing:
    keras_summary.network(good, rows)
with summary:
    keras_summary.summary_table(good, rows)
    st.caption(t("keras_builder.summary_intro"))
st.caption(keras_summary.layers_intro(dataset))
show_initializers = st.toggle(
    t("keras_builder.show_initializers"),
    key="keras_builder_show_initializers",
    help=t("keras_builder.show_initializers_help"),
)
editor.layer_editor(present, show_initializers)
keras_lab.show_problems(problems)

# --- 3. output layer, loss and optimizer
st.subheader(t("keras_builder.compile_heading"))
hint = specs.suggestion_for(draft)
activation = t(f"keras_builder.activation_{hint.activation}")
tip, apply = st.columns([4, 1], vertical_alignment="center")
tip.info(
    t(
        "keras_builder.suggestion",
        task=keras_lab.task_label(draft.task),
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
keras_lab.compile_settings(draft, editor.compile_keys(), columns=2 if present else 3)
editor.finish(good)

# --- 4. the code
st.subheader(t("keras_builder.code_heading"))
st.markdown(t("keras_builder.code_intro"))
code = codegen.generate_code(good)
st.code(code, language="python")
left, right, _ = st.columns([1, 1, 0.01 if present else 2])
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
