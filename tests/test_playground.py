"""The playground's engine and library: gradients with L1/L2, data, history, points, export.

The grown MLP (penalties, regression, partial_fit, the fast epoch) is checked
against finite differences, TensorFlow's GradientTape and scikit-learn's MLPs;
the rest against plain definitions.
"""

import itertools
import warnings

import numpy as np
import pytest
from gradients import finite_differences

from nnplay import i18n
from nnplay.charts import playground as charts
from nnplay.keras_lab import spec as specs
from nnplay.mlp import MLP, DivergedError, MLPRegressor
from nnplay.playground import controls, data, export, history, points
from nnplay.playground.features import FEATURES, transform
from nnplay.playground.session import Session, Settings, clamp

RNG = np.random.default_rng(7)
X = RNG.normal(size=(9, 3))
Y_BINARY = np.arange(9) % 2
Y_THREE = np.arange(9) % 3
Y_VALUE = RNG.normal(size=9)


def _net(kind, act, hidden, l1=0.0, l2=0.0):
    """A network of ``kind`` (sigmoid, softmax, regression) with large random weights."""
    common = dict(hidden_layer_sizes=hidden, activation=act, random_state=3, l1=l1, l2=l2)
    if kind == "regression":
        model, y = MLPRegressor(**common), Y_VALUE
        model.initialize(3, None)
    else:
        output = "sigmoid" if kind == "sigmoid" else "softmax"
        y = Y_BINARY if kind == "sigmoid" else Y_THREE
        model = MLP(output=output, **common).initialize(3, np.unique(y))
    model.coefs_ = [2.0 * W for W in model.coefs_]
    return model, y


def _relative(a, b):
    a = np.concatenate([g.ravel() for g in a])
    b = np.concatenate([g.ravel() for g in b])
    return np.linalg.norm(a - b) / max(np.linalg.norm(a) + np.linalg.norm(b), 1e-300)


PENALTY_CASES = [
    (kind, act, hidden, l1, l2)
    for kind in ("sigmoid", "softmax", "regression")
    for act, hidden in (("tanh", (4, 3)), ("relu", (4,)), ("sigmoid", (3,)), ("linear", (2, 2)))
    for l1, l2 in ((0.05, 0.0), (0.0, 0.1), (0.02, 0.03))
]


@pytest.mark.parametrize(("kind", "act", "hidden", "l1", "l2"), PENALTY_CASES)
def test_penalised_gradients_match_finite_differences(kind, act, hidden, l1, l2):
    model, y = _net(kind, act, hidden, l1, l2)
    loss, dW, db = model.gradients(X, y)
    assert loss == pytest.approx(model.loss_value(X, y))
    assert loss == pytest.approx(model.loss_value(X, y, penalty=False) + model.penalty())
    expected = sum(l1 * np.abs(W).sum() + l2 * (W**2).sum() for W in model.coefs_)
    assert model.penalty() == pytest.approx(expected)
    numeric_dW, numeric_db = finite_differences(model, X, y)
    assert _relative([*dW, *db], [*numeric_dW, *numeric_db]) < 1e-6


@pytest.mark.parametrize("kind", ["sigmoid", "softmax", "regression"])
def test_penalised_gradients_match_tensorflow_gradient_tape(kind):
    tf = pytest.importorskip("tensorflow")
    keras = pytest.importorskip("keras")
    # rates exact in float32: Keras keeps them as floatx
    model, y = _net(kind, "tanh", (4, 3), l1=0.03125, l2=0.0625)
    reg = keras.regularizers.L1L2(l1=0.03125, l2=0.0625)
    layers = [
        keras.layers.Dense(n, "tanh", kernel_regularizer=reg, dtype="float64") for n in (4, 3)
    ]
    n_out = model.coefs_[-1].shape[1]
    layers.append(keras.layers.Dense(n_out, kernel_regularizer=reg, dtype="float64"))
    net = keras.Sequential([keras.Input((3,), dtype="float64"), *layers])
    net.set_weights([w for pair in zip(model.coefs_, model.intercepts_, strict=True) for w in pair])
    Y = model._targets(y)
    if kind == "sigmoid":
        loss_fn = keras.losses.BinaryCrossentropy(from_logits=True, dtype="float64")
    elif kind == "softmax":
        loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True, dtype="float64")
    else:
        loss_fn = keras.losses.MeanSquaredError(dtype="float64")
    with tf.GradientTape() as tape:
        value = loss_fn(Y, net(tf.constant(X), training=True)) + tf.add_n(net.losses)
    theirs = [g.numpy() for g in tape.gradient(value, net.trainable_variables)]
    ours, dW, db = model.gradients(X, y)
    assert ours == pytest.approx(float(value), rel=1e-12)
    assert _relative(dW, theirs[0::2]) < 1e-6 and _relative(db, theirs[1::2]) < 1e-6


def _sklearn_step(theirs, ours, y, **fit):
    """scikit-learn's model started from ``ours``'s weights, after one partial_fit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.partial_fit(X, y, **fit)  # sets up its layers
        theirs.coefs_ = [W.copy() for W in ours.coefs_]
        theirs.intercepts_ = [b.copy() for b in ours.intercepts_]
        theirs.partial_fit(X, y)
    return theirs


SGD = dict(solver="sgd", momentum=0.0, nesterovs_momentum=False, shuffle=False, batch_size=9)


def test_one_l2_step_matches_sklearn_mlpclassifier():
    """scikit-learn adds alpha / (2 n) * sum W² to a batch of n: our l2 is alpha / (2 n)."""
    from sklearn.neural_network import MLPClassifier

    alpha, n = 0.3, len(X)
    ours = MLP(hidden_layer_sizes=(4,), activation="relu", learning_rate=0.1, random_state=1)
    ours.set_params(l2=alpha / (2 * n)).initialize(3, [0, 1])
    theirs = MLPClassifier(
        hidden_layer_sizes=(4,), activation="relu", alpha=alpha, learning_rate_init=0.1, **SGD
    )
    theirs = _sklearn_step(theirs, ours, Y_BINARY, classes=[0, 1])
    ours.partial_fit(X, Y_BINARY)
    for a, b in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)


def test_one_l2_step_matches_sklearn_mlpregressor():
    """scikit-learn's regression loss is half the MSE: the same step at twice its rate."""
    from sklearn.neural_network import MLPRegressor as SklearnRegressor

    alpha, n = 0.3, len(X)
    ours = MLPRegressor(
        hidden_layer_sizes=(4,), activation="tanh", learning_rate=0.05, l2=alpha / n
    )
    ours.set_params(random_state=2).initialize(3, None)
    theirs = SklearnRegressor(
        hidden_layer_sizes=(4,), activation="tanh", alpha=alpha, learning_rate_init=0.1, **SGD
    )
    theirs = _sklearn_step(theirs, ours, Y_VALUE)
    ours.partial_fit(X, Y_VALUE)
    for a, b in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-10)


@pytest.mark.parametrize("kind", ["sigmoid", "softmax", "regression"])
@pytest.mark.parametrize("act", ["tanh", "relu", "sigmoid", "linear"])
def test_the_fast_epoch_is_a_gradient_step_per_mini_batch(kind, act):
    model, y = _net(kind, act, (4, 3), l2=0.02)
    model.set_params(batch_size=4, shuffle=False, learning_rate=0.05)
    replay = model.with_weights([W.copy() for W in model.coefs_], model.intercepts_)
    model._rng = np.random.default_rng(0)
    model.partial_fit(X, y)
    expected = 0.0
    for start in range(0, 9, 4):
        rows = slice(start, start + 4)
        loss, dW, db = replay.gradients(X[rows], y[rows])
        expected += loss * len(y[rows]) / 9
        for P, G in zip(replay.coefs_ + replay.intercepts_, dW + db, strict=True):
            P -= 0.05 * G
    for a, b in zip(
        model.coefs_ + model.intercepts_, replay.coefs_ + replay.intercepts_, strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-13)
    assert model.loss_curve_ == [pytest.approx(expected, rel=1e-12)] and model.n_iter_ == 1


def _plain_epoch(model, y):
    """One epoch the readable way: ``gradients`` per shuffled mini-batch, a step, the L1 step.

    Returns the epoch's loss: the mean of the batch losses before their steps.
    """
    l1, rate = model.l1, model.learning_rate
    model.set_params(l1=0.0)  # its step is taken apart, stopped at zero
    batch = model.batch_size or len(X)
    order = model._rng.permutation(len(X)) if batch < len(X) else np.arange(len(X))
    total = 0.0
    for start in range(0, len(X), batch):
        rows = order[start : start + batch]
        loss, dW, db = model.gradients(X[rows], y[rows])
        total += (loss + l1 * sum(np.abs(W).sum() for W in model.coefs_)) * len(rows)
        for P, G in zip(model.coefs_ + model.intercepts_, dW + db, strict=True):
            P -= rate * G
        for W in model.coefs_:
            W[...] = np.sign(W) * np.maximum(np.abs(W) - rate * l1, 0.0)
    model.set_params(l1=l1)
    return total / len(X)


@pytest.mark.parametrize(
    ("kind", "act", "loss", "batch", "l1", "l2"),
    [
        ("sigmoid", "tanh", "cross_entropy", 4, 0.0, 0.02),
        ("sigmoid", ("relu", "relu", "sigmoid"), "cross_entropy", 1, 0.01, 0.0),
        ("softmax", ("tanh", "relu", "relu"), "cross_entropy", 2, 0.0, 0.01),
        ("softmax", ("softplus", "step", "tanh"), "mse", 5, 0.02, 0.01),
        ("sigmoid", "sigmoid", "mse", None, 0.0, 0.0),
        ("regression", "tanh", "mse", 4, 0.02, 0.0),
        ("regression", ("linear", "tanh", "linear"), "mse", 3, 0.0, 0.03),
    ],
)
def test_the_fast_epoch_gives_the_plain_weights_after_several_epochs(
    kind, act, loss, batch, l1, l2
):
    model, y = _net(kind, act, (4, 3, 2), l1=l1, l2=l2)
    if kind != "regression":
        model.set_params(loss=loss)
    model.set_params(batch_size=batch, learning_rate=0.05)
    plain = model.with_weights([W.copy() for W in model.coefs_], model.intercepts_)
    model._rng, plain._rng = np.random.default_rng(1), np.random.default_rng(1)
    losses = []
    for _ in range(6):
        model.partial_fit(X, y)
        losses.append(_plain_epoch(plain, y))
    for a, b in zip(
        model.coefs_ + model.intercepts_, plain.coefs_ + plain.intercepts_, strict=True
    ):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(model.loss_curve_, losses, rtol=1e-10)


def test_a_pickled_network_leaves_its_buffers_behind_and_trains_on_alike():
    import pickle

    model, y = _net("softmax", ("step", "tanh"), (4, 3))  # step: through the registry
    model.set_params(batch_size=4)
    model.partial_fit(X, y)
    copy = pickle.loads(pickle.dumps(model))
    assert hasattr(model, "_epoch_runner") and not hasattr(copy, "_epoch_runner")
    model.partial_fit(X, y)
    copy.partial_fit(X, y)
    for a, b in zip(model.coefs_ + model.intercepts_, copy.coefs_ + copy.intercepts_, strict=True):
        np.testing.assert_array_equal(a, b)


def test_an_l1_step_stops_at_zero():
    """The data step, then the L1 step soft-thresholded: no weight crosses zero."""
    model, y = _net("sigmoid", "tanh", (4,), l1=0.5)
    model.set_params(batch_size=None, learning_rate=0.1)
    plain = model.with_weights([W.copy() for W in model.coefs_], model.intercepts_)
    plain.set_params(l1=0.0)
    _, dW, _ = plain.gradients(X, y)
    expected = [W - 0.1 * G for W, G in zip(plain.coefs_, dW, strict=True)]
    expected = [np.sign(W) * np.maximum(np.abs(W) - 0.1 * 0.5, 0) for W in expected]
    model.partial_fit(X, y)
    for a, b in zip(model.coefs_, expected, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)


def test_a_regressor_is_a_scikit_learn_regressor():
    from sklearn.base import clone, is_regressor

    model = MLPRegressor(hidden_layer_sizes=(5,), learning_rate=0.05, max_epochs=300)
    model.set_params(random_state=0, batch_size=10)
    assert is_regressor(model) and clone(model).get_params() == model.get_params()
    X2 = RNG.uniform(-1, 1, size=(80, 2))
    y2 = X2[:, 0] - 0.5 * X2[:, 1]
    assert model.fit(X2, y2).score(X2, y2) > 0.95
    with pytest.raises(ValueError, match="mean squared error"):
        MLP(output="linear", loss="cross_entropy").fit(X2, y2 > 0)
    with pytest.raises(ValueError, match="l1"):
        MLP(l1=-1.0).fit(X2, y2 > 0)


# --------------------------------------------------------------------------- data


@pytest.mark.parametrize("name", list(data.DATASETS))
def test_every_data_set_is_drawn_in_the_square_and_split(name):
    split = data.generate(name, noise=0.2, train_share=0.7, seed=3, classes=4)
    again = data.generate(name, noise=0.2, train_share=0.7, seed=3, classes=4)
    np.testing.assert_array_equal(split.X_train, again.X_train)
    n = len(split.X_train) + len(split.X_test)
    if name == "own":
        assert n == 0
        return
    assert n == data.N_POINTS and len(split.X_train) == 350
    assert np.abs(np.concatenate([split.X_train, split.X_test])).max() <= 2 * data.EXTENT
    labels = np.concatenate([split.y_train, split.y_test])
    if split.regression:
        assert labels.dtype == np.float64 and np.abs(labels).max() <= 1
    else:
        assert set(np.unique(labels)) == set(range(split.n_classes))
        assert split.n_classes == (4 if data.DATASETS[name].multiclass else 2)
    other = data.generate(name, noise=0.2, train_share=0.7, seed=4, classes=4)
    assert not np.array_equal(other.X_train, split.X_train)


def test_noise_blurs_the_circle_labels_and_clean_data_are_separable():
    clean = data.generate("circle", noise=0.0)
    X, y = clean.X_train, clean.y_train
    inside = np.hypot(X[:, 0], X[:, 1]) < 2.5
    np.testing.assert_array_equal(y, inside.astype(int))  # inside: class 1 (blue)
    noisy = data.generate("circle", noise=0.5)
    r = np.hypot(noisy.X_train[:, 0], noisy.X_train[:, 1])
    assert np.mean(noisy.y_train == (r < 2.5)) < 0.95


def test_features_are_the_formulas():
    P = np.array([[1.0, 2.0], [-0.5, 3.0]])
    F = transform(P, list(FEATURES))
    a, b = P[:, 0], P[:, 1]
    np.testing.assert_allclose(
        F, np.column_stack([a, b, a * a, b * b, a * b, np.sin(a), np.sin(b)])
    )
    assert transform(P, []).shape == (2, 0)


# --------------------------------------------------------------------------- history


def test_history_is_thinned_to_a_bounded_size_spanning_the_run():
    h = history.History(max_snapshots=8, max_curve=50)
    for epoch in range(1001):
        h.record(history.Snapshot(epoch, [np.zeros((2, 2))], [np.zeros(2)], 1 / (epoch + 1), 0.0))
    kept = [s.epoch for s in h.snapshots]
    assert len(kept) <= 8 and kept[0] == 0 and kept[-1] >= 1000 - h.stride
    assert all(b - a == h.stride for a, b in itertools.pairwise(kept))
    assert len(h.epochs) <= 50 and h.epochs[0] == 0
    assert h.epochs_kept()[-1] == 1000 and h.at(None).epoch == 1000
    assert h.at(130).epoch == min(kept, key=lambda e: abs(e - 130))
    epochs, train, _ = h.curve(until=500)
    assert epochs.max() <= 500 and train[0] == 1.0


# --------------------------------------------------------------------------- the session


def test_step_play_reset_and_new_settings():
    s = Session(Settings(layers=(4,), seed=1))
    assert s.ready and s.epoch == 0 and s.history.latest.epoch == 0
    first = [W.copy() for W in s.model.coefs_]
    assert s.step() == 1 and s.epoch == 1
    assert s.run(0.01, most=3) >= 1
    trained = s.epoch
    s.configure(Settings(layers=(4,), seed=1, learning_rate=0.3, regularization="l2", rate=0.01))
    assert s.epoch == trained and s.model.learning_rate == 0.3 and s.model.l2 == 0.01
    s.reset()
    assert s.epoch == 0 and not np.allclose(s.model.coefs_[0], first[0])
    assert s.configure(Settings(layers=(5, 2), seed=1)) and s.epoch == 0
    assert [W.shape for W in s.model.coefs_] == [(2, 5), (5, 2), (2, 1)]


def test_divergence_stops_at_the_last_finite_weights():
    s = Session(Settings(problem="regression", data="reg_gauss", learning_rate=10.0, layers=(8, 8)))
    s.run(5.0, most=200)
    assert s.diverged is not None and s.diverged <= 200
    assert s.epoch == s.diverged - 1 and s.step() == 0
    assert all(np.isfinite(W).all() for W in s.model.coefs_)
    assert np.isfinite(s.history.latest.train_loss)
    with pytest.raises(DivergedError):
        s.model.partial_fit(s._F_train, s.y_train)


def test_no_features_or_no_points_leave_nothing_to_train():
    assert not Session(Settings(features=())).ready
    own = Session(Settings(data="own"))
    assert not own.ready and own.step() == 0
    own.configure(Settings(data="own"), [(1.0, 1.0, 1.0), (-1.0, -1.0, 0.0)])
    assert own.ready and len(own.X_train) == 2 and own.step() == 1
    own.configure(Settings(data="own"), [(1.0, 1.0, 1.0), (-1.0, -1.0, 0.0), (2.0, 0.0, 1.0)])
    assert own.epoch == 1 and len(own.X_train) == 3  # new points: it learns on


def test_the_lessons_say_what_the_notes_say():
    keys = {m.key for m in __import__("nnplay.playground.session").playground.session.lessons(
        Settings(activation="sigmoid", layers=(8,) * 6, learning_rate=10.0, features=())
    )}  # fmt: skip
    assert keys == {
        "playground.no_features",
        "playground.lesson_sigmoid_deep",
        "playground.lesson_lr_high",
    }
    relu = Session(Settings(activation="relu", layers=(8, 8, 8), learning_rate=3.0, seed=2))
    relu.run(1.0, most=30)
    assert relu.dead_neurons() >= 0
    sparse = Session(Settings(regularization="l1", rate=0.3, layers=(8, 8)))
    sparse.run(2.0, most=100)
    zero, total = sparse.zero_weights()
    assert total == 2 * 8 + 8 * 8 + 8 and zero > total // 4  # L1 zeroes weights


def test_clamp_and_controls_repair_a_hand_edited_link():
    settings, messages = controls.settings_from(
        {"layers": "9~0~x~3~3~3~3~3~3", "data": "plane", "problem": "classification",
         "lr": 1e9, "noise": 99, "x1": False, "x2": False, "sin1": True}
    )  # fmt: skip
    assert settings.problem == "regression" and settings.layers == (8, 1, 3, 3, 3, 3)
    assert settings.learning_rate == Settings().learning_rate and settings.noise == 50
    assert settings.features == ("sin1",)
    assert [m.key for m in messages] == ["playground.layers_clamped"]
    assert controls.parse_layers("")[0] == () and controls.layers_text((4, 2)) == "4~2"
    assert controls.parse_hide("lr~nope~lr") == (("lr",), [controls.parse_hide("x")[1][0]])
    assert clamp(Settings(data="nope"))[0].data == Settings().data


# --------------------------------------------------------------------------- points and CSV


def test_points_are_added_checked_and_capped():
    added, said = points.add([], 9.0, -1.0, 1.0, 2)
    assert added == [(6.0, -1.0, 1.0)] and said == []
    assert points.add(added, 0.0, 0.0, 2.0, 2)[1][0].key == "playground.point_refused"
    assert points.add(added, 0.0, 0.0, 0.5, 0)[1] == []  # regression: a value
    full = [(0.0, 0.0, 1.0)] * points.MAX_POINTS
    assert points.add(full, 0, 0, 1, 2)[1][0].key == "playground.points_full"
    assert points.from_selection({"selection": {"points": [{"x": 1.5, "y": -2}]}}) == (1.5, -2.0)
    assert points.from_selection({"selection": {"points": []}}) is None
    assert points.from_selection(None) is None


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("", "playground.csv_empty"),
        ("   \n ", "playground.csv_empty"),
        ("a,b,c\nx,y,z", "playground.csv_no_points"),
        ("1,2\n3", "playground.csv_no_points"),
        ("1,2,7", "playground.csv_no_points"),  # no class 7 in a two-class set
        ("1,nan,1", "playground.csv_no_points"),
        ("1" * (points.MAX_CSV_CHARS + 1), "playground.csv_too_big"),
    ],
)
def test_bad_csv_is_refused_with_a_message(text, key):
    found, messages = points.read_csv(text, 2)
    assert found == [] and [m.key for m in messages] == [key]


def test_csv_round_trip_skips_bad_lines_and_caps_thousands():
    X2 = np.array([[1.25, -2.0], [0.5, 3.0]])
    text = points.write_csv([("train", X2, np.array([1, 0])), ("own", X2[:1], np.array([1]))])
    found, messages = points.read_csv(text, 2)
    assert found == [(1.25, -2.0, 1.0), (0.5, 3.0, 0.0), (1.25, -2.0, 1.0)] and messages == []
    found, messages = points.read_csv("x1,x2,label\n1,1,1\noops\n2,20,0\n", 2)
    assert found == [(1.0, 1.0, 1.0), (2.0, 6.0, 0.0)]
    assert [(m.key, m.values) for m in messages] == [
        ("playground.csv_skipped", {"count": 1, "line": 3})
    ]
    many = "\n".join(f"{i % 5},{i % 3},{i % 2}" for i in range(3000))
    found, messages = points.read_csv(many, 2)
    assert len(found) == points.MAX_POINTS and messages[-1].key == "playground.csv_extra"


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"", "playground.csv_file_empty"),
        (b" \r\n", "playground.csv_file_empty"),
        (b"\xff\xfe\x00bad", "playground.csv_file_not_text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "playground.csv_file_not_text"),
        (b"1,1,1\n" * (points.MAX_UPLOAD_BYTES // 6 + 1), "playground.csv_file_too_big"),
        (b"x1;x2;label\n1;2;1", "playground.csv_no_points"),  # semicolons: not our columns
    ],
)
def test_a_bad_csv_file_is_refused_with_a_message(data, key):
    found, messages = points.read_upload(data, 2)
    assert found == [] and [m.key for m in messages] == [key]
    assert all(i18n.translate(m.key, lang, **m.values) for m in messages for lang in ("en", "ko"))


def test_a_csv_file_is_read_like_pasted_text():
    data = "\ufeffx1,x2,label\r\n1.5,-2,1\r\n0,0,0\r\n".encode()  # Excel's BOM and CRLF
    assert points.read_upload(data, 2) == ([(1.5, -2.0, 1.0), (0.0, 0.0, 0.0)], [])
    many = "".join(f"{i % 5},{i % 3},{i % 2}\n" for i in range(1500)).encode()
    found, messages = points.read_upload(many, 2)
    assert len(found) == points.MAX_POINTS and [m.key for m in messages] == ["playground.csv_extra"]


# --------------------------------------------------------------------------- export and pictures


@pytest.mark.parametrize("name", list(data.DATASETS))
def test_every_network_opens_in_the_builder_as_a_valid_spec(name):
    settings = clamp(Settings(data=name, layers=(3, 2), regularization="l1", rate=0.01))[0]
    spec, notes = export.builder_spec(settings, epochs=12)
    assert specs.errors(specs.validate(spec)) == []
    assert [(layer.units, layer.activation) for layer in spec.dense_layers[:-1]] == [
        (3, "tanh"),
        (2, "tanh"),
    ]
    assert spec.compile.optimizer.name == "sgd" and spec.fit.epochs == 12
    again, problems = specs.from_query(export.builder_query(settings, 12))
    assert again.to_dict() == spec.to_dict() and specs.errors(problems) == []
    assert "playground.builder_regularizer" in {m.key for m in notes}
    code = export.keras_code(settings, 12)
    compile(code, "playground_export.py", "exec")
    assert "kernel_regularizer=reg" in code and "L1(0.01)" in code


def test_pictures_are_the_network_over_the_grid():
    s = Session(Settings(layers=(3,), features=("x1", "x2", "x1sq")))
    s.run(0.05, most=5)
    pics = charts.pictures(s.model, s.settings.features, 2)
    assert pics.surface.shape == (100, 100) and pics.surface.dtype == np.uint8
    p = s.model.predict_proba(transform(charts.grid_points(), s.settings.features))[:, 1]
    np.testing.assert_array_equal(pics.surface.ravel(), charts.to_bytes(2 * p - 1))
    assert [len(c) for c in pics.tiles] == [3, 3, 1]
    assert all(tile.shape == (25, 25) for column in pics.tiles for tile in column)
    svg = charts.network_svg(
        pics, s.model.coefs_, __import__("nnplay.charts.theme").charts.theme.NORMAL,
        input_labels=["a<b", "b", "c"], column_titles=["i", "h", "o"], title="net",
    )  # fmt: skip
    assert svg.startswith("<svg") and svg.endswith("</svg>") and "\n" not in svg
    assert svg.count("<image ") == 1 and "a&lt;b" in svg and svg.count("<text") == 6
    # the picture's pixels are the tiles' bytes, coloured by the diverging palette
    z = charts.tile_picture(pics.tiles, charts.tile_centres(pics.tiles), 3 * (25 + charts.GAP_Y))
    assert (z == charts.GAP).any() and set(np.unique(z)) - {charts.GAP} <= set(range(201))
    colours = charts.palette(charts.DIVERGING)
    assert tuple(colours[0]) == (0xF5, 0x93, 0x22) and tuple(colours[100]) == (255, 255, 255)
    assert tuple(colours[200]) == (0x08, 0x77, 0xBD)
    multi = Session(Settings(data="blobs", classes=4, layers=(4,)))
    pics = charts.pictures(multi.model, multi.settings.features, 4, discretize=True)
    best = multi.model.predict(transform(charts.grid_points(), multi.settings.features))
    np.testing.assert_array_equal(pics.surface.ravel() // 40, best)


def test_play_draws_the_same_surface_and_loss_as_svg():
    import re

    from nnplay.charts.theme import NORMAL
    from nnplay.playground.data import EXTENT

    s = Session(Settings(layers=(3,)))
    s.run(0.05, most=5)
    pics = charts.pictures(s.model, s.settings.features, 2)
    X = np.array([[0.0, 0.0], [EXTENT, EXTENT], [-EXTENT, 0.0]])
    y = np.array([0, 1, 1])
    own = (np.array([[1.0, -1.0]]), np.array([0]))
    svg = charts.surface_svg(pics, NORMAL, train=(X, y), test=(X[:1], y[:1]), own=own)
    assert svg.startswith("<svg") and svg.endswith("</svg>") and "\n" not in svg
    circles = re.findall(r'<circle cx="([-\d.]+)" cy="([-\d.]+)" r="[\d.]+" fill="(#\w+)"', svg)
    assert len(circles) == len(X) + 1 + 1  # training, test and own points
    placed = [(float(cx), float(cy)) for cx, cy, _ in circles[:3]]
    assert placed == [(50.0, 50.0), (100.0, 0.0), (0.0, 50.0)]  # x₂ grows upwards
    assert [fill for *_, fill in circles[:3]] == [charts.ORANGE, charts.BLUE, charts.BLUE]
    figure = charts.surface_figure(pics, NORMAL, train=(X, y), test=None)
    assert f'href="{figure.layout.images[0].source}"' in svg  # the very same picture
    regression = charts.surface_svg(
        charts.pictures(Session(Settings(data="plane")).model, ("x1", "x2"), 0),
        NORMAL, train=(X, np.array([-1.0, 0.0, 1.0])), test=None,
    )  # fmt: skip
    fills = re.findall(r'<circle [^>]*fill="(#\w+)"', regression)
    assert fills == [charts.ORANGE, "#ffffff", charts.BLUE]

    epochs, train, test = np.array([0, 1, 2, 3]), np.array([0.8, 0.4, 0.2, 0.1]), np.array([])
    loss = charts.loss_svg(
        epochs, train, test, NORMAL, train_label="train", test_label="test",
        epoch_label="epoch", loss_label="loss",
    )  # fmt: skip
    (points,) = re.findall(r'<polyline points="([^"]+)"', loss)  # no test loss: one line
    xy = np.array([[float(v) for v in p.split(",")] for p in points.split()])
    assert len(xy) == 4 and (np.diff(xy[:, 0]) > 0).all() and (np.diff(xy[:, 1]) > 0).all()


def test_the_loss_svg_thins_a_long_history_and_keeps_its_last_epoch():
    import re

    from nnplay.charts.theme import NORMAL

    epochs = np.arange(2000)
    train = 1 / (1 + epochs)
    svg = charts.loss_svg(
        epochs, train, train * 2, NORMAL, train_label="a", test_label="b",
        epoch_label="e", loss_label="l", width_px=900,
    )  # fmt: skip
    lines = re.findall(r'<polyline points="([^"]+)"', svg)
    assert len(lines) == 2
    for line in lines:
        xy = [tuple(map(float, p.split(","))) for p in line.split()]
        assert len(xy) <= charts.LOSS_SVG_POINTS + 1
        assert xy[-1][0] == max(x for x, _ in xy)  # the last epoch is drawn
