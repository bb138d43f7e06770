"""A deep link as the very first request to a fresh server still goes through dashboard/app.py.

A link sent after a meeting (``/present?tour=…``) or a bookmark of the plan page is often the
first thing a restarted server is asked for. Streamlit resolves such a path through a ``pages/``
folder when one exists and the entry script has not run yet — it then ran the page alone, with
no navigation, no language switch, no static files. The pages live in ``dashboard/views/`` so
that every path is resolved by ``st.navigation`` in ``app.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import REPO, AppServer, _serve

#: Only app.py puts this style on the page (dashboard/app.css).
APP_CSS_JS = """() => [...document.querySelectorAll('style')]
  .some(s => s.textContent.includes('.st-key-lang'))"""


@pytest.fixture
def fresh_app(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Iterator[AppServer]:
    """A server nobody has asked anything yet (one per test)."""
    yield from _serve(tmp_path_factory, "fresh", REPO / "geodata")


def test_the_pages_folder_is_not_named_pages() -> None:
    assert not (REPO / "dashboard" / "pages").exists()
    assert (REPO / "dashboard" / "views" / "map.py").is_file()


def test_a_plan_page_link_as_the_first_request_has_the_apps_navigation(
    page: Any, fresh_app: AppServer
) -> None:
    page.goto(f"{fresh_app.url}/plan?lang=en")
    page.get_by_role("heading", name="Ninohe", exact=False).first.wait_for(timeout=90_000)
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav.get_by_role("link", name="The plan", exact=True)).to_have_count(1)
    expect(nav.get_by_role("link", name="edit", exact=True)).to_have_count(0)  # file names
    expect(page.get_by_role("radio", name="English")).to_have_attribute("aria-checked", "true")
    page.wait_for_function(APP_CSS_JS)


def test_a_tour_link_as_the_first_request_opens_the_stop(page: Any, fresh_app: AppServer) -> None:
    page.goto(f"{fresh_app.url}/present?tour=featured&stop=2")
    expect(page.locator("#tour-title")).not_to_be_empty(timeout=90_000)
    expect(page).to_have_url(re.compile(r"stop=2"))
    page.wait_for_function(APP_CSS_JS)
