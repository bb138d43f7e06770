"""Synthetic plan features around Ninohe, reproducible from a seed.

Every schema property is filled with text of realistic length (Japanese and English names,
summaries of about 60 characters, a source citation, a note, a URL), every measure and initiative
ID comes from the plan, and the table is built by :func:`ninohe_geo.model.catalog.features_frame`,
so
both map paths get exactly the table the app would have.
"""

from __future__ import annotations

import math
from typing import Any, Literal

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from ninohe_geo.model.catalog import features_frame
from ninohe_geo.model.plan import Measure, Plan
from ninohe_geo.model.schema import ACCURACIES, STATUSES

Kind = Literal["mixed", "points", "lines", "polygons"]
KINDS: tuple[Kind, ...] = ("mixed", "points", "lines", "polygons")
_SINGLE: tuple[Kind, ...] = ("points", "lines", "polygons")

#: Where the features go: the city's extent in lon/lat.
LON_RANGE = (141.15, 141.40)
LAT_RANGE = (40.15, 40.38)
#: Metres per degree of latitude (and of longitude at the equator).
M_PER_DEG = 111_320.0

DISTRICTS: tuple[tuple[str, str], ...] = (
    ("福岡", "Fukuoka"),
    ("石切所", "Isekiridokoro"),
    ("堀野", "Horino"),
    ("金田一", "Kindaichi"),
    ("仁左平", "Nizatai"),
    ("釜沢", "Kamasawa"),
    ("米沢", "Yonezawa"),
    ("上斗米", "Kamitomai"),
    ("下斗米", "Shimotomai"),
    ("似鳥", "Nitori"),
    ("浄法寺", "Joboji"),
    ("足沢", "Tarusawa"),
)
PLACES: dict[str, tuple[tuple[str, str], ...]] = {
    "points": (
        ("公民館", "community centre"),
        ("避難所", "evacuation shelter"),
        ("観光案内所", "tourist information"),
        ("農産物直売所", "farm produce stand"),
        ("子育て支援センター", "childcare support centre"),
        ("バス停留所", "bus stop"),
    ),
    "lines": (
        ("市道改良区間", "road improvement section"),
        ("歩道整備区間", "sidewalk section"),
        ("通学路", "school route"),
        ("散策路", "walking trail"),
        ("河川改修区間", "river works section"),
        ("除雪路線", "snow-clearing route"),
    ),
    "polygons": (
        ("漆林", "urushi forest"),
        ("農地整備地区", "farmland consolidation area"),
        ("公園", "park"),
        ("住宅団地", "housing estate"),
        ("土地区画整理地区", "land readjustment area"),
        ("森林整備区域", "forest management area"),
    ),
}
ACTIONS: tuple[tuple[str, str], ...] = (
    ("整備を進め、", "Works continue"),
    ("利用促進を図り、", "Use is promoted"),
    ("維持管理を行い、", "Maintained"),
    ("機能の充実を図り、", "Being improved"),
)
TAILS: tuple[tuple[str, str], ...] = (
    ("地域住民の利便性と安全性の向上につなげる。", "for residents' safety and convenience."),
    ("交流人口の拡大と地域経済の活性化を目指す。", "to draw visitors and lift the local economy."),
    ("次代へ紡ぐふるさとづくりの拠点として活用する。", "as a base for the next generation."),
    ("関係団体と連携し、計画期間内の完了を目指す。", "with local groups, due within the plan."),
)
NOTES: dict[str, str] = {
    "points": "施設の代表点（敷地の中心） / the facility's representative point",
    "lines": "路線は計画書の図から模式的に示す / route drawn schematically from the plan",
    "polygons": (
        "位置は概略。計画書の図から読み取った範囲 / approximate, read from the plan's figure"
    ),
}
SOURCES: tuple[str, ...] = (
    "二戸市総合計画 後期基本計画（令和3年度～令和7年度）概要, p.{page}, 二戸市, 2021-03",
    "二戸市 広報にのへ 第{page}号, 二戸市総務政策部, 2023",
)


def _polygon(rng: np.random.Generator, cx: float, cy: float) -> BaseGeometry:
    """A star-shaped (hence simple) counter-clockwise polygon 50–800 m across."""
    n = int(rng.integers(12, 41))
    radius_m = rng.uniform(25.0, 400.0)
    angles = np.linspace(0.0, 2.0 * math.pi, n, endpoint=False)
    angles += rng.uniform(0.0, 0.8 * 2.0 * math.pi / n, n)
    radii = radius_m * rng.uniform(0.65, 1.0, n)
    dx = radii * np.cos(angles) / (M_PER_DEG * math.cos(math.radians(cy)))
    dy = radii * np.sin(angles) / M_PER_DEG
    ring = np.column_stack([cx + dx, cy + dy])
    return shapely.polygons(np.vstack([ring, ring[:1]]))


def _line(rng: np.random.Generator, cx: float, cy: float) -> BaseGeometry:
    """A gently winding line of 10–30 vertices and 50–800 m."""
    n = int(rng.integers(10, 31))
    step_m = rng.uniform(50.0, 800.0) / (n - 1)
    heading = rng.uniform(0.0, 2.0 * math.pi) + np.cumsum(rng.normal(0.0, 0.35, n - 1))
    dx = np.concatenate([[0.0], np.cumsum(step_m * np.cos(heading))])
    dy = np.concatenate([[0.0], np.cumsum(step_m * np.sin(heading))])
    dx /= M_PER_DEG * math.cos(math.radians(cy))
    dy /= M_PER_DEG
    return shapely.linestrings(np.column_stack([cx + dx, cy + dy]))


def _geometry(kind: Kind, rng: np.random.Generator) -> BaseGeometry:
    cx = float(rng.uniform(*LON_RANGE))
    cy = float(rng.uniform(*LAT_RANGE))
    if kind == "points":
        return shapely.points(cx, cy)
    if kind == "lines":
        return _line(rng, cx, cy)
    return _polygon(rng, cx, cy)


def _pick(rng: np.random.Generator, items: tuple[Any, ...]) -> Any:
    return items[int(rng.integers(len(items)))]


def _record(
    fid: str, kind: Kind, rng: np.random.Generator, measures: tuple[Measure, ...]
) -> dict[str, Any]:
    district_ja, district_en = _pick(rng, DISTRICTS)
    place_ja, place_en = _pick(rng, PLACES[kind])
    action_ja, action_en = _pick(rng, ACTIONS)
    tail_ja, tail_en = _pick(rng, TAILS)
    measure: Measure = _pick(rng, measures)
    initiative = _pick(rng, measure.initiatives)
    number = int(rng.integers(1, 40))
    start = int(rng.integers(2021, 2025))
    return {
        "id": fid,
        "name_ja": f"{district_ja}地区{place_ja}（第{number}号）",
        "name_en": f"{district_en} {place_en} No. {number}",
        "measure": measure.id,
        "status": _pick(rng, STATUSES).code,
        "summary_ja": f"{district_ja}地区の{place_ja}について、{measure.name_ja}の取り組みとして"
        f"{action_ja}{tail_ja}",
        "summary_en": f"{action_en} ({measure.id}) {tail_en}",
        "accuracy": _pick(rng, ACCURACIES).code,
        "source": _pick(rng, SOURCES).format(page=int(rng.integers(2, 60))),
        "updated": f"20{int(rng.integers(23, 26))}-{int(rng.integers(1, 13)):02d}-"
        f"{int(rng.integers(1, 29)):02d}",
        "initiative": initiative.id,
        "period": f"{start}–2025",
        "accuracy_note": NOTES[kind],
        "source_url": f"https://example.jp/ninohe/plan/r3-r7/{measure.id.lower()}-{number}.html",
        # Optional reading (schema field for search); synthetic, like everything here.
        "reading_ja": f"ちく だい{number}ごう",
        "accuracy_m": str(int(rng.integers(10, 3000))),
        "details_ja": f"区分：第{number}号",
        "details_en": f"Class: No. {number}",
        "hazards": "earthquake" if number % 2 else "flood,earthquake",
        "same_as": f"gsi-synthetic-{number}",
    }


def make_records(n: int, kind: Kind, plan: Plan, seed: int) -> list[dict[str, Any]]:
    """``n`` feature records of ``kind`` ("mixed" rotates points, lines, polygons)."""
    kind_index = KINDS.index(kind)
    rng = np.random.default_rng([seed, n, kind_index])
    measures = plan.measures
    records = []
    for i in range(n):
        this: Kind = _SINGLE[i % 3] if kind == "mixed" else kind
        record = _record(f"bench-{kind}-{i:06d}", this, rng, measures)
        record["geometry"] = _geometry(this, rng)
        record["layer"] = f"bench-{this}"
        records.append(record)
    return records


def make_frame(n: int, kind: Kind, plan: Plan, seed: int) -> gpd.GeoDataFrame:
    """The features table of :func:`make_records`, as the catalogue builds it."""
    return features_frame(make_records(n, kind, plan, seed), plan)
