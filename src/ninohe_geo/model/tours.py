"""Guided tours as data: ``geodata/tours/*.yaml``, a typed model, and checks against the catalogue.

A tour walks a community meeting through the plan place by place. Each stop shows one feature,
several features, or an area (a bounding box), with the layers to show, a zoom and a caption in
Japanese and English. A stop whose measure has no mapped site (the plan names none) is an area
stop whose caption says so, rather than a guessed point.

Files are edited by hand, so the model is pydantic (errors name the path inside the YAML, like
:mod:`ninohe_geo.model.plan`) and a broken tour file becomes a
:class:`~ninohe_geo.model.checks.Problem`
instead of stopping the app: the other tours keep working. :func:`tour_problems` checks that
every stop refers to features and layers that exist in the loaded catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ninohe_geo.model.catalog import Catalog
from ninohe_geo.model.checks import Problem
from ninohe_geo.model.plan import Lang

#: A tour file larger than this is refused unread (the shipped ones are ~5 KB).
MAX_TOUR_BYTES = 1024 * 1024

BBox = tuple[float, float, float, float]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Stop(_Frozen):
    """One stop of a tour: what to show, how close, and what to say."""

    title_ja: str = Field(min_length=1, description="short heading of the stop")
    title_en: str = Field(min_length=1)
    caption_ja: str = Field(min_length=1, description="what the presenter says; facts only")
    caption_en: str = Field(min_length=1)
    features: tuple[str, ...] = Field(
        default=(), description="feature ids to frame and highlight (one or several)"
    )
    bbox: BBox | None = Field(
        default=None, description="an area to frame instead: (west, south, east, north) lon/lat"
    )
    zoom: int | None = Field(
        default=None, ge=5, le=18, description="the zoom to show (the most, when framing features)"
    )
    layers: tuple[str, ...] = Field(default=(), description="layer ids shown; empty: all layers")

    @model_validator(mode="after")
    def _has_a_place(self) -> Stop:
        if not self.features and self.bbox is None:
            raise ValueError("a stop needs 'features' (feature ids) or 'bbox' (an area)")
        if self.bbox is not None:
            west, south, east, north = self.bbox
            if not (-180 <= west < east <= 180 and -90 <= south < north <= 90):
                raise ValueError(
                    "bbox must be (west, south, east, north) in lon/lat degrees with west < east "
                    "and south < north"
                )
        return self

    def title(self, lang: Lang) -> str:
        """The heading in ``lang``."""
        return self.title_ja if lang == "ja" else self.title_en

    def caption(self, lang: Lang) -> str:
        """The caption in ``lang``."""
        return self.caption_ja if lang == "ja" else self.caption_en


class Tour(_Frozen):
    """An ordered list of stops with a title; ``id`` is what links use (``?tour=featured``)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-]*$", description="stable ID, used in URLs")
    title_ja: str = Field(min_length=1)
    title_en: str = Field(min_length=1)
    description_ja: str = ""
    description_en: str = ""
    order: int = Field(default=100, description="position in the tour list (lower first)")
    stops: tuple[Stop, ...] = Field(min_length=1)

    def title(self, lang: Lang) -> str:
        """The title in ``lang``."""
        return self.title_ja if lang == "ja" else self.title_en

    def description(self, lang: Lang) -> str:
        """The description in ``lang``."""
        return self.description_ja if lang == "ja" else self.description_en


@dataclass(frozen=True)
class TourSet:
    """The tours of a data folder and what could not be read."""

    tours: tuple[Tour, ...]
    problems: tuple[Problem, ...] = ()

    def get(self, tour_id: str | None) -> Tour | None:
        """The tour with ``tour_id``, or None."""
        for tour in self.tours:
            if tour.id == tour_id:
                return tour
        return None


def tours_dir(root: Path) -> Path:
    """The tours folder of a data folder."""
    return root / "tours"


def _describe(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
    )


def read_tour(path: Path) -> tuple[Tour | None, list[Problem]]:
    """Read one tour file; a broken file gives a Problem naming the file and the YAML path."""
    name = f"tours/{path.name}"
    try:
        size = path.stat().st_size
        if size > MAX_TOUR_BYTES:
            return None, [Problem(name, None, f"file is {size:,} bytes; limit {MAX_TOUR_BYTES:,}")]
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        return None, [Problem(name, None, f"cannot read the tour file: {exc.strerror}")]
    except UnicodeDecodeError as exc:
        return None, [Problem(name, None, f"not UTF-8 text: {exc.reason} at byte {exc.start}")]
    except yaml.YAMLError as exc:
        return None, [Problem(name, None, f"not valid YAML: {exc}")]
    if not isinstance(raw, dict):
        return None, [Problem(name, None, "expected a mapping (id, title_ja, stops, …)")]
    try:
        return Tour.model_validate(raw), []
    except ValidationError as exc:
        return None, [Problem(name, None, f"does not match the tour model: {_describe(exc)}")]


def load_tours(root: Path) -> TourSet:
    """Every ``tours/*.yaml`` of the data folder ``root``, sorted by ``order`` then id.

    A missing folder is no tours (not an error); a broken file or a repeated id is reported and
    left out, and the rest load.
    """
    folder = tours_dir(root)
    paths = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    tours: list[Tour] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in paths:
        tour, found = read_tour(path)
        problems.extend(found)
        if tour is None:
            continue
        if tour.id in seen:
            problems.append(
                Problem(
                    f"tours/{path.name}",
                    None,
                    f"tour id {tour.id!r} is already used by tours/{seen[tour.id]}",
                    field="id",
                )
            )
            continue
        seen[tour.id] = path.name
        tours.append(tour)
    tours.sort(key=lambda t: (t.order, t.id))
    return TourSet(tuple(tours), tuple(problems))


def tour_problems(tour: Tour, catalog: Catalog, file: str | None = None) -> list[Problem]:
    """What in ``tour`` refers to something the catalogue does not have.

    Every feature id must exist, every layer id must exist, and a stop that limits the layers
    must show the layers of its own features (else the highlighted place would be hidden).
    """
    where = file or f"tours/{tour.id}.yaml"
    layer_ids = {layer.id for layer in catalog.layers}
    problems: list[Problem] = []
    for number, stop in enumerate(tour.stops, start=1):
        label = f"stop {number}"
        for layer in stop.layers:
            if layer not in layer_ids:
                problems.append(
                    Problem(
                        where,
                        label,
                        f"unknown layer {layer!r}; expected one of {', '.join(sorted(layer_ids))}",
                        field="layers",
                    )
                )
        for fid in stop.features:
            row = catalog.feature(fid)
            if row is None:
                problems.append(
                    Problem(where, label, f"no feature with id {fid!r} is loaded", field="features")
                )
            elif stop.layers and row["layer"] not in stop.layers:
                problems.append(
                    Problem(
                        where,
                        label,
                        f"feature {fid!r} is in layer {row['layer']!r}, which this stop hides; "
                        "add the layer to 'layers'",
                        field="layers",
                    )
                )
    return problems


def all_tour_problems(tours: TourSet, catalog: Catalog) -> list[Problem]:
    """Problems of reading the tours plus every tour's references (for ``validate``)."""
    out = list(tours.problems)
    for tour in tours.tours:
        out.extend(tour_problems(tour, catalog))
    return out


@dataclass(frozen=True)
class StopView:
    """What the map shows at a stop: the frame, the highlighted features, the layers."""

    bounds: BBox
    """(west, south, east, north) to frame."""
    max_zoom: int | None
    """The zoom cap when framing (a single point would otherwise zoom in all the way)."""
    highlight: tuple[str, ...]
    """Feature ids to highlight (those that exist)."""
    layers: frozenset[str]
    """Layer ids shown; empty: all."""


#: Around a single point, frame this much (degrees) so the zoom cap decides the scale.
_POINT_PAD = 0.002


def stop_view(stop: Stop, catalog: Catalog) -> StopView:
    """The frame and highlight of ``stop`` (missing features are skipped, never guessed)."""
    present = tuple(fid for fid in stop.features if catalog.feature(fid) is not None)
    if stop.bbox is not None:
        bounds: BBox = stop.bbox
    elif present:
        geoms = catalog.features.loc[list(present)].geometry
        west, south, east, north = (float(v) for v in geoms.total_bounds)
        if east - west < _POINT_PAD and north - south < _POINT_PAD:
            west, east = west - _POINT_PAD, east + _POINT_PAD
            south, north = south - _POINT_PAD, north + _POINT_PAD
        bounds = (west, south, east, north)
    else:
        from ninohe_geo.model.boundary import CITY_BBOX

        bounds = CITY_BBOX
    return StopView(bounds, stop.zoom, present, frozenset(stop.layers))


def clamp_stop(tour: Tour, stop: int | None) -> int:
    """A 1-based stop number within the tour (links may carry a stale or hand-edited one)."""
    if stop is None:
        return 1
    return max(1, min(len(tour.stops), stop))
