"""Choose a store backend from a location: a folder path or a ``postgresql://`` URL.

The table :data:`BACKENDS` maps URL schemes to ``module:Class``; a backend module is imported
only when a location needs it. The configured location is, in order: ``$NINOHE_GEO_STORE``;
``store`` under ``[ninohe_geo]`` in ``.streamlit/secrets.toml`` (beside the checkout or in the
home folder; never committed); else the data folder (``$NINOHE_GEO_DATA`` or ``geodata/``).
"""

from __future__ import annotations

import importlib
import os
import tomllib
from pathlib import Path
from typing import Any

from ninohe_geo.paths import REPO_ROOT, data_dir
from ninohe_geo.store.base import Identity, Snapshot, Store, StoreUnavailable

STORE_ENV = "NINOHE_GEO_STORE"

#: URL scheme → "module:Class". Anything without a scheme is a folder.
BACKENDS: dict[str, str] = {
    "": "ninohe_geo.store.file:FileStore",
    "file": "ninohe_geo.store.file:FileStore",
    "postgresql": "ninohe_geo.store.postgis:PostGISStore",
    "postgres": "ninohe_geo.store.postgis:PostGISStore",
}


def _scheme(location: str) -> str:
    head, sep, _ = location.partition("://")
    return head.lower() if sep else ""


def secrets_files() -> list[Path]:
    """Where Streamlit looks for secrets, in the order it does (home, then project)."""
    return [Path.home() / ".streamlit" / "secrets.toml", REPO_ROOT / ".streamlit" / "secrets.toml"]


def _secrets_store() -> str | None:
    found: str | None = None
    for path in secrets_files():
        try:
            table: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        section = table.get("ninohe_geo")
        if isinstance(section, dict) and isinstance(section.get("store"), str):
            found = section["store"]
    return found


def configured_location() -> str:
    """The store location the app and CLI use by default (see the module docstring)."""
    return os.environ.get(STORE_ENV) or _secrets_store() or str(data_dir())


def open_store(location: str | Path | None = None) -> Store:
    """The store at ``location`` (default: :func:`configured_location`).

    Raises:
        StoreUnavailable: an unknown URL scheme.
    """
    loc = str(location) if location is not None else configured_location()
    scheme = _scheme(loc)
    if scheme not in BACKENDS:
        known = ", ".join(sorted(s for s in BACKENDS if s))
        raise StoreUnavailable(f"unknown store {loc!r}: use a folder path or one of {known}://")
    module_name, class_name = BACKENDS[scheme].split(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    if scheme == "file":
        loc = loc.split("://", 1)[1]
    store: Store = cls(loc)
    return store


def copy_store(source: str | Path, target: str | Path) -> Snapshot:
    """Copy everything from ``source`` to ``target`` (replacing it), all or nothing.

    Run from the command line by whoever has the machine: that is the admin of both stores.
    """
    src = open_store(source)
    dst = open_store(target)
    try:
        snap = src.snapshot()
        dst.replace_all(Identity(f"cli:{_os_user()}", "admin"), snap)
    finally:
        src.close()
        dst.close()
    return snap


def _os_user() -> str:
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError):  # pragma: no cover - non-POSIX
        return os.environ.get("USER", "unknown")
