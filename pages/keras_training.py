"""Keras lab, part 2: train live, stop and continue, then evaluate and predict."""

import streamlit as st

from nnplay import ui
from nnplay.keras_lab import build
from nnplay.keras_lab import spec as specs
from nnplay.ui import keras_lab, keras_settings
from nnplay.ui import keras_training as lab

t = ui.t
P = lab.PREFIX


def use_offline(name: str) -> None:
    """Callback: train on an offline data set instead (its default model)."""
    keras_lab.set_spec(specs.default_spec(name))


ui.page_header("keras_training")
keras_lab.load_tensorflow()
keras_lab.show_problems(keras_lab.read_link())

spec = keras_lab.get_spec()
st.page_link(
    "pages/keras_builder.py", label=t("keras_training.edit_model"), icon=":material/stacks:"
)
data = lab.prepare(spec)
if data is None:
    keras_lab.missing_data_panel(spec.dataset, P, use_offline)
    st.stop()

st.subheader(t("keras_training.model_heading"))
st.markdown(
    t(
        "keras_training.model_line",
        dataset=keras_lab.dataset_label(spec.dataset),
        layers=" → ".join(f"{r.kind} {r.units or ''}".strip() for r in build.summary_rows(spec)),
        params=f"{build.count_params(spec):,}",
        train=f"{len(data.X_train):,}",
        test=f"{len(data.X_test):,}",
    )
)

# --- settings: read the widgets, plan, keep the session's model and the link in step
st.subheader(t("keras_training.settings_heading"))
st.markdown(t("keras_training.settings_intro"))
new_spec = keras_settings.settings(spec, max(2, len(data.class_names)))
plan = lab.make_plan(new_spec, data)
if not plan.problems and new_spec.to_dict() != spec.to_dict():
    keras_settings.keep(new_spec)  # the builder page and its code export follow
keras_lab.write_link(keras_lab.get_spec())
st.caption(t("keras_training.link_note"))
ui.show(plan.problems, icon=":material/block:")

# --- train, stop, continue, reset and the live view (a fragment); the results
st.subheader(t("keras_training.train_heading"))
lab.training_panel(plan)
lab.prewarm()
lab.results_section()
