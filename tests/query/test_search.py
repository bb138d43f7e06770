"""Search tolerant of kanji, kana and romaji (src/ninohe_geo/search.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.query.search import (
    build_index,
    dictionary_reading,
    feature_keys,
    fold_romaji,
    query_forms,
)

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(REPO / "geodata")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Jōbōji", "joboji"),
        ("joubouji", "joboji"),
        ("JOBOJI", "joboji"),
        ("Kintaichi-Onsen", "kintaichionsen"),
        ("Ｋｕｎｏｈｅ", "kunohe"),
        ("Nanyāto", "nanyato"),
        ("", ""),
    ],
)
def test_fold_romaji(text: str, folded: str) -> None:
    assert fold_romaji(text) == folded


# (query, an id it must find, ids it must not find)
QUERIES: list[tuple[str, str, str]] = [
    ("九戸城", "kunohe-castle-ruins", "ninohe-station"),
    ("九戸城跡", "kunohe-castle-ruins", "tekiseisha"),
    ("くのへ", "kunohe-castle-ruins", "ninohe-station"),
    ("クノヘ", "kunohe-castle-ruins", "ninohe-station"),
    ("ｸﾉﾍ", "kunohe-castle-ruins", "ninohe-station"),
    ("Kunohe", "kunohe-castle-ruins", "ninohe-station"),
    ("kunohe castle", "kunohe-castle-ruins", "ninohe-station"),
    ("くのへじょう", "kunohe-castle-ruins", "tendaiji-temple"),
    ("てきせいしゃ", "tekiseisha", "kunohe-castle-ruins"),
    ("tekiseisha", "tekiseisha", "kunohe-castle-ruins"),
    ("てんだいじ", "tendaiji-temple", "tekiseisha"),
    ("joboji", "joboji-history-folk-museum", "ninohe-station"),
    ("jōbōji", "joboji-gymnasium", "ninohe-station"),
    ("じょうぼうじ", "joboji-branch-office", "ninohe-station"),
    ("にのへえき", "ninohe-station", "tomai-station"),
    ("Ninohe Station", "ninohe-station", "tomai-station"),
    ("きんだいち", "kintaichi-onsen-station", "ninohe-station"),
    ("うるし", "joboji-urushi-forests", "ninohe-station"),
    ("いぼない", "kenpoku-bus-ibonai", "ninohe-station"),
    ("ざいはち", "zaihachi-community-hall", "ninohe-station"),
]


@pytest.mark.parametrize(("query", "found", "not_found"), QUERIES)
def test_shipped_search(shipped: Catalog, query: str, found: str, not_found: str) -> None:
    hits = build_index(shipped.features).matches(query)
    assert found in hits, (query, hits)
    assert not_found not in hits, (query, hits)


def test_kunohe_finds_exactly_the_castle_features(shipped: Catalog) -> None:
    index = build_index(shipped.features)
    expected = ["kunohe-castle-ruins", "kunohe-castle-phase2-works", "kunohe-castle-guide-house"]
    for query in ("九戸城", "くのへ", "Kunohe"):
        assert sorted(index.matches(query)) == sorted(expected), query


def test_blank_query_keeps_everything_in_order(shipped: Catalog) -> None:
    index = build_index(shipped.features)
    assert index.matches("") == list(shipped.features["id"])
    assert index.matches("   ") == list(shipped.features["id"])
    assert index.matches("zzzz-nothing") == []


# The shipped names whose dictionary reading is wrong, so the data states the reading.
WRONG_DICTIONARY_READINGS = {
    "kunohe-castle-ruins": "くのへじょうあと",
    "tekiseisha": "てきせいしゃ",
    "tendaiji-temple": "てんだいじ",
    "zaihachi-community-hall": "ざいはちこうみんかん",
}


@pytest.mark.parametrize(("fid", "reading"), sorted(WRONG_DICTIONARY_READINGS.items()))
def test_explicit_readings_fix_the_dictionary(shipped: Catalog, fid: str, reading: str) -> None:
    row = shipped.features.loc[fid]
    assert row["reading_ja"] == reading
    assert dictionary_reading(row["name_ja"]) != reading  # the dictionary alone gets it wrong
    assert reading in feature_keys(row["name_ja"], row["name_en"], row["reading_ja"])


def test_every_explicit_reading_differs_from_the_dictionary(shipped: Catalog) -> None:
    """A reading in the data is there because the dictionary is wrong, not by habit."""
    with_reading = shipped.features[shipped.features["reading_ja"].notna()]
    assert len(with_reading) >= len(WRONG_DICTIONARY_READINGS)
    for _, row in with_reading.iterrows():
        plain = "".join(row["reading_ja"].split())
        assert "".join(dictionary_reading(row["name_ja"]).split()) != plain, row["id"]


def test_query_forms_read_kanji_and_fold_romaji() -> None:
    assert "くのへしろ" in query_forms("九戸城")
    assert query_forms("Jōbōji") == ("jōbōji", "joboji")


def test_fixture_readings_and_a_bad_one(make_data_dir, layer_fixtures: Path) -> None:  # type: ignore[no-untyped-def]
    cat = load_catalog(make_data_dir(REPO / "tests/data/residents/readings.geojson"))
    # The bad reading (kanji in reading_ja) is refused with file, feature and field named;
    # the two good features load and are found by their readings.
    [problem] = [p for p in cat.problems if p.severity == "error"]
    text = str(problem)
    assert "readings.geojson" in text and "bad-reading" in text and "reading_ja" in text
    index = build_index(cat.features)
    assert index.matches("くのへじょう") == ["castle"]
    assert index.matches("tekiseisha") == ["tekiseisha"]
