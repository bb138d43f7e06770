"""Serve the map's JavaScript and CSS from installed packages, never from a CDN.

folium points every map at CDN copies of Leaflet and its plugins. Here the files come from the
XStatic packages on PyPI (installed and pinned like any dependency) and from this package's own
``static/`` folder; :func:`install_static` copies them into the Streamlit app's ``static/``
folder (served at ``/app/static/…`` when ``server.enableStaticServing`` is on), and
:func:`offline_links` gives folium the matching URLs. Nothing is committed to the repository.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import xstatic.pkg.leaflet
import xstatic.pkg.leaflet_gesturehandling

from ninohe_geo.atomic import write_atomic
from ninohe_geo.paths import CHECKOUT, PACKAGE_DIR

#: Where Streamlit serves the app's static folder.
STREAMLIT_STATIC_URL = "/app/static"


@dataclass(frozen=True)
class Asset:
    """One file to serve: where it comes from and its path under the static folder."""

    source: Path
    target: str
    kind: str  # "js", "css" or "file"
    name: str = ""


def _xstatic_dir(module: object) -> Path:
    return Path(getattr(module, "BASE_DIR"))  # noqa: B009 - XStatic API


def assets() -> tuple[Asset, ...]:
    """The files the map needs, in load order."""
    leaflet = _xstatic_dir(xstatic.pkg.leaflet)
    gesture = _xstatic_dir(xstatic.pkg.leaflet_gesturehandling)
    own = PACKAGE_DIR / "static"
    files = [
        Asset(leaflet / "leaflet.js", "vendor/leaflet/leaflet.js", "js", "leaflet"),
        Asset(leaflet / "leaflet.css", "vendor/leaflet/leaflet.css", "css", "leaflet_css"),
        Asset(
            gesture / "leaflet-gesture-handling.min.js",
            "vendor/leaflet-gesture-handling/leaflet-gesture-handling.min.js",
            "js",
            "gesture_handling",
        ),
        Asset(
            gesture / "leaflet-gesture-handling.min.css",
            "vendor/leaflet-gesture-handling/leaflet-gesture-handling.min.css",
            "css",
            "gesture_handling_css",
        ),
        Asset(own / "ninohe-map.js", "ninohe/ninohe-map.js", "js", "ninohe_map"),
        # Large catalogues in the app: PMTiles vector tiles (maps.vectortiles), drawn by
        # protomaps-leaflet from npm; ninohe-tiles.js adds the filter mask, tooltip and click.
        Asset(
            npm_file("protomaps-leaflet", "protomaps-leaflet.js", "dist"),
            "vendor/protomaps-leaflet/protomaps-leaflet.js",
            "js",
            "protomaps_leaflet",
        ),
        Asset(own / "ninohe-tiles.js", "ninohe/ninohe-tiles.js", "js", "ninohe_tiles"),
        Asset(own / "ninohe-map.css", "ninohe/ninohe-map.css", "css", "ninohe_map_css"),
        # Reference layers and circles of uncertainty (maps.reference).
        Asset(own / "ninohe-reference.js", "ninohe/ninohe-reference.js", "js", "ninohe_reference"),
        # Community meetings (tours, print labels, tile status): see ninohe_geo.maps.overlays.
        Asset(own / "ninohe-meeting.js", "ninohe/ninohe-meeting.js", "js", "ninohe_meeting"),
        Asset(own / "ninohe-meeting.css", "ninohe/ninohe-meeting.css", "css", "ninohe_meeting_css"),
    ]
    files += [
        Asset(image, f"vendor/leaflet/images/{image.name}", "file")
        for image in sorted((leaflet / "images").glob("*.png"))
    ]
    files += draw_assets()  # Leaflet.draw, linked by the editing page only (maps.drawtools)
    # protomaps-leaflet's licence travels with every copy of it.
    files.append(
        Asset(
            npm_file("protomaps-leaflet", "LICENSE", "."),
            "vendor/protomaps-leaflet/LICENSE",
            "file",
        )
    )
    return tuple(files)


def protomaps_notices() -> bytes:
    """The licence notices of what protomaps-leaflet's one-file build bundles
    (:mod:`ninohe_geo.maps.npmnotices`): from the wheel, else made from the checkout's
    ``node_modules``."""
    from ninohe_geo.maps.npmnotices import NOTICES, notices

    shipped = PACKAGE_DIR / "vendor" / "protomaps-leaflet" / NOTICES
    if shipped.is_file():
        return shipped.read_bytes()
    if CHECKOUT is not None and (CHECKOUT / "node_modules" / "protomaps-leaflet").is_dir():
        return notices(CHECKOUT / "node_modules", "protomaps-leaflet").encode("utf-8")
    raise FileNotFoundError(
        "protomaps-leaflet's third-party notices are missing: in a checkout run `npm ci`; "
        "an installed package carries them"
    )


#: Where Leaflet.draw is served (under the static folder).
DRAW_TARGET = "vendor/leaflet-draw"


def _draw_dir() -> Path:
    """Leaflet.draw's ``dist/`` folder: inside the installed package (the wheel build copies the
    npm package there, see ``hatch_build.py``), else the checkout's ``node_modules`` (``npm ci``,
    which ``./run`` does, installs it from ``package-lock.json``)."""
    candidates = [PACKAGE_DIR / "vendor" / "leaflet-draw"]
    if CHECKOUT is not None:
        candidates.append(CHECKOUT / "node_modules" / "leaflet-draw" / "dist")
    for folder in candidates:
        if (folder / "leaflet.draw.js").is_file():
            return folder
    raise FileNotFoundError(
        "Leaflet.draw (the editing page's drawing tools) is missing: in a checkout run `npm ci` "
        "(./run app does it); an installed package carries it"
    )


def npm_file(package: str, name: str, dist: str) -> Path:
    """A file of an npm package: in the installed package's ``vendor/<package>/`` (the wheel
    build copies it there, ``hatch_build.py``), else the checkout's
    ``node_modules/<package>/<dist>/`` (``npm ci``, which ``./run`` does)."""
    candidates = [PACKAGE_DIR / "vendor" / package / name]
    if CHECKOUT is not None:
        candidates.append(CHECKOUT / "node_modules" / package / dist / name)
    for path in candidates:
        if path.is_file():
            return path
    raise FileNotFoundError(
        f"{package} (a browser library the map serves itself) is missing: in a checkout run "
        "`npm ci` (./run app does it); an installed package carries it"
    )


def draw_assets() -> list[Asset]:
    """Leaflet.draw's JS, CSS and images, copied as plain files (linked by :class:`LocalDraw`)."""
    folder = _draw_dir()
    files = [
        Asset(folder / "leaflet.draw.js", f"{DRAW_TARGET}/leaflet.draw.js", "file"),
        Asset(folder / "leaflet.draw.css", f"{DRAW_TARGET}/leaflet.draw.css", "file"),
    ]
    files += [
        Asset(image, f"{DRAW_TARGET}/images/{image.name}", "file")
        for image in sorted((folder / "images").iterdir())
        if image.suffix in (".png", ".svg")
    ]
    return files


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def install_static(static_dir: Path) -> list[str]:
    """Copy every asset into ``static_dir``; returns the targets written (unchanged are skipped).

    Each copy is atomic (temporary file + ``os.replace``), so a browser never gets half a file
    and two app processes starting at once cannot corrupt one.
    """
    written = []
    for asset in assets():
        target = static_dir / asset.target
        if target.exists() and _digest(target) == _digest(asset.source):
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out, asset.source.open("rb") as src:
                shutil.copyfileobj(src, out)
            os.chmod(tmp, 0o644)  # mkstemp makes 0600; a web server may run as another user
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(asset.target)
    from ninohe_geo.maps.npmnotices import NOTICES

    notices = static_dir / "vendor" / "protomaps-leaflet" / NOTICES
    text = protomaps_notices()
    if not notices.is_file() or notices.read_bytes() != text:
        write_atomic(notices, text)
        os.chmod(notices, 0o644)
        written.append(f"vendor/protomaps-leaflet/{NOTICES}")
    return written


def offline_links(
    base_url: str = STREAMLIT_STATIC_URL,
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """folium ``default_js`` and ``default_css`` lists pointing at the served copies."""
    js = [(a.name, f"{base_url}/{a.target}") for a in assets() if a.kind == "js"]
    css = [(a.name, f"{base_url}/{a.target}") for a in assets() if a.kind == "css"]
    return js, css
