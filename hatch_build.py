"""Wheel build hook: put the browser libraries that come from npm into the package.

Leaflet.draw (the editing page's drawing tools) and protomaps-leaflet (large maps' PMTiles vector
tiles) have no Python package of their own; they are pinned in ``package-lock.json`` and
installed with ``npm ci`` into ``node_modules/``. A wheel must run without npm, so the build
copies their built files (and each ``package.json`` and licence, which name its licence and
version) to ``ninohe_geo/vendor/<package>`` in the wheel. If
``node_modules`` lacks it, the hook runs ``npm ci`` once; without npm the build fails and says
so. Editable installs (``uv sync`` in a checkout) read ``node_modules`` in place instead.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ROOT = Path(__file__).resolve().parent
DRAW = ROOT / "node_modules" / "leaflet-draw"
PROTOMAPS = ROOT / "node_modules" / "protomaps-leaflet"


class NpmAssetsHook(BuildHookInterface):  # type: ignore[misc]
    """Force-include npm-installed browser assets into the wheel."""

    PLUGIN_NAME = "npm-assets"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        wanted = (DRAW / "dist" / "leaflet.draw.js", PROTOMAPS / "dist" / "protomaps-leaflet.js")
        if not all(path.is_file() for path in wanted):
            npm = shutil.which("npm")
            if npm is None:
                raise RuntimeError(
                    "building the wheel needs Leaflet.draw and protomaps-leaflet from npm: install "
                    "npm (Debian: apt-get install npm) or run `npm ci` in the checkout first"
                )
            command = [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund"]
            subprocess.run(command, cwd=ROOT, check=True)  # noqa: S603
        include = build_data.setdefault("force_include", {})
        target = "ninohe_geo/vendor/leaflet-draw"
        for name in ("leaflet.draw.js", "leaflet.draw.css", "images"):
            include[str(DRAW / "dist" / name)] = f"{target}/{name}"
        include[str(DRAW / "package.json")] = f"{target}/package.json"
        target = "ninohe_geo/vendor/protomaps-leaflet"
        for name in ("dist/protomaps-leaflet.js", "package.json", "LICENSE"):
            include[str(PROTOMAPS / name)] = f"{target}/{Path(name).name}"
        # The licences of what its one-file build bundles (pmtiles, pbf, …), written here from
        # node_modules by ninohe_geo/maps/npmnotices.py (loaded on its own: no package import).
        spec = importlib.util.spec_from_file_location(
            "npmnotices", ROOT / "src" / "ninohe_geo" / "maps" / "npmnotices.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        out = Path(tempfile.mkdtemp(prefix="ninohe-npm-notices-")) / module.NOTICES
        out.write_text(module.notices(ROOT / "node_modules", "protomaps-leaflet"), encoding="utf-8")
        include[str(out)] = f"{target}/{module.NOTICES}"
