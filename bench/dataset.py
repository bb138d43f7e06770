"""Write a synthetic data folder (plan.yaml + layers/*.geojson) that the app can serve.

The load and drawing benchmarks run the real app on the real loader; for sizes beyond the
shipped catalogue they need data files, not just a table. The features are those of
:func:`bench.synthetic.make_records` (same seed, same table as the map benchmark), one GeoJSON
file per geometry kind, with 6-decimal coordinates as the data guide asks.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from bench.synthetic import make_records
from ninohe_geo.model.plan import load_plan
from ninohe_geo.paths import layers_dir, plan_file

#: Properties that are not feature properties in the files.
_NOT_PROPERTIES = ("geometry", "layer")


def _rounded(geometry: BaseGeometry) -> BaseGeometry:
    """6 decimals, ring orientation kept (``set_precision`` would re-orient rings)."""
    rounded: BaseGeometry = shapely.transform(geometry, lambda c: np.round(c, 6))
    return rounded


def write_dataset(out: Path, n: int, source: Path, seed: int = 2021) -> Path:
    """Write ``n`` mixed features under ``out`` (plan copied from ``source``); returns ``out``."""
    plan = load_plan(plan_file(source))
    records = make_records(n, "mixed", plan, seed)
    layers = layers_dir(out)
    layers.mkdir(parents=True, exist_ok=True)
    shutil.copy(plan_file(source), plan_file(out))
    by_layer: dict[str, list[dict[str, object]]] = {}
    for record in records:
        geometry = json.loads(shapely.to_geojson(_rounded(record["geometry"])))
        properties = {k: v for k, v in record.items() if k not in _NOT_PROPERTIES}
        feature = {"type": "Feature", "properties": properties, "geometry": geometry}
        by_layer.setdefault(str(record["layer"]), []).append(feature)
    for name, features in by_layer.items():
        collection = {"type": "FeatureCollection", "name": name, "features": features}
        (layers / f"{name}.geojson").write_text(
            json.dumps(collection, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
        )
    return out
