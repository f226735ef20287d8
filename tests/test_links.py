"""Every page shareable: its settings go into the URL, and the URL opens the same page."""

import pytest
from conftest import ROOT, assert_clean


def reopen(at, path: str):
    """A fresh session opened at ``at``'s URL (as a copied link or a reload)."""
    from streamlit.testing.v1 import AppTest

    fresh = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in at.query_params.items():
        fresh.query_params[key] = value
    fresh.run()
    fresh.switch_page(path).run()
    assert_clean(fresh)
    return fresh


def metrics(at) -> list[str]:
    return [m.value for m in at.metric]


def same_state(at, fresh, keys: list[str]) -> None:
    assert {k: fresh.session_state[k] for k in keys} == {k: at.session_state[k] for k in keys}
    assert dict(fresh.query_params) == dict(at.query_params)
    assert metrics(fresh) == metrics(at)


def test_logic_link(page):
    at = page("pages/logic.py", lang="ko")
    at.toggle(key="logic_a").set_value(True)
    at.slider(key="logic_wa").set_value(-2.5)
    at.slider(key="logic_wb").set_value(0.5)
    at.slider(key="logic_theta").set_value(-1.0).run()
    assert_clean(at)
    assert dict(at.query_params) == {
        "lang": "ko",
        "a": "1",
        "b": "0",
        "wa": "-2.5",
        "wb": "0.5",
        "theta": "-1.0",
    }
    fresh = reopen(at, "pages/logic.py")
    same_state(at, fresh, ["lang", "logic_a", "logic_b", "logic_wa", "logic_wb", "logic_theta"])


def test_perceptron_link(page):
    at = page("pages/perceptron.py", present=True)
    at.selectbox(key="perceptron_x").select(0)
    at.selectbox(key="perceptron_positive").select("versicolor")
    at.radio(key="perceptron_phi").set_value("sgn")
    at.number_input(key="perceptron_eta").set_value(0.125)
    at.number_input(key="perceptron_epochs").set_value(37)
    at.toggle(key="perceptron_shuffle").set_value(True).run()
    at.number_input(key="perceptron_seed").set_value(4_000_000_000).run()
    at.slider(key="perceptron_step").set_value(123).run()
    assert_clean(at)
    fresh = reopen(at, "pages/perceptron.py")
    keys = [f"perceptron_{n}" for n in ("x", "y", "positive", "phi", "eta", "epochs", "seed")]
    same_state(at, fresh, ["present", *keys, "perceptron_shuffle", "perceptron_step"])
    assert fresh.session_state["perceptron_step"] == 123


def test_xor_link_retrains_the_network(page):
    at = page("pages/xor.py")
    at.slider(key="xor_hidden").set_value(7)
    at.selectbox(key="xor_activation").select("relu")
    at.select_slider(key="xor_lr").set_value(0.1)
    at.slider(key="xor_epochs").set_value(1500)
    at.number_input(key="xor_seed").set_value(11)
    at.button(key="xor_train").click().run()
    assert_clean(at)
    assert at.query_params["hidden"] in ("7", ["7"])
    fresh = reopen(at, "pages/xor.py")
    keys = [f"xor_{n}" for n in ("hidden", "activation", "lr", "epochs", "seed")]
    same_state(at, fresh, keys)
    assert fresh.session_state["xor_good"] == at.session_state["xor_good"]


def test_xor_link_says_the_settings_form_is_not_the_trained_network(page):
    """The URL holds the trained network: settings changed but not trained stay out."""
    at = page("pages/xor.py")
    at.slider(key="xor_hidden").set_value(2).run()
    assert at.query_params["hidden"] in ("4", ["4"])


@pytest.mark.parametrize(
    ("query", "key", "expected"),
    [
        ({"a": "maybe"}, "logic_a", False),
        ({"theta": "nan"}, "logic_theta", 2.0),
        ({"x": "7"}, "perceptron_x", 2),
        ({"hidden": "1e308"}, "xor_hidden", 4),
    ],
)
def test_a_bad_value_in_a_link_is_refused_with_a_message(query, key, expected):
    from streamlit.testing.v1 import AppTest

    path = f"pages/{key.split('_')[0]}.py"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    for name, value in query.items():
        at.query_params[name] = value
    at.switch_page(path).run()
    assert_clean(at)
    assert at.session_state[key] == expected
    from nnplay import i18n, ui

    ((name, value),) = query.items()
    said = i18n.translate("common.bad_link_value", name=ui.plain(name), value=ui.plain(value))
    assert said in [w.value for w in at.warning]


def test_training_page_reads_and_writes_the_model_link(page, shared_data_env):
    from nnplay.keras_lab import spec as specs

    spec = specs.default_spec("iris")
    spec.layers[0].units = 9
    spec.compile.optimizer.learning_rate = 0.0123456789
    spec.fit.epochs = 3
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    for key, value in specs.to_query(spec).items():
        at.query_params[key] = value
    at.switch_page("pages/keras_training.py").run()
    assert_clean(at)
    assert at.session_state["lab_spec"] == spec.to_dict()
    epochs = next(n for n in at.number_input if n.key.endswith("_epochs"))
    epochs.set_value(5).run()
    assert_clean(at)
    assert at.query_params["epochs"] in ("5", ["5"])
    assert at.query_params["lr"] in ("0.0123456789", ["0.0123456789"])
    from nnplay import i18n

    assert i18n.translate("keras_training.link_note") in [c.value for c in at.caption]
    fresh = reopen(at, "pages/keras_training.py")
    assert fresh.session_state["lab_spec"]["fit"]["epochs"] == 5
    assert fresh.session_state["lab_spec"] == at.session_state["lab_spec"]
