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


@pytest.mark.parametrize("geometry", [None, {"type": "Point", "coordinates": [141.3, 40.27]}])
def test_the_toolbar_speaks_japanese_in_the_japanese_ui(geometry: dict | None) -> None:
    """Issue #12: ``L.drawLocal`` is set before the control is built (it reads its titles then);
    the English UI keeps Leaflet.draw's own texts."""

    m = folium.Map(tiles=None)
    draw, editable = draw_control(geometry, lang="ja")
    if editable is not None:
        editable.add_to(m)
    draw.add_to(m)
    html = m.get_root().render()
    local = html.index("(L.drawLocal, ")
    assert local < html.index("new L.Control.Draw(")
    for text in ("点を置く", "線を描く", "位置・形を編集", '"text":"保存"'):
        assert text in html[local:]
    # st_folium builds its page from each element's script macro alone: the texts are in it.
    script = str(draw._template.module.script(draw))
    assert script.index("(L.drawLocal, ") < script.index("new L.Control.Draw(")
    english = folium.Map(tiles=None)
    draw_control(geometry, lang="en")[0].add_to(english)
    assert "L.drawLocal" not in english.get_root().render()


def test_the_japanese_texts_cover_every_text_leaflet_draw_has() -> None:
    """Every key of Leaflet.draw's ``L.drawLocal`` (1.0.4) has a Japanese text, and no text is
    HTML (Leaflet.draw puts some into ``innerHTML``)."""
    import re

    from ninohe_geo.maps.drawtools import DRAW_TEXTS_JA

    source = next(a for a in draw_assets() if a.target.endswith("leaflet.draw.js")).source
    src = source.with_name("leaflet.draw-src.js").read_text(encoding="utf-8")
    block = src[src.index("L.drawLocal = {") : src.index("};", src.index("L.drawLocal = {"))]
    block = re.sub(r"//[^\n]*", "", block)  # the commented-out `format` section

    def leaves(tree: dict, prefix: str = "") -> set[str]:  # type: ignore[type-arg]
        out: set[str] = set()
        for k, v in tree.items():
            out |= leaves(v, f"{prefix}{k}.") if isinstance(v, dict) else {f"{prefix}{k}"}
        return out

    ours = leaves(DRAW_TEXTS_JA)
    # Leaflet.draw's leaves: the `key: 'text'` lines, with their nesting from the braces.
    path: list[str] = []
    theirs: set[str] = set()
    for line in block.splitlines()[1:]:
        line = line.strip()
        if opened := re.match(r"(\w+): \{$", line):
            path.append(opened.group(1))
        elif leaf := re.match(r"(\w+): '", line):
            theirs.add(".".join([*path, leaf.group(1)]))
        elif line.startswith("}"):
            path.pop()
    assert theirs and ours == theirs
    assert not any("<" in str(v) for v in _values(DRAW_TEXTS_JA))


def _values(tree: dict) -> list[object]:  # type: ignore[type-arg]
    out: list[object] = []
    for v in tree.values():
        out.extend(_values(v) if isinstance(v, dict) else [v])
    return out
