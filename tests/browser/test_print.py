"""The printout's map in a real browser (issue #12): numbered markers that never hide each
other, the selected project highlighted, and the count the screen shows for the same view.

The view is taken from the app itself — its address once the map has reported its centre and
zoom, as the app's print download takes it — and the printout's HTML is rendered by Chromium
from ``file://`` (its assets copied into ``tmp_path``), with the internet cut off: the numbers
are what is measured, not the tiles.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from ninohe_geo.maps.assets import install_static
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.model.tours import load_tours
from ninohe_geo.output import printout as printing
from ninohe_geo.query import view as share

from .helpers import map_frame, settle

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[2]
#: The numbered markers as boxes [feature id, left, top, right, bottom].
NUMBER_BOXES = """() => [...document.querySelectorAll('[data-number-for]')].map(e => {
    const r = e.getBoundingClientRect();
    return [e.getAttribute('data-number-for'), r.left, r.top, r.right, r.bottom];
})"""


@pytest.fixture(scope="module")
def shipped() -> Any:
    return load_catalog(REPO / "geodata")


def _overlapping(boxes: list[list[Any]]) -> list[tuple[str, str]]:
    return [
        (a[0], b[0])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[1] < b[3] and b[1] < a[3] and a[2] < b[4] and b[2] < a[4]
    ]


def _screen_view(page: Any, url: str, query: str, shipped: Any) -> tuple[share.View, str]:
    """Open the app's map at ``query``; the view it would print (from its address, once the map
    has reported its centre and zoom) and the count line it shows."""
    page.goto(f"{url}/?{query}")
    map_frame(page).wait_for_selector("[data-feature-id]")
    settle(page, "() => /[?&]center=/.test(location.search) && /[?&]zoom=/.test(location.search)")
    count = page.locator("#feature-count").inner_text().strip()
    params = parse_qs(urlparse(page.url).query)
    tours = load_tours(REPO / "geodata")
    return share.from_query(params, printing.known_values(shipped, tours)), count


def _render(browser: Any, doc: str, folder: Path, options: printing.PrintOptions) -> Any:
    """The printout's page in Chromium, as the renderer opens it (``file://``, offline)."""
    (folder / "print.html").write_text(doc, encoding="utf-8")
    w, h = options.size_mm
    context = browser.new_context(
        viewport={"width": round(w * printing.PX_PER_MM), "height": round(h * printing.PX_PER_MM)}
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.route("http*://**", lambda route: route.abort("internetdisconnected"))  # tiles: none
    page.goto((folder / "print.html").as_uri())
    return page


@pytest.mark.parametrize(
    ("query", "options"),
    [
        # Policy 3 at the city's zoom: 21 projects, a dozen of them within a few hundred metres
        # of city hall (and 防災拠点整備の検討 on city hall's very spot).
        ("pillar=P3", printing.PrintOptions("A4", "landscape", "png")),
        # Everything, with a project selected, on a portrait sheet (a narrower map).
        ("feature=ninohe-city-hall", printing.PrintOptions("A4", "portrait", "pdf")),
    ],
    ids=["policy3-a4-landscape", "selected-a4-portrait"],
)
def test_printed_numbers_never_overlap_and_the_count_is_the_screens(
    page: Any,
    browser: Any,
    shipped_app: Any,
    shipped: Any,
    tmp_path: Path,
    query: str,
    options: printing.PrintOptions,
) -> None:
    view, screen_count = _screen_view(page, shipped_app.url, query, shipped)
    install_static(tmp_path / "static")
    doc, items = printing.print_html(shipped, view, options, (tmp_path / "static").as_uri())
    printed = _render(browser, doc, tmp_path, options)
    try:
        # One numbered marker per listed project, none on another.
        printed.wait_for_function(
            "n => document.querySelectorAll('[data-number-for]').length === n", arg=len(items)
        )
        boxes = printed.evaluate(NUMBER_BOXES)
        assert sorted(b[0] for b in boxes) == sorted(i.id for i in items)
        assert _overlapping(boxes) == [], _overlapping(boxes)
        numbers = printed.evaluate(
            "() => Object.fromEntries([...document.querySelectorAll('[data-number-for]')]"
            ".map(e => [e.getAttribute('data-number-for'), e.textContent]))"
        )
        assert numbers == {i.id: str(i.number) for i in items}
        # The count line is the screen's for the same view; the list holds what the map shows.
        expect(printed.locator("#print-count")).to_have_text(screen_count)
        expect(printed.locator("table.print-list tbody tr")).to_have_count(len(items))
        # The selected project: its marker and its row stand out, and nothing else does.
        selected = printed.locator(".ninohe-number-selected")
        if view.feature:
            expect(selected).to_have_count(1)
            expect(selected).to_have_attribute("data-number-for", view.feature)
            expect(printed.locator("tr.print-selected")).to_have_attribute(
                "data-feature-id", view.feature
            )
            expect(printed.locator(".print-selected-line")).to_contain_text(
                shipped.features.loc[view.feature, "name_ja"]
            )
        else:
            expect(selected).to_have_count(0)
            expect(printed.locator("tr.print-selected")).to_have_count(0)
    finally:
        printed.context.close()
