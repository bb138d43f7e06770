"""The presenter's glue that needs no Streamlit session: the stop's text block."""

from __future__ import annotations

import re

from ninohe_geo.ui.meeting import stop_text_html

TEXTS = [
    ("★ うるし", "浄法寺は国産漆の約7割を産します。"),
    ("<img src=x onerror=alert(1)>", "a caption\nover two lines & ${alert(1)}"),
    ("三つ目", "短い"),
]


def test_every_stop_shares_one_cell_and_only_the_current_is_shown() -> None:
    """Issue #12: the map jumped when a caption took another line. Every stop's text is in the
    block (its height is the tallest one's); only the current one is visible and carries the
    ids; the others are hidden from assistive tools too."""
    html = stop_text_html(TEXTS, 2)
    assert html.startswith('<div class="ninohe-stop-text">')
    assert html.count('id="tour-title"') == 1 and html.count('id="tour-caption"') == 1
    current = re.search(r'<div class="ninohe-stop-text-now">(.*?)</div>', html)
    assert current is not None and "三つ目" in current.group(1) and "短い" in current.group(1)
    assert html.count('class="ninohe-stop-text-other" aria-hidden="true"') == 2
    assert "★ うるし" in html  # the others are there, to take their room


def test_the_stop_text_is_escaped_and_one_line() -> None:
    html = stop_text_html(TEXTS, 1)
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&amp; ${alert(1)}" in html
    assert "\n" not in html  # a blank line would end Markdown's HTML block
