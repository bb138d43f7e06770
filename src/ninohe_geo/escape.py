"""The one escaping path between data and the browser.

folium and Leaflet put strings into the page as HTML (popups, tooltips, controls) or inside
``<script>`` blocks (GeoJSON data). Every string that comes from data reaches the page through one
of the two functions here, chosen by the context it lands in:

- :func:`html_text` for text inside HTML elements and attributes;
- :func:`script_json` for values serialised into JavaScript inside a ``<script>`` element.

In the browser, tooltips are built with ``textContent`` (never ``innerHTML``), so even a value that
slipped past the server would render as text. Both layers are tested with hostile names.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

# Characters that could end a <script> element, start an HTML comment or entity inside one,
# or end a JavaScript string literal in older engines (U+2028/U+2029).
_SCRIPT_UNSAFE = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}
# folium/branca compile every rendered ``<script>`` fragment once more as a Jinja template
# (``MacroElement.render`` wraps the output in ``Element(template=...)``), so ``{{``, ``{%`` and
# ``{#`` in data would be evaluated or break rendering. Outside strings, compact JSON never has a
# ``{`` followed by one of these, so the match is always inside a string, where ``\u007b`` is
# the same character.
_JINJA_OPEN = re.compile(r"\{(?=[{%#])")


def html_text(value: object) -> str:
    """Escape ``value`` for HTML text or a quoted attribute value. None becomes ''."""
    if value is None:
        return ""
    return html.escape(str(value), quote=True)


def script_json(value: Any) -> str:
    """Serialise ``value`` as JSON that is safe to embed in an HTML ``<script>`` element.

    JSON string escaping already stops ``"`` and ``\\``; this also replaces ``<``, ``>``, ``&``
    and the two line separators with ``\\uXXXX`` escapes, so ``</script>``, ``<!--`` and
    ``${...}`` in data are inert (``$`` and ``{`` only matter inside template literals, which we
    never build from data). A ``{`` that opens a Jinja delimiter (``{{``, ``{%``, ``{#``) is
    written ``\\u007b``, because branca renders script output through Jinja a second time.
    """
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    # str.replace per character, not str.translate: translate with a dict is ~20x slower on the
    # megabyte payloads of large maps.
    for char, escaped in _SCRIPT_UNSAFE.items():
        text = text.replace(char, escaped)
    return _JINJA_OPEN.sub(r"\\u007b", text)


_MARKDOWN_SPECIAL = "\\`*_{}[]()<>#+-.!|~$:"


def markdown_text(value: object) -> str:
    """Escape ``value`` for Streamlit markdown, so data shows as literal text.

    Backslash-escapes every markdown and LaTeX trigger (``[x](url)`` links, ``![](…)`` images,
    ``$…$`` maths, HTML tags, ``:emoji:`` shortcodes) and folds newlines to spaces.
    """
    if value is None:
        return ""
    text = " ".join(str(value).split())
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text)
