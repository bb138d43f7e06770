"""Where things are: the shipped data, the data folder in use, the app's files, the cache.

ninohe-geo runs in two ways, and every path is decided here, nowhere else:

- **installed** (``pip install ninohe-geo``, ``uvx``): the Ninohe data and the Streamlit pages
  travel inside the package as package data (``ninohe_geo/geodata``, ``ninohe_geo/dashboard``;
  the wheel maps the checkout's top-level ``geodata/`` and ``dashboard/`` there). The shipped data
  is read-only: ``ninohe-geo init DIR`` copies it into a folder the city edits, and
  ``--data DIR`` / ``$NINOHE_GEO_DATA`` points the app and every command at it.
- **from a checkout** (``./run app``, an editable install): the same names resolve to the
  checkout's ``geodata/`` (the data developers edit and commit) and ``dashboard/``.

Generated files (Leaflet and our map scripts copied for serving, large-data files, offline tile
packs) go to a writable folder, never into the package: the checkout's git-ignored
``dashboard/static/``, or, installed, ``<cache>/app/static`` where ``<cache>`` is
``$NINOHE_GEO_CACHE`` or the platform's user cache folder (``platformdirs``: ``~/.cache/ninohe-geo``
on Linux, ``%LOCALAPPDATA%\\ninohe-geo\\Cache`` on Windows).

The shared reference data the tests read (``../shared/reference``) is a test concern: it lives
in ``tests/conftest.py``, not here.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

PACKAGE_DIR = Path(__file__).resolve().parent

DATA_ENV = "NINOHE_GEO_DATA"
BOUNDARY_ENV = "NINOHE_GEO_BOUNDARY"
CACHE_ENV = "NINOHE_GEO_CACHE"

#: The package-data folders of an installed wheel (see ``[tool.hatch.build]`` in pyproject).
PACKAGED_DATA = PACKAGE_DIR / "geodata"
PACKAGED_DASHBOARD = PACKAGE_DIR / "dashboard"
PACKAGED_CONFIG = PACKAGE_DIR / "streamlit-config.toml"


def _checkout_root() -> Path | None:
    """The checkout this package runs from (``src/ninohe_geo`` → ``..``/``..``), or None when it
    is installed (then ``src/`` is not its parent)."""
    root = PACKAGE_DIR.parents[1]
    if PACKAGE_DIR.parent.name == "src" and (root / "pyproject.toml").is_file():
        return root
    return None


#: The checkout's root when running from one (``./run``, ``uv run``); None when installed.
CHECKOUT: Path | None = _checkout_root()


def is_installed() -> bool:
    """Whether this is an installed package (not a checkout)."""
    return CHECKOUT is None


def shipped_data_dir() -> Path:
    """The Ninohe data that comes with the program: the checkout's ``geodata/``, or the copy
    inside the installed package."""
    if CHECKOUT is not None:
        return CHECKOUT / "geodata"
    return PACKAGED_DATA


def is_packaged_data(root: Path) -> bool:
    """Whether ``root`` is the read-only data inside an installed package (never written to:
    ``ninohe-geo init DIR`` makes an editable copy)."""
    try:
        return Path(root).resolve().is_relative_to(PACKAGED_DATA.resolve()) and is_installed()
    except OSError:
        return False


def data_dir() -> Path:
    """The data folder in use: ``$NINOHE_GEO_DATA``, else the shipped data."""
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else shipped_data_dir()


def dashboard_dir() -> Path:
    """The Streamlit pages (``app.py``, ``views/``) as shipped: the checkout's ``dashboard/`` or
    the installed package's copy (run from :func:`app_dir`)."""
    if CHECKOUT is not None:
        return CHECKOUT / "dashboard"
    return PACKAGED_DASHBOARD


def streamlit_config() -> Path:
    """The app's Streamlit settings (static serving, no file watcher, theme): the checkout's
    ``.streamlit/config.toml``, shipped in the wheel as ``streamlit-config.toml``."""
    if CHECKOUT is not None:
        return CHECKOUT / ".streamlit" / "config.toml"
    return PACKAGED_CONFIG


def cache_dir() -> Path:
    """A writable folder for generated files: ``$NINOHE_GEO_CACHE`` or the user cache folder."""
    env = os.environ.get(CACHE_ENV)
    return Path(env) if env else Path(platformdirs.user_cache_dir("ninohe-geo", appauthor=False))


def app_dir() -> Path:
    """Where the app's main script runs from. Streamlit serves the ``static/`` folder beside the
    main script, so an installed app runs from a copy of its pages in the cache (made by
    :func:`ninohe_geo.ui.server.prepare_app_dir`); a checkout runs ``dashboard/`` in place."""
    if CHECKOUT is not None:
        return CHECKOUT / "dashboard"
    return cache_dir() / "app"


def static_dir() -> Path:
    """The app's static folder (served at ``/app/static``; generated, never committed):
    ``static/`` beside the main script (:func:`app_dir`), the only folder Streamlit serves."""
    return app_dir() / "static"


def plan_file(root: Path) -> Path:
    """The plan file in a data folder."""
    return root / "plan.yaml"


def layers_dir(root: Path) -> Path:
    """The layers folder in a data folder."""
    return root / "layers"
