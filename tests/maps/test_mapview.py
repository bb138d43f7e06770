"""The folium map: assets served locally, data escaped, the filtered view drawn as given."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import folium
import pytest

from ninohe_geo.maps import mapview
from ninohe_geo.maps.basemaps import BASEMAPS
from ninohe_geo.maps.mapview import (
    PlanFeatures,
    base_map,
    feature_group,
    features_payload,
    legend_options,
    standalone_map,
)
from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.query.filters import FeatureFilter, apply

#: The ``make_data_dir`` fixture (tests/conftest.py): layer fixtures → a data folder.
MakeDataDir = Callable[..., Path]

STATIC = "/app/static"


class _Tags(HTMLParser):
    """Collects <script src>, <link href> and the text of inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.srcs: list[str] = []
        self.hrefs: list[str] = []
        self.scripts = 0
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if tag == "script":
            self.scripts += 1
            if values.get("src"):
                self.srcs.append(values["src"] or "")
        if tag == "link" and values.get("href"):
            self.hrefs.append(values["href"] or "")


def parse(html: str) -> _Tags:
    tags = _Tags()
    tags.feed(html)
    return tags


def render(m: folium.Map) -> str:
    html: str = m.get_root().render()
    return html


def plan_features_data(html: str) -> dict[str, Any]:
    """The JSON handed to ninoheGeo.addFeatures in the rendered page."""
    match = re.search(r"ninoheGeo\.addFeatures\(\s*[\w]+,\s*", html)
    assert match, "no ninoheGeo.addFeatures call in the page"
    data, _ = json.JSONDecoder().raw_decode(html, match.end())
    assert isinstance(data, dict)
    return data


def group_payload(group: folium.FeatureGroup) -> tuple[dict[str, Any], dict[str, Any]]:
    [child] = [c for c in group._children.values() if isinstance(c, PlanFeatures)]
    return json.loads(child.data), json.loads(child.options)


@pytest.fixture
def hostile_catalog(make_data_dir: MakeDataDir) -> Catalog:
    cat = load_catalog(make_data_dir("hostile"))
    assert cat.problems == ()
    assert len(cat.features) == 4
    return cat


# --- no CDN ----------------------------------------------------------------------------------


def _allowed_urls() -> set[str]:
    allowed = {b.url for b in BASEMAPS}
    for b in BASEMAPS:
        allowed |= set(re.findall(r'href="([^"]+)"', b.attribution))
    return allowed


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("basemap_id", [b.id for b in BASEMAPS])
def test_standalone_map_loads_nothing_from_the_network(
    good_catalog: Catalog, lang: str, basemap_id: str
) -> None:
    m = standalone_map(good_catalog.features, good_catalog.plan, lang, STATIC, basemap_id)  # type: ignore[arg-type]
    html = render(m)
    tags = parse(html)
    assert tags.srcs, "no <script src> at all"
    assert tags.hrefs, "no <link href> at all"
    for url in tags.srcs + tags.hrefs:
        assert url.startswith(STATIC + "/"), url
    assert "cdn" not in html.lower()
    urls = set(re.findall(r"https?://[^\s\"'<>\\]+", html))
    assert urls <= _allowed_urls()
    chosen = next(b for b in BASEMAPS if b.id == basemap_id)
    assert chosen.url in urls  # the tile template is there, with its attribution
    assert tile_attributions(html) == [chosen.attribution]


def tile_attributions(html: str) -> list[str]:
    """The attribution option of every tile layer in the page (folium writes it as JSON)."""
    decoder = json.JSONDecoder()
    return [decoder.raw_decode(html, m.end())[0] for m in re.finditer(r'"attribution":\s*', html)]


def test_every_asset_is_linked(good_catalog: Catalog) -> None:
    tags = parse(render(standalone_map(good_catalog.features, good_catalog.plan, "ja", STATIC)))
    assert f"{STATIC}/vendor/leaflet/leaflet.js" in tags.srcs
    assert f"{STATIC}/ninohe/ninohe-map.js" in tags.srcs
    assert f"{STATIC}/vendor/leaflet/leaflet.css" in tags.hrefs
    assert tags.srcs.index(f"{STATIC}/vendor/leaflet/leaflet.js") == 0


# --- hostile data ----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_hostile_names_are_inert(
    hostile_catalog: Catalog, good_catalog: Catalog, lang: str
) -> None:
    html = render(standalone_map(hostile_catalog.features, hostile_catalog.plan, lang, STATIC))  # type: ignore[arg-type]
    assert "<img src=x onerror" not in html
    assert "</script><script>alert" not in html
    assert "<script>alert" not in html
    # the data is there, but only in escaped form
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    assert "\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in html
    # … and decodes back to exactly the names, as data, not markup
    data = plan_features_data(html)
    assert data["ids"] == ["xss-img", "xss-template", "xss-script", "xss-jinja"]
    assert data["names"] == [
        "<img src=x onerror=alert(1)>",
        "${alert(1)}",
        "</script><script>alert(1)</script>",
        "{{ 7*7 }} {% raw %} {# c",
    ]
    # branca renders script output through Jinja again: template code in data is not evaluated
    assert "{{ 7*7 }}" not in html and '"49 ' not in html
    # ${…} only ever occurs inside that JSON string, never as a template literal
    assert html.count("${alert(1)}") == 1
    assert "`" not in html.split("ninoheGeo.addFeatures", 1)[1].split(");", 1)[0]
    # the hostile page has exactly the elements the benign page has
    benign = render(standalone_map(good_catalog.features, good_catalog.plan, lang, STATIC))  # type: ignore[arg-type]
    assert parse(html).tags == parse(benign).tags


def test_hostile_layer_title_never_reaches_the_map(hostile_catalog: Catalog) -> None:
    html = render(standalone_map(hostile_catalog.features, hostile_catalog.plan, "en", STATIC))
    assert "onerror=alert('layer')" not in html
    assert "<b>層</b>" not in html


# --- the filtered view -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flt", "ids"),
    [
        (FeatureFilter(), ["castle", "station", "urushi-area", "bus-route"]),
        (FeatureFilter.of(pillar=frozenset({"P3"})), ["castle", "station", "bus-route"]),
        (FeatureFilter(featured_only=True), ["castle", "urushi-area"]),
        (FeatureFilter(text="nothing matches"), []),
    ],
    ids=["all", "pillar", "featured", "none"],
)
def test_feature_group_has_exactly_the_filtered_ids(
    good_catalog: Catalog, flt: FeatureFilter, ids: list[str]
) -> None:
    view = apply(good_catalog.features, flt)
    data, options = group_payload(feature_group(view, good_catalog.plan, "ja"))
    assert data["ids"] == ids
    assert len(data["names"]) == len(data["pillars"]) == len(data["loose"]) == len(ids)
    assert len(data["geoms"]) == len(ids)
    assert options["colors"] == [p.color for p in good_catalog.plan.pillars]


def test_payload_columns(good_catalog: Catalog) -> None:
    ja = features_payload(good_catalog.features, "ja")
    en = features_payload(good_catalog.features, "en")
    assert ja["names"][0] == "九戸城跡"
    assert en["names"][0] == "Kunohe Castle ruins"
    assert ja["pillars"] == [2, 2, 0, 2]
    assert ja["loose"] == [0, 0, 1, 1]
    assert [g[0] for g in ja["geoms"]] == [0, 0, 2, 1]
    assert ja["geoms"][0] == [0, [141303333, 40267222]]


def test_selected_and_labels_in_options(good_catalog: Catalog) -> None:
    _, options = group_payload(
        feature_group(good_catalog.features, good_catalog.plan, "en", selected="castle")
    )
    assert options["selected"] == "castle"
    assert options["looseLabel"] == "Approximate location"


def test_simplify_tolerance_keeps_points(good_catalog: Catalog) -> None:
    rough = features_payload(good_catalog.features, "ja", tolerance_deg=0.01)
    exact = features_payload(good_catalog.features, "ja")
    assert rough["geoms"][0] == exact["geoms"][0]
    assert rough["ids"] == exact["ids"]


def test_canvas_switch_above_threshold(
    good_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    plan = good_catalog.plan
    assert mapview.CANVAS_THRESHOLD >= 1000
    _, options = group_payload(feature_group(good_catalog.features, plan, "ja"))
    assert options["canvas"] is False
    monkeypatch.setattr(mapview, "CANVAS_THRESHOLD", 4)
    _, options = group_payload(feature_group(good_catalog.features, plan, "ja"))
    assert options["canvas"] is False  # 4 is not above 4
    monkeypatch.setattr(mapview, "CANVAS_THRESHOLD", 3)
    _, options = group_payload(feature_group(good_catalog.features, plan, "ja"))
    assert options["canvas"] is True


# --- base map --------------------------------------------------------------------------------


def test_base_map_has_no_features_and_a_legend(good_catalog: Catalog) -> None:
    html = render(base_map(good_catalog.plan, "ja"))
    assert "ninoheGeo.addFeatures" not in html
    assert "ninoheGeo.addLegend" in html
    assert "政策1 しごと・産業・交流" in html


def test_legend_options(good_catalog: Catalog) -> None:
    options = legend_options(good_catalog.plan, "en")
    assert options["title"] == "Legend"
    assert options["items"][0]["label"] == "Policy 1 Jobs, industry and exchange"
    assert len(options["items"]) == 4
    assert options["collapsible"] is True and options["openFrom"] == 1100


def test_unknown_basemap_falls_back_to_default(good_catalog: Catalog) -> None:
    html = render(base_map(good_catalog.plan, "ja", basemap_id="nope"))
    assert BASEMAPS[0].url in html


def test_standalone_map_fits_the_features(good_catalog: Catalog) -> None:
    html = render(standalone_map(good_catalog.features, good_catalog.plan, "ja", STATIC))
    assert "fitBounds" in html
    empty = good_catalog.features.iloc[0:0]
    assert "fitBounds" not in render(standalone_map(empty, good_catalog.plan, "ja", STATIC))
