"""mapview above CANVAS_THRESHOLD features: the vector-tile archive, else Leaflet's canvas."""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path

import geopandas as gpd
import pytest

from ninohe_geo.maps import assets, mapview, vectortiles
from ninohe_geo.model.plan import Plan, load_plan

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(REPO / "geodata" / "plan.yaml")


@pytest.fixture(scope="module")
def big(plan: Plan) -> gpd.GeoDataFrame:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    synthetic = importlib.import_module("bench.synthetic")
    made: gpd.GeoDataFrame = synthetic.make_frame(
        mapview.CANVAS_THRESHOLD + 2, "mixed", plan, seed=3
    )
    return made


def _script(group: object) -> str:
    m = mapview.base_map(load_plan(REPO / "geodata" / "plan.yaml"), "ja")
    group.add_to(m)  # type: ignore[attr-defined]
    html: str = m.get_root().render()
    return html


def _payload(html: str, draw: str) -> dict[str, object]:
    match = re.search(rf"ninoheGeo\.{draw}\(\w+, (\{{.*?\}}), (\{{.*?\}})\);", html)
    assert match, f"no {draw} call"
    data: dict[str, object] = json.loads(match.group(1))
    data["_options"] = json.loads(match.group(2))
    return data


def test_large_views_without_an_archive_are_drawn_on_leaflets_canvas(
    big: gpd.GeoDataFrame, plan: Plan
) -> None:
    html = _script(mapview.feature_group(big, plan, "ja"))
    data = _payload(html, "addFeatures")
    assert len(data["ids"]) == len(big)  # type: ignore[arg-type]
    assert data["_options"]["canvas"] is True  # type: ignore[index]
    assert "addTileDataset" not in html


def test_small_views_keep_the_svg_layer(big: gpd.GeoDataFrame, plan: Plan) -> None:
    small = big.iloc[: mapview.CANVAS_THRESHOLD]
    data = _payload(_script(mapview.feature_group(small, plan, "ja")), "addFeatures")
    assert data["_options"]["canvas"] is False  # type: ignore[index]


def test_no_private_map_format_is_served() -> None:
    """Issue #15: the canvas renderer and file format of our own are retired; large maps are
    vector tiles (protomaps-leaflet from npm) or Leaflet's own canvas."""
    names = [a.name for a in assets.assets() if a.kind == "js"]
    assert "protomaps_leaflet" in names and "ninohe_tiles" in names
    assert not any("fast" in n for n in names)
    assert mapview.DRAW_FUNCTIONS == ("addFeatures", "addTileDataset")


def test_only_known_drawing_functions_are_written() -> None:
    element = mapview.PlanFeatures("{}", "{}", draw="alert(1);x")
    assert element.draw == "addFeatures"
    assert mapview.PlanFeatures("{}", "{}", draw="addFastFeatures").draw == "addFeatures"


def test_with_vector_tiles_a_large_view_sends_only_their_url_and_a_mask(
    big: gpd.GeoDataFrame, plan: Plan, tmp_path: Path
) -> None:
    dataset = vectortiles.publish(big, tmp_path, "/app/static")
    view = big[big.index != big.index[5]]  # one left out
    html = _script(mapview.feature_group(view, plan, "en", selected=view.index[3], dataset=dataset))
    ref = _payload(html, "addTileDataset")
    assert ref["url"] == dataset.url and ref["url"].endswith(".pmtiles")
    assert ref["names"] == dataset.names_url
    assert ref["mask"] == dataset.mask(view)
    assert ref["count"] == len(view) and ref["selected"] == 3
    assert ref["maxZoom"] == vectortiles.MAX_ZOOM
    assert "geoms" not in ref and "ninoheGeo.addFeatures(" not in html
    options = ref["_options"]
    assert options["lang"] == "en" and options["selected"] == view.index[3]  # type: ignore[index]
    assert options["loadError"].startswith("The map data")  # type: ignore[index]
    inline = _script(mapview.feature_group(view, plan, "en"))
    assert len(html) * 20 < len(inline)  # a mask, not the geometry


def test_with_a_catalogue_file_small_or_foreign_views_are_sent_inline(
    big: gpd.GeoDataFrame, plan: Plan, tmp_path: Path
) -> None:
    dataset = vectortiles.publish(big, tmp_path, "/app/static")
    small = big.iloc[: mapview.CANVAS_THRESHOLD]
    assert "ninoheGeo.addFeatures(" in _script(
        mapview.feature_group(small, plan, "ja", dataset=dataset)
    )
    foreign = big.copy()
    foreign.index = [f"other-{i}" for i in range(len(big))]
    html = _script(mapview.feature_group(foreign, plan, "ja", dataset=dataset))
    assert "addTileDataset" not in html
    assert _payload(html, "addFeatures")["_options"]["canvas"] is True  # type: ignore[index]
