"""Write projects to an Excel workbook (.xlsx) that :mod:`.projectsheet` reads back unchanged,
and the empty template city hall fills in (issue #14).

The sheet 「事業一覧」 has a title row, then a two-row header: the project's columns, and one
group per fiscal year — the year (「令和5年度」) merged over 状況 / 金額(円) / 金額の種類 /
金額の出典 / 実績・変化 — as city sheets are laid out. The sheet 「説明」 explains every column,
and 「選択肢」 lists the measures and statuses the importer accepts. The template is the same
workbook with no project rows: no invented example content.

No cell can start a formula: every value is written as a string or a number, and a text that
Excel would read as a formula when typed (``=``, ``+``, ``-``, ``@``) is stored as text with the
quote prefix (Excel's own 「'」), so the cell shows it as written and re-imports as written.
"""

from __future__ import annotations

from collections.abc import Sequence
from io import BytesIO
from typing import Any

from ninohe_geo.model.fiscal import fiscal_year_label
from ninohe_geo.model.plan import Plan
from ninohe_geo.model.plans import plan_years
from ninohe_geo.model.projects import AMOUNT_KINDS, PROJECT_STATUSES, Project, status_label

SHEET = "事業一覧"
FIXED: tuple[tuple[str, str, str], ...] = (
    (
        "id",
        "事業ID",
        "必須。事業ごとに変わらない番号（英数字と - _ .）。"
        "同じIDの行は同じ事業として更新されます。",
    ),
    ("name_ja", "事業名", "必須。"),
    ("name_en", "事業名（英語）", "任意。空欄なら英語表示でも事業名を使います。"),
    (
        "measures",
        "施策項目",
        "必須。施策項目の名前（例：防災・減災、★うるし）かID（例：P3-07）。複数は「、」で区切る。",
    ),
    ("initiative", "主な取組", "任意。主な取組のID（例：P3-07.1）か名前。"),
    ("department", "担当課", "任意。"),
    ("summary_ja", "事業概要", "任意。"),
    ("summary_en", "事業概要（英語）", "任意。"),
    (
        "features",
        "場所（地物ID）",
        "任意。地図上の地物のID。複数は「、」で区切る。場所のない事業は空欄のまま。",
    ),
    (
        "source",
        "出典",
        "事業の情報の出典。金額があるときは必須（金額の出典の欄が空なら、ここを使います）。",
    ),
    ("source_url", "出典URL", "任意。"),
    ("notes", "備考", "任意。"),
)
YEAR_COLUMNS: tuple[tuple[str, str, str], ...] = (
    (
        "status",
        "状況",
        "その年度の状況：予定・実施中・完了・休止・未確認。事業がなかった年度は空欄。",
    ),
    ("amount", "金額(円)", "任意。円単位の整数（千円単位の列なら見出しを「金額(千円)」に）。"),
    ("amount_kind", "金額の種類", "金額があるとき必須：予算 または 決算。"),
    ("amount_source", "金額の出典", "金額があるとき必須（空欄なら「出典」の欄を使います）。"),
    (
        "note",
        "実績・変化",
        "任意。その年度に何をしたか・何が変わったか（議会への報告書に載ります）。",
    ),
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _safe(cell: Any, value: object) -> None:
    """Write ``value`` as a string or number; formula-like text gets the quote prefix."""
    if value is None or value == "":
        return
    if isinstance(value, int) and not isinstance(value, bool):
        cell.value = value
        return
    text = str(value)
    cell.value = text
    cell.data_type = "s"
    if text.startswith(FORMULA_START):
        cell.quotePrefix = True


def _amount_kind_label(code: str) -> str:
    return next((k.ja for k in AMOUNT_KINDS if k.code == code), code)


def workbook_bytes(projects: Sequence[Project], plan: Plan, years: Sequence[int] = ()) -> bytes:
    """The workbook of ``projects`` (every year any of them has, and ``years``)."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    all_years = sorted({*years, *(e.year for p in projects for e in p.years)})
    extras = sorted({k for p in projects for k in p.extra})
    fixed = [*FIXED, *((f"extra:{k}", k, "") for k in extras)]
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = SHEET
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDE6F0")
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    _safe(ws.cell(1, 1), f"{plan.title_ja} 事業一覧（ninohe-geo）")
    ws.cell(1, 1).font = Font(bold=True, size=14)
    top, sub = 3, 4
    for c, (_, label, _) in enumerate(fixed, start=1):
        _safe(ws.cell(top, c), label)
        ws.merge_cells(start_row=top, start_column=c, end_row=sub, end_column=c)
    col = len(fixed) + 1
    for year in all_years:
        _safe(ws.cell(top, col), fiscal_year_label(year, "ja"))
        ws.merge_cells(
            start_row=top, start_column=col, end_row=top, end_column=col + len(YEAR_COLUMNS) - 1
        )
        for i, (_, label, _) in enumerate(YEAR_COLUMNS):
            _safe(ws.cell(sub, col + i), label)
        col += len(YEAR_COLUMNS)
    for row in ws.iter_rows(min_row=top, max_row=sub, max_col=col - 1):
        for cell in row:
            cell.font, cell.fill, cell.alignment = bold, head_fill, centre
    for r, p in enumerate(projects, start=sub + 1):
        values = _fixed_values(p, plan)
        values.update({f"extra:{k}": v for k, v in p.extra.items()})
        for c, (key, _, _) in enumerate(fixed, start=1):
            _safe(ws.cell(r, c), values.get(key, ""))
        col = len(fixed) + 1
        for year in all_years:
            entry = p.entry(year)
            if entry is not None:
                cells = {
                    "status": status_label(entry.status, "ja"),
                    "amount": entry.amount_yen,
                    "amount_kind": _amount_kind_label(entry.amount_kind)
                    if entry.amount_yen is not None
                    else "",
                    "amount_source": entry.amount_source,
                    "note": entry.note,
                }
                for i, (key, _, _) in enumerate(YEAR_COLUMNS):
                    _safe(ws.cell(r, col + i), cells[key])
            col += len(YEAR_COLUMNS)
    ws.freeze_panes = ws.cell(sub + 1, 3)
    from openpyxl.utils import get_column_letter

    for c in range(1, col):
        ws.column_dimensions[get_column_letter(c)].width = 16
    _explain(book, plan)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def _fixed_values(p: Project, plan: Plan) -> dict[str, object]:
    measures = "、".join(
        f"{m} {plan.measure(m).name_ja}" if plan.has_measure(m) else m for m in p.measures
    )
    values: dict[str, object] = {
        **{k: v for k, v in p.as_dict().items() if isinstance(v, str)},
        "measures": measures,
        "features": "、".join(p.features),
    }
    return values


def _explain(book: Any, plan: Plan) -> None:
    """The 「説明」 and 「選択肢」 sheets."""
    from openpyxl.styles import Alignment, Font

    ws = book.create_sheet("説明")
    _safe(ws.cell(1, 1), "「事業一覧」シートの各列の説明")
    ws.cell(1, 1).font = Font(bold=True, size=14)
    _safe(ws.cell(3, 1), "列")
    _safe(ws.cell(3, 2), "説明")
    r = 4
    for _, label, text in FIXED:
        _safe(ws.cell(r, 1), label)
        _safe(ws.cell(r, 2), text)
        r += 1
    _safe(ws.cell(r, 1), "年度ごとの列（「令和5年度」などの見出しの下）")
    ws.cell(r, 1).font = Font(bold=True)
    r += 1
    for _, label, text in YEAR_COLUMNS:
        _safe(ws.cell(r, 1), label)
        _safe(ws.cell(r, 2), text)
        r += 1
    r += 1
    notes = (
        "年度は「令和5年度」「R5」「H30」「2023」のどれでも、全角数字でも読めます。"
        "年度を増やすときは、見出しの行に年度を書き、その下に "
        "状況・金額(円)・金額の種類・金額の出典・実績・変化 の列を並べます。",
        "上の行（表題）や空行はそのままで構いません。"
        "数式のセルは読みません（値として貼り付けてください）。"
        "マクロ付きのブック（.xlsm）は取り込めません。",
        "取り込み：ninohe-geo projects import ファイル.xlsx --dry-run（検査だけ）→ "
        "--dry-run を外して取り込み。"
        "問題があれば、シート・行・列と直し方を示し、何も書き込みません。",
    )
    for text in notes:
        _safe(ws.cell(r, 1), text)
        ws.cell(r, 1).alignment = Alignment(wrap_text=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
        r += 1
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 90
    choices = book.create_sheet("選択肢")
    _safe(choices.cell(1, 1), "施策項目ID")
    _safe(choices.cell(1, 2), "施策項目")
    _safe(choices.cell(1, 3), "主な取組ID")
    _safe(choices.cell(1, 4), "主な取組")
    r = 2
    for m in plan.measures:
        _safe(choices.cell(r, 1), m.id)
        _safe(choices.cell(r, 2), ("★" if m.featured else "") + m.name_ja)
        for ini in m.initiatives:
            _safe(choices.cell(r, 3), ini.id)
            _safe(choices.cell(r, 4), ini.name_ja)
            r += 1
        if not m.initiatives:
            r += 1
    _safe(choices.cell(1, 6), "状況")
    for i, s in enumerate(PROJECT_STATUSES, start=2):
        _safe(choices.cell(i, 6), s.ja)


def template_bytes(plan: Plan) -> bytes:
    """The empty template: headers for the plan's years, the explanations, no project rows."""
    return workbook_bytes([], plan, plan_years(plan))
