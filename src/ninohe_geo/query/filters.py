"""Filters over the features table: a typed filter state, its URL form, and one ``apply``.

Each criterion is a row of :data:`CRITERIA` (a :class:`Criterion`): the column it reads, its
URL parameter and CLI flag, its label and its allowed values. An empty set means "no
restriction", so the default filter shows everything. The same state round-trips
through the URL query string (``?pillar=P1,P3&featured=1&q=城``), which is how the plan page links
to a filtered map and how a view is shared.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.fiscal import fiscal_year_label
from ninohe_geo.model.plan import Lang
from ninohe_geo.model.schema import STATUSES


@dataclass(frozen=True)
class Criterion:
    """One way to narrow the map, defined once: the sidebar's widget, the URL parameter, the
    ``export`` flag, the allowed values and the printout's words all come from this row.

    Adding a criterion is one row in :data:`CRITERIA` (and its label in ``locales/``): the
    sidebar (:func:`ninohe_geo.ui.common.filter_widgets`), links (:func:`to_query`,
    :func:`from_query`), ``ninohe-geo export --<param>`` and the printed filter line
    (:func:`describe`) read it; ``tests/query/test_filters.py`` shows a new one appear in all.
    """

    param: str
    """URL parameter, ``export`` flag (``--param``, repeatable) and widget name."""
    column: str
    """The column of the features table it matches (``isin``)."""
    label_key: str
    """The interface string (``locales/*.yaml``) that labels its widget."""
    cli_help: str
    """One line for ``--help``."""
    options: Callable[[Catalog, Lang], dict[str, str]]
    """The values it may take, in display order, with their labels in a language."""
    short: Callable[[Catalog, Lang], dict[str, str]] | None = None
    """Shorter labels for the printed filter line (default: :attr:`options`)."""
    listed: bool = False
    """The column holds a set written ``,a,b,`` (a feature's projects' 年度): a value matches
    when it is in the set, rather than equal to the column."""


def _pillars(cat: Catalog, lang: Lang) -> dict[str, str]:
    return {p.id: f"{p.short(lang)} {p.name(lang)}" for p in cat.plan.pillars}


def _pillars_short(cat: Catalog, lang: Lang) -> dict[str, str]:
    return {p.id: p.short(lang) for p in cat.plan.pillars}


def _measures(cat: Catalog, lang: Lang) -> dict[str, str]:
    return {m.id: ("★ " if m.featured else "") + m.name(lang) for m in cat.plan.measures}


def _measures_short(cat: Catalog, lang: Lang) -> dict[str, str]:
    return {m.id: m.name(lang) for m in cat.plan.measures}


def _statuses(cat: Catalog, lang: Lang) -> dict[str, str]:
    del cat
    return {s.code: s.label(lang) for s in STATUSES}


def _layers(cat: Catalog, lang: Lang) -> dict[str, str]:
    return {layer.id: layer.title(lang) for layer in cat.layers}


def _years(cat: Catalog, lang: Lang) -> dict[str, str]:
    """The fiscal years the projects have entries for (令和5年度 / FY2023), in order."""
    years = sorted({e.year for p in cat.projects for e in p.years})
    return {str(y): fiscal_year_label(y, lang) for y in years}


#: Every set-valued criterion, in the sidebar's order.
CRITERIA: tuple[Criterion, ...] = (
    Criterion(
        "pillar", "pillar", "filter_pillar", "pillar ID (repeatable)", _pillars, _pillars_short
    ),
    Criterion(
        "measure",
        "measure",
        "filter_measure",
        "measure ID (repeatable)",
        _measures,
        _measures_short,
    ),
    Criterion("status", "status", "filter_status", "status code (repeatable)", _statuses),
    Criterion("layer", "layer", "filter_layer", "layer ID (repeatable)", _layers),
    Criterion(
        "year",
        "years",
        "filter_year",
        "fiscal year (Western, e.g. 2023 = 令和5年度): places of projects that run in it",
        _years,
        listed=True,
    ),
)


def criterion(param: str) -> Criterion:
    """The criterion of URL parameter ``param``; KeyError if there is none."""
    for c in CRITERIA:
        if c.param == param:
            return c
    raise KeyError(param)


@dataclass(frozen=True)
class FeatureFilter:
    """What to show. A criterion with no values means "all"; build one with :meth:`of`."""

    chosen: tuple[tuple[str, frozenset[str]], ...] = ()
    """``(param, values)`` for each restricted criterion of :data:`CRITERIA`, in its order."""
    featured_only: bool = False
    """Only ★ measures."""
    text: str = ""
    """Free text, matched against the Japanese and English names."""

    @classmethod
    def of(
        cls, featured_only: bool = False, text: str = "", **values: Iterable[str]
    ) -> FeatureFilter:
        """A filter from values per criterion (``FeatureFilter.of(pillar=["P3"])``)."""
        unknown = set(values) - {c.param for c in CRITERIA}
        if unknown:
            raise TypeError(f"no filter criterion {sorted(unknown)}")
        chosen = tuple(
            (c.param, frozenset(values[c.param]))
            for c in CRITERIA
            if c.param in values and frozenset(values[c.param])
        )
        return cls(chosen, featured_only, text)

    def values(self, param: str) -> frozenset[str]:
        """The chosen values of criterion ``param`` (empty: not restricted)."""
        return next((v for p, v in self.chosen if p == param), frozenset())

    @property
    def pillars(self) -> frozenset[str]:
        """Pillar IDs (P1, P2, P3, F)."""
        return self.values("pillar")

    @property
    def measures(self) -> frozenset[str]:
        """Measure IDs (P1-01 …)."""
        return self.values("measure")

    @property
    def statuses(self) -> frozenset[str]:
        """Status codes (planned, study …)."""
        return self.values("status")

    @property
    def layers(self) -> frozenset[str]:
        """Layer IDs."""
        return self.values("layer")

    @property
    def is_empty(self) -> bool:
        """True when nothing is restricted."""
        return self == FeatureFilter()


def known_values(cat: Catalog) -> dict[str, frozenset[str]]:
    """The values each criterion's URL parameter may take (anything else in a link is dropped)."""
    return {c.param: frozenset(c.options(cat, "ja")) for c in CRITERIA}


def describe(flt: FeatureFilter, cat: Catalog, lang: Lang) -> list[str]:
    """The filter in words, criterion by criterion (the printout's filter line)."""
    parts: list[str] = []
    for c in CRITERIA:
        labels = (c.short or c.options)(cat, lang)
        parts += [labels.get(v, v) for v in sorted(flt.values(c.param))]
    return parts


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
    for c in CRITERIA:
        wanted = flt.values(c.param)
        if wanted and c.listed:
            column = features[c.column].fillna("")
            hit = pd.Series(False, index=features.index)
            for value in wanted:
                hit |= column.str.contains(f",{value},", regex=False)
            result &= hit
        elif wanted:
            result &= features[c.column].isin(wanted)
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
    for param, values in flt.chosen:
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
    for c in CRITERIA:
        values = _values(params.get(c.param))
        if known is not None and c.param in known:
            values &= known[c.param]
        sets[c.param] = values
    return FeatureFilter.of(
        featured_only=_first(params.get("featured")).lower() in {"1", "true", "yes"},
        text=_first(params.get("q"))[:200],
        **sets,
    )
