"""Filters over the features table: a typed filter state, its URL form, and one ``apply``.

Each criterion is a row of :data:`CRITERIA`: the column it reads and how it matches. An empty
set means "no restriction", so the default filter shows everything. The same state round-trips
through the URL query string (``?pillar=P1,P3&featured=1&q=城``), which is how the plan page links
to a filtered map and how a view is shared.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd


@dataclass(frozen=True)
class FeatureFilter:
    """What to show. Empty sets mean "all"."""

    pillars: frozenset[str] = field(default_factory=frozenset)
    """Pillar IDs (P1, P2, P3, F)."""
    measures: frozenset[str] = field(default_factory=frozenset)
    """Measure IDs (P1-01 …)."""
    statuses: frozenset[str] = field(default_factory=frozenset)
    """Status codes (planned, study …)."""
    layers: frozenset[str] = field(default_factory=frozenset)
    """Layer IDs."""
    featured_only: bool = False
    """Only ★ measures."""
    text: str = ""
    """Free text, matched against the Japanese and English names."""

    @property
    def is_empty(self) -> bool:
        """True when nothing is restricted."""
        return self == FeatureFilter()


#: (field of FeatureFilter, column of the features table, URL parameter)
CRITERIA: tuple[tuple[str, str, str], ...] = (
    ("pillars", "pillar", "pillar"),
    ("measures", "measure", "measure"),
    ("statuses", "status", "status"),
    ("layers", "layer", "layer"),
)


def normalize(text: str) -> str:
    """Fold text for matching: NFKC (full-width → half-width), case, katakana → hiragana."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(chr(ord(ch) - 0x60) if "\u30a1" <= ch <= "\u30f6" else ch for ch in folded)


def text_mask(features: gpd.GeoDataFrame, text: str) -> pd.Series:
    """Rows whose Japanese or English name contains every word of ``text``."""
    words = [w for w in normalize(text).split() if w]
    mask = pd.Series(True, index=features.index)
    if not words:
        return mask
    names = (features["name_ja"].fillna("") + "\n" + features["name_en"].fillna("")).map(normalize)
    for word in words:
        mask &= names.str.contains(word, regex=False)
    return mask


def mask(features: gpd.GeoDataFrame, flt: FeatureFilter) -> pd.Series:
    """Boolean Series: which rows of ``features`` pass ``flt``."""
    result = pd.Series(True, index=features.index)
    for attr, column, _ in CRITERIA:
        wanted: frozenset[str] = getattr(flt, attr)
        if wanted:
            result &= features[column].isin(wanted)
    if flt.featured_only:
        result &= features["featured"].astype(bool)
    if flt.text.strip():
        result &= text_mask(features, flt.text)
    return result


def apply(features: gpd.GeoDataFrame, flt: FeatureFilter) -> gpd.GeoDataFrame:
    """The rows of ``features`` that pass ``flt`` (a view for the map; never copied to disk)."""
    if flt.is_empty:
        return features
    selected: gpd.GeoDataFrame = features[mask(features, flt)]
    return selected


def to_query(flt: FeatureFilter) -> dict[str, str]:
    """The URL query parameters for ``flt`` (only what is restricted, sorted for stable URLs)."""
    params: dict[str, str] = {}
    for attr, _, param in CRITERIA:
        values: frozenset[str] = getattr(flt, attr)
        if values:
            params[param] = ",".join(sorted(values))
    if flt.featured_only:
        params["featured"] = "1"
    if flt.text.strip():
        params["q"] = flt.text.strip()
    return params


def _values(raw: str | Sequence[str] | None) -> frozenset[str]:
    """Values of a parameter given once with commas (``a,b``) or repeated (``[a, b]``)."""
    if raw is None:
        return frozenset()
    items = [raw] if isinstance(raw, str) else list(raw)
    return frozenset(v for item in items for v in str(item).split(",") if v)


def _first(raw: str | Sequence[str] | None) -> str:
    if raw is None:
        return ""
    return raw if isinstance(raw, str) else (str(raw[0]) if len(raw) else "")


def from_query(
    params: Mapping[str, str | Sequence[str]],
    known: Mapping[str, frozenset[str]] | None = None,
) -> FeatureFilter:
    """A filter from URL parameters (``parse_qs`` lists or plain strings).

    Values not in ``known[param]`` are dropped: ``known`` maps a parameter name to its allowed
    values (e.g. the plan's measure IDs), so a hand-edited or stale link cannot select something
    that does not exist.
    """
    sets: dict[str, frozenset[str]] = {}
    for attr, _, param in CRITERIA:
        values = _values(params.get(param))
        if known is not None and param in known:
            values &= known[param]
        sets[attr] = values
    return FeatureFilter(
        pillars=sets["pillars"],
        measures=sets["measures"],
        statuses=sets["statuses"],
        layers=sets["layers"],
        featured_only=_first(params.get("featured")).lower() in {"1", "true", "yes"},
        text=_first(params.get("q"))[:200],
    )
