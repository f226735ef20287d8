"""Logic neurons: McCulloch-Pitts networks for identity, AND, OR and A AND NOT B."""

import streamlit as st

from nnplay import logic, ui
from nnplay.charts.logic import network_svg
from nnplay.ui.page_state import PageState

t = ui.t
page = PageState("logic")


@st.cache_data(max_entries=128, show_spinner=False)
def diagram(name: str, a: int, b: int, presenter: bool, label: str, title: str) -> str:
    """The diagram of one network for one input state, an inline SVG."""
    network = logic.XOR_NETWORK if name == "xor" else logic.NETWORKS[name]
    state = network.activations(A=a, B=b)
    return network_svg(network, state, ui.theme_for(presenter), output_label=label, title=title)


ui.page_header("logic")
page.start()

# The experiment first: the inputs, right above the four networks they drive.
label, left, right, _ = st.columns([1.2, 1, 1, 6], vertical_alignment="center")
label.markdown(f"**{t('logic.inputs_heading')}**")
a = int(left.toggle("A", key=page.key("a")))
b = int(right.toggle("B", key=page.key("b")))
row = 2 * a + b  # index of (a, b) in a truth table in counting order

networks = list(logic.NETWORKS.items())
for column, (name, network) in zip(st.columns(len(networks)), networks, strict=True):
    output = network(A=a, B=b)
    with column, st.container(border=True):
        st.markdown(f"**{t(f'logic.net_{name}')}**")
        st.latex(network.formula)
        title = t(f"logic.net_{name}")
        st.markdown(
            diagram(name, a, b, ui.presenter(), f"C = {output}", title), unsafe_allow_html=True
        )
        threshold_form = network.neurons["C"].to_threshold().inequality()
        st.markdown(t("logic.threshold_form", rule=f"${threshold_form}$"))
        ui.truth_table(network.truth_table(), row)

st.subheader(t("logic.rule_heading"))
st.markdown(t("logic.rule"))
rule_if = t("logic.case_if", condition=r"\sum_i w_i x_i \ge 2")
st.latex(
    rf"C = \begin{{cases}} 1 & {rule_if} \\ 0 & \text{{{t('logic.case_otherwise')}}}"
    r"\end{cases}"
)
st.markdown(t("logic.equivalence"))

st.subheader(t("logic.design_heading"))
st.markdown(t("logic.design_intro"))
c1, c2, c3 = st.columns(3)
w_a = c1.slider(t("logic.weight", name="A"), -3.0, 3.0, step=0.5, key=page.key("wa"))
w_b = c2.slider(t("logic.weight", name="B"), -3.0, 3.0, step=0.5, key=page.key("wb"))
theta = c3.slider(t("logic.threshold"), -3.0, 3.0, step=0.5, key=page.key("theta"))
rows = logic.threshold_truth_table(w_a, w_b, theta)
outputs = [r["C"] for r in rows]
gate = t("logic.gate_" + logic.gate_name(outputs).lower().replace(" ", "_"))
custom, table = st.columns([1, 1])
with custom:
    st.latex(logic.ThresholdNeuron({"A": w_a, "B": w_b}, theta).latex())
    st.metric(t("logic.custom_output", a=a, b=b), outputs[row])
    st.success(t("logic.gate_found", gate=gate))
with table:
    ui.truth_table(rows, row)
st.info(t("logic.design_challenge"))

st.subheader(t("logic.xor_heading"))
st.markdown(t("logic.xor_intro"))
st.latex(logic.XOR_NETWORK.formula)
xor_state = logic.XOR_NETWORK.activations(A=a, B=b)
fig_col, table_col = st.columns([3, 2])
with fig_col:
    label = f"C = {xor_state['C']}"
    st.markdown(
        diagram("xor", a, b, ui.presenter(), label, t("logic.xor_heading")), unsafe_allow_html=True
    )
with table_col:
    for name, neuron in logic.XOR_NETWORK.neurons.items():
        st.markdown(f"${neuron.to_threshold().latex(name)}$")
    xor_rows = [logic.XOR_NETWORK.activations(A=x, B=y) for x in (0, 1) for y in (0, 1)]
    ui.truth_table(xor_rows, row)
st.warning(t("logic.xor_remark"))
page.finish()
