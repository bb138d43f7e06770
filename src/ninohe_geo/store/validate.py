"""``ninohe-geo validate``: check a store (a data folder or a database) or a single layer file
and report per feature.

Everything the loader checks (files parse, schema, measures, geometry validity, RFC 7946
winding, unique ids) plus the city boundary. The report is what the app's import page shows too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ninohe_geo.model.boundary import Boundary
from ninohe_geo.model.catalog import Catalog, load_catalog, read_layer, reference_link_problems
from ninohe_geo.model.checks import Problem, boundary_problems, duplicate_id_problems
from ninohe_geo.model.plan import load_plan
from ninohe_geo.paths import data_dir, plan_file


@dataclass(frozen=True)
class Report:
    """The outcome of a validation."""

    target: str
    features: int
    problems: tuple[Problem, ...]
    boundary_source: str

    @property
    def errors(self) -> tuple[Problem, ...]:
        """Problems that block."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        """Problems that do not block."""
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        """True when there is no error."""
        return not self.errors

    def text(self) -> str:
        """The report as readable lines."""
        lines = [str(p) for p in self.problems]
        verdict = "OK" if self.ok else "FAILED"
        lines.append(
            f"{verdict}: {self.target}: {self.features} feature(s) checked, "
            f"{len(self.errors)} error(s), {len(self.warnings)} warning(s); "
            f"boundary: {self.boundary_source}"
        )
        return "\n".join(lines)


def validate_path(target: Path, boundary: Boundary, plan_path: Path | None = None) -> Report:
    """Validate a data folder (with ``plan.yaml``) or one ``.geojson`` layer file.

    A single file is checked against ``plan_path`` (default: the data folder in use).
    """
    problems: list[Problem] = []
    if target.is_dir():
        catalog = load_catalog(target)
        # Tours (tours/*.yaml) must read and refer only to features and layers that exist.
        from ninohe_geo.model.tours import all_tour_problems, load_tours

        problems.extend(all_tour_problems(load_tours(target), catalog))
        problems.extend(_catalog_problems(catalog, boundary))
        problems.extend(reference_link_problems(catalog, str(plan_file(target))))
        from ninohe_geo.store.file import FileStore

        problems.extend(project_problems_in(FileStore(target).projects(), catalog, "projects.json"))
        problems.extend(plan_version_problems(target))
        count = len(catalog.features) + len(catalog.reference)
    else:
        plan = load_plan(plan_path or plan_file(data_dir()))
        _, records, found = read_layer(target, plan)
        problems.extend(found)
        problems.extend(duplicate_id_problems((target.name, r["id"]) for r in records))
        count = len(records) + len({p.feature for p in found if p.severity == "error"})
        for rec in records:
            problems.extend(
                boundary_problems(target.name, rec["id"], rec["geometry"], boundary.geometry)
            )
    return _report(str(target), count, problems, boundary)


def validate_store(location: str, boundary: Boundary) -> Report:
    """Validate the store at ``location`` (a ``postgresql://`` URL, or a folder) as the app and
    every command read it (:func:`ninohe_geo.store.catalog.open_catalog`)."""
    from ninohe_geo.store.catalog import folder_of, is_folder, open_catalog
    from ninohe_geo.store.registry import redact

    if is_folder(location):
        return validate_path(folder_of(location), boundary)
    from ninohe_geo.store.registry import open_store

    catalog = open_catalog(location)
    problems = _catalog_problems(catalog, boundary)
    problems += project_problems_in(open_store(location).projects(), catalog, "projects")
    return _report(
        redact(location), len(catalog.features) + len(catalog.reference), problems, boundary
    )


def plan_version_problems(root: Path) -> list[Problem]:
    """The other plan versions (``plans/*.yaml``) must read, each with a readable period."""
    from ninohe_geo.errors import NinoheGeoError
    from ninohe_geo.model.plans import load_versions

    try:
        versions = load_versions(root)
    except NinoheGeoError as exc:
        return [Problem("plans", None, str(exc))]
    return [
        Problem(v.file, None, f"period_ja {v.plan.period_ja!r} is not a range of fiscal years")
        for v in versions
        if not v.years
    ]


def project_problems_in(
    projects: list[dict[str, Any]], catalog: Catalog, file: str
) -> list[Problem]:
    """Every stored project's places against the catalogue (a feature id that names no feature
    is a warning: the place may be removed). The projects' own checks against the plan are the
    catalogue's problems (:func:`ninohe_geo.model.catalog.checked_projects`)."""
    out: list[Problem] = []
    known = set(catalog.features.index) | set(catalog.reference.index)
    for project in projects:
        pid = str(project.get("id"))
        for fid in project.get("features") or ():
            if fid not in known:
                out.append(
                    Problem(file, pid, f"place {fid!r} is not a feature of the map", "warning")
                )
    return out


def _catalog_problems(catalog: Catalog, boundary: Boundary) -> list[Problem]:
    """The catalogue's own problems and every feature outside the boundary."""
    problems = list(catalog.problems)
    file_of = {info.id: info.file for info in catalog.layers}
    for features in (catalog.features, catalog.reference):  # reference layers are checked too
        for fid, layer, geom in zip(
            features["id"], features["layer"], features.geometry, strict=True
        ):
            file = file_of.get(layer, f"{layer}.geojson")
            problems.extend(boundary_problems(file, fid, geom, boundary.geometry))
    return problems


def _report(target: str, count: int, problems: list[Problem], boundary: Boundary) -> Report:
    if not boundary.exact:
        problems.append(Problem(target, None, f"checked against the {boundary.source}", "warning"))
    return Report(target, count, tuple(problems), boundary.source)
