"""A large catalogue as one static binary file; a view as a bit mask of it."""

from __future__ import annotations

import base64
import gzip
import importlib
import os
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import MultiLineString, MultiPoint, MultiPolygon, Polygon

from ninohe_geo.maps import fastdata, lod
from ninohe_geo.maps.fastpayload import reduce_geometries
from ninohe_geo.model.plan import Plan, load_plan
from ninohe_geo.query.filters import FeatureFilter, apply

REPO = Path(__file__).resolve().parents[2]
DETAIL = lod.for_zoom(11)


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(REPO / "geodata" / "plan.yaml")


@pytest.fixture(scope="module")
def frame(plan: Plan) -> gpd.GeoDataFrame:
    """300 synthetic mixed features (the benchmark's generator) plus every multi-part kind,
    a polygon with a hole, and a hostile name."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    made: gpd.GeoDataFrame = importlib.import_module("bench.synthetic").make_frame(
        300, "mixed", plan, seed=11
    )
    shell = [(141.2, 40.2), (141.3, 40.2), (141.3, 40.3), (141.2, 40.3)]
    hole = [(141.24, 40.24), (141.26, 40.24), (141.26, 40.26)]
    extra = {
        "multi-polygon": MultiPolygon(
            [Polygon(shell, [hole]), Polygon([(141.4, 40.1), (141.5, 40.1), (141.45, 40.15)])]
        ),
        "multi-point": MultiPoint([(141.25, 40.22), (141.26, 40.23)]),
        "multi-line": MultiLineString(
            [[(141.2, 40.2), (141.3, 40.3)], [(141.1, 40.1), (141.0, 40.0)]]
        ),
        "holed": Polygon(shell, [hole]),
    }
    rows = made.iloc[: len(extra)].copy()
    rows["id"] = list(extra)
    rows.index = rows["id"]
    rows = rows.set_geometry(gpd.GeoSeries(list(extra.values()), index=rows.index, crs=4326))
    rows.loc["holed", "name_ja"] = '</script><img src=x onerror="alert(1)">'
    out: gpd.GeoDataFrame = gpd.GeoDataFrame(
        gpd.pd.concat([made, rows]), geometry="geometry", crs=4326
    )
    return out


def _expected_coords(geometry: object) -> np.ndarray:
    reduced = reduce_geometries(np.asarray([geometry], dtype=object), DETAIL, rescale=False)[0]
    return np.rint(shapely.get_coordinates(reduced) * DETAIL.scale).astype(np.int32)


def test_every_geometry_round_trips_at_the_level_of_detail(frame: gpd.GeoDataFrame) -> None:
    data = fastdata.parse(fastdata.build(frame, DETAIL))
    assert (data["n"], data["scale"]) == (len(frame), DETAIL.scale)
    assert data["ids"] == frame["id"].tolist()
    assert data["names_ja"] == frame["name_ja"].tolist()
    assert data["names_en"] == frame["name_en"].tolist()
    assert data["pillar"].tolist() == frame["pillar_index"].tolist()
    assert data["loose"].tolist() == frame["loose"].astype(int).tolist()
    for i, geometry in enumerate(frame.geometry.values):
        parts = slice(
            data["part_start"][data["feat_part"][i]], data["part_start"][data["feat_part"][i + 1]]
        )
        assert (data["coords"][parts] == _expected_coords(geometry)).all(), frame["id"].iloc[i]


def test_parts_follow_the_geometry(frame: gpd.GeoDataFrame) -> None:
    data = fastdata.parse(fastdata.build(frame, DETAIL))
    kinds = dict(zip(data["ids"], data["kind"].tolist(), strict=True))
    sequences = dict(zip(data["ids"], np.diff(data["feat_part"]).tolist(), strict=True))
    assert kinds["multi-point"] == 0 and sequences["multi-point"] == 2
    assert kinds["multi-line"] == 1 and sequences["multi-line"] == 2
    assert kinds["holed"] == 2 and sequences["holed"] == 2  # exterior, then the hole
    assert kinds["multi-polygon"] == 2 and sequences["multi-polygon"] == 3
    exterior = data["part_start"][data["feat_part"][data["ids"].index("holed")]]
    # The exterior comes first: its first vertex is the shell's.
    assert tuple(data["coords"][exterior]) == (14_120_000, 4_020_000)


def test_the_file_is_compressed_and_names_are_escaped_json(frame: gpd.GeoDataFrame) -> None:
    blob = fastdata.build(frame, DETAIL)
    raw = gzip.decompress(blob)
    assert raw[:4] == fastdata.MAGIC
    assert len(blob) < len(raw) / 2
    assert b"</script>" not in raw and b"<img" not in raw  # script_json escapes < and >
    assert fastdata.parse(blob)["names_ja"][-1] == '</script><img src=x onerror="alert(1)">'


def test_a_file_that_is_not_ours_is_refused() -> None:
    with pytest.raises(ValueError, match="magic"):
        fastdata.parse(gzip.compress(b"<VRTDataset>"))


def test_the_mask_marks_exactly_the_features_of_the_view(
    frame: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    dataset = fastdata.publish(frame, tmp_path, "/app/static", DETAIL)
    view = apply(frame, FeatureFilter.of(pillar=frozenset({"P3"})))
    assert 0 < len(view) < len(frame)
    bits = np.unpackbits(
        np.frombuffer(base64.b64decode(dataset.mask(view) or ""), dtype=np.uint8),
        bitorder="little",
    )[: len(frame)]
    assert frame["id"][bits.astype(bool)].tolist() == view["id"].tolist()
    assert dataset.mask(frame.iloc[:0]) is not None  # nothing shown is a mask too
    # A feature the file does not hold: no mask (the caller sends the geometry instead).
    stranger = frame.iloc[:1].copy()
    stranger.index = ["not-in-the-file"]
    assert dataset.mask(stranger) is None


def test_publish_writes_once_by_content_and_serves_it_under_the_static_url(
    frame: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    dataset = fastdata.publish(frame, tmp_path, "/app/static/", DETAIL)
    assert dataset.path.parent == tmp_path / "data"
    assert dataset.url == f"/app/static/data/{dataset.path.name}"
    assert dataset.path.name == f"fast-{dataset.digest}.bin"
    assert fastdata.parse(dataset.path.read_bytes())["n"] == len(frame)
    # The same frame again: the same dataset, nothing rebuilt.
    assert fastdata.publish(frame, tmp_path, "/app/static", DETAIL) is dataset
    # An equal copy (a reload): the same file name, since it is named by its content.
    again = fastdata.publish(frame.copy(), tmp_path, "/app/static", DETAIL)
    assert again.path == dataset.path and again is not dataset
    assert [p.name for p in (tmp_path / "data").iterdir()] == [dataset.path.name]
    # Different data: a different file.
    other = fastdata.publish(frame.iloc[:-1].copy(), tmp_path, "/app/static", DETAIL)
    assert other.path != dataset.path


def test_old_unused_files_are_pruned_and_recent_ones_kept(
    frame: gpd.GeoDataFrame, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    stale, recent, unrelated = folder / "fast-old.bin", folder / "fast-new.bin", folder / "x.bin"
    for path in (stale, recent, unrelated):
        path.write_bytes(b"x")
    now = time.time()  # the process clock (faketime may move it away from the disk's)
    os.utime(recent, (now, now))
    long_ago = now - (fastdata.KEEP_DAYS + 1) * 86400
    os.utime(stale, (long_ago, long_ago))
    os.utime(unrelated, (long_ago, long_ago))
    fastdata.publish(frame.copy(), tmp_path, "/app/static", DETAIL)
    assert not stale.exists()
    assert recent.exists() and unrelated.exists()
