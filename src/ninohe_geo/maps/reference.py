"""Official context data on the map, and how far a drawn point may be from the truth (issue #13).

Two things the plan's own renderer (``ninohe-map.js``) does not draw, both drawn by
``ninohe-reference.js``:

- :func:`reference_element` — the **reference layers** (kind ``reference``: the city outline,
  the GSI shelters, the AEDs): not plan projects, so not filtered by policy area and not counted
  with them; each with its own toggle (a Leaflet layers control) and its attribution in the
  popup. Their points sit under the plan's points (a plan point is never hidden by context).
- :func:`accuracy_element` — a dashed **circle of uncertainty** round every point that states an
  ``accuracy_m``: "approximate" is honest as a word but not as a drawing; a point shown without
  its uncertainty looks exact.

Strings from data reach the page only through :func:`ninohe_geo.escape.script_json` (and
``textContent`` in the browser).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
from branca.element import MacroElement
from jinja2 import Template
from shapely.geometry.base import BaseGeometry

from ninohe_geo.escape import script_json
from ninohe_geo.i18n import distance_text, t
from ninohe_geo.model.catalog import LayerInfo
from ninohe_geo.model.plan import Lang, Plan
from ninohe_geo.model.schema import ACCURACIES, accuracy_metres, choice, same_as_ids

#: Colours of reference layers, in layer order: dark neutral tones, apart from the plan's four
#: Okabe–Ito pillar colours (context must not look like a policy area).
REFERENCE_COLORS: tuple[str, ...] = ("#3d3d3d", "#6b4f2a", "#2f4f6f", "#5a5a5a")
#: Below this uncertainty a circle says nothing at the zooms the map is used at.
MIN_CIRCLE_M = 50.0


class _Call(MacroElement):
    """``ninoheReference.<function>(map, data, options)`` in the map's script."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "ninoheReference.{{ this.function }}({{ this._parent.get_name() }}, "
        "{{ this.data }}, {{ this.options }});"
        "{% endmacro %}"
    )

    def __init__(self, function: str, data: str, options: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "NinoheReference"
        self.function = function if function in ("addReference", "addAccuracy") else "addAccuracy"
        self.data = data
        self.options = options


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _rings(geom: BaseGeometry) -> list[list[list[float]]]:
    """A polygon's rings as Leaflet [lat, lon] lines (the outline is drawn, never filled)."""
    polygons = getattr(geom, "geoms", [geom])
    out = []
    for poly in polygons:
        for ring in [poly.exterior, *poly.interiors]:
            out.append([[round(y, 6), round(x, 6)] for x, y in ring.coords])
    return out


def _details(row: pd.Series, lang: Lang) -> list[str]:
    text = _text(row.get("details_ja" if lang == "ja" else "details_en")) or _text(
        row.get("details_ja")
    )
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    summary = _text(row.get("summary_ja" if lang == "ja" else "summary_en"))
    return ([summary] if summary else []) + lines


def accuracy_line(row: pd.Series, lang: Lang) -> str:
    """「位置の精度：施設位置（位置の誤差 約 30 m）」 for a popup."""
    label = choice(ACCURACIES, _text(row.get("accuracy")) or "approximate").label(lang)
    metres = accuracy_metres({"accuracy_m": row.get("accuracy_m")})
    error = f"（{t('position_error', lang)} {distance_text(metres, lang)}）" if metres else ""
    return f"{t('accuracy', lang)}：{label}{error}"


def reference_payload(
    reference: gpd.GeoDataFrame, layers: Sequence[LayerInfo], lang: Lang
) -> dict[str, Any]:
    """The reference layers as ``ninohe-reference.js`` draws them."""
    out = []
    for n, layer in enumerate(layers):
        rows = reference[reference["layer"] == layer.id] if not reference.empty else reference
        points: list[dict[str, Any]] = []
        outlines: list[list[list[float]]] = []
        for fid, row in rows.iterrows():
            geom = row.geometry
            if geom is None or geom.is_empty:
                continue
            if geom.geom_type in ("Polygon", "MultiPolygon"):
                outlines.extend(_rings(geom))
                continue
            point = geom if geom.geom_type == "Point" else geom.representative_point()
            points.append(
                {
                    "id": str(fid),
                    "lat": round(point.y, 6),
                    "lon": round(point.x, 6),
                    "name": _text(row["name_ja" if lang == "ja" else "name_en"]),
                    "details": _details(row, lang),
                    "accuracy": accuracy_line(row, lang),
                }
            )
        source = layer.source_ja or _text(rows["source"].iloc[0]) if len(rows) else layer.source_ja
        if layer.licence:
            source = f"{source}（{layer.licence}）"
        out.append(
            {
                "id": layer.id,
                "title": layer.title(lang),
                # A count where it tells something (44 AEDs), not for the one outline.
                "label": f"{layer.title(lang)}（{len(points)}）" if points else layer.title(lang),
                "color": REFERENCE_COLORS[n % len(REFERENCE_COLORS)],
                "source": source,
                "points": points,
                "outlines": outlines,
            }
        )
    return {"layers": out}


def merged_ids(features: gpd.GeoDataFrame) -> frozenset[str]:
    """Ids of reference records our own features stand for (their ``same_as``)."""
    if features.empty or "same_as" not in features.columns:
        return frozenset()
    # Each distinct value once (0.7 s per map run at 100,000 features, one by one).
    values = pd.unique(features["same_as"].dropna())
    return frozenset(fid for value in values for fid in same_as_ids({"same_as": value}))


def without_merged(reference: gpd.GeoDataFrame, features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The reference records not already drawn as one of our features: a plan feature for the
    same facility (``same_as: gsi-…``) is drawn once, as the plan's, not doubled by its GSI
    record. The records stay in the catalogue (the shelter finder and ``validate`` use all)."""
    merged = merged_ids(features)
    if not merged or reference.empty:
        return reference
    return reference[~reference.index.isin(sorted(merged))]


def area_layers(
    reference: gpd.GeoDataFrame, layers: Sequence[LayerInfo]
) -> tuple[gpd.GeoDataFrame, tuple[LayerInfo, ...]]:
    """Only the areas of the reference layers (the city outline) and the layers that have them:
    for print, the presenter and the sites, where context points would crowd the plan's marks."""
    if not reference.empty:
        reference = reference[reference.geometry.geom_type.isin(["Polygon", "MultiPolygon"])]
    kept = set(reference["layer"]) if not reference.empty else set()
    return reference, tuple(layer for layer in layers if layer.id in kept)


def reference_element(
    reference: gpd.GeoDataFrame,
    layers: Sequence[LayerInfo],
    lang: Lang,
    control: bool = True,
    overlays: Sequence[dict[str, Any]] = (),
) -> MacroElement | None:
    """The element that draws the reference layers (None when there are none); ``control``:
    with the layers control that toggles each. ``overlays``: tile overlays drawn and toggled
    with them (:func:`ninohe_geo.maps.hazards.hazard_layers`)."""
    if not layers and not overlays:
        return None
    payload = reference_payload(reference, layers, lang)
    payload["layers"] += list(overlays)
    options = {
        "title": t("reference_title", lang),
        "sourceLabel": t("reference_source_label", lang),
        # Folded to a button that names it, in the bottom right (top right, it covered the
        # offline-tiles notice); open, its list covered the points of 浄法寺 at 1400 px and the
        # whole map on a phone. A hover or a tap opens it.
        "collapsed": True,
        "control": control,
    }
    return _Call("addReference", script_json(payload), script_json(options))


def accuracy_circles(features: gpd.GeoDataFrame, plan: Plan) -> list[dict[str, Any]]:
    """A circle per point feature whose ``accuracy_m`` is at least :data:`MIN_CIRCLE_M`."""
    if features.empty or "accuracy_m" not in features.columns:
        return []
    colors = [p.color for p in plan.pillars]
    out = []
    for _, row in features.iterrows():
        metres = accuracy_metres({"accuracy_m": row.get("accuracy_m")})
        geom = row.geometry
        if metres is None or metres < MIN_CIRCLE_M or geom is None or geom.geom_type != "Point":
            continue
        index = row.get("pillar_index")
        color = colors[int(index)] if isinstance(index, (int, float)) and not pd.isna(index) else ""
        out.append(
            {
                "lat": round(geom.y, 6),
                "lon": round(geom.x, 6),
                "metres": metres,
                "color": color or "#555555",
            }
        )
    return out


def accuracy_element(features: gpd.GeoDataFrame, plan: Plan) -> MacroElement | None:
    """The element that draws the circles of uncertainty (None when no point states one)."""
    circles = accuracy_circles(features, plan)
    if not circles:
        return None
    return _Call("addAccuracy", script_json({"circles": circles}), script_json({}))
