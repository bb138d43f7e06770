"""Search by project or place name, tolerant of kanji, kana and romaji.

A resident may type 九戸城, くのへ, クノヘ or Kunohe and expects 九戸城跡 each time. Substring
matching over the names alone finds only the first. So every feature gets *search keys*:

- its Japanese and English names, folded by :func:`ninohe_geo.query.filters.normalize` (width, case,
  katakana → hiragana);
- its reading in hiragana: the data's ``reading_ja`` where given, else pykakasi's. A dictionary
  reads place names wrong now and then (滴生舎 as しずくなましゃ, 天台寺 as てんだいてら), so the
  data may state the reading; a test lists the shipped names whose dictionary reading is wrong;
- its romaji, from that reading and from the English name, folded by :func:`fold_romaji` so
  that Jōbōji, joboji, jouhouji-style long vowels and spacing all meet.

A query matches a feature when every word of it is found in one of the feature's keys, either as
typed (folded) or as pykakasi's reading of the word (九戸城 → くのへしろ, a prefix of the
reading くのへしろあと). The same keys are published as JSON for the static site, whose
JavaScript folds the query with the same rules (``site.js``); a browser test holds the two equal.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import geopandas as gpd

from ninohe_geo.query.filters import normalize

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
#: Long vowels written out in Hepburn variants; folded the same way in site.js.
_LONG_VOWELS = (("ou", "o"), ("oo", "o"), ("uu", "u"), ("aa", "a"), ("ee", "e"), ("ii", "i"))
_KANA_OR_KANJI = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


@lru_cache(maxsize=1)
def _kakasi() -> Any:
    import pykakasi

    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


def fold_romaji(text: str) -> str:
    """Fold Latin text for matching: no accents, lower case, letters and digits only, long vowels
    shortened (``Jōbōji`` → ``joboji``, ``jōbōji``/``joubouji`` → ``joboji``)."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = _NOT_ALNUM.sub("", plain)
    for long, short in _LONG_VOWELS:
        plain = plain.replace(long, short)
    return plain


@lru_cache(maxsize=4096)
def dictionary_reading(text: str) -> str:
    """pykakasi's hiragana reading of ``text`` (kanji read from a dictionary: may be wrong)."""
    return "".join(part["hira"] for part in _kakasi().convert(text))


@lru_cache(maxsize=4096)
def romaji(reading: str) -> str:
    """Hepburn romaji of a hiragana reading, folded (:func:`fold_romaji`)."""
    return fold_romaji("".join(part["hepburn"] for part in _kakasi().convert(reading)))


def _compact(text: str) -> str:
    """Normalised text without spaces (readings are matched regardless of spacing)."""
    return "".join(normalize(text).split())


def feature_keys(name_ja: str, name_en: str, reading_ja: str | None = None) -> tuple[str, ...]:
    """The search keys of one feature (see the module docstring), without duplicates."""
    reading = _compact(reading_ja) if reading_ja else _compact(dictionary_reading(name_ja))
    keys = [
        _compact(name_ja),
        normalize(name_en),
        reading,
        romaji(reading),
        fold_romaji(name_en),
    ]
    return tuple(dict.fromkeys(k for k in keys if k))


def query_forms(word: str) -> tuple[str, ...]:
    """The forms of one query word that are looked for in the keys."""
    forms = [_compact(word)]
    if _KANA_OR_KANJI.search(word):
        forms.append(_compact(dictionary_reading(word)))
    else:
        forms.append(fold_romaji(word))
    return tuple(dict.fromkeys(f for f in forms if f))


@dataclass(frozen=True)
class SearchIndex:
    """Search keys per feature id, in the order of the features table."""

    keys: dict[str, tuple[str, ...]]

    def matches(self, query: str) -> list[str]:
        """Ids of the features matching every word of ``query`` (all of them for a blank one)."""
        words = [w for w in normalize(query).split() if w]
        if not words:
            return list(self.keys)
        wanted = [query_forms(w) for w in words]
        return [
            fid
            for fid, keys in self.keys.items()
            if all(any(form in key for form in forms for key in keys) for forms in wanted)
        ]

    def to_json(self) -> list[list[Any]]:
        """``[[id, [key, …]], …]`` for the published site's search."""
        return [[fid, list(keys)] for fid, keys in self.keys.items()]


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def build_index(features: gpd.GeoDataFrame) -> SearchIndex:
    """The search index of a features table (``name_ja``, ``name_en``, optional ``reading_ja``)."""
    readings: Iterable[object] = (
        features["reading_ja"] if "reading_ja" in features else [None] * len(features)
    )
    keys = {
        str(fid): feature_keys(str(ja), str(en), _text(reading))
        for fid, ja, en, reading in zip(
            features["id"], features["name_ja"], features["name_en"], readings, strict=True
        )
    }
    return SearchIndex(keys)
