"""The licence notices of the npm packages bundled inside a browser library we serve.

protomaps-leaflet's ``dist/protomaps-leaflet.js`` is one file holding its dependencies too
(pmtiles, pbf, @mapbox/vector-tile, rbush, …), each under its own BSD, ISC or MIT licence, whose
notices must travel with every copy: the wheel (``hatch_build.py`` writes this file there) and
every static folder the app or the published site serves
(:func:`ninohe_geo.maps.assets.install_static`).
The list is walked from the package's ``package.json`` dependencies as installed in
``node_modules`` (``npm ci`` from ``package-lock.json``), type-only packages (``@types/``) aside.

No import from ``ninohe_geo``: the wheel build loads this file on its own.
"""

from __future__ import annotations

import json
from pathlib import Path

#: The notices' file name, beside the library in ``vendor/<package>/``.
NOTICES = "THIRD-PARTY-NOTICES.txt"
_LICENCE_NAMES = ("LICENSE", "LICENSE.txt", "LICENSE.md", "LICENCE", "license", "LICENSE-MIT")


def _manifest(node_modules: Path, name: str) -> dict[str, object] | None:
    path = node_modules / name / "package.json"
    if not path.is_file():
        return None
    doc: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return doc


def bundled(node_modules: Path, package: str) -> list[str]:
    """``package``'s runtime dependencies, transitively, in a stable order (names)."""
    out: list[str] = []
    todo = [package]
    while todo:
        name = todo.pop(0)
        manifest = _manifest(node_modules, name)
        if manifest is None:
            continue
        deps = manifest.get("dependencies") or {}
        assert isinstance(deps, dict)
        for dep in sorted(deps):
            if dep.startswith("@types/") or dep in out or dep == package:
                continue
            out.append(dep)
            todo.append(dep)
    return out


def notices(node_modules: Path, package: str) -> str:
    """The notices text: each bundled package's name, version, licence and licence file (or,
    when the npm package ships none, its declared licence and where its source is)."""
    parts = [
        f"Third-party software bundled in {package} (dist file), with their licences.\n"
        f"Collected from node_modules by ninohe_geo.maps.npmnotices.\n"
    ]
    for name in bundled(node_modules, package):
        manifest = _manifest(node_modules, name) or {}
        version, licence = manifest.get("version", "?"), manifest.get("license", "unknown")
        head = f"\n==== {name} {version} ({licence}) ====\n"
        text = next(
            (
                (node_modules / name / n).read_text(encoding="utf-8", errors="replace")
                for n in _LICENCE_NAMES
                if (node_modules / name / n).is_file()
            ),
            None,
        )
        if text is None:
            repo = manifest.get("repository") or manifest.get("homepage") or f"npm: {name}"
            if isinstance(repo, dict):
                repo = repo.get("url", f"npm: {name}")
            text = (
                f"The npm package ships no licence file; it declares {licence}. The full "
                f"terms are in its source repository: {repo}\n"
            )
        parts.append(head + text.rstrip() + "\n")
    return "".join(parts)
