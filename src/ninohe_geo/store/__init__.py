"""Where the plan's data is kept: one interface (:mod:`.base`), two backends, chosen by location.

``open_store("geodata")`` gives the embedded :class:`~.file.FileStore`;
``open_store("postgresql://…")`` the :class:`~.postgis.PostGISStore`. Backends are imported only
when chosen (the registry is a table of module paths, as pygeoapi's plugin table), so the app
needs no database driver to read files. See ``docs/storage.md``.
"""

from __future__ import annotations

from ninohe_geo.store.base import (
    Change,
    ConflictError,
    Identity,
    IndicatorValue,
    InvalidFeature,
    NotFound,
    PermissionDenied,
    Record,
    Snapshot,
    Store,
    StoreError,
    StoreFull,
    StoreReadOnly,
    StoreUnavailable,
)
from ninohe_geo.store.registry import STORE_ENV, configured_location, copy_store, open_store

__all__ = [
    "STORE_ENV",
    "Change",
    "ConflictError",
    "Identity",
    "IndicatorValue",
    "InvalidFeature",
    "NotFound",
    "PermissionDenied",
    "Record",
    "Snapshot",
    "Store",
    "StoreError",
    "StoreFull",
    "StoreReadOnly",
    "StoreUnavailable",
    "configured_location",
    "copy_store",
    "open_store",
]
