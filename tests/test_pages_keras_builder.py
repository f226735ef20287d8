"""AppTest: the Keras model builder page (data from ../shared/data, never the network)."""

import json
import time

import pytest
from conftest import assert_clean

from nnplay import i18n
from nnplay.keras_lab import spec as specs

BOOK_TOTAL = 784 * 300 + 300 + 300 * 100 + 100 + 100 * 10 + 10  # 266,610, as in the notes
PAGE = "pages/keras_builder.py"


@pytest.fixture
def builder(page, shared_data_env):
    """Open the builder page in a language, with the shared data sets in the caches."""

    def open_builder(lang="en", present=False):
        at = page(PAGE, lang=lang, present=present, timeout=120)
        assert_clean(at)
        return at

    return open_builder


def wait_for_keras_check(at, tries: int = 100):
    """Rerun until Keras's background build has checked the counts (fragment polling)."""
    checking = {i18n.translate("keras_builder.keras_checking", lang) for lang in i18n.LANGUAGES}
    for _ in range(tries):
        if not checking & set(texts(at.caption)):
            return at
        time.sleep(0.2)
        at.run()
        assert_clean(at)
    raise AssertionError("Keras's count check did not finish")


def network(at) -> dict:
    """The network diagram's figure (the chart whose title reads "784 → 300 → ...")."""
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    return next(f for f in figures if " → " in f["layout"].get("title", {}).get("text", ""))


def network_title(at) -> str:
    return network(at)["layout"]["title"]["text"]


def total(at) -> str:
    return at.metric[0].value


def units_inputs(at):
    return [n for n in at.number_input if "_units_" in n.key]


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


@pytest.mark.parametrize("lang", list(i18n.LANGUAGES))
@pytest.mark.parametrize("present", [False, True])
def test_builder_shows_the_book_model_in_every_language(builder, lang, present):
    at = builder(lang, present)
    assert at.title[0].value == i18n.translate("keras_builder.title", lang)
    assert total(at) == f"{BOOK_TOTAL:,}" == "266,610"
    table = (at.table if present else at.dataframe)[-1].value
    assert list(table.iloc[:, -1]) == [
        "0",
        "784 × 300 + 300 = 235,500",
        "300 × 100 + 100 = 30,100",
        "100 × 10 + 10 = 1,010",
    ]
    agrees = i18n.translate("keras_builder.keras_agrees", lang, total="266,610")
    assert agrees in texts(wait_for_keras_check(at).success)
    code = at.code[0].value
    assert "keras.Sequential([" in code and 'keras.layers.Dense(300, activation="relu"' in code
    charts = at.get("plotly_chart")
    assert len(charts) == 2  # sample images, the network
    heatmap = json.loads(charts[0].proto.spec)["data"][0]
    assert heatmap["type"] == "heatmap"
    assert heatmap["z"]["shape"] == f"{10 * 28}, {10 * 28}"  # a row of 10 images per class
    rows = json.loads(charts[0].proto.spec)["layout"]["yaxis"]["ticktext"]
    assert rows[1] == i18n.translate("keras_lab.class_fashion_mnist_1", lang)  # Trouser, 바지
    assert network_title(at) == "784 → 300 → 100 → 10"
    notes = [a["text"] for a in network(at)["layout"]["annotations"]]
    params = i18n.translate("keras_builder.network_params", lang, count="235,500")
    assert f"<b>300</b><br>{params}" in notes
    for chart in charts:  # plotly's toolbar never covers a title or a legend
        assert json.loads(chart.proto.config)["displayModeBar"] is False
    assert at.query_params["data"] in (["fashion_mnist"], "fashion_mnist")


def test_adding_a_layer_updates_summary_code_and_url(builder):
    at = builder()
    at.button(key="keras_builder_add_dense").click().run()
    assert_clean(at)
    expected = 784 * 300 + 300 + 300 * 100 + 100 + 100 * 32 + 32 + 32 * 10 + 10
    assert total(at) == f"{expected:,}"
    assert len(at.dataframe[-1].value) == 5
    assert 'keras.layers.Dense(32, activation="relu", name="hidden3")' in at.code[0].value
    layers = at.query_params["layers"]
    layers = layers[0] if isinstance(layers, list) else layers
    assert "dense.32.relu.hidden3~dense.10.softmax.output" in layers
    assert at.session_state["lab_spec"]["layers"][3]["units"] == 32
    assert network_title(at) == "784 → 300 → 100 → 32 → 10"
    # another kind of data: the texts and the diagram follow it
    dataset = next(s for s in at.selectbox if s.key.endswith("_dataset"))
    dataset.select("california_housing").run()
    assert_clean(at)
    assert network_title(at).startswith("8 → ")
    words = " ".join(texts(at.caption) + texts(at.markdown)).lower()
    assert "image" not in words and "flatten" not in network_title(at).lower()
    assert i18n.translate("keras_builder.layers_intro_table", "en", features=8) in texts(at.caption)


def test_editing_units_removing_and_moving_layers(builder):
    at = builder()
    units_inputs(at)[0].set_value(50).run()
    assert_clean(at)
    assert total(at) == f"{784 * 50 + 50 + 50 * 100 + 100 + 1010:,}"
    assert network_title(at) == "784 → 50 → 100 → 10"  # the diagram follows the units
    remove = [b for b in at.button if "_remove_" in b.key]
    remove[2].click().run()  # hidden2
    assert_clean(at)
    assert total(at) == f"{784 * 50 + 50 + 50 * 10 + 10:,}"
    assert [n.value for n in units_inputs(at)] == [50, 10]  # values follow their layer
    up = [b for b in at.button if "_up_" in b.key]
    up[2].click().run()  # the output layer above hidden1
    assert_clean(at)
    assert [n.value for n in units_inputs(at)] == [10, 50]
    error_texts = " ".join(texts(at.error))
    message = i18n.translate(
        "keras_lab.problem_output_units_multiclass", "en", units=50, expected=10
    )
    assert message in error_texts


def test_invalid_units_are_explained_and_the_last_good_model_kept(builder):
    at = builder("ko")
    units_inputs(at)[0].set_value(0).run()
    assert_clean(at)
    message = i18n.translate("keras_lab.problem_units", "ko", layer=2, units=0, max=specs.MAX_UNITS)
    assert message in texts(at.error)
    assert i18n.translate("keras_builder.showing_last_good", "ko") in texts(at.info)
    assert total(at) == "266,610"
    assert at.session_state["lab_spec"]["layers"][1]["units"] == 300
    assert network_title(at) == "784 → 300 → 100 → 10"  # the last good model
    units_inputs(at)[0].set_value(64).run()
    assert_clean(at)
    assert network_title(at) == "784 → 64 → 100 → 10"
    params = i18n.translate("keras_builder.network_params", "ko", count=f"{784 * 64 + 64:,}")
    assert f"<b>64</b><br>{params}" in [a["text"] for a in network(at)["layout"]["annotations"]]
    units_inputs(at)[0].set_value(200).run()
    assert not at.error
    assert total(at) == f"{784 * 200 + 200 + 200 * 100 + 100 + 1010:,}"


def test_a_loss_of_another_task_is_rejected_then_the_suggestion_repairs_it(builder):
    at = builder()
    loss = next(s for s in at.selectbox if s.key.endswith("_loss"))
    loss.select("mean_squared_error").run()
    assert_clean(at)
    assert any("mean_squared_error" in e.replace("\\", "") for e in texts(at.error))
    at.button(key="keras_builder_apply_suggestion").click().run()
    assert_clean(at)
    assert not at.error
    assert at.session_state["lab_spec"]["compile"]["loss"] == "sparse_categorical_crossentropy"


def test_presets_and_data_set_switch(builder):
    at = builder()
    at.button(key="keras_builder_preset_regression").click().run()
    assert_clean(at)
    assert total(at) == f"{8 * 30 + 30 + 30 + 1:,}"
    assert list(at.dataframe[0].value.columns)[:2] == ["MedInc", "HouseAge"]  # first rows
    assert "fetch_california_housing" in at.code[0].value
    dataset = next(s for s in at.selectbox if s.key.endswith("_dataset"))
    dataset.select("moons").run()
    assert_clean(at)
    spec = at.session_state["lab_spec"]
    assert spec["dataset"] == "moons"
    assert spec["layers"][-1]["units"] == 1 and spec["layers"][-1]["activation"] == "sigmoid"
    assert spec["compile"]["loss"] == "binary_crossentropy"
    at.button(key="keras_builder_preset_book").click().run()
    assert total(at) == "266,610"


def test_a_shared_link_opens_its_model_and_a_broken_one_is_explained(page, shared_data_env):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    spec = specs.default_spec("iris")
    spec.layers[0].units = 8
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    for key, value in specs.to_query(spec).items():
        at.query_params[key] = value
    at.run()
    at.switch_page(PAGE).run()
    assert_clean(at)
    assert at.session_state["lab_spec"] == spec.to_dict()
    assert total(at) == f"{4 * 8 + 8 + 8 * 16 + 16 + 16 * 3 + 3:,}"

    broken = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    broken.query_params["data"] = "iris"
    broken.query_params["layers"] = "dense.lots.relu"
    broken.run()
    broken.switch_page(PAGE).run()
    assert_clean(broken)
    from nnplay import ui
    from nnplay.messages import Message

    message = ui.say(
        Message("keras_lab.problem_query", {"name": "layers", "value": "dense.lots.relu"})
    )
    assert message in texts(broken.error)
    assert total(broken) == "266,610"


def test_without_network_or_cache_the_page_says_so_and_offers_offline_sets(
    page, tmp_path, monkeypatch
):
    import keras  # noqa: F401  (so its home can be pointed at an empty folder)
    from keras.src.backend import config

    from nnplay.ui import keras_lab

    monkeypatch.setattr(config, "_KERAS_DIR", str(tmp_path / "keras"))
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "sklearn"))
    monkeypatch.setattr("keras.src.utils.file_utils.urlretrieve", _no_network)
    keras_lab._load_shared.clear()
    at = page(PAGE, timeout=120)
    assert_clean(at)
    assert any("30 MB" in w for w in texts(at.warning))
    assert total(at) == "266,610"  # the model can still be built
    at.button(key="keras_builder_download").click().run()
    assert_clean(at)
    assert i18n.translate("keras_lab.download_failed", "en") in texts(at.error)
    at.button(key="keras_builder_use_iris").click().run()
    assert_clean(at)
    assert at.session_state["lab_spec"]["dataset"] == "iris"
    assert not at.warning
    assert "setosa" in set(at.dataframe[0].value["class"])


def _no_network(*args, **kwargs):
    import urllib.error

    raise urllib.error.URLError("no network in tests")


def test_initializers_are_offered_on_demand_and_reach_the_code(builder):
    at = builder()
    assert not [s for s in at.selectbox if "_kernel_" in s.key]  # named only, to keep runs light
    at.toggle(key="keras_builder_show_initializers").set_value(True).run()
    assert_clean(at)
    kernel = next(s for s in at.selectbox if "_kernel_" in s.key)
    kernel.select("he_normal").run()
    assert_clean(at)
    assert 'kernel_initializer="he_normal", name="hidden1"' in at.code[0].value
    at.toggle(key="keras_builder_show_initializers").set_value(False).run()
    assert at.session_state["lab_spec"]["layers"][1]["kernel_initializer"] == "he_normal"
    assert "he_normal / zeros" in " ".join(texts(at.caption))


def test_the_keras_check_queue_is_bounded_and_drains():
    import threading

    from nnplay.ui.keras_builder import _KerasChecks

    release = threading.Event()
    built = []

    def slow_counts(architecture):
        release.wait(10)
        built.append(architecture)
        return architecture

    checks = _KerasChecks(max_waiting=3, max_kept=5, counts=slow_counts)
    futures = [checks.future(str(i)) for i in range(20)]
    assert sum(f is not None for f in futures) == 3  # the rest is told to ask again
    assert checks.future("0") is futures[0]  # the same build is shared
    release.set()
    assert [f.result(5) for f in futures[:3]] == ["0", "1", "2"]
    for i in range(3, 20):
        assert checks.future(str(i)).result(5) == str(i)
    assert len(checks._futures) <= 5 and len(built) == 20


def test_a_model_over_the_parameter_limit_is_not_built_for_the_check():
    from nnplay.keras_lab import spec as specs
    from nnplay.ui import keras_builder

    huge = specs.default_spec("fashion_mnist")
    huge.layers[1:-1] = [specs.dense(2048, "relu") for _ in range(8)]
    assert specs.errors(specs.validate(huge)) == []
    assert keras_builder.keras_counts(huge) == keras_builder.CHECK_TOO_LARGE
