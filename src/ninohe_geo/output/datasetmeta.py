"""What the published data is, said for machines: licence, attributions, and every download.

Code and data are licensed apart, as Japanese open data is. The code is MIT (``LICENSE``); the
data is CC BY 4.0 (``geodata/LICENSE.md``), the licence of the city's own open data and the one
GSI's and MLIT's terms of use declare themselves compatible with, and every source's
attribution travels with it. The project is not the city: the data is not official open data of
Ninohe City, so 二戸市 appears as the owner of the plan the data is *about* and as the place it
covers, never as its publisher.

One set of facts (:class:`DatasetFacts`, gathered from the built files and the catalogue) feeds
three descriptions, so they cannot disagree:

- :func:`datapackage` — ``datapackage.json``, a Frictionless Data Package
  (https://specs.frictionlessdata.io/data-package/): licence, sources, and one resource per
  download (GeoJSON, CSV, FlatGeobuf, GeoParquet) with its size, SHA-256 and, for the CSV, a
  Table Schema of its columns;
- :func:`dataset_jsonld` — a schema.org ``Dataset`` for the ``<script type="application/ld+json">``
  of the data page, which dataset search engines read;
- :func:`dcat_catalog` — ``catalog.jsonld``, a DCAT catalogue, which CKAN (ckanext-dcat) harvests.

Nothing is invented. The one date is the build date (``dateModified``, ``dct:modified``): the
project has no issue date and no DOI, and the Data Package has no ``created``, which must be an
RFC 3339 date-time while only the day is known. Every URL is built from the site's ``base_url``.
The bounding box is the extent of the mapped features, not of the city boundary (which the
repository does not hold): close to the city, but a feature-less corner of it is outside.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import geopandas as gpd

from ninohe_geo.escape import script_json
from ninohe_geo.i18n import t
from ninohe_geo.io.export import MEDIA_TYPES
from ninohe_geo.maps.mapview import data_bounds
from ninohe_geo.model.catalog import Catalog, LayerInfo
from ninohe_geo.model.plan import LANGS, Lang, Plan
from ninohe_geo.model.schema import ACCURACY_CODES, REQUIRED_FIELDS, STATUS_CODES

#: Who compiled and publishes the data (and holds the code's copyright, as "contributors").
PROJECT = "ninohe-geo project"
#: Where the metadata files go, relative to the site root.
DATAPACKAGE_FILE = "datapackage.json"
DCAT_FILE = "catalog.jsonld"
#: The fragment naming the dataset on the data page (the same ``@id`` in JSON-LD and DCAT).
DATASET_FRAGMENT = "data.html#dataset"


@dataclass(frozen=True)
class Licence:
    """A licence as the three descriptions name it."""

    id: str
    """SPDX identifier (the Data Package's ``name``)."""
    url: str
    """The licence's canonical URL (``path``, schema.org ``license``, ``dct:license``)."""
    title: str
    """Its full English name."""


DATA_LICENCE = Licence(
    "CC-BY-4.0",
    "https://creativecommons.org/licenses/by/4.0/",
    "Creative Commons Attribution 4.0 International",
)
CODE_LICENCE = Licence("MIT", "https://opensource.org/license/mit", "MIT License")


@dataclass(frozen=True)
class BaseMapCredit:
    """The attribution of a base map the site draws under the data (not part of the data)."""

    title_ja: str
    title_en: str
    url: str
    """The provider's page on terms and attribution."""

    def title(self, lang: Lang) -> str:
        """The attribution in ``lang``."""
        return self.title_ja if lang == "ja" else self.title_en


#: The base maps of :mod:`ninohe_geo.maps.basemaps`, as plain text (their map attributions are
#: HTML).
BASEMAP_CREDITS: tuple[BaseMapCredit, ...] = (
    BaseMapCredit(
        "地理院タイル（国土地理院）",
        "GSI Tiles (Geospatial Information Authority of Japan)",
        "https://maps.gsi.go.jp/development/ichiran.html",
    ),
    BaseMapCredit(
        "© OpenStreetMap contributors（ODbL）",
        "© OpenStreetMap contributors (ODbL)",
        "https://www.openstreetmap.org/copyright",
    ),
)

#: Interface string naming each download format (the data page's button labels).
_FORMAT_LABEL = {
    "geojson": "res_data_geojson",
    "csv": "res_data_csv",
    "fgb": "io_data_fgb",
    "parquet": "io_data_parquet",
}
#: The download formats that are text (the others are binary: no ``encoding`` to state).
TEXT_FORMATS = frozenset({"geojson", "csv", "kml"})
#: Media types without an IANA registration (FlatGeobuf's): DCAT's ``dcat:mediaType`` must be an
#: IANA media type, so these are said as ``dct:format`` text instead.
UNREGISTERED_MEDIA_TYPES = frozenset({"application/flatgeobuf"})
#: What each binary download is, for the Data Package (same fields as the GeoJSON, plus layer).
_BINARY_NOTES = {
    "fgb": "FlatGeobuf 3 with a packed Hilbert R-tree spatial index (features in its order), "
    "EPSG:4326 longitude/latitude; the fields of the GeoJSON's properties plus id and layer, "
    "as text.",
    "parquet": "GeoParquet 1.x (Apache Parquet, WKB geometry column 'geometry', CRS in the 'geo' "
    "metadata), EPSG:4326 longitude/latitude; the fields of the GeoJSON's properties plus id "
    "and layer, as text columns.",
}
#: Table Schema types of the CSV columns that are not text (see ``io.export.to_csv``).
_COLUMN_TYPES = {"updated": "date", "longitude": "number", "latitude": "number"}
#: What the CSV adds to the feature schema, as Table Schema descriptions.
_COLUMN_NOTES = {
    "layer": "ID of the layer (geodata/layers/<layer>.geojson) the feature belongs to",
    "longitude": "WGS84 longitude of a representative point (the point itself for points)",
    "latitude": "WGS84 latitude of a representative point (the point itself for points)",
    "geometry_wkt": "the whole geometry as WKT, WGS84 longitude/latitude",
}


@dataclass(frozen=True)
class Download:
    """One file of the published data, as written."""

    path: str
    """Relative to the site root, with ``/`` (e.g. ``data/ninohe-plan.csv``)."""
    format: str
    """A key of :data:`ninohe_geo.io.export.MEDIA_TYPES` (``geojson``, ``csv``, ``fgb``,
    ``parquet``)."""
    bytes: int
    """Size of the file."""
    sha256: str
    """SHA-256 of the file, lower-case hex."""
    columns: tuple[str, ...] = ()
    """The header row, for a CSV (read back from the file, so it never drifts from the export)."""
    encoding: str = "utf-8"
    """Text encoding (the CSV starts with a BOM, which UTF-8 readers skip); not stated for the
    binary formats (:data:`TEXT_FORMATS`)."""
    title_ja: str = ""
    """A reference layer's title (the outline, shelters, AEDs); '' for the plan's downloads."""
    title_en: str = ""
    source: str = ""
    """A reference layer's attribution (出典) and licence terms, as its layer file states them."""
    records: int = 0
    """A reference layer's number of records."""

    @property
    def mediatype(self) -> str:
        """IANA media type."""
        return MEDIA_TYPES[self.format]

    @property
    def name(self) -> str:
        """A Data Package resource name: lower-case, ``-``, unique per format."""
        return f"{Path(self.path).stem}-{self.format}".lower()

    def label(self, lang: Lang) -> str:
        """What the data page calls this download."""
        if self.title_ja:
            title = self.title_ja if lang == "ja" else self.title_en
            return t("res_data_reference_label", lang, title=title)
        return t(_FORMAT_LABEL[self.format], lang)

    @classmethod
    def of_file(cls, root: Path, path: str, fmt: str, layer: LayerInfo | None = None) -> Download:
        """Describe the written file ``root / path`` in format ``fmt``; ``layer`` for the file
        of a reference layer."""
        if fmt not in MEDIA_TYPES:
            raise ValueError(f"{path}: unknown download format {fmt!r}, one of {list(MEDIA_TYPES)}")
        data = (root / path).read_bytes()
        columns: tuple[str, ...] = ()
        if fmt == "csv":
            first = data.decode("utf-8-sig").splitlines()[:1]
            columns = tuple(next(csv.reader(io.StringIO(first[0])))) if first else ()
        digest = hashlib.sha256(data).hexdigest()
        if layer is None:
            return cls(path, fmt, len(data), digest, columns)
        source = "; ".join(x for x in (layer.source_ja, layer.licence) if x)
        return cls(
            path,
            fmt,
            len(data),
            digest,
            columns,
            title_ja=layer.title_ja,
            title_en=layer.title_en,
            source=source,
            records=layer.count,
        )


@dataclass(frozen=True)
class DatasetFacts:
    """Everything the three descriptions say, gathered once per build."""

    base_url: str
    """The site's public URL, ending in ``/``."""
    modified: str
    """The build date, ISO (``YYYY-MM-DD``)."""
    downloads: tuple[Download, ...]
    sources: tuple[str, ...]
    """The distinct ``source`` values of the published features, sorted."""
    plan_title: str
    """The plan document the data is about (``plan.yaml`` ``source.title``)."""
    plan_owner: str
    """Who issued the plan (``source.publisher``: 二戸市)."""
    bbox: tuple[float, float, float, float]
    """(west, south, east, north) of the features, WGS84, 6 decimals rounded outwards."""
    reference_sources: tuple[str, ...] = ()
    """The attributions of the published reference layers (N03, GSI, the city's AED list)."""

    def url(self, rel: str) -> str:
        """Absolute URL of ``rel`` (relative to the site root)."""
        return urljoin(self.base_url, rel)

    @property
    def attributions(self) -> tuple[str, ...]:
        """The attributions the data carries: the plan, then each feature source."""
        return (f"{self.plan_title}（{self.plan_owner}）", *self.sources, *self.reference_sources)


def feature_sources(features: gpd.GeoDataFrame) -> tuple[str, ...]:
    """The distinct, non-empty ``source`` values of ``features``, sorted."""
    if "source" not in features:
        return ()
    return tuple(
        sorted({s.strip() for s in features["source"] if isinstance(s, str) and s.strip()})
    )


def _round(value: float, way: Callable[[float], int]) -> float:
    """``value`` to 6 decimals (~0.1 m), rounded outwards so the box still holds every feature."""
    return way(round(value * 1e6, 3)) / 1e6


def facts(
    catalog: Catalog,
    root: Path,
    files: Iterable[tuple[str, str]],
    base_url: str,
    modified: str,
    reference_files: Iterable[tuple[str, LayerInfo]] = (),
) -> DatasetFacts:
    """The facts of a build: ``files`` are (path under ``root``, format) of the downloads,
    ``reference_files`` (path, layer) the GeoJSON of each reference layer."""
    bounds = data_bounds(catalog.features)
    if bounds is None:
        raise ValueError("no features: there is no dataset to describe")
    plan: Plan = catalog.plan
    return DatasetFacts(
        base_url=base_url if base_url.endswith("/") else base_url + "/",
        modified=modified,
        downloads=tuple(Download.of_file(root, path, fmt) for path, fmt in files)
        + tuple(Download.of_file(root, path, "geojson", layer) for path, layer in reference_files),
        sources=feature_sources(catalog.features),
        reference_sources=tuple(
            dict.fromkeys(layer.source_ja for _, layer in reference_files if layer.source_ja)
        ),
        plan_title=plan.source.title,
        plan_owner=plan.source.publisher,
        bbox=(
            _round(bounds[0], math.floor),
            _round(bounds[1], math.floor),
            _round(bounds[2], math.ceil),
            _round(bounds[3], math.ceil),
        ),
    )


# --- Frictionless Data Package ----------------------------------------------------------------


def table_schema(columns: Sequence[str]) -> dict[str, Any]:
    """A Table Schema of the CSV's ``columns``: types, required fields, coded values.

    Only what the loader enforces is claimed: required fields are present in every published
    row, ``status``/``accuracy`` are codes, ``updated`` is an ISO date, ``id`` is unique.
    Descriptions of our own fields are in ``ninohe_geo.model.schema`` (not repeated here).
    """
    enums = {"status": sorted(STATUS_CODES), "accuracy": sorted(ACCURACY_CODES)}
    fields: list[dict[str, Any]] = []
    for name in columns:
        field: dict[str, Any] = {"name": name, "type": _COLUMN_TYPES.get(name, "string")}
        if name in _COLUMN_NOTES:
            field["description"] = _COLUMN_NOTES[name]
        constraints: dict[str, Any] = {}
        if name in REQUIRED_FIELDS:
            constraints["required"] = True
        if name == "id":
            constraints["unique"] = True
        if name in enums:
            constraints["enum"] = enums[name]
        if constraints:
            field["constraints"] = constraints
        fields.append(field)
    schema: dict[str, Any] = {"fields": fields, "missingValues": [""]}
    if "id" in columns:
        schema["primaryKey"] = ["id"]
    return schema


def _resource(d: Download) -> dict[str, Any]:
    out: dict[str, Any] = {
        "name": d.name,
        "path": d.path,
        "title": d.label("en"),
        "profile": "tabular-data-resource" if d.format == "csv" else "data-resource",
        "format": d.format,
        "mediatype": d.mediatype,
        **({"encoding": d.encoding} if d.format in TEXT_FORMATS else {}),
        "bytes": d.bytes,
        "hash": f"sha256:{d.sha256}",
        "licenses": [_dp_licence()],
    }
    if d.format == "csv":
        out["description"] = (
            "UTF-8 with BOM. Cells a spreadsheet would run as a formula (starting with =, +, -, "
            "@, tab or CR) are prefixed with an apostrophe."
        )
        out["dialect"] = {
            "delimiter": ",",
            "lineTerminator": "\r\n",
            "quoteChar": '"',
            "doubleQuote": True,
            "header": True,
        }
        out["schema"] = table_schema(d.columns)
    elif d.format == "geojson":
        out["description"] = "RFC 7946 FeatureCollection (WGS84 longitude/latitude)."
    elif d.format in _BINARY_NOTES:
        out["description"] = _BINARY_NOTES[d.format]
    if d.source:
        out["description"] += f" Official reference data, not plan projects. Source: {d.source}"
        out["sources"] = [{"title": d.source}]
    return out


def _dp_licence() -> dict[str, str]:
    return {"name": DATA_LICENCE.id, "path": DATA_LICENCE.url, "title": DATA_LICENCE.title}


def datapackage(f: DatasetFacts) -> dict[str, Any]:
    """The Frictionless Data Package descriptor (``datapackage.json`` at the site root)."""
    return {
        "profile": "data-package",
        "name": "ninohe-geo-plan",
        "id": f.url(DATAPACKAGE_FILE),
        "title": t("res_dataset_name", "ja"),
        "description": "\n\n".join(t("res_dataset_description", lang) for lang in LANGS),
        "homepage": f.url("data.html"),
        "keywords": [k for lang in LANGS for k in _keywords(lang)],
        "licenses": [_dp_licence()],
        "sources": [{"title": title} for title in f.attributions],
        "contributors": [{"title": PROJECT, "path": f.base_url, "role": "publisher"}],
        "resources": [_resource(d) for d in f.downloads],
    }


# --- schema.org Dataset -----------------------------------------------------------------------


def _keywords(lang: Lang) -> list[str]:
    return [k.strip() for k in t("res_dataset_keywords", lang).split(",") if k.strip()]


def _box(f: DatasetFacts) -> str:
    """schema.org ``GeoShape.box``: "south west north east" (latitude before longitude)."""
    west, south, east, north = f.bbox
    return f"{south} {west} {north} {east}"


def _page(lang: Lang) -> str:
    return "data.html" if lang == "ja" else "en/data.html"


def dataset_jsonld(f: DatasetFacts, lang: Lang) -> dict[str, Any]:
    """The schema.org ``Dataset`` of the data page in ``lang`` (embed: :func:`jsonld_script`)."""
    project = {"@type": "Organization", "name": PROJECT, "url": f.base_url}
    plan = {
        "@type": "CreativeWork",
        "name": f.plan_title,
        "author": {"@type": "GovernmentOrganization", "name": f.plan_owner},
    }
    return {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": f.url(DATASET_FRAGMENT),
        "name": t("res_dataset_name", lang),
        "description": t("res_dataset_description", lang),
        "url": f.url(_page(lang)),
        "keywords": _keywords(lang),
        "license": DATA_LICENCE.url,
        "creditText": "; ".join((PROJECT, *f.attributions)),
        "isAccessibleForFree": True,
        "inLanguage": list(LANGS),
        "dateModified": f.modified,
        "creator": project,
        "publisher": project,
        "about": plan,
        "isBasedOn": [plan] + [{"@type": "CreativeWork", "name": s} for s in f.sources],
        "spatialCoverage": {
            "@type": "Place",
            "name": t("res_dataset_place", lang),
            "geo": {"@type": "GeoShape", "box": _box(f)},
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "name": d.label(lang),
                "encodingFormat": d.mediatype,
                "contentUrl": f.url(d.path),
                "contentSize": f"{d.bytes} B",
                "sha256": d.sha256,
                "license": DATA_LICENCE.url,
            }
            for d in f.downloads
        ],
        "subjectOf": [
            {
                "@type": "DigitalDocument",
                "name": "Frictionless Data Package",
                "encodingFormat": "application/json",
                "url": f.url(DATAPACKAGE_FILE),
            },
            {
                "@type": "DigitalDocument",
                "name": "DCAT catalogue",
                "encodingFormat": "application/ld+json",
                "url": f.url(DCAT_FILE),
            },
        ],
    }


def jsonld_script(doc: Any) -> str:
    """``doc`` as JSON for a ``<script type="application/ld+json">`` element.

    The same escaping as every other script payload (:func:`~ninohe_geo.escape.script_json`):
    ``<``, ``>``, ``&`` become ``\\u003c``… so a source reading ``</script>`` cannot end the
    element, and the text is still JSON that parses to the very same strings.
    """
    return script_json(doc)


def json_file(doc: Any) -> str:
    """``doc`` as a stand-alone JSON file: UTF-8 text, indented, one newline at the end."""
    return json.dumps(doc, ensure_ascii=False, indent=2, allow_nan=False) + "\n"


# --- DCAT -------------------------------------------------------------------------------------

DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "gsp": "http://www.opengis.net/ont/geosparql#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _texts(key: str) -> list[dict[str, str]]:
    return [{"@value": t(key, lang), "@language": lang} for lang in LANGS]


def _wkt(f: DatasetFacts) -> str:
    west, south, east, north = f.bbox
    ring = [(west, south), (east, south), (east, north), (west, north), (west, south)]
    return "POLYGON((" + ", ".join(f"{x} {y}" for x, y in ring) + "))"


def _dcat_media_type(mediatype: str) -> dict[str, Any]:
    """``dcat:mediaType`` (an IANA media type's IRI), or ``dct:format`` for an unregistered one."""
    if mediatype in UNREGISTERED_MEDIA_TYPES:
        return {"dct:format": {"@value": mediatype}}
    return {"dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{mediatype}"}}


def dcat_catalog(f: DatasetFacts) -> dict[str, Any]:
    """A DCAT catalogue of the one dataset (``catalog.jsonld`` at the site root)."""
    licence = {"@id": DATA_LICENCE.url}
    modified = {"@value": f.modified, "@type": "xsd:date"}
    publisher = {
        "@type": "foaf:Organization",
        "foaf:name": PROJECT,
        "foaf:homepage": {"@id": f.base_url},
    }
    landing = {"@id": f.url("data.html")}
    dataset = {
        "@id": f.url(DATASET_FRAGMENT),
        "@type": "dcat:Dataset",
        "dct:identifier": f.url(DATASET_FRAGMENT),
        "dct:title": _texts("res_dataset_name"),
        "dct:description": _texts("res_dataset_description"),
        "dcat:keyword": [
            {"@value": k, "@language": lang} for lang in LANGS for k in _keywords(lang)
        ],
        "dct:language": [
            {"@id": f"http://id.loc.gov/vocabulary/iso639-1/{lang}"} for lang in LANGS
        ],
        "dct:publisher": publisher,
        "dct:creator": publisher,
        "dct:license": licence,
        "dct:modified": modified,
        "dcat:landingPage": landing,
        "dct:spatial": {
            "@type": "dct:Location",
            "skos:prefLabel": _texts("res_dataset_place"),
            "dcat:bbox": {"@value": _wkt(f), "@type": "gsp:wktLiteral"},
        },
        "dct:source": [
            {"@type": "dct:BibliographicResource", "dct:title": title} for title in f.attributions
        ],
        "dcat:distribution": [
            {
                "@id": f"{f.url('data.html')}#{d.name}",
                "@type": "dcat:Distribution",
                "dct:title": [{"@value": d.label(lang), "@language": lang} for lang in LANGS],
                "dcat:accessURL": landing,
                "dcat:downloadURL": {"@id": f.url(d.path)},
                **_dcat_media_type(d.mediatype),
                "dcat:byteSize": {"@value": str(d.bytes), "@type": "xsd:nonNegativeInteger"},
                "spdx:checksum": {
                    "@type": "spdx:Checksum",
                    "spdx:algorithm": {"@id": "spdx:checksumAlgorithm_sha256"},
                    "spdx:checksumValue": {"@value": d.sha256, "@type": "xsd:hexBinary"},
                },
                "dct:license": licence,
                "dct:modified": modified,
            }
            for d in f.downloads
        ],
    }
    return {
        "@context": DCAT_CONTEXT,
        "@id": f.url(DCAT_FILE),
        "@type": "dcat:Catalog",
        "dct:title": _texts("res_title"),
        "dct:description": _texts("res_data_intro"),
        "dct:publisher": publisher,
        "dct:license": licence,
        "dct:modified": modified,
        "foaf:homepage": {"@id": f.base_url},
        "dcat:dataset": [dataset],
    }
