"""Large catalogues as PMTiles: what the archive holds, its names file, caching, the mask."""

from __future__ import annotations

import base64
import importlib
import json
import os
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from ninohe_geo.maps import vectortiles
from ninohe_geo.model.plan import Plan, load_plan

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(REPO / "geodata" / "plan.yaml")


@pytest.fixture(scope="module")
def frame(plan: Plan) -> gpd.GeoDataFrame:
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    synthetic = importlib.import_module("bench.synthetic")
    made: gpd.GeoDataFrame = synthetic.make_frame(300, "mixed", plan, seed=5)
    made.loc[made.index[7], "name_ja"] = '</script><img src=x onerror="alert(1)">'
    return made


def test_the_archive_is_pmtiles_with_every_feature_and_its_three_numbers(
    frame: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    path = vectortiles.build(frame, tmp_path / "plan.pmtiles")
    head = path.read_bytes()[:8]
    assert head[:7] == b"PMTiles" and head[7] == 3  # PMTiles version 3
    info = pyogrio.read_info(path, layer=vectortiles.LAYER)
    assert info["driver"] == "PMTiles"
    # The most detailed zoom holds every feature (a feature crossing tiles is in each).
    tiles = pyogrio.read_dataframe(
        path, layer=vectortiles.LAYER, read_geometry=False, columns=["i", "p", "l"]
    )
    assert set(tiles["i"]) == set(range(len(frame)))
    by_i = tiles.drop_duplicates("i").set_index("i").sort_index()
    assert list(by_i["p"]) == list(frame["pillar_index"].astype(int))
    assert list(by_i["l"]) == list(frame["loose"].astype(int))
    assert [p.name for p in tmp_path.iterdir()] == ["plan.pmtiles"]  # no temporary file left


def test_tiles_are_exact_to_the_eye_at_the_last_zoom(
    frame: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    points = frame[frame.geom_type == "Point"]
    assert len(points) > 10
    path = vectortiles.build(points, tmp_path / "points.pmtiles")
    back = pyogrio.read_dataframe(path, layer=vectortiles.LAYER, columns=["i"])
    back = back.drop_duplicates("i").set_index("i").sort_index()
    # Within 1 m of the source (0.46 m grid at zoom 13; a zoom-18 pixel is 0.46 m here).
    mercator = gpd.GeoSeries(points.geometry.values, crs=4326).to_crs(3857)
    got = gpd.GeoSeries(back.geometry.values, crs=back.crs).to_crs(3857)
    error = shapely.distance(mercator.values, got.values) * np.cos(np.radians(40.25))
    assert float(error.max()) < 1.0


def test_the_names_file_holds_ids_and_both_names_in_tile_order(frame: gpd.GeoDataFrame) -> None:
    doc = json.loads(vectortiles.names_json(frame))
    assert doc["ids"] == list(frame["id"])
    assert doc["names_ja"][7] == '</script><img src=x onerror="alert(1)">'  # text, for textContent
    assert doc["names_en"] == list(frame["name_en"])


def test_publish_builds_once_and_a_restart_finds_the_archive(
    frame: gpd.GeoDataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dataset = vectortiles.publish(frame, tmp_path, "/app/static/")
    assert dataset.url == f"/app/static/tiles/{dataset.path.name}"
    assert dataset.names_url.endswith(".json") and dataset.path.is_file()
    assert vectortiles.publish(frame, tmp_path, "/app/static") is dataset  # same frame: lookup
    # A new process (another frame object, same content) reuses the file without building.
    copy = frame.copy()
    monkeypatch.setattr(vectortiles, "build", lambda *a: pytest.fail("built again"))
    again = vectortiles.publish(copy, tmp_path, "/app/static")
    assert again.url == dataset.url and again is not dataset


def test_the_catalogue_in_use_stays_remembered_while_other_frames_come_and_go(
    frame: gpd.GeoDataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vectortiles._published.clear()
    catalogue = vectortiles.publish(frame, tmp_path, "/app/static")
    others = [frame.iloc[: 50 + k] for k in range(vectortiles.REMEMBERED + 2)]
    for other in others:  # import previews, say, each a frame of its own
        vectortiles.publish(other, tmp_path / "preview", "/app/static/preview")
        # the map page asks for the catalogue between them: still a lookup, no digest
        monkeypatch.setattr(vectortiles, "digest_of", lambda *a: pytest.fail("looked again"))
        assert vectortiles.publish(frame, tmp_path, "/app/static") is catalogue
        monkeypatch.undo()
    assert len(vectortiles._published) == vectortiles.REMEMBERED
    # The least recently used is the one forgotten: the first preview.
    assert all(k[0] != id(others[0]) for k in vectortiles._published)


def test_a_changed_catalogue_is_a_new_archive_and_old_ones_are_pruned(
    frame: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    first = vectortiles.publish(frame, tmp_path, "/app/static")
    old = first.path.stat().st_mtime - (vectortiles.KEEP_DAYS + 1) * 86400
    for path in (tmp_path / vectortiles.FOLDER).iterdir():
        os.utime(path, (old, old))
    (tmp_path / vectortiles.FOLDER / ".tmp-killed.pmtiles").write_bytes(b"half")
    os.utime(tmp_path / vectortiles.FOLDER / ".tmp-killed.pmtiles", (old, old))
    vectortiles._published.clear()  # the server that published it is gone
    changed = frame.copy()
    changed.loc[changed.index[0], "name_ja"] = "変えた名前"
    second = vectortiles.publish(changed, tmp_path, "/app/static")
    assert second.digest != first.digest
    left = sorted(p.name for p in (tmp_path / vectortiles.FOLDER).iterdir())
    assert left == sorted([second.path.name, Path(second.names_url).name])


def test_an_archive_in_use_is_never_pruned_and_comes_back_if_removed(
    frame: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    vectortiles._published.clear()
    first = vectortiles.publish(frame, tmp_path, "/app/static")
    old = first.path.stat().st_mtime - (vectortiles.KEEP_DAYS + 1) * 86400
    for path in (tmp_path / vectortiles.FOLDER).iterdir():
        os.utime(path, (old, old))
    # Still in use here: publishing another catalogue (an import beside it) spares it ...
    changed = frame.copy()
    changed.loc[changed.index[0], "name_ja"] = "変えた名前"
    vectortiles.publish(changed, tmp_path, "/app/static")
    assert first.path.is_file()
    # ... a remembered publish marks it fresh again (another server's prune spares it) ...
    assert vectortiles.publish(frame, tmp_path, "/app/static") is first
    assert first.path.stat().st_mtime > old + 86400
    # ... and if someone removed it anyway, the next publish writes it again.
    first.path.unlink()
    again = vectortiles.publish(frame, tmp_path, "/app/static")
    assert again.path == first.path and again.path.is_file()


def test_the_mask_has_one_bit_per_catalogue_feature(
    frame: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    dataset = vectortiles.publish(frame, tmp_path, "/app/static")
    view = frame.iloc[[0, 2, 9]]
    bits = np.unpackbits(
        np.frombuffer(base64.b64decode(dataset.mask(view) or ""), dtype=np.uint8), bitorder="little"
    )[: len(frame)]
    assert list(np.flatnonzero(bits)) == [0, 2, 9]
    foreign = view.copy()
    foreign.index = ["x", "y", "z"]
    assert dataset.mask(foreign) is None
    assert dataset.position(frame.index[9]) == 9
    assert dataset.position("nope") == -1 and dataset.position(None) == -1


def test_no_tile_is_coarsened_or_loses_a_feature(
    frame: gpd.GeoDataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """GDAL coarsens a tile above MAX_SIZE, then leaves features out, and leaves features out
    above MAX_FEATURES: both limits reach GDAL (a tiny one loses features), ours lose none."""

    def kept(path: Path) -> int:
        tiles = pyogrio.read_dataframe(path, layer=vectortiles.LAYER, read_geometry=False)
        return int(tiles["i"].nunique())

    assert kept(vectortiles.build(frame, tmp_path / "whole.pmtiles")) == len(frame)
    monkeypatch.setattr(vectortiles, "MAX_TILE_BYTES", 400)
    assert kept(vectortiles.build(frame, tmp_path / "small.pmtiles")) < len(frame)
    monkeypatch.setattr(vectortiles, "MAX_TILE_BYTES", 2_000_000)
    monkeypatch.setattr(vectortiles, "MAX_TILE_FEATURES", 10)
    assert kept(vectortiles.build(frame, tmp_path / "few.pmtiles")) < len(frame)


def test_only_the_newest_archives_are_kept_after_many_edits(
    frame: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    """Every edit of a large catalogue is a new archive: beyond KEEP_LATEST, one unused for
    an hour goes, well before KEEP_DAYS."""
    vectortiles._published.clear()
    folder = tmp_path / vectortiles.FOLDER
    made = []
    for n in range(vectortiles.KEEP_LATEST + 2):
        edited = frame.copy()
        edited.loc[edited.index[0], "name_ja"] = f"編集 {n}"
        made.append(vectortiles.publish(edited, tmp_path, "/app/static"))
        vectortiles._published.clear()  # a server that moved on
        age = time.time() - 7200 + n  # two hours ago, oldest first
        for path in (made[-1].path, made[-1].path.with_suffix(".json")):
            os.utime(path, (age, age))
    last = vectortiles.publish(frame, tmp_path, "/app/static")
    left = {p.name for p in folder.glob("plan-*.pmtiles")}
    kept = {d.path.name for d in made[-(vectortiles.KEEP_LATEST - 1) :]} | {last.path.name}
    assert left == kept
    assert {p.stem for p in folder.glob("plan-*.json")} == {Path(n).stem for n in kept}
