"""A large catalogue's site: vector tiles and data files fetched when needed, not inlined."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely

from ninohe_geo.maps import vectortiles
from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.output import site as publish
from ninohe_geo.output.site import build_site
from ninohe_geo.query.residents import plan_order

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(REPO / "geodata")


@pytest.fixture(scope="module")
def tiled_site(shipped: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data published as a large catalogue is (threshold lowered to 5 features,
    the sample per policy area to 2)."""
    out = tmp_path_factory.mktemp("tiled") / "site"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(publish, "TILED_THRESHOLD", 5)
        mp.setattr(publish, "TILED_LIST_SAMPLE", 2)
        build_site(shipped, out)
    return out


def site_data(page: Path) -> dict[str, Any]:
    html = page.read_text(encoding="utf-8")
    found = re.search(r'<script type="application/json" id="site-data">(.*?)</script>', html, re.S)
    assert found
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_a_small_catalogue_stays_inline(shipped: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(shipped, out)
    data = site_data(out / "index.html")
    assert "payload" in data and "tiles" not in data
    assert not (out / publish.SEARCH_FILE).exists()
    assert not (out / "data" / vectortiles.FOLDER).exists()
    assert "protomaps-leaflet.js" not in (out / "index.html").read_text(encoding="utf-8")


def test_a_large_catalogue_is_served_as_tiles(tiled_site: Path, shipped: Catalog) -> None:
    data = site_data(tiled_site / "index.html")
    assert "payload" not in data and "index" not in data  # no feature is in the page
    tiles = data["tiles"]
    assert tiles["count"] == len(shipped.features)
    archive = tiled_site / tiles["url"]
    assert archive.is_file() and archive.read_bytes()[:7] == b"PMTiles"
    names = json.loads((tiled_site / tiles["names"]).read_text(encoding="utf-8"))
    assert names["ids"] == plan_order(shipped)  # tile position i = plan order
    html = (tiled_site / "index.html").read_text(encoding="utf-8")
    assert 'src="static/vendor/protomaps-leaflet/protomaps-leaflet.js"' in html
    assert (tiled_site / "static/vendor/protomaps-leaflet/protomaps-leaflet.js").is_file()
    # The English page reaches the same files from its folder.
    en = site_data(tiled_site / "en" / "index.html")["tiles"]
    assert en["url"] == "../" + tiles["url"] and en["search"] == "../" + publish.SEARCH_FILE
    assert (tiled_site / "en" / en["url"]).resolve() == archive.resolve()


def test_the_index_page_lists_a_sample_and_says_how_many_more(
    tiled_site: Path, shipped: Catalog
) -> None:
    html = (tiled_site / "index.html").read_text(encoding="utf-8")
    listed = re.findall(r'<li id="f-([^"]+)" class="project"', html)
    pillars = shipped.features.set_index("id")["pillar_index"]
    per_pillar = {
        p: [fid for fid in plan_order(shipped) if pillars[fid] == p] for p in set(pillars)
    }
    assert listed == [fid for p in sorted(per_pillar) for fid in per_pillar[p][:2]]
    notes = re.findall(r'<p class="hint more">(.*?)</p>', html)
    assert len(notes) == sum(len(ids) > 2 for ids in per_pillar.values())
    biggest = max(len(ids) for ids in per_pillar.values())
    assert any(f"全 {biggest} 件" in n for n in notes)
    # Every project keeps its own page.
    for fid in shipped.features["id"]:
        assert (tiled_site / "p" / f"{fid}.html").is_file()


def test_search_keys_and_places_match_the_catalogue(tiled_site: Path, shipped: Catalog) -> None:
    keys = dict(json.loads((tiled_site / publish.SEARCH_FILE).read_text(encoding="utf-8")))
    assert "くのへじょうあと" in keys["kunohe-castle-ruins"]
    assert list(keys) == plan_order(shipped)
    places = json.loads((tiled_site / publish.PLACES_FILE).read_text(encoding="utf-8"))
    boxes = np.asarray(places["boxes"]).reshape(-1, 4) * places["unit"]
    ordered = shipped.features.set_index("id").loc[plan_order(shipped)]
    truth = shapely.bounds(np.asarray(ordered.geometry.values))
    assert np.abs(boxes - truth).max() <= places["unit"] / 2 + 1e-12
    schematic = [i for i, acc in enumerate(ordered["accuracy"]) if acc == "schematic"]
    assert schematic and places["schematic"] == schematic


def test_areas_list_the_nearest_placed_projects(tiled_site: Path, shipped: Catalog) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(publish, "TILED_LIST_MAX", 3)
        rank = publish._area_rank(shipped.features, tiled=True)
    full = publish._area_rank(shipped.features, tiled=False)
    for district, rows in rank.items():
        placed = [r for r in full[district] if r[1] is not None]
        assert rows == placed[:3]


def test_hostile_names_stay_data_on_a_tiled_site(make_data_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cat = load_catalog(make_data_dir("hostile"))
    out = tmp_path / "hostile-tiled"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(publish, "TILED_THRESHOLD", 1)
        build_site(cat, out)
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<img src=x" not in html and "<script>alert(1)" not in html, page
    data = site_data(out / "index.html")
    names = json.loads((out / data["tiles"]["names"]).read_text(encoding="utf-8"))
    # The names file is JSON read by fetch() and written with textContent: raw text is right.
    assert any("<" in n for n in names["names_ja"] + names["names_en"])
