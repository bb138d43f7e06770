"""Read a project list (事業一覧) as city halls keep it: an Excel sheet (.xlsx) or a CSV.

Real sheets are read as they are (issue #14):

- a title row or two above the header (「令和5年度 総合計画 事業進捗一覧」), blank spacer rows;
- merged header cells: a year (「令和5年度」) merged over its sub-columns (状況 / 予算額 / 決算額 /
  実績), or one header over two rows; merged cells count as the value of their top-left cell;
- 和暦 and Western years, full-width digits (:mod:`ninohe_geo.model.fiscal`);
- measures named by id (P3-07), by name (「防災・減災」) or with the ★ mark (「★うるし」), several
  separated by 「、」 or line breaks;
- amounts in yen or, when the header says so (「予算額（千円）」), thousands of yen;
- a notes column whose header is a paragraph (any header starting with 備考);
- either one row per project with a column group per year (wide), or one row per project and
  year with a 年度 column (long).

Safety: formulas are never evaluated — a cell holding one is reported (sheet, row, column) and
the import stops; external links are not loaded (``keep_links=False``); macro workbooks (.xlsm,
or an .xlsx with a ``vbaProject.bin``) are refused; the zip is checked against the same size,
member and compression-ratio caps as every other import (:mod:`.limits`) before it is opened;
openpyxl parses the XML with ``defusedxml`` (installed with this package).

All or nothing: :func:`read_projects` returns every problem at once (sheet, row, column, what
was expected) and the projects only when there is none.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ninohe_geo.io.errors import ImportFileError, LimitExceededError, UnsafeInputError
from ninohe_geo.io.limits import DEFAULT_LIMITS, Limits, check_size, check_zip_members
from ninohe_geo.io.read_csv import decode
from ninohe_geo.model.fiscal import FiscalYearError, parse_fiscal_year
from ninohe_geo.model.plan import Plan

#: Header texts (after NFKC, spaces and line breaks removed) → field.
HEADERS: dict[str, tuple[str, ...]] = {
    "id": ("事業id", "事業番号", "事業コード", "id", "projectid"),
    "name_ja": ("事業名", "事業名称", "事業名(日本語)"),
    "name_en": ("事業名(英語)", "事業名_英字", "englishname", "name(english)"),
    "measures": ("施策項目", "施策", "施策名", "施策項目名", "measure", "measures"),
    "initiative": ("主な取組", "主な取り組み", "取組", "主な取組み", "initiative"),
    "department": ("担当課", "所管課", "担当部署", "担当", "department"),
    "summary_ja": ("事業概要", "概要", "事業の概要", "内容"),
    "summary_en": ("事業概要(英語)", "概要(英語)", "summary(english)"),
    "features": ("場所", "地物id", "場所(地物id)", "関連する場所", "features"),
    "source": ("出典", "資料", "source"),
    "source_url": ("出典url", "url", "sourceurl"),
    "year": ("年度", "fiscalyear"),
}
#: Sub-headers under a year (or, in the long layout, headers of the year's columns).
YEAR_FIELDS: dict[str, tuple[str, ...]] = {
    "status": ("状況", "進捗", "進捗状況", "実施状況", "status"),
    "budget": ("予算", "予算額", "当初予算額", "budget"),
    "settled": ("決算", "決算額", "実績額", "settled"),
    "amount": ("金額", "金額(円)", "amount"),
    "amount_kind": ("金額の種類", "amountkind"),
    "amount_source": ("金額の出典", "amountsource"),
    "note": ("実績・変化", "実績", "成果", "取組内容", "実績・成果", "note", "whatchanged"),
}
NOTES_PREFIX = "備考"
#: Status words as sheets write them → codes.
STATUS_WORDS: dict[str, str] = {
    "予定": "planned",
    "計画": "planned",
    "planned": "planned",
    "実施中": "in_progress",
    "実施": "in_progress",
    "継続": "in_progress",
    "着手": "in_progress",
    "推進中": "in_progress",
    "in_progress": "in_progress",
    "inprogress": "in_progress",
    "完了": "done",
    "終了": "done",
    "済": "done",
    "done": "done",
    "completed": "done",
    "休止": "paused",
    "中止": "paused",
    "延期": "paused",
    "paused": "paused",
    "未確認": "unknown",
    "不明": "unknown",
    "unknown": "unknown",
}
HEADER_SCAN_ROWS = 20
MACRO_SUFFIXES = (".xlsm", ".xltm", ".xlsb", ".xlam")


@dataclass(frozen=True)
class SheetProblem:
    """One thing wrong with the sheet, said where it is."""

    sheet: str
    row: int
    """1-based row number as the spreadsheet shows it (0: the whole sheet)."""
    column: str
    """The column's header (or letter), '' for the whole row."""
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}"
        if self.row:
            where += f" row {self.row}"
        if self.column:
            where += f", column 「{self.column}」"
        return f"{where}: {self.message}"


@dataclass
class SheetRead:
    """What a read found: the projects (only when there is no problem) and the problems."""

    file: Path
    sheet: str
    projects: list[dict[str, Any]] = field(default_factory=list)
    problems: list[SheetProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    """Header cells that name no field; their values are kept in each project's ``extra``."""
    rows: dict[str, int] = field(default_factory=dict)
    """Each project's first row (1-based, as the spreadsheet numbers it)."""


class ProjectSheetError(ImportFileError):
    """The sheet has problems: nothing is imported. ``problems`` lists them all."""

    def __init__(self, path: Path, problems: Sequence[SheetProblem]) -> None:
        self.problems = list(problems)
        shown = "\n".join(f"  - {p}" for p in self.problems[:50])
        more = f"\n  … and {len(self.problems) - 50} more" if len(self.problems) > 50 else ""
        super().__init__(
            path,
            f"{len(self.problems)} problem(s); nothing was imported. Fix them in the sheet "
            f"and import it again:\n{shown}{more}",
        )


def _key(text: object) -> str:
    """A header cell as compared: NFKC, lower-case, no spaces or line breaks."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text or ""))).lower()


_HEADER_INDEX = {alias: name for name, aliases in HEADERS.items() for alias in aliases}
_YEAR_INDEX = {alias: name for name, aliases in YEAR_FIELDS.items() for alias in aliases}


def _base(key: str) -> str:
    """A header without a unit in brackets: 「予算額(千円)」 → 「予算額」."""
    return re.sub(r"\((千円|円|yen|thousandyen)\)$", "", key)


def _thousands(key: str) -> bool:
    return "千円" in key or "thousandyen" in key


# ---------------------------------------------------------------------------------- grids
@dataclass
class Grid:
    """A sheet as text cells (merged cells filled from their top-left cell)."""

    name: str
    rows: list[list[str]]
    formulas: set[tuple[int, int]] = field(default_factory=set)
    """(row, column) indices (0-based) of cells that hold a formula."""


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value)


def read_grid(path: Path, limits: Limits = DEFAULT_LIMITS, sheet: str | None = None) -> Grid:
    """The first (or named) sheet of an .xlsx, or a CSV, as text cells.

    Raises:
        UnsafeInputError: a macro workbook, or not a readable workbook.
        LimitExceededError: too large, or a zip that expands too much.
    """
    check_size(path, limits)
    suffix = path.suffix.lower()
    if suffix in MACRO_SUFFIXES:
        raise UnsafeInputError(
            path,
            f"{suffix} is a macro-enabled or binary workbook, which is never opened: save it "
            "as an Excel workbook (.xlsx) and import that",
        )
    if suffix == ".csv":
        text, _ = decode(path.read_bytes(), str(path))
        table = list(csv.reader(io.StringIO(text)))
        if len(table) > limits.max_features + HEADER_SCAN_ROWS:
            raise LimitExceededError(
                path, f"has {len(table):,} rows; the limit is {limits.max_features:,}"
            )
        return Grid(path.stem, table)
    if suffix != ".xlsx":
        raise UnsafeInputError(path, f"{suffix or 'no suffix'}: a project list is .xlsx or .csv")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnsafeInputError(path, f"not a readable Excel workbook (.xlsx): {exc}") from exc
    check_zip_members(path, infos, limits)
    if any(i.filename.lower().endswith("vbaproject.bin") for i in infos):
        raise UnsafeInputError(
            path,
            "the workbook holds macros (vbaProject.bin), which are never opened: save it "
            "without macros (.xlsx) and import that",
        )
    from openpyxl import load_workbook

    try:
        book = load_workbook(
            path, read_only=False, data_only=False, keep_links=False, keep_vba=False
        )
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnsafeInputError(path, f"not a readable Excel workbook (.xlsx): {exc}") from exc
    try:
        ws = book[sheet] if sheet else book.worksheets[0]
    except KeyError as exc:
        names = "、".join(book.sheetnames)
        raise ImportFileError(path, f"no sheet 「{sheet}」 (the workbook has {names})") from exc
    if ws.max_row > limits.max_features + HEADER_SCAN_ROWS:
        raise LimitExceededError(
            path, f"has {ws.max_row:,} rows; the limit is {limits.max_features:,}"
        )
    rows: list[list[str]] = []
    formulas: set[tuple[int, int]] = set()
    for r, row in enumerate(ws.iter_rows()):
        out = []
        for c, cell in enumerate(row):
            if cell.data_type == "f":
                formulas.add((r, c))
                out.append("")
            else:
                out.append(_cell_text(cell.value))
        rows.append(out)
    for merged in ws.merged_cells.ranges:
        top = rows[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(rows) else ""
        for r in range(merged.min_row - 1, min(merged.max_row, len(rows))):
            for c in range(merged.min_col - 1, merged.max_col):
                while len(rows[r]) <= c:
                    rows[r].append("")
                rows[r][c] = top
    return Grid(ws.title, rows, formulas)


# ------------------------------------------------------------------------------- columns
@dataclass(frozen=True)
class Column:
    """What one column of the sheet holds."""

    index: int
    header: str
    field: str
    """A key of :data:`HEADERS`, ``notes``, a year field (with ``year``), or ``extra``."""
    year: int | None = None
    thousands: bool = False


def _is_year_header(text: str) -> int | None:
    try:
        return parse_fiscal_year(text)
    except FiscalYearError:
        return None


def find_header(grid: Grid) -> tuple[int, int]:
    """(first header row, number of header rows: 1 or 2), 0-based; (-1, 0) if none.

    The header row is the first of the top rows where at least two cells name known fields
    (title rows above hold one long text); a second header row follows when the one below has
    year sub-headers (状況, 予算額 …) under a year."""
    for r, row in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
        keys = [_key(c) for c in row]
        known = sum(1 for k in keys if k in _HEADER_INDEX or _base(k) in _YEAR_INDEX)
        years = sum(1 for c in row if c and _is_year_header(c) is not None)
        if known >= 2 or (known >= 1 and years >= 1):
            below = grid.rows[r + 1] if r + 1 < len(grid.rows) else []
            subs = sum(1 for c in below if _base(_key(c)) in _YEAR_INDEX)
            return r, (2 if subs and years else 1)
    return -1, 0


def columns_of(grid: Grid, header_row: int, header_rows: int) -> list[Column]:
    """The columns, from one or two header rows (a year over its sub-columns).

    A year written once over its sub-columns but not merged (Excel's 「選択範囲内で中央」) still
    covers them: an empty top cell with a year sub-header under it belongs to the year on its
    left. A sub-column the reader does not know (「事業費」) is kept as it is (``extra``), never
    taken for the status."""
    top = grid.rows[header_row]
    sub = grid.rows[header_row + 1] if header_rows == 2 else []
    width = max(len(top), len(sub))
    out: list[Column] = []
    year_here: tuple[int, str] | None = None
    for c in range(width):
        head = top[c] if c < len(top) else ""
        below = sub[c] if c < len(sub) else ""
        key = _key(head)
        year = _is_year_header(head) if head else None
        if year is not None:
            year_here = (year, head)
        elif head:
            year_here = None
        elif not _key(below):
            year_here = None
        if year_here is not None:
            year, label_head = year_here
            sub_key = _key(below)
            label = f"{label_head} {below}".strip()
            if not sub_key:
                out.append(Column(c, label, "status", year))
            elif _base(sub_key) in _YEAR_INDEX:
                out.append(Column(c, label, _YEAR_INDEX[_base(sub_key)], year, _thousands(sub_key)))
            else:
                out.append(Column(c, label, "extra", year))
        elif key in _HEADER_INDEX:
            out.append(Column(c, head, _HEADER_INDEX[key]))
        elif _base(key) in _YEAR_INDEX:
            out.append(Column(c, head, _YEAR_INDEX[_base(key)], None, _thousands(key)))
        elif key.startswith(NOTES_PREFIX):
            out.append(Column(c, head.split("\n")[0].strip(), "notes"))
        elif key:
            out.append(Column(c, head.strip(), "extra"))
        elif _key(below):
            out.append(Column(c, below.strip(), "extra"))
    return out


# ----------------------------------------------------------------------------- values
def measure_lookup(plan: Plan) -> dict[str, str]:
    """Every way a sheet names a measure → its id: the id, the name (with or without ★), and
    「P1-01 うるし」 as our export writes it."""
    out: dict[str, str] = {}
    for m in plan.measures:
        for text in (m.id, m.name_ja, m.name_en, f"★{m.name_ja}", f"{m.id} {m.name_ja}"):
            out[_key(text)] = m.id
    return out


def initiative_lookup(plan: Plan) -> dict[str, str]:
    """Every way a sheet names an initiative → its id (its id, or its Japanese name)."""
    out: dict[str, str] = {}
    for m in plan.measures:
        for i in m.initiatives:
            for text in (i.id, i.name_ja, f"{i.id} {i.name_ja}"):
                out[_key(text)] = i.id
    return out


def split_list(text: str) -> list[str]:
    """「防災・減災、地域防災」 → two items (「・」 is part of names, never a separator)."""
    return [p.strip() for p in re.split(r"[、,，;；\n/／]+", text) if p.strip()]


def parse_amount(text: str, thousands: bool) -> int:
    """「1,234」「１２３４」「1234円」「1.5」 (with thousands) → yen. ValueError if not a number."""
    raw = unicodedata.normalize("NFKC", text).replace(",", "").replace("円", "").strip()
    if thousands:
        raw = raw.replace("千", "")
    if not re.fullmatch(r"\d+(\.\d+)?", raw):
        raise ValueError(text)
    value = float(raw) * (1000 if thousands else 1)
    if not value.is_integer():
        raise ValueError(text)
    return int(value)


# ------------------------------------------------------------------------------ reading
def read_projects(
    path: Path,
    plan: Plan,
    limits: Limits = DEFAULT_LIMITS,
    sheet: str | None = None,
    default_source: str = "",
) -> SheetRead:
    """Read a project sheet; the result has projects only when it has no problems.

    ``default_source`` is the source of the sheet's amounts when it has no 出典 column (e.g.
    「令和5年度 主要な施策の成果に関する説明書」): an amount never goes in without one.
    """
    grid = read_grid(path, limits, sheet)
    result = SheetRead(path, grid.name)
    header_row, header_rows = find_header(grid)
    if header_row < 0:
        result.problems.append(
            SheetProblem(
                grid.name,
                0,
                "",
                "no header row found in the first 20 rows: it needs at least 事業ID, 事業名 and "
                "施策項目 (see the template: 'ninohe-geo projects template')",
            )
        )
        return result
    cols = columns_of(grid, header_row, header_rows)
    have = {c.field for c in cols}
    for needed, label in (("id", "事業ID"), ("name_ja", "事業名"), ("measures", "施策項目")):
        if needed not in have:
            result.problems.append(
                SheetProblem(grid.name, header_row + 1, "", f"the header has no 「{label}」 column")
            )
    if result.problems:
        return result
    if not any(c.field == "year" for c in cols):
        for c in cols:
            if c.field in YEAR_FIELDS and c.year is None:
                result.problems.append(
                    SheetProblem(
                        grid.name,
                        header_row + 1,
                        c.header,
                        "no 年度 for this column: write the year (e.g. 令和5年度) in the header "
                        "above it, or add a 年度 column (one row per project and year)",
                    )
                )
        if result.problems:
            return result
    result.ignored_columns = [c.header for c in cols if c.field == "extra"]
    reader = _RowReader(grid, cols, plan, result, default_source)
    first_data = header_row + header_rows
    for r in range(first_data, len(grid.rows)):
        reader.read_row(r)
    result.projects = reader.projects() if not result.problems else []
    result.rows = {pid: r + 1 for pid, r in reader.first_row.items()}
    return result


class _RowReader:
    """Reads data rows into projects, recording each problem where it is."""

    def __init__(
        self, grid: Grid, cols: list[Column], plan: Plan, result: SheetRead, default_source: str
    ) -> None:
        self.grid = grid
        self.cols = cols
        self.plan = plan
        self.result = result
        self.default_source = default_source
        self.measures = measure_lookup(plan)
        self.initiatives = initiative_lookup(plan)
        self.by_id: dict[str, dict[str, Any]] = {}
        self.first_row: dict[str, int] = {}
        #: (事業ID, column) → the row that gave the project that column's value (long layout).
        self.given_on: dict[tuple[str, int], int] = {}
        self.long = any(c.field == "year" for c in cols)

    def problem(self, r: int, col: Column | None, message: str) -> None:
        self.result.problems.append(
            SheetProblem(self.grid.name, r + 1, col.header if col else "", message)
        )

    def read_row(self, r: int) -> None:
        row = self.grid.rows[r]
        cells = {c.index: (row[c.index].strip() if c.index < len(row) else "") for c in self.cols}
        for c in self.cols:
            if (r, c.index) in self.grid.formulas:
                self.problem(
                    r, c, "the cell holds a formula, which is never evaluated: paste its value"
                )
        if not any(cells.values()) and not any(
            (r, c.index) in self.grid.formulas for c in self.cols
        ):
            return  # a spacer row
        pid = next(cells[c.index] for c in self.cols if c.field == "id")
        if not pid:
            self.problem(r, None, "the row has no 事業ID (every project needs a stable id)")
            return
        pid = unicodedata.normalize("NFKC", pid)
        project = self.by_id.get(pid)
        if project is None:
            project = {"id": pid, "name_ja": "", "name_en": "", "measures": [], "years": []}
            self.by_id[pid] = project
            self.first_row[pid] = r
        elif not self.long:
            self.problem(r, None, f"事業ID {pid} is also on row {self.first_row[pid] + 1}")
            return
        year_cells: dict[int, dict[str, tuple[Column, str]]] = {}
        long_year: int | None = None
        for c in self.cols:
            value = cells[c.index]
            if c.field == "year":
                if value:
                    try:
                        long_year = parse_fiscal_year(value)
                    except FiscalYearError as exc:
                        self.problem(r, c, str(exc))
                continue
            if c.field in YEAR_FIELDS:
                if c.year is not None or self.long:
                    year_cells.setdefault(c.year or -1, {})[c.field] = (c, value)
                continue
            if value and self.agrees(project, r, c, value):
                self.set_field(project, r, c, value)
        if self.long and -1 in year_cells:
            if long_year is None:
                if any(v for _, v in year_cells[-1].values()):
                    self.problem(r, None, "the row has year values but no 年度")
            else:
                year_cells[long_year] = year_cells.pop(-1)
        year_cells.pop(-1, None)
        for year, fields in sorted(year_cells.items()):
            self.year_entry(project, r, year, fields)

    def agrees(self, project: dict[str, Any], r: int, c: Column, value: str) -> bool:
        """In the long layout (a row per project and year) the project's own columns repeat on
        each of its rows: a value that differs from an earlier row's is a problem on this row,
        and the earlier value is kept (a later row never silently renames the project).
        施策項目 is the exception: its rows add up (a name and an id may name one measure)."""
        if not self.long or c.field == "measures":
            return True
        key = (project["id"], c.index)
        first = self.given_on.get(key)
        if first is None:
            self.given_on[key] = r
            return True
        before = (
            self.grid.rows[first][c.index].strip() if c.index < len(self.grid.rows[first]) else ""
        )
        if before == value:
            return False  # the same value again: nothing to set
        self.problem(
            r,
            c,
            f"事業ID {project['id']}: 「{value}」 differs from 「{before}」 on row {first + 1} "
            "(a project's own columns must be the same on each of its rows)",
        )
        return False

    def set_field(self, project: dict[str, Any], r: int, c: Column, value: str) -> None:
        if c.field == "measures":
            ids = []
            for item in split_list(value):
                found = self.measures.get(_key(item)) or self.measures.get(_key(item.split()[0]))
                if found is None:
                    self.problem(
                        r,
                        c,
                        f"「{item}」 is not a measure of the plan (write its name, e.g. "
                        "「防災・減災」, or its id, e.g. P3-07)",
                    )
                elif found not in ids:
                    ids.append(found)
            project["measures"] = list(dict.fromkeys([*project["measures"], *ids]))
        elif c.field == "initiative":
            found = self.initiatives.get(_key(value)) or self.initiatives.get(
                _key(value.split()[0])
            )
            if found is None:
                self.problem(r, c, f"「{value}」 is not an initiative of the plan")
            else:
                project["initiative"] = found
        elif c.field == "features":
            project["features"] = split_list(value)
        elif c.field == "extra":
            project.setdefault("extra", {})[c.header] = value
        elif c.field == "id":
            return
        else:
            project[c.field] = value

    def year_entry(
        self,
        project: dict[str, Any],
        r: int,
        year: int,
        fields: dict[str, tuple[Column, str]],
    ) -> None:
        if not any(v for _, v in fields.values()):
            return  # the project has nothing that year
        entry: dict[str, Any] = {"year": year}
        status_col, status = fields.get("status", (None, ""))
        code = STATUS_WORDS.get(_key(status)) if status else None
        if code is None:
            words = "予定・実施中・完了・休止・未確認"
            what = f"「{status}」 is not a status" if status else "a status is needed"
            self.problem(r, status_col, f"{what} ({words})")
            code = "unknown"
        entry["status"] = code
        amounts = [
            (kind, fields[name])
            for name, kind in (("settled", "settled"), ("budget", "budget"))
            if name in fields and fields[name][1]
        ]
        if "amount" in fields and fields["amount"][1]:
            kind_text = fields.get("amount_kind", (None, ""))[1]
            kind = {
                "予算": "budget",
                "budget": "budget",
                "決算": "settled",
                "settled": "settled",
            }.get(_key(kind_text), "")
            if not kind:
                self.problem(r, fields["amount"][0], "an amount must say 予算 or 決算 (金額の種類)")
            amounts.insert(0, (kind or "budget", fields["amount"]))
        if amounts:
            kind, (col, text) = amounts[0]  # a settled amount is the better figure
            try:
                entry["amount_yen"] = parse_amount(text, col.thousands)
            except ValueError:
                self.problem(r, col, f"「{text}」 is not an amount in yen")
            entry["amount_kind"] = kind
            source = (
                fields.get("amount_source", (None, ""))[1]
                or project.get("source", "")
                or self.default_source
            )
            if not source:
                self.problem(
                    r, col, "an amount needs its source: add a 出典 column or pass --source"
                )
            entry["amount_source"] = source
        note = fields.get("note", (None, ""))[1]
        if note:
            entry["note"] = note
        if any(e["year"] == year for e in project["years"]):
            self.problem(r, status_col, f"{year}: the year is given twice for {project['id']}")
            return
        project["years"].append(entry)

    def projects(self) -> list[dict[str, Any]]:
        """The projects in their stored form (:meth:`Project.as_dict`: the same content
        always gives the same dict, so re-importing an exported sheet changes nothing)."""
        from ninohe_geo.model.projects import Project

        return [Project.from_dict(p).as_dict() for p in self.by_id.values()]


def check_against_plan(read: SheetRead, plan: Plan) -> None:
    """Run the store's project check on every project read; problems go on the sheet's row."""
    from ninohe_geo.model.projects import project_problems

    for project in read.projects:
        for message in project_problems(project, plan):
            row = read.rows.get(str(project["id"]), 0)
            read.problems.append(SheetProblem(read.sheet, row, "", f"{project['id']}: {message}"))
    if read.problems:
        read.projects = []


def summary(read: SheetRead) -> Iterable[str]:
    """Lines a city employee reads after a dry run."""
    yield f"{read.file.name} (sheet 「{read.sheet}」): {len(read.projects)} project(s)"
    if read.ignored_columns:
        yield "kept as they are (no field of their own): " + "、".join(read.ignored_columns)
