"""Offline tile packs: download a base map for the city's extent, and serve it as "offline".

A meeting room in a 公民館 may have no internet. ``ninohe-geo tiles pack`` fetches the tiles of
one source (default 地理院タイル 標準地図) that cover the city's bounding box at the chosen
zooms into ``dashboard/static/tiles/<name>/{z}/{x}/{y}.png``, which Streamlit serves at
``/app/static/tiles/…``; when a pack is there, the base-map choice gains an "offline" entry.

Politeness and safety, each tested against a local tile server:

- a modest request rate (default 4 tiles/s, one connection), a User-Agent naming the project;
- HTTP 429/503 honour ``Retry-After`` (capped); other errors retry with back-off, then the tile
  is recorded as failed and the pack goes on; many failures in a row stop the pack;
- resumable: tiles already on disk are skipped; every tile is written atomically (temporary
  file + ``os.replace``), so an interrupted run leaves only whole tiles;
- only image responses are kept (PNG/JPEG/WebP signatures), nothing else is written;
- ``metadata.json`` keeps the source, its attribution and what the pack holds.

Tile numbering is the usual Web Mercator XYZ scheme (what 地理院タイル and OSM use).
"""

from __future__ import annotations

import json
import math
import os
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path

from ninohe_geo.atomic import write_atomic
from ninohe_geo.errors import NinoheGeoError
from ninohe_geo.escape import html_text
from ninohe_geo.maps.basemaps import GSI_ATTRIBUTION, OSM_ATTRIBUTION, Basemap
from ninohe_geo.model.boundary import CITY_BBOX
from ninohe_geo.paths import static_dir

DEFAULT_SOURCE = "https://cyberjapandata.gsi.go.jp/xyz/std/{z}/{x}/{y}.png"
DEFAULT_NAME = "gsi-std"
DEFAULT_ZOOMS = "10-16"
#: Where packs go by default: served by Streamlit at /app/static/tiles/ (not committed).
TILES_ENV = "NINOHE_GEO_TILES"
USER_AGENT = "ninohe-geo/0.1 (offline tile pack for Ninohe City comprehensive-plan meetings)"
METADATA = "metadata.json"
#: Give up on a pack after this many tiles in a row could not be fetched (server down).
MAX_CONSECUTIVE_FAILURES = 20
MAX_RETRY_AFTER_S = 60.0
MAX_TILE_BYTES = 2 * 1024 * 1024
IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"RIFF")
STATIC_URL = "/app/static/tiles"


class TilePackError(NinoheGeoError):
    """A tile pack cannot be made or read (bad options, the server keeps failing)."""


def tiles_root() -> Path:
    """The folder of packs: ``$NINOHE_GEO_TILES`` or ``tiles/`` in the app's static folder."""
    env = os.environ.get(TILES_ENV)
    return Path(env) if env else static_dir() / "tiles"


def parse_zooms(text: str) -> tuple[int, ...]:
    """``"10-16"``, ``"12"`` or ``"10,12,14"`` → zoom levels (0–20), sorted and unique."""
    zooms: set[int] = set()
    try:
        for part in text.split(","):
            lo, _, hi = part.strip().partition("-")
            first, last = int(lo), int(hi or lo)
            if first > last:
                raise ValueError
            zooms.update(range(first, last + 1))
    except ValueError as exc:
        raise TilePackError(f"--zoom {text!r}: expected e.g. 10-16, 12 or 10,12,14") from exc
    if not zooms or min(zooms) < 0 or max(zooms) > 20:
        raise TilePackError(f"--zoom {text!r}: zoom levels must be between 0 and 20")
    return tuple(sorted(zooms))


def check_template(template: str) -> str:
    """A tile URL template must be http(s) and hold ``{z}``, ``{x}`` and ``{y}``."""
    if not template.startswith(("https://", "http://")):
        raise TilePackError(f"--source {template!r}: must be an http(s) URL")
    missing = [k for k in ("{z}", "{x}", "{y}") if k not in template]
    if missing:
        raise TilePackError(f"--source {template!r}: missing {', '.join(missing)}")
    return template


def tile_xy(lon: float, lat: float, zoom: int) -> tuple[int, int]:
    """The XYZ tile holding (lon, lat) at ``zoom`` (Web Mercator)."""
    n = 2**zoom
    x = int((lon + 180.0) / 360.0 * n)
    lat_r = math.radians(lat)
    y = int((1.0 - math.asinh(math.tan(lat_r)) / math.pi) / 2.0 * n)
    return min(max(x, 0), n - 1), min(max(y, 0), n - 1)


def tile_range(bbox: tuple[float, float, float, float], zoom: int) -> tuple[int, int, int, int]:
    """(x_min, x_max, y_min, y_max), inclusive, of the tiles covering ``bbox`` at ``zoom``."""
    west, south, east, north = bbox
    x0, y0 = tile_xy(west, north, zoom)
    x1, y1 = tile_xy(east, south, zoom)
    return x0, x1, y0, y1


def count_tiles(bbox: tuple[float, float, float, float], zooms: tuple[int, ...]) -> dict[int, int]:
    """How many tiles each zoom needs (exact, from the bbox)."""
    out = {}
    for z in zooms:
        x0, x1, y0, y1 = tile_range(bbox, z)
        out[z] = (x1 - x0 + 1) * (y1 - y0 + 1)
    return out


def iter_tiles(
    bbox: tuple[float, float, float, float], zooms: tuple[int, ...]
) -> Iterator[tuple[int, int, int]]:
    """Every (z, x, y) covering ``bbox``, low zooms first (a partial pack is still useful)."""
    for z in zooms:
        x0, x1, y0, y1 = tile_range(bbox, z)
        for x in range(x0, x1 + 1):
            for y in range(y0, y1 + 1):
                yield z, x, y


def extension(template: str) -> str:
    """The tiles' file extension, from the template (``png`` unless it says jpg/webp)."""
    tail = template.rsplit("/", 1)[-1].split("?", 1)[0]
    ext = tail.rsplit(".", 1)[-1].lower() if "." in tail else "png"
    return ext if ext in {"png", "jpg", "jpeg", "webp"} else "png"


@dataclass
class PackReport:
    """What a pack run did."""

    expected: int = 0
    downloaded: int = 0
    skipped: int = 0
    """Already on disk (resumed)."""
    missing: int = 0
    """The server has no such tile (404): e.g. outside its coverage."""
    failed: list[str] = field(default_factory=list)
    """Tiles ``z/x/y`` that could not be fetched after retries."""
    bytes_downloaded: int = 0
    waited_s: float = 0.0
    """Time spent waiting to keep to the rate and for Retry-After."""


Fetch = Callable[[urllib.request.Request, float], tuple[int, dict[str, str], bytes]]


def _urlopen(request: urllib.request.Request, timeout: float) -> tuple[int, dict[str, str], bytes]:
    """GET ``request``: (status, headers, body); HTTP errors are returned, not raised."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 - checked
            return resp.status, dict(resp.headers.items()), resp.read(MAX_TILE_BYTES + 1)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()) if exc.headers else {}, b""


def _retry_after(headers: dict[str, str], default: float) -> float:
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return default
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
        except (TypeError, ValueError):
            return default
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)


@dataclass(frozen=True)
class PackSpec:
    """What to pack."""

    source: str = DEFAULT_SOURCE
    name: str = DEFAULT_NAME
    zooms: tuple[int, ...] = (10, 11, 12, 13, 14, 15, 16)
    bbox: tuple[float, float, float, float] = CITY_BBOX
    attribution: str = GSI_ATTRIBUTION
    """HTML shown on the map (ours, not from the server)."""
    rate_per_s: float = 4.0
    retries: int = 3
    timeout_s: float = 20.0
    overlay: str = ""
    """The hazard overlay (:mod:`.hazards`) whose tiles these are; empty for a base map."""


def pack(
    spec: PackSpec,
    out: Path,
    fetch: Fetch = _urlopen,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
    progress: Callable[[int, int], None] | None = None,
) -> PackReport:
    """Download the tiles of ``spec`` into ``out`` (resumable) and write ``metadata.json``.

    Raises:
        TilePackError: bad options, or :data:`MAX_CONSECUTIVE_FAILURES` tiles in a row failed
            (the metadata then records the partial pack, and a rerun resumes it).
    """
    check_template(spec.source)
    if not 0 < spec.rate_per_s <= 20:
        raise TilePackError("--rate must be above 0 and at most 20 tiles per second")
    ext = extension(spec.source)
    report = PackReport(expected=sum(count_tiles(spec.bbox, spec.zooms).values()))
    interval = 1.0 / spec.rate_per_s
    last_start: float | None = None
    in_a_row = 0
    done = 0

    def wait(seconds: float) -> None:
        if seconds > 0:
            report.waited_s += seconds
            sleep(seconds)

    try:
        for z, x, y in iter_tiles(spec.bbox, spec.zooms):
            done += 1
            target = out / str(z) / str(x) / f"{y}.{ext}"
            if target.is_file() and target.stat().st_size > 0:
                report.skipped += 1
                continue
            url = spec.source.format(z=z, x=x, y=y)
            ok = False
            for attempt in range(spec.retries + 1):
                if last_start is not None:
                    wait(interval - (clock() - last_start))
                last_start = clock()
                # check_template allowed only http(s) sources.
                request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
                try:
                    status, headers, body = fetch(request, spec.timeout_s)
                except (OSError, ValueError):
                    status, headers, body = 0, {}, b""
                if status == 200 and body.startswith(IMAGE_SIGNATURES):
                    if len(body) > MAX_TILE_BYTES:
                        break
                    write_atomic(target, body)
                    report.downloaded += 1
                    report.bytes_downloaded += len(body)
                    ok = True
                    break
                if status == 404:
                    report.missing += 1
                    ok = True
                    break
                if attempt < spec.retries:
                    backoff = 2.0**attempt
                    wait(_retry_after(headers, backoff) if status in (429, 503) else backoff)
            if ok:
                in_a_row = 0
            else:
                report.failed.append(f"{z}/{x}/{y}")
                in_a_row += 1
                if in_a_row >= MAX_CONSECUTIVE_FAILURES:
                    raise TilePackError(
                        f"{in_a_row} tiles in a row could not be fetched from {spec.source} "
                        f"(last: {z}/{x}/{y}); stopped. Run the command again to resume."
                    )
            if progress is not None:
                progress(done, report.expected)
    finally:
        write_metadata(out, spec, report)
    return report


def pack_bytes(folder: Path) -> tuple[int, int]:
    """(tile files, total bytes) in a pack folder (metadata and temporary files excluded)."""
    files = [
        p
        for p in folder.rglob("*")
        if p.is_file() and p.name != METADATA and not p.name.startswith(".")
    ]
    return len(files), sum(p.stat().st_size for p in files)


def write_metadata(out: Path, spec: PackSpec, report: PackReport) -> None:
    """``metadata.json``: source, attribution, extent, zooms, and what the pack holds."""
    tiles, size = pack_bytes(out) if out.is_dir() else (0, 0)
    meta = {
        "name": spec.name,
        "source": spec.source,
        "attribution": spec.attribution,
        "format": extension(spec.source),
        "overlay": spec.overlay,
        "bbox": list(spec.bbox),
        "minzoom": min(spec.zooms),
        "maxzoom": max(spec.zooms),
        "tiles_expected": report.expected,
        "tiles_present": tiles,
        "bytes": size,
        "missing_on_server": report.missing,
        "failed": report.failed[:1000],
        "user_agent": USER_AGENT,
        "updated": datetime.now(UTC).isoformat(timespec="seconds"),
        "spec": {k: v for k, v in asdict(spec).items() if k in ("rate_per_s", "retries")},
    }
    write_atomic(out / METADATA, json.dumps(meta, ensure_ascii=False, indent=2).encode("utf-8"))


@dataclass(frozen=True)
class InstalledPack:
    """A pack found under :func:`tiles_root`."""

    name: str
    folder: Path
    format: str
    attribution: str
    minzoom: int
    maxzoom: int
    tiles: int
    overlay: str = ""
    """Set for a pack of a hazard overlay's tiles (not offered as a base map)."""

    @property
    def url(self) -> str:
        """The pack's tile URL template as the app serves it."""
        return f"{STATIC_URL}/{self.name}/{{z}}/{{x}}/{{y}}.{self.format}"


def installed_packs(root: Path | None = None) -> tuple[InstalledPack, ...]:
    """Packs with a readable ``metadata.json`` and at least one tile; others are ignored."""
    root = root or tiles_root()
    found = []
    if not root.is_dir():
        return ()
    for meta_file in sorted(root.glob(f"*/{METADATA}")):
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
            pack_ = InstalledPack(
                name=meta_file.parent.name,
                folder=meta_file.parent,
                format=str(meta["format"]),
                attribution=str(meta["attribution"]),
                minzoom=int(meta["minzoom"]),
                maxzoom=int(meta["maxzoom"]),
                tiles=int(meta["tiles_present"]),
                overlay=str(meta.get("overlay") or ""),
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if pack_.tiles > 0 and pack_.format in {"png", "jpg", "jpeg", "webp"}:
            found.append(pack_)
    return tuple(found)


def safe_attribution(text: str) -> str:
    """The attribution HTML for the map: ours verbatim, anything else escaped as text.

    ``metadata.json`` is a file on disk that anyone could edit; Leaflet shows attributions as
    HTML, so only the project's own attribution strings pass unescaped.
    """
    if text in (GSI_ATTRIBUTION, OSM_ATTRIBUTION):
        return text
    return html_text(text)


def offline_basemaps(root: Path | None = None) -> tuple[Basemap, ...]:
    """One "offline" base map per installed pack, served by Streamlit's static folder."""
    out = []
    for p in installed_packs(root):
        if p.overlay:
            continue
        suffix = "" if p.name == DEFAULT_NAME else f" ({p.name})"
        out.append(
            Basemap(
                id=f"offline-{p.name}",
                name_ja=f"オフライン（保存したタイル）{suffix}",
                name_en=f"Offline (saved tiles){suffix}",
                url=p.url,
                attribution=safe_attribution(p.attribution),
                max_zoom=p.maxzoom,
            )
        )
    return tuple(out)
