"""``ninohe-geo app``: start the map app (Streamlit) on the shipped data, a data folder or a store.

Works from a checkout and from an installed package alike, in any folder: the pages, the
shipped data and the app's settings come from the package (:mod:`ninohe_geo.paths`); generated
files go to the cache folder. ``--data DIR`` (a folder made by ``ninohe-geo init``) and
``--store postgresql://…`` are passed to the app as ``$NINOHE_GEO_DATA`` and
``$NINOHE_GEO_STORE``. Anything after ``--`` goes to ``streamlit run`` unchanged.
"""

from __future__ import annotations

import argparse
import os
import subprocess
from pathlib import Path

NAME = "app"
HELP = "start the map app in the browser (http://localhost:8501)"


def app_environment(data: Path | None, store: str | None) -> dict[str, str]:
    """The environment the app runs with: this one, plus the data folder and store asked for
    (as absolute paths, so they mean the same whatever folder Streamlit runs from)."""
    from ninohe_geo.errors import NinoheGeoError
    from ninohe_geo.paths import DATA_ENV, plan_file
    from ninohe_geo.store.registry import STORE_ENV

    env = dict(os.environ)
    if data is not None:
        root = data.expanduser().resolve()
        if not plan_file(root).is_file():
            raise NinoheGeoError(
                f"{data}: not a data folder (no plan.yaml): make one with `ninohe-geo init {data}`"
            )
        env[DATA_ENV] = str(root)
        env[STORE_ENV] = str(root)  # --data wins over an inherited store, as in every command
    if store is not None:
        if "://" in store:
            env[STORE_ENV] = store
        else:  # a folder store is the data folder too: its tours and accounts come with it
            env[STORE_ENV] = env[DATA_ENV] = str(Path(store).expanduser().resolve())
    return env


def run(args: argparse.Namespace) -> int:
    """Run Streamlit until it is stopped (Ctrl+C); return its exit code.

    On POSIX the command becomes Streamlit (``exec``), so a service manager's or a test's
    ``SIGTERM`` stops the server itself, never leaving it orphaned; Windows has no ``exec`` that
    keeps the console, so there Streamlit runs as a child and Ctrl+C reaches both."""
    from ninohe_geo.ui.server import app_command

    env = app_environment(args.data, args.store)
    extra = [a for a in args.streamlit_args if a != "--"]
    command = [*app_command(args.port, args.address), *extra]
    if os.name == "posix":
        os.execve(command[0], command, env)  # noqa: S606 - our own command line
    try:
        return subprocess.call(command, env=env)  # noqa: S603 - our own command line
    except KeyboardInterrupt:
        return 0


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``app``."""
    p.description = (
        "Start the map app. Default data: the Ninohe data shipped with the program (read-only; "
        "`ninohe-geo init DIR` makes an editable copy, then `--data DIR`)."
    )
    p.add_argument(
        "--data",
        type=Path,
        default=None,
        help="data folder (default: $NINOHE_GEO_DATA, else shipped)",
    )
    p.add_argument(
        "--store",
        default=None,
        help="store: a folder or postgresql://… (default: $NINOHE_GEO_STORE, else the data folder)",
    )
    p.add_argument("--port", type=int, default=None, help="port (default 8501)")
    p.add_argument(
        "--address", default=None, help="address to listen on (default: all; 127.0.0.1 = this PC)"
    )
    p.add_argument(
        "streamlit_args", nargs=argparse.REMAINDER, help="after --: options for `streamlit run`"
    )
    p.set_defaults(func=run)
