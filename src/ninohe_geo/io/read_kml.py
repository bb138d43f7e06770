"""KML, parsed with ``defusedxml`` — not GDAL's LIBKML, which follows NetworkLinks.

What is read: every ``Placemark``'s ``name``, ``description``, ``ExtendedData`` (``Data/value``
and ``SchemaData/SimpleData``) and its geometry (Point, LineString, LinearRing, Polygon with
holes, MultiGeometry). What is never done: following a ``NetworkLink``, loading an ``href``,
resolving entities or DTDs (defusedxml refuses them). NetworkLinks are listed in the notes so
the planner knows what was left out. KML coordinates are WGS84 lon,lat[,alt] by definition.
"""

from __future__ import annotations

from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import pyproj
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from shapely.geometry import LineString, Point, Polygon
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from ninohe_geo.io.crs import check_location
from ninohe_geo.io.errors import UnsafeInputError, UnsupportedFormatError
from ninohe_geo.io.limits import check_feature_count, check_size
from ninohe_geo.io.source import ReadContext, SourceTable


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(el: Element, name: str) -> list[Element]:
    return [c for c in el if _local(c.tag) == name]


def _first(el: Element, name: str) -> Element | None:
    found = _children(el, name)
    return found[0] if found else None


def _descendants(el: Element, name: str) -> list[Element]:
    return [c for c in el.iter() if _local(c.tag) == name]


def _coords(el: Element | None) -> list[tuple[float, float]]:
    if el is None:
        return []
    node = el if _local(el.tag) == "coordinates" else _first(el, "coordinates")
    if node is None or not node.text:
        return []
    out = []
    for token in node.text.split():
        parts = token.split(",")
        if len(parts) >= 2:
            out.append((float(parts[0]), float(parts[1])))
    return out


def _geometry(el: Element) -> list[BaseGeometry]:
    kind = _local(el.tag)
    if kind == "Point":
        pts = _coords(el)
        return [Point(pts[0])] if pts else []
    if kind in ("LineString", "LinearRing"):
        pts = _coords(el)
        return [LineString(pts)] if len(pts) >= 2 else []
    if kind == "Polygon":
        outer = _first(el, "outerBoundaryIs")
        ring = _coords(_first(outer, "LinearRing")) if outer is not None else []
        holes = [_coords(_first(inner, "LinearRing")) for inner in _children(el, "innerBoundaryIs")]
        return [Polygon(ring, [h for h in holes if len(h) >= 4])] if len(ring) >= 4 else []
    if kind == "MultiGeometry":
        return [g for child in el for g in _geometry(child)]
    return []


def _combine(parts: list[BaseGeometry]) -> BaseGeometry | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    kinds = {p.geom_type for p in parts}
    if kinds <= {"Point"}:
        from shapely.geometry import MultiPoint

        return MultiPoint(parts)
    if kinds <= {"LineString"}:
        from shapely.geometry import MultiLineString

        return MultiLineString(parts)
    if kinds <= {"Polygon"}:
        from shapely.geometry import MultiPolygon

        return MultiPolygon(parts)
    return unary_union(parts)


def read(path: Path, ctx: ReadContext) -> SourceTable:
    """Read the Placemarks of a KML file."""
    file = ctx.display_name
    check_size(path, ctx.limits)
    data = path.read_bytes()
    check_feature_count(file, data.count(b"<Placemark") + data.count(b":Placemark"), ctx.limits)
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise UnsafeInputError(file, f"KML with a DTD or entities is refused: {exc}") from exc
    except ParseError as exc:
        raise UnsupportedFormatError(file, f"not well-formed XML: {exc}") from exc
    if _local(root.tag) != "kml":
        raise UnsupportedFormatError(file, f"root element is <{_local(root.tag)}>, not <kml>")
    notes = []
    for link in _descendants(root, "NetworkLink"):
        href = next((h.text for h in _descendants(link, "href") if h.text), "?")
        notes.append(f"KML NetworkLink to {href.strip()!r} not followed (imports never fetch)")
    columns: list[str] = ["name", "description"]
    rows: list[dict[str, str | None]] = []
    geoms: list[BaseGeometry | None] = []
    errors: dict[int, str] = {}
    for index, mark in enumerate(_descendants(root, "Placemark")):
        if index % 1000 == 0:
            ctx.check_time("reading KML placemarks")
        name = _first(mark, "name")
        desc = _first(mark, "description")
        row: dict[str, str | None] = {
            "name": (name.text or "").strip() or None if name is not None else None,
            "description": (desc.text or "").strip() or None if desc is not None else None,
        }
        for data_el in _descendants(mark, "Data"):
            key = data_el.get("name")
            value = _first(data_el, "value")
            if key:
                row[key] = (value.text or "").strip() or None if value is not None else None
        for simple in _descendants(mark, "SimpleData"):
            key = simple.get("name")
            if key:
                row[key] = (simple.text or "").strip() or None
        for key in row:
            if key not in columns:
                columns.append(key)
        parts: list[BaseGeometry] = []
        try:
            for child in mark:
                parts.extend(_geometry(child))
        except (ValueError, TypeError) as exc:
            errors[index] = f"KML coordinates cannot be read: {exc}"
        rows.append(row)
        geoms.append(_combine(parts))
    crs = pyproj.CRS.from_epsg(4326)
    check_location(geoms, geoms, crs, file)
    return SourceTable(file, "kml", columns, rows, geoms, "EPSG:4326", notes, errors)
