"""Streamlit side of the training page: this session's run, its plan, its results.

State (all under ``keras_training_`` keys of ``st.session_state``, so each
visitor's model and history are private to their session):

- ``run``: the :class:`~nnplay.keras_lab.training.TrainingRun` (model, history, thread);
- ``run_spec``: the spec (plain dict) the run's model was built from;
- ``results``: evaluation and predictions of the run's current weights, with the
  run version they belong to (computed once per version);
- ``message``: a catalog key (and values) to show once, after an action failed.

Nothing here runs in the training thread: the thread only touches the run.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import numpy as np
import streamlit as st

from nnplay.keras_lab import build, evaluate, limits, training
from nnplay.keras_lab import spec as specs
from nnplay.keras_lab.data import LabData
from nnplay.messages import Message
from nnplay.ui import keras_lab

PREFIX = "keras_training"
RUN_KEY = f"{PREFIX}_run"
RUN_SPEC_KEY = f"{PREFIX}_run_spec"
RESULTS_KEY = f"{PREFIX}_results"
MESSAGE_KEY = f"{PREFIX}_message"
WAS_ACTIVE_KEY = f"{PREFIX}_was_active"
PENDING_KEY = f"{PREFIX}_pending"
POLL_S = 1.0  # how often the live view refreshes while a run is active

log = logging.getLogger("nnplay")


@dataclass(frozen=True)
class Plan:
    """What Train or Continue would do now, and why it may not.

    Attributes
    ----------
    spec : ModelSpec
        The session's spec with this page's compile and fit settings.
    options : FitOptions
        Epochs, batch size, class weights.
    problems : list of str
        Translated reasons that stop Train (spec problems, limits).
    continue_problems : list of str
        Translated reasons that stop Continue.
    """

    spec: specs.ModelSpec
    options: training.FitOptions
    problems: list[str]
    continue_problems: list[str]


def get_run() -> training.TrainingRun | None:
    """This session's run, if there is one."""
    run = st.session_state.get(RUN_KEY)
    return run if isinstance(run, training.TrainingRun) else None


def run_spec() -> specs.ModelSpec | None:
    """The spec the current run's model was built from."""
    stored = st.session_state.get(RUN_SPEC_KEY)
    return specs.ModelSpec.from_dict(stored) if isinstance(stored, dict) else None


def _limit_texts(problems: list[Message]) -> list[str]:
    from nnplay.ui import say

    return [say(p) for p in problems]


def make_plan(spec: specs.ModelSpec, data: LabData) -> Plan:
    """Check ``spec`` (with this page's settings) against the spec rules and the limits."""
    from nnplay.ui import say, t

    problems = [say(p) for p in specs.errors(specs.validate(spec))]
    n_train = len(data.X_train)
    if spec.fit.validation == specs.FRACTION:
        n_train -= max(1, round(n_train * spec.fit.validation_split))
    params = build.count_params(spec) if not problems else 0
    server = limits.Limits.from_env()
    fit = spec.fit
    class_weight = None if problems else specs.class_weight_for(spec, data.y_train)
    options = training.FitOptions(
        epochs=int(fit.epochs), batch_size=int(fit.batch_size), class_weight=class_weight
    )
    if not problems:
        problems += _limit_texts(
            limits.check(
                server,
                params=params,
                train_samples=n_train,
                epochs=options.epochs,
                batch_size=options.batch_size,
                cost_per_example=build.cost_per_example(spec),
            )
        )
    run = get_run()
    continue_problems: list[str] = []
    if run is not None and run.model is not None:
        trained = run_spec()
        if trained is not None and trained.dataset != spec.dataset:
            continue_problems = [t("keras_training.other_dataset")]
        elif trained is not None:
            continue_problems = _limit_texts(
                limits.check(
                    server,
                    params=build.count_params(trained),
                    train_samples=n_train,
                    epochs=options.epochs,
                    batch_size=options.batch_size,
                    epochs_done=run.epochs_done,
                    cost_per_example=build.cost_per_example(trained),
                )
            )
    return Plan(spec, options, problems, continue_problems)


def fit_data(spec: specs.ModelSpec, data: LabData) -> training.FitData:
    """The training and validation arrays the spec asks for.

    ``"fraction"`` validation holds out the last part of the training set
    before any shuffling, as Keras's ``validation_split`` does.
    """
    x, y = data.X_train, data.y_train
    if spec.fit.validation == specs.FRACTION:
        n_val = max(1, round(len(x) * spec.fit.validation_split))
        x_val, y_val = x[-n_val:], y[-n_val:]
        x, y = x[:-n_val], y[:-n_val]
    else:
        x_val, y_val = data.X_valid, data.y_valid
    if specs.needs_one_hot(spec):
        n = len(data.class_names)
        y, y_val = _one_hot(y, n), _one_hot(y_val, n)
    return training.FitData(x, y, x_val, y_val)


def _one_hot(y: np.ndarray, n: int) -> np.ndarray:
    return np.eye(n, dtype=np.float32)[np.asarray(y, dtype=np.int64)]


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
        del run
        training.release_memory()


# --------------------------------------------------------------------------- actions


def request(action: str) -> None:
    """Callback of Train and Continue: remember the click for :func:`perform_pending`.

    The action itself waits until the page has read its widgets in this run,
    so a setting changed together with the click is honoured.
    """
    st.session_state[PENDING_KEY] = action


def perform_pending(plan: Plan) -> None:
    """Do the Train or Continue that was clicked, with this run's ``plan``."""
    action = st.session_state.pop(PENDING_KEY, None)
    if action == "train":
        train(plan)
    elif action == "continue":
        resume(plan)


def train(plan: Plan) -> None:
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
    run = training.TrainingRun(model, fit_data(plan.spec, data))
    st.session_state[RUN_KEY] = run
    st.session_state[RUN_SPEC_KEY] = plan.spec.to_dict()
    run.start(plan.options)
    st.session_state[WAS_ACTIVE_KEY] = True


def resume(plan: Plan) -> None:
    """Continue training the current model from its current weights."""
    run = get_run()
    if run is None or not run.can_continue or plan.continue_problems:
        return
    run.start(plan.options)
    st.session_state[WAS_ACTIVE_KEY] = True


def stop() -> None:
    """Callback: ask the run to stop after the current batch."""
    run = get_run()
    if run is not None:
        run.stop()


def reset() -> None:
    """Callback: stop, forget the model and its history, free the memory."""
    _drop_run()


def finished_now(run: training.TrainingRun | None) -> bool:
    """Whether the run was active at the last look and is not any more."""
    active = run is not None and run.active
    was = st.session_state.get(WAS_ACTIVE_KEY, False)
    st.session_state[WAS_ACTIVE_KEY] = active
    return was and not active


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class Results:
    """Everything the page shows after training, for one version of the weights."""

    scores: dict[str, float]
    classification: evaluate.ClassificationResults | None
    regression: evaluate.RegressionResults | None
    seconds: float


def results(run: training.TrainingRun, spec: specs.ModelSpec, data: LabData) -> Results:
    """Evaluate and predict on the test set, once per version of the weights."""
    key = (id(run), run.version)
    cached = st.session_state.get(RESULTS_KEY)
    if cached is not None and cached[0] == key:
        return cached[1]
    started = time.perf_counter()
    y_test = data.y_test
    if specs.needs_one_hot(spec):
        y_test = _one_hot(y_test, len(data.class_names))
    scores = evaluate.evaluate(run.model, data.X_test, y_test)
    classification = regression = None
    if spec.task == specs.REGRESSION:
        regression = evaluate.regression_results(
            run.model, data.X_test, data.y_test, float(np.mean(data.y_train))
        )
    else:
        classification = evaluate.classification_results(
            run.model, data.X_test, data.y_test, max(2, len(data.class_names))
        )
    found = Results(scores, classification, regression, time.perf_counter() - started)
    st.session_state[RESULTS_KEY] = (key, found)
    return found


def model_download(run: training.TrainingRun):
    """A callable for ``st.download_button``: the ``.keras`` file, made on click."""
    model = run.model

    def make() -> bytes:
        return evaluate.model_bytes(model)

    return make


def prepare(spec: specs.ModelSpec) -> LabData | None:
    """The spec's data set if it is available without a download, else ``None``."""
    return keras_lab.lab_data(spec.dataset)
