"""The published static site (src/ninohe_geo/publish.py, commands/publish.py)."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ninohe_geo import publish
from ninohe_geo.catalog import Catalog, load_catalog, read_layer
from ninohe_geo.cli import main
from ninohe_geo.publish import MARKER, PublishError, build_site

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(REPO / "geodata")


@pytest.fixture(scope="module")
def site(shipped: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "out"
    build_site(shipped, out, base_url="https://example.org/ninohe/")
    return out


def test_layout(site: Path, shipped: Catalog) -> None:
    for rel in (
        "index.html",
        "en/index.html",
        "data.html",
        "en/data.html",
        "sitemap.xml",
        "robots.txt",
        MARKER,
        publish.GEOJSON_FILE,
        publish.CSV_FILE,
        "static/vendor/leaflet/leaflet.js",
        "static/ninohe/ninohe-map.js",
        "static/site/site.js",
        "static/site/site.css",
    ):
        assert (site / rel).is_file(), rel
    for fid in shipped.features["id"]:
        assert (site / "p" / f"{fid}.html").is_file()
        assert (site / "en" / "p" / f"{fid}.html").is_file()
    # World-readable, so a web server running as another user can serve every file.
    assert all(f.stat().st_mode & 0o004 for f in site.rglob("*") if f.is_file())


def test_sitemap_lists_every_page(site: Path, shipped: Catalog) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring((site / "sitemap.xml").read_bytes())
    locs = [e.text for e in root.findall("s:url/s:loc", ns)]
    assert len(locs) == 2 * (len(shipped.features) + 2)
    assert "https://example.org/ninohe/p/kunohe-castle-ruins.html" in locs
    assert "https://example.org/ninohe/en/index.html" in locs
    for loc in locs:
        assert loc and (site / loc.removeprefix("https://example.org/ninohe/")).is_file()
    assert "Sitemap: https://example.org/ninohe/sitemap.xml" in (site / "robots.txt").read_text()


def test_no_cdn_every_script_and_style_is_local(site: Path) -> None:
    for page in site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        for ref in re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html):
            assert not ref.startswith(("http:", "https:", "//")), (page, ref)
            if ref.endswith((".js", ".css")):
                assert (page.parent / ref).resolve().is_file(), (page, ref)


def test_geojson_download_is_rfc7946_and_our_schema(site: Path, shipped: Catalog) -> None:
    path = site / publish.GEOJSON_FILE
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc
    info, records, problems = read_layer(path, shipped.plan)
    assert [p for p in problems if p.severity == "error"] == []
    assert info is not None and info.count == len(shipped.features)
    assert {r["id"] for r in records} == set(shipped.features["id"])


def test_csv_download(site: Path, shipped: Catalog) -> None:
    raw = (site / publish.CSV_FILE).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets open the Japanese correctly
    lines = raw.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("id,name_ja,name_en")
    assert len(lines) == len(shipped.features) + 1


def test_index_page_has_every_project_in_plan_order_and_search_data(
    site: Path, shipped: Catalog
) -> None:
    from ninohe_geo.residents import plan_order

    html = (site / "index.html").read_text(encoding="utf-8")
    ids = re.findall(r'<li id="f-([^"]+)" class="project"', html)
    assert ids == plan_order(shipped)
    assert '<html lang="ja">' in html
    data = re.search(r'<script type="application/json" id="site-data">(.*?)</script>', html, re.S)
    assert data
    payload = json.loads(data.group(1))
    keys = dict((fid, k) for fid, k in payload["index"])
    assert "くのへじょうあと" in keys["kunohe-castle-ruins"]
    assert set(payload["areas"]) == {"fukuoka", "ishikirido", "kintaichi", "joboji"}
    en = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in en and "Kunohe Castle ruins" in en


def test_project_page(site: Path, shipped: Catalog) -> None:
    html = (site / "p" / "kunohe-castle-ruins.html").read_text(encoding="utf-8")
    row = shipped.features.loc["kunohe-castle-ruins"]
    assert row["name_ja"] in html and row["summary_ja"] in html
    assert 'href="../index.html#f-kunohe-castle-ruins"' in html  # back to the map, selected
    assert 'href="../en/p/kunohe-castle-ruins.html"' in html  # the same page in English


def test_hostile_data_is_escaped_everywhere(make_data_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cat = load_catalog(make_data_dir("hostile"))
    out = tmp_path / "hostile-site"
    build_site(cat, out)
    for page in out.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "<img src=x" not in html, page
        assert "<script>alert(1)" not in html, page
        assert 'href="javascript:' not in html, page
    # The hostile layer title appears escaped on project pages.
    page = (out / "p" / "xss-img.html").read_text(encoding="utf-8")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_refuses_a_folder_it_did_not_make(shipped: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    with pytest.raises(PublishError, match="not made by 'ninohe-geo publish'"):
        build_site(shipped, out)
    assert (out / "thesis.docx").read_text() == "precious"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine"]  # no temporary folder left


def test_rebuild_replaces_and_a_failed_build_keeps_the_old_site(
    shipped: Catalog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    build_site(shipped, out)
    (out / "stale.html").write_text("old")
    build_site(shipped, out)  # a site it made: replaced as a whole
    assert not (out / "stale.html").exists()
    before = (out / "index.html").read_bytes()

    def boom(*_args: object) -> bytes:
        raise RuntimeError("disk full")

    monkeypatch.setattr(publish, "export_bytes", boom)
    with pytest.raises(RuntimeError, match="disk full"):
        build_site(shipped, out)
    assert (out / "index.html").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]


def test_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], shipped: Catalog) -> None:
    out = tmp_path / "cli-site"
    code = main(
        ["publish", str(out), "--data", str(REPO / "geodata"), "--base-url", "https://example.org/"]
    )
    assert code == 0
    assert f"{len(shipped.features)} projects" in capsys.readouterr().out
    assert (out / "index.html").is_file()
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "keep.txt").write_text("x")
    assert main(["publish", str(tmp_path / "other")]) == 2
    assert "refusing to replace it" in capsys.readouterr().err


def test_nothing_to_publish_is_a_clear_error(make_data_dir, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    cat = load_catalog(make_data_dir("broken/not-json.geojson"))
    with pytest.raises(PublishError, match="no projects to publish"):
        build_site(cat, tmp_path / "empty-site")
    assert not (tmp_path / "empty-site").exists()
