"""The builder page's editor: a draft spec edited by widgets, kept apart from the good one.

State (all under ``keras_builder_`` keys):

- ``draft``: the spec as the widgets say it, possibly invalid (a plain dict);
- ``uids``: one number per layer of the draft, so each layer's widgets keep their
  values when layers are added, removed or moved;
- ``gen``: widget generation; a new one starts every widget again from the draft
  (after a preset, a data-set switch, a suggestion, or a change made elsewhere);
- ``seen``: the session's good spec (``lab_spec``) as this page last left it, to
  notice when another page or the URL changed it.

The good spec, ``lab_spec`` (:func:`nnplay.ui.keras_lab.get_spec`), only ever
takes specs that :func:`~nnplay.keras_lab.spec.validate` accepts.
"""

from __future__ import annotations

import json
import logging
import threading
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

import streamlit as st

from nnplay.keras_lab import build, limits
from nnplay.keras_lab import spec as specs
from nnplay.keras_lab.spec import ModelSpec
from nnplay.messages import Message
from nnplay.ui import keras_lab, t
from nnplay.ui.page_state import PageState

PREFIX = "keras_builder"
_DRAFT = f"{PREFIX}_draft"
_UIDS = f"{PREFIX}_uids"
_NEXT_UID = f"{PREFIX}_next_uid"
page = PageState(PREFIX)  # generations: every widget starts again from a new draft
_SEEN = f"{PREFIX}_seen"
log = logging.getLogger("nnplay")


class LayerKeys(NamedTuple):
    """Widget keys of one layer's row (``page.keys(LayerKeys, uid)``)."""

    units: str
    activation: str
    kernel: str
    bias: str
    name: str
    up: str
    down: str
    remove: str


def layer_keys(uid: int) -> LayerKeys:
    """This generation's widget keys of the layer numbered ``uid``."""
    return page.keys(LayerKeys, uid)


def compile_keys() -> keras_lab.CompileKeys:
    """This generation's widget keys of the compile settings."""
    return page.keys(keras_lab.CompileKeys)


def dataset_key() -> str:
    """This generation's key of the data-set choice."""
    return page.widget_key("dataset")


def _new_uids(count: int) -> list[int]:
    start = st.session_state.get(_NEXT_UID, 0)
    st.session_state[_NEXT_UID] = start + count
    return list(range(start, start + count))


def _restart(draft: ModelSpec) -> None:
    """Make ``draft`` the editor's content; every widget starts again from it."""
    st.session_state[_DRAFT] = draft.to_dict()
    st.session_state[_UIDS] = _new_uids(len(draft.layers))
    page.restart()


def draft() -> ModelSpec:
    """The editor's draft (may be invalid)."""
    return ModelSpec.from_dict(st.session_state[_DRAFT])


def uids() -> list[int]:
    return list(st.session_state[_UIDS])


# --------------------------------------------------------------------------- start of a run


def start() -> list[Message]:
    """Bring the editor up to date at the start of a run; returns the link's problems.

    A model link new to the session replaces the session's model
    (:func:`nnplay.ui.keras_lab.read_link`); the editor restarts from the
    session's model whenever another page or a link changed it.
    """
    problems = keras_lab.read_link()
    good = keras_lab.get_spec()
    if _DRAFT not in st.session_state or st.session_state.get(_SEEN) != good.to_json():
        _restart(good)
        st.session_state[_SEEN] = good.to_json()
    return problems


def finish(good: ModelSpec) -> None:
    """Store the good spec and write it into the URL, so the address can be shared."""
    keras_lab.set_spec(good)
    st.session_state[_SEEN] = good.to_json()
    keras_lab.write_link(good)


# --------------------------------------------------------------------------- reading widgets


def read_widgets() -> ModelSpec:
    """The draft with every widget's current value (also usable inside callbacks)."""
    state = st.session_state
    new = draft()
    for layer, uid in zip(new.layers, uids(), strict=True):
        keys = layer_keys(uid)
        if layer.kind == specs.DENSE:
            units = state.get(keys.units, layer.units)
            layer.units = int(units) if units is not None else 0
            layer.activation = state.get(keys.activation, layer.activation)
            layer.kernel_initializer = state.get(keys.kernel, layer.kernel_initializer)
            layer.bias_initializer = state.get(keys.bias, layer.bias_initializer)
        layer.name = str(state.get(keys.name, layer.name)).strip()
    new.compile = keras_lab.read_compile(compile_keys(), new.compile, state)
    return new


def commit_widgets() -> ModelSpec:
    """Read the widgets into the stored draft and return it."""
    new = read_widgets()
    st.session_state[_DRAFT] = new.to_dict()
    return new


# --------------------------------------------------------------------------- callbacks


def use_preset(name: str) -> None:
    """Callback: replace the draft by a preset (``"book"``, ``"regression"``)."""
    _restart(specs.PRESETS[name]())


def switch_dataset() -> None:
    """Callback of the data-set selectbox: the model follows the new data set."""
    name = st.session_state[dataset_key()]
    _restart(specs.switch_dataset(read_widgets(), name))


def apply_suggestion() -> None:
    """Callback: output layer, loss and metrics as the notes' tables suggest."""
    _restart(specs.apply_suggestion(read_widgets()))


def _unique_name(spec: ModelSpec) -> str:
    names = set(specs.layer_names(spec))
    n = 1
    while f"hidden{n}" in names:
        n += 1
    return f"hidden{n}"


def add_dense() -> None:
    """Callback: a new hidden Dense layer just before the output layer."""
    current = read_widgets()
    ids = uids()
    dense_positions = [i for i, layer in enumerate(current.layers) if layer.kind == specs.DENSE]
    position = dense_positions[-1] if dense_positions else len(current.layers)
    current.layers.insert(position, specs.dense(32, "relu", _unique_name(current)))
    ids.insert(position, _new_uids(1)[0])
    st.session_state[_DRAFT] = current.to_dict()
    st.session_state[_UIDS] = ids


def add_flatten() -> None:
    """Callback: a Flatten layer first."""
    current = read_widgets()
    current.layers.insert(0, specs.flatten())
    st.session_state[_DRAFT] = current.to_dict()
    st.session_state[_UIDS] = [_new_uids(1)[0], *uids()]


def remove_layer(index: int) -> None:
    """Callback: remove the layer at ``index``."""
    current = read_widgets()
    ids = uids()
    del current.layers[index], ids[index]
    st.session_state[_DRAFT] = current.to_dict()
    st.session_state[_UIDS] = ids


def move_layer(index: int, offset: int) -> None:
    """Callback: move the layer at ``index`` up (-1) or down (+1)."""
    current = read_widgets()
    ids = uids()
    other = index + offset
    if not 0 <= other < len(ids):
        return
    layers = current.layers
    layers[index], layers[other] = layers[other], layers[index]
    ids[index], ids[other] = ids[other], ids[index]
    st.session_state[_DRAFT] = current.to_dict()
    st.session_state[_UIDS] = ids


# --------------------------------------------------------------------------- widgets


def dataset_selector() -> str:
    """The data-set selectbox; changing it switches the model to the new set."""
    names = list(specs.DATASETS)
    current = draft().dataset
    return st.selectbox(
        t("keras_builder.dataset"),
        names,
        index=names.index(current) if current in names else 0,
        format_func=keras_lab.labels(names, keras_lab.dataset_label),
        key=dataset_key(),
        on_change=switch_dataset,
    )


def layer_editor(present: bool, initializers: bool = False) -> None:
    """One bordered row of widgets per layer, with move and remove buttons.

    Parameters
    ----------
    present : bool
        Presenter mode: fewer widgets per row.
    initializers : bool
        Offer the initializers (in a popover per layer); otherwise they are
        only named, which keeps a rerun light.
    """
    current = draft()
    count = len(current.layers)
    activation_label = keras_lab.labels(
        specs.ACTIVATIONS, lambda name: t(f"keras_builder.activation_{name}")
    )
    defaults = specs.layer_names(current)
    for index, (layer, uid) in enumerate(zip(current.layers, uids(), strict=True)):
        keys = layer_keys(uid)
        with st.container(border=True):
            if present:
                top = st.columns([3, 1, 1, 1], vertical_alignment="bottom")
                fields = [*st.columns(2), *st.columns(2, vertical_alignment="bottom")]
                head, buttons = top[0], top[1:]
            else:
                cells = st.columns([1.1, 1, 1.3, 1.4, 1.2, 0.35, 0.35, 0.35])
                head, fields, buttons = cells[0], cells[1:5], cells[5:]
            kind = t(f"keras_builder.kind_{layer.kind}")
            head.markdown(t("keras_builder.layer_heading", number=index + 1, kind=kind))
            if layer.kind == specs.DENSE:
                fields[0].number_input(
                    t("keras_builder.units"),
                    min_value=0,
                    max_value=100_000,
                    value=int(layer.units),
                    step=1,
                    key=keys.units,
                )
                fields[1].selectbox(
                    t("keras_builder.activation"),
                    specs.ACTIVATIONS,
                    index=specs.ACTIVATIONS.index(layer.activation)
                    if layer.activation in specs.ACTIVATIONS
                    else len(specs.ACTIVATIONS) - 1,
                    format_func=activation_label,
                    key=keys.activation,
                )
            fields[2 if layer.kind == specs.DENSE else 0].text_input(
                t("keras_builder.name"),
                value=layer.name,
                placeholder=defaults[index],
                max_chars=40,
                key=keys.name,
                help=t("keras_builder.name_help"),
            )
            if layer.kind == specs.DENSE and not initializers:
                fields[3].caption(
                    t(
                        "keras_builder.initializers_now",
                        kernel=layer.kernel_initializer,
                        bias=layer.bias_initializer,
                    )
                )
            elif layer.kind == specs.DENSE:
                with fields[3].popover(t("keras_builder.initializers"), width="stretch"):
                    for attribute, name in (
                        ("kernel_initializer", "kernel"),
                        ("bias_initializer", "bias"),
                    ):
                        value = getattr(layer, attribute)
                        st.selectbox(
                            t(f"keras_builder.{attribute}"),
                            specs.INITIALIZERS,
                            index=specs.INITIALIZERS.index(value)
                            if value in specs.INITIALIZERS
                            else 0,
                            key=getattr(keys, name),
                        )
            buttons[0].button(
                "",
                icon=":material/arrow_upward:",
                key=keys.up,
                help=t("keras_builder.move_up"),
                on_click=move_layer,
                args=(index, -1),
                disabled=index == 0,
            )
            buttons[1].button(
                "",
                icon=":material/arrow_downward:",
                key=keys.down,
                help=t("keras_builder.move_down"),
                on_click=move_layer,
                args=(index, 1),
                disabled=index == count - 1,
            )
            buttons[2].button(
                "",
                icon=":material/delete:",
                key=keys.remove,
                help=t("keras_builder.remove"),
                on_click=remove_layer,
                args=(index,),
            )
    left, right, _ = st.columns([1, 1, 0.01 if present else 2])
    left.button(
        t("keras_builder.add_dense"),
        icon=":material/add:",
        key=f"{PREFIX}_add_dense",
        on_click=add_dense,
        disabled=len(current.dense_layers) >= specs.MAX_DENSE_LAYERS,
        width="stretch",
    )
    if len(current.input_shape) > 1 and not any(x.kind == specs.FLATTEN for x in current.layers):
        right.button(
            t("keras_builder.add_flatten"),
            icon=":material/add:",
            key=f"{PREFIX}_add_flatten",
            on_click=add_flatten,
            width="stretch",
        )


# --------------------------------------------------------------------------- Keras's check


def _architecture(spec: ModelSpec) -> str:
    """Only what the parameter counts depend on: input shape, layer kinds and units."""
    layers = [
        [layer.kind, layer.units if layer.kind == specs.DENSE else 0] for layer in spec.layers
    ]
    return json.dumps([list(spec.input_shape), layers])


def _keras_counts_now(architecture: str) -> tuple[tuple[tuple, int], ...]:
    from nnplay.keras_lab.build import build_model

    shape, layers = json.loads(architecture)
    spec = ModelSpec(
        layers=[
            specs.flatten() if kind == specs.FLATTEN else specs.dense(units)
            for kind, units in layers
        ],
    )
    model = build_model(spec, input_shape=tuple(shape), compile=False)
    return tuple((tuple(layer.output.shape), int(layer.count_params())) for layer in model.layers)


class _KerasChecks:
    """Keras builds for the count check: one at a time, few waiting, results kept.

    One worker thread for the whole server, off the script thread, so a widget
    change never waits for Keras; at most ``max_waiting`` builds queued or
    running, so visitors cannot pile builds (and their memory) up.
    """

    def __init__(self, max_waiting: int = 4, max_kept: int = 512, counts=None):
        self._counts = counts or _keras_counts_now
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="nnplay-keras-check")
        self._lock = threading.Lock()
        self._futures: OrderedDict[str, Future] = OrderedDict()
        self.max_waiting, self.max_kept = max_waiting, max_kept

    def future(self, architecture: str) -> Future | None:
        """The build of ``architecture``; ``None`` when the queue is full (ask again later)."""
        with self._lock:
            future = self._futures.get(architecture)
            if future is not None:
                self._futures.move_to_end(architecture)
                return future
            if sum(not f.done() for f in self._futures.values()) >= self.max_waiting:
                return None
            future = self._pool.submit(self._counts, architecture)
            self._futures[architecture] = future
            for old in [a for a, f in self._futures.items() if f.done()]:
                if len(self._futures) <= self.max_kept:
                    break
                del self._futures[old]
            return future


@st.cache_resource(show_spinner=False)
def _checks() -> _KerasChecks:
    return _KerasChecks()


CHECK_FAILED = "failed"
CHECK_TOO_LARGE = "too_large"


def keras_counts(spec: ModelSpec, wait: float = 0.0) -> tuple[tuple[tuple, int], ...] | str | None:
    """``(output shape, parameters)`` of each layer as Keras builds it, when known.

    Keras builds the model in a background thread, once per architecture for
    the whole server (activations, names and initializers do not change the
    counts). ``spec`` must be valid. Returns ``None`` while it is still
    building or waiting for its turn (after waiting up to ``wait`` seconds),
    :data:`CHECK_FAILED` if the build failed, and :data:`CHECK_TOO_LARGE`
    without building anything when the model is over the server's parameter
    limit.
    """
    if build.count_params(spec) > limits.Limits.from_env().max_params:
        return CHECK_TOO_LARGE
    future = _checks().future(_architecture(spec))
    if future is None:
        return None
    try:
        return future.result(timeout=wait)
    except TimeoutError:
        return None
    except Exception:
        log.exception("Keras could not build the model for the count check")
        return CHECK_FAILED


def use_dataset(name: str) -> None:
    """Callback: switch the model to another data set (the offline offer's buttons)."""
    _restart(specs.switch_dataset(read_widgets(), name))
