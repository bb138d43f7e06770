"""Options that several commands share: where the data is (``--store`` / ``--data``).

Every command reads and writes the same store (:func:`ninohe_geo.store.catalog.open_catalog`):
``--store`` (a folder or ``postgresql://…``), else ``--data`` (a folder), else the configured
store (``$NINOHE_GEO_STORE``, secrets, ``$NINOHE_GEO_DATA``, the shipped data).
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_location(p: argparse.ArgumentParser) -> None:
    """Add ``--store`` and ``--data``."""
    p.add_argument(
        "--store",
        default=None,
        help="a data folder or postgresql://… URL (default: $NINOHE_GEO_STORE, secrets, else "
        "the data folder)",
    )
    p.add_argument(
        "--data",
        type=Path,
        default=None,
        help="data folder (default: $NINOHE_GEO_DATA, else the shipped data); --store wins",
    )


def location(args: argparse.Namespace) -> str:
    """The store location the arguments name (see the module docstring)."""
    from ninohe_geo.store import configured_location

    if args.store:
        return str(args.store)
    if args.data is not None:
        return str(args.data)
    return configured_location()


def tours_folder(args: argparse.Namespace) -> Path:
    """Where the tours are: the data folder in use (a database store keeps no tours)."""
    from ninohe_geo.paths import data_dir
    from ninohe_geo.store.catalog import folder_of, is_folder

    loc = location(args)
    if is_folder(loc):
        return folder_of(loc)
    return args.data if args.data is not None else data_dir()
