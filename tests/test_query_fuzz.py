"""Hostile query strings: every page, opened straight from a link, must stay clean and quick.

Each case opens a page as a link would (``/slug?...``: the first run is the
page itself, through ``app.py``) and checks (``sweep.check_page``): the page's
title in the session's language, no exception, no "unexpected error" box, no
raw catalog key, and nothing injected rendered: no markdown link or image
(``](https://evil.example``, ``![``), no ``$\\rule`` in a markdown or LaTeX
element, no ``<script``/``<img``/``onerror=`` where HTML is allowed. Escaped
text (``\\[click\\]``) or a code span is fine. The page must answer within
``NNPLAY_FUZZ_LIMIT`` seconds (20): past it the run is stopped and the case fails.

The hand-written cases: the app's keys (``lang``, ``present``) and unknown
keys on every page; every key the page itself writes into its URL (found by
opening the page: ``x``, ``eta``... on the perceptron page) set to one hostile
value at once (``all-keys-*``); the Keras spec's keys
(``nnplay.keras_lab.spec.QUERY_KEYS``) with broken, huge or injected values
on the two Keras pages. On top of them, ``NNPLAY_FUZZ_CASES`` (8) generated
combinations per page (1-4 keys of the page, the app or unknown, hostile or
valid values), seeded by ``NNPLAY_SWEEP_SEED``.
"""

from __future__ import annotations

import random
import time

import pytest
import sweep

from nnplay import sitemap
from nnplay.keras_lab import spec as specs

LINK = "[click](https://evil.example/phish)"
IMAGE = "![t](http://host/track.png)"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
RULE = "$\\rule{5000px}{5000px}$"
BIG = "A" * 100_000  # 100 kB

# The app's own keys and unknown keys: every page.
APP_CASES: dict[str, dict] = {
    "unknown-key": {"foo": "bar", "__proto__": "x"},
    "many-unknown-keys": {f"k{i}": str(i) for i in range(200)},
    "unknown-huge": {"x": BIG},
    "unknown-injected": {"q": LINK, "i": IMAGE, "s": SCRIPT, "h": IMG, "m": RULE},
    "lang-unknown": {"lang": "xx"},
    "lang-empty": {"lang": ""},
    "lang-upper": {"lang": "KO"},
    "lang-repeated": {"lang": ["ko", "en"]},
    "lang-huge": {"lang": BIG},
    "lang-injected": {"lang": LINK + SCRIPT + RULE},
    "present-banana": {"present": "banana"},
    "present-numbers": {"present": "1e308"},
    "present-nan": {"present": "nan"},
    "present-negative": {"present": "-1"},
    "present-repeated": {"present": ["1", "0"]},
    "present-huge": {"present": "1" * 100_000},
    "keras-keys-injected": {"data": LINK, "layers": IMAGE, "loss": SCRIPT, "opt": RULE},
}

# The Keras model spec's keys: the builder reads them (a shared model link).
KERAS_CASES: dict[str, dict] = {
    "data-unknown": {"data": "mnist"},
    "data-link": {"data": LINK},
    "data-image": {"data": IMAGE},
    "data-html": {"data": SCRIPT + IMG},
    "data-latex": {"data": RULE},
    "data-huge": {"data": BIG},
    "data-empty": {"data": ""},
    "data-repeated": {"data": ["iris", "moons"]},
    "layers-words": {"layers": "dense.lots.relu"},
    "layers-negative": {"layers": "dense.-1.relu~dense.3.softmax"},
    "layers-zero": {"layers": "dense.0.relu~dense.3.softmax"},
    "layers-1e308": {"layers": "dense.1e308.relu~dense.3.softmax"},
    "layers-bigint": {"layers": "dense.99999999999999999999.relu~dense.3.softmax"},
    "layers-superscript": {"layers": "dense.².relu~dense.3.softmax"},
    "layers-empty": {"layers": ""},
    "layers-separators": {"layers": "~~~...~"},
    "layers-too-many-fields": {"layers": "dense.4.relu.a.b.c.d~dense.3.softmax"},
    "layers-link-activation": {"layers": f"dense.4.{LINK}~dense.3.softmax"},
    "layers-link-name": {"layers": "dense.4.relu.[x](https://evil.example/phish)~dense.3.softmax"},
    "layers-html-name": {"layers": f"dense.4.relu.{IMG}~dense.3.softmax"},
    "layers-latex-initializer": {"layers": f"dense.4.relu.n.{RULE}~dense.3.softmax"},
    "layers-2000-flatten": {"layers": "flatten~" * 2000 + "dense.3.softmax"},
    "layers-2000-dense": {"layers": "dense.2.relu~" * 2000 + "dense.3.softmax"},
    "layers-wide": {"layers": "dense.2048.relu~" * 10 + "dense.3.softmax"},
    "layers-huge": {"layers": BIG},
    "loss-link": {"loss": LINK},
    "loss-unknown": {"loss": "nonsense"},
    "opt-html": {"opt": SCRIPT},
    "lr-1e308": {"lr": "1e308"},
    "lr-nan": {"lr": "nan"},
    "lr-inf": {"lr": "inf"},
    "lr-negative": {"lr": "-1"},
    "lr-denormal": {"lr": "1e-320"},
    "lr-link": {"lr": LINK},
    "momentum-2": {"momentum": "2", "opt": "sgd"},
    "momentum-nan": {"momentum": "nan", "opt": "sgd"},
    "metrics-injected": {"metrics": f"accuracy~{LINK}~{RULE}"},
    "metrics-many": {"metrics": "accuracy~" * 1000},
    "epochs-negative": {"epochs": "-1"},
    "epochs-huge": {"epochs": "99999999999999999999"},
    "epochs-float": {"epochs": "1.5"},
    "batch-zero": {"batch": "0"},
    "batch-huge": {"batch": "1000000000"},
    "val-nan": {"val": "nan"},
    "val-one": {"val": "1"},
    "val-word": {"val": "abc"},
    "cw-superscript": {"cw": "²:1"},
    "cw-extreme": {"cw": "0:1000~1:1"},
    "cw-nan": {"cw": "0:nan"},
    "cw-negative": {"cw": "0:-1"},
    "cw-unknown-class": {"cw": "a:1~99:2"},
    "cw-link": {"cw": f"{LINK}:1"},
    "cw-colon": {"cw": ":"},
    "cw-many": {"cw": "0:1~" * 5000},
    "fashion-2000-flatten": {"data": "fashion_mnist", "layers": "flatten~" * 2000},
    "moons-cw-extreme": {"data": "moons", "cw": "0:1000~1:1", "lr": "1e308"},
}

KERAS_PAGES = {"keras_builder", "keras_training"}
HOSTILE = [
    "",
    "-1",
    "0",
    "1e308",
    "-1e308",
    "nan",
    "inf",
    "-inf",
    "1e-320",
    "99999999999999999999",
    "²",
    "١٢",
    "0x10",
    "true",
    "\x00",
    "\u202e",
    "~",
    ":",
    ".",
    "a" * 1000,
    "flatten~" * 50,
    "dense.8.relu~" * 20,
    LINK,
    IMAGE,
    SCRIPT,
    IMG,
    RULE,
]
VALID = {
    "lang": ["en", "ko"],
    "present": ["1", "0"],
    "data": list(specs.DATASETS),
    "layers": ["dense.8.relu~dense.3.softmax", "flatten~dense.10.softmax", "dense.1.sigmoid"],
    "loss": ["sparse_categorical_crossentropy", "binary_crossentropy", "mean_squared_error"],
    "opt": ["sgd", "adam", "rmsprop"],
    "lr": ["0.01", "10"],
    "momentum": ["0.9", "0"],
    "metrics": ["accuracy", "mean_absolute_error"],
    "epochs": ["1", "200"],
    "batch": ["1", "4096"],
    "val": ["held_out", "0.2"],
    "cw": ["balanced", "0:1~1:2", "none"],
}
UNKNOWN_KEYS = ["foo", "__proto__", "a[b]", "lang ", "LANG", "q"]


# Every key the page writes into its URL (found by opening it) set to one payload
# at once; ``data`` stays a data set so that the Keras pages read the others.
ALL_KEYS_PAYLOADS: dict[str, object] = {
    "nan": "nan",
    "inf": "inf",
    "negative": "-1",
    "1e308": "1e308",
    "bigint": "99999999999999999999",
    "empty": "",
    "superscript": "²",
    "arabic-digits": "١٢",
    "link": LINK,
    "image": IMAGE,
    "html": SCRIPT + IMG,
    "latex": RULE,
    "huge": BIG,
    "repeated": ["1", LINK],
}
ANCHORS = {"data": "iris"}


def all_keys(payload):
    """A case: every key of the page's own URL set to ``payload``."""

    def build(keys: list[str], rng: random.Random) -> dict:
        return {key: ANCHORS.get(key, payload) for key in keys}

    return build


def generated(keys: list[str], rng: random.Random) -> dict:
    """A random query string: 1-4 of the page's keys, the app's or unknown ones."""
    names = ["lang", "present", *keys, *specs.QUERY_KEYS, *UNKNOWN_KEYS]
    names = list(dict.fromkeys(names))
    query: dict = {}
    if "data" in keys and rng.random() < 0.8:
        query["data"] = rng.choice(VALID["data"])
    for key in rng.sample(names, rng.randint(1, 4)):
        if key in VALID and rng.random() < 0.3:
            value = rng.choice(VALID[key])
        else:
            value = rng.choice(HOSTILE)
        if rng.random() < 0.1:
            value = [value, rng.choice(HOSTILE)]
        query[key] = value
    return query


def cases():
    """(page, case): a query dict, or a function of the page's URL keys (known when run)."""
    params = []
    for info in sitemap.PAGES:
        found = list(APP_CASES.items())
        found += [(f"all-keys-{name}", all_keys(p)) for name, p in ALL_KEYS_PAYLOADS.items()]
        if info.slug in KERAS_PAGES:
            found += [(name, {"data": "iris", **query}) for name, query in KERAS_CASES.items()]
        found += [(f"gen{i}", generated) for i in range(sweep.FUZZ_CASES)]
        for name, case in found:
            params.append(pytest.param(info, name, case, id=f"{info.slug}-{name}"))
    return params


_KEYS: dict[str, list[str]] = {}  # page -> the keys it writes into its URL
TIMES: dict[str, float] = {}  # seconds per case, for the summary


class _Summary:
    """A plugin that prints how many cases ran, and the slowest, in pytest's summary."""

    def pytest_terminal_summary(self, terminalreporter):
        if not TIMES:
            return
        slowest = sorted(TIMES.items(), key=lambda item: -item[1])[:5]
        terminalreporter.write_sep("-", "query fuzz summary")
        terminalreporter.write_line(
            f"seed {sweep.SEED}, {sweep.FUZZ_CASES} generated per page, limit "
            f"{sweep.FUZZ_LIMIT_S:.0f} s: {len(TIMES)} cases, {sum(TIMES.values()):.0f} s; "
            "slowest: " + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in slowest)
        )


@pytest.fixture(scope="module", autouse=True)
def _details(request):
    """The summary; Streamlit's exception elements say the real error (for the messages)."""
    plugins = request.config.pluginmanager
    if not plugins.has_plugin("nnplay-fuzz-summary"):
        plugins.register(_Summary(), "nnplay-fuzz-summary")
    with sweep.error_details():
        yield
    sweep.thaw()


@pytest.fixture
def page_keys(shared_data_env):
    """Open a page once, untimed (imports, data), and return the keys of its URL."""

    def keys(info) -> list[str]:
        if info.slug not in _KEYS:
            at = sweep.open_app(info.path, timeout=300)
            found = [k for k in at.query_params if k not in ("lang", "present")]
            _KEYS[info.slug] = sorted(found)
        return _KEYS[info.slug]

    return keys


@pytest.mark.parametrize(("info", "name", "case"), cases())
def test_a_hostile_link_gives_a_clean_page(info, name, case, page_keys, record_property, request):
    keys = page_keys(info)
    if callable(case):
        query = case(keys, random.Random(f"{sweep.SEED}:fuzz:{info.slug}:{name}"))
    else:
        query = case
    opening = sweep.open_code(info.path, lang=None, present=False, query=query, direct=True)
    started = time.monotonic()
    at = None
    fired: list[str] = []
    sweep.SERVER_LOG.records.clear()
    try:
        with sweep.deadline(sweep.FUZZ_LIMIT_S) as fired:
            at = sweep.open_app(
                info.path, lang=None, query=query, direct=True, timeout=sweep.FUZZ_LIMIT_S * 3
            )
        seconds = time.monotonic() - started
        record_property("seconds", round(seconds, 2))
        TIMES[request.node.callspec.id] = seconds
        if fired:
            raise AssertionError(
                f"the page did not answer within {sweep.FUZZ_LIMIT_S:.0f} s "
                f"(stopped after {seconds:.0f} s); at the limit it was at:\n"
                + sweep._indent(fired[0])
            )
        sweep.check_page(at, info.title_key)
    except Exception as error:
        tail = "" if fired else sweep.traceback_tail(at)
        raise AssertionError(
            f"fuzz: page={info.path} seed={sweep.SEED}; reproduce with:\n"
            + sweep._indent(opening)
            + f"\nfailure: {type(error).__name__}: {str(error)[:3000]}"
            + (f"\npage traceback (tail):\n{sweep._indent(tail)}" if tail else "")
        ) from None
