"""Keras lab, part 2: train live, stop and continue, then evaluate and predict."""

import pandas as pd
import streamlit as st

from nnplay import ui
from nnplay.charts import keras_training as charts
from nnplay.keras_lab import build, evaluate, training
from nnplay.keras_lab import spec as specs
from nnplay.keras_lab.data import DOWNLOAD_MB, DatasetUnavailable
from nnplay.messages import Message
from nnplay.ui import keras_lab
from nnplay.ui import keras_training as lab

t = ui.t
P = "keras_training"
_SEEN = f"{P}_seen"
_GEN = f"{P}_gen"
GALLERY_SIZE = 12


# --------------------------------------------------------------------------- data and model


def use_offline(name: str) -> None:
    """Callback: train on an offline data set instead (its default model)."""
    keras_lab.set_spec(specs.default_spec(name))


def try_download(name: str) -> None:
    """Callback: one download attempt; a failure is remembered for the page to say."""
    try:
        keras_lab.download(name)
    except DatasetUnavailable:
        st.session_state[f"{P}_download_failed"] = name
    else:
        st.session_state.pop(f"{P}_download_failed", None)


def missing_data(name: str) -> None:
    """Say that the set must be downloaded once; offer the download and the offline sets."""
    st.warning(
        t(
            "keras_training.needs_download",
            name=t(f"keras_lab.dataset_{name}"),
            size=DOWNLOAD_MB[name],
        ),
        icon=":material/cloud_download:",
    )
    st.button(
        t("keras_training.download"),
        icon=":material/download:",
        key=f"{P}_download",
        on_click=try_download,
        args=(name,),
    )
    if st.session_state.get(f"{P}_download_failed") == name:
        st.error(t("keras_training.download_failed"), icon=":material/wifi_off:")
    st.markdown(t("keras_training.offline_offer"))
    for cell, offline in zip(st.columns(3), ("iris", "moons", "xor"), strict=True):
        cell.button(
            t(f"keras_lab.dataset_{offline}"),
            key=f"{P}_use_{offline}",
            width="stretch",
            on_click=use_offline,
            args=(offline,),
        )


def settings(spec: specs.ModelSpec, n_classes: int) -> specs.ModelSpec:
    """Compile and fit widgets, starting from the session's spec; returns the edited copy."""
    stored = spec.to_dict()
    if st.session_state.get(_SEEN) != stored:  # changed on the builder page or by a link
        st.session_state[_GEN] = st.session_state.get(_GEN, 0) + 1
    prefix = f"{P}_{st.session_state.get(_GEN, 0)}"
    columns = 2 if ui.presenter() else 3
    new = spec.copy()
    new.compile = keras_lab.compile_settings(spec, prefix, columns=columns)
    cells = st.columns(columns)
    new.fit.epochs = int(
        cells[0].number_input(
            t("keras_training.epochs"),
            min_value=1,
            max_value=specs.MAX_EPOCHS,
            value=int(min(max(spec.fit.epochs, 1), specs.MAX_EPOCHS)),
            key=f"{prefix}_epochs",
            help=t("keras_training.epochs_help"),
        )
    )
    new.fit.batch_size = int(
        cells[1 % columns].number_input(
            t("keras_training.batch_size"),
            min_value=1,
            max_value=specs.MAX_BATCH_SIZE,
            value=int(min(max(spec.fit.batch_size, 1), specs.MAX_BATCH_SIZE)),
            key=f"{prefix}_batch_size",
            help=t("keras_training.batch_size_help"),
        )
    )
    choices = [specs.HELD_OUT, specs.FRACTION]
    new.fit.validation = cells[2 % columns].radio(
        t("keras_training.validation"),
        choices,
        index=choices.index(spec.fit.validation) if spec.fit.validation in choices else 0,
        format_func=keras_lab.labels(choices, lambda c: t(f"keras_training.validation_{c}")),
        key=f"{prefix}_validation",
        help=t("keras_training.validation_help"),
    )
    if new.fit.validation == specs.FRACTION:
        new.fit.validation_split = st.slider(
            t("keras_training.validation_split"),
            specs.MIN_VALIDATION_SPLIT,
            specs.MAX_VALIDATION_SPLIT,
            float(
                min(
                    max(spec.fit.validation_split, specs.MIN_VALIDATION_SPLIT),
                    specs.MAX_VALIDATION_SPLIT,
                )
            ),
            0.05,
            key=f"{prefix}_validation_split",
        )
    if spec.task != specs.REGRESSION:
        new.fit.class_weight = class_weights(spec, prefix, n_classes)
    st.session_state[_SEEN] = stored
    return new


def class_weights(spec: specs.ModelSpec, prefix: str, n_classes: int):
    """None, ``"balanced"`` or one weight per class, as ``FitSpec.class_weight``."""
    modes = ["none", specs.BALANCED, "manual"]
    current = spec.fit.class_weight
    start = "manual" if isinstance(current, dict) else (current or "none")
    mode = st.radio(
        t("keras_training.class_weight"),
        modes,
        index=modes.index(start),
        horizontal=True,
        format_func=keras_lab.labels(modes, lambda m: t(f"keras_training.class_weight_{m}")),
        key=f"{prefix}_class_weight",
        help=t("keras_training.class_weight_help"),
    )
    if mode != "manual":
        return None if mode == "none" else specs.BALANCED
    given = current if isinstance(current, dict) else {}
    weights = {}
    per_row = 5
    for start_class in range(0, n_classes, per_row):
        cells = st.columns(per_row)
        for cell, c in zip(
            cells, range(start_class, min(n_classes, start_class + per_row)), strict=False
        ):
            weights[str(c)] = float(
                cell.number_input(
                    t("keras_training.weight_of", label=c),
                    min_value=0.0,
                    max_value=specs.MAX_CLASS_WEIGHT,
                    value=float(given.get(str(c), 1.0)),
                    step=0.5,
                    key=f"{prefix}_weight_{c}",
                )
            )
    return weights


# --------------------------------------------------------------------------- live view


def status(progress: training.Progress) -> None:
    """A line that says what the run is doing, and the progress bar."""
    state = progress.state
    if state == training.QUEUED:
        st.info(
            t("keras_training.state_queued", position=progress.queue_position or 1),
            icon=":material/hourglass_top:",
        )
    elif state in (training.RUNNING, training.STOPPING):
        left = "–" if progress.seconds_left is None else f"{progress.seconds_left:.0f}"
        text = t(
            f"keras_training.state_{state}",
            epoch=progress.epoch,
            last=progress.last_epoch,
            batch=progress.batch,
            batches=progress.batches or "–",
            left=left,
        )
        st.progress(progress.fraction, text=text)
    elif state == training.DIVERGED:
        st.error(
            t(
                "keras_training.state_diverged",
                epoch=progress.epoch,
                batch=progress.batch,
                loss=progress.detail,
            ),
            icon=":material/trending_up:",
        )
    elif state == training.FAILED:
        st.error(
            ui.say(Message("keras_training.state_failed", {"detail": progress.detail}), limit=200),
            icon=":material/error:",
        )
    elif state == training.STOPPED:
        key = (
            "state_stopped_partial"
            if progress.batch and progress.batch < progress.batches
            else "state_stopped"
        )
        st.warning(
            t(
                f"keras_training.{key}",
                done=progress.epochs_done,
                epoch=progress.epoch,
                batch=progress.batch,
            ),
            icon=":material/pause_circle:",
        )
    elif state == training.FINISHED:
        st.success(
            t(
                "keras_training.state_finished",
                done=progress.epochs_done,
                seconds=f"{progress.elapsed_s:.1f}",
            ),
            icon=":material/check_circle:",
        )


def curves(run: training.TrainingRun, progress: training.Progress, key: str) -> None:
    """Loss and metric curves, training and validation, with the epoch in progress."""
    history = run.history()
    names = ["loss", *sorted(k for k in history if not k.startswith("val_") and k != "loss")]
    if not history and progress.partial:
        names = ["loss", *sorted(k for k in progress.partial if k != "loss")]
    shift = st.session_state.get(f"{P}_shift", False)
    columns = st.columns(1 if ui.presenter() or len(names) == 1 else 2)
    for i, name in enumerate(names[:4]):
        live = None
        if progress.partial and name in progress.partial and progress.batches:
            live = (progress.epoch - 1 + progress.batch / progress.batches, progress.partial[name])
        fig = charts.curve_figure(
            history,
            name,
            ui.theme(),
            title=name,
            train_label=t("keras_training.train"),
            validation_label=t("keras_training.validation_curve"),
            epoch_label=t("keras_training.epoch"),
            live=live,
            live_label=t("keras_training.live"),
            shift_train=shift,
        )
        with columns[i % len(columns)]:
            ui.plot(fig, key=f"{key}_{name}")


def live_view() -> None:
    """The run's state, progress and curves; polled while the run is active."""
    run = lab.get_run()
    if run is None:
        st.info(t("keras_training.no_run"), icon=":material/model_training:")
        return
    progress = run.progress()
    status(progress)
    if progress.epochs_done or progress.partial:
        curves(run, progress, f"{P}_curve")
    if lab.finished_now(run):
        st.rerun()  # the whole page: evaluation and predictions appear


# --------------------------------------------------------------------------- after training


def scores(found: lab.Results, spec: specs.ModelSpec) -> None:
    st.markdown(t("keras_training.evaluate_intro"))
    cells = st.columns(max(2, len(found.scores) + (1 if found.regression else 0)))
    for cell, (name, value) in zip(cells, found.scores.items(), strict=False):
        shown = f"{value:.1%}" if name == "accuracy" else f"{value:.4f}"
        cell.metric(t("keras_training.test_score", name=name), shown)
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


def history_section(run: training.TrainingRun) -> None:
    history = run.history()
    rows = evaluate.history_rows(history)
    st.dataframe(
        pd.DataFrame(rows), hide_index=True, width="stretch", height=min(400, 40 + 35 * len(rows))
    )


def classification_section(found: lab.Results, data, spec: specs.ModelSpec) -> None:
    results = found.classification
    names = list(data.class_names) or [str(c) for c in range(results.proba.shape[1])]
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
        ui.plot(fig, key=f"{P}_gallery_fig")
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
        ),
        key=f"{P}_confusion",
    )


def regression_section(found: lab.Results) -> None:
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
        lab.model_download(run),
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


# --------------------------------------------------------------------------- the page

ui.page_header("keras_training")
keras_lab.load_tensorflow()
keras_lab.show_problems(keras_lab.read_link())

spec = keras_lab.get_spec()
st.page_link(
    "pages/keras_builder.py", label=t("keras_training.edit_model"), icon=":material/stacks:"
)
data = lab.prepare(spec)
if data is None:
    missing_data(spec.dataset)
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

st.subheader(t("keras_training.settings_heading"))
st.markdown(t("keras_training.settings_intro"))
new_spec = settings(spec, max(2, len(data.class_names)))
plan = lab.make_plan(new_spec, data)
if not plan.problems and new_spec.to_dict() != spec.to_dict():
    keras_lab.set_spec(new_spec)  # the builder page and its code export follow
    st.session_state[_SEEN] = new_spec.to_dict()
keras_lab.write_link(keras_lab.get_spec())  # the model and its settings, to share
st.caption(t("keras_training.link_note"))
for problem in plan.problems:
    st.error(problem, icon=":material/block:")

lab.perform_pending(plan)
run = lab.get_run()
active = run is not None and run.active
st.subheader(t("keras_training.train_heading"))
cells = st.columns(4)
cells[0].button(
    t("keras_training.train_button"),
    icon=":material/play_arrow:",
    type="primary",
    key=f"{P}_train",
    disabled=bool(plan.problems) or active,
    width="stretch",
    on_click=lab.request,
    args=("train",),
)
cells[1].button(
    t("keras_training.stop_button"),
    icon=":material/stop:",
    key=f"{P}_stop",
    disabled=not active,
    width="stretch",
    on_click=lab.stop,
)
cells[2].button(
    t("keras_training.continue_button"),
    icon=":material/resume:",
    key=f"{P}_continue",
    disabled=run is None or not run.can_continue or bool(plan.continue_problems),
    width="stretch",
    help=t("keras_training.continue_help"),
    on_click=lab.request,
    args=("continue",),
)
cells[3].button(
    t("keras_training.reset_button"),
    icon=":material/restart_alt:",
    key=f"{P}_reset",
    disabled=run is None,
    width="stretch",
    on_click=lab.reset,
)
message = lab.pop_message()
if message:
    ui.show([message])
for problem in plan.continue_problems:
    st.warning(problem, icon=":material/block:")
trained_spec = lab.run_spec()
if (
    run is not None
    and trained_spec is not None
    and trained_spec.compile.to_dict() != new_spec.compile.to_dict()
):
    st.caption(t("keras_training.compile_changed"))
st.toggle(t("keras_training.shift"), key=f"{P}_shift", help=t("keras_training.shift_help"))

st.fragment(run_every=lab.POLL_S if active else None)(live_view)()

trained_data = data if trained_spec is None else lab.prepare(trained_spec)
if (
    run is not None
    and not run.active
    and run.model is not None
    and run.epochs_done
    and trained_data
):
    found = lab.results(run, trained_spec, trained_data)
    st.subheader(t("keras_training.evaluate_heading"))
    scores(found, trained_spec)
    with st.expander(t("keras_training.history_heading")):
        history_section(run)
    if found.classification is not None:
        classification_section(found, trained_data, trained_spec)
    else:
        regression_section(found)
    weights_section(run)
    downloads(run, trained_spec)
