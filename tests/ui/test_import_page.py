"""The import page (AppTest: runs in both languages) and its helpers (ninohe_geo.ui.importpage)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ninohe_geo.ui import importpage as importui

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "dashboard" / "app.py")


def _formats(lang: str) -> list[str]:
    """The export formats the select box shows, in order (the new binary ones described)."""
    fgb = {
        "ja": "FlatGeobuf（.fgb・GISソフト向けの高速な形式）",
        "en": "FlatGeobuf (.fgb, a fast format for GIS software)",
    }
    parquet = {
        "ja": "GeoParquet（.parquet・データ分析向けの列指向形式）",
        "en": "GeoParquet (.parquet, a columnar format for data analysis)",
    }
    return ["GeoJSON", "GeoPackage", fgb[lang], parquet[lang], "CSV", "KML"]


@pytest.mark.parametrize(
    ("lang", "title"), [("ja", "データの取り込みと書き出し"), ("en", "Import and export data")]
)
def test_import_page_runs(
    lang: str, title: str, monkeypatch: pytest.MonkeyPatch, make_data_dir
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("NINOHE_GEO_DATA", str(make_data_dir("good")))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("views/import.py")
    at.run()
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == [title]
    # The export section offers every format for the whole catalogue.
    assert list(at.selectbox[0].options) == _formats(lang)


@pytest.mark.parametrize(
    ("lang", "label"), [("ja", "指定緊急避難場所一覧"), ("en", "evacuation sites")]
)
def test_reference_download_offers_the_standard_layout_when_it_fits(
    lang: str, label: str, monkeypatch: pytest.MonkeyPatch, make_data_dir
) -> None:  # type: ignore[no-untyped-def]
    from importer_support import IMPORT_DATA, test_boundary

    from ninohe_geo.io.pipeline import prepare_import, write_import

    root = make_data_dir()
    source = IMPORT_DATA / "evacuation_sites_new.csv"
    write_import(
        prepare_import(source, "gsi-hinan", store=root, boundary=test_boundary()),
        store=root,
    )
    monkeypatch.setenv("NINOHE_GEO_DATA", str(root))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("views/import.py")
    at.run()
    assert not at.exception, at.exception
    # 指定緊急避難場所一覧 is a reference layer: the plan's download has our formats only, the
    # reference download of that layer offers the dataset's own layout too.
    plan = [s for s in at.selectbox if s.key == "io-download-format"]
    assert all(list(s.options) == _formats(lang) for s in plan)
    assert next(iter(at.selectbox(key="io-reference-download-layer").options)).startswith(
        "指定緊急避難場所一覧" if lang == "ja" else "Emergency evacuation sites"
    )
    options = list(at.selectbox(key="io-reference-download-format").options)
    assert options[:6] == _formats(lang)
    assert len(options) == 7 and label in options[6]


def test_upload_is_stored_under_a_fixed_name(tmp_path: Path) -> None:
    path = importui.save_upload(tmp_path, "../../etc/passwd.geojson", b"{}")
    assert path == tmp_path / "upload.geojson"
    assert importui.save_upload(tmp_path, "evil.sh;rm -rf", b"x") == tmp_path / "upload"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["upload", "upload.geojson"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("gsi_emergency_032131.geojson", "gsi-emergency-032131"),
        ("避難所.csv", "imported"),
        ("My Layer (v2).gpkg", "my-layer-v2"),
    ],
)
def test_default_layer_name(name: str, expected: str) -> None:
    assert importui.default_layer_name(name) == expected


def test_upload_types_cover_every_format() -> None:
    assert {"geojson", "json", "gpkg", "fgb", "parquet", "zip", "kml", "kmz", "csv"} <= set(
        importui.UPLOAD_TYPES
    )


@pytest.mark.parametrize(
    ("lang", "aed", "terms"),
    [
        ("ja", "AED設置箇所（オープンデータ）（44 件）", "出典："),
        ("en", "AED locations (open data) (44 records)", "Source: "),
    ],
)
def test_reference_data_is_downloaded_apart_with_its_source(
    lang: str, aed: str, terms: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue #13: the shipped official layers have their own download, never mixed into the
    plan's, and say where they come from and under what terms."""
    monkeypatch.setenv("NINOHE_GEO_DATA", str(REPO / "geodata"))
    at = AppTest.from_file(APP, default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("views/import.py")
    at.run()
    assert not at.exception, at.exception
    layer = at.selectbox(key="io-reference-download-layer")
    assert aed in list(layer.options) and len(layer.options) == 4
    layer.select("aed").run()
    captions = [c.value for c in at.caption]
    assert any(
        c.startswith(terms) and "AED設置箇所一覧" in c and "CC BY 4.0" in c for c in captions
    ), captions
    buttons = [e for e in at.get("download_button") if "44" in e.proto.label]
    assert len(buttons) == 1
    # The empty project workbook (issue #14) is offered on the same page.
    template = "ひな形（.xlsx）をダウンロード" if lang == "ja" else "Download the template (.xlsx)"
    assert template in [e.proto.label for e in at.get("download_button")]
    # The plan's own download still counts plan features only.
    plan_button = [
        e for e in at.get("download_button") if e.proto.id.endswith("io-download-button")
    ]
    assert plan_button and "44" not in plan_button[0].proto.label


def _confirmation_script() -> None:
    import streamlit as st

    from ninohe_geo.ui import importpage

    importpage.source_confirmation("二戸市 指定緊急避難場所一覧", "ja")
    st.text_input("アカウント名", key="after")


def test_ticking_the_source_does_not_move_the_sign_in_form() -> None:
    """The hint under 「出典を確認しました」 goes once ticked, but keeps its slot: the sign-in form
    after it is not remounted by the tick's rerun (a name typed meanwhile was lost — CI flake)."""
    at = AppTest.from_function(_confirmation_script, default_timeout=30)
    at.run()

    def slot() -> int:
        return next(
            i for i, node in at.main.children.items() if getattr(node, "key", "") == "after"
        )

    before = slot()
    assert [c.value for c in at.caption] == [
        "取り込む前に、出典を確認してチェックを入れてください。"
    ]
    at.checkbox(key="io_source_ok").check().run()
    assert not at.exception
    assert at.caption.len == 0
    assert slot() == before
