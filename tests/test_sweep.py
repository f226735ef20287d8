"""The sweep: every widget of every page, at its bounds, between, every option, in random orders.

Each test opens one page through ``app.py`` in one language and display mode,
finds the widgets in the AppTest tree (``sweep.widgets``: sliders, number
inputs, select boxes, radios, toggles, buttons... main area and sidebar), and
makes a list of values to try on each from the widget itself (``sweep.candidates``:
minimum, maximum and ``NNPLAY_SWEEP_RANDOM`` random values between, or every
value of a small integer range; every option; both states; a click; hostile
texts). It then picks, in a random order (``NNPLAY_SWEEP_SEED``), one untried
value of a widget on the page, sets it, runs the page and checks it
(``sweep.check_page``): no exception, no "unexpected error" box, no raw catalog
key, the title in the session's language, nothing injected rendered, an answer
within ``NNPLAY_SWEEP_RUN_LIMIT`` seconds. Widgets come and go with the
settings: the page is searched again after every run, and new widgets get
their own values. Widgets are named by key with numbers as ``#``
(``keras_builder_#_units_#``): each value is tried on one of the layers.

The tests of a page (four: en/ko, plain/presenter) deal each widget's values
between them (``sweep.deal``; a widget with one or two values, a button or a
toggle, gets them in every test), so that at the default settings every value
is tried once per page, in some language and mode. ``NNPLAY_SWEEP_RUNS=4``
tries every value in every language and mode: run ``r`` of test ``i`` takes
hand ``(i + r) % 4``, on a fresh session in a new order (the training page:
one test per data set, five hands). A pass ends when no widget on the page
has a value left (or after ``NNPLAY_SWEEP_STEPS`` actions); values of a
widget that got disabled (Train, after a loss of another task) are tried on a
fresh session, up to ``REOPENS`` times.

A widget in a form (the XOR page) is set and its form submitted (Train). On
the training page, Train and Continue train one epoch (the epochs input is set
to 1 first), and the sweep waits for the training, sometimes pressing Stop.

The sidebar's language radio and presenter toggle are swept too: switching
the language in the middle is a test of its own (the title must follow).
``test_out_of_range_values_are_refused_without_a_crash`` sends every number
input and slider values no browser sends (past the bounds, NaN, infinities).

Settings (environment): ``NNPLAY_SWEEP_SEED`` (0), ``NNPLAY_SWEEP_RUNS`` (1),
``NNPLAY_SWEEP_STEPS`` (0: no cap), ``NNPLAY_SWEEP_RANDOM`` (3),
``NNPLAY_SWEEP_RUN_LIMIT`` (60 s a run), ``NNPLAY_SWEEP_TRAIN_LIMIT`` (120 s),
``NNPLAY_SWEEP_VERBOSE=1`` (print each action and its time; with ``-s``).
A failure says the page, language, mode, seed and every action so far, as
AppTest code. The counts (settings tried, page runs, seconds) are printed in
pytest's terminal summary and recorded as properties (``--junitxml``).

Numeric trouble that only warns (a float32 overflow in a chart) is not a
failure here; ``-W error::RuntimeWarning`` makes it one (the page then shows
its "unexpected error" box, and the sweep says how it got there).

About 2 minutes at the defaults on two cores. Once TensorFlow is imported the
test process freezes the garbage collector's current objects
(``sweep.freeze_after_tensorflow``): without that every page run takes ~0.5 s
longer (the app has the same cost in a live server).
"""

from __future__ import annotations

import math
import random
import time

import pytest
import sweep

from nnplay import sitemap
from nnplay.keras_lab import spec as specs

COMBOS = [("en", False), ("ko", False), ("en", True), ("ko", True)]
TRAINING = "keras_training"
RUN_KEY = "keras_training_run"
BIG_DATASETS = {"fashion_mnist", "california_housing"}  # 1 epoch at batch 1 takes a while
STATS = sweep.Stats()
REOPENS = 2  # fresh sessions per pass, for values of widgets that got disabled
LIVE_RUNS = 2  # runs of the training page while a training runs (its live view)


def _mode(present: bool) -> str:
    return "present" if present else "plain"


def matrix():
    """Every page in both languages, plain and in presenter mode.

    The training page trains on the data set of the session's model: one test
    per data set, the languages and modes in turn, so that every data set (and
    its result views) is swept at the default settings.
    """
    params = []
    for info in sitemap.PAGES:
        if info.slug == TRAINING:
            names = list(specs.DATASETS)
            for i, name in enumerate(names):
                lang, present = COMBOS[i % len(COMBOS)]
                ident = f"{info.slug}[{name}]-{lang}-{_mode(present)}"
                params.append(pytest.param(info, lang, present, name, i, len(names), id=ident))
        else:
            for i, (lang, present) in enumerate(COMBOS):
                ident = f"{info.slug}-{lang}-{_mode(present)}"
                params.append(pytest.param(info, lang, present, None, i, len(COMBOS), id=ident))
    return params


class _Summary:
    """A plugin that prints the sweep's counts in pytest's terminal summary."""

    def pytest_terminal_summary(self, terminalreporter):
        if not STATS.per_test:
            return
        terminalreporter.write_sep("-", "sweep summary")
        terminalreporter.write_line(
            f"seed {sweep.SEED}, runs {sweep.RUNS}, steps {sweep.STEPS or 'all'}, "
            f"random values {sweep.RANDOM_VALUES}: {STATS.settings} widget settings, "
            f"{STATS.runs} page runs, {STATS.untried} values left untried, {STATS.seconds:.0f} s"
        )
        for name, (settings, runs, seconds) in STATS.per_test.items():
            terminalreporter.write_line(
                f"  {name}: {settings} settings, {runs} runs, {seconds:.1f} s"
            )


@pytest.fixture(scope="module", autouse=True)
def summary(request):
    """Print how many settings were tried, in how many runs and seconds, at the end.

    Also: Streamlit's exception elements say the real error (for the messages).
    """
    plugins = request.config.pluginmanager
    if not plugins.has_plugin("nnplay-sweep-summary"):
        plugins.register(_Summary(), "nnplay-sweep-summary")
    with sweep.error_details():
        yield
    sweep.thaw()


class Sweep:
    """One pass over one page in one language and mode."""

    def __init__(self, info, lang, present, dataset, run: int, share: int, shares: int):
        self.info, self.lang, self.present = info, lang, present
        self.dataset, self.run = dataset, run
        self.share, self.shares = share, shares
        self.state = sweep.model_state(dataset)
        where = f"[{dataset}]" if dataset else ""
        self.recorder = sweep.Recorder(
            header=(
                f"sweep: page={info.path}{where} lang={lang} presenter={present} "
                f"seed={sweep.SEED} run={run} share={share}/{shares} "
                f"(NNPLAY_SWEEP_SEED={sweep.SEED}, NNPLAY_SWEEP_RANDOM={sweep.RANDOM_VALUES})"
            ),
            opening=sweep.open_code(info.path, lang=lang, present=present, state=self.state),
        )
        # Values depend on the page and widget only (the same values in every
        # language and mode, so caches help); the order on everything.
        self.order = random.Random(f"{sweep.SEED}:{info.slug}:{dataset}:{lang}:{present}:{run}")
        self.at = None
        self.runs = 0

    def values_rng(self, ident: str) -> random.Random:
        return random.Random(f"{sweep.SEED}:{self.info.slug}:{ident}")

    # ------------------------------------------------------------------ running

    def page_run(self) -> None:
        sweep.SERVER_LOG.records.clear()
        with sweep.deadline(sweep.RUN_LIMIT_S) as fired:
            started = time.monotonic()
            self.at.run()
        sweep.freeze_after_tensorflow()
        self.runs += 1
        if fired:
            raise AssertionError(
                f"the page did not answer within {sweep.RUN_LIMIT_S:.0f} s "
                f"(stopped after {time.monotonic() - started:.0f} s); at the limit it was at:\n"
                + sweep._indent(fired[0])
            )
        sweep.check_page(self.at, self.info.title_key)

    def settle(self) -> None:
        """On the training page: wait for a training to end (sometimes pressing Stop)."""
        if self.info.slug != TRAINING or RUN_KEY not in self.at.session_state:
            return
        run = self.at.session_state[RUN_KEY]
        if not run.active:
            return
        polls = 0
        stop = self.at.button(key="keras_training_stop")
        if not stop.disabled and self.order.random() < 0.3:
            stop.click()
            self.recorder.add('at.button(key="keras_training_stop").click(); at.run()')
            self.recorder.settings += 1
            self.page_run()
        while run.active and polls < LIVE_RUNS:  # the live view, during the training
            time.sleep(0.3)
            self.page_run()
            polls += 1
        if not run.wait(sweep.TRAIN_LIMIT_S):
            raise AssertionError(
                f"a 1-epoch training did not finish in {sweep.TRAIN_LIMIT_S:.0f} s: "
                f"{run.progress()}"
            )
        self.page_run()
        self.recorder.add(
            f"# training: at.run() {polls} times while it ran, then run.wait(); at.run()"
        )

    def before_training(self, widget) -> list[str]:
        """Train and Continue train one epoch (with a batch of 32 at least on the big sets)."""
        key = widget.key or ""
        if self.info.slug != TRAINING or not key.endswith(("_train", "_continue")):
            return []
        lines = []
        for number in self.at.number_input:
            wanted = None
            if number.key.endswith("_epochs"):
                wanted = 1
            elif number.key.endswith("_batch_size") and self.dataset in BIG_DATASETS:
                wanted = max(int(number.value), 32)
            if wanted is not None and number.value != wanted:
                number.set_value(wanted)
                lines.append(f"at.number_input(key={number.key!r}).set_value({wanted})")
        return lines

    # ------------------------------------------------------------------ the pass

    def go(self) -> int:
        """Sweep; returns the number of values left untried (widgets never shown or enabled)."""
        try:
            self.open()
            return self.loop()
        except Exception as error:  # AssertionError too: add the reproduction
            detail = "" if isinstance(error, AssertionError) else "\n" + _harness_tail()
            raise AssertionError(self.recorder.message(error, self.at) + detail) from None

    def open(self) -> None:
        self.at = sweep.open_app(
            self.info.path, lang=self.lang, present=self.present, state=self.state
        )
        self.runs += 2
        sweep.check_page(self.at, self.info.title_key)

    def loop(self) -> int:
        """Try the values in a random order until none is left on the page.

        A widget disabled by earlier settings (Train, after a loss of another
        task) may still have values to try: then the sweep starts again from a
        fresh session (at most ``REOPENS`` times) and tries those first.
        """
        pending: dict[str, list[sweep.Candidate]] = {}
        enabled: set[str] = set()  # widgets seen enabled at least once
        first: set[str] = set()  # after a fresh start: the widgets that were waiting
        steps = reopens = 0
        while True:
            found = sweep.widgets(self.at)
            unknown = sweep.unswept(self.at)
            assert not unknown, f"the sweep cannot set widgets of type {sorted(unknown)}: extend it"
            for widget in found:
                ident = sweep.identity(widget)
                if ident not in pending:
                    rng = self.values_rng(ident)
                    found_here = sweep.candidates(widget, rng)
                    pending[ident] = sweep.deal(found_here, rng, self.share, self.shares)
                if not widget.disabled:
                    enabled.add(ident)
            ready = [w for w in found if not w.disabled and pending[sweep.identity(w)]]
            if sweep.STEPS and steps >= sweep.STEPS:
                break
            if not ready:
                waiting = {i for i, todo in pending.items() if todo and i in enabled}
                if not waiting or reopens >= REOPENS:
                    break
                reopens += 1
                self.recorder.restart(f"# fresh session {reopens}: {sorted(waiting)} were waiting")
                self.open()
                first = waiting
                continue
            preferred = [w for w in ready if sweep.identity(w) in first]
            ready = preferred or ready
            ident = self.order.choice(sorted({sweep.identity(w) for w in ready}))
            widget = self.order.choice([w for w in ready if sweep.identity(w) == ident])
            todo = pending[ident]
            candidate = todo.pop(self.order.randrange(len(todo)))
            if not todo:
                first.discard(ident)
            self.act(widget, candidate)
            steps += 1
        return sum(len(todo) for todo in pending.values())

    def act(self, widget, candidate: sweep.Candidate) -> None:
        lines = self.before_training(widget)
        code = sweep.apply(widget, candidate, self.at)
        if not code:  # gone, or already so: nothing to run
            return
        lines.append(code)
        if sweep.in_form(widget) and widget.type != "button":
            submit = sweep.submit_button(self.at, widget)
            if submit is not None:
                submit.click()
                lines.append(f"{sweep.locator(submit, self.at)}.click()")
        self.recorder.add("; ".join([*lines, "at.run()"]))
        self.recorder.settings += 1
        started = time.monotonic()
        line = self.recorder.lines[-1]
        self.page_run()
        self.settle()
        if sweep.VERBOSE:
            print(f"{time.monotonic() - started:6.2f}s  {line}")


def _harness_tail() -> str:
    import traceback

    return "harness traceback:\n" + "\n".join(traceback.format_exc().splitlines()[-12:])


@pytest.mark.parametrize(("info", "lang", "present", "dataset", "index", "shares"), matrix())
def test_every_widget_setting_keeps_the_page_clean(
    info, lang, present, dataset, index, shares, shared_data_env, record_property, request
):
    started = time.monotonic()
    settings = runs = untried = 0
    try:
        for run in range(sweep.RUNS):
            one = Sweep(info, lang, present, dataset, run, (index + run) % shares, shares)
            try:
                untried += one.go()
            finally:
                settings += one.recorder.settings
                runs += one.runs
    finally:
        seconds = time.monotonic() - started
        STATS.settings += settings
        STATS.runs += runs
        STATS.untried += untried
        STATS.seconds += seconds
        STATS.per_test[request.node.callspec.id] = (settings, runs, seconds)
        record_property("widget_settings", settings)
        record_property("page_runs", runs)
        record_property("seconds", round(seconds, 1))


# --------------------------------------------------------------------------- out of range


def bad_values(widget) -> list[tuple[str, float]]:
    """What a modified client could send: past the bounds, NaN, infinities."""
    lo, hi = sweep.bounds(widget)
    step = float(getattr(widget, "step", None) or getattr(widget.proto, "step", 0) or 1)
    found = []
    if hi < sweep.JS_MAX_VALUE:
        found.append(("above max", hi + step))
    if lo > -sweep.JS_MAX_VALUE:
        found.append(("below min", lo - step))
    found += [("NaN", math.nan), ("inf", math.inf)]
    return found


OUT_OF_RANGE_PAGES = [
    pytest.param(info, "moons" if info.slug == TRAINING else None, id=info.slug)
    for info in sitemap.PAGES
]


@pytest.mark.parametrize(("info", "dataset"), OUT_OF_RANGE_PAGES)
def test_out_of_range_values_are_refused_without_a_crash(info, dataset, shared_data_env):
    """Number inputs and sliders sent values no browser sends; the page must stay clean.

    One widget of each kind (``sweep.identity``): past its maximum, below its
    minimum (where the widget has bounds), NaN and infinity.

    Streamlit (1.67) resets a number or slider outside its bounds to the
    widget's default on the server; the page must not crash either way, and
    the value it goes on with must be within the bounds.
    """
    state = sweep.model_state(dataset)
    failures = []
    at = sweep.open_app(info.path, state=state)
    targets, seen = [], set()
    for w in sweep.widgets(at):  # one of each kind (the first layer's units)
        if w.type in ("number_input", "slider") and w.key and not w.disabled:
            if sweep.identity(w) not in seen:
                seen.add(sweep.identity(w))
                targets.append((w.type, w.key, w.value))

    def send(kind, key, value) -> str:
        """Set ``key`` to ``value`` (submitting its form), run; returns the code."""
        widget = getattr(at, kind)(key=key)
        widget.set_value(value)
        code = f"at.{kind}(key={key!r}).set_value({value!r})"
        if sweep.in_form(widget):
            submit = sweep.submit_button(at, widget)
            submit.click()
            code += f"; {sweep.locator(submit, at)}.click()"
        with sweep.deadline(sweep.RUN_LIMIT_S):
            at.run()
        return code + "; at.run()"

    for kind, key, good in targets:
        lo, hi = sweep.bounds(getattr(at, kind)(key=key))
        for name, value in bad_values(getattr(at, kind)(key=key)):
            code = f"at.{kind}(key={key!r}).set_value({value!r})"
            try:
                started = time.monotonic()
                code = send(kind, key, value)
                if sweep.VERBOSE:
                    print(f"{time.monotonic() - started:6.2f}s  {code}")
                sweep.check_page(at, info.title_key)
                kept = getattr(at, kind)(key=key).value
                assert isinstance(kept, int | float) and math.isfinite(kept), f"value now {kept!r}"
                assert lo <= kept <= hi, f"value now {kept!r}, outside [{lo}, {hi}]"
            except Exception as error:
                first = (str(error).splitlines() or [""])[0][:300]
                failures.append(
                    f"{name}: {code}\n    -> {type(error).__name__}: {first}\n"
                    + sweep._indent(sweep.traceback_tail(at, 4))
                )
                try:  # back to the good value; else a fresh session
                    send(kind, key, good)
                    sweep.check_page(at, info.title_key)
                except Exception:
                    at = sweep.open_app(info.path, state=state, direct=True)
    opening = sweep.open_code(info.path, lang="en", present=False, state=state)
    assert not failures, f"page {info.path}, lang en, plain, opened with:\n{opening}\n" + "\n".join(
        failures
    )
