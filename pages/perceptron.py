"""The perceptron: the learning rule trains live on Iris, update by update, next to scikit-learn."""

import functools

import numpy as np
import streamlit as st

from nnplay import datasets, ui
from nnplay import perceptron_lab as lab
from nnplay.charts import perceptron as charts
from nnplay.charts.perceptron_svg import boundary_svg, errors_svg
from nnplay.perceptron import STEP_FUNCTIONS
from nnplay.ui.page_state import PageState

t = ui.t
page = PageState("perceptron")
STEP_KEY = page.key("step")
# the widths (in pixels, on a 1440-pixel-wide screen) of the columns the SVG pictures
# fill: their text has the theme's sizes there, and scales with the column elsewhere
RESULT_WIDTH_PX, SIDE_WIDTH_PX, STEP_WIDTH_PX, PRESENTER_WIDTH_PX = 580, 384, 480, 1380
PHONE_WIDTH_PX = 360  # a phone's column, where Streamlit stacks the columns


@st.cache_data(show_spinner=False)
def iris() -> datasets.Dataset:
    """Iris, loaded once for everyone."""
    return datasets.iris()


@st.cache_data(max_entries=64, show_spinner=False)
def fitted(settings: lab.Settings):
    """Our perceptron trained as the settings say (deterministic, so shared by input)."""
    return lab.train(iris(), settings)


@st.cache_data(max_entries=64, show_spinner=False)
def sklearn_result(settings: lab.Settings) -> dict:
    """scikit-learn's twin: accuracy and weights."""
    model = lab.sklearn_twin(iris(), settings)
    X, y = lab.task(iris(), settings)
    return {"accuracy": model.score(X, y), "coef": model.coef_, "intercept": model.intercept_}


def class_names(settings: lab.Settings) -> list[str]:
    """Legend names by class index (the rest first for one species against the rest)."""
    if settings.positive == lab.ALL_CLASSES:
        return [t(f"perceptron.class_{name}") for name in lab.CLASS_CHOICES[:3]]
    return [t("perceptron.class_rest"), t(f"perceptron.class_{settings.positive}")]


def axis_titles(settings: lab.Settings) -> tuple[str, str]:
    return tuple(t(f"perceptron.feature_{k}") for k in settings.features)


def for_widths(draw, column_px: int, presenter: bool) -> tuple[str, str | None]:
    """An SVG picture drawn for its column, and for a phone (none in presenter mode)."""
    if presenter:
        return draw(width_px=PRESENTER_WIDTH_PX), None
    return draw(width_px=column_px), draw(width_px=PHONE_WIDTH_PX)


@st.cache_resource(max_entries=64, show_spinner=False)
def figures(settings: lab.Settings, presenter: bool, lang: str) -> dict:
    """The result's figures: boundary, errors, animation (read-only; ``lang`` keys labels).

    Cached so that a rerun which does not change the settings rebuilds none of them.
    """
    model = fitted(settings)
    X, y = lab.task(iris(), settings)
    theme = ui.theme_for(presenter)
    names, titles = class_names(settings), axis_titles(settings)
    steps = lab.frame_steps(model.trace_.updated)
    axes = (t("perceptron.axis_epoch"), t("perceptron.axis_errors"))
    boundary = functools.partial(
        boundary_svg,
        X,
        y,
        names,
        titles,
        model.coef_,
        model.intercept_,
        theme,
        title=t("perceptron.boundary_heading"),
    )
    errors = functools.partial(
        errors_svg, model.errors_, theme, axes, title=t("perceptron.errors_heading")
    )
    return {
        "boundary": for_widths(boundary, RESULT_WIDTH_PX, presenter),
        "errors": for_widths(errors, SIDE_WIDTH_PX, presenter),
        "animation": charts.animation_figure(
            X,
            y,
            names,
            titles,
            model.trace_,
            steps,
            theme,
            frame_label=t("perceptron.frame_label"),
            start_label=t("perceptron.frame_start"),
            play=t("perceptron.play"),
            pause=t("perceptron.pause"),
        ),
        "frames": len(steps),
    }


@st.cache_resource(show_spinner=False)
def step_function_figure(name: str, presenter: bool):
    """A step function's graph (read-only)."""
    return charts.step_function_figure(name, ui.theme_for(presenter))


def weights_table(ours, sklearn: dict, names: list[str]) -> list[dict]:
    """Both models' weights, one row per model and output neuron.

    A plain HTML table: ``st.dataframe`` loads and draws a whole data grid for six rows.
    """
    rows = []
    for label, coef, intercept in (
        (t("perceptron.model_ours"), ours.coef_, ours.intercept_),
        (t("perceptron.model_sklearn"), sklearn["coef"], sklearn["intercept"]),
    ):
        for k, (w, b) in enumerate(zip(coef, intercept, strict=True)):
            name = label if len(coef) == 1 else f"{label} · {names[k]}"
            rows.append(
                {
                    t("perceptron.col_model"): name,
                    t("perceptron.col_weights"): "(" + ", ".join(f"{v:.6g}" for v in w) + ")",
                    t("perceptron.col_bias"): f"{b:.6g}",
                }
            )
    return rows


ui.page_header("perceptron")
page.start()
present = ui.presenter()

# --- settings ------------------------------------------------------------------
st.subheader(t("perceptron.settings_heading"))
columns = st.columns(2 if present else 4)
left, middle, right, last = columns * 2 if present else columns
# format_func must not read the session later (AppTest calls it outside a run): plain dicts.
feature_labels = {k: t(f"perceptron.feature_{k}") for k in range(4)}
class_labels = {c: t(f"perceptron.class_{c}") for c in lab.CLASS_CHOICES}
features = list(feature_labels)
feature_name = feature_labels.__getitem__
x_feature = left.selectbox(
    t("perceptron.feature_x"), features, format_func=feature_name, key=page.key("x")
)
y_feature = left.selectbox(
    t("perceptron.feature_y"), features, format_func=feature_name, key=page.key("y")
)
positive = middle.selectbox(
    t("perceptron.positive"),
    lab.CLASS_CHOICES,
    format_func=class_labels.__getitem__,
    help=t("perceptron.positive_help"),
    key=page.key("positive"),
)
step_name = middle.radio(
    t("perceptron.step_function"), list(STEP_FUNCTIONS), horizontal=True, key=page.key("phi")
)
eta = right.number_input(
    t("perceptron.learning_rate"),
    value=page.default("eta"),
    max_value=lab.MAX_ETA,  # no minimum: η ≤ 0 gets the lesson's message
    step=0.1,
    format="%.3f",
    help=t("perceptron.eta_help"),
    key=page.key("eta"),
)
epochs = right.number_input(
    t("perceptron.epochs"),
    value=page.default("epochs"),
    min_value=0,
    max_value=lab.MAX_EPOCHS,
    step=1,
    help=t("perceptron.epochs_help"),
    key=page.key("epochs"),
)
shuffle = last.toggle(t("perceptron.shuffle"), key=page.key("shuffle"))
seed = last.number_input(
    t("perceptron.seed"),
    value=page.default("seed"),
    min_value=0,
    max_value=lab.MAX_SEED,
    step=1,
    disabled=not shuffle,
    key=page.key("seed"),
)

wanted = lab.Settings(
    x_feature, y_feature, positive, float(eta), int(epochs), bool(shuffle), int(seed), step_name
)
problems = lab.problems(wanted)
ui.show(problems)
if problems:
    settings = page.last_good or lab.Settings()
    st.info(t("perceptron.kept_last"))
else:
    settings = page.last_good = wanted

# --- results -------------------------------------------------------------------
model = fitted(settings)
twin = sklearn_result(settings)
X, y = lab.task(iris(), settings)
names = class_names(settings)
n_updates = int(model.errors_.sum())
shown = figures(settings, present, ui.lang())

st.subheader(t("perceptron.results_heading"))
# the boundary first (the main picture), the figures and the verdict beside it
boundary_col, side_col = (st.container(), st.container()) if present else st.columns([3, 2])
with boundary_col:
    st.markdown(f"**{t('perceptron.boundary_heading')}**")
    ui.svg_picture(*shown["boundary"])
    st.caption(t("perceptron.boundary_caption"))
with side_col:
    metrics = st.columns(2)
    metrics[0].metric(t("perceptron.metric_accuracy"), f"{model.score(X, y):.3f}")
    metrics[1].metric(t("perceptron.metric_sklearn"), f"{twin['accuracy']:.3f}")
    metrics = st.columns(2)
    metrics[0].metric(t("perceptron.metric_epochs"), model.n_iter_)
    metrics[1].metric(t("perceptron.metric_updates"), n_updates)
    if model.converged_:
        st.success(t("perceptron.converged", epochs=model.n_iter_))
    else:
        st.warning(t("perceptron.not_converged", epochs=model.n_iter_, last=int(model.errors_[-1])))
    st.markdown(f"**{t('perceptron.errors_heading')}**")
    ui.svg_picture(*shown["errors"])

# --- the animation -------------------------------------------------------------
st.subheader(t("perceptron.animation_heading"))
st.markdown(t("perceptron.animation_intro"))
if shown["frames"] - 1 < n_updates:
    st.caption(t("perceptron.animation_thinned", updates=n_updates, frames=shown["frames"] - 1))
else:
    st.caption(t("perceptron.animation_all", updates=n_updates))
ui.plot(shown["animation"], key="perceptron_fig_animation")
st.caption(t("perceptron.speed_hint"))


# --- the model ---------------------------------------------------------------
st.subheader(t("perceptron.model_heading"))
st.latex(
    r"h_{\mathbf{w},b}(\mathbf{x}) = \mathrm{step}(z), \qquad z = \mathbf{x}^\top \mathbf{w} + b"
)
st.markdown(t("perceptron.step_intro"))
for column, name in zip(st.columns(2), STEP_FUNCTIONS, strict=True):
    with column:
        ui.plot(step_function_figure(name, present), key=f"perceptron_fig_{name}")
        st.markdown(t(f"perceptron.{name}_caption"))

st.subheader(t("perceptron.rule_heading"))
st.markdown(t("perceptron.rule_text"))
st.latex(
    r"\mathbf{w} \leftarrow \mathbf{w} + \eta\,(y - \hat{y})\,\mathbf{x}, \qquad "
    r"b \leftarrow b + \eta\,(y - \hat{y})"
)
st.info(t("perceptron.theorem"))

st.subheader(t("perceptron.multi_heading"))
st.markdown(t("perceptron.multi_text"))
st.latex(r"h_{W,\mathbf{b}}(X) = \phi(XW + \mathbf{b})")


# --- one sample at a time ------------------------------------------------------
def go_to(target: int) -> None:
    st.session_state[STEP_KEY] = target


@st.fragment
def stepper(settings: lab.Settings) -> None:
    """The rule at one step, with numbers; its widgets rerun only this part of the page."""
    trace = fitted(settings).trace_
    X, y = lab.task(iris(), settings)
    names = class_names(settings)
    n_steps = len(trace)
    st.session_state[STEP_KEY] = min(max(int(st.session_state.get(STEP_KEY, 1)), 1), n_steps)
    current = st.slider(t("perceptron.step"), 1, n_steps, key=STEP_KEY)
    page.finish()  # this fragment reruns alone: the step goes into the URL here
    later_updates = np.flatnonzero(trace.updated[current:]) + current + 1
    buttons = st.container(horizontal=True)
    buttons.button(
        t("perceptron.previous"),
        icon=":material/chevron_left:",
        on_click=go_to,
        args=(max(current - 1, 1),),
        key="perceptron_prev",
    )
    buttons.button(
        t("perceptron.next"),
        icon=":material/chevron_right:",
        icon_position="right",
        on_click=go_to,
        args=(min(current + 1, n_steps),),
        key="perceptron_next",
    )
    buttons.button(
        t("perceptron.next_update"),
        icon=":material/skip_next:",
        icon_position="right",
        on_click=go_to,
        args=(int(later_updates[0]) if len(later_updates) else n_steps,),
        disabled=not len(later_updates),
        key="perceptron_next_update",
    )

    index = current - 1
    sample = int(trace.sample[index])
    changed = bool(trace.updated[index])
    present = ui.presenter()
    figure_col, equation_col = (st.container(), st.container()) if present else st.columns(2)
    with figure_col:
        picture = functools.partial(
            boundary_svg,
            X,
            y,
            names,
            axis_titles(settings),
            trace.w[current],
            trace.b[current],
            ui.theme(),
            sample=sample,
            previous=(trace.w[index], trace.b[index]) if changed else None,
            title=t("perceptron.stepper_heading"),
        )
        ui.svg_picture(*for_widths(picture, STEP_WIDTH_PX, present))
    with equation_col:
        where = t(
            "perceptron.step_where",
            step=current,
            steps=n_steps,
            epoch=int(trace.epoch[index]),
            sample=sample + 1,
            label=names[int(y[sample])],
        )
        st.markdown(where)
        for block in lab.step_equations(trace, index, X, settings.eta0, settings.step):
            st.latex(block)
        if changed:
            st.warning(t("perceptron.step_changed"))
        else:
            st.success(t("perceptron.step_unchanged"))


st.subheader(t("perceptron.stepper_heading"))
st.markdown(t("perceptron.stepper_intro"))
stepper(settings)

# --- scikit-learn ----------------------------------------------------------------
st.subheader(t("perceptron.sklearn_heading"))
st.markdown(t("perceptron.sklearn_intro"))
ui.truth_table(weights_table(model, twin, names))
same = np.array_equal(model.coef_, twin["coef"]) and np.array_equal(
    model.intercept_, twin["intercept"]
)
if same:
    st.success(t("perceptron.weights_same"))
else:
    st.info(t("perceptron.weights_differ"))
st.markdown(f"**{t('perceptron.differences_heading')}**")
st.markdown(t("perceptron.differences"))
st.markdown(f"**{t('perceptron.code_heading')}**")
st.code(lab.sklearn_code(settings), language="python")
st.caption(t("perceptron.code_caption"))
page.finish()
