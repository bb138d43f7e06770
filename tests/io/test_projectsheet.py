"""Project sheets as city halls keep them (ninohe_geo.io.projectsheet / projectbook): title
rows, merged headers, 和暦, measure names, notes; safe against formulas, macros and zip bombs;
exported workbooks re-import unchanged (issue #14). Every sheet here is made up (テスト事業)."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from store_support import (  # noqa: F401 - fixtures
    backend_fixture,
    pg_url_fixture,
    store_url_fixture,
)

from ninohe_geo.cli import main
from ninohe_geo.io.errors import LimitExceededError, UnsafeInputError
from ninohe_geo.io.limits import Limits
from ninohe_geo.io.projectbook import template_bytes, workbook_bytes
from ninohe_geo.io.projectsheet import read_projects
from ninohe_geo.model.plan import Plan, load_plan
from ninohe_geo.model.projects import Project

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan() -> Plan:
    return load_plan(REPO / "geodata" / "plan.yaml")


def city_sheet(path: Path, rows: list[list[Any]] | None = None, formula: bool = False) -> Path:
    """A sheet laid out as a city's: two title rows, a blank row, a header whose years are merged
    over their sub-columns, a paragraph as the notes header, a spacer row, 和暦 and full-width."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "進捗"
    ws["A1"] = "令和5年度 総合計画 事業進捗一覧（テスト）"
    ws["A2"] = "企画課 作成"
    header = [
        "事業ID",
        "事業名",
        "施策項目",
        "担当課",
        "令和４年度",
        None,
        "令和5年度",
        None,
        None,
        "備考\n（特記事項があれば記入してください。複数行可）",
    ]
    sub = [None, None, None, None, "状況", "予算額（千円）", "状況", "決算額", "実績", None]
    ws.append([])
    ws.append(header)
    ws.append(sub)
    for col in ("A", "B", "C", "D", "J"):
        ws.merge_cells(f"{col}4:{col}5")
    ws.merge_cells("E4:F4")
    ws.merge_cells("G4:I4")
    for row in (
        rows
        if rows is not None
        else [
            [
                "T-001",
                "テスト事業A",
                "防災・減災",
                "総務課",
                "実施中",
                "１，２００",
                "完了",
                3400000,
                "避難訓練を2回",
                "出典：テスト",
            ],
            [],
            [
                "T-002",
                "テスト事業B",
                "★うるし、P1-03",
                "うるし振興課",
                None,
                None,
                "予定",
                None,
                None,
                None,
            ],
        ]
    ):
        ws.append(row)
    if formula:
        ws["H8"] = "=SUM(1,2)"
    wb.save(path)
    return path


def test_a_real_looking_sheet_is_read(tmp_path: Path, plan: Plan) -> None:
    read = read_projects(city_sheet(tmp_path / "s.xlsx"), plan, default_source="テスト決算書")
    assert read.problems == []
    a, b = read.projects
    assert a["id"] == "T-001" and a["name_ja"] == "テスト事業A" and a["measures"] == ["P3-07"]
    assert a["department"] == "総務課" and a["notes"] == "出典：テスト"
    assert a["years"] == [
        {
            "year": 2022,
            "status": "in_progress",
            "amount_yen": 1_200_000,  # 千円 in the header, full-width digits in the cell
            "amount_kind": "budget",
            "amount_source": "テスト決算書",
        },
        {
            "year": 2023,
            "status": "done",
            "amount_yen": 3_400_000,
            "amount_kind": "settled",
            "amount_source": "テスト決算書",
            "note": "避難訓練を2回",
        },
    ]
    assert b["measures"] == ["P1-01", "P1-03"] and b["years"] == [
        {"year": 2023, "status": "planned"}
    ]


def test_every_problem_is_said_where_it_is_and_nothing_is_read(tmp_path: Path, plan: Plan) -> None:
    rows = [
        [
            "T-001",
            "テスト事業A",
            "存在しない施策",
            "総務課",
            "進行",
            None,
            "完了",
            "たくさん",
            None,
            None,
        ],
        [None, "IDのない事業", "防災・減災", None, None, None, None, None, None, None],
        ["T-003", "テスト事業C", "防災・減災", None, None, None, "完了", "1000", None, None],
    ]
    read = read_projects(city_sheet(tmp_path / "s.xlsx", rows), plan)
    text = [str(p) for p in read.problems]
    assert read.projects == []
    assert any(
        "row 6, column 「施策項目」" in t and "「存在しない施策」 is not a measure" in t
        for t in text
    )
    assert any(
        "row 6, column 「令和４年度 状況」" in t and "「進行」 is not a status" in t for t in text
    )
    assert any("row 6" in t and "「たくさん」 is not an amount" in t for t in text)
    assert any("row 7" in t and "no 事業ID" in t for t in text)
    assert any("row 8" in t and "needs its source" in t for t in text)


def test_formulas_are_never_evaluated(tmp_path: Path, plan: Plan) -> None:
    read = read_projects(city_sheet(tmp_path / "s.xlsx", formula=True), plan, default_source="x")
    assert read.projects == []
    assert any("formula" in str(p) and "row 8" in str(p) for p in read.problems)


def test_macro_workbooks_and_zip_bombs_are_refused(tmp_path: Path, plan: Plan) -> None:
    macro = tmp_path / "s.xlsm"
    macro.write_bytes((city_sheet(tmp_path / "s.xlsx")).read_bytes())
    with pytest.raises(UnsafeInputError, match="macro"):
        read_projects(macro, plan)
    hidden = tmp_path / "hidden.xlsx"
    with (
        zipfile.ZipFile(city_sheet(tmp_path / "t.xlsx")) as src,
        zipfile.ZipFile(hidden, "w") as dst,
    ):
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/vbaProject.bin", b"\x00" * 10)
    with pytest.raises(UnsafeInputError, match="vbaProject"):
        read_projects(hidden, plan)
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * 5_000_000 + b"</a>")
    with pytest.raises(LimitExceededError, match="zip bomb"):
        read_projects(bomb, plan)
    with pytest.raises(LimitExceededError):
        read_projects(city_sheet(tmp_path / "u.xlsx"), plan, limits=Limits(max_bytes=100))


def test_an_export_re_imports_unchanged_and_cannot_start_a_formula(
    tmp_path: Path, plan: Plan
) -> None:
    read = read_projects(city_sheet(tmp_path / "s.xlsx"), plan, default_source="テスト決算書")
    projects = [Project.from_dict(p) for p in read.projects]
    hostile = Project.from_dict(
        {**read.projects[1], "department": '=HYPERLINK("http://x")', "extra": {"独自の列": "+1"}}
    )
    out = tmp_path / "out.xlsx"
    out.write_bytes(workbook_bytes([projects[0], hostile], plan))
    again = read_projects(out, plan)
    assert again.problems == []
    assert again.projects == [projects[0].as_dict(), hostile.as_dict()]
    book = load_workbook(out)
    cells = [c for row in book["事業一覧"].iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    dept = next(c for c in cells if c.value == '=HYPERLINK("http://x")')
    assert dept.data_type == "s" and dept.quotePrefix


def test_the_template_has_headers_explanations_and_no_rows(tmp_path: Path, plan: Plan) -> None:
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_bytes(plan))
    book = load_workbook(path)
    assert book.sheetnames == ["事業一覧", "説明", "選択肢"]
    ws = book["事業一覧"]
    assert ws.max_row == 4  # title, blank, two header rows: no invented example rows
    heads = [c.value for c in ws[3] if c.value]
    assert heads[:3] == ["事業ID", "事業名", "事業名（英語）"]
    assert [h for h in heads if str(h).endswith("年度")] == [
        "令和3年度",
        "令和4年度",
        "令和5年度",
        "令和6年度",
        "令和7年度",
    ]
    explained = [c.value for c in book["説明"]["A"] if c.value]
    assert "事業ID" in explained and "状況" in explained
    read = read_projects(path, plan)
    assert read.problems == [] and read.projects == []


def test_cli_dry_run_import_list_and_export(
    tmp_path: Path,
    plan: Plan,
    make_data_dir,
    capsys: pytest.CaptureFixture[str],  # type: ignore[no-untyped-def]
) -> None:
    data = make_data_dir("good")
    sheet = city_sheet(tmp_path / "s.xlsx")
    loc = ["--data", str(data)]
    assert (
        main(["projects", "import", str(sheet), "--dry-run", "--source", "テスト決算書", *loc]) == 0
    )
    out = capsys.readouterr().out
    assert "2 project(s)" in out and "2 new, 0 changed" in out and "nothing was written" in out
    assert not (data / "projects.json").exists()
    assert main(["projects", "import", str(sheet), "--source", "テスト決算書", *loc]) == 0
    assert "wrote 2 new and 0 changed" in capsys.readouterr().out
    assert main(["projects", "list", "--year", "R5", *loc]) == 0
    listed = capsys.readouterr().out
    assert (
        "T-001\tテスト事業A\tP3-07\t完了" in listed
        and "T-002\tテスト事業B\tP1-01、P1-03\t予定" in listed
    )
    exported = tmp_path / "back.xlsx"
    assert main(["projects", "export", str(exported), *loc]) == 0
    capsys.readouterr()
    assert main(["projects", "import", str(exported), *loc]) == 0
    assert "0 new, 0 changed, 2 unchanged" in capsys.readouterr().out
    # A sheet with problems: exit 2, every problem listed, nothing written.
    bad = city_sheet(
        tmp_path / "bad.xlsx",
        [["T-9", "x", "存在しない施策", None, None, None, None, None, None, None]],
    )
    assert main(["projects", "import", str(bad), *loc]) == 2
    err = capsys.readouterr().err
    assert "nothing was imported" in err and "「存在しない施策」 is not a measure" in err


def test_cli_import_into_either_store_and_the_report_reads_it(
    tmp_path: Path,
    store_url: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The same sheet into the file store and PostGIS (``--store``), undone as one batch."""
    from ninohe_geo.store import open_store

    sheet = city_sheet(tmp_path / "s.xlsx")
    assert main(["projects", "import", str(sheet), "--source", "テスト", "--store", store_url]) == 0
    assert "wrote 2 new" in capsys.readouterr().out
    store = open_store(store_url)
    assert [p["id"] for p in store.projects()] == ["T-001", "T-002"]
    assert {c.batch for c in store.history() if c.key.startswith("project:")} != {""}
    out = tmp_path / "r.html"
    assert main(["report", "--year", "令和5年度", "--out", str(out), "--store", store_url]) == 0
    assert "テスト事業A" in out.read_text(encoding="utf-8")
    from ninohe_geo.io.pipeline import local_identity

    store.undo_last(local_identity())
    assert store.projects() == []


def _csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_year_written_once_over_unmerged_sub_columns_covers_them(
    tmp_path: Path, plan: Plan
) -> None:
    sheet = _csv(
        tmp_path / "s.csv",
        "事業進捗（テスト）\n"
        "事業ID,事業名,施策項目,令和5年度,,,\n"
        ",,,状況,予算額,事業費,実績\n"
        "T-1,テスト事業,防災・減災,実施中,500,900,訓練\n",
    )
    read = read_projects(sheet, plan, default_source="テスト")
    assert read.problems == []
    (p,) = read.projects
    assert p["years"] == [
        {"year": 2023, "status": "in_progress", "amount_yen": 500, "amount_kind": "budget",
         "amount_source": "テスト", "note": "訓練"},
    ]  # fmt: skip
    # A sub-column the reader does not know is kept as it is, never taken for the status.
    assert p["extra"] == {"令和5年度 事業費": "900"}


def test_status_columns_with_no_year_are_refused_not_dropped(tmp_path: Path, plan: Plan) -> None:
    sheet = _csv(
        tmp_path / "s.csv",
        "事業ID,事業名,施策項目,状況,予算額\nT-1,テスト事業,防災・減災,実施中,5\n",
    )
    read = read_projects(sheet, plan, default_source="テスト")
    assert read.projects == []
    assert any(
        "column 「状況」" in str(p) and "no 年度 for this column" in str(p) for p in read.problems
    )


def test_a_formula_anywhere_in_a_row_is_reported(tmp_path: Path, plan: Plan) -> None:
    rows = [["T-001", "テスト事業A", "防災・減災", "総務課", None, None, "完了", None, None, None]]
    path = city_sheet(tmp_path / "s.xlsx", rows)
    book = load_workbook(path)
    book["進捗"]["K6"] = "=1+1"  # a column with no header of its own
    book["進捗"]["K4"] = "独自の列"
    book.save(path)
    read = read_projects(path, plan)
    assert read.projects == [] and any("formula" in str(p) for p in read.problems)


def test_a_plan_check_names_the_row_of_its_project(tmp_path: Path, plan: Plan) -> None:
    from ninohe_geo.io.projectsheet import check_against_plan

    sheet = _csv(
        tmp_path / "s.csv",
        "事業ID,事業名,施策項目,主な取組,令和5年度\n"
        "T-1,テスト事業,防災・減災,,実施中\n"
        "T-2,テスト事業2,防災・減災,P1-01.1,実施中\n",
    )
    read = read_projects(sheet, plan)
    assert read.problems == []
    check_against_plan(read, plan)
    (problem,) = read.problems
    assert str(problem).startswith("s row 3: T-2: initiative 'P1-01.1' belongs to measure P1-01")


def test_a_long_sheets_rows_must_agree_on_the_project(tmp_path: Path, plan: Plan) -> None:
    """A row per project and year repeats the project's own columns: a later row that names it
    otherwise is a problem on that row (nothing is read), never a silent rename; blank repeats
    and one measure written by name and by id are fine."""
    sheet = _csv(
        tmp_path / "long.csv",
        "事業ID,事業名,施策項目,担当課,年度,状況\n"
        "T-1,テスト事業,防災・減災,総務課,令和4年度,完了\n"
        "T-1,テスト事業（改）,P3-07,,令和5年度,実施中\n"
        "T-1,テスト事業,防災・減災,財政課,令和6年度,予定\n",
    )
    read = read_projects(sheet, plan, default_source="テスト")
    assert [(p.row, p.column) for p in read.problems] == [(3, "事業名"), (4, "担当課")]
    assert "「テスト事業（改）」 differs from 「テスト事業」 on row 2" in read.problems[0].message
    assert read.projects == []
    agreeing = _csv(
        tmp_path / "ok.csv",
        "事業ID,事業名,施策項目,担当課,年度,状況\n"
        "T-1,テスト事業,防災・減災,総務課,令和4年度,完了\n"
        "T-1,,P3-07,,令和5年度,実施中\n"
        "T-1,テスト事業,防災・減災,総務課,令和6年度,予定\n",
    )
    read = read_projects(agreeing, plan, default_source="テスト")
    assert read.problems == []
    (p,) = read.projects
    assert (p["name_ja"], p["department"], p["measures"]) == ("テスト事業", "総務課", ["P3-07"])
    assert [y["year"] for y in p["years"]] == [2022, 2023, 2024]
