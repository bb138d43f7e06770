"""Machine-readable dataset metadata (src/ninohe_geo/datasetmeta.py).

The built site is checked end to end in tests/test_publish.py; here the pieces, on the small
``good`` fixture (4 features: two points, a polygon and a line).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import shapely

from ninohe_geo.io.export import export_bytes
from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.output import datasetmeta
from ninohe_geo.output.datasetmeta import DATA_LICENCE, PROJECT, DatasetFacts, Download

BASE = "https://example.org/ninohe/"
FILES = (("data/plan.geojson", "geojson"), ("data/plan.csv", "csv"))


@pytest.fixture
def facts(good_catalog: Catalog, tmp_path: Path) -> DatasetFacts:
    for path, fmt in FILES:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(export_bytes(good_catalog.features, fmt))
    return datasetmeta.facts(
        good_catalog, tmp_path, FILES, "https://example.org/ninohe", "2026-11-27"
    )


def test_download_describes_the_file_as_written(tmp_path: Path) -> None:
    data = "\ufeffid,name_ja\r\nx,九戸\r\n".encode()
    (tmp_path / "a.csv").write_bytes(data)
    d = Download.of_file(tmp_path, "a.csv", "csv")
    assert d.bytes == len(data)
    assert d.sha256 == hashlib.sha256(data).hexdigest()
    assert d.columns == ("id", "name_ja")  # the BOM is not part of the first column's name
    assert d.mediatype == "text/csv" and d.name == "a-csv"
    with pytest.raises(ValueError, match="unknown download format 'xlsx'"):
        Download.of_file(tmp_path, "a.csv", "xlsx")


def test_facts(facts: DatasetFacts, good_catalog: Catalog) -> None:
    assert facts.base_url == BASE  # a missing trailing slash is added
    assert facts.url("data/plan.csv") == BASE + "data/plan.csv"
    assert facts.sources == ("FACTS", "JR bus", "castle guide page", "ja.wikipedia 二戸駅")
    plan = "二戸市総合計画 後期基本計画（令和3年度～令和7年度）概要（二戸市）"
    assert facts.attributions[0] == plan
    assert facts.attributions[1:] == facts.sources
    assert facts.bbox == (141.14, 40.175, 141.303333, 40.267222)
    box = shapely.box(*facts.bbox)
    assert all(box.covers(g) for g in good_catalog.features.geometry)


def test_feature_sources_are_distinct_and_non_empty(good_catalog: Catalog) -> None:
    frame = good_catalog.features.copy()
    frame["source"] = ["b", " b ", "", "a"]
    assert datasetmeta.feature_sources(frame) == ("a", "b")


def test_bbox_rounds_outwards(make_data_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    layer = {
        "type": "FeatureCollection",
        "layer": {"id": "edge", "title_ja": "端", "title_en": "Edge"},
        "features": [_feature("far", [[141.1234564, 40.1234564], [141.3456786, 40.3456786]])],
    }
    path = tmp_path / "edge.geojson"
    path.write_text(json.dumps(layer), encoding="utf-8")
    catalog = load_catalog(make_data_dir(path))
    root = tmp_path / "site"
    (root / "data").mkdir(parents=True)
    (root / "data/plan.csv").write_bytes(export_bytes(catalog.features, "csv"))
    f = datasetmeta.facts(catalog, root, [("data/plan.csv", "csv")], BASE, "2026-11-27")
    assert f.bbox == (141.123456, 40.123456, 141.345679, 40.345679)


def test_nothing_to_describe(make_data_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="no features"):
        datasetmeta.facts(load_catalog(make_data_dir()), tmp_path, [], BASE, "2026-11-27")


def test_table_schema() -> None:
    schema = datasetmeta.table_schema(["id", "status", "updated", "longitude", "period", "extra"])
    fields = {f["name"]: f for f in schema["fields"]}
    assert [f["name"] for f in schema["fields"]] == [
        "id",
        "status",
        "updated",
        "longitude",
        "period",
        "extra",
    ]
    assert fields["id"]["constraints"] == {"required": True, "unique": True}
    assert "planned" in fields["status"]["constraints"]["enum"]
    assert fields["updated"]["type"] == "date" and fields["longitude"]["type"] == "number"
    assert "constraints" not in fields["period"]  # optional: may be empty
    assert fields["extra"] == {"name": "extra", "type": "string"}
    assert schema["primaryKey"] == ["id"]


def test_datapackage(facts: DatasetFacts) -> None:
    dp = datasetmeta.datapackage(facts)
    assert dp["licenses"] == [
        {
            "name": "CC-BY-4.0",
            "path": "https://creativecommons.org/licenses/by/4.0/",
            "title": "Creative Commons Attribution 4.0 International",
        }
    ]
    assert [s["title"] for s in dp["sources"]] == list(facts.attributions)
    assert [r["path"] for r in dp["resources"]] == [p for p, _ in FILES]
    csv_res = dp["resources"][1]
    assert csv_res["profile"] == "tabular-data-resource"
    assert [f["name"] for f in csv_res["schema"]["fields"]] == list(facts.downloads[1].columns)
    assert "created" not in dp  # only the build day is known, and `created` is a date-time


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_dataset_jsonld(facts: DatasetFacts, lang: str) -> None:
    doc = datasetmeta.dataset_jsonld(facts, lang)  # type: ignore[arg-type]
    assert doc["@context"] == "https://schema.org/" and doc["@type"] == "Dataset"
    assert doc["@id"] == BASE + "data.html#dataset"
    assert doc["url"] == BASE + ("data.html" if lang == "ja" else "en/data.html")
    assert doc["license"] == DATA_LICENCE.url
    assert doc["isAccessibleForFree"] is True and doc["dateModified"] == "2026-11-27"
    assert doc["publisher"]["name"] == PROJECT == doc["creator"]["name"]
    assert doc["about"]["author"]["name"] == "二戸市"  # the plan's owner, not the publisher
    # schema.org boxes are "south west north east", latitude first.
    assert doc["spatialCoverage"]["geo"]["box"] == "40.175 141.14 40.267222 141.303333"
    assert [d["contentUrl"] for d in doc["distribution"]] == [BASE + p for p, _ in FILES]
    assert [d["encodingFormat"] for d in doc["distribution"]] == [
        "application/geo+json",
        "text/csv",
    ]
    assert len(doc["description"]) >= 50  # dataset search engines skip shorter ones
    assert not {"datePublished", "dateCreated", "identifier"} & set(doc)


def _keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield key
            if key == "@type":
                yield from ([inner] if isinstance(inner, str) else inner)
            yield from _keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from _keys(inner)


def test_dcat_terms_all_come_from_its_context(facts: DatasetFacts) -> None:
    doc = datasetmeta.dcat_catalog(facts)
    prefixes = set(doc["@context"])
    for key in _keys({k: v for k, v in doc.items() if k != "@context"}):
        assert key.startswith("@") or key.split(":", 1)[0] in prefixes, key
    dataset = doc["dcat:dataset"][0]
    assert dataset["@id"] == datasetmeta.dataset_jsonld(facts, "ja")["@id"]
    assert dataset["dct:modified"]["@value"] == "2026-11-27"
    assert dataset["dcat:distribution"][1]["dcat:byteSize"]["@value"] == str(
        facts.downloads[1].bytes
    )
    wkt = dataset["dct:spatial"]["dcat:bbox"]["@value"]
    assert shapely.from_wkt(wkt).bounds == facts.bbox  # WKT: longitude first


def test_flatgeobuf_and_geoparquet_downloads_are_described(
    good_catalog: Catalog, tmp_path: Path
) -> None:
    files = (("data/plan.fgb", "fgb"), ("data/plan.parquet", "parquet"))
    for path, fmt in files:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_bytes(export_bytes(good_catalog.features, fmt))
    facts = datasetmeta.facts(good_catalog, tmp_path, files, BASE, "2026-11-27")
    fgb, parquet = datasetmeta.datapackage(facts)["resources"]
    assert (fgb["name"], fgb["format"], fgb["mediatype"]) == (
        "plan-fgb",
        "fgb",
        "application/flatgeobuf",
    )
    assert parquet["mediatype"] == "application/vnd.apache.parquet"
    for res in (fgb, parquet):
        assert res["profile"] == "data-resource" and "encoding" not in res  # binary files
        assert "EPSG:4326" in res["description"] and "layer" in res["description"]
    assert "spatial index" in fgb["description"] and "GeoParquet 1." in parquet["description"]
    assert [d.label("ja") for d in facts.downloads] == [
        "FlatGeobuf（位置と属性。GISソフト向けの高速な形式）",
        "GeoParquet（位置と属性。データ分析向けの列指向形式）",
    ]
    assert facts.downloads[1].label("en").startswith("GeoParquet (locations and attributes")
    dist = datasetmeta.dcat_catalog(facts)["dcat:dataset"][0]["dcat:distribution"]
    # FlatGeobuf has no IANA media type, so no dcat:mediaType IRI that would not resolve.
    assert "dcat:mediaType" not in dist[0]
    assert dist[0]["dct:format"] == {"@value": "application/flatgeobuf"}
    assert dist[1]["dcat:mediaType"] == {
        "@id": "https://www.iana.org/assignments/media-types/application/vnd.apache.parquet"
    }
    jsonld = datasetmeta.dataset_jsonld(facts, "en")
    assert [d["encodingFormat"] for d in jsonld["distribution"]] == [
        "application/flatgeobuf",
        "application/vnd.apache.parquet",
    ]


def test_jsonld_script_is_inert_and_still_json() -> None:
    hostile = {"name": "</script><script>alert(1)</script> & <!-- {{ 7*7 }}"}
    text = datasetmeta.jsonld_script(hostile)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == hostile


def _feature(fid: str, coords: list[list[float]]) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": fid,
        "geometry": {"type": "LineString", "coordinates": coords},
        "properties": {
            "id": fid,
            "name_ja": "端",
            "name_en": "Edge",
            "measure": "P3-11",
            "status": "existing",
            "summary_ja": "端の線。",
            "summary_en": "A line at the edge.",
            "accuracy": "schematic",
            "source": "test",
            "updated": "2026-11-27",
        },
    }
