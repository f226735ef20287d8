"""The training page's settings: compile and fit widgets over the session's model spec."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from nnplay import ui
from nnplay.keras_lab import spec as specs
from nnplay.ui import keras_lab
from nnplay.ui.page_state import PageState

t = ui.t
page = PageState("keras_training")


class FitKeys(NamedTuple):
    """Widget keys of the fit settings (``page.keys(FitKeys)``)."""

    epochs: str
    batch_size: str
    validation: str
    validation_split: str
    class_weight: str


def settings(spec: specs.ModelSpec, n_classes: int) -> specs.ModelSpec:
    """Compile and fit widgets, starting from the session's spec; returns the edited copy.

    The widgets start again whenever the spec was changed elsewhere (the builder
    page, a link); :func:`keep` records the page's own changes.
    """
    page.follow(spec.to_dict())
    keys = page.keys(FitKeys)
    columns = 2 if ui.presenter() else 3
    new = spec.copy()
    new.compile = keras_lab.compile_settings(
        spec, page.keys(keras_lab.CompileKeys), columns=columns
    )
    cells = st.columns(columns)
    new.fit.epochs = int(
        cells[0].number_input(
            t("keras_training.epochs"),
            min_value=1,
            max_value=specs.MAX_EPOCHS,
            value=int(min(max(spec.fit.epochs, 1), specs.MAX_EPOCHS)),
            key=keys.epochs,
            help=t("keras_training.epochs_help"),
        )
    )
    new.fit.batch_size = int(
        cells[1 % columns].number_input(
            t("keras_training.batch_size"),
            min_value=1,
            max_value=specs.MAX_BATCH_SIZE,
            value=int(min(max(spec.fit.batch_size, 1), specs.MAX_BATCH_SIZE)),
            key=keys.batch_size,
            help=t("keras_training.batch_size_help"),
        )
    )
    choices = [specs.HELD_OUT, specs.FRACTION]
    new.fit.validation = cells[2 % columns].radio(
        t("keras_training.validation"),
        choices,
        index=choices.index(spec.fit.validation) if spec.fit.validation in choices else 0,
        format_func=keras_lab.labels(choices, lambda c: t(f"keras_training.validation_{c}")),
        key=keys.validation,
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
            key=keys.validation_split,
        )
    if spec.task != specs.REGRESSION:
        new.fit.class_weight = class_weights(spec, keys.class_weight, n_classes)
    return new


def class_weights(spec: specs.ModelSpec, key: str, n_classes: int):
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
        key=key,
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
                    key=page.widget_key("weight", c),
                )
            )
    return weights


def keep(spec: specs.ModelSpec) -> None:
    """Store ``spec``, changed by these widgets, as the session's model (no restart)."""
    keras_lab.set_spec(spec)
    page.follow(spec.to_dict(), quietly=True)
