"""``ninohe-geo init DIR``: copy the shipped Ninohe data into a folder the city then edits.

The data inside an installed package is read-only; the city's own copy is a plain folder
(``plan.yaml``, ``layers/*.geojson``, ``tours/*.yaml``) that the app and every command use with
``--data DIR`` or ``$NINOHE_GEO_DATA=DIR``. The copy is made beside ``DIR`` and renamed into
place, so an interrupted ``init`` leaves no half-made folder. Accounts, locks and history are
never copied: a new folder starts with none.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
from pathlib import Path

NAME = "init"
HELP = "copy the shipped Ninohe data into a new folder to edit (then --data DIR)"

#: Never copied into a new data folder (local accounts, lock files, the edit history).
SKIPPED = ("users.json", ".users.json.lock", ".store.lock", "history", "__pycache__")


def init_data(target: Path, source: Path | None = None) -> Path:
    """Copy ``source`` (default: the shipped data) to the new folder ``target``; return it.

    Raises:
        NinoheGeoError: ``target`` exists and is not empty.
    """
    from ninohe_geo.atomic import fsync_dir
    from ninohe_geo.errors import NinoheGeoError
    from ninohe_geo.paths import shipped_data_dir

    source = source or shipped_data_dir()
    target = target.expanduser().resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise NinoheGeoError(
            f"{target}: exists and is not empty; name a new folder (nothing was written)"
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".init", dir=target.parent))
    try:
        # copyfile, not copy2: the package's files may be read-only; the copy is to edit.
        shutil.copytree(
            source,
            tmp / "data",
            ignore=shutil.ignore_patterns(*SKIPPED),
            copy_function=shutil.copyfile,
        )
        if target.exists():
            target.rmdir()  # empty: checked above
        os.replace(tmp / "data", target)
        fsync_dir(target.parent)
    except OSError as exc:
        raise NinoheGeoError(
            f"{target}: could not copy the data ({exc}); nothing was kept"
        ) from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


def run(args: argparse.Namespace) -> int:
    """Make the folder and say how to use it."""
    from ninohe_geo.paths import DATA_ENV

    target = init_data(args.dir)
    layers = len(list((target / "layers").glob("*.geojson")))
    print(f"wrote {target}: plan.yaml, {layers} layer file(s), tours")
    print(f"next: ninohe-geo app --data {target}   (or set {DATA_ENV}={target})")
    return 0


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``init``."""
    p.description = (
        "Copy the Ninohe data shipped with the program (plan, layers, tours) into DIR, a new "
        "or empty folder, to edit and to point the app at with --data DIR or $NINOHE_GEO_DATA."
    )
    p.add_argument("dir", type=Path, help="the new data folder")
    p.set_defaults(func=run)
