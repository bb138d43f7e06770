"""What the details panel says about one feature, as plain data the page renders.

Kept apart from Streamlit so that it is tested as a function, and so that the residents' view,
the published site and print say the same things in the same order.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from ninohe_geo.i18n import distance_text, t
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.fiscal import fiscal_year_label
from ninohe_geo.model.plan import Indicator, Lang, Measure
from ninohe_geo.model.projects import Project, status_label
from ninohe_geo.model.schema import ACCURACIES, STATUSES, accuracy_metres, choice


@dataclass(frozen=True)
class Details:
    """Everything the panel shows; every value is plain text (the page escapes it)."""

    id: str
    name: str
    other_name: str
    pillar: str
    pillar_color: str
    measure: str
    featured: bool
    initiative: str | None
    status: str
    period: str
    summary: str
    accuracy: str
    accuracy_note: str | None
    loose: bool
    source: str
    source_url: str | None
    updated: str
    layer: str
    indicators: tuple[tuple[str, str], ...]
    """(indicator name, known value with its source, or 未確認)."""
    error: str = ""
    """How far the true place may be (位置の誤差 約 3 km), or '' when not stated."""
    related: str = ""
    """The reference layers the feature's measure works with (指定緊急避難場所 78 か所 …), or ''."""
    projects: tuple[str, ...] = ()
    """The projects (事業) this place belongs to, each with its status year by year."""
    measure_projects: int = 0
    """How many projects the feature's measure has (the measure's summary)."""
    measure_progress: tuple[str, ...] = ()
    """The measure's projects by status, one line per fiscal year (「令和5年度：実施中 1」)."""

    def rows(self, lang: Lang) -> list[tuple[str, str]]:
        """(label, value) pairs in display order."""
        rows = [
            (t("pillar", lang), self.pillar),
            (t("measure", lang), ("★ " if self.featured else "") + self.measure),
        ]
        if self.initiative:
            rows.append((t("initiative", lang), self.initiative))
        rows += [
            (t("status", lang), self.status),
            (t("period", lang), self.period),
            (t("summary", lang), self.summary),
            (
                t("accuracy", lang),
                self.accuracy + (f"（{self.accuracy_note}）" if self.accuracy_note else ""),
            ),
        ]
        if self.error:
            rows.append((t("position_error", lang), self.error))
        if self.related:
            rows.append((t("related_reference", lang), self.related))
        rows += [
            (t("source", lang), self.source),
            (t("updated", lang), self.updated),
        ]
        return rows


def indicator_value(indicator: Indicator, lang: Lang) -> str:
    """A sourced value with its source, or 未確認 — never a guess."""
    if indicator.known_value:
        source = f"（{indicator.known_value_source}）" if indicator.known_value_source else ""
        return indicator.known_value + source
    return t("unconfirmed", lang)


def related_reference(catalog: Catalog, measure: Measure, lang: Lang) -> str:
    """「指定緊急避難場所（78 か所）、指定避難所（46 か所）— 参考データ…」: the reference layers
    ``measure`` names (plan.yaml ``reference_layers``) with their counts, or ''."""
    layers = {layer.id: layer for layer in catalog.reference_layers()}
    parts = [
        t("related_layer", lang, title=layers[lid].title(lang), n=layers[lid].count)
        for lid in measure.reference_layers
        if lid in layers
    ]
    if not parts:
        return ""
    return t("related_reference_text", lang, layers=("、" if lang == "ja" else ", ").join(parts))


def _text(row: pd.Series, column: str) -> str | None:
    value = row.get(column)
    return value if isinstance(value, str) and value else None


def feature_details(catalog: Catalog, feature_id: str, lang: Lang) -> Details | None:
    """The details of ``feature_id`` in ``lang``, or None when it is not in the catalogue."""
    row = catalog.feature(feature_id)
    if row is None:
        return None
    plan = catalog.plan
    measure = plan.measure(row["measure"])
    pillar = plan.pillar_of(measure.id)
    initiative = None
    if _text(row, "initiative"):
        _, init = plan.initiative(row["initiative"])
        initiative = init.name(lang)
    layer = next((layer.title(lang) for layer in catalog.layers if layer.id == row["layer"]), "")
    other = "name_en" if lang == "ja" else "name_ja"
    return Details(
        id=feature_id,
        name=row["name_ja"] if lang == "ja" else row["name_en"],
        other_name=row[other],
        pillar=f"{pillar.short(lang)} {pillar.name(lang)}",
        pillar_color=pillar.color,
        measure=measure.name(lang),
        featured=measure.featured,
        initiative=initiative,
        status=choice(STATUSES, row["status"]).label(lang),
        period=_text(row, "period") or t("unconfirmed", lang),
        summary=row["summary_ja"] if lang == "ja" else row["summary_en"],
        accuracy=choice(ACCURACIES, row["accuracy"]).label(lang),
        accuracy_note=note_in(_text(row, "accuracy_note"), lang),
        loose=bool(row["loose"]),
        source=row["source"],
        source_url=_text(row, "source_url"),
        updated=row["updated"],
        layer=layer,
        indicators=tuple((i.name(lang), indicator_value(i, lang)) for i in pillar.indicators),
        error=position_error(row, lang),
        related=related_reference(catalog, measure, lang),
        projects=tuple(project_line(p, lang) for p in catalog.projects_of(feature_id)),
        measure_projects=len(catalog.projects_of_measure(measure.id)),
        measure_progress=measure_progress(catalog.projects_of_measure(measure.id), lang),
    )


def measure_progress(projects: tuple[Project, ...], lang: Lang) -> tuple[str, ...]:
    """「令和5年度：実施中 1、完了 2」 for each fiscal year the projects have entries in."""
    from ninohe_geo.query.progress import STATUS_ORDER, Tally, years_of

    lines = []
    sep = "、" if lang == "ja" else ", "
    colon = "：" if lang == "ja" else ": "
    for year in years_of(projects):
        tally = Tally("")
        for p in projects:
            tally.add(p, year)
        counts = sep.join(
            f"{status_label(code, lang)} {tally.counts[code]}"
            for code in STATUS_ORDER
            if tally.counts[code]
        )
        lines.append(f"{fiscal_year_label(year, lang)}{colon}{counts}")
    return tuple(lines)


def project_line(project: Project, lang: Lang) -> str:
    """「九戸城跡の第2期整備：令和3年度 未確認 → 令和5年度 実施中 → 令和7年度 予定」."""
    steps = " → ".join(
        f"{fiscal_year_label(e.year, lang)} {status_label(e.status, lang)}" for e in project.years
    )
    colon = "：" if lang == "ja" else ": "
    return project.name(lang) + (colon + steps if steps else "")


def note_in(note: str | None, lang: Lang) -> str | None:
    """The part of a bilingual note ("日本語 / English", as the shipped data writes them) in
    ``lang``; a note in one language is shown as it is (issue #12: notes mixed both)."""
    if not note:
        return note
    parts = [p.strip() for p in note.split(" / ")]
    if len(parts) == 2 and parts[0] and parts[1]:
        japanese = any("\u3040" <= ch <= "\u9fff" for ch in parts[0])
        latin = not any("\u3040" <= ch <= "\u9fff" for ch in parts[1])
        if japanese and latin:
            return parts[0] if lang == "ja" else parts[1]
    return note


def position_error(row: pd.Series, lang: Lang) -> str:
    """「約 3 km」 from the feature's ``accuracy_m``; '' when it states none."""
    metres = accuracy_metres({"accuracy_m": row.get("accuracy_m")})
    return distance_text(metres, lang) if metres is not None else ""
