"""Drawing for editors: Leaflet.draw served from an installed package, drawn geometry cleaned."""

from __future__ import annotations

import json

import folium
import pytest
from repo_paths import REPO_ROOT

from ninohe_geo.maps.assets import assets, draw_assets
from ninohe_geo.maps.drawtools import (
    DefaultIconPath,
    draw_control,
    drawn_geometry,
    last_drawing,
)


def test_leaflet_draw_comes_from_the_pinned_npm_package() -> None:
    """Leaflet.draw 1.0.4 from package-lock.json (npm ci), never a CDN nor a Django package."""
    files = draw_assets()
    js = next(a for a in files if a.target.endswith("leaflet.draw.js"))
    assert "Leaflet.draw" in js.source.read_text(encoding="utf-8")[:300]
    assert js.source.parts[-4:-1] == ("node_modules", "leaflet-draw", "dist")
    lock = json.loads((REPO_ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/leaflet-draw"]["version"] == "1.0.4"
    installed = json.loads((js.source.parents[1] / "package.json").read_text(encoding="utf-8"))
    assert installed["version"] == "1.0.4"
    assert any(a.target.endswith("images/spritesheet.svg") for a in files)
    assert all(a.kind == "file" for a in files)  # not linked into every map
    assert {a.target for a in files} <= {a.target for a in assets()}


@pytest.mark.parametrize("geometry", [None, {"type": "Point", "coordinates": [141.3, 40.27]}])
def test_draw_control_links_no_cdn(geometry: dict | None) -> None:
    m = folium.Map(tiles=None)
    DefaultIconPath().add_to(m)
    draw, editable = draw_control(geometry)
    if editable is not None:
        editable.add_to(m)
    draw.add_to(m)
    html = m.get_root().render()
    assert "/app/static/vendor/leaflet-draw/leaflet.draw.js" in html
    assert "leaflet.draw" not in html.replace("/app/static/vendor/leaflet-draw/leaflet.draw", "")
    assert (editable is None) == (geometry is None)
    # The default marker icon is set to the served images before the editable layer is made.
    icon = html.index('L.Icon.Default.imagePath = "/app/static/vendor/leaflet/images/"')
    assert editable is None or icon < html.index(editable.get_name() + " = L.geoJson")


def test_drawn_geometry_is_cleaned_and_checked() -> None:
    point = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Point", "coordinates": [141.304781234567, 40.271251234567]},
    }
    assert drawn_geometry(point) == {"type": "Point", "coordinates": [141.3047812, 40.2712512]}
    assert drawn_geometry({"type": "GeometryCollection", "geometries": []}) is None
    assert drawn_geometry({"type": "Point", "coordinates": ["<script>", 1]}) is None
    assert drawn_geometry({"type": "Point", "coordinates": [1, True]}) is None
    assert drawn_geometry("Point") is None
    assert last_drawing({"all_drawings": [point]}) == drawn_geometry(point)
    assert last_drawing({"all_drawings": []}) is None
    assert last_drawing(None) is None
