"""The shared view: URL round trip, forgiving parsing, links and QR codes."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from ninohe_geo.query import view as share
from ninohe_geo.query.filters import FeatureFilter

KNOWN = {
    "pillar": frozenset({"P1", "P3"}),
    "measure": frozenset({"P3-01"}),
    "basemap": frozenset({"gsi-std", "gsi-pale"}),
    "feature": frozenset({"kunohe-castle-ruins"}),
    "tour": frozenset({"featured"}),
}


def test_default_view_is_an_empty_query() -> None:
    assert share.to_query(share.View()) == {}
    assert share.from_query({}) == share.View()


def test_full_view_round_trips() -> None:
    view = share.View(
        filter=FeatureFilter.of(pillar=frozenset({"P3"}), featured_only=True, text="城"),
        basemap="gsi-pale",
        center=(40.26722, 141.30333),
        zoom=15,
        feature="kunohe-castle-ruins",
        lang="en",
        tour="featured",
        stop=4,
    )
    query = share.to_query(view)
    assert query == {
        "pillar": "P3",
        "featured": "1",
        "q": "城",
        "basemap": "gsi-pale",
        "center": "40.26722,141.30333",
        "zoom": "15",
        "feature": "kunohe-castle-ruins",
        "lang": "en",
        "tour": "featured",
        "stop": "4",
    }
    assert share.from_query(query, KNOWN) == view
    # parse_qs lists (what a URL gives) work the same.
    url = share.share_url("http://127.0.0.1:8501/?old=1#x", view)
    params = parse_qs(urlsplit(url).query)
    assert urlsplit(url).path == "/" and "old" not in params
    assert share.from_query(params, KNOWN) == view


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"center": "40.2,141.3", "zoom": "12"}, ((40.2, 141.3), 12)),
        ({"center": "40.123456789,141.3"}, ((40.12346, 141.3), None)),
        ({"center": "141.3"}, (None, None)),
        ({"center": "nan,141.3"}, (None, None)),
        ({"center": "95,141.3"}, (None, None)),  # latitude out of range
        ({"center": "40.2,abc", "zoom": "99"}, (None, None)),
        ({"zoom": "13.4"}, (None, 13)),
        ({"zoom": "inf"}, (None, None)),
        ({"zoom": "4"}, (None, None)),
    ],
)
def test_centre_and_zoom_are_checked(
    params: dict[str, str], expected: tuple[object, object]
) -> None:
    view = share.from_query(params)
    assert (view.center, view.zoom) == expected


def test_unknown_values_are_dropped() -> None:
    view = share.from_query(
        {
            "basemap": "evil",
            "feature": "<script>",
            "tour": "nope",
            "stop": "3",
            "pillar": "P9,P1",
            "lang": "fr",
        },
        KNOWN,
    )
    assert view.basemap == "gsi-std" and view.feature is None and view.tour is None
    assert view.stop is None  # a stop means nothing without its tour
    assert view.filter.pillars == frozenset({"P1"}) and view.lang == "ja"
    assert share.from_query({"tour": "featured", "stop": "-2"}, KNOWN).stop is None


def test_format_center_trims_zeros() -> None:
    assert share.format_center((40.2, 141.30000)) == "40.2,141.3"
    assert share.format_center((40.0, 141.0)) == "40,141"


def test_qr_codes_encode_the_link() -> None:
    url = "http://127.0.0.1:8501/?pillar=P3&center=40.27,141.3&zoom=14"
    svg = share.qr_svg(url)
    assert svg.startswith("<svg") and "</svg>" in svg and "<script" not in svg
    png = share.qr_png(url)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    # A longer link makes a bigger symbol (more modules): the content is really encoded.
    longer = share.qr_png(url + "&q=" + "x" * 300)
    assert len(longer) > len(png)
