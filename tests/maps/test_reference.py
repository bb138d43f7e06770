"""Reference layers and circles of uncertainty (ninohe_geo.maps.reference)."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point, box

from ninohe_geo.maps.reference import (
    accuracy_circles,
    merged_ids,
    reference_element,
    reference_payload,
    without_merged,
)
from ninohe_geo.model.catalog import LayerInfo, load_catalog, reference_frame

REPO = Path(__file__).resolve().parents[2]


def _record(fid: str, layer: str, geom: object, **extra: str) -> dict[str, object]:
    return {
        "id": fid,
        "name_ja": extra.get("name_ja", "施設"),
        "name_en": "Facility",
        "measure": None,
        "status": "existing",
        "summary_ja": "AED設置箇所",
        "summary_en": "AED location",
        "accuracy": "facility",
        "source": "二戸市 AED設置箇所一覧",
        "updated": "2024-09-26",
        "details_ja": extra.get("details_ja", "設置位置：玄関\n小児対応：有"),
        "layer": layer,
        "geometry": geom,
    }


def test_payload_has_points_facts_and_outline_rings() -> None:
    frame = reference_frame(
        [
            _record("a-1", "aed", Point(141.3, 40.27)),
            _record("outline", "outline", box(141.1, 40.1, 141.3, 40.3)),
        ]
    )
    layers = [
        LayerInfo(
            "aed", "AED", "AED", "", "", "aed.geojson", 1, kind="reference", licence="CC BY 4.0"
        ),
        LayerInfo("outline", "境界", "Outline", "", "", "o.geojson", 1, kind="reference"),
    ]
    data = reference_payload(frame, layers, "ja")
    aed, outline = data["layers"]
    assert aed["label"] == "AED（1）"
    assert aed["points"][0]["details"] == ["AED設置箇所", "設置位置：玄関", "小児対応：有"]
    assert aed["source"] == "二戸市 AED設置箇所一覧（CC BY 4.0）"
    assert outline["points"] == [] and len(outline["outlines"]) == 1
    assert outline["label"] == "境界"  # no count for the one outline
    assert outline["outlines"][0][0] == [40.1, 141.3]  # Leaflet order: lat, lon


def test_hostile_names_reach_the_script_only_as_json() -> None:
    frame = reference_frame(
        [_record("x", "aed", Point(141.3, 40.27), name_ja="</script><img src=x onerror=alert(1)>")]
    )
    layers = [LayerInfo("aed", "AED", "AED", "", "", "aed.geojson", 1, kind="reference")]
    element = reference_element(frame, layers, "ja")
    assert element is not None
    assert "</script>" not in element.data and "<img" not in element.data
    assert json.loads(element.data)["layers"][0]["points"][0]["name"].startswith("</script>")


def test_circles_only_for_points_that_state_a_real_uncertainty() -> None:
    catalog = load_catalog(REPO / "geodata")
    circles = accuracy_circles(catalog.features, catalog.plan)
    metres = sorted(c["metres"] for c in circles)
    # 天台寺 and the 資料館 (1.5 km), 斗米駅 (400 m), 浄法寺総合支所 (300 m), …; never a 30 m one.
    assert metres.count(1500.0) == 2 and 400.0 in metres and min(metres) >= 50
    empty = gpd.GeoDataFrame({"accuracy_m": []}, geometry=[], crs="EPSG:4326")
    assert accuracy_circles(empty, catalog.plan) == []


def test_the_shipped_reference_layers() -> None:
    """Issue #13: the city outline and the AEDs are shipped (our importer's output), not counted
    as plan projects."""
    catalog = load_catalog(REPO / "geodata")
    kinds = {layer.id: layer.kind for layer in catalog.layers}
    assert kinds["aed"] == kinds["city-outline"] == "reference"
    # 31 + the sourced places of FACTS.md added for #13, and 4 city facilities of the AED list
    # (the library shares the culture hall's point: one mark, said in the hall's summary)
    assert len(catalog.features) == 41
    hall = catalog.features.loc["civic-culture-hall"]
    aed = catalog.reference.loc["da-aed-032131-21"]  # the same building in the city's AED list
    assert hall.geometry.equals(aed.geometry) and hall["measure"] == "P3-03"
    assert "AED設置箇所一覧" in hall["source"] and hall["accuracy_m"] == "30"
    assert (catalog.reference["layer"] == "aed").sum() == 44
    teki = catalog.features.loc["tekiseisha"]
    assert (round(teki.geometry.y, 6), round(teki.geometry.x, 6)) == (40.197501, 141.179762)
    assert catalog.features.loc["tendaiji-temple", "accuracy_m"] == "1500"


def test_a_record_our_feature_stands_for_is_drawn_once() -> None:
    reference = reference_frame(
        [
            _record("gsi-e1", "gsi-emergency", Point(141.30, 40.27)),
            _record("gsi-e2", "gsi-emergency", Point(141.31, 40.28)),
        ]
    )
    ours = gpd.GeoDataFrame(
        {"same_as": ["gsi-e1", None]}, geometry=[Point(141.3, 40.27)] * 2, crs="EPSG:4326"
    )
    assert list(without_merged(reference, ours).index) == ["gsi-e2"]
    assert list(without_merged(reference, ours.drop(columns="same_as")).index) == [
        "gsi-e1",
        "gsi-e2",
    ]


def test_shipped_shelters_all_124_with_hazards_and_ours_merged() -> None:
    catalog = load_catalog(REPO / "geodata")
    counts = catalog.reference["layer"].value_counts()
    assert (counts["gsi-emergency"], counts["gsi-evacuation"], counts["aed"]) == (78, 46, 44)
    emergency = catalog.reference[catalog.reference["layer"] == "gsi-emergency"]
    assert emergency["measure"].isna().all()  # context, not a project
    fukuoka = emergency.loc["gsi-e0321300062201"]
    assert fukuoka["name_ja"] == "福岡中学校"
    assert fukuoka["hazards"] == "flood,landslide,earthquake,fire,inland_flood"
    points = catalog.reference[catalog.reference.geometry.geom_type == "Point"]
    assert len(points) == 168 and (points["accuracy_m"] == "30").all()
    # Our four shelters stand for 7 GSI records, カダルテラス金田一 for one more: those are then
    # not drawn a second time.
    merged = merged_ids(catalog.features)
    assert len(merged) == 8 and merged <= set(catalog.reference.index)
    assert "gsi-e0321300008201" in merged  # 金田一近隣公園カダルテラス金田一
    payload = reference_payload(
        without_merged(catalog.reference, catalog.features), catalog.reference_layers(), "ja"
    )
    drawn = {layer["id"]: len(layer["points"]) for layer in payload["layers"]}
    assert drawn["gsi-emergency"] == 78 - 4 and drawn["gsi-evacuation"] == 46 - 4
