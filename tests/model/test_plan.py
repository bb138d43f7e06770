"""The plan model against the published plan text, and its errors on a bad plan file."""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from repo_paths import REPO_ROOT

from ninohe_geo.errors import DataFileError
from ninohe_geo.model.plan import Plan, load_plan

#: The shared plan folder beside the checkout (like ``repo_paths.REFERENCE_DIR``).
PLAN_TEXT_DIR = REPO_ROOT.parent / "shared" / "plan"
SHIPPED_PLAN = REPO_ROOT / "geodata" / "plan.yaml"


@pytest.fixture(scope="module")
def plan_text(require_reference: Callable[[Path, str | None], Path]) -> str:
    """The plan text the YAML was written from; skips/fails like the reference folder."""
    folder = require_reference(PLAN_TEXT_DIR, os.environ.get("CI"))
    path = folder / "ninohe-plan-r3-r7.md"
    if not path.is_file():
        pytest.fail(f"the plan text {path} is missing")
    return path.read_text(encoding="utf-8")


def test_four_pillars_two_common_policies_four_perspectives(plan: Plan) -> None:
    assert [p.id for p in plan.pillars] == ["P1", "P2", "P3", "F"]
    assert [c.name_ja for c in plan.common_policies] == ["人づくり", "公民連携"]
    assert len(plan.perspectives) == 4


def test_thirty_measures_split_7_4_11_8(plan: Plan) -> None:
    assert [len(p.measures) for p in plan.pillars] == [7, 4, 11, 8]
    assert len(plan.measures) == 30


def test_exactly_the_five_starred_measures(plan: Plan) -> None:
    starred = [m.name_ja for m in plan.measures if m.featured]
    assert starred == ["うるし", "子育て", "歴史・伝統", "スポーツの振興", "民間力の活用"]


def test_stars_match_the_plan_text(plan: Plan, plan_text: str) -> None:
    starred_in_text = re.findall(r"^- ★(\S+)$", plan_text, flags=re.MULTILINE)
    assert starred_in_text == [m.name_ja for m in plan.measures if m.featured]


def test_eight_indicators_two_per_pillar(plan: Plan) -> None:
    assert len(plan.indicators) == 8
    assert all(len(p.indicators) == 2 for p in plan.pillars)


def test_pillar_names_themes_and_indicators_occur_in_text(plan: Plan, plan_text: str) -> None:
    for p in plan.pillars:
        assert p.name_ja in plan_text
        assert p.theme_ja in plan_text
        for ind in p.indicators:
            assert f"・{ind.name_ja}" in plan_text, ind.id


def test_common_policies_and_perspectives_occur_in_text(plan: Plan, plan_text: str) -> None:
    for c in plan.common_policies:
        assert f"・{c.name_ja}" in plan_text
    for v in plan.perspectives:
        assert v.name_ja in plan_text


def test_every_measure_name_occurs_in_text(plan: Plan, plan_text: str) -> None:
    lines = {line.strip().removeprefix("- ").removeprefix("★") for line in plan_text.splitlines()}
    missing = [m.name_ja for m in plan.measures if m.name_ja not in lines]
    assert missing == []


def test_every_initiative_name_occurs_in_text(plan: Plan, plan_text: str) -> None:
    missing = [
        i.id for m in plan.measures for i in m.initiatives if f"・{i.name_ja}" not in plan_text
    ]
    assert missing == []
    assert sum(len(m.initiatives) for m in plan.measures) == plan_text.count(" - ・") + 2


def test_group_headings_of_the_foundation(plan: Plan, plan_text: str) -> None:
    groups = [m.group_ja for m in plan.pillar("F").measures]
    assert groups == ["市民参画"] * 2 + ["生活基盤"] * 3 + ["地域経営"] * 3
    for g in set(groups):
        assert f"（{g}）" in plan_text


def test_ids_are_unique(plan: Plan) -> None:
    ids = [
        *(p.id for p in plan.pillars),
        *(m.id for m in plan.measures),
        *(i.id for m in plan.measures for i in m.initiatives),
        *(i.id for i in plan.indicators),
        *(c.id for c in plan.common_policies),
        *(v.id for v in plan.perspectives),
    ]
    assert len(ids) == len(set(ids))
    assert len(ids) == 4 + 30 + sum(len(m.initiatives) for m in plan.measures) + 8 + 2 + 4


def test_lookups(plan: Plan) -> None:
    assert plan.pillar_of("P1-01").id == "P1"
    assert plan.pillar_of("F-08").id == "F"
    assert plan.measure("P3-01").name_ja == "歴史・伝統"
    measure, initiative = plan.initiative("P3-01.1")
    assert measure.id == "P3-01"
    assert initiative.name_ja == "九戸城跡の第2期整備"
    assert plan.pillar("P2").short("en") == "Policy 2"
    assert plan.has_measure("P3-11")
    assert not plan.has_measure("P9-99")


@pytest.mark.parametrize(
    "call",
    [
        lambda p: p.pillar_of("P9-99"),
        lambda p: p.measure("P1"),
        lambda p: p.initiative("P3-01"),
        lambda p: p.pillar("P4"),
    ],
    ids=["pillar_of", "measure", "initiative", "pillar"],
)
def test_unknown_ids_raise_key_error(plan: Plan, call: Any) -> None:
    with pytest.raises(KeyError):
        call(plan)


def test_names_by_language(plan: Plan) -> None:
    p3 = plan.pillar("P3")
    assert p3.name("ja") == "暮らし・安心・健康"
    assert p3.name("en") == "Daily life, safety and health"
    assert plan.title("ja") == plan.title_ja
    assert plan.vision("en") == plan.vision_en
    assert plan.goal("ja") == "挑戦します！次代へ紡ぐふるさとづくり"
    assert plan.pillar("F").measures[0].group("en") == "Citizen participation"


def test_vision_corrects_the_transcription_slip(plan: Plan, plan_text: str) -> None:
    assert "「人が輝き 未来をひらくまち へのへ」" in plan_text
    assert plan.vision_ja == "「人が輝き 未来をひらくまち にのへ」"
    assert plan.vision_note and "へのへ" in plan.vision_note


def test_the_known_indicator_value(plan: Plan) -> None:
    known = {i.name_ja: i.known_value for i in plan.indicators if i.known_value}
    assert known == {"合計特殊出生率": "1.50 (2013–2017)"}


# --- errors on a bad plan file ---------------------------------------------------------------


def _shipped() -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(SHIPPED_PLAN.read_text(encoding="utf-8"))
    return raw


def _write(tmp_path: Path, raw: dict[str, Any]) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def test_broken_yaml_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text("title_ja: [unclosed\n  x: 1\n", encoding="utf-8")
    with pytest.raises(DataFileError) as err:
        load_plan(path)
    assert err.value.path == path
    assert str(path) in str(err.value)
    assert "not valid YAML" in str(err.value)
    assert "line 2" in str(err.value)


def test_missing_key_names_file_and_yaml_path(tmp_path: Path) -> None:
    raw = _shipped()
    del raw["pillars"][2]["measures"][4]["name_en"]
    path = _write(tmp_path, raw)
    with pytest.raises(DataFileError) as err:
        load_plan(path)
    assert str(path) in str(err.value)
    assert "pillars.2.measures.4.name_en: Field required" in str(err.value)


def test_unknown_key_is_refused(tmp_path: Path) -> None:
    raw = _shipped()
    raw["pillars"][0]["measures"][0]["featurd"] = True
    with pytest.raises(DataFileError, match=r"pillars\.0\.measures\.0\.featurd"):
        load_plan(_write(tmp_path, raw))


def test_duplicate_id_names_file_id_and_yaml_path(tmp_path: Path) -> None:
    raw = _shipped()
    raw["pillars"][0]["measures"][1]["id"] = "P1-01"
    path = _write(tmp_path, raw)
    with pytest.raises(DataFileError) as err:
        load_plan(path)
    message = str(err.value)
    assert str(path) in message
    assert "'P1-01'" in message
    # where in the YAML the second use is, so a planner can find it
    assert "pillars.0.measures.1" in message


def test_duplicate_id_across_kinds(tmp_path: Path) -> None:
    raw = _shipped()
    raw["common_policies"][0]["id"] = "P1"
    with pytest.raises(DataFileError, match="'P1' is used twice"):
        load_plan(_write(tmp_path, raw))


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("- just\n- a list\n", "expected a mapping"),
        ("", "expected a mapping"),
    ],
)
def test_not_a_mapping(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "plan.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DataFileError, match=fragment):
        load_plan(path)


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(DataFileError) as err:
        load_plan(path)
    assert err.value.path == path
    assert "cannot read the plan file" in str(err.value)


def test_bad_colour_is_refused(tmp_path: Path) -> None:
    raw = _shipped()
    raw["pillars"][3]["color"] = "pink"
    with pytest.raises(DataFileError, match=r"pillars\.3\.color"):
        load_plan(_write(tmp_path, raw))


def test_model_is_frozen(plan: Plan) -> None:
    with pytest.raises(ValueError, match="frozen"):
        plan.pillars[0].measures[0].featured = False  # type: ignore[misc]


def test_indicators_carry_a_sourced_baseline_and_target_or_none() -> None:
    """Issue #14: a baseline or target is a value with its year and source; the shipped plan has
    none (the plan document gives no figures), so both show as 未確認."""
    from pathlib import Path

    import pydantic

    from ninohe_geo.model.plan import Reference, load_plan

    plan = load_plan(Path(__file__).resolve().parents[2] / "geodata" / "plan.yaml")
    assert all(i.baseline is None and i.target is None for i in plan.indicators)
    assert Reference(value=1.5, year=2017, source="人口動態統計").value == 1.5
    with pytest.raises(pydantic.ValidationError):
        Reference(value=1.5, year=2017, source="")
