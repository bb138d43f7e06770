"""axe-core on every page of the app: no serious or critical WCAG 2.1 A/AA violation.

The residents' page and the published site have their own axe tests (test_residents.py,
test_site.py); this covers the planner's pages, on the page and inside the map's iframe, at
desktop and phone size.
"""

from __future__ import annotations

from typing import Any

import pytest

from .axe import axe_violations, describe
from .helpers import map_frame
from .phone import DESKTOP, PHONE

pytestmark = pytest.mark.browser

#: (URL path, whether the page has a map iframe)
PAGES = [("/", True), ("/plan", False), ("/present", True)]


@pytest.mark.parametrize(("path", "has_map"), PAGES, ids=[p for p, _ in PAGES])
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_serious_axe_violations(
    browser: Any, shipped_app: Any, path: str, has_map: bool, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport, locale="ja-JP")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        page.goto(shipped_app.url + path)
        if has_map:
            frame = map_frame(page)
            frame.wait_for_selector("[data-feature-id]")
            violations = axe_violations(frame)
            assert violations == [], describe(violations)
        else:
            page.get_by_role("heading", level=1).first.wait_for()
        violations = axe_violations(page)
        assert violations == [], describe(violations)
    finally:
        context.close()
