"""Streamlit side of the training page: this session's run, its actions, its live view.

The planning and evaluation themselves are plain functions of
:mod:`nnplay.keras_lab.plan`; the settings widgets are in
:mod:`nnplay.ui.keras_settings`, the results in :mod:`nnplay.ui.keras_results`.

State (all under ``keras_training_`` keys of ``st.session_state``, so each
visitor's model and history are private to their session):

- ``run``: the :class:`~nnplay.keras_lab.training.TrainingRun` (model, history; the
  training itself runs in a worker process, :mod:`nnplay.keras_lab.worker`);
- ``run_spec``: the spec (plain dict) the run's model was built from;
- ``results``: evaluation and predictions of the run's current weights, with the
  run version they belong to (computed once per version);
- ``message``: a :class:`~nnplay.messages.Message` to show once, after an action failed.

Nothing here runs in the run's supervising thread: that thread only touches the
run. It is told whether this session is still connected (:func:`session_alive`),
so a closed tab gives up its training slot or queue place within seconds.

The live view costs the server little: it polls once a second while training,
every few seconds while queued, not at all otherwise, and only while the
training page is the one in view (the fragment exists only there).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import streamlit as st

from nnplay import server, ui
from nnplay.charts import keras_training as charts
from nnplay.keras_lab import build, training
from nnplay.keras_lab import plan as planning
from nnplay.keras_lab import spec as specs
from nnplay.keras_lab import worker as workers
from nnplay.keras_lab.data import LabData
from nnplay.messages import Message
from nnplay.ui import keras_lab, keras_results

PREFIX = "keras_training"
RUN_KEY = f"{PREFIX}_run"
RUN_SPEC_KEY = f"{PREFIX}_run_spec"
RESULTS_KEY = f"{PREFIX}_results"
MESSAGE_KEY = f"{PREFIX}_message"
RESULTS_SHOWN_KEY = f"{PREFIX}_results_shown"  # whether the page's last whole run drew them
PAGE_RUN_KEY = f"{PREFIX}_page_run"
PENDING_KEY = f"{PREFIX}_pending"
POLL_KEY = f"{PREFIX}_poll"
POLL_S = 1.0  # how often the live view refreshes while a run trains
POLL_QUEUED_S = 3.0  # ... and while it waits for a slot
POLL_CHANGING_S = 0.25  # ... and while it starts or stops (a moment: show it when it has)
STOP_WAIT_S = 0.5  # Stop waits this long for the run to end, so its own rerun says so

log = logging.getLogger("nnplay")
t = ui.t


def get_run() -> training.TrainingRun | None:
    """This session's run, if there is one."""
    run = st.session_state.get(RUN_KEY)
    return run if isinstance(run, training.TrainingRun) else None


def run_spec() -> specs.ModelSpec | None:
    """The spec the current run's model was built from."""
    stored = st.session_state.get(RUN_SPEC_KEY)
    return specs.ModelSpec.from_dict(stored) if isinstance(stored, dict) else None


def make_plan(spec: specs.ModelSpec, data: LabData) -> planning.Plan:
    """What Train and Continue would do now with ``spec`` (see ``keras_lab.plan``)."""
    run = get_run()
    trained = run_spec() if run is not None and run.model is not None else None
    epochs_done = run.epochs_done if trained is not None else 0
    return planning.make_plan(spec, data, trained=trained, epochs_done=epochs_done)


def _say(key: str, **values: object) -> None:
    st.session_state[MESSAGE_KEY] = Message(key, values)


def pop_message() -> Message | None:
    """The message an action left for this run of the page (shown once)."""
    return st.session_state.pop(MESSAGE_KEY, None)


def _drop_run() -> None:
    run = get_run()
    st.session_state.pop(RUN_KEY, None)
    st.session_state.pop(RUN_SPEC_KEY, None)
    st.session_state.pop(RESULTS_KEY, None)
    if run is not None:
        run.close()
        server.release_soon()  # the model's reference cycles: a collection, off this run


def session_alive() -> Callable[[], bool] | None:
    """A check that says whether this browser session is still connected.

    Streamlit keeps a disconnected session for a while (to let it reconnect);
    the check answers ``False`` from the moment its websocket closed, so the
    training of a closed tab stops within seconds. ``None`` outside a server.
    """
    from streamlit import runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not runtime.exists():
        return None
    instance, session_id = runtime.get_instance(), ctx.session_id

    def alive() -> bool:
        return bool(instance.is_active_session(session_id))

    return alive


def prewarm() -> None:
    """Start a training worker ahead of time, so that Train does not wait for Keras."""
    try:
        workers.server_pool().prewarm()
    except Exception:  # only an optimisation: a training starts its own worker
        log.warning("could not start a training worker ahead of time", exc_info=True)


# --------------------------------------------------------------------------- actions


def request(action: str) -> None:
    """Callback of Train and Continue: remember the click for :func:`perform_pending`.

    The action itself waits until the page has read its widgets in this run,
    so a setting changed together with the click is honoured.
    """
    st.session_state[PENDING_KEY] = action


def perform_pending(plan: planning.Plan) -> None:
    """Do the Train or Continue that was clicked, with this run's ``plan``."""
    action = st.session_state.pop(PENDING_KEY, None)
    if action == "train":
        train(plan)
    elif action == "continue":
        resume(plan)


def train(plan: planning.Plan) -> None:
    """Build a fresh model from ``plan.spec`` and train it (replaces any run)."""
    if plan.problems:
        return
    data = prepare(plan.spec)
    if data is None:
        return
    _drop_run()
    try:
        model = build.build_model(plan.spec)
    except Exception:  # a spec that validates should build; say so if not
        log.exception("building the model failed")
        _say("keras_training.build_failed")
        return
    run = training.TrainingRun(model, planning.fit_data(plan.spec, data), alive=session_alive())
    st.session_state[RUN_KEY] = run
    st.session_state[RUN_SPEC_KEY] = plan.spec.to_dict()
    run.start(plan.options)


def resume(plan: planning.Plan) -> None:
    """Continue training the current model from its current weights."""
    run = get_run()
    if run is None or not run.can_continue or plan.continue_problems:
        return
    run.start(plan.options)


def stop() -> None:
    """Callback: ask the run to stop after the current batch, and wait a moment for it.

    A run stops within one batch and hands its weights back; most have ended
    before this rerun draws the page, which then says "Stopped" at once.
    """
    run = get_run()
    if run is not None:
        run.stop()
        run.wait(STOP_WAIT_S)


def reset() -> None:
    """Callback: stop, forget the model and its history, free the memory."""
    _drop_run()


def action_buttons(plan: planning.Plan) -> training.TrainingRun | None:
    """Train, Stop, Continue and Reset, each enabled when it can act; returns the run."""
    run = get_run()
    active = run is not None and run.active
    cells = st.columns(4)
    cells[0].button(
        t("keras_training.train_button"),
        icon=":material/play_arrow:",
        type="primary",
        key=f"{PREFIX}_train",
        disabled=bool(plan.problems) or active,
        width="stretch",
        on_click=request,
        args=("train",),
    )
    cells[1].button(
        t("keras_training.stop_button"),
        icon=":material/stop:",
        key=f"{PREFIX}_stop",
        disabled=not active,
        width="stretch",
        on_click=stop,
    )
    cells[2].button(
        t("keras_training.continue_button"),
        icon=":material/resume:",
        key=f"{PREFIX}_continue",
        disabled=run is None or not run.can_continue or bool(plan.continue_problems),
        width="stretch",
        help=t("keras_training.continue_help"),
        on_click=request,
        args=("continue",),
    )
    cells[3].button(
        t("keras_training.reset_button"),
        icon=":material/restart_alt:",
        key=f"{PREFIX}_reset",
        disabled=run is None,
        width="stretch",
        on_click=reset,
    )
    ui.show(plan.continue_problems, icon=":material/block:")
    return run


# --------------------------------------------------------------------------- results


def results(run: training.TrainingRun, spec: specs.ModelSpec, data: LabData) -> planning.Evaluation:
    """Evaluate and predict on the test set, once per version of the weights."""
    key = (id(run), run.version)
    cached = st.session_state.get(RESULTS_KEY)
    if cached is not None and cached[0] == key:
        return cached[1]
    found = planning.evaluation(run.model, spec, data)
    st.session_state[RESULTS_KEY] = (key, found)
    return found


def prepare(spec: specs.ModelSpec) -> LabData | None:
    """The spec's data set if it is available without a download, else ``None``."""
    return keras_lab.lab_data(spec.dataset)


# --------------------------------------------------------------------------- live view

P = PREFIX


def status(progress: training.Progress) -> None:
    """A line that says what the run is doing, and the progress bar."""
    state = progress.state
    if state == training.QUEUED:
        st.info(
            t("keras_training.state_queued", position=progress.queue_position or 1),
            icon=":material/hourglass_top:",
        )
    elif state == training.RUNNING and progress.starting:
        st.progress(0.0, text=t("keras_training.state_starting"))
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
        key = (
            "keras_training.state_worker_lost"
            if progress.reason == training.REASON_WORKER_LOST
            else "keras_training.state_failed"
        )
        st.error(
            ui.say(Message(key, {"detail": progress.detail}), limit=200),
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


def curves(
    run: training.TrainingRun, progress: training.Progress, key: str, *, interim: bool = False
) -> None:
    """Loss and metric curves, training and validation, with the epoch in progress.

    SVG while the run is active or the picture is ``interim``; plotly (hover,
    zoom) once it has ended.
    """
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
        texts = dict(
            title=keras_lab.metric_label(name),
            train_label=t("keras_training.train"),
            validation_label=t("keras_training.validation_curve"),
            epoch_label=t("keras_training.epoch"),
            live=live,
            live_label=t("keras_training.live"),
            shift_train=shift,
        )
        with columns[i % len(columns)]:
            # redrawn every second, or about to be replaced: an SVG, which the browser
            # draws in milliseconds, so that "Stopped" is not kept waiting for plotly
            if run.active or interim:
                svg = charts.curve_svg(history, name, ui.theme(), **texts)
                st.markdown(svg, unsafe_allow_html=True)
            else:  # the finished curves: plotly, to hover and zoom
                ui.plot(
                    charts.curve_figure(history, name, ui.theme(), **texts), key=f"{key}_{name}"
                )


def poll_every(run: training.TrainingRun | None) -> float | None:
    """Seconds between refreshes of the live view: none unless the run is active."""
    if run is None or not run.active:
        return None
    if run.state == training.QUEUED:
        return POLL_QUEUED_S
    if run.state == training.STOPPING or run.progress().starting:
        return POLL_CHANGING_S
    return POLL_S


def training_panel(plan: planning.Plan) -> None:
    """Train, Stop, Continue, Reset and the live view, as one fragment.

    A click on one of them reruns this part of the page only, so Stop says
    "Stopped" without waiting for the settings above to be drawn again. The
    whole page reruns when what lies outside the fragment must change (a run
    ended and its results appear, or a new one hides the last one's). While a
    run is active, the fragment refreshes itself at :func:`poll_every`'s pace.
    """
    every = poll_every(get_run())
    st.session_state[POLL_KEY] = every
    st.session_state[PAGE_RUN_KEY] = True  # the fragment runs as part of the whole page
    st.fragment(run_every=every)(_panel)(plan)


def _panel(plan: planning.Plan) -> None:
    whole_page = st.session_state.pop(PAGE_RUN_KEY, False)
    perform_pending(plan)
    run = action_buttons(plan)
    message = pop_message()
    if message:
        ui.show([message])
    trained_spec = run_spec()
    if run is not None and trained_spec is not None:
        if trained_spec.compile.to_dict() != plan.spec.compile.to_dict():
            st.caption(t("keras_training.compile_changed"))
    # What lies outside the fragment (the results) is drawn by the whole page.
    outside_stale = not whole_page and (results_due() is not None) != st.session_state.get(
        RESULTS_SHOWN_KEY, False
    )
    st.toggle(t("keras_training.shift"), key=f"{P}_shift", help=t("keras_training.shift_help"))
    live_view(run, interim=outside_stale)
    if outside_stale or poll_every(run) != st.session_state.get(POLL_KEY):
        # The whole page: evaluation and predictions appear or go, or the
        # live view takes the pace of the run's new state (queued -> training).
        st.rerun()


def live_view(run: training.TrainingRun | None, *, interim: bool = False) -> None:
    """The run's state, progress and curves.

    ``interim``: the whole page reruns right after this (a run has just ended),
    so the curves stay light SVG until that run draws the final ones.
    """
    if run is None:
        st.info(t("keras_training.no_run"), icon=":material/model_training:")
        return
    progress = run.progress()
    status(progress)
    spec = run_spec()
    if progress.epochs_done or progress.partial:
        curves(run, progress, f"{P}_curve", interim=interim)
        if spec is not None and spec.task == specs.REGRESSION and spec.compile.loss == specs.MSE:
            st.caption(t("keras_training.regression_jumps"))  # the notes' run jumps too
    if run.active and progress.probe_output is not None and spec is not None:
        keras_results.live_surface(progress, keras_lab.lab_data(spec.dataset))


def results_due() -> tuple[training.TrainingRun, specs.ModelSpec, LabData] | None:
    """The run, spec and data whose results the page shows now (none while training)."""
    run, spec = get_run(), run_spec()
    if run is None or run.active or run.model is None or not run.epochs_done or spec is None:
        return None
    data = prepare(spec)
    return None if data is None else (run, spec, data)


def results_section() -> None:
    """After training: scores, predictions, weights and downloads of the trained model."""
    due = results_due()
    st.session_state[RESULTS_SHOWN_KEY] = due is not None
    if due is not None:
        keras_results.show(results(*due), *due)
