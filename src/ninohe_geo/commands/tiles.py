"""``ninohe-geo tiles pack``: save base-map tiles of the city for meetings without internet."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

NAME = "tiles"
HELP = "offline base-map tiles: 'tiles pack' downloads the city's extent (see --help)"

#: Average size of one tile, for the estimate before a download: measured from a pack when
#: there is one, else this assumption (stated as such in the output).
ASSUMED_TILE_BYTES = 15_000


def _estimate(args: argparse.Namespace) -> int:
    from ninohe_geo.maps.tilepacks import count_tiles, pack_bytes, parse_zooms
    from ninohe_geo.model.boundary import CITY_BBOX

    zooms = parse_zooms(args.zoom)
    counts = count_tiles(CITY_BBOX, zooms)
    total = sum(counts.values())
    for z, n in counts.items():
        print(f"  z{z}: {n:,} tiles")
    out = args.out
    have, size = pack_bytes(out) if out.is_dir() else (0, 0)
    if have:
        average, how = size / have, f"measured: average of the {have:,} tiles in {out}"
    else:
        average, how = ASSUMED_TILE_BYTES, "ASSUMED average of 15 KB per tile (not measured)"
    print(
        f"{total:,} tiles for zooms {zooms[0]}–{zooms[-1]} over the city's bounding box "
        f"{CITY_BBOX}; estimated size {total * average / 1e6:,.0f} MB ({how})"
    )
    return total


def _progress(done: int, expected: int) -> None:
    if done % 200 == 0 or done == expected:
        print(f"  {done:,} / {expected:,}", file=sys.stderr)


def run_hazards(args: argparse.Namespace) -> int:
    """``tiles pack --hazards``: one pack per tile set of each ハザードマップポータル overlay,
    in the tiles folder beside the base map's pack (the app draws them offline)."""
    from ninohe_geo.maps.hazards import HAZARD_OVERLAYS, PORTAL_URL, pack_names
    from ninohe_geo.maps.tilepacks import PackSpec, count_tiles, pack, parse_zooms
    from ninohe_geo.model.boundary import CITY_BBOX

    zooms = parse_zooms(args.zoom)
    root = args.out.parent
    per_set = sum(count_tiles(CITY_BBOX, zooms).values())
    sets = [
        (o, url, name)
        for o in HAZARD_OVERLAYS
        for url, name in zip(o.urls, pack_names(o), strict=True)
    ]
    print(
        f"hazard overlays of the ハザードマップポータルサイト ({PORTAL_URL}): {len(sets)} tile "
        f"sets × {per_set:,} tiles for zooms {zooms[0]}–{zooms[-1]} into {root}; tiles where "
        "the portal has no zone do not exist on its server and are counted as such"
    )
    if args.dry_run:
        return 0
    failed = 0
    for overlay, url, name in sets:
        spec = PackSpec(
            source=url,
            name=name,
            zooms=zooms,
            bbox=CITY_BBOX,
            attribution="出典：ハザードマップポータルサイト",
            rate_per_s=args.rate,
            overlay=overlay.id,
        )
        report = pack(spec, root / name, progress=_progress)
        failed += len(report.failed)
        print(
            f"{root / name}: {report.downloaded:,} downloaded "
            f"({report.bytes_downloaded:,} bytes), {report.skipped:,} already there, "
            f"{report.missing:,} without a zone, {len(report.failed):,} failed, of {per_set:,}"
        )
    return 1 if failed else 0


def run_pack(args: argparse.Namespace) -> int:
    """Download (or with --dry-run only count) the tiles; exit 1 if some failed."""
    from ninohe_geo.maps.tilepacks import DEFAULT_SOURCE, PackSpec, TilePackError, pack, parse_zooms
    from ninohe_geo.model.boundary import CITY_BBOX

    if args.hazards:
        if args.source != DEFAULT_SOURCE or args.attribution:
            raise TilePackError(
                "--hazards saves the portal's own tiles: leave out --source and --attribution"
            )
        return run_hazards(args)
    total = _estimate(args)
    if args.dry_run:
        return 0
    spec = PackSpec(
        source=args.source,
        name=args.out.name,
        zooms=parse_zooms(args.zoom),
        bbox=CITY_BBOX,
        attribution=args.attribution or _default_attribution(args.source),
        rate_per_s=args.rate,
    )
    report = pack(spec, args.out, progress=_progress)
    print(
        f"{args.out}: {report.downloaded:,} downloaded ({report.bytes_downloaded:,} bytes), "
        f"{report.skipped:,} already there, {report.missing:,} not on the server, "
        f"{len(report.failed):,} failed, of {total:,}"
    )
    return 1 if report.failed else 0


def _default_attribution(source: str) -> str:
    from ninohe_geo.maps.basemaps import GSI_ATTRIBUTION, OSM_ATTRIBUTION

    if "cyberjapandata.gsi.go.jp" in source:
        return GSI_ATTRIBUTION
    if "openstreetmap.org" in source:
        return OSM_ATTRIBUTION
    return source.split("/")[2]


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``tiles``."""
    from ninohe_geo.maps.tilepacks import DEFAULT_SOURCE, DEFAULT_ZOOMS, tiles_root

    sub = p.add_subparsers(dest="tiles_command", required=True)
    pk = sub.add_parser(
        "pack",
        help="download the tiles of the city's extent into a folder the app serves",
        description=(
            "Download base-map tiles covering the city's bounding box, politely (one connection, "
            "--rate tiles per second, a User-Agent naming the project, Retry-After honoured), "
            "resumably (tiles on disk are skipped) and atomically. With the pack in "
            "dashboard/static/tiles/NAME the app offers an 'offline' base map."
        ),
    )
    pk.add_argument("--zoom", default=DEFAULT_ZOOMS, help="zoom levels, e.g. 10-16 (default)")
    pk.add_argument(
        "--source",
        default=DEFAULT_SOURCE,
        help="tile URL template with {z}/{x}/{y} (default: 地理院タイル 標準地図)",
    )
    pk.add_argument(
        "--out",
        type=Path,
        default=tiles_root() / "gsi-std",
        help="pack folder (default: dashboard/static/tiles/gsi-std, served by the app)",
    )
    pk.add_argument("--rate", type=float, default=4.0, help="tiles per second (default 4)")
    pk.add_argument("--attribution", default=None, help="attribution text for a custom source")
    pk.add_argument(
        "--hazards",
        action="store_true",
        help=(
            "save the ハザードマップポータル overlays (洪水浸水想定区域, 土砂災害警戒区域) "
            "instead of the base map, into the folder that holds --out; the app then draws "
            "them offline"
        ),
    )
    pk.add_argument(
        "--dry-run", action="store_true", help="only count the tiles and estimate the size"
    )
    pk.set_defaults(func=run_pack)
