"""Spec -> compiled Keras model, and the model's summary computed without TensorFlow.

TensorFlow and Keras are imported inside :func:`build_model` only, so the summary
(:func:`summary_rows`, :func:`count_params`) costs microseconds and works where
TensorFlow has not been loaded yet.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from nnplay.keras_lab.spec import DENSE, FLATTEN, LINEAR, ModelSpec, layer_names


@dataclass(frozen=True)
class SummaryRow:
    """One line of ``model.summary()``, with the arithmetic behind its count.

    Attributes
    ----------
    name : str
        Layer name (Keras's default where the spec leaves it empty).
    kind : str
        ``"Flatten"`` or ``"Dense"`` (Keras's class name).
    output_shape : tuple
        With ``None`` for the batch dimension, as Keras prints it.
    params : int
        Number of parameters (weights and biases).
    inputs : int
        Size of the input vector of a Dense layer (0 for Flatten).
    units : int
        Neurons of a Dense layer (0 for Flatten).
    activation : str
        Activation of a Dense layer (``""`` for Flatten).
    """

    name: str
    kind: str
    output_shape: tuple
    params: int
    inputs: int = 0
    units: int = 0
    activation: str = ""

    @property
    def arithmetic(self) -> str:
        """``"784 × 300 + 300 = 235,500"`` for a Dense layer, ``"0"`` for Flatten."""
        if self.kind != "Dense":
            return "0"
        return f"{self.inputs:,} × {self.units:,} + {self.units:,} = {self.params:,}"

    @property
    def shape_text(self) -> str:
        """The output shape as Keras prints it: ``(None, 784)``."""
        return "(" + ", ".join("None" if n is None else str(n) for n in self.output_shape) + ")"


def summary_rows(spec: ModelSpec) -> list[SummaryRow]:
    """The rows of ``model.summary()`` for ``spec``, computed by hand.

    A Dense layer with ``n`` inputs and ``m`` units has ``n × m`` weights and
    ``m`` biases; Flatten has none. A Dense layer acts on the last axis, so on
    an input that is not flat yet it keeps the other axes (as Keras does).

    Parameters
    ----------
    spec : ModelSpec
        Units must be positive integers (see :func:`~nnplay.keras_lab.spec.validate`).

    Returns
    -------
    list of SummaryRow
    """
    shape: tuple = (None, *spec.input_shape)
    rows = []
    for layer, name in zip(spec.layers, layer_names(spec), strict=True):
        if layer.kind == FLATTEN:
            shape = (None, math.prod(shape[1:]))
            rows.append(SummaryRow(name, "Flatten", shape, 0))
        elif layer.kind == DENSE:
            inputs = shape[-1]
            shape = (*shape[:-1], layer.units)
            params = inputs * layer.units + layer.units
            rows.append(
                SummaryRow(name, "Dense", shape, params, inputs, layer.units, layer.activation)
            )
    return rows


def count_params(spec: ModelSpec) -> int:
    """Total number of parameters (all trainable), as Keras's ``count_params()``."""
    return sum(row.params for row in summary_rows(spec))


def cost_per_example(spec: ModelSpec) -> int:
    """Arithmetic one example costs, counting every layer.

    A Dense layer costs its parameters (a multiply-add each), and every layer,
    Flatten included, costs the values it outputs (each is written once), so
    stacking layers that hold no weights is not free.
    """
    return sum(row.params + math.prod(row.output_shape[1:]) for row in summary_rows(spec))


def make_optimizer(spec: ModelSpec):
    """The Keras optimizer the spec names, with its learning rate (and momentum)."""
    import keras

    settings = spec.compile.optimizer
    if settings.name == "sgd":
        return keras.optimizers.SGD(
            learning_rate=settings.learning_rate, momentum=settings.momentum
        )
    if settings.name == "rmsprop":
        return keras.optimizers.RMSprop(
            learning_rate=settings.learning_rate, momentum=settings.momentum
        )
    if settings.name == "adam":
        return keras.optimizers.Adam(learning_rate=settings.learning_rate)
    raise ValueError(f"unknown optimizer {settings.name!r}")


def build_model(spec: ModelSpec, input_shape: tuple[int, ...] | None = None, *, compile=True):
    """A Keras Sequential model made from ``spec``, compiled unless told otherwise.

    Parameters
    ----------
    spec : ModelSpec
        A spec without errors (:func:`~nnplay.keras_lab.spec.validate`).
    input_shape : tuple of int, optional
        Shape of one example; defaults to ``spec.input_shape``.
    compile : bool
        Call ``model.compile`` with the spec's loss, optimizer and metrics.

    Returns
    -------
    keras.Sequential
        Built (weights exist), so ``count_params()`` and ``summary()`` work.
        Layers get the names of :func:`~nnplay.keras_lab.spec.layer_names`.
    """
    import keras

    shape = tuple(input_shape if input_shape is not None else spec.input_shape)
    layers: list = [keras.Input(shape=shape)]
    for layer, name in zip(spec.layers, layer_names(spec), strict=True):
        if layer.kind == FLATTEN:
            layers.append(keras.layers.Flatten(name=name))
        else:
            layers.append(
                keras.layers.Dense(
                    layer.units,
                    activation=None if layer.activation == LINEAR else layer.activation,
                    kernel_initializer=layer.kernel_initializer,
                    bias_initializer=layer.bias_initializer,
                    name=name,
                )
            )
    model = keras.Sequential(layers)
    if compile:
        model.compile(
            loss=spec.compile.loss,
            optimizer=make_optimizer(spec),
            metrics=list(spec.compile.metrics),
        )
    return model


def keras_summary_rows(model) -> list[tuple[str, str, tuple, int]]:
    """``(name, class name, output shape, parameters)`` per layer of a Keras model."""
    return [
        (
            layer.name,
            type(layer).__name__,
            tuple(layer.output.shape),
            int(layer.count_params()),
        )
        for layer in model.layers
    ]
