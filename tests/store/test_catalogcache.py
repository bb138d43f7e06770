"""The checked catalogue kept as GeoParquet: the same catalogue, never a stale one."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import geopandas.testing as gpdt
import pytest

from ninohe_geo.model import catalog as catalog_module
from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.store import catalogcache
from ninohe_geo.store.catalogcache import cache_key, load_catalog_cached

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(REPO / "geodata", root)
    return root


def _same(a: Catalog, b: Catalog) -> None:
    gpdt.assert_geodataframe_equal(a.features, b.features)
    gpdt.assert_geodataframe_equal(a.reference, b.reference)
    assert a.layers == b.layers
    assert a.problems == b.problems
    assert a.projects == b.projects
    assert a.plan == b.plan


def _no_check(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: object) -> None:
        pytest.fail("the layers were read and checked again")

    monkeypatch.setattr(catalogcache, "load_layers", fail)
    monkeypatch.setattr(catalog_module, "read_layer", fail)


def test_a_second_load_comes_from_the_cache_and_equals_the_files(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_catalog_cached(data, tmp_path / "cache")
    _same(first, load_catalog(data))
    assert len(first.features) > 0 and len(first.reference) > 0 and first.projects
    _no_check(monkeypatch)
    second = load_catalog_cached(data, tmp_path / "cache")
    _same(second, first)
    assert second.features is not first.features


def test_any_edit_of_a_layer_or_the_plan_is_a_new_key(data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    before = load_catalog_cached(data, cache)
    layer = sorted((data / "layers").glob("*.geojson"))[0]
    doc = json.loads(layer.read_text(encoding="utf-8"))
    doc["features"][0]["properties"]["name_ja"] = "名前を変えた"
    key = cache_key(data)
    layer.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    assert cache_key(data) != key
    after = load_catalog_cached(data, cache)
    fid = doc["features"][0]["id"]
    table = after.features if fid in after.features.index else after.reference
    assert table.loc[fid, "name_ja"] == "名前を変えた"
    assert len(after.features) == len(before.features)
    key = cache_key(data)
    plan = data / "plan.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache_key(data) != key


def test_projects_are_read_on_every_load(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    load_catalog_cached(data, cache)
    (data / "projects.json").write_text('{"projects": []}', encoding="utf-8")
    _no_check(monkeypatch)
    again = load_catalog_cached(data, cache)
    assert again.projects == ()
    assert set(again.features["years"]) == {""}


def test_a_damaged_or_unwritable_cache_costs_only_the_slow_load(data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = load_catalog_cached(data, cache)
    entry = cache / catalogcache.FOLDER / cache_key(data)
    (entry / "features.parquet").write_bytes(b"PAR1 not really")
    _same(load_catalog_cached(data, cache), expected)
    # ... and the damaged entry is written again: the next start is fast.
    assert catalogcache._read(entry, data).features.index.equals(expected.features.index)
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    _same(load_catalog_cached(data, blocked), expected)


def test_old_entries_are_pruned(data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    plan = data / "plan.yaml"
    text = plan.read_text(encoding="utf-8")
    for i in range(catalogcache.KEEP + 2):
        plan.write_text(text + f"\n# edit {i}\n", encoding="utf-8")
        load_catalog_cached(data, cache)
    entries = [p for p in (cache / catalogcache.FOLDER).iterdir() if not p.name.startswith(".")]
    assert len(entries) == catalogcache.KEEP
    assert cache_key(data) in {p.name for p in entries}


def test_a_layer_that_cannot_be_read_is_reported_and_the_rest_loads(
    data: Path, tmp_path: Path
) -> None:
    (data / "layers" / "broken.geojson").mkdir()  # a folder where a layer file should be
    cat = load_catalog_cached(data, tmp_path / "cache")
    assert len(cat.features) == len(load_catalog(REPO / "geodata").features)
    assert any("broken.geojson" in p.file for p in cat.problems)


def test_a_save_during_the_load_is_not_stored_under_the_old_key(
    data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    layer = sorted((data / "layers").glob("*.geojson"))[0]
    original = layer.read_bytes()
    key = cache_key(data)
    real = catalogcache.load_layers

    def load_then_edit(*args: object) -> Catalog:
        loaded = real(*args)  # type: ignore[arg-type]
        layer.write_bytes(original + b"\n")  # an editor saves after the read, before the write
        return loaded

    monkeypatch.setattr(catalogcache, "load_layers", load_then_edit)
    load_catalog_cached(data, cache)
    assert not (cache / catalogcache.FOLDER / key).exists()


def test_an_entry_of_another_shape_is_not_used(data: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    expected = load_catalog_cached(data, cache)
    entry = cache / catalogcache.FOLDER / cache_key(data)
    expected.features.drop(columns=["years"]).to_parquet(entry / "features.parquet")
    with pytest.raises(ValueError, match="columns"):
        catalogcache._read(entry, data)
    _same(load_catalog_cached(data, cache), expected)
