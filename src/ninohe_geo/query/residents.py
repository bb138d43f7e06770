"""The residents' view as plain data: project cards in plan order, search, area, map marks.

Shared by the Streamlit page (``dashboard/views/residents.py``) and the published static site
(:mod:`ninohe_geo.output.site`), so both say the same things in the same order. Every value is plain
text; the page or template escapes it. What a card says comes from :mod:`ninohe_geo.query.details`:

- *what*: the name and the plain-language summary (``summary_ja`` / ``summary_en``);
- *where*: the layer, how exact the location is (and why), and a distance when one is asked for;
- *why*: the pillar's theme (しごとをつくる …), the pillar and the measure, the initiative;
- *status and period*, *source*.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import numpy as np

from ninohe_geo.i18n import t
from ninohe_geo.maps import mapview
from ninohe_geo.maps.style import style_options
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.plan import Lang, Plan
from ninohe_geo.query import residents_map
from ninohe_geo.query.details import feature_details


@dataclass(frozen=True)
class ProjectCard:
    """One project as the residents' list and project pages show it."""

    id: str
    name: str
    other_name: str
    summary: str
    """What it is, in plain words (the data's summary)."""
    status: str
    status_code: str
    period: str
    pillar_index: int
    pillar_mark: str
    """The mark drawn inside its map marker and legend swatch (1, 2, 3, 土 / F)."""
    why: str
    """Theme — pillar — measure (— initiative), in plain words."""
    where: str
    """Layer and location accuracy (with its note)."""
    loose: bool
    source: str
    source_url: str | None
    updated: str
    distance: str | None = None

    def rows(self, lang: Lang) -> list[tuple[str, str]]:
        """(label, value) pairs in display order, for lists and project pages."""
        rows = [
            (t("res_status", lang), self.status),
            (t("res_period", lang), self.period),
            (t("res_why", lang), self.why),
            (t("res_where", lang), self.where),
        ]
        if self.distance:
            rows.append((t("res_distance", lang), self.distance))
        rows.append((t("res_source", lang), self.source))
        return rows


def pillar_marks(plan: Plan) -> list[str]:
    """One short mark per pillar, in plan order: the pillar's number, or 土 / F for the base."""
    marks = []
    for pillar in plan.pillars:
        digits = "".join(ch for ch in pillar.short_en if ch.isdigit())
        marks.append(digits or pillar.short_ja[:1])
    return marks


def _luminance(hex_color: str) -> float:
    rgb = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two ``#rrggbb`` colours (1 … 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_color_on(background: str) -> str:
    """Black or white, whichever contrasts more with ``background``."""
    return (
        "#000000"
        if contrast("#000000", background) >= contrast("#ffffff", background)
        else ("#ffffff")
    )


def map_marks(plan: Plan) -> list[dict[str, str]]:
    """Per pillar: the mark, its text colour and the pillar colour (for ``opts.marks``)."""
    return [
        {"text": mark, "fg": text_color_on(p.color), "bg": p.color}
        for mark, p in zip(pillar_marks(plan), plan.pillars, strict=True)
    ]


def plan_order(catalog: Catalog) -> list[str]:
    """Feature ids in plan order: pillar, then measure as the plan lists them, then file order."""
    measure_rank = {m.id: i for i, m in enumerate(catalog.plan.measures)}
    frame = catalog.features
    # One sort of whole columns (a row-by-row key cost seconds at 100,000 features); a measure
    # the plan does not have is a KeyError, as it always was.
    measures = [measure_rank[m] for m in frame["measure"].astype(str)]
    keyed = np.lexsort(
        (
            np.arange(len(frame)),
            np.asarray(measures, dtype=np.int64),
            frame["pillar_index"].to_numpy(),
        )
    )
    return [str(v) for v in frame["id"].to_numpy()[keyed]]


def project_card(catalog: Catalog, feature_id: str, lang: Lang) -> ProjectCard:
    """The card of one feature (KeyError when it is not in the catalogue)."""
    details = feature_details(catalog, feature_id, lang)
    if details is None:
        raise KeyError(feature_id)
    row = catalog.features.loc[feature_id]
    pillar = catalog.plan.pillar_of(row["measure"])
    why = f"{pillar.theme(lang)} — {details.pillar} — {details.measure}"
    if details.initiative:
        why += f" — {details.initiative}"
    accuracy = details.accuracy + (f"（{details.accuracy_note}）" if details.accuracy_note else "")
    index = int(row["pillar_index"])
    return ProjectCard(
        id=feature_id,
        name=details.name,
        other_name=details.other_name,
        summary=details.summary,
        status=details.status,
        status_code=str(row["status"]),
        period=details.period,
        pillar_index=index,
        pillar_mark=pillar_marks(catalog.plan)[index],
        why=("★ " if details.featured else "") + why,
        where=f"{details.layer} — {accuracy}" if details.layer else accuracy,
        loose=details.loose,
        source=details.source,
        source_url=details.source_url,
        updated=details.updated,
    )


def project_cards(
    catalog: Catalog,
    lang: Lang,
    ids: Iterable[str] | None = None,
    distances: dict[str, str] | None = None,
) -> list[ProjectCard]:
    """Cards for ``ids`` in the order given (default: every project in plan order)."""
    chosen = plan_order(catalog) if ids is None else list(ids)
    cards = [project_card(catalog, fid, lang) for fid in chosen]
    if distances:
        cards = [ProjectCard(**{**c.__dict__, "distance": distances.get(c.id)}) for c in cards]
    return cards


def map_options(catalog: Catalog, lang: Lang, selected: str | None = None) -> dict[str, Any]:
    """``ninoheGeo.addFeatures`` options for the residents' map: colours plus pillar marks."""
    return {
        **style_options(catalog.plan),
        "looseLabel": t("loose_label", lang),
        "selected": selected,
        "canvas": False,
        "marks": map_marks(catalog.plan),
    }


def legend_with_marks(catalog: Catalog, lang: Lang) -> dict[str, Any]:
    """Legend options whose swatches carry the pillar marks (colour is never the only cue)."""
    marks = map_marks(catalog.plan)
    return {
        "title": t("legend_title", lang),
        "items": [
            {
                "color": p.color,
                "label": f"{p.short(lang)} {p.name(lang)}",
                "mark": m["text"],
                "fg": m["fg"],
            }
            for p, m in zip(catalog.plan.pillars, marks, strict=True)
        ],
        "looseNote": t("legend_loose", lang),
        "collapsible": True,
    }


def subset(features: gpd.GeoDataFrame, ids: Iterable[str]) -> gpd.GeoDataFrame:
    """Rows of ``features`` with ``ids``, in that order."""
    wanted = [i for i in ids if i in features.index]
    result: gpd.GeoDataFrame = features.loc[wanted]
    return result


def residents_base_map(catalog: Catalog, lang: Lang, static_url: str | None = None) -> folium.Map:
    """The planner's base map with one-finger scrolling left to the page (gesture handling) and a
    legend whose swatches carry the pillar marks."""
    kwargs: dict[str, Any] = {"static_url": static_url} if static_url else {}
    m = mapview.base_map(
        catalog.plan,
        lang,
        gesture_handling=True,
        bounds=mapview.data_bounds(catalog.features),
        legend=legend_with_marks(catalog, lang),
        **kwargs,
    )
    # The city outline, and the hazard overlays (off until a resident turns one on).
    return mapview.add_reference(m, catalog, lang, outlines_only=True, hazards=True)


def residents_features(
    catalog: Catalog,
    view: gpd.GeoDataFrame,
    lang: Lang,
    selected: str | None = None,
    fit: tuple[float, float, float, float] | None = None,
    key: str = "",
    origin: tuple[float, float] | None = None,
    overview: bool = False,
    sites: list[dict[str, Any]] | None = None,
) -> folium.FeatureGroup:
    """The features of ``view`` drawn with pillar marks, for ``feature_group_to_add``: marks
    whose targets would overlap gathered into a badge with their count, the map fitted to
    ``fit`` when ``key`` changes, ``origin`` (an area's point, "near me" or a tapped point)
    marked, ``overview`` for the whole city, ``sites`` the nearest evacuation sites numbered
    (:mod:`ninohe_geo.query.residents_map`)."""
    return residents_map.residents_layer(
        view,
        lang,
        map_options(catalog, lang, selected),
        fit=fit,
        key=key,
        origin=origin,
        overview=overview,
        sites=sites,
    )
