"""The feature schema: one table of property tweaks and the message each must produce."""

from __future__ import annotations

from typing import Any

import pytest

from ninohe_geo.model.schema import (
    ACCURACIES,
    ALL_FIELDS,
    LOOSE_ACCURACIES,
    OPTIONAL_FIELDS,
    REQUIRED_FIELDS,
    STATUSES,
    accuracy_metres,
    choice,
    hazard_codes,
    property_problems,
    same_as_ids,
)

VALID: dict[str, Any] = {
    "id": "castle",
    "name_ja": "九戸城跡",
    "name_en": "Kunohe Castle ruins",
    "measure": "P3-01",
    "initiative": "P3-01.1",
    "status": "planned",
    "period": "2021–2025",
    "summary_ja": "国史跡。",
    "summary_en": "National historic site.",
    "accuracy": "facility",
    "accuracy_m": "30",
    "accuracy_note": "城跡の代表点",
    "source": "castle guide page",
    "source_url": "https://example.org/castle",
    "reading_ja": "くのへじょうあと",
    "updated": "2026-11-27",
    "details_ja": "指定：史跡",
    "details_en": "Designation: historic site",
    "hazards": "flood,earthquake",
    "same_as": "gsi-e0321300062201",
}

DROP = object()

# (test id, {field: new value or DROP}, expected message fragment; None = no problem at all)
CASES: list[tuple[str, dict[str, Any], str | None]] = [
    ("valid", {}, None),
    ("valid-without-optionals", dict.fromkeys(OPTIONAL_FIELDS, DROP), None),
    ("optional-null", {"period": None, "source_url": None}, None),
    ("missing-id", {"id": DROP}, "missing field 'id'"),
    ("accuracy-m-kilometres", {"accuracy_m": "3 km"}, "accuracy_m '3 km' must be a number"),
    ("accuracy-m-negative", {"accuracy_m": "-5"}, "accuracy_m '-5' must be a number"),
    ("accuracy-m-decimal", {"accuracy_m": "12.5"}, None),
    ("missing-source", {"source": DROP}, "missing field 'source'"),
    ("missing-updated", {"updated": DROP}, "missing field 'updated'"),
    ("null-name", {"name_en": None}, "missing field 'name_en'"),
    ("empty-summary", {"summary_ja": ""}, "missing field 'summary_ja'"),
    ("blank-measure", {"measure": "  \u3000"}, "missing field 'measure'"),
    ("int-name", {"name_ja": 5}, "field 'name_ja' must be text, got int"),
    ("list-source", {"source": ["a", "b"]}, "field 'source' must be text, got list"),
    ("bool-id", {"id": True}, "field 'id' must be text, got bool"),
    ("int-period", {"period": 2021}, "field 'period' must be text, got int"),
    ("dict-accuracy-note", {"accuracy_note": {"ja": "x"}}, "field 'accuracy_note' must be text"),
    ("bad-status", {"status": "finished"}, "status 'finished' is not one of"),
    ("status-label-not-code", {"status": "計画"}, "status '計画' is not one of"),
    ("bad-accuracy", {"accuracy": "exact"}, "accuracy 'exact' is not one of"),
    ("bad-date-slashes", {"updated": "2026/11/27"}, "updated '2026/11/27' is not an ISO date"),
    ("bad-date-month", {"updated": "2026-13-01"}, "is not an ISO date (YYYY-MM-DD)"),
    ("bad-date-time", {"updated": "2026-11-27T10:00"}, "is not an ISO date"),
    ("bad-date-basic-format", {"updated": "20261127"}, "is not an ISO date (YYYY-MM-DD)"),
    ("bad-date-week", {"updated": "2026-W48-5"}, "is not an ISO date (YYYY-MM-DD)"),
    ("id-upper-case", {"id": "Castle"}, "id 'Castle' must be a lower-case slug"),
    ("id-space", {"id": "kunohe castle"}, "must be a lower-case slug"),
    ("id-leading-dash", {"id": "-castle"}, "must be a lower-case slug"),
    ("id-japanese", {"id": "九戸城"}, "must be a lower-case slug"),
    ("id-too-long", {"id": "a" * 81}, "must be a lower-case slug"),
    ("id-trailing-newline", {"id": "castle\n"}, "must be a lower-case slug"),
    ("reading-with-spaces-and-long-vowel", {"reading_ja": "にのへ えき・すーぱー"}, None),
    (
        "reading-katakana",
        {"reading_ja": "クノヘジョウアト"},
        "reading_ja 'クノヘジョウアト' must be hiragana",
    ),
    ("reading-kanji", {"reading_ja": "九戸城跡"}, "must be hiragana"),
    ("reading-not-text", {"reading_ja": 1}, "field 'reading_ja' must be text, got int"),
    ("unknown-field", {"colour": "red"}, "unknown field(s) colour"),
    ("unknown-fields-sorted", {"zz": 1, "aa": 2}, "unknown field(s) aa, zz"),
]


def tweak(changes: dict[str, Any]) -> dict[str, Any]:
    props = dict(VALID)
    for key, value in changes.items():
        if value is DROP:
            props.pop(key, None)
        else:
            props[key] = value
    return props


@pytest.mark.parametrize(("changes", "fragment"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_property_problems(changes: dict[str, Any], fragment: str | None) -> None:
    problems = property_problems(tweak(changes))
    if fragment is None:
        assert problems == []
    else:
        assert len(problems) == 1, problems
        assert fragment in problems[0]


def test_id_slug_edge_cases_that_are_fine() -> None:
    for fid in ("a", "0", "p3-01.castle_ruins", "a" * 80):
        assert property_problems(tweak({"id": fid})) == [], fid


def test_every_problem_is_reported_at_once() -> None:
    problems = property_problems({"id": "X", "status": "nope", "extra": 1})
    missing = [p for p in problems if p.startswith("missing field")]
    assert len(missing) == len(REQUIRED_FIELDS) - 2  # all but id and status
    assert problems[len(missing) :] == [
        "id 'X' must be a lower-case slug (a-z, 0-9, -, _, .)",
        "status 'nope' is not one of concept, done, existing, in_progress, planned, study, unknown",
        "unknown field(s) extra",
    ]


def test_messages_list_the_allowed_codes() -> None:
    [status] = property_problems(tweak({"status": "x"}))
    assert all(c.code in status for c in STATUSES)
    [accuracy] = property_problems(tweak({"accuracy": "x"}))
    assert all(c.code in accuracy for c in ACCURACIES)


def test_field_lists() -> None:
    assert set(VALID) == set(ALL_FIELDS)
    assert len(ALL_FIELDS) == len(set(ALL_FIELDS))
    assert not set(REQUIRED_FIELDS) & set(OPTIONAL_FIELDS)
    assert {"approximate", "schematic"} == LOOSE_ACCURACIES


def test_choice_lookup_and_labels() -> None:
    planned = choice(STATUSES, "planned")
    assert (planned.label("ja"), planned.label("en")) == ("計画", "Planned")
    assert choice(ACCURACIES, "approximate").label("ja") == "概略"
    with pytest.raises(KeyError):
        choice(STATUSES, "finished")


def test_reference_feature_needs_no_measure_but_a_plan_feature_does() -> None:
    props = {k: v for k, v in VALID.items() if k not in ("measure", "initiative")}
    assert property_problems(props, "reference") == []
    assert "missing field 'measure'" in property_problems(props)


def test_accuracy_metres_reads_only_numbers() -> None:
    assert accuracy_metres({"accuracy_m": "2500"}) == 2500.0
    assert accuracy_metres({"accuracy_m": "about 3 km"}) is None
    assert accuracy_metres({}) is None


def test_hazards_are_known_codes_and_same_as_names_ids() -> None:
    assert hazard_codes({"hazards": "flood, earthquake"}) == ("flood", "earthquake")
    assert hazard_codes({}) == ()
    assert same_as_ids({"same_as": "gsi-a,gsi-b"}) == ("gsi-a", "gsi-b")
    wrong = property_problems({**VALID, "hazards": "flood,tornado"})
    assert any("hazards tornado not known" in p and "inland_flood" in p for p in wrong)
    assert any(
        "same_as GSI ID must be feature ids" in p
        for p in property_problems({**VALID, "same_as": "GSI ID"})
    )
