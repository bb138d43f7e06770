"""Tours: the model, loading a folder with broken files, references, stop frames, validate."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from shapely.geometry import box

from ninohe_geo.cli import main
from ninohe_geo.model.boundary import CITY_BBOX, Boundary
from ninohe_geo.model.catalog import load_catalog
from ninohe_geo.model.tours import (
    Stop,
    clamp_stop,
    load_tours,
    stop_view,
    tour_problems,
    tours_dir,
)
from ninohe_geo.store.validate import validate_path

MakeDataDir = Callable[..., Path]
TOURS = Path(__file__).resolve().parents[1] / "data" / "tours"
REPO = Path(__file__).resolve().parents[2]


def _with_tours(root: Path, *folders: str) -> Path:
    tours_dir(root).mkdir()
    for folder in folders:
        for f in (TOURS / folder).glob("*.yaml"):
            shutil.copyfile(f, tours_dir(root) / f.name)
    return root


def test_good_tour_loads_and_refers_to_existing_things(make_data_dir: MakeDataDir) -> None:
    root = _with_tours(make_data_dir("good"), "good")
    tours = load_tours(root)
    assert tours.problems == ()
    tour = tours.get("castle")
    assert tour is not None and len(tour.stops) == 3
    assert tour_problems(tour, load_catalog(root)) == []
    assert tours.get("nope") is None


def test_broken_tours_are_reported_by_file_and_the_rest_load(make_data_dir: MakeDataDir) -> None:
    root = _with_tours(make_data_dir("good"), "good", "broken")
    tours = load_tours(root)
    assert [t.id for t in tours.tours] == ["castle", "dangling"]
    by_file = {p.file: p.message for p in tours.problems}
    assert set(by_file) == {"tours/not-yaml.yaml", "tours/no-place.yaml"}
    assert "not valid YAML" in by_file["tours/not-yaml.yaml"]
    # The YAML path of the mistake is named.
    assert "stops.0: Value error, a stop needs 'features'" in by_file["tours/no-place.yaml"]


def test_dangling_references_name_the_stop_and_field(make_data_dir: MakeDataDir) -> None:
    root = _with_tours(make_data_dir("good"), "broken")
    catalog = load_catalog(root)
    tour = load_tours(root).get("dangling")
    assert tour is not None
    problems = tour_problems(tour, catalog)
    messages = [(p.feature, p.field, p.message) for p in problems]
    assert ("stop 1", "layers", messages[0][2]) == messages[0]
    assert "unknown layer 'no-such-layer'" in messages[0][2]
    assert any("no feature with id 'no-such-feature'" in m for _, _, m in messages)
    # castle exists but its layer (sample) is hidden by this stop.
    assert any("'castle' is in layer 'sample', which this stop hides" in m for _, _, m in messages)


def test_a_repeated_tour_id_is_reported(make_data_dir: MakeDataDir) -> None:
    root = _with_tours(make_data_dir("good"), "good")
    shutil.copyfile(tours_dir(root) / "castle.yaml", tours_dir(root) / "castle-copy.yaml")
    tours = load_tours(root)
    assert len(tours.tours) == 1
    assert [p.field for p in tours.problems] == ["id"]
    assert "already used by tours/castle" in tours.problems[0].message


def test_no_tours_folder_is_no_tours(make_data_dir: MakeDataDir) -> None:
    tours = load_tours(make_data_dir("good"))
    assert tours.tours == () and tours.problems == ()


@pytest.mark.parametrize(
    ("bbox", "ok"),
    [
        ((141.0, 40.0, 141.5, 40.5), True),
        ((141.5, 40.0, 141.0, 40.5), False),  # west > east
        ((141.0, 40.5, 141.5, 40.0), False),  # south > north
        ((141.0, 40.0, 200.0, 40.5), False),  # not degrees
    ],
)
def test_bbox_must_be_west_south_east_north(bbox: tuple[float, ...], ok: bool) -> None:
    raw = {"title_ja": "a", "title_en": "a", "caption_ja": "a", "caption_en": "a", "bbox": bbox}
    if ok:
        assert Stop.model_validate(raw).bbox == bbox
    else:
        with pytest.raises(ValueError, match="bbox must be"):
            Stop.model_validate(raw)


def test_stop_view_frames_features_bbox_or_city(make_data_dir: MakeDataDir) -> None:
    root = _with_tours(make_data_dir("good"), "good")
    catalog = load_catalog(root)
    tour = load_tours(root).get("castle")
    assert tour is not None
    overview, castle, pair = (stop_view(s, catalog) for s in tour.stops)
    assert overview.bounds == (141.03, 40.12, 141.46, 40.41) and overview.highlight == ()
    # A single point gets a small frame around it; the zoom cap decides the scale.
    west, south, east, north = castle.bounds
    assert west < 141.303333 < east and south < 40.267222 < north
    assert castle.max_zoom == 16 and castle.layers == frozenset({"sample"})
    assert castle.highlight == ("castle",)
    assert pair.bounds == pytest.approx((141.285639, 40.259861, 141.303333, 40.267222))
    # A missing feature is skipped, never guessed; with none left, the city is shown.
    lonely = Stop(title_ja="a", title_en="a", caption_ja="a", caption_en="a", features=("gone",))
    assert stop_view(lonely, catalog).bounds == CITY_BBOX


@pytest.mark.parametrize("zoom", [4, 19, 30])
def test_zoom_out_of_range_is_refused(zoom: int) -> None:
    raw = {"title_ja": "a", "title_en": "a", "caption_ja": "a", "caption_en": "a"}
    with pytest.raises(ValueError, match="zoom"):
        Stop.model_validate({**raw, "features": ["x"], "zoom": zoom})


def test_clamp_stop(make_data_dir: MakeDataDir) -> None:
    tour = load_tours(_with_tours(make_data_dir("good"), "good")).get("castle")
    assert tour is not None
    assert [clamp_stop(tour, n) for n in (None, -3, 0, 1, 3, 99)] == [1, 1, 1, 1, 3, 3]


def test_validate_reports_tour_problems(make_data_dir: MakeDataDir) -> None:
    wide = Boundary(box(141.0, 40.0, 142.0, 41.0), "box", True)
    good = _with_tours(make_data_dir("good"), "good")
    assert validate_path(good, wide).ok
    bad = _with_tours(make_data_dir("good"), "good", "broken")
    report = validate_path(bad, wide)
    assert not report.ok
    text = report.text()
    assert "tours/not-yaml.yaml" in text and "tours/dangling.yaml [feature stop 1]" in text


def test_cli_validate_fails_on_a_dangling_tour(
    make_data_dir: MakeDataDir, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _with_tours(make_data_dir("good"), "broken")
    assert main(["validate", str(root)]) == 1
    assert "no-such-feature" in capsys.readouterr().out


def test_shipped_tours_are_valid_and_cover_the_featured_measures() -> None:
    catalog = load_catalog(REPO / "geodata")
    tours = load_tours(REPO / "geodata")
    assert tours.problems == ()
    assert {t.id for t in tours.tours} >= {"featured", "disaster"}
    for tour in tours.tours:
        assert tour_problems(tour, catalog) == []
    featured = tours.get("featured")
    assert featured is not None
    text = " ".join(s.title_ja for s in featured.stops)
    for measure in catalog.plan.measures:
        if measure.featured:
            assert measure.name_ja in text, measure.name_ja
    # Measures with nothing on the map are area stops that say so, not invented points.
    for stop in featured.stops:
        if not stop.features:
            assert stop.bbox is not None
    unmapped = [s for s in featured.stops if "子育て" in s.title_ja or "民間力" in s.title_ja]
    assert unmapped and all("載せていません" in s.caption_ja for s in unmapped)
    disaster = tours.get("disaster")
    assert disaster is not None
    ids = {fid for s in disaster.stops for fid in s.features}
    assert "ninohe-city-hall" in ids and "disaster-base-study" in ids
