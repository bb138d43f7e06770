"""Offline tile packs, against a real tile server on 127.0.0.1 (generated PNGs, no internet)."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest
from tile_support import TileServer, png

from ninohe_geo.cli import main
from ninohe_geo.maps import tilepacks as tiles
from ninohe_geo.maps.basemaps import GSI_ATTRIBUTION
from ninohe_geo.model.boundary import CITY_BBOX

#: Around city hall: 2 tiles at z14, 4 at z15.
SMALL = (141.30, 40.265, 141.31, 40.275)


@pytest.fixture
def server() -> Iterator[TileServer]:
    srv = TileServer()
    srv.thread.start()
    yield srv
    srv.httpd.shutdown()
    srv.httpd.server_close()


class FakeClock:
    """Time that passes only when the code sleeps: waits are exact and recorded."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def spec(server: TileServer, **kw: object) -> tiles.PackSpec:
    base: dict[str, object] = {
        "source": server.template(),
        "name": "test",
        "zooms": (14, 15),
        "bbox": SMALL,
        "rate_per_s": 4.0,
        "retries": 2,
        "timeout_s": 5.0,
    }
    base.update(kw)
    return tiles.PackSpec(**base)  # type: ignore[arg-type]


def test_tile_numbers_hold_the_point() -> None:
    lon, lat = 141.30478, 40.27125  # city hall
    for z in (0, 10, 16):
        x, y = tiles.tile_xy(lon, lat, z)
        n = 2**z
        west, east = x / n * 360 - 180, (x + 1) / n * 360 - 180
        north = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))
        south = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 1) / n))))
        assert west <= lon < east and south < lat <= north
    assert tiles.count_tiles((-180, -85, 180, 85), (0, 1)) == {0: 1, 1: 4}


def test_city_pack_count_z10_16_is_exact() -> None:
    counts = tiles.count_tiles(CITY_BBOX, tiles.parse_zooms("10-16"))
    assert list(counts) == [10, 11, 12, 13, 14, 15, 16]
    # Each zoom's count is the product of the x and y ranges of the bbox's corner tiles.
    for z, n in counts.items():
        x0, y0 = tiles.tile_xy(CITY_BBOX[0], CITY_BBOX[3], z)
        x1, y1 = tiles.tile_xy(CITY_BBOX[2], CITY_BBOX[1], z)
        assert n == (x1 - x0 + 1) * (y1 - y0 + 1)
    assert len(list(tiles.iter_tiles(CITY_BBOX, (10, 11, 12)))) == sum(
        counts[z] for z in (10, 11, 12)
    )


@pytest.mark.parametrize(
    ("text", "zooms"),
    [("10-16", (10, 11, 12, 13, 14, 15, 16)), ("12", (12,)), ("14,10-11", (10, 11, 14))],
)
def test_parse_zooms(text: str, zooms: tuple[int, ...]) -> None:
    assert tiles.parse_zooms(text) == zooms


@pytest.mark.parametrize("text", ["", "16-10", "a", "10-25", "-1"])
def test_bad_zooms_are_refused(text: str) -> None:
    with pytest.raises(tiles.TilePackError, match="--zoom"):
        tiles.parse_zooms(text)


@pytest.mark.parametrize(
    "template", ["file:///etc/{z}/{x}/{y}", "https://x/{z}/{x}.png", "ftp://x/{z}/{x}/{y}"]
)
def test_bad_sources_are_refused(template: str, tmp_path: Path) -> None:
    with pytest.raises(tiles.TilePackError, match="--source"):
        tiles.pack(tiles.PackSpec(source=template, bbox=SMALL, zooms=(14,)), tmp_path)


def test_pack_downloads_politely_and_handles_errors(server: TileServer, tmp_path: Path) -> None:
    out = tmp_path / "test"
    # One tile: rate limited once (429, Retry-After 2) then served.
    server.script["/xyz/14/14622/6186.png"] = [
        (429, {"Retry-After": "2"}, b"slow down"),
        (200, {}, png(seed=1)),
    ]
    # One tile: the server keeps failing → recorded as failed, the pack goes on.
    server.script["/xyz/15/29245/12372.png"] = [(500, {}, b"oops")]
    # One tile: not on the server (outside its coverage).
    server.script["/xyz/15/29245/12373.png"] = [(404, {}, b"")]
    # One tile: 200 but not an image (a captive portal page) → never written.
    server.script["/xyz/15/29246/12372.png"] = [(200, {"Content-Type": "text/html"}, b"<html>")]
    fake = FakeClock()
    report = tiles.pack(spec(server), out, sleep=fake.sleep, clock=fake.clock)

    assert report.expected == 6
    assert report.downloaded == 3 and report.missing == 1
    assert sorted(report.failed) == ["15/29245/12372", "15/29246/12372"]
    written = sorted(str(p.relative_to(out)) for p in out.rglob("*.png"))
    assert written == ["14/14622/6186.png", "14/14623/6186.png", "15/29246/12373.png"]
    assert (out / "14/14622/6186.png").read_bytes() == png(seed=1)
    # Politeness: every request names the project; one request per 1/rate seconds at most;
    # Retry-After was honoured; failures backed off (1 s, 2 s).
    assert {ua for _, ua in server.requests} == {tiles.USER_AGENT}
    assert fake.sleeps.count(2.0) >= 1 + 1  # Retry-After 2 and the second back-off
    assert 1.0 in fake.sleeps
    gaps = [s for s in fake.sleeps if s not in (1.0, 2.0)]
    assert gaps and all(s == pytest.approx(0.25) for s in gaps)
    # 429 then 200; 200; 500 ×3; 404; html ×3; 200
    assert len(server.requests) == 2 + 1 + 3 + 1 + 3 + 1
    # No temporary file left behind; metadata says what the pack holds and whose tiles they are.
    assert not [p for p in out.rglob(".*")]
    meta = json.loads((out / tiles.METADATA).read_text(encoding="utf-8"))
    assert meta["source"] == server.template() and meta["attribution"] == GSI_ATTRIBUTION
    assert meta["tiles_present"] == 3 and meta["tiles_expected"] == 6
    assert meta["bytes"] == sum(p.stat().st_size for p in out.rglob("*.png"))
    assert meta["minzoom"] == 14 and meta["maxzoom"] == 15


def test_pack_resumes_without_refetching(server: TileServer, tmp_path: Path) -> None:
    out = tmp_path / "test"
    server.script["/xyz/15/29246/12373.png"] = [(503, {"Retry-After": "1"}, b"")]
    fake = FakeClock()
    first = tiles.pack(spec(server), out, sleep=fake.sleep, clock=fake.clock)
    assert first.downloaded == 5 and first.failed == ["15/29246/12373"]
    server.requests.clear()
    server.script.clear()
    second = tiles.pack(spec(server), out, sleep=fake.sleep, clock=fake.clock)
    assert second.skipped == 5 and second.downloaded == 1 and second.failed == []
    assert [p for p, _ in server.requests] == ["/xyz/15/29246/12373.png"]


def test_a_dead_server_stops_the_pack_and_keeps_what_is_there(
    server: TileServer, tmp_path: Path
) -> None:
    server.default = (500, {}, b"down")
    fake = FakeClock()
    big = spec(server, zooms=(16,), retries=0)  # 9 tiles; lower the limit to see it stop
    limit = tiles.MAX_CONSECUTIVE_FAILURES
    try:
        tiles.MAX_CONSECUTIVE_FAILURES = 3
        with pytest.raises(tiles.TilePackError, match="3 tiles in a row"):
            tiles.pack(big, tmp_path / "test", sleep=fake.sleep, clock=fake.clock)
    finally:
        tiles.MAX_CONSECUTIVE_FAILURES = limit
    assert len(server.requests) == 3
    meta = json.loads((tmp_path / "test" / tiles.METADATA).read_text(encoding="utf-8"))
    assert meta["tiles_present"] == 0 and len(meta["failed"]) == 3


def test_installed_pack_becomes_an_offline_basemap(server: TileServer, tmp_path: Path) -> None:
    root = tmp_path / "tiles"
    fake = FakeClock()
    tiles.pack(spec(server, name="gsi-std"), root / "gsi-std", sleep=fake.sleep, clock=fake.clock)
    (root / "broken").mkdir()
    (root / "broken" / tiles.METADATA).write_text("{not json", encoding="utf-8")
    (root / "empty").mkdir()
    basemaps = tiles.offline_basemaps(root)
    assert [b.id for b in basemaps] == ["offline-gsi-std"]
    offline = basemaps[0]
    assert offline.url == "/app/static/tiles/gsi-std/{z}/{x}/{y}.png"
    assert offline.max_zoom == 15 and offline.attribution == GSI_ATTRIBUTION


def test_an_edited_attribution_is_escaped(tmp_path: Path) -> None:
    pack = tmp_path / "custom"
    (pack / "10").mkdir(parents=True)
    (pack / "10" / "1.png").write_bytes(png())
    meta = {
        "format": "png",
        "attribution": "<img src=x onerror=alert(1)>",
        "minzoom": 10,
        "maxzoom": 10,
        "tiles_present": 1,
    }
    (pack / tiles.METADATA).write_text(json.dumps(meta), encoding="utf-8")
    (offline,) = tiles.offline_basemaps(tmp_path)
    assert "<img" not in offline.attribution and "&lt;img" in offline.attribution


def test_basemap_choice_offers_offline_only_with_a_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ninohe_geo.maps.tilesources import available_basemaps, basemap

    monkeypatch.setenv(tiles.TILES_ENV, str(tmp_path / "none"))
    assert not [b for b in available_basemaps() if b.id.startswith("offline")]
    assert basemap("offline-gsi-std").id == "gsi-std"  # unknown → default
    pack = tmp_path / "packs" / "gsi-std"
    (pack / "14").mkdir(parents=True)
    (pack / "14" / "1.png").write_bytes(png())
    meta = {"format": "png", "attribution": GSI_ATTRIBUTION, "minzoom": 14, "maxzoom": 14}
    (pack / tiles.METADATA).write_text(json.dumps({**meta, "tiles_present": 1}), "utf-8")
    monkeypatch.setenv(tiles.TILES_ENV, str(tmp_path / "packs"))
    assert basemap("offline-gsi-std").url.startswith("/app/static/tiles/gsi-std/")


def test_cli_dry_run_reports_count_and_estimate(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["tiles", "pack", "--dry-run", "--out", "/nonexistent/pack"]) == 0
    out = capsys.readouterr().out
    total = sum(tiles.count_tiles(CITY_BBOX, tiles.parse_zooms("10-16")).values())
    assert f"{total:,} tiles for zooms 10–16" in out
    assert "ASSUMED average" in out


def test_cli_pack_against_the_local_server(
    server: TileServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "pack"
    code = main(
        [
            "tiles",
            "pack",
            "--zoom",
            "10",
            "--source",
            server.template(),
            "--out",
            str(out),
            "--rate",
            "20",
        ]
    )
    n = tiles.count_tiles(CITY_BBOX, (10,))[10]
    assert code == 0
    assert len(list(out.rglob("*.png"))) == n
    assert f"{n:,} downloaded" in capsys.readouterr().out
    # The estimate now measures the pack instead of assuming.
    main(["tiles", "pack", "--dry-run", "--zoom", "10", "--out", str(out)])
    assert f"measured: average of the {n:,} tiles" in capsys.readouterr().out


def test_saved_hazard_tiles_are_drawn_offline_and_are_not_a_basemap(
    server: TileServer, tmp_path: Path
) -> None:
    from ninohe_geo.maps.hazards import HAZARD_OVERLAYS, hazard_layers, pack_names

    flood, sediment = HAZARD_OVERLAYS
    assert pack_names(flood) == ("hazard-flood",)
    assert pack_names(sediment) == ("hazard-sediment-1", "hazard-sediment-2", "hazard-sediment-3")
    root = tmp_path / "tiles"
    fake = FakeClock()
    for name, overlay in [("hazard-flood", flood), ("hazard-sediment-1", sediment)]:
        tiles.pack(
            spec(server, name=name, overlay=overlay.id),
            root / name,
            sleep=fake.sleep,
            clock=fake.clock,
        )
    packs = tiles.installed_packs(root)
    assert {p.name: p.overlay for p in packs} == {
        "hazard-flood": "hazard-flood",
        "hazard-sediment-1": "hazard-sediment",
    }
    assert tiles.offline_basemaps(root) == ()  # overlays are never offered as a base map
    drawn = {layer["id"]: layer["tiles"] for layer in hazard_layers("ja", packs)}
    # All of the flood overlay's tiles are saved: drawn from the pack, to the pack's depth.
    assert drawn["hazard-flood"]["urls"] == ["/app/static/tiles/hazard-flood/{z}/{x}/{y}.png"]
    assert drawn["hazard-flood"]["maxNativeZoom"] == 15
    # One of the three 土砂 tile sets only: the portal's tiles, not a partial overlay.
    assert drawn["hazard-sediment"]["urls"] == list(sediment.urls)
    assert drawn["hazard-sediment"]["maxNativeZoom"] == sediment.max_native_zoom
    # Without packs (the static site) every overlay is the portal's.
    assert all(layer["tiles"]["urls"][0].startswith("https://") for layer in hazard_layers("ja"))


def test_cli_counts_the_hazard_tiles_and_refuses_a_source_with_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "tiles" / "gsi-std"
    assert main(["tiles", "pack", "--hazards", "--zoom", "12", "--out", str(out), "--dry-run"]) == 0
    printed = capsys.readouterr().out
    per_set = tiles.count_tiles(CITY_BBOX, (12,))[12]
    assert f"4 tile sets × {per_set:,} tiles" in printed and str(tmp_path / "tiles") in printed
    assert not (tmp_path / "tiles").exists()  # a dry run writes nothing
    code = main(
        [
            "tiles",
            "pack",
            "--hazards",
            "--source",
            "https://example.org/{z}/{x}/{y}.png",
            "--out",
            str(out),
        ]
    )
    assert code != 0 and "--hazards saves the portal's own tiles" in capsys.readouterr().err
