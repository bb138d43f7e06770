"""The plan's structure as a typed, validated model.

The comprehensive plan (二戸市総合計画 後期基本計画, 令和3〜7年度) is kept as data in
``geodata/plan.yaml``, written from the published plan text. This module loads it into frozen
pydantic models, validates it on load (unique IDs, every ★ and indicator where it belongs) and
offers the look-ups every other module needs: measure → pillar, pillar → indicators.

Pydantic rather than bare dataclasses because the file is edited by hand: its errors name the
exact path in the YAML (``pillars.2.measures.4.name_en: Field required``), which is what a planner
who mistyped a key needs to see.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ninohe_geo.errors import DataFileError
from ninohe_geo.i18n import LANGS as LANGS
from ninohe_geo.i18n import Lang as Lang


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Named(_Frozen):
    """Anything with a stable ID and a Japanese and an English name."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9.\-]*$", description="stable ID, never reused")
    name_ja: str = Field(min_length=1, description="name as printed in the plan")
    name_en: str = Field(min_length=1, description="English name (our translation)")

    def name(self, lang: Lang) -> str:
        """The name in ``lang``."""
        return self.name_ja if lang == "ja" else self.name_en


class Initiative(Named):
    """A main initiative (主な取り組み) of a measure."""


class Measure(Named):
    """A measure (施策項目) with its main initiatives; ``featured`` is the plan's ★ mark."""

    featured: bool = Field(default=False, description="★ 特色を活かした取り組み")
    group_ja: str | None = Field(
        default=None, description="sub-heading in the foundation, e.g. 生活基盤"
    )
    group_en: str | None = None
    initiatives: tuple[Initiative, ...] = ()
    reference_layers: tuple[str, ...] = Field(
        default=(),
        description="ids of the reference layers (official context data) this measure works "
        "with, e.g. 防災・減災 → the GSI shelters: named in its features' details and on the "
        "plan page",
    )

    def group(self, lang: Lang) -> str | None:
        """The sub-heading (foundation only) in ``lang``."""
        return self.group_ja if lang == "ja" else self.group_en


class Reference(_Frozen):
    """A sourced figure of an indicator: its baseline (基準値) or its target (目標値)."""

    value: float
    year: int = Field(description="the fiscal or calendar year the figure is for")
    unit: str = ""
    source: str = Field(min_length=1, description="where the figure is published")


class Indicator(Named):
    """An indicator (指標). ``value`` fields hold only sourced figures; None means 未確認."""

    known_value: str | None = Field(default=None, description="a sourced value, as text")
    known_value_source: str | None = None
    baseline: Reference | None = Field(
        default=None, description="基準値 with its year and source; None: 未確認"
    )
    target: Reference | None = Field(
        default=None, description="目標値 with its year and source; None: 未確認"
    )


class Direction(_Frozen):
    """One line of a pillar's direction (方向性)."""

    ja: str
    en: str

    def text(self, lang: Lang) -> str:
        """The text in ``lang``."""
        return self.ja if lang == "ja" else self.en


class Pillar(Named):
    """A policy area: 政策1, 政策2, 政策3 or the foundation (土台)."""

    short_ja: str = Field(description="short label for legends, e.g. 政策1")
    short_en: str
    theme_ja: str = Field(description="the pillar's theme among the four, e.g. しごとをつくる")
    theme_en: str
    color: str = Field(pattern=r"^#[0-9A-Fa-f]{6}$", description="colour-blind-safe legend colour")
    directions: tuple[Direction, ...]
    measures: tuple[Measure, ...]
    indicators: tuple[Indicator, ...]

    def short(self, lang: Lang) -> str:
        """Short label in ``lang`` (政策1 / Policy 1)."""
        return self.short_ja if lang == "ja" else self.short_en

    def theme(self, lang: Lang) -> str:
        """Theme in ``lang``."""
        return self.theme_ja if lang == "ja" else self.theme_en


class CommonPolicy(Named):
    """A common policy (共通政策) that runs through every pillar."""


class Perspective(Named):
    """One of the four new perspectives (新しい4つの視点)."""


class Source(_Frozen):
    """Where the plan text comes from."""

    title: str
    publisher: str
    note: str | None = None


class Plan(_Frozen):
    """The whole plan: vision, goal, pillars with measures and indicators, common policies."""

    id: str = Field(
        default="",
        pattern=r"^$|^[a-z0-9][a-z0-9\-]*$",
        description="stable id of this plan version (plans are versioned: issue #14)",
    )
    title_ja: str
    title_en: str
    period_ja: str
    period_en: str
    vision_ja: str
    vision_en: str
    goal_ja: str
    goal_en: str
    vision_note: str | None = Field(default=None, description="editorial note on the vision text")
    source: Source
    pillars: tuple[Pillar, ...]
    common_policies: tuple[CommonPolicy, ...]
    perspectives: tuple[Perspective, ...]

    @model_validator(mode="after")
    def _ids_unique(self) -> Plan:
        seen: dict[str, tuple[str, str]] = {}
        for kind, where, item in self._all_named():
            if item.id in seen:
                first_kind, first_where = seen[item.id]
                raise ValueError(
                    f"ID {item.id!r} is used twice ({first_kind} at {first_where}.id and "
                    f"{kind} at {where}.id)"
                )
            seen[item.id] = (kind, where)
        return self

    def _all_named(self) -> Iterator[tuple[str, str, Named]]:
        """(kind, YAML path, item) for everything with an ID, in file order."""
        for pi, p in enumerate(self.pillars):
            yield "pillar", f"pillars.{pi}", p
            for mi, m in enumerate(p.measures):
                yield "measure", f"pillars.{pi}.measures.{mi}", m
                for ii, i in enumerate(m.initiatives):
                    yield "initiative", f"pillars.{pi}.measures.{mi}.initiatives.{ii}", i
            for xi, ind in enumerate(p.indicators):
                yield "indicator", f"pillars.{pi}.indicators.{xi}", ind
        for ci, c in enumerate(self.common_policies):
            yield "common policy", f"common_policies.{ci}", c
        for vi, v in enumerate(self.perspectives):
            yield "perspective", f"perspectives.{vi}", v

    def vision(self, lang: Lang) -> str:
        """The 30-year vision in ``lang``."""
        return self.vision_ja if lang == "ja" else self.vision_en

    def goal(self, lang: Lang) -> str:
        """The shared goal in ``lang``."""
        return self.goal_ja if lang == "ja" else self.goal_en

    def title(self, lang: Lang) -> str:
        """The plan's title in ``lang``."""
        return self.title_ja if lang == "ja" else self.title_en

    @property
    def measures(self) -> tuple[Measure, ...]:
        """All measures in plan order."""
        return tuple(m for p in self.pillars for m in p.measures)

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """All indicators in plan order."""
        return tuple(i for p in self.pillars for i in p.indicators)

    @cached_property
    def _pillar_of(self) -> dict[str, Pillar]:
        return {m.id: p for p in self.pillars for m in p.measures}

    @cached_property
    def _measure_by_id(self) -> dict[str, Measure]:
        return {m.id: m for m in self.measures}

    @cached_property
    def _initiative_by_id(self) -> dict[str, tuple[Measure, Initiative]]:
        return {i.id: (m, i) for m in self.measures for i in m.initiatives}

    def measure(self, measure_id: str) -> Measure:
        """The measure with ``measure_id``; KeyError if the plan has none."""
        return self._measure_by_id[measure_id]

    def pillar_of(self, measure_id: str) -> Pillar:
        """The pillar a measure belongs to; KeyError if the measure is unknown."""
        return self._pillar_of[measure_id]

    def pillar(self, pillar_id: str) -> Pillar:
        """The pillar with ``pillar_id``; KeyError if unknown."""
        for p in self.pillars:
            if p.id == pillar_id:
                return p
        raise KeyError(pillar_id)

    def initiative(self, initiative_id: str) -> tuple[Measure, Initiative]:
        """The initiative with ``initiative_id`` and its measure; KeyError if unknown."""
        return self._initiative_by_id[initiative_id]

    def has_measure(self, measure_id: str) -> bool:
        """Whether the plan has a measure with this ID."""
        return measure_id in self._measure_by_id


def load_plan(path: Path) -> Plan:
    """Read and validate the plan file.

    Raises:
        DataFileError: the file is missing, is not YAML, or does not match the model; the message
            names the file and the path inside it.
    """
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DataFileError(path, f"cannot read the plan file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise DataFileError(path, f"not valid YAML: {exc}") from exc
    if not isinstance(raw, dict):
        raise DataFileError(path, "expected a mapping at the top of the plan file")
    try:
        return Plan.model_validate(raw)
    except ValidationError as exc:
        details = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}"
            for err in exc.errors()
        )
        raise DataFileError(path, f"the plan does not match the model: {details}") from exc
