"""One style table (issue #11): every renderer gets it; the scripts hold no style of their own."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest

from ninohe_geo.maps import mapview, style
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.paths import PACKAGE_DIR
from ninohe_geo.query import residents

SCRIPTS = [PACKAGE_DIR / "static" / name for name in ("ninohe-map.js", "ninohe-tiles.js")]


def test_the_style_reaches_the_browser_as_camel_case() -> None:
    out = style.style_json()
    assert out["looseDash"] == [8, 6]
    assert out["pointRadius"] == style.STYLE.point_radius
    assert len(out) == len(dataclasses.fields(style.FeatureStyle))


@pytest.fixture
def thicker(monkeypatch: pytest.MonkeyPatch) -> style.FeatureStyle:
    """A new style, defined once: it must show in every renderer's options."""
    new = dataclasses.replace(style.STYLE, line_weight=9, loose_dash=(2, 3))
    monkeypatch.setattr(style, "STYLE", new)
    return new


@pytest.mark.usefixtures("thicker")
def test_a_changed_style_reaches_every_renderer(good_catalog: Catalog) -> None:
    """The app's map (SVG and canvas), the residents' map, the static site and the printout
    (which draws with the app's feature group) all take their options from the one table."""
    group = mapview.feature_group(good_catalog.features, good_catalog.plan, "ja")
    html = _rendered(group)
    assert '"lineWeight":9' in html and '"looseDash":[2,3]' in html
    options = residents.map_options(good_catalog, "ja")
    assert options["style"]["lineWeight"] == 9 and options["style"]["looseDash"] == [2, 3]
    assert options["colors"] == [p.color for p in good_catalog.plan.pillars]


def _rendered(group: object) -> str:
    import folium

    m = folium.Map()
    group.add_to(m)  # type: ignore[attr-defined]
    return m.get_root().render()


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_the_scripts_hold_no_style_numbers(script) -> None:  # type: ignore[no-untyped-def]
    """Colours, weights, dashes and opacities of features come from ``opts.style``."""
    text = script.read_text(encoding="utf-8")
    body = re.sub(r"/\*.*?\*/|//[^\n]*", "", text, flags=re.S)
    for pattern in (
        r"dashArray:\s*f\.properties\.l \? \"",
        r"setLineDash\(loose \? \[\d",
        r"globalAlpha = 0\.\d",
        r"lineWidth = selected \? \d",
        r"weight: sel \? \d",
        r"(width|radius): \d",
        r"dash: \[\d",
    ):
        assert not re.search(pattern, body), pattern
    assert "opts.style" in body or "this._opts.style" in body


def test_the_static_site_carries_the_style(good_catalog: Catalog, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ninohe_geo.output.site import build_site

    build_site(good_catalog, tmp_path / "site", base_url="https://example.org/")
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    data = re.search(r'<script type="application/json" id="site-data">(.*?)</script>', page, re.S)
    assert data is not None
    assert json.loads(data.group(1))["options"]["style"] == style.style_json()
