"""XOR: a perceptron fails, an MLP trained by backpropagation solves it; activation functions."""

import math

import pandas as pd
import streamlit as st

from nnplay import ui
from nnplay import xor_lab as lab
from nnplay.activations import ACTIVATIONS, HIDDEN_CHOICES
from nnplay.charts import activations as act_charts
from nnplay.charts import xor as charts
from nnplay.datasets import xor
from nnplay.mlp import DivergedError
from nnplay.ui.page_state import PageState

t = ui.t
DEFAULTS = lab.Settings()
FAILED_KEY = "xor_failed"  # (settings, messages) of the last failed try
# The page's fields (nnplay.state) and the Settings attributes they set.
page = PageState("xor")
FIELDS = {
    "hidden": "hidden_units",
    "activation": "activation",
    "lr": "learning_rate",
    "epochs": "epochs",
    "seed": "seed",
}


@st.cache_data(max_entries=128, show_spinner=False)
def trained(settings: lab.Settings, linear: bool = False):
    """The network of ``settings`` trained on XOR (deterministic, so shared by input)."""
    return lab.train(settings, linear=linear)


@st.cache_data(show_spinner=False)
def perceptron_try() -> lab.PerceptronTry:
    return lab.perceptron_on_xor()


def class_names() -> list[str]:
    return [t("xor.class_0"), t("xor.class_1")]


@st.cache_resource(max_entries=64, show_spinner=False)
def perceptron_fig(presenter: bool, lang: str):
    """The perceptron's best line (figures are read-only; ``lang`` keys the labels)."""
    w, b = perceptron_try().best_line
    return charts.perceptron_figure(
        w, b, ui.theme_for(presenter), class_names=class_names(), title=t("xor.perceptron_title")
    )


@st.cache_resource(max_entries=64, show_spinner=False)
def figures(settings: lab.Settings, presenter: bool, lang: str) -> dict:
    """The figures of one trained network (and its linear twin, where that trained)."""
    theme = ui.theme_for(presenter)
    model = trained(settings)
    labels = dict(epoch_label=t("xor.epoch"), loss_label=t("xor.loss"))
    buttons = dict(play_label=t("xor.play"), pause_label=t("xor.pause"))
    name = t(f"xor.act_{settings.activation}")
    curves = {t("xor.loss_mlp", activation=name): model.loss_curve_}
    result = {
        "boundary": charts.decision_figure(
            model,
            theme,
            class_names=class_names(),
            title=t("xor.boundary_title"),
            **labels,
            **buttons,
        ),
        "hidden": charts.hidden_units_figure(
            model, theme, class_names=class_names(), unit_label=t("xor.unit")
        ),
    }
    try:
        linear = trained(settings, linear=True)
    except DivergedError:
        linear = None
    if linear is not None:
        curves[t("xor.loss_linear")] = linear.loss_curve_
        result["linear"] = charts.decision_figure(
            linear,
            theme,
            class_names=class_names(),
            title=t("xor.linear_title"),
            animate=False,
            **labels,
            **buttons,
        )
    result["loss"] = charts.loss_figure(curves, theme, **labels)
    return result


@st.cache_resource(max_entries=16, show_spinner=False)
def activation_fig(name: str, presenter: bool, lang: str):
    return act_charts.activation_figure(
        name,
        ui.theme_for(presenter),
        function_label=t("xor.function_label"),
        derivative_label=t("xor.derivative_label"),
    )


def current_settings() -> lab.Settings:
    values = page.values()
    return lab.Settings(**{attribute: values[name] for name, attribute in FIELDS.items()})


def train_clicked() -> None:
    """Train with the widgets' settings; on bad input keep the last good network."""
    settings = current_settings()
    problems = lab.problems(settings)
    if not problems:
        try:
            trained(settings)
        except DivergedError as error:
            problems = [lab.diverged(settings, error.epoch)]
    if problems:
        st.session_state[FAILED_KEY] = (settings, problems)
    else:
        page.last_good = settings
        st.session_state.pop(FAILED_KEY, None)


def reset_clicked() -> None:
    for name, attribute in FIELDS.items():
        st.session_state[page.key(name)] = getattr(DEFAULTS, attribute)
    page.last_good = DEFAULTS
    st.session_state.pop(FAILED_KEY, None)


def number(value: float) -> str:
    return "∞" if value == math.inf else "−∞" if value == -math.inf else f"{value:g}"


ui.page_header("xor")
present = ui.presenter()
if page.start() is not None:  # a link: train the network it describes
    train_clicked()
if page.last_good is None:
    page.last_good = DEFAULTS

# --- an MLP learns it: the experiment first --------------------------------------
st.subheader(t("xor.mlp_heading"))
act_labels = {name: t(f"xor.act_{name}") for name in HIDDEN_CHOICES}  # plain dict: see perceptron
controls, picture = st.columns([5, 6])
# A form: changing a widget reruns nothing; Train (or Reset) applies the settings.
with controls, st.form("xor_settings", enter_to_submit=False):
    st.markdown(f"**{t('xor.settings_heading')}**")
    st.slider(
        t("xor.hidden_units"),
        0,
        lab.MAX_HIDDEN_UNITS,
        key=page.key("hidden"),
        help=t("xor.hidden_units_help"),
    )
    left, right = st.columns(2)
    left.selectbox(
        t("xor.activation"),
        HIDDEN_CHOICES,
        format_func=act_labels.__getitem__,
        key=page.key("activation"),
    )
    right.select_slider(
        t("xor.learning_rate"),
        lab.LEARNING_RATES,
        key=page.key("lr"),
        help=t("xor.learning_rate_help"),
    )
    left, right = st.columns(2)
    left.slider(t("xor.epochs"), lab.MIN_EPOCHS, lab.MAX_EPOCHS, step=50, key=page.key("epochs"))
    right.number_input(
        t("xor.seed"),
        value=page.default("seed"),
        min_value=0,
        max_value=lab.MAX_SEED,
        step=1,
        key=page.key("seed"),
        help=t("xor.seed_help"),
    )
    train_col, reset_col = st.columns(2)
    train_col.form_submit_button(
        t("xor.train"), key="xor_train", type="primary", on_click=train_clicked, width="stretch"
    )
    reset_col.form_submit_button(
        t("xor.reset"), key="xor_reset", on_click=reset_clicked, width="stretch"
    )
    st.caption(t("xor.form_hint"))

wanted = current_settings()
good: lab.Settings = page.last_good
failed = st.session_state.get(FAILED_KEY)
model = trained(good)
X, y = xor().X, xor().y
accuracy = model.score(X, y)
figs = figures(good, present, ui.lang())
with controls:
    if failed is not None and failed[0] == wanted:
        ui.show(failed[1])
    st.caption(
        t(
            "xor.trained_with",
            units=good.hidden_units,
            activation=act_labels[good.activation],
            lr=f"{good.learning_rate:g}",
            epochs=good.epochs,
            seed=good.seed,
        )
    )
    m1, m2, m3 = st.columns(3)
    m1.metric(t("xor.accuracy"), f"{accuracy:.0%}")
    m2.metric(t("xor.final_loss"), f"{model.loss_curve_[-1]:.4f}")
    m3.metric(t("xor.epochs"), model.n_iter_)
    if accuracy == 1.0:
        st.success(t("xor.solved"))
    else:
        st.warning(t("xor.not_solved", accuracy=f"{accuracy:.0%}"))
    if (rising := lab.rising_share(model)) > lab.UNSTABLE_SHARE:
        st.warning(t("xor.unstable", share=f"{rising:.0%}", lr=f"{good.learning_rate:g}"))
    if good.activation == "step":
        st.warning(t("xor.step_note"))
with picture:
    st.markdown(f"**{t('xor.boundary_heading')}**")
    ui.plot(figs["boundary"], key="xor_fig_boundary")
    st.caption(t("xor.boundary_caption") + " " + t("xor.speed_hint"))

loss_col, text_col = (st.container(), st.container()) if present else st.columns([2, 3])
with loss_col:
    st.markdown(f"**{t('xor.loss_heading')}**")
    ui.plot(figs["loss"], key="xor_fig_loss")
with text_col:
    st.markdown(t("xor.mlp_intro"))
    st.latex(
        r"\begin{aligned}"
        r"\delta^{(L)} &= \hat{y} - y \\"
        r"\delta^{(l)} &= \big(\delta^{(l+1)} W^{(l+1)\top}\big) \odot \phi'\big(z^{(l)}\big) \\"
        r"W^{(l)} &\leftarrow W^{(l)} - \eta\, a^{(l-1)\top} \delta^{(l)}"
        r"\end{aligned}"
    )
    st.caption(t("xor.backprop_caption"))

# --- why a perceptron fails --------------------------------------------------------
st.subheader(t("xor.points_heading"))
attempt = perceptron_try()
fig_col, text_col = st.columns([1, 1] if present else [2, 3])
with fig_col:
    ui.plot(perceptron_fig(present, ui.lang()), key="xor_fig_perceptron")
with text_col:
    st.metric(t("xor.perceptron_best"), f"{attempt.best_accuracy:.0%}")
    st.markdown(t("xor.why_linear"))
    st.caption(
        t(
            "xor.perceptron_steps",
            epochs=attempt.model.n_iter_,
            steps=len(attempt.model.trace_),
            updates=int(attempt.model.trace_.updated.sum()),
            best=attempt.best_step,
        )
    )

st.subheader(t("xor.hidden_heading"))
st.markdown(t("xor.hidden_text"))
ui.plot(figs["hidden"], key="xor_fig_hidden")

st.subheader(t("xor.table_heading"))
st.markdown(t("xor.table_text"))
table = pd.DataFrame(lab.forward_table(model)).rename(
    columns={
        "x1": "x₁",
        "x2": "x₂",
        "p": t("xor.col_output"),
        "y_hat": t("xor.col_prediction"),
        "y": t("xor.col_target"),
    }
)
ui.truth_table(table.round(3).to_dict("records"))  # HTML: no data grid for four rows

# --- the linear network fails --------------------------------------------------
st.subheader(t("xor.linear_heading"))
st.markdown(t("xor.linear_text"))
try:
    linear = trained(good, linear=True)
except DivergedError as error:
    st.warning(t("xor.linear_diverged", epoch=error.epoch))
else:
    fig_col, text_col = st.columns([1, 1] if present else [3, 2])
    with fig_col:
        ui.plot(figs["linear"], key="xor_fig_linear")
    with text_col:
        st.metric(t("xor.linear_accuracy"), f"{linear.score(X, y):.0%}")
        st.markdown(t("xor.linear_collapsed"))
        w, b = lab.collapse_linear(linear)
        w1, w2, b0 = (round(v, 3) + 0.0 for v in (w[0], w[1], b))  # + 0.0: no "-0.000"
        st.latex(rf"z = {w1:.3f}\,x_1 {w2:+.3f}\,x_2 {b0:+.3f}")
        if max(abs(w[0]), abs(w[1]), abs(b)) < 0.02:
            st.markdown(t("xor.linear_flat"))

# --- activation functions ------------------------------------------------------
st.subheader(t("xor.activations_heading"))
st.markdown(t("xor.activations_intro"))
per_row = 2 if present else 3
names = list(ACTIVATIONS)
for start in range(0, len(names), per_row):
    for column, name in zip(st.columns(per_row), names[start : start + per_row], strict=False):
        activation = ACTIVATIONS[name]
        with column, st.container(border=True):
            st.markdown(f"**{act_labels[name]}**")
            st.latex(activation.formula)
            ui.plot(activation_fig(name, present, ui.lang()), key=f"xor_fig_act_{name}")
            low, high = activation.range
            if name == "step":
                st.caption(t("xor.range_step"))
            else:
                st.caption(t("xor.range", low=number(low), high=number(high)))
            st.markdown(t(activation.remarks_key))
page.finish({name: getattr(good, attribute) for name, attribute in FIELDS.items()})
