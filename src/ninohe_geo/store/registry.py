"""Choose a store backend from a location: a folder path or a ``postgresql://`` URL.

The table :data:`BACKENDS` maps URL schemes to ``module:Class``; a backend module is imported
only when a location needs it. The configured location is, in order: ``$NINOHE_GEO_STORE``;
``store`` under ``[ninohe_geo]`` in ``.streamlit/secrets.toml`` (in the folder the app or command
is started from, or in the home folder; never committed); else the data folder
(``$NINOHE_GEO_DATA`` or the shipped data).
"""

from __future__ import annotations

import importlib
import os
import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ninohe_geo.paths import data_dir
from ninohe_geo.store.base import Identity, Snapshot, Store, StoreUnavailable

STORE_ENV = "NINOHE_GEO_STORE"

#: URL scheme → "module:Class". Anything without a scheme is a folder.
BACKENDS: dict[str, str] = {
    "": "ninohe_geo.store.file:FileStore",
    "file": "ninohe_geo.store.file:FileStore",
    "postgresql": "ninohe_geo.store.postgis:PostGISStore",
    "postgres": "ninohe_geo.store.postgis:PostGISStore",
}

#: Why the shipped data refuses writes, and what to do instead.
READ_ONLY_SHIPPED = (
    "the Ninohe data shipped with the program is read-only: copy it with `ninohe-geo init DIR` "
    "and use `--data DIR` (or set NINOHE_GEO_DATA=DIR) / 同梱データは書き換えできません。"
    "`ninohe-geo init フォルダ` で複製し、そのフォルダを指定してください"
)

#: URL scheme → the optional extra (``pip install 'ninohe-geo[EXTRA]'``) its backend needs.
EXTRAS: dict[str, str] = {"postgresql": "postgis", "postgres": "postgis"}


#: libpq's connection parameters that are secrets, wherever a URL carries them (the query).
_SECRET_PARAMS = re.compile(r"(?i)(^|&)((?:ssl)?password|sslkey|passfile)=[^&]*")


def redact(url: str) -> str:
    """A store location without its password, for messages, reports and logs: the password of
    the user part (``user:***@host``) and a ``password=`` / ``sslpassword=`` in the query, which
    libpq reads too. The host is kept as written (an IPv6 address keeps its brackets)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    userinfo, at, hostport = netloc.rpartition("@")
    if at and ":" in userinfo:
        netloc = f"{userinfo.partition(':')[0]}:***@{hostport}"
    query = _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}{m.group(2)}=***", parts.query)
    if (netloc, query) == (parts.netloc, parts.query):
        return url
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def _scheme(location: str) -> str:
    head, sep, _ = location.partition("://")
    return head.lower() if sep else ""


def secrets_files() -> list[Path]:
    """Where Streamlit looks for secrets, in the order it does (home, then the working folder)."""
    return [Path.home() / ".streamlit" / "secrets.toml", Path.cwd() / ".streamlit" / "secrets.toml"]


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
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        extra = EXTRAS.get(scheme, "")
        raise StoreUnavailable(
            f"a {scheme}:// store needs the '{extra}' extra ({exc.name} is not installed): "
            f"pip install 'ninohe-geo[{extra}]'"
        ) from exc
    cls = getattr(module, class_name)
    if scheme == "file":
        loc = loc.split("://", 1)[1]
    store: Store = cls(loc)
    if not scheme or scheme == "file":
        from ninohe_geo.paths import is_packaged_data

        if is_packaged_data(Path(loc)):
            store.read_only_reason = READ_ONLY_SHIPPED
    return store


def copy_store(source: str | Path, target: str | Path) -> Snapshot:
    """Copy everything from ``source`` to ``target`` (replacing it), all or nothing.

    Run from the command line by whoever has the machine: that is the admin of both stores.
    """
    src = open_store(source)
    dst = open_store(target)
    try:
        snap = src.snapshot()
        dst.replace_all(Identity(f"cli:{os_user()}", "admin"), snap)
    finally:
        src.close()
        dst.close()
    return snap


def os_user() -> str:
    """Who runs this command: the operating system's user name (for the history)."""
    try:
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, AttributeError):  # pragma: no cover - non-POSIX
        return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"
