"""The published static site (src/ninohe_geo/publish.py, commands/publish.py)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import xml.etree.ElementTree as ET
from html import escape as html_escape
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from ninohe_geo.cli import main
from ninohe_geo.model.catalog import Catalog, load_catalog, read_layer
from ninohe_geo.output import site as publish
from ninohe_geo.output.site import MARKER, PublishError, build_site

REPO = Path(__file__).resolve().parents[2]
BASE = "https://example.org/ninohe/"
BUILT = dt.date(2026, 11, 27)
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(REPO / "geodata")


@pytest.fixture(scope="module")
def site(shipped: Catalog, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site") / "out"
    build_site(shipped, out, base_url=BASE, today=BUILT)
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
        publish.FGB_FILE,
        publish.PARQUET_FILE,
        publish.DATAPACKAGE_FILE,
        publish.DCAT_FILE,
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
        # (rel="alternate" names the page's other language by its URL: not a resource)
        for ref in re.findall(
            r'<(?:script|link)(?! rel="alternate")[^>]+(?:src|href)="([^"]+)"', html
        ):
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


@pytest.mark.parametrize("fmt", ["fgb", "parquet"])
def test_flatgeobuf_and_geoparquet_downloads_import_back(
    site: Path, shipped: Catalog, fmt: str
) -> None:
    from ninohe_geo.io.formats import read_source

    path = site / (publish.FGB_FILE if fmt == "fgb" else publish.PARQUET_FILE)
    table = read_source(path)
    assert table.format == fmt and table.crs == "EPSG:4326"
    assert {r["id"] for r in table.rows} == set(shipped.features["id"])
    assert table.columns[0] == "id" and table.columns[-1] == "layer"


@pytest.mark.parametrize(
    ("page", "up", "labels"),
    [
        ("data.html", "", ("GeoJSON（", "CSV（", "FlatGeobuf（", "GeoParquet（")),
        ("en/data.html", "../", ("GeoJSON (", "CSV (", "FlatGeobuf (", "GeoParquet (")),
    ],
)
def test_data_page_offers_every_plan_download(
    site: Path, page: str, up: str, labels: tuple[str, ...]
) -> None:
    html = (site / page).read_text("utf-8")
    block = re.search(r'<ul class="downloads">(.*?)</ul>', html, re.S)
    assert block, page
    links = re.findall(
        r'<a id="download-([a-z]+)" class="button-link" href="([^"]+)" download>([^<]+)</a>',
        block.group(1),
    )
    assert [(fmt, href) for fmt, href, _ in links] == [
        ("geojson", up + publish.GEOJSON_FILE),
        ("csv", up + publish.CSV_FILE),
        ("fgb", up + publish.FGB_FILE),
        ("parquet", up + publish.PARQUET_FILE),
    ]
    for (_, href, label), start in zip(links, labels, strict=True):
        assert label.startswith(start), (page, label)
        assert (site / page).parent.joinpath(href).resolve().is_file(), href


def test_index_page_has_every_project_in_plan_order_and_search_data(
    site: Path, shipped: Catalog
) -> None:
    from ninohe_geo.query.residents import plan_order

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


# --- licence and machine-readable metadata (issue: open-data conventions) ---------------------


class _Scripts(HTMLParser):
    """Every <script> element of a page, as (type, text) — how a browser splits the page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[tuple[str, str]] = []
        self._type: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._type = dict(attrs).get("type") or "text/javascript"
            self.scripts.append((self._type, ""))

    def handle_data(self, data: str) -> None:
        if self._type is not None:
            kind, text = self.scripts[-1]
            self.scripts[-1] = (kind, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._type = None


def scripts(html: str) -> list[tuple[str, str]]:
    parser = _Scripts()
    parser.feed(html)
    return parser.scripts


def dataset_jsonld(page: Path) -> dict[str, Any]:
    found = [
        text for kind, text in scripts(page.read_text("utf-8")) if kind == "application/ld+json"
    ]
    assert len(found) == 1, page
    doc = json.loads(found[0])
    assert isinstance(doc, dict)
    return doc


def check_datapackage(root: Path) -> dict[str, Any]:
    """Structural checks of the Data Package spec, and that it tells the truth about the files."""
    dp = json.loads((root / publish.DATAPACKAGE_FILE).read_text("utf-8"))
    name = re.compile(r"[a-z0-9._-]+")
    assert name.fullmatch(dp["name"]) and dp["title"]
    assert dp["licenses"] and all(lic.get("name") or lic.get("path") for lic in dp["licenses"]), (
        "a licence needs a name or a path"
    )
    assert dp["sources"] and all(src["title"] for src in dp["sources"])
    assert "created" not in dp  # no date-time is known, only the build day
    names = [r["name"] for r in dp["resources"]]
    assert len(names) == len(set(names)) and all(name.fullmatch(n) for n in names)
    for res in dp["resources"]:
        path = res["path"]
        assert isinstance(path, str) and not path.startswith("/") and ".." not in path.split("/")
        data = (root / path).read_bytes()  # every resource file is in the built site
        assert res["bytes"] == len(data), path
        assert res["hash"] == "sha256:" + hashlib.sha256(data).hexdigest(), path
        assert res["format"] in {"geojson", "csv", "fgb", "parquet"}
        if res["format"] in {"geojson", "csv"}:
            data.decode(res["encoding"])
        else:  # binary: no text encoding is claimed
            assert "encoding" not in res, path
        if res["format"] == "csv":
            check_table(data.decode("utf-8-sig"), res["schema"], res["dialect"])
    return dp


def check_table(text: str, schema: dict[str, Any], dialect: dict[str, Any]) -> None:
    """Every row of the CSV obeys its Table Schema (names, required, enum, types, primary key)."""
    assert text.split("\n", 1)[0].endswith(dialect["lineTerminator"].rstrip("\n"))
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=dialect["delimiter"]))
    header, body = rows[0], rows[1:]
    fields = schema["fields"]
    assert header == [f["name"] for f in fields]
    for row in body:
        for field, value in zip(fields, row, strict=True):
            rules = field.get("constraints", {})
            if value in schema["missingValues"]:
                assert not rules.get("required"), (field["name"], row[0])
                continue
            if "enum" in rules:
                assert value in rules["enum"], (field["name"], value)
            if field["type"] == "date":
                dt.date.fromisoformat(value)
            elif field["type"] == "number":
                float(value)
    for key in schema["primaryKey"]:
        column = [row[header.index(key)] for row in body]
        assert len(column) == len(set(column))


#: The reference layers published beside the plan's downloads (issue #13), and their records.
REFERENCE_FILES = {
    f"data/reference/{layer}.geojson": count
    for layer, count in (
        ("city-outline", 1),
        ("gsi-emergency", 78),
        ("gsi-evacuation", 46),
        ("aed", 44),
    )
}


def test_reference_layers_are_published_with_their_sources(site: Path, shipped: Catalog) -> None:
    for path, count in REFERENCE_FILES.items():
        doc = json.loads((site / path).read_text("utf-8"))
        assert doc["type"] == "FeatureCollection" and len(doc["features"]) == count, path
        assert all("measure" not in f["properties"] for f in doc["features"])
    for page, up in (("data.html", ""), ("en/data.html", "../")):
        html = (site / page).read_text("utf-8")
        block = re.search(
            r'<ul class="downloads reference-downloads" id="reference-downloads">(.*?)</ul>',
            html,
            re.S,
        )
        assert block, page
        items = re.findall(r"<li>(.*?)</li>", block.group(1), re.S)
        assert len(items) == len(REFERENCE_FILES)
        for item, layer in zip(items, shipped.reference_layers(), strict=True):
            assert f'href="{up}data/reference/{layer.id}.geojson"' in item
            assert html_escape(layer.source_ja) in item and html_escape(layer.licence) in item
        assert "44 件" in html if page == "data.html" else "44 records" in html


def test_datapackage_describes_every_download(site: Path, shipped: Catalog) -> None:
    dp = check_datapackage(site)
    assert dp["licenses"][0] == {
        "name": "CC-BY-4.0",
        "path": CC_BY,
        "title": "Creative Commons Attribution 4.0 International",
    }
    assert {r["path"]: r["mediatype"] for r in dp["resources"]} == {
        publish.GEOJSON_FILE: "application/geo+json",
        publish.CSV_FILE: "text/csv",
        publish.FGB_FILE: "application/flatgeobuf",
        publish.PARQUET_FILE: "application/vnd.apache.parquet",
        **{path: "application/geo+json" for path in REFERENCE_FILES},
    }
    titles = [s["title"] for s in dp["sources"]]
    assert titles[0].startswith("二戸市総合計画 後期基本計画")
    reference_sources = {layer.source_ja for layer in shipped.reference_layers()}
    assert set(titles[1:]) == set(shipped.features["source"]) | reference_sources
    # Each reference resource names its own source and terms.
    aed = next(r for r in dp["resources"] if r["path"] == f"{publish.REFERENCE_DIR}/aed.geojson")
    assert "AED設置箇所一覧" in aed["sources"][0]["title"] and "CC BY 4.0" in aed["description"]
    assert dp["homepage"] == BASE + "data.html"


def test_datapackage_check_catches_a_changed_file(shipped: Catalog, tmp_path: Path) -> None:
    out = tmp_path / "site"
    build_site(shipped, out)
    with (out / publish.CSV_FILE).open("ab") as fh:
        fh.write(b"x")
    with pytest.raises(AssertionError):
        check_datapackage(out)


@pytest.mark.parametrize("page", ["data.html", "en/data.html"])
def test_data_page_has_schema_org_dataset(site: Path, page: str) -> None:
    doc = dataset_jsonld(site / page)
    assert doc["@context"] == "https://schema.org/" and doc["@type"] == "Dataset"
    assert doc["license"] == CC_BY
    assert doc["url"] == BASE + page
    assert doc["isAccessibleForFree"] is True
    assert doc["dateModified"] == BUILT.isoformat()
    assert set(doc["inLanguage"]) == {"ja", "en"}
    assert doc["name"] and len(doc["description"]) >= 50
    assert doc["publisher"]["name"] == "ninohe-geo project"
    assert "二戸市" not in json.dumps(doc["publisher"], ensure_ascii=False)
    downloads = {d["contentUrl"]: d["encodingFormat"] for d in doc["distribution"]}
    assert downloads == {
        BASE + publish.GEOJSON_FILE: "application/geo+json",
        BASE + publish.CSV_FILE: "text/csv",
        BASE + publish.FGB_FILE: "application/flatgeobuf",
        BASE + publish.PARQUET_FILE: "application/vnd.apache.parquet",
        **{BASE + path: "application/geo+json" for path in REFERENCE_FILES},
    }
    for d in doc["distribution"]:
        data = (site / d["contentUrl"].removeprefix(BASE)).read_bytes()
        assert d["sha256"] == hashlib.sha256(data).hexdigest()
    # The box covers every feature of the download.
    south, west, north, east = map(float, doc["spatialCoverage"]["geo"]["box"].split())
    geo = json.loads((site / publish.GEOJSON_FILE).read_text("utf-8"))
    for feature in geo["features"]:
        coords = re.findall(r"\[(-?[\d.]+), (-?[\d.]+)\]", json.dumps(feature["geometry"]))
        for lon, lat in coords:
            assert west <= float(lon) <= east and south <= float(lat) <= north
    # Nothing invented: no publication date, no DOI.
    assert not {"datePublished", "dateCreated"} & set(doc)
    assert "doi" not in json.dumps(doc).lower()


def test_dcat_catalogue(site: Path) -> None:
    doc = json.loads((site / publish.DCAT_FILE).read_text("utf-8"))
    assert doc["@type"] == "dcat:Catalog" and doc["@id"] == BASE + publish.DCAT_FILE
    (dataset,) = doc["dcat:dataset"]
    assert dataset["dct:license"] == {"@id": CC_BY}
    assert dataset["dct:modified"]["@value"] == BUILT.isoformat()
    assert "dct:issued" not in dataset
    urls = [d["dcat:downloadURL"]["@id"] for d in dataset["dcat:distribution"]]
    assert urls[:4] == [
        BASE + publish.GEOJSON_FILE,
        BASE + publish.CSV_FILE,
        BASE + publish.FGB_FILE,
        BASE + publish.PARQUET_FILE,
    ]
    assert set(urls[4:]) == {BASE + path for path in REFERENCE_FILES}
    # dcat:mediaType is an IANA media type; FlatGeobuf has none registered, so dct:format.
    media = {
        d["dcat:downloadURL"]["@id"]: d.get("dcat:mediaType", d.get("dct:format"))
        for d in dataset["dcat:distribution"]
    }
    assert media[BASE + publish.FGB_FILE] == {"@value": "application/flatgeobuf"}
    assert media[BASE + publish.PARQUET_FILE] == {
        "@id": "https://www.iana.org/assignments/media-types/application/vnd.apache.parquet"
    }


UNOFFICIAL = {
    "data.html": "公式オープンデータではありません",
    "en/data.html": "not official open data",
}


def _paragraphs(html: str) -> list[str]:
    return re.findall(r"<p[^>]*>(.*?)</p>", html, re.S)


@pytest.mark.parametrize(
    ("page", "data_licence", "attribution"),
    [
        ("data.html", "CC BY 4.0（クリエイティブ・コモンズ 表示 4.0 国際）", "各出典の帰属を保持"),
        ("en/data.html", "Creative Commons Attribution 4.0 International", "keep the attribution"),
    ],
)
def test_data_licence_is_cc_by_and_code_is_mit(
    site: Path, shipped: Catalog, page: str, data_licence: str, attribution: str
) -> None:
    html = (site / page).read_text(encoding="utf-8")
    data_p = re.search(r'<p id="licence-data">(.*?)</p>', html, re.S)
    code_p = re.search(r'<p id="licence-code">(.*?)</p>', html, re.S)
    assert data_p and code_p
    assert data_licence in data_p.group(1) and attribution in data_p.group(1)
    assert f'rel="license" href="{CC_BY}"' in data_p.group(1)
    assert "MIT" not in data_p.group(1) and "MIT" in code_p.group(1)
    # MIT is only ever said of the code (the page and the footer), never of the data.
    for para in _paragraphs(html):
        if "MIT" in para:
            assert "プログラム" in para or "Code" in para, para
    assert UNOFFICIAL[page] in html
    # The attributions the data carries: the plan, every distinct feature source, the base maps.
    sources = re.search(r'<ul class="sources" id="sources">(.*?)</ul>', html, re.S)
    assert sources
    items = re.findall(r"<li>(.*?)</li>", sources.group(1), re.S)
    plan_sources = sorted({html_escape(str(s)) for s in shipped.features["source"]})
    assert items[1 : 1 + len(plan_sources)] == plan_sources
    assert items[1 + len(plan_sources) :] == list(
        dict.fromkeys(html_escape(layer.source_ja) for layer in shipped.reference_layers())
    )
    assert "二戸市総合計画 後期基本計画" in items[0] or "Comprehensive Plan" in items[0]
    assert "地理院タイル" in html or "GSI Tiles" in html
    assert "OpenStreetMap contributors" in html
    assert 'href="' + ("" if page == "data.html" else "../") + 'datapackage.json"' in html


def test_every_page_footer_names_both_licences(site: Path) -> None:
    for page in ("index.html", "en/index.html", "p/kunohe-castle-ruins.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert "CC BY 4.0" in html and "MIT" in html, page


def test_licence_files() -> None:
    mit = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License") and "ninohe-geo contributors" in mit
    assert "Permission is hereby granted, free of charge" in mit
    data = (REPO / "geodata" / "LICENSE.md").read_text(encoding="utf-8")
    assert CC_BY in data and "CC BY 4.0" in data
    assert "公式オープンデータではありません" in data and "not official open data" in data
    assert "国土地理院" in data and "国土数値情報" in data and "二戸市総合計画 後期基本計画" in data


SCRIPT_SOURCE = "</script><script>alert(1)</script>"


def test_hostile_source_stays_inert_in_json_ld_and_metadata(  # type: ignore[no-untyped-def]
    make_data_dir, tmp_path: Path
) -> None:
    layer = {
        "type": "FeatureCollection",
        "layer": {"id": "closing", "title_ja": "閉じ", "title_en": "Closing"},
        "features": [
            {
                "type": "Feature",
                "id": "xss-close-script",
                "geometry": {"type": "Point", "coordinates": [141.3, 40.27]},
                "properties": {
                    "id": "xss-close-script",
                    "name_ja": "閉じタグ",
                    "name_en": "Closing tag",
                    "measure": "P3-01",
                    "status": "existing",
                    "summary_ja": "出典に閉じタグ。",
                    "summary_en": "A closing tag in the source.",
                    "accuracy": "facility",
                    "source": SCRIPT_SOURCE,
                    "updated": "2026-11-27",
                },
            }
        ],
    }
    extra = tmp_path / "closing.geojson"
    extra.write_text(json.dumps(layer), encoding="utf-8")
    cat = load_catalog(make_data_dir("hostile", extra))
    assert SCRIPT_SOURCE in set(cat.features["source"])
    out = tmp_path / "hostile-site"
    build_site(cat, out)
    for page in ("data.html", "en/data.html"):
        html = (out / page).read_text(encoding="utf-8")
        assert SCRIPT_SOURCE not in html and "<script>alert(1)" not in html
        # The browser sees exactly the scripts we wrote: one JSON-LD block, then nothing from data.
        kinds = [kind for kind, _ in scripts(html)]
        assert kinds == ["application/ld+json"], kinds
        doc = dataset_jsonld(out / page)  # still valid JSON, with the very same string inside
        assert SCRIPT_SOURCE in doc["creditText"]
        assert {"@type": "CreativeWork", "name": SCRIPT_SOURCE} in doc["isBasedOn"]
        raw = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S)
        assert raw and "\\u003c/script\\u003e" in raw.group(1)
        # In the page text it is escaped HTML.
        assert "<li>&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</li>" in html
        assert "<li>{{ 7*7 }}</li>" in html  # a Jinja-looking source is text, not evaluated
    dp = check_datapackage(out)
    assert SCRIPT_SOURCE in [s["title"] for s in dp["sources"]]
    dcat = json.loads((out / publish.DCAT_FILE).read_text("utf-8"))
    titles = [s["dct:title"] for s in dcat["dcat:dataset"][0]["dct:source"]]
    assert SCRIPT_SOURCE in titles


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


def test_the_evacuation_site_finder_ships_its_sites_and_hazards(
    site: Path, shipped: Catalog
) -> None:
    # The browser ranks the 78 GSI designated sites itself (tests/browser/test_site.py taps it).
    data = publish.site_data(shipped, "ja")
    assert len(data["sites"]) == 78
    assert data["hazardLabels"]["flood"] == "洪水"
    assert data["areas"]["fukuoka"]["at"] == [40.27125, 141.30478]
    html = (site / "index.html").read_text(encoding="utf-8")
    options = re.findall(r'<option value="(\w+)">([^<]+)</option>', html.split('id="hazard"')[1])
    assert [code for code, _ in options] == [
        "flood",
        "landslide",
        "earthquake",
        "fire",
        "inland_flood",
    ]
    assert options[0][1] == "洪水"
    en = (site / "en" / "index.html").read_text(encoding="utf-8")
    assert "Kind of disaster" in en and 'value="flood">Flood<' in en


def test_alternates_are_absolute_and_every_page_has_the_icon(site: Path) -> None:
    """Search engines want absolute hreflang links, both languages and x-default (Lighthouse)."""
    html = (site / "en" / "p" / "kunohe-castle-ruins.html").read_text(encoding="utf-8")
    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))
    assert links == {
        "ja": BASE + "p/kunohe-castle-ruins.html",
        "en": BASE + "en/p/kunohe-castle-ruins.html",
        "x-default": BASE + "p/kunohe-castle-ruins.html",
    }
    assert (site / "static/site/favicon.svg").read_bytes().startswith(b"<svg")
    for page in ("index.html", "en/index.html", "data.html", "p/kunohe-castle-ruins.html"):
        text = (site / page).read_text(encoding="utf-8")
        icon = re.search(r'<link rel="icon" href="([^"]+)"', text)
        assert icon and (site / page).parent.joinpath(icon.group(1)).resolve().is_file(), page
