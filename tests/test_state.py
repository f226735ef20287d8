"""The state table: every page's settings read from and written to the URL, exactly."""

import math
import random

import pytest

from nnplay import sitemap, state
from nnplay.state import Kind


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"lang": "ko", "present": "1"}, {"lang": "ko", "present": True}),
        ({"lang": "EN", "present": "off"}, {"lang": "en", "present": False}),
        ({"lang": "xx", "present": "banana"}, {}),
        ({"lang": "", "present": ""}, {}),
        ({"other": "1"}, {}),
        ({"lang": ["en", "ko"]}, {"lang": "ko"}),  # a repeated key: the last counts
    ],
)
def test_app_parameters_are_read_or_refused_with_a_message(params, expected):
    values, messages = state.read(params, state.fields(state.APP))
    assert values == expected
    refused = {name for name in params if name in ("lang", "present") and name not in values}
    assert {m.where for m in messages} == refused
    assert all(m.key == "common.bad_link_value" for m in messages)


def test_every_page_has_its_settings_in_the_table_with_unique_keys():
    pages = {f.page for f in state.table()}
    slugs = {info.slug for info in sitemap.PAGES}
    assert {"logic", "perceptron", "xor"} <= pages <= slugs | {state.APP, "keras"}
    keys = [f.key for f in state.table()]
    assert len(keys) == len(set(keys))
    for f in state.table():
        assert f.allows(f.default), f
        assert f.parse(f.format(f.default)) == f.default, f


def _random_value(f: state.Field, rng: random.Random):
    if f.kind == Kind.BOOL:
        return rng.random() < 0.5
    if f.kind == Kind.CHOICE:
        return rng.choice(f.choices)
    if f.kind == Kind.TEXT:
        return "".join(rng.choice("abc.~:019") for _ in range(rng.randrange(30)))
    low = f.low if f.low is not None else -1e6
    high = f.high if f.high is not None else 1e6
    if f.kind == Kind.INT:
        return rng.randint(int(low), int(high))
    return rng.choice([low, high, rng.uniform(low, high), 1 / 3 * high, math.nextafter(high, low)])


def test_random_values_of_every_field_survive_the_url_exactly():
    rng = random.Random(20261128)
    for _ in range(200):
        for page in {f.page for f in state.table()}:
            fields = state.fields(page)
            values = {f.name: _random_value(f, rng) for f in fields}
            again, messages = state.read(state.write(values, fields), fields)
            assert messages == []
            assert again == values
            assert all(type(again[n]) is type(v) for n, v in values.items())


@pytest.mark.parametrize(
    "text",
    [
        "nan",
        "NaN",
        "inf",
        "-inf",
        "1e309",
        "²",
        "٣",
        "1_000",
        "0x10",
        " 1",
        "",
        "1.0.0",
        "x" * 5000,
    ],
)
def test_numbers_are_read_strictly(text):
    for f in state.table():
        if f.kind in (Kind.INT, Kind.FLOAT):
            values, messages = state.read({f.name: text}, (f,))
            assert values == {} and [m.where for m in messages] == [f.name], (f, text)


def test_out_of_range_values_are_refused():
    seed = state.field("perceptron", "seed")
    assert state.read({"seed": str(2**32)}, (seed,))[0] == {}
    assert state.read({"seed": "-1"}, (seed,))[0] == {}
    assert state.read({"seed": str(2**32 - 1)}, (seed,))[0] == {"seed": 2**32 - 1}
    hidden = state.field("xor", "hidden")
    assert state.read({"hidden": "9"}, (hidden,))[0] == {}
    lr = state.field("xor", "lr")
    assert state.read({"lr": "0.4"}, (lr,))[0] == {}  # not one of the page's choices
    assert state.read({"lr": "0.5"}, (lr,))[0] == {"lr": 0.5}
