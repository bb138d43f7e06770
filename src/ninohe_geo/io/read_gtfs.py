"""GTFS / GTFS-JP feeds (an extracted zip): routes as lines, stops as points.

Rows come in two kinds, told apart by the ``kind`` column (``route`` or ``stop``), so a mapping
can give them different names and summaries:

- a route: ``route_id``, ``route_name`` (short and long name), ``agency_name``; its geometry is
  the distinct ``shapes.txt`` shapes of its trips, or — where the feed has no shapes — the
  distinct stop sequences of its trips (straight lines between stops, which the mapping marks as
  approximate);
- a stop: ``stop_id``, ``stop_name``, ``route_names`` and ``agency_names`` serving it.

GTFS-JP adds files (``agency_jp.txt``, ``office_jp.txt``, …) to standard GTFS; the standard
part is what is read here. Text is UTF-8 (GTFS requires it; a BOM is tolerated).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

import pyproj
from shapely.geometry import LineString, MultiLineString, Point
from shapely.geometry.base import BaseGeometry

from ninohe_geo.io.crs import check_location
from ninohe_geo.io.errors import ImportFileError
from ninohe_geo.io.limits import check_feature_count
from ninohe_geo.io.source import ReadContext, SourceTable

REQUIRED = ("agency.txt", "stops.txt", "routes.txt", "trips.txt", "stop_times.txt")
COLUMNS = [
    "kind",
    "route_id",
    "route_name",
    "route_type",
    "agency_name",
    "stop_id",
    "stop_name",
    "route_names",
    "agency_names",
    "geometry_from",
    "accuracy",
]


def find_feed_root(folder: Path) -> Path | None:
    """The folder holding ``stops.txt`` and ``routes.txt`` (the zip's root or one level down)."""
    for candidate in [folder, *sorted(p for p in folder.iterdir() if p.is_dir())]:
        if (candidate / "stops.txt").is_file() and (candidate / "routes.txt").is_file():
            return candidate
    return None


def _table(folder: Path, name: str, file: str) -> list[dict[str, str]]:
    path = folder / name
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(file, f"{name} is not UTF-8 (GTFS requires UTF-8)") from exc
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in reader]
    except csv.Error as exc:
        raise ImportFileError(file, f"{name}: CSV syntax error: {exc}") from exc


def _float(row: dict[str, str], key: str, file: str, table: str) -> float:
    try:
        return float(row[key])
    except (KeyError, ValueError) as exc:
        raise ImportFileError(
            file,
            f"{table}: {row.get(key)!r} is not a number",
            feature=row.get("stop_id") or row.get("shape_id"),
            field=key,
        ) from exc


def read(folder: Path, ctx: ReadContext) -> SourceTable:
    """Read an extracted GTFS feed into route and stop rows."""
    file = ctx.display_name
    root = find_feed_root(folder)
    if root is None:
        raise ImportFileError(file, "not a GTFS feed: stops.txt and routes.txt not found")
    missing = [n for n in REQUIRED if not (root / n).is_file()]
    if missing:
        raise ImportFileError(file, f"GTFS feed lacks {', '.join(missing)}")
    for name in ("stops.txt", "routes.txt"):
        check_feature_count(file, (root / name).read_bytes().count(b"\n"), ctx.limits)
    agencies = {
        a.get("agency_id", ""): a.get("agency_name", "") for a in _table(root, "agency.txt", file)
    }
    default_agency = next(iter(agencies.values()), "")
    routes = _table(root, "routes.txt", file)
    stops = _table(root, "stops.txt", file)
    trips = _table(root, "trips.txt", file)
    ctx.check_time("reading GTFS tables")
    stop_times = _table(root, "stop_times.txt", file)
    shapes_rows = _table(root, "shapes.txt", file) if (root / "shapes.txt").is_file() else []
    ctx.check_time("reading GTFS stop times")

    stop_xy = {
        s["stop_id"]: (
            _float(s, "stop_lon", file, "stops.txt"),
            _float(s, "stop_lat", file, "stops.txt"),
        )
        for s in stops
        if s.get("location_type", "0") in ("", "0")
    }
    shapes: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
    for r in shapes_rows:
        shapes[r["shape_id"]].append(
            (
                int(float(r["shape_pt_sequence"])),
                _float(r, "shape_pt_lon", file, "shapes.txt"),
                _float(r, "shape_pt_lat", file, "shapes.txt"),
            )
        )
    trip_stops: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for st in stop_times:
        trip_stops[st["trip_id"]].append((int(float(st["stop_sequence"])), st["stop_id"]))
    route_trips: dict[str, list[dict[str, str]]] = defaultdict(list)
    for trip in trips:
        route_trips[trip["route_id"]].append(trip)

    def route_name(r: dict[str, str]) -> str:
        short, long_ = r.get("route_short_name", ""), r.get("route_long_name", "")
        return " ".join(p for p in (short, long_) if p) or r["route_id"]

    rows: list[dict[str, str | None]] = []
    geoms: list[BaseGeometry | None] = []
    stop_routes: dict[str, set[str]] = defaultdict(set)
    stop_agencies: dict[str, set[str]] = defaultdict(set)
    for r in routes:
        name = route_name(r)
        agency = agencies.get(r.get("agency_id", ""), default_agency)
        lines: list[tuple[tuple[float, float], ...]] = []
        used: set[str] = set()
        for trip in route_trips.get(r["route_id"], []):
            seq = sorted(trip_stops.get(trip["trip_id"], []))
            for _, sid in seq:
                stop_routes[sid].add(name)
                stop_agencies[sid].add(agency)
            shape_id = trip.get("shape_id", "")
            if shape_id and shape_id in shapes:
                line = tuple((x, y) for _, x, y in sorted(shapes[shape_id]))
                used.add("shapes.txt")
            else:
                line = tuple(stop_xy[sid] for _, sid in seq if sid in stop_xy)
                used.add("stop sequence")
            if len(line) >= 2 and line not in lines:
                lines.append(line)
        source = " + ".join(sorted(used))
        geom: BaseGeometry | None
        if not lines:
            geom = None
        elif len(lines) == 1:
            geom = LineString(lines[0])
        else:
            geom = MultiLineString(list(lines))
        rows.append(
            {
                "kind": "route",
                "route_id": r["route_id"],
                "route_name": name,
                "route_type": r.get("route_type") or None,
                "agency_name": agency or None,
                "geometry_from": source if lines else None,
                "accuracy": "approximate",
            }
        )
        geoms.append(geom)
    for s in stops:
        sid = s["stop_id"]
        if sid not in stop_xy:
            continue
        rows.append(
            {
                "kind": "stop",
                "stop_id": sid,
                "stop_name": s.get("stop_name") or sid,
                "route_names": "、".join(sorted(stop_routes.get(sid, ()))) or None,
                "agency_names": "、".join(sorted(a for a in stop_agencies.get(sid, ()) if a))
                or None,
                "accuracy": "facility",
            }
        )
        geoms.append(Point(stop_xy[sid]))
    check_feature_count(file, len(rows), ctx.limits)
    check_location(geoms, geoms, pyproj.CRS.from_epsg(4326), file)
    notes = [f"{len(routes)} route(s), {len(stop_xy)} stop(s)"]
    if not shapes_rows:
        notes.append("no shapes.txt: routes drawn as straight lines between their stops")
    return SourceTable(file, "gtfs", COLUMNS, rows, geoms, "EPSG:4326", notes)
