"""Values quoted from a link or a widget show as plain text, never as markdown."""

import html
import re

import pytest
from conftest import assert_clean
from markdown_it import MarkdownIt

from nnplay import ui

HOSTILE = [
    "[click](https://evil.example/phish)",
    "![t](http://host/track.png)",
    r"$\rule{5000px}{5000px}$",
    r"$$\rule{5000px}{5000px}$$",
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "**bold** _it_ `code` ~~gone~~",
    ":material/home: :red[red] :smile:",
    "# heading\n\n- item",
    "&lt;b&gt; &amp;",
    "\\[escaped\\]",
    "line\nbreak\ttab\x00nul",
    "x" * 1000,
    "`tick` ``two`` `",
    "see https://evil.example and www.evil.example or me@evil.example",
    "",
]
_MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])


def rendered_text(markdown: str) -> str:
    """The text CommonMark shows for ``markdown``; fails if it made any element but code."""
    out = _MARKDOWN.render(markdown).strip()
    inner = out.removeprefix("<p>").removesuffix("</p>")
    inner = re.sub("</?code>", "", inner)
    assert "<" not in inner, out  # no link, image, emphasis, heading, HTML
    return html.unescape(inner)


@pytest.mark.parametrize("payload", HOSTILE)
def test_plain_text_shows_exactly_the_shortened_value(payload):
    quoted = ui.plain(payload)
    expected = " ".join(payload.replace("\x00", " ").split())
    expected = expected if len(expected) <= 40 else expected[:39] + "…"
    # one code span, holding exactly the (shortened) value: nothing in it is markdown
    out = _MARKDOWN.render(quoted).strip()
    assert re.fullmatch(r"<p><code>[^<]*</code></p>", out), out
    assert html.unescape(out[len("<p><code>") : -len("</code></p>")]) == (expected or " ")


def test_plain_text_can_be_longer_when_asked():
    assert rendered_text(ui.plain("a" * 300, limit=200)) == "a" * 199 + "…"


def test_plain_text_stays_literal_in_streamlits_markdown_extensions():
    """The markdown-it check above is CommonMark; Streamlit adds math, icons and autolinks.

    Those apply to text, never inside a code span: so nothing may be outside it.
    """
    for payload in HOSTILE:
        quoted = ui.plain(payload)
        fence = re.match("`+", quoted).group()
        assert quoted.endswith(fence) and quoted.count(fence) == 2


def texts(elements):
    return [str(e.value) for e in elements]


@pytest.mark.parametrize(
    "query",
    [
        {"data": "[click](https://evil.example/phish)"},
        {"data": "![t](http://host/track.png)"},
        {"data": r"$\rule{5000px}{5000px}$"},
        {"data": "moons", "layers": "dense.4.[x](http:evil)~dense.1.sigmoid"},
        {"data": "moons", "opt": "<img src=x onerror=alert(1)>"},
        {"data": "moons", "loss": ":red[**loud**]"},
        {"data": "moons", "metrics": "![t](http:host/track)"},
        {"data": "moons", "epochs": "$\\rule{5000px}{5000px}$"},
    ],
)
def test_a_link_cannot_put_markdown_into_the_builder(page, query):
    from conftest import ROOT
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page("pages/keras_builder.py").run()
    assert_clean(at)
    messages = texts(at.error) + texts(at.warning)
    assert messages, "the refused value is reported"
    for message in messages:
        rendered_text(message)
