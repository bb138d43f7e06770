"""The plan page's content as plain data: the tree with mapped-feature counts per measure."""

from __future__ import annotations

from dataclasses import dataclass

from ninohe_geo.i18n import t
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.plan import Lang
from ninohe_geo.query.details import indicator_value, related_reference


@dataclass(frozen=True)
class MeasureNode:
    """One measure (施策項目) as the plan page lists it."""

    id: str
    name: str
    featured: bool
    group: str | None
    initiatives: tuple[str, ...]
    count: int
    """Features on the map; 0 is listed too (行財政経営, シティセールス …)."""
    count_label: str
    related: str = ""
    """The reference layers the measure works with, with their counts (see
    :func:`~ninohe_geo.query.details.related_reference`), or ''."""


@dataclass(frozen=True)
class PillarNode:
    """One pillar with its directions, measures and indicators."""

    id: str
    label: str
    directions: tuple[str, ...]
    measures: tuple[MeasureNode, ...]
    indicators: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class PlanTree:
    """The whole plan page."""

    title: str
    period: str
    vision: str
    goal: str
    pillars: tuple[PillarNode, ...]
    common_policies: tuple[str, ...]
    perspectives: tuple[str, ...]
    featured_count: int
    source: str


def plan_tree(cat: Catalog, lang: Lang) -> PlanTree:
    """Build the plan page's tree from the catalogue."""
    plan = cat.plan
    counts = cat.count_by_measure()
    pillars = []
    for p in plan.pillars:
        measures = []
        for m in p.measures:
            n = counts.get(m.id, 0)
            measures.append(
                MeasureNode(
                    id=m.id,
                    name=m.name(lang),
                    featured=m.featured,
                    group=m.group(lang),
                    initiatives=tuple(i.name(lang) for i in m.initiatives),
                    count=n,
                    count_label=t("plan_mapped", lang, n=n) if n else t("plan_unmapped", lang),
                    related=related_reference(cat, m, lang),
                )
            )
        pillars.append(
            PillarNode(
                id=p.id,
                label=f"{p.short(lang)} {p.name(lang)}（{p.theme(lang)}）",
                directions=tuple(d.text(lang) for d in p.directions),
                measures=tuple(measures),
                indicators=tuple((i.name(lang), indicator_value(i, lang)) for i in p.indicators),
            )
        )
    return PlanTree(
        title=plan.title(lang),
        period=plan.period_ja if lang == "ja" else plan.period_en,
        vision=plan.vision(lang),
        goal=plan.goal(lang),
        pillars=tuple(pillars),
        common_policies=tuple(c.name(lang) for c in plan.common_policies),
        perspectives=tuple(v.name(lang) for v in plan.perspectives),
        featured_count=sum(m.featured for m in plan.measures),
        source=f"{plan.source.title}（{plan.source.publisher}）",
    )
