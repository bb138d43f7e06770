"""Printing: the numbered list, escaping, options, and real renders by headless Chromium.

The renders use an offline tile pack written under ``tmp_path`` (answered by the renderer from
its folder), so they do not depend on the internet either way: one pack holds the tiles in view
(the map gets its base map), one does not (the printout must say that it printed without one).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
import zlib
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from ninohe_geo import atomic
from ninohe_geo.cli import main
from ninohe_geo.maps import mapview, vectortiles
from ninohe_geo.maps import tilepacks as tiles
from ninohe_geo.maps.basemaps import GSI_ATTRIBUTION
from ninohe_geo.model.boundary import CITY_BBOX
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.output import printout as printing
from ninohe_geo.query import view as share
from ninohe_geo.query.filters import FeatureFilter

MakeDataDir = Callable[..., Path]
CITY_HALL = (40.27125, 141.30478)


def _png(size: int = 256) -> bytes:
    """A plain light-green tile PNG (so a rendered base map is visible when looked at)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    row = b"\x00" + bytes([214, 234, 200]) * size
    header = size.to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size))
        + chunk(b"IEND", b"")
    )


TINY_PNG = _png()


def _chromium() -> str:
    try:
        return printing.chromium_path()
    except printing.PrintError as exc:
        if os.environ.get("CI") == "true":
            pytest.fail(str(exc))
        pytest.skip(str(exc))


def _pdftotext(pdf: Path) -> str:
    if shutil.which("pdftotext") is None:
        message = "pdftotext (poppler-utils) is needed to read the PDF"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def _pack(root: Path, zoom: int, bbox: tuple[float, float, float, float] | None) -> None:
    """An offline pack 'gsi-std' at ``zoom``: tiles over ``bbox`` (None: one far-away tile)."""
    folder = root / "gsi-std"
    cells = tiles.iter_tiles(bbox, (zoom,)) if bbox else iter([(zoom, 0, 0)])
    count = 0
    for z, x, y in cells:
        path = folder / str(z) / str(x) / f"{y}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(TINY_PNG)
        count += 1
    meta = {
        "format": "png",
        "attribution": GSI_ATTRIBUTION,
        "minzoom": zoom,
        "maxzoom": zoom,
        "tiles_present": count,
    }
    (folder / tiles.METADATA).write_text(json.dumps(meta), encoding="utf-8")


def test_items_are_numbered_in_plan_order(good_catalog: printing.Catalog) -> None:
    items = printing.print_items(good_catalog.features, good_catalog, "ja")
    assert [i.number for i in items] == list(range(1, len(items) + 1))
    order = [m.id for m in good_catalog.plan.measures]
    measures = [good_catalog.features.loc[i.id, "measure"] for i in items]
    assert measures == sorted(measures, key=order.index)
    urushi = next(i for i in items if i.id == "urushi-area")
    assert urushi.pillar == "政策1" and urushi.measure == "★ うるし" and urushi.loose


def test_view_bounds_match_web_mercator() -> None:
    west, south, east, north = printing.view_bounds((0.0, 0.0), 0, 256, 256)
    assert (west, east) == (-180.0, 180.0)
    assert north == pytest.approx(85.0511, abs=1e-4) and south == pytest.approx(-85.0511, abs=1e-4)
    # Doubling the zoom halves the span; the centre stays in the middle.
    w1, s1, e1, n1 = printing.view_bounds(CITY_HALL, 14, 600, 400)
    w2, s2, e2, n2 = printing.view_bounds(CITY_HALL, 15, 600, 400)
    assert (e1 - w1) == pytest.approx(2 * (e2 - w2))
    assert (n1 - s1) == pytest.approx(2 * (n2 - s2), rel=1e-3)
    assert (w1 + e1) / 2 == pytest.approx(CITY_HALL[1])
    assert s1 < CITY_HALL[0] < n1


def test_options_reject_bad_values() -> None:
    assert printing.PrintOptions("A3", "portrait", "png").size_mm == (297, 420)
    assert printing.PrintOptions().size_mm == (297, 210)
    for bad in ({"paper": "B5"}, {"orientation": "sideways"}, {"format": "svg"}):
        with pytest.raises(printing.PrintError):
            printing.PrintOptions(**bad)  # type: ignore[arg-type]


def test_print_html_escapes_hostile_names(make_data_dir: MakeDataDir) -> None:
    catalog = load_catalog(make_data_dir("hostile"))
    doc, items = printing.print_html(
        catalog, share.View(), printing.PrintOptions(), "file:///static", link="http://x/?q=<b>"
    )
    assert items
    assert "<img src=x onerror" not in doc and "</script><script>alert" not in doc
    assert "&lt;img src=x onerror=alert(1)&gt;" in doc
    assert "?q=&lt;b&gt;" in doc


def test_print_html_follows_the_view(good_catalog: printing.Catalog) -> None:
    view = share.View(filter=FeatureFilter.of(pillar=frozenset({"P3"})), lang="en")
    doc, items = printing.print_html(
        good_catalog, view, printing.PrintOptions(today=date(2025, 3, 31)), "file:///s"
    )
    assert {good_catalog.features.loc[i.id, "pillar"] for i in items} == {"P3"}
    assert "Date: 2025-03-31" in doc and "Filters: Policy 3" in doc
    assert f'<meta name="ninohe-print" content="{len(items)}">' in doc


def test_a4_landscape_pdf_holds_title_legend_scale_and_list(
    make_data_dir: MakeDataDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chromium = _chromium()
    _pack(tmp_path / "tiles", 14, CITY_BBOX)
    monkeypatch.setenv(tiles.TILES_ENV, str(tmp_path / "tiles"))
    catalog = load_catalog(make_data_dir("good"))
    view = share.View(basemap="offline-gsi-std", center=CITY_HALL, zoom=14)
    options = printing.PrintOptions("A4", "landscape", "pdf", today=date(2026, 11, 27))
    result = printing.make_print(catalog, view, options, chromium=chromium)
    assert result.tiles_loaded > 0
    pdf = tmp_path / "out.pdf"
    atomic.write_atomic(pdf, result.data)
    from pypdf import PdfReader

    page = PdfReader(pdf).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points
    text = _pdftotext(pdf)
    squashed = "".join(text.split())
    assert "二戸市総合計画後期基本計画（令和3〜7年度）の取り組み" in squashed
    assert "作成日:2026-11-27" in squashed
    assert "凡例" in text and "政策3" in text
    assert re.search(r"\b\d+ k?m\n", text)  # Leaflet's scale bar (metric line)
    assert "北" in text  # the north arrow's label
    # Only what the map shows at this centre and zoom is listed: the castle and the station
    # are near city hall, the urushi forests of Jōbōji (about 15 km away) are not.
    listed = {i.id for i in result.items}
    assert {"castle", "station"} <= listed and "urushi-area" not in listed
    assert f"地図上の取り組み（{len(result.items)}）" in squashed
    for item in result.items:
        assert f"{item.number}{item.name}" in squashed
    assert "地理院タイル" in text
    assert "背景地図を取得できなかった" not in squashed


def test_without_tiles_the_print_says_so_and_still_lists_everything(
    make_data_dir: MakeDataDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chromium = _chromium()
    _pack(tmp_path / "tiles", 14, None)  # the pack has no tile in view
    monkeypatch.setenv(tiles.TILES_ENV, str(tmp_path / "tiles"))
    catalog = load_catalog(make_data_dir("good"))
    view = share.View(basemap="offline-gsi-std", lang="en")  # framed on the data
    options = printing.PrintOptions("A3", "portrait", "png", tile_timeout_s=5)
    result = printing.make_print(catalog, view, options, chromium=chromium)
    assert result.tiles_loaded == 0
    assert result.data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", result.data[16:24])
    # A3 portrait at 96 dpi, device scale 2 (the PNG may run longer than one sheet).
    assert width == 2 * round(297 * printing.PX_PER_MM)
    assert height >= 2 * round(420 * printing.PX_PER_MM) - 2
    assert len(result.items) == len(catalog.features)
    assert "The base map could not be loaded" in result.html


def test_cli_print_writes_the_file(
    make_data_dir: MakeDataDir,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _chromium()
    _pack(tmp_path / "tiles", 14, None)
    monkeypatch.setenv(tiles.TILES_ENV, str(tmp_path / "tiles"))
    out = tmp_path / "sub" / "view.pdf"
    code = main(
        [
            "print",
            "--paper",
            "A4",
            "--orientation",
            "portrait",
            "--out",
            str(out),
            "--data",
            str(make_data_dir("good")),
            "--view",
            "http://127.0.0.1:8501/?measure=P3-01&basemap=offline-gsi-std&center=40.27,141.3&zoom=14",
            "--tile-timeout",
            "5",
        ]
    )
    assert code == 0
    assert out.read_bytes()[:5] == b"%PDF-"
    said = capsys.readouterr().out
    assert "1 project(s)" in said and "printed without them" in said
    assert "九戸城跡" in _pdftotext(out)


def test_the_printed_count_is_the_screens_when_the_frame_holds_fewer(
    good_catalog: printing.Catalog,
) -> None:
    """Issue #12: the app's count line ("表示中 n / m 件") is for the filter; a printout of a
    zoomed-in view said only what its frame held. Now it prints the screen's line, and says how
    many of those the printed map holds."""
    view = share.View(center=CITY_HALL, zoom=14)  # the urushi forests are off the frame
    doc, items = printing.print_html(good_catalog, view, printing.PrintOptions(), "file:///s")
    total = len(good_catalog.features)
    assert 0 < len(items) < total
    assert f'<span id="print-count">表示中 {total} / {total} 件</span>' in doc
    assert f"（うち地図の範囲に {len(items)} 件）" in doc
    assert f"地図上の取り組み（{len(items)}）" in doc
    # Framed on the data, the map holds all: the line says so once.
    doc, items = printing.print_html(
        good_catalog, share.View(), printing.PrintOptions(), "file:///s"
    )
    assert len(items) == total and "うち地図の範囲に" not in doc


def test_the_selected_project_is_highlighted_in_the_list_and_named_for_the_map(
    good_catalog: printing.Catalog,
) -> None:
    view = share.View(feature="castle", lang="en")
    doc, items = printing.print_html(good_catalog, view, printing.PrintOptions(), "file:///s")
    castle = next(i for i in items if i.id == "castle")
    assert doc.count('class="print-selected"') == 1
    assert '<tr data-feature-id="castle" class="print-selected">' in doc
    assert f'<span class="print-selected-no">{castle.number}</span>' in doc
    # The map's numbered markers get the pairs and the selection (ninohe-meeting.js).
    payload = re.search(r"ninoheMeeting\.numberLabels\([^,]+, (\{.*?\})\);", doc)
    assert payload is not None
    data = json.loads(payload.group(1))
    assert data["selected"] == "castle"
    assert sorted(map(tuple, data["items"])) == sorted((i.id, i.number) for i in items)
    doc, _ = printing.print_html(good_catalog, share.View(), printing.PrintOptions(), "file:///s")
    assert 'class="print-selected"' not in doc and '"selected":null' in doc


def test_the_print_draws_the_city_outline_not_the_aeds() -> None:
    """Issue #13: the city outline is on the printout; context points (AEDs) are not, so they
    never crowd the numbered marks."""
    catalog = load_catalog(Path(__file__).resolve().parents[2] / "geodata")
    doc, _ = printing.print_html(catalog, share.View(), printing.PrintOptions(), "file:///s")
    call = re.search(r"ninoheReference\.addReference\([^,]+, (\{.*?\}), \{", doc)
    assert call is not None
    layers = json.loads(call.group(1))["layers"]
    assert [layer["id"] for layer in layers] == ["city-outline"]
    assert layers[0]["outlines"] and layers[0]["points"] == []


# --- a large catalogue prints from the app's vector tiles (issue #15) -----------------------


def test_a_large_catalogue_prints_from_its_vector_tiles(
    make_data_dir: MakeDataDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chromium = _chromium()
    _pack(tmp_path / "tiles", 14, None)
    monkeypatch.setenv(tiles.TILES_ENV, str(tmp_path / "tiles"))
    monkeypatch.setattr(mapview, "CANVAS_THRESHOLD", 2)  # the small catalogue stands in
    catalog = load_catalog(make_data_dir("good"))
    view = share.View(basemap="offline-gsi-std", lang="ja")
    options = printing.PrintOptions("A4", "landscape", "png", tile_timeout_s=2)
    result = printing.make_print(catalog, view, options, chromium=chromium)
    archives = list((printing.print_tiles_dir() / vectortiles.FOLDER).glob("plan-*.pmtiles"))
    assert len(archives) == 1 and archives[0].name in result.html
    assert (
        "addTileDataset" in result.html and "data-feature-id=" not in result.html.split("<table")[0]
    )
    assert len(result.items) == len(catalog.features)  # the numbered list is the same
    # A second printout of the same catalogue reads the same archive: nothing is built again.
    monkeypatch.setattr(vectortiles, "build", lambda *a: pytest.fail("built again"))
    vectortiles._published.clear()
    printing.make_print(catalog, view, options, chromium=chromium)


def test_a_print_whose_vector_tiles_cannot_be_read_fails_and_says_why(
    make_data_dir: MakeDataDir, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chromium = _chromium()
    monkeypatch.setenv(tiles.TILES_ENV, str(tmp_path / "tiles"))
    monkeypatch.setattr(mapview, "CANVAS_THRESHOLD", 2)
    catalog = load_catalog(make_data_dir("good"))
    real = vectortiles.publish

    def publish_then_lose(*args: object) -> vectortiles.TileDataset:
        dataset = real(*args)  # type: ignore[arg-type]
        dataset.path.unlink()  # the archive is gone before the renderer reads it
        return dataset

    monkeypatch.setattr(vectortiles, "publish", publish_then_lose)
    vectortiles._published.clear()
    options = printing.PrintOptions("A4", "landscape", "png", tile_timeout_s=1)
    with pytest.raises(printing.PrintError, match=r"vector tiles: .*404"):
        printing.make_print(catalog, share.View(lang="ja"), options, chromium=chromium)


class _Route:
    """Enough of Playwright's Route for :func:`printing.answer`."""

    def __init__(self, url: str, headers: dict[str, str] | None = None) -> None:
        self.request = type("Request", (), {"url": url, "headers": headers or {}})()
        self.done: dict[str, object] = {}

    def fulfill(self, **kwargs: object) -> None:
        self.done = {"fulfill": True, **kwargs}

    def continue_(self) -> None:
        self.done = {"continue": True}

    def abort(self) -> None:
        self.done = {"abort": True}


def test_the_renderer_answers_ranges_from_its_roots_and_nothing_else(tmp_path: Path) -> None:
    plan = tmp_path / "plan"
    (plan / "tiles").mkdir(parents=True)
    (plan / "tiles" / "a.pmtiles").write_bytes(bytes(range(100)))
    (tmp_path / "secret.txt").write_text("not served", encoding="utf-8")
    roots = {printing.PLAN_TILES_PATH: plan}
    origin = printing.PRINT_ORIGIN
    route = _Route(f"{origin}/plan/tiles/a.pmtiles", {"range": "bytes=10-19"})
    printing.answer(route, roots)
    assert route.done["status"] == 206 and route.done["body"] == bytes(range(10, 20))
    assert route.done["headers"] == {"Content-Range": "bytes 10-19/100", "Accept-Ranges": "bytes"}
    route = _Route(f"{origin}/plan/tiles/a.pmtiles", {"range": "bytes=90-"})
    printing.answer(route, roots)
    assert route.done["body"] == bytes(range(90, 100))
    route = _Route(f"{origin}/plan/tiles/a.pmtiles", {"range": "bytes=200-300"})
    printing.answer(route, roots)
    assert route.done["status"] == 416
    for sneaky in ("/plan/../secret.txt", "/plan/%2e%2e/secret.txt", "/secret.txt"):
        route = _Route(origin + sneaky)
        printing.answer(route, roots)
        assert route.done["status"] == 404, sneaky
    route = _Route("https://cyberjapandata.gsi.go.jp/xyz/std/14/1/1.png")
    printing.answer(route, roots)
    assert route.done == {"continue": True}  # base-map tiles go out as asked
    route = _Route("file:///etc/passwd")
    printing.answer(route, roots)
    assert route.done == {"abort": True}
