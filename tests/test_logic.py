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
    import re

    from nnplay.charts.logic import network_svg
    from nnplay.charts.theme import NORMAL

    network = logic.XOR_NETWORK if name == "xor" else logic.NETWORKS[name]
    state = network.activations(A=a, B=b)
    svg = network_svg(network, state, NORMAL, output_label=f"C = {state['C']}", title="t<")
    assert svg.startswith("<svg") and svg.endswith("</svg>") and "\n" not in svg
    groups = re.findall(r'<g class="(excitatory|inhibitory)( on)?">(.*?)</g>', svg)
    heads = {"excitatory": 0, "inhibitory": 0}
    active = {"excitatory": 0, "inhibitory": 0}
    for kind, on, body in groups:
        heads[kind] += body.count('class="head"')
        active[kind] += body.count('class="head"') if on else 0
    neurons = network.neurons.values()
    assert heads == {  # a weight of 2: two arrows
        "excitatory": sum(sum(n.excitatory.values()) for n in neurons),
        "inhibitory": sum(len(n.inhibitory) for n in neurons),
    }
    assert active == {
        "excitatory": sum(c * state[s] for n in neurons for s, c in n.excitatory.items()),
        "inhibitory": sum(state[s] for n in neurons for s in n.inhibitory),
    }
    drawn = dict(re.findall(r'data-name="(\w+)" data-value="(\d)"', svg))
    assert drawn == {n: str(v) for n, v in state.items()}
    assert re.findall(r'class="output"[^>]*>([^<]*)<', svg) == [f"C = {state['C']}"]
    assert 'aria-label="t&lt;"' in svg
