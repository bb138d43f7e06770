"""Checks on features and layer files, shared by the loader, ``ninohe-geo validate`` and imports.

A :class:`Problem` names the file, the feature and the field, and says what was expected. Errors
keep a feature off the map; warnings are shown but do not block.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from ninohe_geo.model.plan import Plan
from ninohe_geo.model.schema import property_problems

Severity = Literal["error", "warning"]

#: Geometry types a plan feature may have.
GEOMETRY_TYPES = frozenset(
    {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"}
)
LINE_TYPES = frozenset({"LineString", "MultiLineString"})
#: What ``shapely.geometry.shape`` raises on a malformed GeoJSON geometry.
SHAPE_ERRORS: tuple[type[Exception], ...] = (
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    shapely.errors.GEOSException,
)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the data."""

    file: str
    """The file (as given to the loader), or '' for checks across files."""
    feature: str | None
    """The feature's id, or ``#N`` (its position) when it has no usable id; None: the file."""
    message: str
    """What is wrong and what was expected, in English."""
    severity: Severity = "error"
    field: str | None = None
    """The property or member concerned, where there is one."""

    def __str__(self) -> str:
        where = self.file
        if self.feature is not None:
            where += f" [feature {self.feature}]"
        if self.field:
            where += f" ({self.field})"
        return f"{self.severity.upper()}: {where}: {self.message}"


def feature_label(raw: dict[str, Any], index: int) -> str:
    """How to name a feature in a message: its id if it has a text one, else its position."""
    props = raw.get("properties")
    fid = props.get("id") if isinstance(props, dict) else None
    if isinstance(fid, str) and fid:
        return fid
    return f"#{index + 1}"


def parse_geometry(raw: Any) -> tuple[BaseGeometry | None, list[str]]:
    """A shapely geometry from a GeoJSON geometry member, and what is wrong with it."""
    if not isinstance(raw, dict):
        return None, ["missing geometry (null geometries cannot be mapped)"]
    gtype = raw.get("type")
    if gtype not in GEOMETRY_TYPES:
        return None, [f"geometry type {gtype!r} is not one of {', '.join(sorted(GEOMETRY_TYPES))}"]
    try:
        geom = shape(raw)
    except SHAPE_ERRORS as exc:
        return None, [f"geometry cannot be read: {exc}"]
    problems: list[str] = []
    if geom.is_empty:
        return None, ["geometry is empty"]
    coords = shapely.get_coordinates(geom)
    if not (
        (coords[:, 0] >= -180).all()
        and (coords[:, 0] <= 180).all()
        and (coords[:, 1] >= -90).all()
        and (coords[:, 1] <= 90).all()
    ):
        problems.append("coordinates are not longitude/latitude in degrees (RFC 7946, WGS84)")
    if not geom.is_valid:
        from ninohe_geo.model.repair import repair_note  # a repair is offered with its area change

        problems.append(f"invalid geometry: {shapely.is_valid_reason(geom)}{repair_note(geom)}")
    return geom, problems


def winding_problems(geom: BaseGeometry) -> list[str]:
    """RFC 7946 §3.1.6: exterior rings counter-clockwise, holes clockwise."""
    polygons: Sequence[Any]
    if geom.geom_type == "Polygon":
        polygons = [geom]
    elif geom.geom_type == "MultiPolygon":
        polygons = list(geom.geoms)
    else:
        return []
    problems = []
    for n, poly in enumerate(polygons):
        if not shapely.is_ccw(poly.exterior):
            problems.append(f"polygon {n + 1}: exterior ring must be counter-clockwise (RFC 7946)")
        if any(shapely.is_ccw(ring) for ring in poly.interiors):
            problems.append(f"polygon {n + 1}: holes must be clockwise (RFC 7946)")
    return problems


def check_feature(
    raw: Any, index: int, plan: Plan, file: str, kind: str = "plan"
) -> tuple[BaseGeometry | None, list[Problem]]:
    """Check one GeoJSON feature against the schema and the plan (``kind``: its layer's,
    ``plan`` or ``reference``: a reference feature needs no measure).

    Returns the parsed geometry (None when unusable) and the problems found.
    """
    if not isinstance(raw, dict) or raw.get("type") != "Feature":
        return None, [Problem(file, f"#{index + 1}", "not a GeoJSON Feature object")]
    label = feature_label(raw, index)
    props = raw.get("properties")
    if not isinstance(props, dict):
        return None, [Problem(file, label, "properties must be an object", field="properties")]
    problems = [
        Problem(file, label, msg, field=_field_of(msg)) for msg in property_problems(props, kind)
    ]
    measure = props.get("measure")
    if isinstance(measure, str) and measure and not plan.has_measure(measure):
        problems.append(
            Problem(file, label, f"unknown measure {measure!r}: not in the plan", field="measure")
        )
    initiative = props.get("initiative")
    if isinstance(initiative, str) and initiative:
        try:
            owner, _ = plan.initiative(initiative)
        except KeyError:
            problems.append(
                Problem(file, label, f"unknown initiative {initiative!r}", field="initiative")
            )
        else:
            if owner.id != measure:
                problems.append(
                    Problem(
                        file,
                        label,
                        f"initiative {initiative!r} belongs to measure {owner.id!r}, "
                        f"not {measure!r}",
                        field="initiative",
                    )
                )
    if "id" in raw and raw["id"] != props.get("id"):
        problems.append(Problem(file, label, "feature id and properties.id differ", field="id"))
    geom, geom_problems = parse_geometry(raw.get("geometry"))
    problems.extend(Problem(file, label, msg, field="geometry") for msg in geom_problems)
    if geom is not None:
        problems.extend(
            Problem(file, label, msg, field="geometry") for msg in winding_problems(geom)
        )
    return geom, problems


def _field_of(message: str) -> str | None:
    """The field a schema message is about, for the report's column.

    Messages about a coded value start with the field's name (``status 'x' is not …``); the
    others quote it (``missing field 'source'``).
    """
    for name in ("status", "accuracy_m", "accuracy", "updated", "id", "reading_ja"):
        if message.startswith(name + " "):
            return name
    if "'" in message:
        return message.split("'")[1]
    return None


def boundary_problems(
    file: str, label: str, geom: BaseGeometry, boundary: BaseGeometry, tolerance_deg: float = 0.0005
) -> list[Problem]:
    """Whether a feature lies in the city. Routes (lines) may leave it: a warning, not an error.

    ``tolerance_deg`` (≈ 50 m) absorbs the 1 % simplification of the boundary file.
    """
    area = boundary.buffer(tolerance_deg)
    if area.contains(geom):
        return []
    if geom.geom_type in LINE_TYPES and area.intersects(geom):
        return [
            Problem(
                file,
                label,
                "route leaves the city boundary (allowed for routes)",
                severity="warning",
                field="geometry",
            )
        ]
    c = geom.representative_point()
    return [
        Problem(
            file,
            label,
            f"outside the city boundary (at lon {c.x:.5f}, lat {c.y:.5f}); "
            "check for swapped longitude/latitude or a wrong CRS",
            field="geometry",
        )
    ]


def duplicate_id_problems(records: Iterable[tuple[str, str]]) -> list[Problem]:
    """Problems for ids used more than once; ``records`` are (file, id) pairs in load order."""
    first: dict[str, str] = {}
    problems = []
    for file, fid in records:
        if fid in first:
            problems.append(
                Problem(file, fid, f"duplicate id: already used in {first[fid]}", field="id")
            )
        else:
            first[fid] = file
    return problems
