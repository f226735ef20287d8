"""The Keras-lab model spec: validation, JSON, URL, suggestions; summary without TensorFlow."""

import json

import numpy as np
import pytest

from nnplay import i18n
from nnplay.keras_lab import build
from nnplay.keras_lab import spec as specs
from nnplay.keras_lab.spec import ModelSpec, dense, flatten


def problem_keys(spec):
    return [p.key.removeprefix("keras_lab.problem_") for p in specs.validate(spec)]


@pytest.mark.parametrize("dataset", list(specs.DATASETS))
def test_default_specs_and_presets_are_valid(dataset):
    assert specs.validate(specs.default_spec(dataset)) == []


def test_book_model_is_the_notes_model():
    spec = specs.book_model()
    assert [(x.kind, x.units, x.activation) for x in spec.layers] == [
        ("flatten", 0, "linear"),
        ("dense", 300, "relu"),
        ("dense", 100, "relu"),
        ("dense", 10, "softmax"),
    ]
    assert spec.compile.loss == "sparse_categorical_crossentropy"
    assert (spec.compile.optimizer.name, spec.compile.optimizer.learning_rate) == ("sgd", 0.01)
    assert spec.fit.batch_size == 32
    reg = specs.regression_model()
    assert [(x.units, x.activation) for x in reg.layers] == [(30, "relu"), (1, "linear")]
    assert (reg.compile.loss, reg.compile.optimizer.name) == ("mean_squared_error", "sgd")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda s: setattr(s.layers[1], "units", 0), ["units"]),
        (lambda s: setattr(s.layers[1], "units", specs.MAX_UNITS + 1), ["units"]),
        (lambda s: setattr(s.layers[1], "units", 2.5), ["units"]),
        (lambda s: setattr(s.layers[1], "activation", "relu6x"), ["activation"]),
        (lambda s: setattr(s.layers[1], "kernel_initializer", "magic"), ["initializer"]),
        (lambda s: setattr(s.layers[2], "name", "hidden1"), ["duplicate_name"]),
        (lambda s: setattr(s.layers[2], "name", "2nd layer"), ["name"]),
        (lambda s: setattr(s.layers[2], "name", 'x"); import os'), ["name"]),
        (lambda s: s.layers.pop(0), ["flatten_first"]),
        (lambda s: setattr(s, "layers", [flatten()]), ["no_dense"]),
        (lambda s: setattr(s.layers[3], "units", 9), ["output_units_multiclass"]),
        (lambda s: setattr(s.layers[3], "activation", "relu"), ["output_activation"]),
        (lambda s: setattr(s.compile, "loss", "mean_squared_error"), ["loss_multiclass"]),
        (lambda s: setattr(s.compile, "loss", "binary_crossentropy"), ["loss_multiclass"]),
        (lambda s: setattr(s.compile.optimizer, "name", "adagrad"), ["optimizer"]),
        (lambda s: setattr(s.compile.optimizer, "learning_rate", 0.0), ["learning_rate"]),
        (lambda s: setattr(s.compile.optimizer, "learning_rate", float("nan")), ["learning_rate"]),
        (lambda s: setattr(s.compile.optimizer, "momentum", 1.0), ["momentum"]),
        (lambda s: setattr(s.compile, "metrics", ["mean_absolute_error"]), ["metric"]),
        (lambda s: setattr(s.fit, "epochs", 0), ["epochs"]),
        (lambda s: setattr(s.fit, "batch_size", 0), ["batch_size"]),
        (
            lambda s: (
                setattr(s.fit, "validation", "fraction") or setattr(s.fit, "validation_split", 0.9)
            ),
            ["validation_split"],
        ),
        (lambda s: setattr(s.fit, "class_weight", {"10": 1.0}), ["class_weight_class"]),
        (lambda s: setattr(s.fit, "class_weight", {"1": -1.0}), ["class_weight_value"]),
        (lambda s: setattr(s.fit, "class_weight", "heavy"), ["class_weight"]),
        (lambda s: setattr(s, "dataset", "mnist"), ["dataset"]),
    ],
)
def test_invalid_book_models_are_rejected_with_the_reason(change, expected):
    spec = specs.book_model()
    change(spec)
    assert problem_keys(spec) == expected


def test_loss_and_output_must_fit_each_task():
    binary = specs.default_spec("moons")
    binary.compile.loss = "sparse_categorical_crossentropy"
    assert problem_keys(binary) == ["loss_binary"]
    binary = specs.default_spec("moons")
    binary.layers[-1].units = 2
    binary.layers[-1].activation = "softmax"
    assert problem_keys(binary) == ["output_units_binary", "output_activation"]
    regression = specs.regression_model()
    regression.compile.loss = "binary_crossentropy"
    assert problem_keys(regression) == ["loss_regression"]
    regression = specs.regression_model()
    regression.layers[-1].activation = "sigmoid"
    problems = specs.validate(regression)
    assert [p.severity for p in problems] == ["warning"]
    assert specs.errors(problems) == []
    regression.fit.class_weight = "balanced"
    assert problem_keys(regression)[-1] == "class_weight_regression"


def test_every_problem_has_a_message_in_every_language(monkeypatch):
    monkeypatch.setenv("NNPLAY_STRICT_I18N", "1")
    names = [key.removeprefix("keras_lab.problem_") for key in i18n.catalog("en")]
    names = [n for n in names if not n.startswith("keras_lab.")]
    spec = specs.book_model()
    bad = [
        specs.LayerSpec("conv", 3),
        dense(0, "nope", "1x", kernel_initializer="??"),
        dense(5, "relu", "1x"),
    ]
    spec.layers = bad
    spec.compile = specs.CompileSpec("huber", specs.OptimizerSpec("adagrad", -1, 2), ["x"])
    spec.fit = specs.FitSpec(0, 0, "sometimes", 0, "heavy")
    problems = specs.validate(spec)
    problems += specs.from_query({"data": "fashion_mnist", "lr": "fast"})[1]
    assert len({p.key for p in problems}) >= 14
    for problem in problems:
        for lang in i18n.LANGUAGES:
            text = i18n.translate(problem.key, lang, **problem.values)
            assert "{" not in text, (problem.key, lang)
    assert names  # the catalog has problem messages at all


def test_spec_round_trips_through_json():
    spec = specs.book_model()
    spec.fit.class_weight = {"0": 2.0, "3": 0.5}
    spec.layers[1].kernel_initializer = "he_normal"
    text = json.dumps(spec.to_dict())
    assert ModelSpec.from_dict(json.loads(text)) == spec
    assert ModelSpec.from_json(spec.to_json()) == spec
    copy = spec.copy()
    copy.layers[1].units = 7
    assert spec.layers[1].units == 300  # a deep copy


def test_enums_are_plain_strings_in_dicts_and_json():
    spec = specs.book_model()
    assert spec.layers[0].kind is specs.LayerKind.FLATTEN and spec.task is specs.Task.MULTICLASS
    assert specs.MULTICLASS == "multiclass" and specs.DENSE == "dense"
    data = spec.to_dict()
    assert [type(layer["kind"]) for layer in data["layers"]] == [str] * 4
    assert json.loads(spec.to_json())["layers"][1]["kind"] == "dense"
    assert json.dumps({"task": spec.task}) == '{"task": "multiclass"}'
    again = ModelSpec.from_dict(json.loads(json.dumps(data)))
    assert again == spec and again.layers[1].kind is specs.LayerKind.DENSE
    unknown = specs.LayerSpec.from_dict({"kind": "conv"})
    assert unknown.kind == "conv" and type(unknown.kind) is str  # kept for validate() to say


@pytest.mark.parametrize("dataset", list(specs.DATASETS))
def test_input_shape_follows_the_data_set(dataset):
    spec = specs.book_model()
    spec.dataset = dataset
    expected = list(specs.DATASETS[dataset].input_shape)
    assert spec.input_shape == expected
    data = spec.to_dict()
    assert data["input_shape"] == expected  # written for readers
    data["input_shape"] = [784]
    assert ModelSpec.from_dict(data).input_shape == expected  # and never read
    with pytest.raises(AttributeError):
        spec.input_shape = [784]


@pytest.mark.parametrize("dataset", list(specs.DATASETS))
def test_spec_round_trips_through_the_url(dataset):
    spec = specs.default_spec(dataset)
    spec.layers[-2].kernel_initializer = "he_normal"
    spec.layers[-2].bias_initializer = "ones"
    spec.layers[0].name = ""
    spec.compile.optimizer = specs.OptimizerSpec("rmsprop", 0.003, 0.9)
    spec.fit = specs.FitSpec(7, 64, "fraction", 0.2, "balanced" if dataset != "xor" else None)
    if spec.task == specs.REGRESSION:
        spec.fit.class_weight = None
    query = specs.to_query(spec)
    assert all(isinstance(v, str) for v in query.values())
    again, problems = specs.from_query(query)
    assert again == spec
    assert problems == []


def test_url_is_short_and_readable():
    query = specs.to_query(specs.book_model())
    layers = "flatten~dense.300.relu.hidden1~dense.100.relu.hidden2~dense.10.softmax.output"
    assert query["layers"] == layers
    weighted = specs.default_spec("iris")
    weighted.fit.class_weight = {"0": 1.0, "2": 2.5}
    assert specs.to_query(weighted)["cw"] == "0:1.0~2:2.5"
    assert specs.from_query(specs.to_query(weighted))[0].fit.class_weight == {"0": 1.0, "2": 2.5}


@pytest.mark.parametrize(
    ("params", "key"),
    [
        ({"data": "mnist"}, "dataset"),
        ({"data": "fashion_mnist", "layers": "dense.many.relu"}, "query"),
        ({"data": "fashion_mnist", "layers": "conv.3"}, "query"),
        ({"data": "fashion_mnist", "epochs": "ten"}, "query"),
        ({"data": "fashion_mnist", "lr": "inf"}, "query"),
        ({"data": "fashion_mnist", "cw": "0=1"}, "query"),
        ({"data": "fashion_mnist", "cw": "²:1"}, "query"),
        ({"data": "fashion_mnist", "cw": "0:1_000"}, "query"),
        ({"data": "fashion_mnist", "epochs": "٣"}, "query"),
        ({"data": "fashion_mnist", "lr": "nan"}, "query"),
        ({"data": "fashion_mnist", "lr": "1e999"}, "query"),
        ({"data": "fashion_mnist", "split": "0x10"}, "query"),
        ({"data": "fashion_mnist", "metrics": "accuracy~" * 20}, "query"),
        ({"data": "moons", "layers": "~".join(["flatten"] * 300)}, "too_many_layers_total"),
        ({"data": "moons", "layers": "flatten~" * 12 + "dense.1.sigmoid"}, "too_many_layers_total"),
        ({"data": "moons", "layers": "dense.1." + "x" * 5000}, "query_too_long"),
    ],
)
def test_unreadable_links_give_no_spec_and_say_why(params, key):
    spec, problems = specs.from_query(params)
    assert spec is None
    assert [p.key for p in problems] == [f"keras_lab.problem_{key}"]


def _random_spec(rng) -> ModelSpec:
    """A valid spec with random layers, names, initializers and awkward floats."""
    dataset = str(rng.choice(list(specs.DATASETS)))
    spec = specs.default_spec(dataset)
    hidden = []
    for i in range(int(rng.integers(0, specs.MAX_DENSE_LAYERS))):  # and the output layer
        name = f"h{i}_{rng.integers(1000)}" if rng.random() < 0.5 else ""
        layer = dense(int(rng.integers(1, specs.MAX_UNITS + 1)), str(rng.choice(specs.ACTIVATIONS)))
        layer.name = name
        layer.kernel_initializer = str(rng.choice(specs.INITIALIZERS))
        layer.bias_initializer = str(rng.choice(specs.INITIALIZERS))
        hidden.append(layer)
    spec.layers = [*hidden, spec.layers[-1]]
    spec.layers = specs.switch_dataset(spec, dataset).layers  # Flatten first for images
    optimizer = spec.compile.optimizer
    optimizer.name = str(rng.choice(specs.OPTIMIZERS))
    optimizer.learning_rate = float(10 ** rng.uniform(-9, 1))
    optimizer.momentum = (
        float(rng.uniform(0, specs.MAX_MOMENTUM))
        if optimizer.name in specs.MOMENTUM_OPTIMIZERS
        else 0.0
    )
    spec.fit.epochs = int(rng.integers(1, specs.MAX_EPOCHS + 1))
    spec.fit.batch_size = int(rng.integers(1, specs.MAX_BATCH_SIZE + 1))
    spec.fit.validation = str(rng.choice([specs.HELD_OUT, specs.FRACTION]))
    spec.fit.validation_split = float(
        rng.uniform(specs.MIN_VALIDATION_SPLIT, specs.MAX_VALIDATION_SPLIT)
    )
    if spec.task != specs.REGRESSION:
        n_classes = max(specs.DATASETS[dataset].n_outputs, 2)
        spec.fit.class_weight = [
            None,
            specs.BALANCED,
            {str(c): float(rng.uniform(0, specs.MAX_CLASS_WEIGHT)) for c in range(n_classes)},
        ][int(rng.integers(3))]
    return spec


def test_random_specs_survive_the_url_exactly():
    rng = np.random.default_rng(20261128)
    for _ in range(300):
        spec = _random_spec(rng)
        assert specs.errors(specs.validate(spec)) == [], spec
        again, problems = specs.from_query(specs.to_query(spec))
        assert specs.errors(problems) == []
        assert again.to_dict() == spec.to_dict()


def test_url_keeps_full_precision_and_the_split_of_held_out_validation():
    spec = specs.default_spec("iris")
    spec.compile.optimizer.learning_rate = 0.0012345678
    spec.fit.class_weight = {"0": 1 / 3, "1": 1.0, "2": 2 / 3}
    spec.fit.validation, spec.fit.validation_split = specs.HELD_OUT, 0.3
    again = specs.from_query(specs.to_query(spec))[0]
    assert again.compile.optimizer.learning_rate == 0.0012345678
    assert again.fit.class_weight == {"0": 1 / 3, "1": 1.0, "2": 2 / 3}
    assert (again.fit.validation, again.fit.validation_split) == (specs.HELD_OUT, 0.3)


def test_older_links_with_a_fraction_in_val_still_read():
    spec = specs.from_query({"data": "iris", "val": "0.25"})[0]
    assert (spec.fit.validation, spec.fit.validation_split) == (specs.FRACTION, 0.25)


def test_a_link_cannot_carry_a_value_the_training_widgets_refuse():
    for query, key in [
        ({"cw": "0:1000~1:1"}, "class_weight_value"),
        ({"val": "fraction", "split": "0.01"}, "validation_split"),
        ({"opt": "sgd", "momentum": "0.9995"}, "momentum"),
        ({"lr": "50"}, "learning_rate"),
    ]:
        problems = specs.from_query({"data": "iris", **query})[1]
        assert [p.key for p in specs.errors(problems)] == [f"keras_lab.problem_{key}"]


def test_huge_links_are_refused_before_any_parsing():
    import time

    layers = "~".join(["flatten"] * 100_000)
    start = time.perf_counter()
    spec, problems = specs.from_query({"data": "moons", "layers": layers})
    assert spec is None and problems[0].key == "keras_lab.problem_query_too_long"
    many = specs.book_model()
    many.layers = [flatten()] * 5000 + many.layers
    assert [p.key for p in specs.validate(many)] == ["keras_lab.problem_too_many_layers_total"]
    assert time.perf_counter() - start < 0.5


def test_readable_link_with_a_bad_value_is_validated():
    spec, problems = specs.from_query({"data": "iris", "layers": "dense.0.relu~dense.3.softmax"})
    assert spec is not None
    assert [p.key for p in problems] == ["keras_lab.problem_units"]
    assert specs.from_query({"lang": "ko"}) == (None, [])


@pytest.mark.parametrize(
    ("task", "n", "expected"),
    [
        ("multiclass", 10, (10, "softmax", "sparse_categorical_crossentropy")),
        ("binary", 1, (1, "sigmoid", "binary_crossentropy")),
        ("regression", 1, (1, "linear", "mean_squared_error")),
    ],
)
def test_output_suggestions_follow_the_notes_tables(task, n, expected):
    hint = specs.suggest_output(task, n)
    assert (hint.units, hint.activation, hint.loss) == expected
    one_hot = specs.suggest_output("multiclass", 3, one_hot=True)
    assert one_hot.loss == "categorical_crossentropy"


def test_switching_data_set_keeps_hidden_layers_and_fixes_input_and_output():
    spec = specs.switch_dataset(specs.book_model(), "california_housing")
    assert spec.input_shape == [8]
    assert [x.kind for x in spec.layers] == ["dense"] * 3  # Flatten dropped
    assert [x.units for x in spec.layers] == [300, 100, 1]
    assert (spec.layers[-1].activation, spec.compile.loss) == ("linear", "mean_squared_error")
    assert specs.validate(spec) == []
    back = specs.switch_dataset(spec, "fashion_mnist")
    assert back.layers[0].kind == "flatten"
    assert specs.validate(back) == []
    for name in specs.DATASETS:
        assert specs.errors(specs.validate(specs.switch_dataset(back, name))) == []


def test_apply_suggestion_repairs_the_output_and_loss():
    spec = specs.default_spec("iris")
    spec.layers[-1].units, spec.layers[-1].activation = 7, "tanh"
    spec.compile.loss = "huber"
    fixed = specs.apply_suggestion(spec)
    assert (fixed.layers[-1].units, fixed.layers[-1].activation) == (3, "softmax")
    assert fixed.compile.loss == "sparse_categorical_crossentropy"
    assert specs.validate(fixed) == []


def test_balanced_class_weight_matches_scikit_learn():
    from sklearn.utils.class_weight import compute_class_weight

    y = np.array([0] * 50 + [1] * 30 + [2] * 20)
    spec = specs.default_spec("iris")
    spec.fit.class_weight = "balanced"
    expected = compute_class_weight("balanced", classes=np.arange(3), y=y)
    weights = specs.class_weight_for(spec, y)
    assert list(weights) == [0, 1, 2]
    np.testing.assert_allclose(list(weights.values()), expected)
    spec.fit.class_weight = {"1": 3.0}
    assert specs.class_weight_for(spec, y) == {1: 3.0}
    spec.fit.class_weight = None
    assert specs.class_weight_for(spec, y) is None


def test_default_layer_names_follow_keras():
    spec = ModelSpec(layers=[flatten(), dense(3), dense(4, name="dense_1"), dense(10)])
    assert specs.layer_names(spec) == ["flatten", "dense", "dense_1", "dense_2"]


def test_summary_arithmetic_of_the_book_model():
    rows = build.summary_rows(specs.book_model())
    assert [r.arithmetic for r in rows] == [
        "0",
        "784 × 300 + 300 = 235,500",
        "300 × 100 + 100 = 30,100",
        "100 × 10 + 10 = 1,010",
    ]
    assert [r.shape_text for r in rows] == [
        "(None, 784)",
        "(None, 300)",
        "(None, 100)",
        "(None, 10)",
    ]
    assert build.count_params(specs.book_model()) == 266_610
    assert build.count_params(specs.regression_model()) == 8 * 30 + 30 + 30 + 1
