from itertools import product

import pytest

from nnplay import logic

EXPECTED = {
    "identity": lambda a, b: a,
    "and": lambda a, b: a and b,
    "or": lambda a, b: a or b,
    "and_not": lambda a, b: a and not b,
}


@pytest.mark.parametrize("name", EXPECTED)
def test_networks_match_their_truth_tables(name):
    network = logic.NETWORKS[name]
    for a, b in product((0, 1), repeat=2):
        assert network(A=a, B=b) == int(bool(EXPECTED[name](a, b)))
    assert [row["C"] for row in network.truth_table()] == [
        int(bool(EXPECTED[name](a, b))) for a, b in product((0, 1), repeat=2)
    ]


def test_xor_network_computes_xor_with_two_layers():
    for a, b in product((0, 1), repeat=2):
        state = logic.XOR_NETWORK.activations(A=a, B=b)
        assert state["C"] == a ^ b
        assert state["H1"] == int(a and not b)
        assert state["H2"] == int(b and not a)


def test_rule_needs_two_active_excitatory_connections_and_no_inhibitory():
    one_each = logic.MPNeuron({"A": 1, "B": 1, "D": 1}, inhibitory=("E",))
    assert one_each.fires({"A": 1, "B": 0, "D": 0, "E": 0}) == 0
    assert one_each.fires({"A": 1, "B": 1, "D": 0, "E": 0}) == 1
    assert one_each.fires({"A": 1, "B": 1, "D": 1, "E": 1}) == 0


@pytest.mark.parametrize(
    "neuron",
    [
        *(n.neurons["C"] for n in logic.NETWORKS.values()),
        *logic.XOR_NETWORK.neurons.values(),
        logic.MPNeuron({"A": 1, "B": 1, "D": 1}, inhibitory=("E",)),
        logic.MPNeuron({"A": 3}, inhibitory=("B", "D")),
    ],
)
def test_threshold_form_agrees_with_the_rule_on_every_input(neuron):
    unit = neuron.to_threshold()
    names = neuron.inputs
    for values in product((0, 1), repeat=len(names)):
        state = dict(zip(names, values, strict=True))
        assert unit.fires(state) == neuron.fires(state), state


def test_threshold_form_agrees_with_the_rule_for_every_small_neuron():
    # thresholds span the design panel's range (-3..3) and beyond, including
    # those <= 0 where the neuron fires with every input off
    checked = 0
    for count_a, count_b, inhibitory, threshold in product(
        range(4),
        range(4),
        [(), ("A",), ("B",), ("A", "B")],
        range(-3, 5),
    ):
        neuron = logic.MPNeuron({"A": count_a, "B": count_b}, inhibitory, threshold)
        unit = neuron.to_threshold()
        for a, b in product((0, 1), repeat=2):
            state = {"A": a, "B": b}
            vetoed = any(state[name] for name in inhibitory)
            expected = int(not vetoed and count_a * a + count_b * b >= threshold)
            assert neuron.fires(state) == expected
            assert unit.fires(state) == expected, (neuron, unit, state)
            checked += 1
    assert checked == 4 * 4 * 4 * 8 * 4


def test_inhibitory_input_vetoes_the_threshold_form_at_threshold_zero():
    unit = logic.MPNeuron({"A": 2}, inhibitory=("B",), threshold=0).to_threshold()
    assert unit.fires({"A": 0, "B": 0}) == 1
    assert unit.fires({"A": 1, "B": 0}) == 1
    assert unit.fires({"A": 0, "B": 1}) == 0
    assert unit.fires({"A": 1, "B": 1}) == 0


def test_threshold_latex_shows_weights_and_threshold():
    assert logic.NETWORKS["and_not"].neurons["C"].to_threshold().latex() == (
        r"C = 1 \iff 2A - 2B \ge 2"
    )
    assert logic.NETWORKS["and"].neurons["C"].to_threshold().latex() == r"C = 1 \iff A + B \ge 2"


def test_gate_names_cover_all_sixteen_functions():
    assert len(set(logic.GATE_NAMES.values())) == 16
    assert logic.gate_name([r["C"] for r in logic.threshold_truth_table(1, 1, 2)]) == "AND"
    assert logic.gate_name([r["C"] for r in logic.threshold_truth_table(1, 1, 1)]) == "OR"
    assert logic.gate_name([r["C"] for r in logic.threshold_truth_table(-1, -1, 0)]) == "NOR"
    assert logic.gate_name([r["C"] for r in logic.threshold_truth_table(-1, -1, -1)]) == "NAND"
    assert logic.gate_name([r["C"] for r in logic.threshold_truth_table(1, -1, 1)]) == "A AND NOT B"


def test_threshold_truth_table_reports_the_net_input():
    rows = logic.threshold_truth_table(1.5, -0.5, 1.0)
    assert [r["z"] for r in rows] == [0.0, -0.5, 1.5, 1.0]
    assert [r["C"] for r in rows] == [0, 0, 1, 1]


def test_only_xor_and_xnor_are_not_linearly_separable():
    inseparable = {
        name for outputs, name in logic.GATE_NAMES.items() if not logic.linearly_separable(outputs)
    }
    assert inseparable == {"XOR", "XNOR"}
    # and the design panel's search space cannot reach XOR either
    steps = [x / 2 for x in range(-6, 7)]
    reachable = {
        logic.gate_name([r["C"] for r in logic.threshold_truth_table(wa, wb, th)])
        for wa, wb, th in product(steps, steps, steps)
    }
    assert "XOR" not in reachable and "XNOR" not in reachable
    assert len(reachable) == 14


def test_threshold_inequality_is_the_condition_alone():
    unit = logic.NETWORKS["or"].neurons["C"].to_threshold()
    assert unit.inequality() == r"2A + 2B \ge 2"
    assert logic.ThresholdNeuron({"A": -1, "B": 0.5}, -1).inequality() == r"-A + 0.5B \ge -1"


@pytest.mark.parametrize("name", [*logic.NETWORKS, "xor"])
@pytest.mark.parametrize(("a", "b"), [(0, 0), (0, 1), (1, 0), (1, 1)])
def test_diagram_draws_every_connection_and_lights_the_active_ones(name, a, b):
    from nnplay.charts.logic import network_figure
    from nnplay.charts.theme import EXCITATORY, INHIBITORY, NORMAL

    network = logic.XOR_NETWORK if name == "xor" else logic.NETWORKS[name]
    state = network.activations(A=a, B=b)
    fig = network_figure(network, state, NORMAL)
    *links, nodes = fig.data
    heads = {"arrow": 0, "circle": 0}
    active = {"arrow": 0, "circle": 0}
    for trace in links:
        drawn = [
            s for s, size in zip(trace.marker.symbol, trace.marker.size, strict=True) if size > 0
        ]
        for symbol in drawn:
            heads[symbol] += 1
            active[symbol] += trace.line.color in (EXCITATORY, INHIBITORY)
    excitatory = sum(sum(n.excitatory.values()) for n in network.neurons.values())
    inhibitory = sum(len(n.inhibitory) for n in network.neurons.values())
    assert heads == {"arrow": excitatory, "circle": inhibitory}  # a weight of 2: two arrows
    assert active["arrow"] == sum(
        count * state[src] for n in network.neurons.values() for src, count in n.excitatory.items()
    )
    assert active["circle"] == sum(
        state[src] for n in network.neurons.values() for src in n.inhibitory
    )
    assert list(nodes.customdata) == [state[n] for n in nodes.text]
