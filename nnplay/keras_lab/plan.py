"""What a Train or Continue would do, and what training gives back: plain data, no UI.

- :func:`make_plan`: the spec checked against its own rules and the server's
  limits, with the ``model.fit`` options, as :class:`Plan`;
- :func:`fit_data`: the training and validation arrays the spec asks for
  (Keras's ``validation_split`` rule, one-hot targets where the loss wants them);
- :func:`evaluation`: the test-set scores and predictions of a trained model,
  as :class:`Evaluation`.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np

from nnplay.keras_lab import build, evaluate, limits, surface, training
from nnplay.keras_lab import spec as specs
from nnplay.keras_lab.data import LabData
from nnplay.messages import Message


@dataclass(frozen=True)
class Plan:
    """What Train or Continue would do now, and why it may not.

    Attributes
    ----------
    spec : ModelSpec
        The model with the page's compile and fit settings.
    options : FitOptions
        Epochs, batch size, class weights.
    problems : list of Message
        Why Train may not run (spec problems, then the server's limits).
    continue_problems : list of Message
        Why Continue may not run.
    """

    spec: specs.ModelSpec
    options: training.FitOptions
    problems: list[Message] = field(default_factory=list)
    continue_problems: list[Message] = field(default_factory=list)


def train_size(spec: specs.ModelSpec, n_train: int) -> int:
    """Examples left for training once ``"fraction"`` validation has taken its part."""
    if spec.fit.validation == specs.FRACTION:
        return n_train - validation_count(spec, n_train)
    return n_train


def validation_count(spec: specs.ModelSpec, n_train: int) -> int:
    """Examples Keras's ``validation_split`` holds out: the last ``n - floor(n (1 - split))``."""
    return n_train - math.floor(n_train * (1.0 - spec.fit.validation_split))


def make_plan(
    spec: specs.ModelSpec,
    data: LabData,
    *,
    server: limits.Limits | None = None,
    trained: specs.ModelSpec | None = None,
    epochs_done: int = 0,
) -> Plan:
    """Check ``spec`` against the spec rules and the server's limits.

    Parameters
    ----------
    spec : ModelSpec
    data : LabData
        The spec's data set.
    server : Limits, optional
        :meth:`Limits.from_env` when not given.
    trained : ModelSpec, optional
        The spec of the model trained so far (for Continue); ``None`` if none.
    epochs_done : int
        Epochs that model has had.
    """
    server = limits.Limits.from_env() if server is None else server
    problems = specs.errors(specs.validate(spec))
    n_train = train_size(spec, len(data.X_train))
    class_weight = None if problems else specs.class_weight_for(spec, data.y_train)
    options = training.FitOptions(
        epochs=int(spec.fit.epochs), batch_size=int(spec.fit.batch_size), class_weight=class_weight
    )
    if not problems:
        problems = limits.check(
            server,
            params=build.count_params(spec),
            train_samples=n_train,
            epochs=options.epochs,
            batch_size=options.batch_size,
            cost_per_example=build.cost_per_example(spec),
        )
    continue_problems: list[Message] = []
    if trained is not None and trained.dataset != spec.dataset:
        continue_problems = [Message("keras_training.other_dataset")]
    elif trained is not None:
        continue_problems = limits.check(
            server,
            params=build.count_params(trained),
            train_samples=n_train,
            epochs=options.epochs,
            batch_size=options.batch_size,
            epochs_done=epochs_done,
            cost_per_example=build.cost_per_example(trained),
        )
    return Plan(spec, options, problems, continue_problems)


def one_hot(y: np.ndarray, n_classes: int) -> np.ndarray:
    """Class indices as one-hot rows (``keras.utils.to_categorical``, without Keras)."""
    return np.eye(n_classes, dtype=np.float32)[np.asarray(y, dtype=np.int64)]


def fit_data(spec: specs.ModelSpec, data: LabData) -> training.FitData:
    """The training and validation arrays the spec asks for.

    ``"fraction"`` validation holds out the last part of the training set
    before any shuffling, as Keras's ``validation_split`` does.
    """
    x, y = data.X_train, data.y_train
    if spec.fit.validation == specs.FRACTION:
        n_val = validation_count(spec, len(x))
        x_val, y_val = x[-n_val:], y[-n_val:]
        x, y = x[:-n_val], y[:-n_val]
    else:
        x_val, y_val = data.X_valid, data.y_valid
    if specs.needs_one_hot(spec):
        n = len(data.class_names)
        y, y_val = one_hot(y, n), one_hot(y_val, n)
    return training.FitData(x, y, x_val, y_val, probe=probe_points(spec, data))


def probe_points(spec: specs.ModelSpec, data: LabData) -> np.ndarray | None:
    """The plane's grid for a two-feature classification set (its boundary is drawn live)."""
    if spec.task == specs.REGRESSION or not surface.is_two_dimensional(data.input_shape):
        return None
    return surface_grid(data).points


def surface_grid(data: LabData) -> surface.ProbeGrid:
    """The probe grid over every part of ``data`` (the same for the live view and the end)."""
    return surface.probe_grid(np.concatenate([data.X_train, data.X_valid, data.X_test]))


@dataclass(frozen=True)
class Evaluation:
    """A trained model's test-set scores and predictions.

    Attributes
    ----------
    scores : dict
        ``model.evaluate`` on the test set, by metric name.
    classification, regression : results or None
        :class:`~nnplay.keras_lab.evaluate.ClassificationResults` or
        :class:`~nnplay.keras_lab.evaluate.RegressionResults`, by task.
    seconds : float
        How long it took.
    """

    scores: dict[str, float]
    classification: evaluate.ClassificationResults | None
    regression: evaluate.RegressionResults | None
    seconds: float


def evaluation(model, spec: specs.ModelSpec, data: LabData) -> Evaluation:
    """Evaluate ``model`` (trained from ``spec``) and predict on the test set."""
    started = time.perf_counter()
    y_test = data.y_test
    if specs.needs_one_hot(spec):
        y_test = one_hot(y_test, len(data.class_names))
    scores = evaluate.evaluate(model, data.X_test, y_test)
    classification = regression = None
    if spec.task == specs.REGRESSION:
        baseline = float(np.mean(data.y_train))
        regression = evaluate.regression_results(model, data.X_test, data.y_test, baseline)
    else:
        n_classes = max(2, len(data.class_names))
        classification = evaluate.classification_results(model, data.X_test, data.y_test, n_classes)
    return Evaluation(scores, classification, regression, time.perf_counter() - started)
