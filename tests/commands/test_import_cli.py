"""``ninohe-geo import`` and ``export``: exit codes, reports, nothing written unless accepted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from importer_support import IMPORT_DATA, tree_digest

from ninohe_geo.cli import command_modules, main


@pytest.fixture
def root(make_data_dir) -> Path:  # type: ignore[no-untyped-def]
    return make_data_dir("good")


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_commands_are_registered() -> None:
    names = command_modules()
    for module in ("import_layer", "export", "fetch"):
        assert f"ninohe_geo.commands.{module}" in names


def test_dry_run_reports_and_writes_nothing(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    before = tree_digest(root)
    code, out, _ = _run(
        [
            "import",
            str(IMPORT_DATA / "gsi_emergency_mini.geojson"),
            "--layer",
            "shelters",
            "--data",
            str(root),
            "--dry-run",
        ],
        capsys,
    )
    assert code == 0
    assert "mapping 'gsi-emergency' → 2 feature(s); new layer 'shelters'" in out
    assert "OK: gsi_emergency_mini.geojson: 2 feature(s) checked, 0 error(s)" in out
    assert "dry run: nothing was written" in out
    assert tree_digest(root) == before


def test_import_writes_the_layer(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(
        [
            "import",
            str(IMPORT_DATA / "cultural_properties_old_cp932.csv"),
            "--layer",
            "bunkazai",
            "--data",
            str(root),
        ],
        capsys,
    )
    assert code == 0, out
    doc = json.loads((root / "layers" / "bunkazai.geojson").read_text(encoding="utf-8"))
    assert doc["features"][0]["properties"]["name_ja"] == "九戸城跡"
    assert doc["features"][0]["properties"]["measure"] == "P3-01"
    code, out, _ = _run(["validate", str(root)], capsys)
    assert code == 0, out


def test_import_checks_the_folder_once_for_the_next_app_start(
    root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from ninohe_geo.paths import CACHE_ENV
    from ninohe_geo.store import catalogcache

    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "cache"))
    source = IMPORT_DATA / "cultural_properties_old_cp932.csv"
    code, out, _ = _run(["import", str(source), "--layer", "bunkazai", "--data", str(root)], capsys)
    assert code == 0, out
    entry = tmp_path / "cache" / catalogcache.FOLDER / catalogcache.cache_key(root)
    assert (entry / "features.parquet").is_file()  # the folder as it is now, layer included
    # The app's load then reads it without checking a feature again.
    monkeypatch.setattr(catalogcache, "load_layers", lambda *a: pytest.fail("checked again"))
    cat = catalogcache.load_catalog_cached(root, tmp_path / "cache")
    assert "九戸城跡" in set(cat.features["name_ja"])


def test_blocked_import_exits_1_and_writes_nothing(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    before = tree_digest(root)
    code, out, _ = _run(
        [
            "import",
            str(IMPORT_DATA / "ours_with_errors.geojson"),
            "--layer",
            "x",
            "--data",
            str(root),
        ],
        capsys,
    )
    assert code == 1
    assert "ERROR: ours_with_errors.geojson [feature test-unknown-measure] (measure)" in out
    assert "nothing was written" in out
    assert tree_digest(root) == before


def test_exclude_and_repair_from_the_command_line(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(
        [
            "import",
            str(IMPORT_DATA / "ours_with_bowtie.geojson"),
            "--layer",
            "x",
            "--data",
            str(root),
            "--exclude",
            "test-bowtie",
        ],
        capsys,
    )
    assert code == 0, out
    doc = json.loads((root / "layers" / "x.geojson").read_text(encoding="utf-8"))
    assert [f["id"] for f in doc["features"]] == ["test-good"]
    code, out, _ = _run(
        [
            "import",
            str(IMPORT_DATA / "ours_with_bowtie.geojson"),
            "--layer",
            "x",
            "--data",
            str(root),
            "--repair",
        ],
        capsys,
    )
    assert code == 2  # the layer exists
    code, out, _ = _run(
        [
            "import",
            str(IMPORT_DATA / "ours_with_bowtie.geojson"),
            "--layer",
            "x",
            "--data",
            str(root),
            "--repair",
            "--replace",
        ],
        capsys,
    )
    assert code == 0, out
    doc = json.loads((root / "layers" / "x.geojson").read_text(encoding="utf-8"))
    assert [f["id"] for f in doc["features"]] == ["test-good", "test-bowtie"]


def test_import_is_recorded_and_replace_soft_deletes(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from ninohe_geo.store.file import FileStore

    args = ["import", str(IMPORT_DATA / "ours_with_bowtie.geojson"), "--layer", "x"]
    code, out, _ = _run([*args, "--data", str(root), "--repair"], capsys)
    assert code == 0, out
    assert f"imported into layer 'x' of {root}: 2 created (" in out
    assert "0 updated, 0 removed, 0 unchanged" in out
    code, out, _ = _run(
        [*args, "--store", str(root), "--exclude", "test-bowtie", "--replace"], capsys
    )
    assert code == 0, out
    assert "0 created, 0 updated, 1 removed (test-bowtie), 1 unchanged" in out
    store = FileStore(root)
    history = store.history()
    assert [c.action for c in history] == ["import"] * 3
    assert all(c.user.startswith("cli:") for c in history)  # the command line's identity
    assert [r.id for r in store.records(include_deleted=True) if r.deleted] == ["test-bowtie"]


@pytest.mark.parametrize(
    ("fixture", "extra", "message"),
    [
        ("vrt_disguised.geojson", [], "GDAL VRT: refused"),
        ("broken.geojson", [], "not valid JSON"),
        ("kunohe_zone10_xy.csv", [], "give --crs"),
        ("kunohe_swapped_latlon.csv", [], "longitude and latitude are swapped"),
        ("not_utf8_or_cp932.csv", [], "neither UTF-8 nor CP932"),
        ("gsi_emergency_mini.geojson", ["--mapping", "no-such-mapping"], "no shipped mapping"),
    ],
)
def test_unreadable_input_exits_2_with_a_clear_error(
    root: Path,
    capsys,
    fixture: str,
    extra: list[str],
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    before = tree_digest(root)
    code, _, err = _run(
        ["import", str(IMPORT_DATA / fixture), "--layer", "x", "--data", str(root), *extra], capsys
    )
    assert code == 2
    assert err.startswith("error: ")
    assert message in err
    assert tree_digest(root) == before


def test_mapping_file_option(root: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    mapping = tmp_path / "facilities.yaml"
    text = (
        Path(__file__).resolve().parents[2] / "src/ninohe_geo/io/mappings/da-public-facilities.yaml"
    ).read_text(encoding="utf-8")
    mapping.write_text(text.replace('measure: ""', "measure: P3-08"), encoding="utf-8")
    code, out, _ = _run(
        [
            "import",
            str(IMPORT_DATA / "public_facilities_new.csv"),
            "--layer",
            "f",
            "--data",
            str(root),
            "--mapping",
            str(mapping),
        ],
        capsys,
    )
    assert code == 0, out


def test_crs_option(root: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(
        [
            "import",
            str(IMPORT_DATA / "kunohe_zone10_xy.csv"),
            "--layer",
            "c",
            "--data",
            str(root),
            "--crs",
            "EPSG:6678",
            "--dry-run",
        ],
        capsys,
    )
    assert code == 1  # generic mapping: measure, accuracy, source still to be set
    assert "'X' read as northing and 'Y' as easting (EPSG:6678)" in out
    assert "missing field 'measure'" in out


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv", "kml"])
def test_export_with_filters(root: Path, tmp_path: Path, capsys, fmt: str) -> None:  # type: ignore[no-untyped-def]
    out_file = tmp_path / f"view.{fmt}"
    code, out, _ = _run(
        ["export", "--format", fmt, str(out_file), "--data", str(root), "--pillar", "P3"], capsys
    )
    assert code == 0
    assert out.startswith("wrote ") and f"to {out_file}" in out
    assert out_file.stat().st_size > 0


def test_export_of_an_empty_view_fails_cleanly(root: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = _run(
        [
            "export",
            "--format",
            "csv",
            str(tmp_path / "x.csv"),
            "--data",
            str(root),
            "--text",
            "no such name anywhere",
        ],
        capsys,
    )
    assert code == 2 and "no features to export" in err
    assert not (tmp_path / "x.csv").exists()


def test_export_csv_layout_auto_ours_and_explicit(root: Path, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = _run(
        [
            "import",
            str(IMPORT_DATA / "evacuation_sites_new.csv"),
            "--layer",
            "hinan",
            "--data",
            str(root),
        ],
        capsys,
    )
    assert code == 0, out

    def export(*extra: str) -> tuple[str, str]:
        out_file = tmp_path / "x.csv"
        args = ["export", "--format", "csv", str(out_file), "--data", str(root), *extra]
        code, out, err = _run(args, capsys)
        assert code == 0, err
        return out, out_file.read_bytes().decode("utf-8-sig").splitlines()[0]

    # auto: every exported feature comes from the layer imported from 指定緊急避難場所一覧
    out, header = export("--layer", "hinan")
    assert "in the 指定緊急避難場所一覧 layout (da-evacuation-sites)" in out
    assert header.startswith("全国地方公共団体コード,ID,地方公共団体名,名称,")
    # auto with a hand-made layer in the view, and --layout ours: our own layout
    for extra in ((), ("--layer", "hinan", "--layout", "ours")):
        out, header = export(*extra)
        assert " layout (" not in out and header.startswith("id,name_ja,")
    # explicit: that layout, whatever the features
    out, header = export("--layout", "da-tourism")
    assert "観光施設一覧" in out and "アクセス方法" in header
    code, _, err = _run(
        [
            "export",
            "--format",
            "kml",
            str(tmp_path / "x.kml"),
            "--data",
            str(root),
            "--layout",
            "da-tourism",
        ],
        capsys,
    )
    assert code == 2 and "--layout applies to --format csv only" in err


def test_export_of_a_reference_layer_writes_the_official_records(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """Issue #13: the shipped official data (here the 44 AEDs) can be exported like the plan's
    features; mixing it with plan layers or plan-only filters is refused, saying why."""
    shipped = Path(__file__).resolve().parents[2] / "geodata"
    out_file = tmp_path / "aed.geojson"
    code, out, _ = _run(
        ["export", "--format", "geojson", str(out_file), "--data", str(shipped), "--layer", "aed"],
        capsys,
    )
    assert code == 0 and out.startswith("wrote 44 of ") and "reference record(s)" in out
    doc = json.loads(out_file.read_text(encoding="utf-8"))
    assert len(doc["features"]) == 44
    assert all(f["properties"]["id"].startswith("da-aed-") for f in doc["features"])
    assert all("measure" not in f["properties"] for f in doc["features"])
    code, out, _ = _run(
        [
            "export",
            "--format",
            "csv",
            str(tmp_path / "s.csv"),
            "--data",
            str(shipped),
            "--layer",
            "gsi-emergency",
            "--text",
            "小学校",
        ],
        capsys,
    )
    assert code == 0 and out.startswith("wrote ") and not out.startswith("wrote 78 ")
    code, _, err = _run(
        [
            "export",
            "--format",
            "csv",
            str(tmp_path / "m.csv"),
            "--data",
            str(shipped),
            "--layer",
            "aed",
            "--layer",
            "urushi",
        ],
        capsys,
    )
    assert code == 2 and "cannot be exported together" in err and "urushi" in err
    code, _, err = _run(
        [
            "export",
            "--format",
            "csv",
            str(tmp_path / "p.csv"),
            "--data",
            str(shipped),
            "--layer",
            "aed",
            "--pillar",
            "P3",
        ],
        capsys,
    )
    assert code == 2 and "--pillar" in err and "no policy area" in err
    assert not (tmp_path / "m.csv").exists() and not (tmp_path / "p.csv").exists()
