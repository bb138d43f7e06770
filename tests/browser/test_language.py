"""No English Streamlit default text in the Japanese interface (issue #12): the sidebar's
multiselects and the import page's file uploader speak Japanese."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from .conftest import AppServer

pytestmark = pytest.mark.browser

#: Streamlit's own English texts that used to show in the Japanese interface.
ENGLISH_DEFAULTS = ("Choose options", "Select all", "Upload", "per file", "Browse files")


def _visible_text(page: Any) -> str:
    """The text a person sees, pseudo-elements included (CSS ``content``)."""
    return str(
        page.evaluate(
            """() => {
              const parts = [document.body.innerText];
              for (const el of document.querySelectorAll('[placeholder]')) {
                parts.push(el.getAttribute('placeholder'));
              }
              for (const el of document.querySelectorAll('body *')) {
                const after = getComputedStyle(el, '::after').content;
                if (after && after !== 'none' && after !== 'normal') { parts.push(after); }
              }
              return parts.join('\\n');
            }"""
        )
    )


def test_the_sidebar_filters_speak_japanese(page: Any, shipped_app: AppServer) -> None:
    page.goto(shipped_app.url + "/?lang=ja")
    expect(page.locator("#feature-count")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("combobox", name="政策分野")).to_be_visible()
    page.get_by_role("combobox", name="政策分野").click()  # open it: the menu shows too
    expect(page.get_by_role("option").first).to_be_visible()
    text = _visible_text(page)
    assert "選んで絞り込み" in text
    assert not [word for word in ENGLISH_DEFAULTS if word in text]


def test_the_import_page_uploader_speaks_japanese(page: Any, shipped_app: AppServer) -> None:
    page.goto(shipped_app.url + "/import?lang=ja")
    expect(page.locator("[data-testid='stFileUploaderDropzone']")).to_be_visible(timeout=60_000)
    # Streamlit loads each element's code on its own, so the page's style (st.html) may arrive a
    # moment after the uploader: wait until it applies, then read what a person sees.
    page.wait_for_function(
        """() => {
          const b = document.querySelector('[data-testid="stFileUploaderDropzone"] button');
          return b && getComputedStyle(b, '::after').content.includes('ファイルを選ぶ');
        }""",
        timeout=30_000,
    )
    text = _visible_text(page)
    assert "ファイルを選ぶ" in text and "MB まで" in text
    assert not [word for word in ENGLISH_DEFAULTS if word in text]
