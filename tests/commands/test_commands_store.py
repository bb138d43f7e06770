"""Every command reads and writes the same store (issue #10: one catalogue door).

On each backend (a data folder and PostgreSQL + PostGIS), a file is imported with ``import``;
then ``validate``, ``export``, ``publish`` and ``print`` — given the same ``--store``, or only
``$NINOHE_GEO_STORE`` — see the imported features. Before, ``export`` and ``publish`` read the
``geodata/`` files whatever the store, so a city on PostgreSQL would publish a stale site.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from importer_support import IMPORT_DATA
from store_support import (  # noqa: F401 - fixtures
    backend_fixture,
    pg_url_fixture,
    store_url_fixture,
)

from ninohe_geo.cli import main
from ninohe_geo.output import printout as printing
from ninohe_geo.store import open_store
from ninohe_geo.store.catalog import open_catalog

# A plan-kind dataset (shelters and AEDs are reference layers, not exported or printed as
# projects): the 文化財一覧, whose mapping gives the 文化財 measure.
SITES = IMPORT_DATA / "cultural_properties_new.csv"
LAYER = "cultural-properties"


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture
def imported(store_url: str, capsys: pytest.CaptureFixture[str]) -> tuple[str, set[str]]:
    """The store with the sample properties imported by ``ninohe-geo import --store``; the ids."""
    code, out = _run(["import", str(SITES), "--layer", LAYER, "--store", store_url], capsys)
    assert code == 0, out
    ids = {r.id for r in open_store(store_url).records() if r.layer == LAYER}
    assert ids, "the import wrote nothing"
    return store_url, ids


@pytest.fixture(params=["flag", "env"])
def how(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Name the store with ``--store``, or only through ``$NINOHE_GEO_STORE``."""
    monkeypatch.delenv("NINOHE_GEO_STORE", raising=False)
    return str(request.param)


def _where(how: str, url: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    if how == "env":
        monkeypatch.setenv("NINOHE_GEO_STORE", url)
        return []
    return ["--store", url]


def test_open_catalog_sees_what_was_imported(imported: tuple[str, set[str]]) -> None:
    url, ids = imported
    catalog = open_catalog(url)
    assert ids <= set(catalog.features["id"])
    assert LAYER in {layer.id for layer in catalog.layers}


def test_export_reads_the_store(
    imported: tuple[str, set[str]],
    how: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, ids = imported
    out = tmp_path / "out.geojson"
    args = ["export", "--format", "geojson", str(out), "--layer", LAYER]
    code, text = _run([*args, *_where(how, url, monkeypatch)], capsys)
    assert code == 0, text
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert {f["properties"]["id"] for f in doc["features"]} == ids


def test_validate_reads_the_store(
    imported: tuple[str, set[str]],
    how: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, ids = imported
    code, text = _run(["validate", *_where(how, url, monkeypatch)], capsys)
    assert code == 0, text
    assert f"{4 + len(ids)} feature(s) checked" in text


def test_publish_reads_the_store(
    imported: tuple[str, set[str]],
    how: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    url, ids = imported
    site = tmp_path / "site"
    code, text = _run(["publish", str(site), *_where(how, url, monkeypatch)], capsys)
    assert code == 0, text
    published = {
        f["properties"]["id"]
        for f in json.loads((site / "data" / "ninohe-plan.geojson").read_text("utf-8"))["features"]
    }
    assert ids <= published


def test_print_reads_the_store(
    imported: tuple[str, set[str]],
    how: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    try:
        printing.chromium_path()
    except printing.PrintError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    url, ids = imported
    out = tmp_path / "map.png"
    args = ["print", "--out", str(out), "--view", f"layer={LAYER}", "--tile-timeout", "0.5"]
    code, text = _run([*args, *_where(how, url, monkeypatch)], capsys)
    assert code == 0, text
    assert f": {len(ids)} project(s);" in text
    assert out.read_bytes().startswith(b"\x89PNG")
