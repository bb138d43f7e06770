"""Small page helpers for the browser tests."""

from __future__ import annotations

from typing import Any

MAP_IFRAME = "iframe[title*='st_folium']"


def map_frame(page: Any) -> Any:
    """The st_folium iframe's frame, once Leaflet has drawn at least one feature."""
    frame = page.wait_for_selector(MAP_IFRAME, state="attached").content_frame()
    frame.wait_for_selector(".leaflet-container")
    return frame


def feature_ids(frame: Any) -> list[str]:
    """The ids of the features drawn on the map (SVG elements carry data-feature-id)."""
    ids: list[str] = frame.eval_on_selector_all(
        "[data-feature-id]", "els => els.map(e => e.getAttribute('data-feature-id'))"
    )
    return ids


def wait_for_count(page: Any, shown: int, total: int) -> None:
    """Wait until the count line says ``shown / total``."""
    page.wait_for_function(
        "([s, t]) => { const el = document.querySelector('#feature-count');"
        " return el && el.textContent.includes(s + ' / ' + t); }",
        arg=[shown, total],
    )


def wait_for_features(frame: Any, n: int) -> None:
    """Wait until exactly ``n`` features are drawn."""
    frame.wait_for_function(
        "n => document.querySelectorAll('[data-feature-id]').length === n", arg=n
    )
