"""Spec -> Keras model and code, checked against Keras itself; the loaders on ../shared/data."""

import contextlib
import gzip
import io

import numpy as np
import pytest
from conftest import SHARED_DATA

from nnplay.keras_lab import build, codegen
from nnplay.keras_lab import data as lab
from nnplay.keras_lab import spec as specs
from nnplay.keras_lab.spec import ModelSpec, dense, flatten


def several_models():
    """The presets, every data set's default, and a few odd shapes."""
    models = {name: specs.default_spec(name) for name in specs.DATASETS}
    models["book"] = specs.book_model()
    models["regression"] = specs.regression_model()
    deep = specs.book_model()
    deep.layers[1:3] = [dense(n, "selu", kernel_initializer="lecun_normal") for n in (64, 32, 16)]
    models["deep_unnamed"] = deep
    models["no_flatten"] = ModelSpec(
        "fashion_mnist", layers=[dense(5, "relu"), flatten(), dense(10, "softmax")]
    )
    models["flatten_on_table"] = ModelSpec("iris", layers=[flatten(), dense(3, "softmax")])
    return models


@pytest.fixture(scope="module")
def keras():
    import keras

    return keras


@pytest.mark.parametrize("name", list(several_models()))
def test_summary_without_tensorflow_equals_keras(keras, name):
    spec = several_models()[name]
    model = build.build_model(spec)
    ours = [(r.name, r.kind, r.output_shape, r.params) for r in build.summary_rows(spec)]
    assert ours == build.keras_summary_rows(model)
    assert build.count_params(spec) == model.count_params()


def test_book_model_has_266610_parameters(keras):
    model = build.build_model(specs.book_model())
    assert model.count_params() == 266_610
    assert [layer.count_params() for layer in model.layers] == [0, 235_500, 30_100, 1_010]
    assert isinstance(model.optimizer, keras.optimizers.SGD)
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.01)


@pytest.mark.parametrize(
    ("optimizer", "cls"), [("sgd", "SGD"), ("adam", "Adam"), ("rmsprop", "RMSprop")]
)
def test_compile_uses_the_chosen_optimizer_loss_and_initializers(keras, optimizer, cls):
    spec = specs.default_spec("iris")
    spec.compile.optimizer = specs.OptimizerSpec(optimizer, 0.005, 0.5)
    spec.layers[0].kernel_initializer = "zeros"
    spec.layers[0].bias_initializer = "ones"
    model = build.build_model(spec)
    assert type(model.optimizer).__name__ == cls
    assert float(model.optimizer.learning_rate.numpy()) == pytest.approx(0.005)
    if optimizer != "adam":
        assert model.optimizer.momentum == pytest.approx(0.5)
    kernel, bias = model.layers[0].get_weights()
    assert not kernel.any() and (bias == 1).all()
    assert model.loss == "sparse_categorical_crossentropy"
    model.fit(np.zeros((4, 4)), np.array([0, 1, 2, 0]), epochs=1, verbose=0)


def run_code(code: str) -> dict:
    """Execute exported code (ours, never a visitor's) and return its namespace."""
    namespace: dict = {"__name__": "exported"}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "exported.py", "exec"), namespace)
    return namespace


def short(spec: ModelSpec) -> ModelSpec:
    spec = spec.copy()
    spec.fit.epochs = 1
    return spec


def test_exported_book_model_code_runs_and_builds_the_same_model(shared_data_env, keras):
    namespace = run_code(codegen.generate_code(short(specs.book_model())))
    assert namespace["model"].count_params() == 266_610
    assert len(namespace["history"].history["loss"]) == 1
    assert "val_accuracy" in namespace["history"].history


def test_exported_regression_code_runs(shared_data_env, keras):
    spec = short(specs.regression_model())
    namespace = run_code(codegen.generate_code(spec))
    assert namespace["model"].count_params() == build.count_params(spec) == 301
    assert namespace["X_train"].shape[1] == 8
    np.testing.assert_allclose(namespace["X_train"].mean(axis=0), 0, atol=1e-6)


@pytest.mark.parametrize("dataset", ["iris", "moons", "xor"])
def test_exported_code_with_every_option_runs(keras, dataset):
    spec = short(specs.default_spec(dataset))
    spec.layers[0].kernel_initializer = "he_normal"
    spec.compile.optimizer = specs.OptimizerSpec("sgd", 0.05, 0.9)
    spec.fit.class_weight = "balanced"
    spec.fit.validation = "fraction"
    if dataset == "iris":
        spec.compile.loss = "categorical_crossentropy"
    if dataset == "xor":
        spec.fit.class_weight = {"0": 1.0, "1": 2.0}
        spec.fit.validation = "held_out"
    assert specs.validate(spec) == []
    namespace = run_code(codegen.generate_code(spec))
    assert namespace["model"].count_params() == build.count_params(spec)
    assert len(namespace["history"].history["loss"]) == 1


def test_code_is_refused_for_an_invalid_spec():
    spec = specs.book_model()
    spec.layers[1].name = 'x"); import os; ("'
    with pytest.raises(ValueError, match="problem_name"):
        codegen.generate_code(spec)


def read_idx(name: str) -> np.ndarray:
    """An IDX file of the shared sample, read directly (an independent reference)."""
    with gzip.open(SHARED_DATA / "fashion-mnist-sample" / name) as f:
        raw = f.read()
    offset = 16 if "images" in name else 8
    array = np.frombuffer(raw, np.uint8, offset=offset)
    return array.reshape(-1, 28, 28) if "images" in name else array


def test_fashion_mnist_loader_reads_the_shared_sample(shared_data_env, keras):
    assert lab.is_cached("fashion_mnist")
    data = lab.fashion_mnist()
    images, labels = read_idx("train-images-idx3-ubyte.gz"), read_idx("train-labels-idx1-ubyte.gz")
    n_valid = len(images) // 12  # 5,000 of 60,000 in the full set
    assert data.sizes == {"train": len(images) - n_valid, "valid": n_valid, "test": 400}
    np.testing.assert_allclose(data.X_valid, images[:n_valid] / 255.0, atol=1e-6)
    np.testing.assert_allclose(data.X_train, images[n_valid:] / 255.0, atol=1e-6)
    np.testing.assert_array_equal(data.y_train, labels[n_valid:])
    assert data.X_train.dtype == np.float32 and 0 <= data.X_train.min() <= data.X_train.max() <= 1
    assert data.class_names[0] == "T-shirt/top" and len(data.class_names) == 10
    assert data.task == "multiclass" and data.input_shape == (28, 28)
    with pytest.raises(ValueError):
        data.X_train[0, 0, 0] = 1  # shared by every session: read-only


def california_reference():
    """Features and target derived from the raw table as the data README says."""
    table = np.loadtxt(SHARED_DATA / "california-housing" / "cal_housing.data", delimiter=",")
    lon, lat, age, rooms, bedrooms, population, households, income, value = table.T
    features = np.column_stack(
        [
            income,
            age,
            rooms / households,
            bedrooms / households,
            population,
            population / households,
            lat,
            lon,
        ]
    )
    return features, value / 100_000


def test_california_loader_splits_and_scales_on_train_only(shared_data_env):
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    assert lab.is_cached("california_housing")
    data = lab.california_housing()
    assert data.sizes == {"train": 11_610, "valid": 3_870, "test": 5_160}
    assert data.task == "regression" and data.input_shape == (8,)
    np.testing.assert_allclose(data.X_train.mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(data.X_train.std(axis=0), 1, atol=1e-4)
    assert np.abs(data.X_valid.mean(axis=0)).max() > 1e-3  # not refitted on validation
    # The same split and scaling, on features derived independently from the raw table.
    features, target = california_reference()
    X_full, X_test, y_full, y_test = train_test_split(features, target, random_state=42)
    X_train, X_valid, y_train, y_valid = train_test_split(X_full, y_full, random_state=42)
    scaler = StandardScaler().fit(X_train)
    np.testing.assert_allclose(data.X_valid, scaler.transform(X_valid), atol=1e-4)
    np.testing.assert_allclose(data.X_test, scaler.transform(X_test), atol=1e-4)
    for ours, reference in [
        (data.y_train, y_train),
        (data.y_valid, y_valid),
        (data.y_test, y_test),
    ]:
        np.testing.assert_allclose(ours, reference, atol=1e-6)


def test_offline_sets_need_no_download():
    for name, task, shape in [
        ("iris", "multiclass", (4,)),
        ("moons", "binary", (2,)),
        ("xor", "binary", (2,)),
    ]:
        assert lab.is_cached(name)
        data = lab.load(name)
        assert (data.task, data.input_shape) == (task, shape)
        assert data.task == specs.DATASETS[name].task
    iris = lab.load("iris")
    assert iris.sizes == {"train": 90, "valid": 30, "test": 30}
    assert np.bincount(iris.y_train).tolist() == [30, 30, 30]


@pytest.mark.filterwarnings("ignore:Retry downloading:UserWarning")  # scikit-learn's retries
def test_no_network_and_no_cache_raise_dataset_unavailable(tmp_path, monkeypatch, keras):
    from keras.src.backend import config

    monkeypatch.setattr(config, "_KERAS_DIR", str(tmp_path / "keras"))
    monkeypatch.setenv("SCIKIT_LEARN_DATA", str(tmp_path / "sklearn"))
    # Even where there is a network, these tests never use it.
    monkeypatch.setattr("keras.src.utils.file_utils.urlretrieve", _no_network)
    monkeypatch.setattr("sklearn.datasets._base.urlretrieve", _no_network)
    for name in ("fashion_mnist", "california_housing"):
        assert not lab.is_cached(name)
        with pytest.raises(lab.DatasetUnavailable) as caught:
            lab.load(name)
        assert caught.value.name == name


def _no_network(*args, **kwargs):
    import urllib.error

    raise urllib.error.URLError("no network in tests")
