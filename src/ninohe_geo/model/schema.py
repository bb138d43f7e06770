"""The feature schema: what every mapped feature of the plan must say about itself.

One definition serves the shipped layers, the validator, imports and the editor, so a feature that
passes here is a feature the map can show. Properties (GeoJSON ``properties``):

========== ======== =====================================================================
field      required meaning
========== ======== =====================================================================
id         yes      stable ID, unique across all layers (lower-case slug)
name_ja    yes      name in Japanese
name_en    yes      name in English
measure    yes*     measure ID from ``geodata/plan.yaml`` (gives the pillar); *a feature of a
                    reference layer (official context data: shelters, AEDs) has none, or names
                    the measure it serves
initiative no       main-initiative ID of that measure, where one applies
status     yes      one of :data:`STATUSES`
period     no       e.g. "2021–2025"; absent means unknown (未確認)
summary_ja yes      one or two plain sentences
summary_en yes      the same in English
accuracy   yes      one of :data:`ACCURACIES`: how exact the location is
accuracy_m no       how far (metres) the true place may be from the drawn one, at most
accuracy_note no    why the location is only that exact, in Japanese and/or English
source     yes      citation of the facts (publication, page, date)
source_url no       a link to the source
reading_ja no       the name's reading in hiragana, where a dictionary reads it wrong (search)
updated    yes      ISO date the feature was last checked
details_ja no       facts from the official dataset, one "label: value" per line (設置位置…)
details_en no       the same in English
========== ======== =====================================================================
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from ninohe_geo.model.plan import Lang


@dataclass(frozen=True)
class Choice:
    """One allowed value of a coded field, with its labels."""

    code: str
    ja: str
    en: str
    description_en: str = ""

    def label(self, lang: Lang) -> str:
        """The label in ``lang``."""
        return self.ja if lang == "ja" else self.en


STATUSES: tuple[Choice, ...] = (
    Choice("concept", "構想", "Concept", "an idea named in the plan, not yet studied"),
    Choice("study", "検討中", "Under study", "being studied or discussed"),
    Choice("planned", "計画", "Planned", "decided, works not started"),
    Choice("in_progress", "実施中", "In progress", "works or programme under way"),
    Choice("done", "完了", "Completed", "finished"),
    Choice("existing", "既存施設", "Existing facility", "a place the plan works through"),
    Choice("unknown", "未確認", "Unconfirmed", "status not confirmed by a source"),
)

ACCURACIES: tuple[Choice, ...] = (
    Choice("surveyed", "測量", "Surveyed", "from survey data or an official boundary"),
    Choice("facility", "施設位置", "Facility location", "the facility's sourced point"),
    Choice("approximate", "概略", "Approximate", "approximate position or area (位置は概略)"),
    Choice("schematic", "模式図", "Schematic", "a diagram, not a location (位置は未確認)"),
)

#: The hazard types a designated emergency evacuation site (指定緊急避難場所) is designated for,
#: as the GSI data and the Digital Agency's layout name them (災害対策基本法施行令 第20条の4).
HAZARDS: tuple[Choice, ...] = (
    Choice("flood", "洪水", "Flood"),
    Choice("landslide", "崖崩れ・土石流・地滑り", "Landslides, debris flows"),
    Choice("storm_surge", "高潮", "Storm surge"),
    Choice("earthquake", "地震", "Earthquake"),
    Choice("tsunami", "津波", "Tsunami"),
    Choice("fire", "大規模な火事", "Large fire"),
    Choice("inland_flood", "内水氾濫", "Inland flooding"),
    Choice("volcanic", "火山現象", "Volcanic phenomena"),
)
HAZARD_CODES = frozenset(c.code for c in HAZARDS)

STATUS_CODES = frozenset(c.code for c in STATUSES)
ACCURACY_CODES = frozenset(c.code for c in ACCURACIES)
#: Accuracies drawn with a dashed outline and labelled 「位置は概略」 on the map.
LOOSE_ACCURACIES = frozenset({"approximate", "schematic"})

REQUIRED_FIELDS: tuple[str, ...] = (
    "id",
    "name_ja",
    "name_en",
    "measure",
    "status",
    "summary_ja",
    "summary_en",
    "accuracy",
    "source",
    "updated",
)
OPTIONAL_FIELDS: tuple[str, ...] = (
    "initiative",
    "period",
    "accuracy_m",
    "accuracy_note",
    "source_url",
    "reading_ja",
    "details_ja",
    "details_en",
    "hazards",
    "same_as",
)
#: The two kinds of layer: the plan's projects, and official context data (reference) that is
#: not a plan project and has no measure of its own (the outline, shelters, AEDs).
LAYER_KINDS: tuple[str, ...] = ("plan", "reference")
#: An ``accuracy_m`` as written: a positive number of metres (``30``, ``2500``, ``12.5``).
METRES_PATTERN = re.compile(r"\d{1,6}(\.\d{1,2})?")
ALL_FIELDS: tuple[str, ...] = REQUIRED_FIELDS + OPTIONAL_FIELDS

ID_PATTERN = re.compile(r"[a-z0-9][a-z0-9\-_.]{0,79}")  # used with fullmatch
#: ``updated`` as written: YYYY-MM-DD (``date.fromisoformat`` also takes 20261127, 2026-W48-5).
DATE_PATTERN = re.compile(r"\d{4}-\d{2}-\d{2}")
#: A reading: hiragana, the long-vowel mark, digits, Latin letters, spaces and 「・〜（）」.
READING_PATTERN = re.compile(r"[\u3041-\u3096\u30fc0-9A-Za-z ・〜（）()]+")  # fullmatch


def choice(choices: tuple[Choice, ...], code: str) -> Choice:
    """The choice with ``code``; KeyError if none."""
    for c in choices:
        if c.code == code:
            return c
    raise KeyError(code)


def accuracy_metres(props: dict[str, Any]) -> float | None:
    """The feature's ``accuracy_m`` as a number, or None when absent or not a number."""
    value = props.get("accuracy_m")
    if isinstance(value, str) and METRES_PATTERN.fullmatch(value.strip()):
        return float(value)
    return None


def hazard_codes(props: dict[str, Any]) -> tuple[str, ...]:
    """The feature's ``hazards`` (comma-separated codes of :data:`HAZARDS`) as a tuple."""
    value = props.get("hazards")
    if not isinstance(value, str):
        return ()
    return tuple(code.strip() for code in value.split(",") if code.strip())


def same_as_ids(props: dict[str, Any]) -> tuple[str, ...]:
    """``same_as``: ids of reference features for the same facility (comma-separated)."""
    value = props.get("same_as")
    if not isinstance(value, str):
        return ()
    return tuple(fid.strip() for fid in value.split(",") if fid.strip())


def property_problems(props: dict[str, Any], kind: str = "plan") -> list[str]:
    """What is wrong with one feature's properties, as readable sentences (empty: nothing).

    Checks presence and type of fields and coded values; whether the measure exists in the plan
    is checked by the validator, which has the plan. ``kind`` is the layer's (see
    :data:`LAYER_KINDS`): a reference feature needs no measure.
    """
    problems: list[str] = []
    required = (
        REQUIRED_FIELDS if kind == "plan" else tuple(f for f in REQUIRED_FIELDS if f != "measure")
    )
    for name in required:
        value = props.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(f"missing field {name!r}")
        elif not isinstance(value, str):
            problems.append(f"field {name!r} must be text, got {type(value).__name__}")
    optional = OPTIONAL_FIELDS if kind == "plan" else (*OPTIONAL_FIELDS, "measure")
    for name in optional:
        value = props.get(name)
        if value is not None and not isinstance(value, str):
            problems.append(f"field {name!r} must be text, got {type(value).__name__}")
    fid = props.get("id")
    if isinstance(fid, str) and fid and not ID_PATTERN.fullmatch(fid):
        problems.append(f"id {fid!r} must be a lower-case slug (a-z, 0-9, -, _, .)")
    status = props.get("status")
    if isinstance(status, str) and status and status not in STATUS_CODES:
        problems.append(f"status {status!r} is not one of {', '.join(sorted(STATUS_CODES))}")
    accuracy = props.get("accuracy")
    if isinstance(accuracy, str) and accuracy and accuracy not in ACCURACY_CODES:
        allowed = ", ".join(sorted(ACCURACY_CODES))
        problems.append(f"accuracy {accuracy!r} is not one of {allowed}")
    updated = props.get("updated")
    if isinstance(updated, str) and updated:
        try:
            if not DATE_PATTERN.fullmatch(updated):
                raise ValueError(updated)
            dt.date.fromisoformat(updated)
        except ValueError:
            problems.append(f"updated {updated!r} is not an ISO date (YYYY-MM-DD)")
    metres = props.get("accuracy_m")
    if isinstance(metres, str) and metres and not METRES_PATTERN.fullmatch(metres.strip()):
        problems.append(f"accuracy_m {metres!r} must be a number of metres (e.g. 30 or 2500)")
    wrong = sorted(set(hazard_codes(props)) - HAZARD_CODES)
    if wrong:
        allowed = ", ".join(c.code for c in HAZARDS)
        problems.append(f"hazards {', '.join(wrong)} not known; use {allowed}")
    bad_ids = [fid for fid in same_as_ids(props) if not ID_PATTERN.fullmatch(fid)]
    if bad_ids:
        problems.append(f"same_as {', '.join(bad_ids)} must be feature ids")
    reading = props.get("reading_ja")
    if isinstance(reading, str) and reading and not READING_PATTERN.fullmatch(reading):
        problems.append(f"reading_ja {reading!r} must be hiragana (e.g. くのへじょうあと)")
    unknown = sorted(set(props) - set(ALL_FIELDS))
    if unknown:
        problems.append(f"unknown field(s) {', '.join(unknown)}")
    return problems
