"""One visitor's playground: settings, data, network, and the Play / Step / Reset semantics.

A :class:`Session` is plain data and numpy (no streamlit): the page keeps one
in its session state, so it lives and dies with the visitor's session and
nothing runs when nobody watches. Play is the page calling :meth:`Session.run`
on every tick of a timer; Step is :meth:`Session.step`; Reset is
:meth:`Session.reset`.

Settings that change the problem (data, features, layers, activation) start
a new network; the learning rate, the penalty and the batch size apply to the
running one, as in TensorFlow Playground.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from nnplay.messages import Message, Severity
from nnplay.mlp import MLP, DivergedError, MLPRegressor
from nnplay.playground import data as datasets
from nnplay.playground import points as own
from nnplay.playground.features import DEFAULT_FEATURES, FEATURES, transform
from nnplay.playground.history import History, Snapshot

ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear")
LEARNING_RATES = (0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
REGULARIZATIONS = ("none", "l1", "l2")
RATES = (0.0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0)
MAX_LAYERS = 6
MAX_NEURONS = 8
MAX_BATCH = 30
MAX_SEED = 9999
MAX_EPOCHS = 1_000_000
"""Play stops here (a guard; a class never gets near it)."""


@dataclass(frozen=True)
class Settings:
    """Every control of the page (the URL holds them; see :mod:`nnplay.state`).

    Attributes
    ----------
    problem : str
        ``"classification"`` or ``"regression"``.
    data : str
        A key of :data:`nnplay.playground.data.DATASETS`.
    classes : int
        Classes of a multi-class set.
    noise : int
        Percent, 0 to 50.
    train_share : int
        Percent of the points used for training, 10 to 90.
    batch : int
        Batch size, 1 to 30.
    seed : int
        Seed of the data (and of the first weights).
    features : tuple of str
        Input features, keys of :data:`~nnplay.playground.features.FEATURES`.
    layers : tuple of int
        Neurons per hidden layer (0 to 6 layers of 1 to 8).
    activation : str
    learning_rate : float
    regularization : str
        ``"none"``, ``"l1"`` or ``"l2"``.
    rate : float
        Regularisation rate.
    """

    problem: str = datasets.CLASSIFICATION
    data: str = "circle"
    classes: int = 3
    noise: int = 0
    train_share: int = 50
    batch: int = 10
    seed: int = 0
    features: tuple[str, ...] = DEFAULT_FEATURES
    layers: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    learning_rate: float = 0.03
    regularization: str = "none"
    rate: float = 0.0

    @property
    def l1(self) -> float:
        """The L1 rate in force (0 unless L1 is chosen)."""
        return self.rate if self.regularization == "l1" else 0.0

    @property
    def l2(self) -> float:
        """The L2 rate in force (0 unless L2 is chosen)."""
        return self.rate if self.regularization == "l2" else 0.0

    @property
    def n_classes(self) -> int:
        """Classes of the data set (0 for regression)."""
        return datasets.n_classes(self.data, self.classes)

    def problem_key(self) -> tuple:
        """What makes a new network: everything but the training hyperparameters."""
        return (
            self.data,
            self.n_classes,
            self.noise,
            self.train_share,
            self.seed,
            self.features,
            self.layers,
            self.activation,
        )


def clamp(settings: Settings) -> tuple[Settings, list[Message]]:
    """Settings every network can be built from, and what was changed to get them.

    Out-of-range values (from a hand-edited link or state) are clamped with a
    warning; a data set of the other problem type switches the problem type.
    """
    notes: list[Message] = []
    s = settings
    changes: dict = {}
    if s.data not in datasets.DATASETS:
        changes["data"] = Settings.data
    data = changes.get("data", s.data)
    problem = datasets.DATASETS[data].problem
    if s.problem != problem:
        changes["problem"] = problem
    layers = tuple(int(np.clip(n, 1, MAX_NEURONS)) for n in s.layers[:MAX_LAYERS])
    if layers != s.layers:
        changes["layers"] = layers
        notes.append(
            Message(
                "playground.layers_clamped",
                {"max": MAX_LAYERS, "neurons": MAX_NEURONS},
                Severity.WARNING,
                "layers",
            )
        )
    features = tuple(f for f in dict.fromkeys(s.features) if f in FEATURES)
    if features != s.features:
        changes["features"] = features
    if s.activation not in ACTIVATIONS:
        changes["activation"] = Settings.activation
    if s.regularization not in REGULARIZATIONS:
        changes["regularization"] = "none"
    for name, low, high in (
        ("noise", 0, 50),
        ("train_share", 10, 90),
        ("batch", 1, MAX_BATCH),
        ("seed", 0, MAX_SEED),
        ("classes", datasets.MIN_CLASSES, datasets.MAX_CLASSES),
    ):
        value = getattr(s, name)
        if not low <= value <= high:
            changes[name] = int(np.clip(value, low, high))
    lr = s.learning_rate
    if not (np.isfinite(lr) and LEARNING_RATES[0] <= lr <= LEARNING_RATES[-1]):
        changes["learning_rate"] = Settings.learning_rate
    if not (np.isfinite(s.rate) and 0 <= s.rate <= RATES[-1]):
        changes["rate"] = 0.0
    if changes:
        from dataclasses import replace

        s = replace(s, **changes)
    return s, notes


def lessons(settings: Settings) -> list[Message]:
    """What the notes say about these settings, and the settings that cannot train well."""
    said = []
    if not settings.features:
        said.append(Message("playground.no_features"))
    if settings.activation == "linear" and settings.layers:
        said.append(Message("playground.lesson_linear", severity=Severity.INFO))
    if settings.activation == "sigmoid" and len(settings.layers) >= 4:
        said.append(
            Message(
                "playground.lesson_sigmoid_deep",
                {"layers": len(settings.layers)},
                Severity.WARNING,
            )
        )
    if 1 in settings.layers:
        said.append(Message("playground.lesson_bottleneck", severity=Severity.INFO))
    if settings.learning_rate >= 3.0:
        said.append(Message("playground.lesson_lr_high", severity=Severity.WARNING))
    return said


@dataclass
class Session:
    """A network learning one data set, epoch by epoch.

    Parameters
    ----------
    settings : Settings
        Clamped first (:func:`clamp`).
    points : sequence of tuple
        The student's own points ``(x1, x2, label)``, added to the training part.

    Attributes
    ----------
    split : nnplay.playground.data.Split
        The drawn data set (own points not included).
    X_train, y_train, X_test, y_test : ndarray
        What the network trains and is tested on (own points included; raw coordinates).
    model : MLP or MLPRegressor or None
        ``None`` when no feature is selected or there is nothing to learn from.
    history : History
    diverged : int or None
        The epoch in which the loss stopped being finite (play stops there).
    resets : int
        How many times Reset drew new weights.
    """

    settings: Settings
    points: tuple = ()
    split: datasets.Split = field(init=False)
    history: History = field(init=False)
    diverged: int | None = field(init=False, default=None)
    resets: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.settings, _ = clamp(self.settings)
        self.points = tuple(self.points)
        s = self.settings
        self.split = datasets.generate(
            s.data,
            noise=s.noise / 100,
            train_share=s.train_share / 100,
            seed=s.seed,
            classes=s.classes,
        )
        self.X_test, self.y_test = self.split.X_test, self.split.y_test
        self._F_test = transform(self.X_test, s.features)
        self._take_points(self.points)
        self.reset(new_weights=False)

    def _take_points(self, points: tuple) -> None:
        self.points = points
        self.own_X, self.own_y = own.as_arrays(points, self.split.n_classes)
        self.X_train = np.concatenate([self.split.X_train, self.own_X])
        self.y_train = np.concatenate([self.split.y_train, self.own_y])
        self._F_train = transform(self.X_train, self.settings.features)

    # -- set-up ---------------------------------------------------------------------

    @property
    def n_classes(self) -> int:
        """Classes of the data set (0 for regression)."""
        return self.split.n_classes

    @property
    def regression(self) -> bool:
        """Whether the data set is a regression one."""
        return self.split.regression

    @property
    def ready(self) -> bool:
        """Whether there is a network and something to train it on."""
        return self.model is not None

    def _classes(self) -> np.ndarray:
        return np.arange(self.n_classes)

    def _network(self, seed: int) -> MLP:
        s = self.settings
        common = dict(
            hidden_layer_sizes=s.layers,
            activation=s.activation,
            learning_rate=s.learning_rate,
            batch_size=s.batch,
            shuffle=True,
            random_state=seed,
            l1=s.l1,
            l2=s.l2,
        )
        if self.regression:
            return MLPRegressor(**common)
        output = "sigmoid" if self.n_classes == 2 else "softmax"
        return MLP(output=output, loss="cross_entropy", **common)

    def reset(self, *, new_weights: bool = True) -> None:
        """Start again from epoch 0: new random weights (Reset), same data.

        Parameters
        ----------
        new_weights : bool
            Draw other weights than last time (the first network's seed is the data's).
        """
        if new_weights:
            self.resets += 1
        self.diverged = None
        self.history = History()
        self.model = None
        if not self.settings.features or len(self.X_train) == 0:
            return
        seed = zlib.crc32(f"{self.settings.seed}:{self.resets}".encode()) % (2**31)
        self.model = self._network(seed)
        self.model.initialize(self._F_train.shape[1], self._classes())
        self._record()

    def configure(self, settings: Settings, points: Sequence = ()) -> bool:
        """Take new settings: a new network if the problem changed, else new hyperparameters.

        Returns
        -------
        bool
            Whether training starts again (a new network or new data).
        """
        settings, _ = clamp(settings)
        points = tuple(points)
        if settings.problem_key() == self.settings.problem_key() and points != self.points:
            # the student's points changed: the network learns on with them
            self._take_points(points)
            if self.model is None or len(self.X_train) == 0:
                self.reset(new_weights=False)
            points = self.points
        if settings.problem_key() != self.settings.problem_key():
            resets = self.resets
            self.__init__(settings, points)  # type: ignore[misc]
            self.resets = resets
            if resets:
                self.reset(new_weights=False)
            return True
        self.settings = settings
        if self.model is not None:
            self.model.set_params(
                learning_rate=settings.learning_rate,
                batch_size=settings.batch,
                l1=settings.l1,
                l2=settings.l2,
            )
        return False

    # -- training -----------------------------------------------------------------

    @property
    def epoch(self) -> int:
        """Epochs trained since the last Reset."""
        return self.model.n_iter_ if self.model is not None else 0

    def _losses(self) -> tuple[float, float]:
        model = self.model
        train = model.loss_value(self._F_train, self.y_train, penalty=False)
        if len(self.y_test):
            test = model.loss_value(self._F_test, self.y_test, penalty=False)
        else:
            test = float("nan")
        return train, test

    def _record(self) -> None:
        train, test = self._losses()
        model = self.model
        self.history.record(
            Snapshot(
                model.n_iter_,
                [W.copy() for W in model.coefs_],
                [b.copy() for b in model.intercepts_],
                train,
                test,
            )
        )

    def step(self, epochs: int = 1) -> int:
        """Train ``epochs`` more epochs (Step is one); returns how many ran.

        Stops early when the loss stops being finite: :attr:`diverged` then says
        the epoch, and the network goes back to its last finite weights.
        """
        ran = 0
        if self.model is None or self.diverged is not None:
            return 0
        for _ in range(epochs):
            if self.epoch >= MAX_EPOCHS:
                break
            before = self.history.latest
            try:
                self.model.partial_fit(self._F_train, self.y_train)
                finite = all(np.isfinite(W).all() for W in self.model.coefs_)
                if not finite:
                    raise DivergedError(self.model.n_iter_)
            except DivergedError as error:
                self.diverged = error.epoch
                self.model.coefs_ = [W.copy() for W in before.coefs]
                self.model.intercepts_ = [b.copy() for b in before.intercepts]
                self.model.n_iter_ = before.epoch
                del self.model.loss_curve_[before.epoch :]
                break
            with np.errstate(over="ignore", invalid="ignore"):
                self._record()
            ran += 1
        return ran

    def run(self, seconds: float, most: int = 500) -> int:
        """Play for about ``seconds``: at least one epoch, at most ``most``; returns the count."""
        deadline = time.perf_counter() + seconds
        ran = 0
        while ran < most:
            done = self.step(1)
            ran += done
            if not done or time.perf_counter() >= deadline:
                break
        return ran

    # -- what the page shows --------------------------------------------------------

    def network_at(self, epoch: int | None = None):
        """The network with the weights it had at ``epoch`` (nearest kept; latest for ``None``)."""
        snap = self.history.at(epoch)
        if self.model is None or snap is None:
            return None, None
        return self.model.with_weights(snap.coefs, snap.intercepts), snap

    def dead_neurons(self, epoch: int | None = None) -> int:
        """ReLU neurons that output 0 for every training point (they no longer learn)."""
        if self.settings.activation != "relu":
            return 0
        model, _ = self.network_at(epoch)
        if model is None or not len(self._F_train):
            return 0
        outs = model.forward(self._F_train)[1][1:-1]
        return int(sum(int((a.max(axis=0) <= 0).sum()) for a in outs))

    def zero_weights(self, epoch: int | None = None, tolerance: float = 1e-3) -> tuple[int, int]:
        """``(weights below tolerance in size, all weights)``: what L1 does."""
        model, _ = self.network_at(epoch)
        if model is None:
            return 0, 0
        sizes = np.concatenate([np.abs(W).ravel() for W in model.coefs_])
        return int((sizes < tolerance).sum()), int(sizes.size)

    def accuracy(self, epoch: int | None = None) -> tuple[float, float] | None:
        """Training and test accuracy (classification only)."""
        model, _ = self.network_at(epoch)
        if model is None or self.regression:
            return None
        train = float(np.mean(model.predict(self._F_train) == self.y_train))
        test = (
            float(np.mean(model.predict(self._F_test) == self.y_test))
            if len(self.y_test)
            else float("nan")
        )
        return train, test
