"""McCulloch-Pitts logic neurons (section 2 of the notes).

A neuron has binary inputs and a binary output. Following the book's figure,
each input reaches the neuron through some number of excitatory connections,
or through an inhibitory one. The neuron **fires when at least two excitatory
connections are active and no inhibitory connection is**.

The same rule as a threshold unit: weight = number of excitatory connections,
an inhibitory input gets a weight so negative that it cancels every excitatory
one, and the neuron fires when ``w · x >= 2``. :meth:`MPNeuron.to_threshold`
makes that translation and the tests check both forms on every input.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

import numpy as np

FIRING_THRESHOLD = 2
"""Active excitatory connections a McCulloch-Pitts neuron needs to fire."""


@dataclass(frozen=True)
class MPNeuron:
    """A McCulloch-Pitts neuron.

    Parameters
    ----------
    excitatory : dict
        ``{input name: number of excitatory connections}``.
    inhibitory : tuple of str
        Inputs with an inhibitory connection (any one of them vetoes firing).
    threshold : int
        Active excitatory connections needed to fire.
    """

    excitatory: dict[str, int] = field(default_factory=dict)
    inhibitory: tuple[str, ...] = ()
    threshold: int = FIRING_THRESHOLD

    @property
    def inputs(self) -> list[str]:
        """Input names, excitatory first, in a stable order."""
        names = list(self.excitatory)
        return names + [n for n in self.inhibitory if n not in names]

    def fires(self, state: dict[str, int]) -> int:
        """Return 1 if the neuron fires for ``state`` (``{input: 0 or 1}``)."""
        if any(state[name] for name in self.inhibitory):
            return 0
        active = sum(count * state[name] for name, count in self.excitatory.items())
        return int(active >= self.threshold)

    def to_threshold(self) -> ThresholdNeuron:
        """The equivalent threshold unit (weights and threshold).

        Excitatory inputs keep their connection counts as weights and the
        threshold is unchanged. An inhibitory input gets a veto weight that
        cancels every excitatory connection, ``-sum(excitatory)``, so the
        weighted sum cannot exceed 0 while it is active. A threshold of 0 or
        less is reached with every input off, so there the veto goes
        ``1 - threshold`` further down, keeping the sum below the threshold.
        """
        most = sum(max(count, 0) for count in self.excitatory.values())
        veto = -(most + max(0, 1 - self.threshold))
        weights = {name: float(count) for name, count in self.excitatory.items()}
        for name in self.inhibitory:
            weights[name] = weights.get(name, 0.0) + veto
        return ThresholdNeuron(weights=weights, threshold=float(self.threshold))


@dataclass(frozen=True)
class ThresholdNeuron:
    """A linear threshold unit: fires when ``sum(w_i * x_i) >= threshold``.

    Parameters
    ----------
    weights : dict
        ``{input name: weight}``.
    threshold : float
        Firing threshold.
    """

    weights: dict[str, float]
    threshold: float

    def net_input(self, state: dict[str, int]) -> float:
        """The weighted sum ``w · x``."""
        return float(sum(w * state[name] for name, w in self.weights.items()))

    def fires(self, state: dict[str, int]) -> int:
        """Return 1 if ``w · x >= threshold``."""
        return int(self.net_input(state) >= self.threshold)

    def inequality(self) -> str:
        """The firing condition as LaTeX, e.g. ``2A - 2B \\ge 2``."""
        terms = []
        for name, w in self.weights.items():
            size = "" if abs(w) == 1 else f"{abs(w):g}"
            if not terms:
                terms.append(f"{'-' if w < 0 else ''}{size}{name}")
            else:
                terms.append(f"{'-' if w < 0 else '+'} {size}{name}")
        return rf"{' '.join(terms) or '0'} \ge {self.threshold:g}"

    def latex(self, output: str = "C") -> str:
        """The rule as LaTeX, e.g. ``C = 1 \\iff 2A - 2B \\ge 2``."""
        return rf"{output} = 1 \iff {self.inequality()}"


@dataclass(frozen=True)
class LogicNetwork:
    """A feed-forward network of logic neurons computing one output.

    Parameters
    ----------
    name : str
        Registry name (``"and"``).
    formula : str
        LaTeX formula of the output (``C = A \\land B``).
    inputs : tuple of str
        Input neuron names.
    neurons : dict
        ``{neuron name: MPNeuron}`` in evaluation order; the last one is the output.
    """

    name: str
    formula: str
    inputs: tuple[str, ...]
    neurons: dict[str, MPNeuron]

    @property
    def output(self) -> str:
        """Name of the output neuron."""
        return list(self.neurons)[-1]

    def activations(self, **inputs: int) -> dict[str, int]:
        """Every neuron's state (inputs included) for the given input values."""
        state = {name: int(bool(inputs[name])) for name in self.inputs}
        for name, neuron in self.neurons.items():
            state[name] = neuron.fires(state)
        return state

    def __call__(self, **inputs: int) -> int:
        """The output for the given input values."""
        return self.activations(**inputs)[self.output]

    def truth_table(self) -> list[dict[str, int]]:
        """One row per input combination, in binary counting order."""
        rows = []
        for values in product((0, 1), repeat=len(self.inputs)):
            state = self.activations(**dict(zip(self.inputs, values, strict=True)))
            rows.append({name: state[name] for name in (*self.inputs, self.output)})
        return rows


def _single(name: str, formula: str, neuron: MPNeuron) -> LogicNetwork:
    return LogicNetwork(name, formula, ("A", "B"), {"C": neuron})


NETWORKS: dict[str, LogicNetwork] = {
    "identity": _single("identity", r"C = A", MPNeuron({"A": 2})),
    "and": _single("and", r"C = A \land B", MPNeuron({"A": 1, "B": 1})),
    "or": _single("or", r"C = A \lor B", MPNeuron({"A": 2, "B": 2})),
    "and_not": _single("and_not", r"C = A \land \lnot B", MPNeuron({"A": 2}, inhibitory=("B",))),
}
"""The four networks of the notes, by name."""

XOR_NETWORK = LogicNetwork(
    "xor",
    r"C = (A \land \lnot B) \lor (\lnot A \land B) = A \oplus B",
    ("A", "B"),
    {
        "H1": MPNeuron({"A": 2}, inhibitory=("B",)),
        "H2": MPNeuron({"B": 2}, inhibitory=("A",)),
        "C": MPNeuron({"H1": 2, "H2": 2}),
    },
)
"""Two layers of logic neurons computing XOR, which no single neuron can."""


# The 16 Boolean functions of two inputs, keyed by their outputs on
# (A, B) = (0,0), (0,1), (1,0), (1,1).
GATE_NAMES: dict[tuple[int, int, int, int], str] = {
    (0, 0, 0, 0): "FALSE",
    (0, 0, 0, 1): "AND",
    (0, 0, 1, 0): "A AND NOT B",
    (0, 0, 1, 1): "A",
    (0, 1, 0, 0): "B AND NOT A",
    (0, 1, 0, 1): "B",
    (0, 1, 1, 0): "XOR",
    (0, 1, 1, 1): "OR",
    (1, 0, 0, 0): "NOR",
    (1, 0, 0, 1): "XNOR",
    (1, 0, 1, 0): "NOT B",
    (1, 0, 1, 1): "A OR NOT B",
    (1, 1, 0, 0): "NOT A",
    (1, 1, 0, 1): "B OR NOT A",
    (1, 1, 1, 0): "NAND",
    (1, 1, 1, 1): "TRUE",
}


def threshold_truth_table(w_a: float, w_b: float, threshold: float) -> list[dict[str, int]]:
    """Truth table of a two-input threshold unit.

    Parameters
    ----------
    w_a, w_b : float
        Weights of inputs A and B.
    threshold : float
        Firing threshold.

    Returns
    -------
    list of dict
        Rows ``{"A", "B", "z", "C"}`` with ``z = w_a*A + w_b*B``.
    """
    neuron = ThresholdNeuron({"A": w_a, "B": w_b}, threshold)
    rows = []
    for a, b in product((0, 1), repeat=2):
        state = {"A": a, "B": b}
        rows.append({"A": a, "B": b, "z": neuron.net_input(state), "C": neuron.fires(state)})
    return rows


def gate_name(outputs: tuple[int, int, int, int] | list[int]) -> str:
    """Name of the two-input Boolean function with these four outputs."""
    return GATE_NAMES[tuple(int(v) for v in outputs)]


def linearly_separable(outputs: tuple[int, int, int, int] | list[int]) -> bool:
    """Whether one threshold unit can compute this two-input function.

    Exactly XOR and XNOR are not: no line separates their ones from their zeros.
    Checked by search over small integer weights, which suffices for two inputs.
    """
    target = np.asarray(outputs)
    grid = np.array(list(product((0, 1), repeat=2)))
    steps = np.arange(-2, 2.5, 0.5)
    for w_a, w_b, theta in product(steps, steps, steps):
        if np.array_equal((grid @ np.array([w_a, w_b]) >= theta).astype(int), target):
            return True
    return False
