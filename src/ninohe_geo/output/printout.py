"""Print the current view: A4/A3, portrait/landscape, PDF/PNG, rendered by headless Chromium.

The printout is an HTML page built here — title, date, the map (the same folium map as the app,
with numbered labels), a north arrow, Leaflet's scale bar, a legend of what is shown, the
attributions, and a numbered list of the projects with their pillar and measure — and rendered
by the system Chromium through Playwright (``page.pdf`` / ``page.screenshot``). A real browser
is the only renderer that draws the Leaflet map exactly as the app does, and it renders
Japanese with the Noto CJK fonts.

The page and its assets live in a temporary folder (:func:`ninohe_geo.maps.assets.install_static`)
and are answered by Playwright itself under :data:`PRINT_ORIGIN` (a name that never resolves;
no socket is opened): nothing from a CDN. A large catalogue is drawn from the same PMTiles
vector tiles as the app (:mod:`ninohe_geo.maps.vectortiles`, kept in the cache folder), read
with HTTP range requests answered from the file; an offline base-map pack is answered from its
folder the same way. Base-map tiles are the one thing fetched from outside: the renderer waits
for them up to a time limit, and if none loaded, the printout says so and still shows every
project on a plain background.

Every string from data goes through :func:`ninohe_geo.escape.html_text` (page) or
:func:`~ninohe_geo.escape.script_json` (map).
"""

from __future__ import annotations

import html
import math
import mimetypes
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, Literal, cast
from urllib.parse import unquote, urlparse
from zoneinfo import ZoneInfo

import geopandas as gpd
from branca.element import Element, Figure, MacroElement
from jinja2 import Template
from shapely.geometry import box

from ninohe_geo.errors import NinoheGeoError
from ninohe_geo.escape import html_text, script_json
from ninohe_geo.i18n import t
from ninohe_geo.maps import mapview, overlays, vectortiles
from ninohe_geo.maps.assets import install_static
from ninohe_geo.maps.tilepacks import STATIC_URL as TILES_STATIC_URL
from ninohe_geo.maps.tilepacks import tiles_root
from ninohe_geo.maps.tilesources import available_basemaps, basemap
from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.plan import Lang
from ninohe_geo.model.schema import STATUSES
from ninohe_geo.model.tours import TourSet
from ninohe_geo.paths import cache_dir
from ninohe_geo.query import filters
from ninohe_geo.query import view as share

Paper = Literal["A4", "A3"]
Orientation = Literal["landscape", "portrait"]
Format = Literal["pdf", "png"]

#: Paper sizes (width, height) in millimetres, portrait.
PAPER_MM: dict[str, tuple[int, int]] = {"A4": (210, 297), "A3": (297, 420)}
#: CSS pixels per millimetre (96 dpi).
PX_PER_MM = 96 / 25.4
MARGIN_MM = 8
#: Height kept for the heading (title, date, filters, link, notice) above the map.
HEAD_MM = 30
SHOW_TILES_NOTICE = "() => { document.getElementById('tiles-missing').hidden = false; }"
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
)


class _Literal(Element):
    """HTML put into the page as it is.

    ``branca.element.Element(text)`` compiles ``text`` as a Jinja template, so a project named
    ``{{ … }}`` or ``{% raw %}`` would be *evaluated* (tested with the hostile fixture). Here the
    text is a template *value*: Jinja prints it without reading it. It is already escaped.
    """

    _template = Template("{{ this.content }}")

    def __init__(self, content: str) -> None:
        super().__init__()
        self.content = content


class _Numbers(MacroElement):
    """``ninoheMeeting.numberLabels(group, {items, selected})``: the numbered markers.

    :func:`ninohe_geo.maps.overlays.add_number_labels` passes the pairs only; print also names
    the selected project, whose marker is drawn black (``static/ninohe-meeting.js``).
    """

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "ninoheMeeting.numberLabels({{ this._parent.get_name() }}, {{ this.payload }});"
        "{% endmacro %}"
    )

    def __init__(self, items: list[PrintItem], selected: str | None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "NinoheNumbers"
        self.payload = script_json(
            {"items": [[i.id, i.number] for i in items], "selected": selected}
        )


class PrintError(NinoheGeoError):
    """The printout could not be made (no Chromium, a bad option, rendering failed)."""


@dataclass(frozen=True)
class PrintOptions:
    """How to print."""

    paper: Paper = "A4"
    orientation: Orientation = "landscape"
    format: Format = "pdf"
    tile_timeout_s: float = 12.0
    """How long to wait for base-map tiles before printing without them."""
    today: date | None = None
    """The date printed on the page (default: today in Japan)."""

    def __post_init__(self) -> None:
        if self.paper not in PAPER_MM:
            raise PrintError(f"paper must be one of {', '.join(PAPER_MM)}, not {self.paper!r}")
        if self.orientation not in ("landscape", "portrait"):
            raise PrintError(f"orientation must be landscape or portrait, not {self.orientation!r}")
        if self.format not in ("pdf", "png"):
            raise PrintError(f"format must be pdf or png, not {self.format!r}")

    @property
    def size_mm(self) -> tuple[int, int]:
        """(width, height) of the page in millimetres."""
        w, h = PAPER_MM[self.paper]
        return (h, w) if self.orientation == "landscape" else (w, h)


@dataclass(frozen=True)
class PrintItem:
    """One numbered row of the list; the same number labels the feature on the map."""

    number: int
    id: str
    name: str
    pillar: str
    measure: str
    status: str
    loose: bool


@dataclass(frozen=True)
class PrintResult:
    """A rendered printout."""

    data: bytes
    items: tuple[PrintItem, ...]
    tiles_loaded: int
    """Tiles that loaded (0: printed without a base map)."""
    html: str = field(repr=False, default="")


#: What to say when the ``print`` extra (Playwright) is not installed.
MISSING_PRINT_EXTRA = (
    "printing needs the 'print' extra (Playwright): pip install 'ninohe-geo[print]' "
    "(印刷には追加機能 print が必要です)"
)


def chromium_path() -> str:
    """The Chromium to render with: ``$CHROMIUM``, ``chromium`` on PATH, or /usr/bin/chromium."""
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise PrintError(
            "Chromium is needed to print: apt-get install chromium fonts-noto-cjk, or set "
            "$CHROMIUM to a Chromium, Chrome or Edge program (e.g. msedge.exe on Windows)"
        )
    return path


def map_size_mm(options: PrintOptions) -> tuple[float, float]:
    """(width, height) of the printed map in millimetres, as laid out by :func:`_css`."""
    w, h = options.size_mm
    inner_w, inner_h = w - 2 * MARGIN_MM, h - 2 * MARGIN_MM
    if options.orientation == "landscape":
        return round(inner_w * 0.58), inner_h - HEAD_MM
    return inner_w, round((inner_h - HEAD_MM) * 0.55)


def view_bounds(
    center: tuple[float, float], zoom: float, width_px: float, height_px: float
) -> tuple[float, float, float, float]:
    """(west, south, east, north) a Leaflet map of this size shows at ``center`` and ``zoom``.

    Web Mercator with 256-pixel tiles, as Leaflet computes it; used to list only the projects
    that a printed view at a given centre and zoom actually shows.
    """
    lat, lon = center
    scale = 256 * 2**zoom
    cx = (lon + 180) / 360 * scale
    cy = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * scale

    def to_lonlat(x: float, y: float) -> tuple[float, float]:
        lon_ = x / scale * 360 - 180
        lat_ = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / scale))))
        return lon_, lat_

    west, north = to_lonlat(cx - width_px / 2, cy - height_px / 2)
    east, south = to_lonlat(cx + width_px / 2, cy + height_px / 2)
    return west, south, east, north


def print_items(features: gpd.GeoDataFrame, catalog: Catalog, lang: Lang) -> list[PrintItem]:
    """Numbered rows in plan order (pillar, measure), then by name within a measure."""
    plan = catalog.plan
    order = {m.id: i for i, m in enumerate(plan.measures)}
    statuses = {s.code: s.label(lang) for s in STATUSES}
    name_col = "name_ja" if lang == "ja" else "name_en"
    rows = sorted(
        features.itertuples(index=False),
        key=lambda r: (order.get(r.measure, 10_000), getattr(r, name_col), r.id),
    )
    items = []
    for number, r in enumerate(rows, start=1):
        measure = plan.measure(r.measure)
        pillar = plan.pillar_of(r.measure)
        items.append(
            PrintItem(
                number=number,
                id=r.id,
                name=getattr(r, name_col),
                pillar=pillar.short(lang),
                measure=("★ " if measure.featured else "") + measure.name(lang),
                status=statuses.get(r.status, r.status),
                loose=bool(r.loose),
            )
        )
    return items


def _plain(attribution_html: str) -> str:
    """Our own attribution HTML (basemaps.py) as text for the printed footer."""
    return html.unescape(re.sub(r"<[^>]+>", "", attribution_html)).strip()


def _filter_text(view: share.View, catalog: Catalog, lang: Lang) -> str:
    flt = view.filter
    if flt.is_empty:
        return t("print_no_filter", lang)
    parts = filters.describe(flt, catalog, lang)
    if flt.featured_only:
        parts.append("★")
    if flt.text.strip():
        parts.append(f"「{flt.text.strip()}」")
    return "、".join(parts) if lang == "ja" else ", ".join(parts)


def _css(options: PrintOptions) -> str:
    w, h = options.size_mm
    inner_w, inner_h = w - 2 * MARGIN_MM, h - 2 * MARGIN_MM
    map_w, map_h = map_size_mm(options)
    if options.orientation == "landscape":
        layout = (
            f"grid-template-columns: {map_w}mm 1fr; grid-template-areas: 'head head' 'map side';"
        )
    else:
        layout = "grid-template-columns: 1fr; grid-template-areas: 'head' 'map' 'side';"
    return f"""
@page {{ size: {w}mm {h}mm; margin: {MARGIN_MM}mm; }}
html, body {{ width: auto !important; height: auto !important; margin: 0; padding: 0; }}
@media screen {{ body {{ padding: {MARGIN_MM}mm !important; min-height: {inner_h}mm; }} }}
body {{ display: grid; {layout} gap: 3mm 5mm; width: {inner_w}mm; color: #000;
  font: 9pt/1.35 "Noto Sans CJK JP", "Noto Sans JP", sans-serif;
  -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
.print-head {{ grid-area: head; border-bottom: 0.6mm solid #000; padding-bottom: 1.5mm; }}
.print-head h1 {{ font-size: 15pt; margin: 0; }}
.print-head p {{ margin: 0.5mm 0 0 0; }}
.folium-map {{ grid-area: map; position: relative !important; width: {map_w}mm !important;
  height: {map_h}mm !important; left: 0 !important; top: 0 !important;
  border: 0.3mm solid #000; }}
.print-side {{ grid-area: side; }}
.print-side h2 {{ font-size: 10.5pt; margin: 0 0 1mm 0; }}
.print-legend {{ margin-bottom: 2mm; font-size: 8.5pt; line-height: 1.25; }}
.print-legend div {{ display: flex; align-items: center; gap: 2mm; }}
.print-swatch {{ display: inline-block; width: 3.5mm; height: 3.5mm; border-radius: 50%;
  border: 0.3mm solid #333; flex: none; }}
.print-dash {{ display: inline-block; width: 6mm; border-top: 0.6mm dashed #333; flex: none; }}
table.print-list {{ border-collapse: collapse; width: 100%; font-size: 7pt;
  line-height: 1.18; }}
.print-list th, .print-list td {{ border-bottom: 0.2mm solid #999; padding: 0.15mm 0.8mm;
  text-align: left; vertical-align: top; }}
.print-list td.no {{ font-weight: 700; text-align: right; width: 6mm; }}
.print-foot {{ font-size: 7pt; color: #222; margin-top: 2mm; }}
.print-notice {{ border: 0.4mm solid #a67c00; background: #fff4d6; padding: 1mm 2mm;
  margin: 1mm 0; }}
.ninohe-legend, .ninohe-notice {{ display: none; }}
.print-list td.pm, .print-list td.st {{ white-space: nowrap; }}
.print-list tr.print-selected td {{ background: #000; color: #fff; font-weight: 700; }}
.print-selected-no {{ display: inline-block; min-width: 4.5mm; padding: 0 0.8mm;
  border-radius: 2.5mm; background: #000; color: #fff; font-weight: 700; text-align: center; }}
.leaflet-control-scale-line {{ font-size: 9pt; border-width: 0.5mm; border-color: #000;
  color: #000; background: rgba(255, 255, 255, 0.85); }}
.leaflet-control-attribution {{ font-size: 7pt; }}
.ninohe-north {{ background: rgba(255, 255, 255, 0.9); border: 0.3mm solid #000;
  padding: 1mm 1.5mm; text-align: center; font: 700 9pt sans-serif; }}
.ninohe-north svg {{ display: block; margin: 0 auto; }}
"""


def _side_html(
    items: list[PrintItem],
    features: gpd.GeoDataFrame,
    catalog: Catalog,
    view: share.View,
    lang: Lang,
) -> str:
    plan = catalog.plan
    shown_pillars = set(features["pillar"]) if not features.empty else set()
    legend = [f"<h2>{html_text(t('legend_title', lang))}</h2>"]
    for p in plan.pillars:
        if p.id in shown_pillars:
            legend.append(
                f'<div><span class="print-swatch" style="background:{html_text(p.color)}">'
                f"</span>{html_text(p.short(lang))} {html_text(p.name(lang))}</div>"
            )
    if any(i.loose for i in items):
        legend.append(
            f'<div><span class="print-dash"></span>{html_text(t("print_loose_note", lang))}</div>'
        )
    selected_row = ' class="print-selected"'
    rows = "".join(
        f'<tr data-feature-id="{html_text(i.id)}"{selected_row if i.id == view.feature else ""}>'
        f'<td class="no">{i.number}</td>'
        f"<td>{html_text(i.name)}{' *' if i.loose else ''}</td>"
        f'<td class="pm">{html_text(i.pillar)}・{html_text(i.measure)}</td>'
        f'<td class="st">{html_text(i.status)}</td></tr>'
        for i in items
    )
    if items:
        table = (
            f'<table class="print-list"><thead><tr><th>{html_text(t("print_col_no", lang))}</th>'
            f"<th>{html_text(t('print_col_name', lang))}</th>"
            f"<th>{html_text(t('print_col_pillar', lang))} / "
            f"{html_text(t('print_col_measure', lang))}</th>"
            f"<th>{html_text(t('print_col_status', lang))}</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )
    else:
        table = f"<p>{html_text(t('print_none', lang))}</p>"
    chosen = basemap(view.basemap)
    foot = (
        f"{html_text(t('print_attribution', lang))}: {html_text(_plain(chosen.attribution))} "
        f"（{html_text(chosen.name(lang))}）. {html_text(t('print_plan_source', lang))}"
    )
    return (
        f'<section class="print-side"><div class="print-legend">{"".join(legend)}</div>'
        f"<h2>{html_text(t('print_list', lang))}（{len(items)}）</h2>{table}"
        f'<p class="print-foot">{foot}</p></section>'
    )


#: The printout's own origin: every request to it is answered from files by the renderer.
PRINT_ORIGIN = "http://ninohe-print.invalid"
#: Paths under :data:`PRINT_ORIGIN`: the page's assets, the plan's vector tiles, offline packs.
ASSETS_PATH = "/static/"
PLAN_TILES_PATH = "/plan/"
PACKS_PATH = "/packs/"


def print_tiles_dir() -> Path:
    """Where printouts keep a large catalogue's vector tiles (one archive per catalogue)."""
    return cache_dir() / "print"


def print_html(
    catalog: Catalog,
    view: share.View,
    options: PrintOptions,
    static_url: str,
    tours: TourSet | None = None,
    link: str | None = None,
    dataset: vectortiles.TileDataset | None = None,
) -> tuple[str, list[PrintItem]]:
    """The printout as one HTML document, and its numbered items (``dataset``: the
    catalogue's vector tiles, for a large catalogue; see :func:`make_print`)."""
    lang = view.lang
    features, stop_bounds, _stop_zoom = share.shown_features(catalog, view, tours)
    # The count the app shows for this filter ("表示中 23 / 61 件"): printed as it is, whatever
    # part of it the printed frame holds (issue #12: the printout said fewer than the screen).
    shown = len(features)
    if view.center is not None and view.zoom is not None:
        # List only what the printed map shows at this centre and zoom.
        map_w, map_h = map_size_mm(options)
        frame = box(*view_bounds(view.center, view.zoom, map_w * PX_PER_MM, map_h * PX_PER_MM))
        features = features[features.geometry.intersects(frame)]
    items = print_items(features, catalog, lang)
    everything = mapview.data_bounds(catalog.features)
    printed_legend = {**mapview.legend_options(catalog.plan, lang), "collapsible": False}  # paper
    if view.center is not None and view.zoom is not None:
        m = mapview.base_map(
            catalog.plan,
            lang,
            basemap_id=view.basemap,
            center=view.center,
            zoom=view.zoom,
            static_url=static_url,
            legend=printed_legend,
        )
    else:
        frame = stop_bounds or mapview.data_bounds(features) or everything
        m = mapview.base_map(
            catalog.plan,
            lang,
            basemap_id=view.basemap,
            static_url=static_url,
            bounds=frame,
            legend=printed_legend,
        )
    m.options["zoomControl"] = False
    m.options["zoomSnap"] = 0.25
    mapview.add_reference(m, catalog, lang, outlines_only=True)  # the city outline (N03)
    group = mapview.feature_group(
        features, catalog.plan, lang, selected=view.feature, dataset=dataset
    )
    group.add_child(_Numbers(items, view.feature))
    group.add_to(m)
    overlays.add_tile_status(m)
    overlays.add_north_arrow(m, "N" if lang == "en" else "北")
    today = options.today or datetime.now(ZoneInfo("Asia/Tokyo")).date()
    when = today.isoformat()
    filters_line = _filter_text(view, catalog, lang)
    in_frame = t("print_in_frame", lang, n=len(items)) if len(items) != shown else ""
    chosen = next((i for i in items if i.id == view.feature), None)
    selected_line = (
        f'<p class="print-selected-line">{html_text(t("print_selected", lang))}: '
        f'<span class="print-selected-no">{chosen.number}</span> {html_text(chosen.name)}</p>'
        if chosen is not None
        else ""
    )
    link_line = f"<p>{html_text(t('print_view_link', lang))}: {html_text(link)}</p>" if link else ""
    head = (
        f'<header class="print-head"><h1>{html_text(t("print_title", lang))}</h1>'
        f"<p>{html_text(t('print_date', lang))}: {html_text(when)}　"
        f"{html_text(t('print_filters', lang))}: {html_text(filters_line)}　"
        f'<span id="print-count">'
        f"{html_text(t('count', lang, shown=shown, total=len(catalog.features)))}</span>"
        f"{html_text(in_frame)}</p>"
        f"{selected_line}{link_line}"
        f'<p id="tiles-missing" class="print-notice" hidden>'
        f"{html_text(t('print_tiles_missing', lang))}</p></header>"
    )
    root = cast(Figure, m.get_root())
    root.header.add_child(_Literal(f"<style>{_css(options)}</style>"), name="print_css")
    root.header.add_child(
        _Literal(f'<meta name="ninohe-print" content="{len(items)}">'), name="print_meta"
    )
    root.html.add_child(_Literal(head), name="print_head", index=0)
    root.html.add_child(_Literal(_side_html(items, features, catalog, view, lang)), name="side")
    doc = root.render()
    # An offline pack is served by Streamlit at /app/static/tiles/; here by the renderer.
    doc = doc.replace(f'"{TILES_STATIC_URL}/', f'"{PRINT_ORIGIN}{PACKS_PATH}')
    doc = doc.replace("<html>", f'<html lang="{lang}">', 1)
    return doc, items


def render(
    doc: str,
    options: PrintOptions,
    workdir: Path,
    chromium: str | None = None,
) -> tuple[bytes, int]:
    """Render ``doc`` (written into ``workdir``) to PDF or PNG bytes; returns (bytes, tiles).

    Runs in a worker thread of its own: Playwright's sync API refuses a thread that already
    runs an asyncio loop (a Streamlit server thread, or a test session that drives a browser).
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="ninohe-print") as pool:
        return pool.submit(_render_here, doc, options, workdir, chromium).result()


def _render_here(
    doc: str, options: PrintOptions, workdir: Path, chromium: str | None
) -> tuple[bytes, int]:
    """:func:`render` in the calling thread."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout
        from playwright.sync_api import ViewportSize, sync_playwright
    except ImportError as exc:
        raise PrintError(MISSING_PRINT_EXTRA) from exc

    page_file = workdir / "print.html"
    page_file.write_text(doc, encoding="utf-8")
    roots = {
        ASSETS_PATH: workdir / "static",
        PLAN_TILES_PATH: print_tiles_dir(),
        PACKS_PATH: tiles_root(),
        "/print.html": page_file,
    }
    w, h = options.size_mm
    # The PNG is the whole sheet (margins included, drawn as padding on screen); the PDF's
    # margins come from @page.
    viewport: ViewportSize = {"width": round(w * PX_PER_MM), "height": round(h * PX_PER_MM)}
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium or chromium_path(), args=list(CHROMIUM_ARGS)
            )
            try:
                page = browser.new_page(viewport=viewport, device_scale_factor=2)
                page.route("**/*", lambda route: answer(route, roots))
                page.goto(f"{PRINT_ORIGIN}/print.html", wait_until="load")
                page.wait_for_function("() => window.ninoheTiles !== undefined")
                try:
                    page.wait_for_function(
                        "() => window.ninoheTiles.done",
                        timeout=options.tile_timeout_s * 1000,
                    )
                except PlaywrightTimeout:
                    pass  # print with what has arrived; the notice below says if it is nothing
                if page.locator(".ninohe-tiles").count():  # vector tiles: every tile painted
                    _wait_for_plan_tiles(page, PlaywrightTimeout)
                loaded = int(page.evaluate("() => window.ninoheTiles.loaded"))
                if loaded == 0:
                    page.evaluate(
                        "() => { document.getElementById('tiles-missing').hidden = false }"
                    )
                page.evaluate("() => document.fonts.ready.then(() => true)")
                if options.format == "pdf":
                    page.emulate_media(media="print")
                    data = page.pdf(prefer_css_page_size=True, print_background=True)
                else:
                    data = page.screenshot(full_page=True, type="png")
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise PrintError(f"Chromium could not render the printout: {exc}") from exc
    return data, loaded


def _wait_for_plan_tiles(page: Any, timeout_error: type[Exception]) -> None:
    """Wait until the plan's vector tiles are painted; PrintError when they cannot be read
    (never a printout that silently lacks the projects)."""
    tiles = ".ninohe-tiles"
    try:
        page.wait_for_selector(
            f"{tiles}[data-painted], {tiles}[data-error]", state="attached", timeout=120_000
        )
        error = page.locator(tiles).get_attribute("data-error")
    except timeout_error:
        error = "timed out"
    if error is not None:
        raise PrintError(f"the map's projects could not be drawn from their vector tiles: {error}")


def _local(path: str, roots: dict[str, Path]) -> Path | None:
    """The file a path under :data:`PRINT_ORIGIN` names, never outside its root."""
    for prefix, root in roots.items():
        if path == prefix and root.is_file():
            return root
        if prefix.endswith("/") and path.startswith(prefix):
            base = root.resolve()
            target = (base / unquote(path[len(prefix) :])).resolve()
            if target.is_relative_to(base) and target.is_file():
                return target
    return None


def answer(route: Any, roots: dict[str, Path]) -> None:
    """Answer a request of the printout: its own origin from files (byte ranges too, for the
    PMTiles archive), base-map tiles from outside as asked, anything else refused."""
    url = urlparse(route.request.url)
    if f"{url.scheme}://{url.netloc}" != PRINT_ORIGIN:
        if url.scheme in ("http", "https"):
            route.continue_()  # base-map tiles
        else:
            route.abort()
        return
    target = _local(url.path, roots)
    if target is None:
        route.fulfill(status=404, body=b"")
        return
    size = target.stat().st_size
    kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    wanted = re.fullmatch(r"bytes=(\d+)-(\d*)", route.request.headers.get("range", ""))
    if wanted is None:
        route.fulfill(status=200, body=target.read_bytes(), content_type=kind)
        return
    start = int(wanted.group(1))
    end = min(int(wanted.group(2) or size - 1), size - 1)
    if start >= size:
        route.fulfill(status=416, headers={"Content-Range": f"bytes */{size}"}, body=b"")
        return
    with target.open("rb") as f:
        f.seek(start)
        body = f.read(end - start + 1)
    headers = {"Content-Range": f"bytes {start}-{end}/{size}", "Accept-Ranges": "bytes"}
    route.fulfill(status=206, headers=headers, body=body, content_type=kind)


def make_print(
    catalog: Catalog,
    view: share.View,
    options: PrintOptions,
    tours: TourSet | None = None,
    link: str | None = None,
    chromium: str | None = None,
) -> PrintResult:
    """Build and render a printout of ``view`` (assets copied into a temporary folder)."""
    with tempfile.TemporaryDirectory(prefix="ninohe-print-") as tmp:
        workdir = Path(tmp)
        install_static(workdir / "static")
        static_url = f"{PRINT_ORIGIN}{ASSETS_PATH.rstrip('/')}"
        dataset = None
        if len(catalog.features) > mapview.CANVAS_THRESHOLD:  # as the app draws it
            dataset = vectortiles.publish(
                catalog.features, print_tiles_dir(), f"{PRINT_ORIGIN}{PLAN_TILES_PATH.rstrip('/')}"
            )
        doc, items = print_html(catalog, view, options, static_url, tours, link, dataset)
        data, loaded = render(doc, options, workdir, chromium)
    return PrintResult(data, tuple(items), loaded, doc)


def known_values(catalog: Catalog, tours: TourSet | None = None) -> dict[str, frozenset[str]]:
    """What each URL parameter may be, for :func:`ninohe_geo.query.view.from_query`."""
    known = {
        **filters.known_values(catalog),
        "basemap": frozenset(b.id for b in available_basemaps()),
        "feature": frozenset(str(i) for i in catalog.features["id"]),
    }
    if tours is not None:
        known["tour"] = frozenset(tour.id for tour in tours.tours)
    return known
