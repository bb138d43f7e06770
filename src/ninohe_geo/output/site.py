"""``ninohe-geo publish OUT/``: the residents' view as a self-contained static site.

A Streamlit server carries a few hundred visitors; a folder of files on any static host or CDN
carries everyone who opens the link in 広報にのへ. The site is built from the same code paths as
the app — :func:`~ninohe_geo.model.catalog.load_catalog`, :mod:`~ninohe_geo.query.residents`
(cards, plan order, pillar marks), :mod:`~ninohe_geo.query.details`,
:func:`~ninohe_geo.maps.mapview.features_payload` with ``ninohe-map.js``,
:mod:`~ninohe_geo.query.search` and :mod:`~ninohe_geo.io.export` — so the site
and the app say the same thing.

Layout of ``OUT/`` (Japanese at the root, English under ``en/``)::

    index.html, en/index.html              map, search, area / near me, every project
    p/<id>.html, en/p/<id>.html            one shareable page per project
    data.html, en/data.html                downloads, licence, sources; schema.org Dataset JSON-LD
    data/ninohe-plan.geojson, .csv,        the data (RFC 7946; CSV formula-safe; FlatGeobuf;
      .fgb, .parquet                       GeoParquet), CC BY 4.0
    datapackage.json, catalog.jsonld       the data described for harvesters (Frictionless, DCAT)
    static/                                Leaflet + plugins (assets.install_static) + site.js
    sitemap.xml, robots.txt

A large catalogue (more than :data:`TILED_THRESHOLD` features — a city's parcels or building
footprints) is published the way the app draws it: the features are not inlined in the page but
served as static PMTiles vector tiles (:func:`ninohe_geo.maps.vectortiles.publish`, the very
archive and names file the app builds), and what the page's script needs beyond the first view
is fetched only when it is used::

    data/tiles/plan-<digest>.pmtiles, .json   the tiles and the ids and names (tooltip, lists)
    data/search.json                          the search keys (on the first search)
    data/places.json                          each feature's box (on a tap or "near me")

The index page then lists the first :data:`TILED_LIST_SAMPLE` projects of each policy area
(every project keeps its own page); a search, "my area" or a tap lists up to
:data:`TILED_LIST_MAX` of them, nearest first where there is a place to measure from.

No CDN at run time (tiles aside), no server-side code. Templates are Jinja2 with autoescape on;
data reaches ``<script>`` only as JSON through :func:`~ninohe_geo.escape.script_json`.
The data's licence, attributions and machine-readable descriptions come from
:mod:`~ninohe_geo.output.datasetmeta`, computed from the download files as written (sizes, hashes).

The build is atomic as far as a file system allows: everything is written into a temporary
sibling folder, then swapped in with two renames (old → ``.old``, new → ``OUT``), so a reader or
a crash sees the old site or the new one, never half of one. ``OUT`` must be empty, absent, or a
site this command built (it holds :data:`MARKER`); anything else is refused, never deleted.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import geopandas as gpd
import jinja2
import numpy as np
import shapely
from markupsafe import Markup

from ninohe_geo.errors import NinoheGeoError
from ninohe_geo.escape import script_json
from ninohe_geo.i18n import STRINGS, t
from ninohe_geo.io.export import export_bytes
from ninohe_geo.maps import vectortiles
from ninohe_geo.maps.assets import install_static
from ninohe_geo.maps.basemaps import DEFAULT_BASEMAP
from ninohe_geo.maps.mapview import CANVAS_THRESHOLD, data_bounds, features_payload
from ninohe_geo.maps.style import style_options
from ninohe_geo.maps.tilesources import basemap
from ninohe_geo.model import districts
from ninohe_geo.model.catalog import Catalog, LayerInfo
from ninohe_geo.model.plan import LANGS, Lang
from ninohe_geo.model.schema import HAZARD_CODES
from ninohe_geo.output import datasetmeta
from ninohe_geo.paths import PACKAGE_DIR
from ninohe_geo.query import residents
from ninohe_geo.query.details import feature_details
from ninohe_geo.query.search import build_index
from ninohe_geo.query.shelters import FINDER_HAZARDS, finder_sites, hazard_label

#: A file in every published site: ``publish`` only ever replaces a folder that holds it.
MARKER = ".ninohe-geo-site"
TEMPLATES = PACKAGE_DIR / "templates"
SITE_ASSETS = PACKAGE_DIR / "site"
#: Files of the data downloads, relative to the site root.
GEOJSON_FILE = "data/ninohe-plan.geojson"
CSV_FILE = "data/ninohe-plan.csv"
FGB_FILE = "data/ninohe-plan.fgb"
PARQUET_FILE = "data/ninohe-plan.parquet"
#: The downloads as (file, export format), in the order the data page and metadata list them.
DOWNLOADS: tuple[tuple[str, str], ...] = (
    (GEOJSON_FILE, "geojson"),
    (CSV_FILE, "csv"),
    (FGB_FILE, "fgb"),
    (PARQUET_FILE, "parquet"),
)
#: The folder of the reference layers' GeoJSON (one file per layer: the outline, shelters, AEDs).
REFERENCE_DIR = "data/reference"
DATAPACKAGE_FILE = datasetmeta.DATAPACKAGE_FILE
DCAT_FILE = datasetmeta.DCAT_FILE
#: Used in sitemap.xml when no --base-url is given (say so: a real host must pass its URL).
DEFAULT_BASE_URL = "http://localhost:8000/"
#: Above this many features the site's map draws from vector tiles (as the app's does).
TILED_THRESHOLD = CANVAS_THRESHOLD
#: The folder of the tiled site's data files, relative to the site root.
TILED_DIR = "data"
SEARCH_FILE = "data/search.json"
PLACES_FILE = "data/places.json"
#: Projects of each policy area listed on a tiled site's index page before any search.
TILED_LIST_SAMPLE = 20
#: Most projects a tiled site lists at once (the map shows every match).
TILED_LIST_MAX = 100
#: Coordinates in :data:`PLACES_FILE` are integers of this many degrees (1.1 m north–south):
#: fine enough for distances given in tens of metres.
PLACES_UNIT = 1e-5


class PublishError(NinoheGeoError):
    """The site cannot be written where asked (and nothing there was changed)."""


@dataclass(frozen=True)
class SiteReport:
    """What :func:`build_site` wrote."""

    out: Path
    pages: int
    projects: int
    bytes: int


@dataclass(frozen=True)
class TiledData:
    """Where a tiled site's data files are, relative to the site root."""

    tiles: vectortiles.TileDataset
    tiles_url: str
    names_url: str


def _tiled(features: gpd.GeoDataFrame) -> bool:
    return len(features) > TILED_THRESHOLD


def places_json(features: gpd.GeoDataFrame) -> bytes:
    """Each feature's bounding box, in tile order, as integers of :data:`PLACES_UNIT` degrees
    (``boxes``: minx, miny, maxx, maxy, … flat), and the tile positions of the schematic ones
    (no real place: never measured to)."""
    bounds = shapely.bounds(np.asarray(features.geometry.values))
    boxes = np.rint(bounds / PLACES_UNIT).astype(np.int64)
    boxes[~np.isfinite(bounds)] = 0
    schematic = np.flatnonzero(features["accuracy"].to_numpy() == "schematic")
    doc = {"unit": PLACES_UNIT, "boxes": boxes.ravel().tolist(), "schematic": schematic.tolist()}
    return json.dumps(doc, separators=(",", ":")).encode("utf-8")


def _write_tiled(features: gpd.GeoDataFrame, root: Path) -> TiledData:
    """The tiled site's data files (see the module docstring) for ``features`` in plan order."""
    dataset = vectortiles.publish(features, root / TILED_DIR, TILED_DIR)
    _write(
        root / SEARCH_FILE,
        json.dumps(build_index(features).to_json(), ensure_ascii=False, separators=(",", ":")),
    )
    _write(root / PLACES_FILE, places_json(features))
    return TiledData(tiles=dataset, tiles_url=dataset.url, names_url=dataset.names_url)


def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _prefix(lang: Lang) -> str:
    """Path of a language's folder from the site root."""
    return "" if lang == "ja" else "en/"


def safe_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) link (a data value never becomes ``javascript:``)."""
    return url if url and url.startswith(("https://", "http://")) else None


def _reference_payload(catalog: Catalog, lang: Lang) -> dict[str, Any]:
    """The reference layers' outlines (the city boundary) and the hazard overlays (off until
    turned on) for ``ninohe-reference.js``."""
    from ninohe_geo.maps.hazards import hazard_layers
    from ninohe_geo.maps.reference import area_layers, reference_payload

    payload = reference_payload(*area_layers(catalog.reference, catalog.reference_layers()), lang)
    payload["layers"] += hazard_layers(lang)
    return payload


def _area_rank(features: gpd.GeoDataFrame, tiled: bool) -> dict[str, list[list[Any]]]:
    """Each district's projects, nearest first: all of them, or the nearest
    :data:`TILED_LIST_MAX` (placed ones only) on a tiled site."""
    out = {}
    for d in districts.DISTRICTS:
        ranked = districts.rank(features, d.lat, d.lon)
        if tiled:
            ranked = [r for r in ranked if r[1] is not None][:TILED_LIST_MAX]
        out[d.id] = [[fid, m] for fid, m in ranked]
    return out


@dataclass(frozen=True)
class _Ordered:
    """What every language's index page shares: the features in plan order and each district's
    ranking (computed once per build, not once per language)."""

    features: gpd.GeoDataFrame
    area_rank: dict[str, list[list[Any]]]


def _ordered(catalog: Catalog, tiled: bool) -> _Ordered:
    features = residents.subset(catalog.features, residents.plan_order(catalog))
    return _Ordered(features, _area_rank(features, tiled))


def site_data(
    catalog: Catalog,
    lang: Lang,
    tiled: TiledData | None = None,
    up: str = "",
    ordered: _Ordered | None = None,
) -> dict[str, Any]:
    """The JSON the index page's script reads: the map payload (or, on a tiled site, where its
    tiles and data files are: ``up`` leads from the page to the site root), search keys, area
    rankings, words."""
    ordered = ordered or _ordered(catalog, tiled is not None)
    features, area_rank = ordered.features, ordered.area_rank
    chosen = basemap(DEFAULT_BASEMAP)
    if tiled is None:
        drawing: dict[str, Any] = {
            "payload": features_payload(features, lang),
            "index": build_index(features).to_json(),
            "schematic": {
                str(fid): True
                for fid, acc in zip(features["id"], features["accuracy"], strict=True)
                if acc == "schematic"
            },
        }
    else:
        drawing = {
            "tiles": {
                "url": up + tiled.tiles_url,
                "names": up + tiled.names_url,
                "search": up + SEARCH_FILE,
                "places": up + PLACES_FILE,
                "count": len(features),
                "maxZoom": vectortiles.MAX_ZOOM,
                "listMax": TILED_LIST_MAX,
            },
            "tileOptions": {
                **style_options(catalog.plan),
                "lang": lang,
                "loadError": t("map_data_error", lang),
            },
        }
    return {
        "lang": lang,
        **drawing,
        "options": residents.map_options(catalog, lang),
        "legend": residents.legend_with_marks(catalog, lang),
        "basemap": {
            "url": chosen.url,
            "attribution": chosen.attribution,
            "maxZoom": chosen.max_zoom,
        },
        "bounds": data_bounds(catalog.features),
        # The city outline (N03, a reference layer), drawn under everything (issue #13).
        "reference": _reference_payload(catalog, lang),
        "areas": {
            d.id: {
                "note": t("res_area_note", lang, point=d.point(lang)),
                "point": d.point(lang),
                "at": [d.lat, d.lon],
                "rank": [[fid, m] for fid, m in area_rank[d.id]],
            }
            for d in districts.DISTRICTS
        },
        "cityBox": list(districts.CITY_BOX),
        # The evacuation-site finder (issue #13) runs in the browser over these GSI sites.
        "sites": finder_sites(catalog.reference, lang),
        "hazardLabels": {code: hazard_label(code, lang) for code in HAZARD_CODES},
        "strings": {
            key: t(key, lang)
            for key in (
                "res_near_me_locating",
                "res_near_me_active",
                "res_near_me_outside",
                "res_near_me_failed",
                "res_none",
                "res_list_plan",
                "res_list_near",
                "res_near_me_point",
                "res_tap_point",
                "res_tap_active",
                "res_tap_outside",
                "res_shelter_line",
                "res_shelter_from",
                "res_site_mark",
                "about_distance",
                "reference_title",
                "tiles_unavailable",
                "res_distance",
                "res_distance_at_least",
            )
        }
        | {
            "count": t("res_count", lang, shown="{shown}", total="{total}"),
            "listFirst": t("res_list_first", lang, listed="{listed}", shown="{shown}"),
        },
        "schematicDistance": districts.format_distance(None, lang),
    }


def _words(lang: Lang) -> dict[str, str]:
    """Every interface string the templates use, in ``lang``."""
    keys = [k for k in STRINGS if k.startswith("res_")] + ["loose_label", "legend_title"]
    return {k: t(k, lang) for k in keys}


def _write(path: Path, text: str | bytes) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    data = text.encode("utf-8") if isinstance(text, str) else text
    path.write_bytes(data)
    return len(data)


def _render_lang(
    env: jinja2.Environment,
    catalog: Catalog,
    lang: Lang,
    root: Path,
    built: str,
    meta: datasetmeta.DatasetFacts,
    tiled: TiledData | None = None,
    base: str = DEFAULT_BASE_URL,
    ordered: _Ordered | None = None,
) -> list[str]:
    """Write one language's pages into ``root``; returns their paths relative to the root."""
    prefix = _prefix(lang)
    up = "../" if prefix else ""
    cards = residents.project_cards(catalog, lang)
    listed = cards if tiled is None else _sample(cards)
    words = _words(lang)
    common = {
        "lang": lang,
        "w": words,
        "root": up,
        "built": built,
        "title": t("res_title", lang),
        "plan_title": catalog.plan.title(lang),
    }
    pages: list[str] = []
    index = env.get_template("index.html").render(
        **common,
        page="index.html",
        alternates=alternates(base, "index.html"),
        other_href="../index.html" if prefix else "en/index.html",
        cards=cards,
        groups=_groups(catalog, listed, lang, cards if tiled is not None else None),
        tiled=tiled is not None,
        areas=[("", t("res_area_all", lang))] + [(d.id, d.name(lang)) for d in districts.DISTRICTS],
        hazards=[(code, hazard_label(code, lang)) for code in FINDER_HAZARDS],
        data_json=Markup(script_json(site_data(catalog, lang, tiled, up, ordered))),  # noqa: S704 - escaped JSON
    )
    _write(root / prefix / "index.html", index)
    pages.append(f"{prefix}index.html")
    for card in cards:
        details = feature_details(catalog, card.id, lang)
        assert details is not None
        html = env.get_template("project.html").render(
            **{**common, "root": up + "../"},
            page=f"p/{card.id}.html",
            alternates=alternates(base, f"p/{card.id}.html"),
            other_href=(f"../../p/{card.id}.html" if prefix else f"../en/p/{card.id}.html"),
            card=card,
            indicators=details.indicators,
            source_url=safe_url(card.source_url),
            map_href=f"../index.html#f-{card.id}",
        )
        _write(root / prefix / "p" / f"{card.id}.html", html)
        pages.append(f"{prefix}p/{card.id}.html")
    jsonld = datasetmeta.jsonld_script(datasetmeta.dataset_jsonld(meta, lang))
    data_page = env.get_template("data.html").render(
        **common,
        page="data.html",
        alternates=alternates(base, "data.html"),
        other_href=("../data.html" if prefix else "en/data.html"),
        downloads=[(d.format, up + d.path, d.label(lang)) for d in meta.downloads if not d.source],
        sources=meta.sources + meta.reference_sources,
        count=len(catalog.features),
        reference=[
            (
                up + d.path,
                d.label(lang),
                t("res_data_reference_records", lang, count=d.records),
                d.source,
            )
            for d in meta.downloads
            if d.source
        ],
        basemaps=[(c.title(lang), c.url) for c in datasetmeta.BASEMAP_CREDITS],
        licence_url=datasetmeta.DATA_LICENCE.url,
        dataset_jsonld=Markup(jsonld),  # noqa: S704 - escaped JSON
    )
    _write(root / prefix / "data.html", data_page)
    pages.append(f"{prefix}data.html")
    return pages


def alternates(base: str, page: str) -> list[tuple[str, str]]:
    """``<link rel="alternate" hreflang>`` targets of a page (its path within a language's
    folder): absolute URLs under the site's base URL, as search engines expect, both languages
    and ``x-default`` (Japanese)."""
    ja, en = urljoin(base, page), urljoin(base, f"en/{page}")
    return [("ja", ja), ("en", en), ("x-default", ja)]


def _sample(cards: list[residents.ProjectCard]) -> list[residents.ProjectCard]:
    """The first :data:`TILED_LIST_SAMPLE` cards of each policy area, in plan order."""
    seen: dict[int, int] = {}
    out = []
    for card in cards:
        seen[card.pillar_index] = seen.get(card.pillar_index, 0) + 1
        if seen[card.pillar_index] <= TILED_LIST_SAMPLE:
            out.append(card)
    return out


def _groups(
    catalog: Catalog,
    cards: list[residents.ProjectCard],
    lang: Lang,
    every: list[residents.ProjectCard] | None = None,
) -> list[Any]:
    """Cards grouped under their pillar, in plan order: [(heading, colour mark, [cards],
    note)]; ``note`` says how many more the pillar has when ``cards`` are a sample of ``every``."""
    out = []
    for index, pillar in enumerate(catalog.plan.pillars):
        members = [c for c in cards if c.pillar_index == index]
        if members:
            heading = f"{pillar.short(lang)} {pillar.name(lang)} — {pillar.theme(lang)}"
            total = len(members) if every is None else sum(c.pillar_index == index for c in every)
            note = (
                t("res_list_more", lang, listed=len(members), total=total)
                if total > len(members)
                else ""
            )
            out.append((heading, residents.map_marks(catalog.plan)[index], members, note))
    return out


def sitemap(pages: list[str], base_url: str, lastmod: str) -> str:
    """sitemap.xml (sitemaps.org 0.9) of ``pages`` under ``base_url``."""
    from xml.sax.saxutils import escape

    base = base_url if base_url.endswith("/") else base_url + "/"
    urls = "".join(
        f"  <url><loc>{escape(urljoin(base, p))}</loc><lastmod>{lastmod}</lastmod></url>\n"
        for p in pages
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        f"{urls}</urlset>\n"
    )


def _check_target(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise PublishError(f"{out}: exists and is not a folder; choose another output folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).exists():
        raise PublishError(
            f"{out}: folder is not empty and was not made by 'ninohe-geo publish' "
            f"(no {MARKER} file); refusing to replace it — choose an empty or new folder"
        )


def build_site(
    catalog: Catalog, out: Path, base_url: str = DEFAULT_BASE_URL, today: dt.date | None = None
) -> SiteReport:
    """Build the static site into ``out`` (see the module docstring). Raises PublishError."""
    out = out.resolve()
    _check_target(out)
    if catalog.features.empty:
        raise PublishError(
            "no projects to publish: every layer is missing or broken "
            "(run 'ninohe-geo validate' on the data folder); nothing was written"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    built = (today or dt.date.today()).isoformat()
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=out.parent))
    try:
        env = _env()
        install_static(tmp / "static")
        site_dir = tmp / "static" / "site"
        site_dir.mkdir(parents=True, exist_ok=True)
        for name in ("site.js", "site.css", "favicon.svg"):
            shutil.copyfile(SITE_ASSETS / name, site_dir / name)
        for path, fmt in DOWNLOADS:
            _write(tmp / path, export_bytes(catalog.features, fmt))
        reference_files = _write_reference(catalog, tmp)
        ordered = _ordered(catalog, _tiled(catalog.features))
        tiled = _write_tiled(ordered.features, tmp) if _tiled(ordered.features) else None
        base = base_url if base_url.endswith("/") else base_url + "/"
        meta = datasetmeta.facts(catalog, tmp, DOWNLOADS, base, built, reference_files)
        pages: list[str] = []
        for lang in LANGS:
            pages += _render_lang(env, catalog, lang, tmp, built, meta, tiled, base, ordered)
        _write(tmp / DATAPACKAGE_FILE, datasetmeta.json_file(datasetmeta.datapackage(meta)))
        _write(tmp / DCAT_FILE, datasetmeta.json_file(datasetmeta.dcat_catalog(meta)))
        _write(tmp / "sitemap.xml", sitemap(pages, base_url, built))
        _write(tmp / "robots.txt", f"User-agent: *\nAllow: /\nSitemap: {base}sitemap.xml\n")
        _write(tmp / MARKER, f"built {built} by ninohe-geo publish\n")
        total = _publishable(tmp)
        _swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return SiteReport(out=out, pages=len(pages), projects=len(catalog.features), bytes=total)


def _write_reference(catalog: Catalog, root: Path) -> list[tuple[str, LayerInfo]]:
    """One GeoJSON per reference layer with records, under :data:`REFERENCE_DIR`."""
    written = []
    for layer in catalog.reference_layers():
        rows = catalog.reference_records([layer.id])
        if rows.empty:
            continue
        path = f"{REFERENCE_DIR}/{layer.id}.geojson"
        _write(root / path, export_bytes(rows, "geojson"))
        written.append((path, layer))
    return written


def _publishable(root: Path) -> int:
    """Make every file world-readable (a web server often runs as another user: the temporary
    files of ``install_static`` are 0600) and return the site's total size in bytes."""
    total = 0
    for path in root.rglob("*"):
        if path.is_dir():
            path.chmod(0o755)
        else:
            path.chmod(0o644)
            total += path.stat().st_size
    return total


def _swap(new: Path, out: Path) -> None:
    """Put ``new`` at ``out``: old site aside, new one in, old one removed."""
    os.chmod(new, 0o755)  # noqa: S103 - a public web site: world-readable on purpose
    old: Path | None = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        os.replace(out, old)
    os.replace(new, out)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
