"""``fetch``: real downloads, from a real HTTP server on 127.0.0.1 serving fixture files."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from importer_support import IMPORT_DATA, FileServer

from ninohe_geo.cli import main
from ninohe_geo.io.errors import ImportFileError, LimitExceededError, UnsafeInputError
from ninohe_geo.io.fetch import SOURCES, download, fetch_to_temp, source_by_name
from ninohe_geo.io.limits import Limits


@pytest.fixture
def served(tmp_path: Path):  # type: ignore[no-untyped-def]
    folder = tmp_path / "www"
    folder.mkdir()
    shutil.copy(IMPORT_DATA / "gsi_emergency_mini.geojson", folder / "hinan.geojson")
    with zipfile.ZipFile(folder / "N03-test_03_GML.zip", "w") as zf:
        zf.write(IMPORT_DATA / "n03_test_squares.geojson", "N03-test_03.geojson")
    with FileServer(folder) as server:
        yield server


def test_sources_table() -> None:
    names = [s.name for s in SOURCES]
    assert names == ["n03-iwate", "gsi-emergency-032131", "gsi-evacuation-032131"]
    n03 = source_by_name("n03-iwate")
    assert n03.url is not None and n03.url.startswith("https://nlftp.mlit.go.jp/")
    assert "国土数値情報" in n03.attribution
    with pytest.raises(ImportFileError, match="unknown source"):
        source_by_name("osm")


def test_download_streams_a_file(served: FileServer, tmp_path: Path) -> None:
    out = download(served.url("hinan.geojson"), tmp_path / "x.geojson")
    assert out.read_bytes() == (IMPORT_DATA / "gsi_emergency_mini.geojson").read_bytes()
    assert served.requests == ["/hinan.geojson"]


def test_download_size_cap(served: FileServer, tmp_path: Path) -> None:
    with pytest.raises(LimitExceededError, match="download exceeds 100 bytes"):
        download(served.url("hinan.geojson"), tmp_path / "x", Limits(max_bytes=100))


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://127.0.0.1/x"])
def test_only_http(url: str, tmp_path: Path) -> None:
    with pytest.raises(UnsafeInputError, match="only http"):
        download(url, tmp_path / "x")


def test_http_error_is_clear(served: FileServer, tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="download failed: HTTP Error 404"):
        download(served.url("missing.zip"), tmp_path / "x")


def test_gsi_needs_a_url(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match=r"no confirmed download URL .* pass --url"):
        fetch_to_temp(source_by_name("gsi-emergency-032131"), None, tmp_path)


def test_fetch_records_provenance(served: FileServer, tmp_path: Path) -> None:
    path, record = fetch_to_temp(
        source_by_name("gsi-emergency-032131"), served.url("hinan.geojson"), tmp_path
    )
    assert path.exists()
    assert record["url"] == served.url("hinan.geojson")
    assert record["attribution"] == "国土地理院 指定緊急避難場所・指定避難所データ"
    assert record["retrieved"][:4].isdigit()


def test_fetch_command_imports_with_attribution(served: FileServer, make_data_dir, capsys) -> None:  # type: ignore[no-untyped-def]
    root = make_data_dir()
    code = main(
        ["fetch", "gsi-emergency-032131", "--url", served.url("hinan.geojson"), "--data", str(root)]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    doc = json.loads((root / "layers" / "gsi-emergency.geojson").read_text(encoding="utf-8"))
    info = doc["layer"]["import"]
    assert info["url"] == served.url("hinan.geojson")
    assert info["attribution"] == "国土地理院 指定緊急避難場所・指定避難所データ"
    assert len(doc["features"]) == 2
    assert "attribution: 国土地理院" in out


def test_fetch_n03_zip_selects_the_city_as_a_reference_outline(
    served: FileServer, make_data_dir, capsys
) -> None:  # type: ignore[no-untyped-def]
    """The city outline is reference data (issue #13): no measure is asked for or invented."""
    root = make_data_dir()
    args = ["fetch", "n03-iwate", "--url", served.url("N03-test_03_GML.zip"), "--data", str(root)]
    code = main([*args, "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "measure" not in out
    assert not list((root / "layers").iterdir())
    assert main(args) == 0
    doc = json.loads(next((root / "layers").iterdir()).read_text(encoding="utf-8"))
    assert doc["layer"]["kind"] == "reference"
    assert [f["properties"]["id"] for f in doc["features"]] == ["n03-03213"]
    assert "measure" not in doc["features"][0]["properties"]
    assert "国土数値情報（行政区域データ）" in doc["layer"]["source_ja"]
