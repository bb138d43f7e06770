"""Large catalogues on the editing page and in the import preview are drawn from vector tiles,
as the map page draws them (issue #15): the page carries the archive's address and a bit mask,
never the features' geometry or names, and excluding rows in the preview does not build the
tiles again.

(What the browser then draws from the archive is tested on the map page, in
``tests/browser/test_tiles_map.py``; these pages hand it the same element.)
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import pytest
from importer_support import test_boundary
from shapely.geometry import mapping

from ninohe_geo.io.pipeline import prepare_import
from ninohe_geo.maps import mapview
from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.ui import common as web
from ninohe_geo.ui import editpage, importpage

REPO = Path(__file__).resolve().parents[2]
#: Just above the threshold where a map stops drawing one SVG element per feature.
N = mapview.CANVAS_THRESHOLD + 300


@pytest.fixture
def static(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The app's static folder, here a temporary one (never the checkout's)."""
    folder = tmp_path / "static"
    monkeypatch.setattr(web, "static_dir", lambda: folder)
    return folder


def _dataset_module() -> Any:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return importlib.import_module("bench.dataset")


@pytest.fixture(scope="module")
def large_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root: Path = _dataset_module().write_dataset(
        tmp_path_factory.mktemp("large") / "data", N, REPO / "geodata"
    )
    return root


@pytest.fixture(scope="module")
def large(large_root: Path) -> Catalog:
    return load_catalog(large_root)


def _html(m: Any) -> str:
    html: str = m.get_root().render()
    return html


def _tile_ref(html: str) -> dict[str, Any]:
    """The first argument of ``ninoheGeo.addTileDataset(group, {…}, options)``."""
    found = re.search(r"ninoheGeo\.addTileDataset\([^,]+, (\{.*?\}), \{", html)
    assert found, "the map does not draw from vector tiles"
    ref: dict[str, Any] = json.loads(found.group(1))
    return ref


def _archives(static: Path) -> list[str]:
    return sorted(p.name for p in (static / "tiles").glob("*.pmtiles"))


def test_the_editing_map_of_a_large_catalogue_reads_the_map_pages_archive(
    static: Path, large: Catalog
) -> None:
    html = _html(editpage.edit_map(large, "ja", None))
    ref = _tile_ref(html)
    dataset = web.map_dataset(large)
    assert dataset is not None
    assert ref["url"] == dataset.url and ref["count"] == len(large.features)
    assert _archives(static) == [dataset.path.name]
    # Neither geometry nor names travel in the page: a name is only in the names file.
    assert "addFeatures(" not in html
    name = str(large.features["name_ja"].iloc[17])
    assert name not in html and name in dataset.path.with_suffix(".json").read_text("utf-8")
    # Editing one feature: the same archive, with the Draw control holding its geometry.
    feature = large.features.iloc[17]
    html = _html(editpage.edit_map(large, "ja", mapping(feature.geometry)))
    assert _tile_ref(html)["url"] == dataset.url and "L.Control.Draw" in html
    assert _archives(static) == [dataset.path.name]


def test_the_editing_map_of_a_small_catalogue_draws_each_feature(
    static: Path, make_data_dir: Any
) -> None:
    cat = load_catalog(make_data_dir("good"))
    html = _html(editpage.edit_map(cat, "ja", None))
    assert "ninoheGeo.addFeatures(" in html and "addTileDataset" not in html
    assert not (static / "tiles").exists()


@pytest.fixture(scope="module")
def big_upload(large_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One GeoJSON file holding every feature of the large data folder: a city's upload."""
    features = []
    for layer in sorted((large_root / "layers").glob("*.geojson")):
        features += json.loads(layer.read_text("utf-8"))["features"]
    upload = tmp_path_factory.mktemp("upload") / "big.geojson"
    upload.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return upload


class Previewer:
    """Draws the import preview of one prepared file as the page does, counting tile builds."""

    def __init__(self, prepared: Any, monkeypatch: pytest.MonkeyPatch) -> None:
        self.prepared = prepared
        self.kept: dict[str, Any] = {}
        self.builds = 0
        real = web.preview_dataset

        def counted(features: Any) -> Any:
            self.builds += 1
            return real(features)

        monkeypatch.setattr(web, "preview_dataset", counted)

    def draw(self, exclude: list[str], repair: bool = False, tiled: bool = True) -> str:
        preview = self.prepared.preview(exclude, repair)
        group = importpage.preview_group(
            self.prepared, preview, repair, "ja", self.kept, tiled=tiled
        )
        m = mapview.base_map(self.prepared.plan, "ja")
        group.add_to(m)
        return _html(m)


def test_the_import_preview_of_a_large_file_is_tiled_once_and_masked_per_exclusion(
    static: Path, big_upload: Path, make_data_dir: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared = prepare_import(big_upload, "big", store=make_data_dir(), boundary=test_boundary())
    features = json.loads(big_upload.read_text("utf-8"))["features"]
    view = Previewer(prepared, monkeypatch)
    html = view.draw([])
    whole = _tile_ref(html)
    assert whole["count"] == len(prepared.preview((), False)) > mapview.CANVAS_THRESHOLD
    assert str(features[3]["properties"]["name_ja"]) not in html
    # The preview's archive is kept apart from the map page's (which it never prunes).
    assert whole["url"].startswith("/app/static/preview/tiles/plan-")
    assert not (static / "tiles").exists()
    (archive,) = _archives(static / web.PREVIEW_FOLDER)
    assert view.builds == 1
    excluded = [str(f["properties"]["id"]) for f in features[:25]]
    fewer = _tile_ref(view.draw(excluded))
    # The same archive (no second build), a different mask, 25 features fewer.
    assert view.builds == 1
    assert fewer["url"] == whole["url"] and _archives(static / web.PREVIEW_FOLDER) == [archive]
    assert fewer["count"] == whole["count"] - 25 and fewer["mask"] != whole["mask"]
    # Choosing repairs is another set of features: tiled again, once.
    view.draw([], repair=True)
    view.draw(excluded, repair=True)
    assert view.builds == 2


def test_a_signed_out_preview_writes_nothing_on_the_server(
    static: Path, big_upload: Path, make_data_dir: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared = prepare_import(big_upload, "big", store=make_data_dir(), boundary=test_boundary())
    view = Previewer(prepared, monkeypatch)
    html = view.draw([], tiled=False)
    # Drawn inline on Leaflet's canvas: no archive, nothing in the static folder.
    assert "addTileDataset" not in html and "ninoheGeo.addFeatures(" in html
    assert re.search(r'"canvas": ?true', html)
    assert view.builds == 0 and not static.exists()
    assert view.kept == {}
