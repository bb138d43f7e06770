"""What the editing page needs, without Streamlit: forms ↔ features, history and conflict rows,
indicator series.

The page reads widgets and calls these; the store checks roles and versions. Nothing here
writes.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ninohe_geo.i18n import STRINGS, t
from ninohe_geo.model.plan import Lang
from ninohe_geo.model.schema import (
    ACCURACIES,
    ALL_FIELDS,
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    STATUSES,
)
from ninohe_geo.store.base import (
    Change,
    ConflictError,
    IndicatorValue,
    conflict_fields,
    make_feature,
)

#: The form's fields, in the order shown (the schema's, minus ``updated`` set from the date).
FORM_FIELDS: tuple[str, ...] = tuple(f for f in ALL_FIELDS if f != "updated")
#: Years offered for indicator values: the plan's baseline years to its end and a little after.
INDICATOR_YEARS: tuple[int, ...] = tuple(range(2013, 2031))
#: The plan period (令和3〜7年度); charts always show these years, with gaps where unknown.
PLAN_YEARS: tuple[int, ...] = (2021, 2022, 2023, 2024, 2025)

ACTION_LABELS: dict[str, dict[Lang, str]] = {
    "create": {"ja": "追加", "en": "created"},
    "update": {"ja": "更新", "en": "updated"},
    "delete": {"ja": "削除", "en": "deleted"},
    "restore": {"ja": "復元", "en": "restored"},
    "undo": {"ja": "取り消し", "en": "undone"},
    "import": {"ja": "取り込み", "en": "imported"},
}


def field_label(name: str, lang: Lang) -> str:
    """A feature field as the page names it (``name_en`` → 名称（英語）, ``geometry`` → 位置・形);
    a field the schema does not know keeps its key."""
    key = f"field_{name}"
    return t(key, lang) if key in STRINGS else name


_CODE_LABELS = {"status": STATUSES, "accuracy": ACCURACIES}


def value_text(name: str, value: Any, lang: Lang) -> str:
    """A field's value as the page shows it: a status or accuracy code as its label (``done`` →
    完了), a geometry as its kind (点・線・面), anything else as short text."""
    for choice in _CODE_LABELS.get(name, ()):
        if choice.code == value:
            return choice.label(lang)
    if isinstance(value, dict) and "type" in value:
        return geometry_kind(str(value.get("type")), lang)
    return _short(value)


#: The checks' problems (English, from :mod:`ninohe_geo.model.checks`) that the edit form can
#: meet, as the page says them: (pattern on the message, locale key). The pattern's named groups
#: fill the text; the field's name comes from the ``field: message`` the store writes.
_PROBLEMS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), key)
    for pattern, key in (
        (r"^missing field ", "ed_problem_missing"),
        (r"^field '.*' must be text", "ed_problem_text"),
        (r"^id .* must be a lower-case slug", "ed_problem_id"),
        (r"^feature id and properties\.id differ", "ed_problem_id"),
        (r"^unknown measure ", "ed_problem_measure"),
        (r"^unknown initiative ", "ed_problem_initiative"),
        (r"^initiative .* belongs to measure ", "ed_problem_initiative_measure"),
        (r"^reading_ja .* must be hiragana", "ed_problem_reading"),
        (r"^accuracy_m .* must be a number", "ed_problem_metres"),
        (r"^duplicate id", "ed_problem_duplicate"),
        (r"not longitude/latitude", "ed_problem_lonlat"),
        (r"outside the city boundary", "ed_problem_outside"),
        (r"^invalid geometry", "ed_problem_geometry"),
        (r"ring must be|holes must be", "ed_problem_winding"),
        (r"^geometry type ", "ed_problem_geometry"),
    )
)


def problem_text(problem: str, lang: Lang) -> str:
    """A problem the store found in a feature (``name_en: missing field 'name_en'``), as the
    edit page says it: the field by its name in ``lang`` and, for the problems the form can
    meet, what to do in ``lang`` (「名称（英語）」を入力してください); any other problem keeps
    its English text after the field's name."""
    field, sep, message = problem.partition(": ")
    if not sep or " " in field:
        field, message = "", problem
    label = field_label(field, lang) if field else ""
    for pattern, key in _PROBLEMS:
        if pattern.search(message):
            text = t(key, lang, field=label)
            return f"{label}: {text}" if label and "{field}" not in STRINGS[key][lang] else text
    return f"{label}: {message}" if label else message


def role_label(role: str, lang: Lang) -> str:
    """An account role in words, with its code (``editor`` → 編集者（editor）): the code is
    what ``ninohe-geo users add --role`` takes."""
    key = f"role_{role}"
    return f"{t(key, lang)}（{role}）" if key in STRINGS and lang == "ja" else role


def geometry_kind(kind: str, lang: Lang) -> str:
    """A GeoJSON geometry type in words (``Point`` → 点 / point)."""
    key = f"geom_{kind}"
    return t(key, lang) if key in STRINGS else kind


def feature_from_form(
    values: dict[str, Any], geometry: dict[str, Any], updated: dt.date
) -> dict[str, Any]:
    """A GeoJSON feature from the form: text trimmed, empty optional fields left out."""
    props: dict[str, Any] = {}
    for name in FORM_FIELDS:
        raw = values.get(name)
        text = raw.strip() if isinstance(raw, str) else raw
        if name in OPTIONAL_FIELDS and (text is None or text == ""):
            continue
        props[name] = text if text is not None else ""
    props["updated"] = updated.isoformat()
    ordered = {k: props[k] for k in (*REQUIRED_FIELDS, *OPTIONAL_FIELDS) if k in props}
    return make_feature(ordered, geometry)


def checked_date(feature: dict[str, Any] | None, today: dt.date) -> dt.date:
    """When the feature's facts were last confirmed (its ``updated`` date), else ``today``.

    The edit form starts from this date, so saving an edit keeps it unless the editor says the
    facts were checked again (a new feature has just been checked: ``today``)."""
    raw = ((feature or {}).get("properties") or {}).get("updated")
    try:
        return dt.date.fromisoformat(str(raw)[:10])
    except ValueError:
        return today


def form_values(feature: dict[str, Any] | None) -> dict[str, str]:
    """The form's starting values: a feature's properties, or blanks for a new one."""
    props = (feature or {}).get("properties") or {}
    return {name: str(props.get(name) or "") for name in FORM_FIELDS}


def suggest_id(name_en: str, taken: Iterable[str]) -> str:
    """A free lower-case slug from an English name (``Ninohe Station`` → ``ninohe-station``)."""
    base = re.sub(r"[^a-z0-9]+", "-", name_en.lower()).strip("-")[:60] or "feature"
    used = set(taken)
    candidate, n = base, 2
    while candidate in used:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


@dataclass(frozen=True)
class HistoryRow:
    """One line of a feature's history as the page shows it."""

    seq: int
    at: str
    user: str
    action: str
    note: str
    fields: str
    """The fields that changed (``geometry`` included), comma-separated."""
    values: tuple[str, ...] = ()
    """Each changed field with its value before and after (``name_en: 「A」 → 「B」``)."""
    shown: tuple[str, ...] = ()
    """The same, as the page shows it: field names and codes in the page's language
    (``名称（英語）: 「A」 → 「B」``, ``状況: 「計画中」 → 「完了」``)."""
    restorable: bool = False
    """Whether restoring this state makes sense (it differs from the current one)."""


#: Japan Standard Time: the history is stored in UTC and shown as city hall's clocks read.
JST = dt.timezone(dt.timedelta(hours=9), "JST")


def jst(at: str) -> str:
    """An ISO 8601 time (UTC in the history) as ``2026-12-02 22:36 JST``; unparsable text as is."""
    try:
        moment = dt.datetime.fromisoformat(at)
    except ValueError:
        return at
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(JST).strftime("%Y-%m-%d %H:%M JST")


def _quoted(value: Any) -> str:
    return "（なし）" if value is None or value == "" else f"「{_short(value)}」"


def history_rows(
    changes: Sequence[Change], current: dict[str, Any] | None, lang: Lang
) -> list[HistoryRow]:
    """Newest first: who, when, what and which fields, for a feature's history table."""
    from ninohe_geo.store.base import feature_diff, version_of

    rows = []
    for c in reversed(changes):
        diff = feature_diff(c.before, c.after)
        rows.append(
            HistoryRow(
                seq=c.seq,
                at=jst(c.at),
                user=c.user,
                action=ACTION_LABELS.get(c.action, {"ja": c.action, "en": c.action})[lang],
                note=c.note,
                fields=", ".join(d[0] for d in diff),
                values=tuple(
                    f"{name}: {_quoted(before)} → {_quoted(after)}" for name, before, after in diff
                ),
                shown=tuple(
                    f"{field_label(name, lang)}: {_quoted(value_text(name, before, lang))}"
                    f" → {_quoted(value_text(name, after, lang))}"
                    for name, before, after in diff
                ),
                # A deletion of a feature still deleted restores what it removed (Store.restore).
                restorable=version_of(c.after) != version_of(current)
                or (c.after is None and current is None and c.before is not None),
            )
        )
    return rows


def conflict_rows(err: ConflictError) -> list[dict[str, str]]:
    """The difference between the stored feature and the editor's, one row per field."""
    rows = []
    for name, theirs, mine in err.diff:
        rows.append({"field": name, "stored": _short(theirs), "yours": _short(mine)})
    return rows


@dataclass(frozen=True)
class ConflictChoice:
    """One field the editor chooses for after a conflict: the stored value or theirs."""

    field: str
    """The field's key (``geometry`` for the location or shape)."""
    label: str
    """Its name in the page's language."""
    stored: str
    """The value saved meanwhile by someone else, as shown."""
    yours: str
    """The editor's own value, as shown."""


def conflict_choices(err: ConflictError, lang: Lang) -> list[ConflictChoice]:
    """The fields to choose for, one by one (:func:`~ninohe_geo.store.base.conflict_fields`):
    those both editors changed; every other change is merged already."""
    stored = (err.current.feature if err.current else None) or {}
    mine = err.wanted or {}

    def value(feature: dict[str, Any], name: str) -> Any:
        if name == "geometry":
            return feature.get("geometry")
        return (feature.get("properties") or {}).get(name)

    return [
        ConflictChoice(
            name,
            field_label(name, lang),
            value_text(name, value(stored, name), lang),
            value_text(name, value(mine, name), lang),
        )
        for name in conflict_fields(err)
    ]


def _short(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict) and "type" in value:  # a geometry
        return str(value.get("type"))
    text = str(value)
    return text if len(text) <= 120 else text[:117] + "…"


# ------------------------------------------------------------------------------- indicators
@dataclass(frozen=True)
class SeriesPoint:
    """One year of an indicator: a sourced value, or None (missing — never interpolated)."""

    year: int
    value: float | None
    unit: str
    source: str


def indicator_series(
    values: Iterable[IndicatorValue], indicator: str, years: Sequence[int] = PLAN_YEARS
) -> list[SeriesPoint]:
    """The indicator's values for ``years`` plus any other year that has one, in year order."""
    found = {v.year: v for v in values if v.indicator == indicator}
    out = []
    for year in sorted(set(years) | set(found)):
        v = found.get(year)
        out.append(
            SeriesPoint(year, v.value if v else None, v.unit if v else "", v.source if v else "")
        )
    return out
