"""Write the catalogue's features (everything or a filtered view) as GeoJSON, GeoPackage,
FlatGeobuf, GeoParquet, CSV or KML — formats a city's other tools read, and that
``ninohe-geo import`` reads back.

- GeoJSON: RFC 7946 (lon/lat, ≤ 7 decimals, counter-clockwise rings), our schema's properties.
- GeoPackage: one layer ``ninohe_geo`` in EPSG:4326, our fields plus ``layer``.
- FlatGeobuf (``.fgb``): the same fields and CRS as the GeoPackage, written by GDAL with its
  packed Hilbert R-tree spatial index (so the features are stored in spatial order, not ours).
- GeoParquet (``.parquet``): GeoParquet 1.x as geopandas writes it with pyarrow (WKB geometry,
  the CRS as PROJJSON in the ``geo`` metadata), the same fields as text columns.
- CSV: UTF-8 with BOM (so Excel opens Japanese correctly), our fields, ``layer``, ``longitude``/
  ``latitude`` of a representative point (exact for points) and ``geometry_wkt``. No official
  open-data layout fits plan projects as a whole, so this, our own schema, is the default; features
  imported from one standard dataset can be written in its layout instead (``layout=``, see
  :mod:`ninohe_geo.io.export_layouts` for when ``--layout auto`` picks one). Values that a
  spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab, CR) are
  prefixed with ``'`` (OWASP's advice) in either layout; the importer removes it again. The
  binary formats keep every value exactly as it is (no spreadsheet runs them).
- KML: one Placemark per feature, name = name_ja, every field in ``ExtendedData``; text escaped.

GeoPackage, FlatGeobuf and GeoParquet are written from one table (:func:`attribute_frame`),
built column by column: a geometry's type is kept as it is (a Polygon beside a MultiPolygon is
not promoted to a MultiPolygon), so each reads back as written.

Every write is atomic (temporary file in the target folder, then ``os.replace``).
"""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from ninohe_geo.io.cells import neutralise
from ninohe_geo.io.errors import ImportFileError
from ninohe_geo.io.layerfile import (
    DECIMALS,
    document_bytes,
    feature_json,
    normalise,
    write_bytes_atomic,
)
from ninohe_geo.model.schema import ALL_FIELDS

if TYPE_CHECKING:
    from ninohe_geo.io.export_layouts import Layout

EXPORT_FORMATS = ("geojson", "gpkg", "fgb", "parquet", "csv", "kml")
MEDIA_TYPES = {
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    # FlatGeobuf has no IANA registration; application/flatgeobuf is the type OGC API - Features
    # servers and clients use for it (e.g. QGIS, src/providers/wfs/qgswfsnewconnection.cpp).
    "fgb": "application/flatgeobuf",
    # IANA, registered 2024-02-14 for Apache Parquet (GeoParquet has no type of its own):
    # https://www.iana.org/assignments/media-types/application/vnd.apache.parquet
    "parquet": "application/vnd.apache.parquet",
    "csv": "text/csv",
    "kml": "application/vnd.google-earth.kml+xml",
}
#: The file name suffix of each export format (``--format`` names are not all suffixes).
EXTENSIONS = {fmt: f".{fmt}" for fmt in EXPORT_FORMATS}
#: The columns of the GeoPackage, FlatGeobuf and GeoParquet exports (besides the geometry).
FRAME_COLUMNS: tuple[str, ...] = (*ALL_FIELDS, "layer")


def _text(value: Any) -> str:
    """A cell's text: '' for missing values (None, NaN)."""
    return value if isinstance(value, str) else ""


def _props(row: pd.Series) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in ALL_FIELDS:
        value = row.get(name)
        if isinstance(value, str) and value:
            out[name] = value
    return out


def to_geojson(features: gpd.GeoDataFrame) -> bytes:
    """RFC 7946 FeatureCollection bytes."""
    doc = {
        "type": "FeatureCollection",
        "features": [
            feature_json(str(row["id"]), _props(row), row.geometry)
            for _, row in features.iterrows()
        ],
    }
    return document_bytes(doc)


def to_csv(features: gpd.GeoDataFrame) -> bytes:
    """CSV bytes (UTF-8 with BOM), formula-safe."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([*ALL_FIELDS, "layer", "longitude", "latitude", "geometry_wkt"])
    for _, row in features.iterrows():
        geom = normalise(row.geometry)
        point = geom if geom.geom_type == "Point" else geom.representative_point()
        cells = [neutralise(_text(row.get(name))) for name in ALL_FIELDS]
        cells.append(neutralise(_text(row.get("layer"))))
        cells += [f"{point.x:.7f}", f"{point.y:.7f}", shapely.to_wkt(geom, rounding_precision=7)]
        writer.writerow(cells)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def _kml_coords(geom: Any) -> str:
    return " ".join(f"{x:.7f},{y:.7f}" for x, y in shapely.get_coordinates(geom))


def _kml_geometry(geom: Any) -> str:
    kind = geom.geom_type
    if kind == "Point":
        return f"<Point><coordinates>{_kml_coords(geom)}</coordinates></Point>"
    if kind == "LineString":
        return f"<LineString><coordinates>{_kml_coords(geom)}</coordinates></LineString>"
    if kind == "Polygon":
        inner = "".join(
            f"<innerBoundaryIs><LinearRing><coordinates>{_kml_coords(r)}</coordinates>"
            "</LinearRing></innerBoundaryIs>"
            for r in geom.interiors
        )
        return (
            f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{_kml_coords(geom.exterior)}"
            f"</coordinates></LinearRing></outerBoundaryIs>{inner}</Polygon>"
        )
    return "<MultiGeometry>" + "".join(_kml_geometry(g) for g in geom.geoms) + "</MultiGeometry>"


def to_kml(features: gpd.GeoDataFrame) -> bytes:
    """KML 2.2 bytes."""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document><name>ninohe-geo</name>'
    ]
    for _, row in features.iterrows():
        props = _props(row)
        data = "".join(
            f"<Data name={quoteattr(k)}><value>{escape(v)}</value></Data>" for k, v in props.items()
        )
        parts.append(
            f"<Placemark id={quoteattr(str(row['id']))}><name>{escape(props.get('name_ja', ''))}"
            f"</name><ExtendedData>{data}</ExtendedData>"
            f"{_kml_geometry(normalise(row.geometry))}</Placemark>"
        )
    parts.append("</Document></kml>\n")
    return "".join(parts).encode("utf-8")


def _text_column(features: gpd.GeoDataFrame, name: str) -> Any:
    """The column ``name`` as an object array of text, None where a value is missing or empty
    (not a string: None, NaN, pd.NA)."""
    if name not in features:
        return np.full(len(features), None, dtype=object)
    values = features[name].to_numpy(dtype=object, copy=True)
    text = np.fromiter((isinstance(v, str) and v != "" for v in values), bool, len(values))
    values[~text] = None
    return values


def normalised(geometries: Any) -> Any:
    """The geometries (an array) as :func:`~ninohe_geo.io.layerfile.normalise` makes each one:
    rounded to :data:`~ninohe_geo.io.layerfile.DECIMALS`, polygons' exterior rings
    counter-clockwise and holes clockwise — in two vectorised calls, not one per feature."""
    rounded = shapely.transform(
        np.asarray(geometries, dtype=object), lambda c: np.round(c, DECIMALS)
    )
    return shapely.orient_polygons(rounded, exterior_cw=False)


def attribute_frame(features: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The table the GeoPackage, FlatGeobuf and GeoParquet exports write: :data:`FRAME_COLUMNS`
    as text (None for a missing value), normalised geometry, EPSG:4326."""
    return gpd.GeoDataFrame(
        {name: _text_column(features, name) for name in FRAME_COLUMNS},
        geometry=normalised(features.geometry.to_numpy()),
        crs="EPSG:4326",
    )


def _gdal_bytes(features: gpd.GeoDataFrame, driver: str, suffix: str, **options: Any) -> bytes:
    """The features written by GDAL ``driver`` to a temporary file, read back as bytes."""
    import pyogrio

    with tempfile.TemporaryDirectory(prefix="ninohe-export-") as tmp:
        path = Path(tmp) / f"export{suffix}"
        pyogrio.write_dataframe(
            attribute_frame(features),
            path,
            layer="ninohe_geo",
            driver=driver,
            promote_to_multi=False,
            **options,
        )
        return path.read_bytes()


def to_gpkg(features: gpd.GeoDataFrame) -> bytes:
    """GeoPackage bytes (written by GDAL to a temporary file, then read back)."""
    return _gdal_bytes(features, "GPKG", ".gpkg")


def to_fgb(features: gpd.GeoDataFrame) -> bytes:
    """FlatGeobuf bytes, with the spatial index (GDAL's ``SPATIAL_INDEX=YES``)."""
    return _gdal_bytes(features, "FlatGeobuf", ".fgb", layer_options={"SPATIAL_INDEX": "YES"})


def to_parquet(features: gpd.GeoDataFrame) -> bytes:
    """GeoParquet 1.x bytes (geopandas with pyarrow; text columns typed as strings even when
    every value is missing, so other readers see a string column, not a null one)."""
    frame = attribute_frame(features)
    for name in FRAME_COLUMNS:
        frame[name] = frame[name].astype("string")
    buf = io.BytesIO()
    frame.to_parquet(buf, index=False, compression="snappy")
    return buf.getvalue()


WRITERS = {
    "geojson": to_geojson,
    "gpkg": to_gpkg,
    "fgb": to_fgb,
    "parquet": to_parquet,
    "csv": to_csv,
    "kml": to_kml,
}


def export_bytes(features: gpd.GeoDataFrame, fmt: str, layout: Layout | None = None) -> bytes:
    """The features in ``fmt`` (one of :data:`EXPORT_FORMATS`); a CSV in the standard
    open-data ``layout`` when one is given (None: our own schema)."""
    if fmt not in WRITERS:
        raise ImportFileError("--format", f"unknown export format {fmt!r}: one of {EXPORT_FORMATS}")
    if layout is not None and fmt != "csv":
        raise ImportFileError("--layout", f"a standard layout applies to CSV only, not {fmt!r}")
    if features.empty:
        raise ImportFileError("export", "no features to export (the filter matches none)")
    if layout is not None:
        from ninohe_geo.io.export_layouts import to_layout_csv

        return to_layout_csv(features, layout)
    return WRITERS[fmt](features)


def export_file(
    features: gpd.GeoDataFrame, fmt: str, out: Path, layout: Layout | None = None
) -> Path:
    """Write the features to ``out`` atomically; returns ``out``."""
    data = export_bytes(features, fmt, layout)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_bytes_atomic(out, data)
    return out
