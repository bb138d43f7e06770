"""The council's progress report (ninohe_geo.output.report, ``ninohe-geo report``; issue #14):
per pillar its places, measures, projects with what changed and indicators; HTML escaped;
PDF A4 portrait from headless Chromium."""

from __future__ import annotations

import datetime as dt
import os
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from ninohe_geo.cli import main
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.model.projects import Project
from ninohe_geo.output import printout
from ninohe_geo.output.report import report_html
from ninohe_geo.store import open_store
from ninohe_geo.store.base import Identity

REPO = Path(__file__).resolve().parents[2]
EDITOR = Identity("alice", "editor")


def project(pid: str, **kw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": pid,
        "name_ja": f"テスト事業{pid}",
        "name_en": "",
        "measures": ["P3-07"],
        "department": "総務課",
        "years": [
            {"year": 2022, "status": "in_progress"},
            {"year": 2023, "status": "done", "note": "訓練を実施（テスト）"},
        ],
    }
    out.update(kw)
    return out


def test_the_html_report_has_each_pillar_its_map_projects_and_indicators() -> None:
    catalog = load_catalog(REPO / "geodata")
    projects = [
        Project.from_dict(project("T1")),
        Project.from_dict(project("T2", name_ja="<script>alert(1)</script>", measures=["P1-01"])),
        Project.from_dict(project("T3", years=[{"year": 2021, "status": "done"}])),
    ]
    html = report_html(catalog, projects, 2023, today=dt.date(2026, 12, 3))
    assert "令和5年度" in html and "作成：2026-12-03。" in html
    assert html.count('<section id="pillar-') == len(catalog.plan.pillars)
    assert html.count("<svg") == len(catalog.plan.pillars)  # a map per pillar, drawn here
    assert "訓練を実施（テスト）" in html and ">実施中<" in html and ">完了<" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "T3" not in html  # it did not run in 令和5年度
    assert "未確認" in html  # indicators without a sourced value
    assert "国土数値情報（行政区域データ）" in html


def test_cli_writes_an_a4_pdf_with_what_changed(
    make_data_dir,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    try:
        printout.chromium_path()
    except printout.PrintError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    data = make_data_dir("good")
    store = open_store(str(data))
    store.save_projects(EDITOR, [project("T1"), project("T2")])
    v = store.project("T2")
    assert v is not None
    from ninohe_geo.store.base import version_of

    store.save_project(EDITOR, project("T2", department="企画課"), version_of(v))
    out = tmp_path / "report.pdf"
    assert (
        main(
            [
                "report",
                "--year",
                "R5",
                "--out",
                str(out),
                "--data",
                str(data),
                "--since",
                "2000-01-01",
            ]
        )
        == 0
    )
    said = capsys.readouterr().out
    assert "令和5年度 report" in said and "2 of 2 project(s)" in said and "2 change(s)" in said
    pdf = PdfReader(out)
    width, height = float(pdf.pages[0].mediabox.width), float(pdf.pages[0].mediabox.height)
    assert abs(width - 595) < 2 and abs(height - 842) < 2  # A4 portrait, in points
    # NFKC: the PDF's text layer spells some kanji with Kangxi radicals (⽬ for 目).
    text = unicodedata.normalize("NFKC", "".join(page.extract_text() for page in pdf.pages))
    assert "進捗報告" in text and "目次" in text and "テスト事業T1" in text
    assert "以降の変更" in text and "企画課" in text


def test_the_report_in_english() -> None:
    catalog = load_catalog(REPO / "geodata")
    projects = [Project.from_dict(project("T1", name_en="Test project T1"))]
    html = report_html(catalog, projects, 2023, today=dt.date(2026, 12, 3), lang="en")
    assert '<html lang="en">' in html and "FY2023" in html and "Made 2026-12-03." in html
    assert "Test project T1" in html and ">Completed<" in html and ">In progress<" in html
    assert "Unconfirmed" in html and "Contents" in html
    assert "進捗報告" not in html and "目次" not in html


def test_cli_writes_the_english_report(make_data_dir, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    data = make_data_dir("good")
    out = tmp_path / "report.html"
    assert (
        main(["report", "--year", "2023", "--lang", "en", "--out", str(out), "--data", str(data)])
        == 0
    )
    assert "FY2023 report" in capsys.readouterr().out
    assert '<html lang="en">' in out.read_text(encoding="utf-8")
