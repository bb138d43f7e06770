"""The one escaping path: HTML text, JSON inside <script>, Streamlit markdown."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from ninohe_geo.escape import html_text, markdown_text, script_json

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "</script><script>alert(1)</script>",
    "${alert(1)}",
    "<!-- x",
    '"; alert(1); "',
    "a & b",
    "line\u2028separator\u2029paragraph",
    "\\u003c",
    "九戸城跡",
    "",
]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("\"quoted\" & 'single'", "&quot;quoted&quot; &amp; &#x27;single&#x27;"),
        ("九戸城跡", "九戸城跡"),
        (None, ""),
        (1.5, "1.5"),
    ],
)
def test_html_text(value: object, expected: str) -> None:
    assert html_text(value) == expected


@pytest.mark.parametrize("value", HOSTILE)
def test_script_json_string_is_inert_and_round_trips(value: str) -> None:
    out = script_json(value)
    for ch in "<>&\u2028\u2029":
        assert ch not in out
    assert json.loads(out) == value


def test_script_json_nested_round_trip() -> None:
    value: dict[str, Any] = {
        "ids": ["xss-img", "xss-script"],
        "names": HOSTILE,
        "n": [1, 2.5, None, True],
        "nested": {"</script>": ["<b>"]},
    }
    out = script_json(value)
    assert "</script" not in out.lower()
    assert "<" not in out and ">" not in out and "&" not in out
    assert json.loads(out) == value


def test_script_json_escapes_exactly() -> None:
    assert script_json("</script>") == '"\\u003c/script\\u003e"'
    assert script_json("a&b") == '"a\\u0026b"'
    assert script_json("九戸") == '"九戸"'  # readable, not \\u-escaped


def test_script_json_refuses_nan() -> None:
    with pytest.raises(ValueError, match="JSON compliant"):
        script_json({"x": math.nan})


MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~$:"


def _unescaped(text: str) -> list[str]:
    """Markdown-special characters in ``text`` not preceded by a backslash escape."""
    found = []
    i = 0
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] in MARKDOWN_SPECIAL:
            found.append(text[i])
        i += 1
    return found


@pytest.mark.parametrize(
    "value",
    [
        "[click](javascript:alert(1))",
        "![x](https://example.org/x.png)",
        "$x$ and $$\\alpha$$",
        "<img src=x onerror=alert(1)>",
        "</script><script>alert(1)</script>",
        "# heading\n- item\n1. one",
        ":smile: **bold** _em_ `code` ~~del~~ | table |",
        "https://example.org/auto-link",
        "back\\slash",
    ],
)
def test_markdown_text_is_inert(value: str) -> None:
    out = markdown_text(value)
    assert _unescaped(out) == []
    assert "\n" not in out
    # removing the escapes gives the text back (newlines folded to spaces)
    assert out.replace("\\\\", "\x00").replace("\\", "").replace("\x00", "\\") == " ".join(
        value.split()
    )


def test_markdown_text_examples() -> None:
    assert markdown_text("[a](b)") == "\\[a\\]\\(b\\)"
    assert markdown_text("$5") == "\\$5"
    assert markdown_text("<b>") == "\\<b\\>"
    assert markdown_text("二戸\n市") == "二戸 市"
    assert markdown_text(None) == ""
