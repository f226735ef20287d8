"""Streamlit helpers shared by the Keras-lab pages (builder and training).

- The session's model spec: :func:`get_spec` / :func:`set_spec` (stored as a
  plain dict under ``st.session_state["lab_spec"]``).
- :func:`load_tensorflow`: imports Keras (and TensorFlow) behind a spinner, once.
- Data: :func:`lab_data` (shared, read-only arrays; never downloads),
  :func:`download` (one explicit attempt), :func:`dataset_label`, small cached
  previews (:func:`sample_mosaic`, :func:`table_head`).
- Widgets: :func:`compile_settings` (loss, optimizer, learning rate, momentum,
  metrics) for any page, keyed by :class:`CompileKeys`; :func:`read_compile`.
- :func:`show_problems`: validation problems, translated.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd
import streamlit as st

from nnplay import i18n, server
from nnplay.keras_lab import data as lab
from nnplay.keras_lab.spec import (
    DATASETS,
    LOSSES_BY_TASK,
    MAX_LEARNING_RATE,
    MAX_MOMENTUM,
    METRICS_BY_TASK,
    MOMENTUM_OPTIMIZERS,
    OPTIMIZERS,
    QUERY_KEYS,
    TASKS,
    CompileSpec,
    ModelSpec,
    OptimizerSpec,
    book_model,
    errors,
    from_query,
    to_query,
)
from nnplay.messages import Message
from nnplay.ui import show, t

SPEC_KEY = "lab_spec"
log = logging.getLogger("nnplay")


# --------------------------------------------------------------------------- the spec


def get_spec() -> ModelSpec:
    """This session's model spec (a fresh copy; the book model at first)."""
    stored = st.session_state.get(SPEC_KEY)
    if not isinstance(stored, dict):
        return book_model()
    try:
        return ModelSpec.from_dict(stored)
    except (TypeError, ValueError, KeyError):
        return book_model()


def set_spec(spec: ModelSpec) -> None:
    """Store ``spec`` as this session's model (as plain data)."""
    st.session_state[SPEC_KEY] = spec.to_dict()


_LINK_SEEN = "_keras_url_seen"


def read_link() -> list[Message]:
    """Take the model from the URL when the link is new to this session; say what failed.

    A link that carries a model (``?data=...&layers=...``, the ``"keras"``
    fields of :mod:`nnplay.state`) replaces the session's model; one that
    cannot be read is reported and the current model is kept. Both Keras
    pages call this first, so a model link works on either.
    """
    query = {
        name: st.query_params.get_all(name)[-1] for name in QUERY_KEYS if name in st.query_params
    }
    if not query or query == st.session_state.get(_LINK_SEEN):
        return []
    st.session_state[_LINK_SEEN] = query
    linked, problems = from_query(query)
    if linked is not None and not errors(problems):
        set_spec(linked)
        return [p for p in problems if p.severity != "error"]
    return problems


def write_link(spec: ModelSpec) -> None:
    """Write ``spec`` into the address bar, so the page can be shared as it is."""
    query = to_query(spec)
    for key in QUERY_KEYS:
        if key in query and st.query_params.get(key) != query[key]:
            st.query_params[key] = query[key]
        elif key not in query and key in st.query_params:
            del st.query_params[key]
    st.session_state[_LINK_SEEN] = query


def show_problems(problems: list[Message]) -> None:
    """Each problem as an error or a warning box, in the session's language."""
    show(problems)


# --------------------------------------------------------------------------- TensorFlow


def load_tensorflow():
    """Import Keras (and TensorFlow) once per process, with a spinner the first time.

    Returns
    -------
    module
        ``keras``.
    """
    if "keras" not in sys.modules:
        with st.spinner(t("keras_lab.loading_tensorflow"), show_time=True):
            import keras  # noqa: F401
    server.settle()  # once: no Keras clean-up (full gc) per script run, heap frozen
    return sys.modules["keras"]


# --------------------------------------------------------------------------- data


def dataset_label(name: str) -> str:
    """The data set's name, with its task, in the session's language."""
    info = DATASETS[name]
    return t(
        "keras_lab.dataset_label", name=t(f"keras_lab.dataset_{name}"), task=task_label(info.task)
    )


def task_label(task: str) -> str:
    """``"multi-class classification"``... in the session's language."""
    return t(f"keras_lab.task_{task}")


def class_names(dataset: str, names: Sequence[str]) -> list[str]:
    """A data set's class names in the session's language, for the eye only.

    The catalog's ``keras_lab.class_<dataset>_<index>`` where it has one (the
    Fashion-MNIST and Iris classes), else the name as the data set gives it;
    exported code keeps the data set's own (English) names.
    """
    known = i18n.catalog(i18n.DEFAULT_LANGUAGE)
    return [
        t(key) if (key := f"keras_lab.class_{dataset}_{index}") in known else str(name)
        for index, name in enumerate(names)
    ]


def metric_label(name: str) -> str:
    """A loss or metric as Keras names it (``"accuracy"``), in the session's language."""
    key = f"keras_lab.metric_{name.removeprefix('val_')}"
    return t(key) if key in i18n.catalog(i18n.DEFAULT_LANGUAGE) else name


@st.cache_resource(max_entries=8, show_spinner=False)
def _load_shared(name: str) -> lab.LabData:
    # One copy per process, shared by every session: the arrays are read-only.
    return lab.load(name)


def is_cached(name: str) -> bool:
    """Whether ``name`` loads without the network (offline set or already downloaded)."""
    return lab.is_cached(name)


def lab_data(name: str) -> lab.LabData | None:
    """The data set, or ``None`` when it must be downloaded first (no attempt is made).

    The arrays are shared by all sessions and read-only: copy before changing.
    """
    if not lab.is_cached(name):
        return None
    return _load_shared(name)


def download(name: str) -> lab.LabData:
    """Try once to download (and load) ``name``, with a spinner.

    Raises
    ------
    nnplay.keras_lab.data.DatasetUnavailable
        No network, or the download failed.
    """
    with st.spinner(t("keras_lab.downloading", size=lab.DOWNLOAD_MB.get(name, 1)), show_time=True):
        return _load_shared(name)


@st.cache_data(max_entries=16, show_spinner=False)
def sample_mosaic(name: str, per_class: int = 10) -> tuple[np.ndarray, list[str]]:
    """The first ``per_class`` training images of each class, tiled into one image.

    Returns
    -------
    mosaic : ndarray of shape (n_classes * 28, per_class * 28)
        Pixel values in [0, 1]; one row of images per class.
    class_names : list of str
    """
    data = _load_shared(name)
    height, width = data.input_shape
    rows = []
    for indices in lab.samples_per_class(data, per_class).values():
        images = [data.X_train[i] for i in indices]
        images += [np.zeros((height, width), np.float32)] * (per_class - len(images))
        rows.append(np.hstack(images))
    return np.vstack(rows), list(data.class_names)


@st.cache_data(max_entries=16, show_spinner=False)
def table_head(name: str, rows: int = 8) -> pd.DataFrame:
    """The first rows of a table data set, as the loader returns them (before scaling)."""
    if name == "california_housing":
        from sklearn.datasets import fetch_california_housing

        return fetch_california_housing(as_frame=True).frame.head(rows)
    from nnplay import datasets

    dataset = datasets.SMALL_DATASETS[name]()
    frame = pd.DataFrame(dataset.X[:rows], columns=dataset.feature_names)
    labels = dataset.y[:rows]
    if name == "iris":  # sorted by class: take a few of each
        picks = np.concatenate([np.flatnonzero(dataset.y == c)[:3] for c in range(3)])
        frame = pd.DataFrame(dataset.X[picks], columns=dataset.feature_names)
        labels = dataset.y[picks]
    frame["class"] = [dataset.target_names[int(c)] for c in labels]
    return frame


_DOWNLOAD_FAILED = "keras_lab_download_failed"
OFFLINE = ("iris", "moons", "xor")


def try_download(name: str) -> None:
    """Callback: try once to download ``name``; remember a failure for the panel to say."""
    try:
        download(name)
    except lab.DatasetUnavailable as error:
        log.warning("download of %s failed: %s", name, error.reason)
        st.session_state[_DOWNLOAD_FAILED] = name
    else:
        st.session_state.pop(_DOWNLOAD_FAILED, None)


def missing_data_panel(name: str, prefix: str, on_use: Callable[[str], None]) -> None:
    """Say that ``name`` must be downloaded once; offer the download and the offline sets.

    Parameters
    ----------
    name : str
        The data set that is not on the server yet.
    prefix : str
        Widget-key prefix of the page.
    on_use : callable
        Callback for an offline set's button, given its name.
    """
    st.warning(
        t(
            "keras_lab.needs_download",
            name=t(f"keras_lab.dataset_{name}"),
            size=lab.DOWNLOAD_MB[name],
        ),
        icon=":material/cloud_download:",
    )
    st.button(
        t("keras_lab.download"),
        icon=":material/download:",
        key=f"{prefix}_download",
        on_click=try_download,
        args=(name,),
    )
    if st.session_state.get(_DOWNLOAD_FAILED) == name:
        st.error(t("keras_lab.download_failed"), icon=":material/wifi_off:")
    st.markdown(t("keras_lab.offline_offer"))
    for cell, offline in zip(st.columns(len(OFFLINE)), OFFLINE, strict=True):
        cell.button(
            t(f"keras_lab.dataset_{offline}"),
            key=f"{prefix}_use_{offline}",
            on_click=on_use,
            args=(offline,),
            width="stretch",
        )


# --------------------------------------------------------------------------- widgets


def labels(options, label: Callable[[str], str]) -> Callable[[str], str]:
    """A ``format_func`` with every label translated now, in this script run.

    Streamlit may call ``format_func`` outside the script run (AppTest does),
    where the session's language cannot be read: translate up front instead.
    """
    table = {option: label(option) for option in options}
    return lambda option: table.get(option, str(option))


def _ordered(preferred: tuple[str, ...], everything: list[str]) -> list[str]:
    return [*preferred, *(x for x in everything if x not in preferred)]


class CompileKeys(NamedTuple):
    """Widget keys of :func:`compile_settings` (make them with ``PageState.keys``)."""

    loss: str
    optimizer: str
    learning_rate: str
    momentum: str
    metrics: str


def read_compile(keys: CompileKeys, current: CompileSpec, state: Mapping) -> CompileSpec:
    """What the compile widgets hold in ``state``; ``current`` where a widget is not drawn yet."""
    name = state.get(keys.optimizer, current.optimizer.name)
    rate = state.get(keys.learning_rate, current.optimizer.learning_rate)
    momentum = state.get(keys.momentum, current.optimizer.momentum)
    return CompileSpec(
        loss=state.get(keys.loss, current.loss),
        optimizer=OptimizerSpec(
            name,
            float(rate) if rate is not None else 0.0,
            float(momentum or 0.0) if name in MOMENTUM_OPTIMIZERS else 0.0,
        ),
        metrics=list(state.get(keys.metrics, current.metrics)),
    )


def compile_settings(spec: ModelSpec, keys: CompileKeys, *, columns: int = 3) -> CompileSpec:
    """Widgets for ``model.compile``: loss, optimizer, learning rate, momentum, metrics.

    Parameters
    ----------
    spec : ModelSpec
        Gives the starting values and the task (its losses and metrics come first).
    keys : CompileKeys
        The widgets' keys (keys of a new generation start the widgets again
        from ``spec``).
    columns : int
        Widgets per row.

    Returns
    -------
    CompileSpec
        What the widgets say. Every loss and metric can be chosen: a choice that
        does not fit the task is reported by ``validate``.
    """
    task = spec.task
    all_losses = [loss for task_ in TASKS for loss in LOSSES_BY_TASK[task_]]
    losses = _ordered(LOSSES_BY_TASK[task], all_losses)
    all_metrics = list(dict.fromkeys(m for task_ in TASKS for m in METRICS_BY_TASK[task_]))
    metrics = _ordered(METRICS_BY_TASK[task], all_metrics)
    current = spec.compile
    cells = st.columns(columns)
    loss = cells[0].selectbox(
        t("keras_lab.loss"),
        losses,
        index=losses.index(current.loss) if current.loss in losses else 0,
        format_func=labels(
            losses,
            lambda name: t(
                "keras_lab.loss_option",
                name=name,
                fits="" if name in LOSSES_BY_TASK[task] else t("keras_lab.other_task"),
            ),
        ),
        key=keys.loss,
        help=t("keras_lab.loss_help"),
    )
    optimizer = cells[1 % columns].selectbox(
        t("keras_lab.optimizer"),
        OPTIMIZERS,
        index=OPTIMIZERS.index(current.optimizer.name)
        if current.optimizer.name in OPTIMIZERS
        else 0,
        format_func=labels(OPTIMIZERS, lambda name: t(f"keras_lab.optimizer_{name}")),
        key=keys.optimizer,
    )
    learning_rate = cells[2 % columns].number_input(
        t("keras_lab.learning_rate"),
        min_value=0.0,
        max_value=MAX_LEARNING_RATE,
        value=float(min(max(current.optimizer.learning_rate, 0.0), MAX_LEARNING_RATE)),
        step=0.001,
        format="%g",
        key=keys.learning_rate,
        help=t("keras_lab.learning_rate_help"),
    )
    cells = st.columns(columns)
    momentum = cells[0].number_input(
        t("keras_lab.momentum"),
        min_value=0.0,
        max_value=MAX_MOMENTUM,
        value=float(min(max(current.optimizer.momentum, 0.0), MAX_MOMENTUM)),
        step=0.05,
        format="%g",
        key=keys.momentum,
        disabled=optimizer not in MOMENTUM_OPTIMIZERS,
        help=t("keras_lab.momentum_help"),
    )
    chosen = cells[1 % columns].multiselect(
        t("keras_lab.metrics"),
        metrics,
        default=[m for m in current.metrics if m in metrics],
        key=keys.metrics,
    )
    return CompileSpec(
        loss=loss,
        optimizer=OptimizerSpec(
            optimizer,
            float(learning_rate),
            float(momentum) if optimizer in MOMENTUM_OPTIMIZERS else 0.0,
        ),
        metrics=list(chosen),
    )
