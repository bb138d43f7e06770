"""``ninohe-geo bench [--sizes 1000,10000,100000] [--out docs/performance.md]``.

Runs the benchmarks in the checkout's ``bench/`` folder (they live apart from the library and
the tests): map build + render time and HTML bytes against plain folium, in one run.
"""

from __future__ import annotations

import argparse
import sys

from ninohe_geo.errors import NinoheGeoError
from ninohe_geo.paths import CHECKOUT

NAME = "bench"
HELP = "benchmark the map against plain folium (needs the checkout's bench/ folder)"


def run(args: argparse.Namespace) -> int:
    """Hand the remaining arguments to ``bench.cli.main``."""
    if CHECKOUT is None or not (CHECKOUT / "bench" / "cli.py").is_file():
        raise NinoheGeoError("the benchmarks live in a checkout's bench/ folder: run from one")
    if str(CHECKOUT) not in sys.path:
        sys.path.insert(0, str(CHECKOUT))
    from bench.cli import main

    argv: list[str] = []
    for option in _OPTIONS:
        value = getattr(args, option)
        if value is not None:
            argv += [f"--{option}", str(value)]
    if args.browser:
        argv.append("--browser")
    code: int = main(argv)
    return code


_OPTIONS = ("sizes", "repeat", "out", "data", "seed", "app", "changes", "visitors", "soak")


def register(p: argparse.ArgumentParser) -> None:
    """Arguments of ``bench``, passed on to ``python -m bench`` (which checks them)."""
    p.add_argument("--sizes", help="'shipped' and/or feature counts, e.g. shipped,1000,10000")
    p.add_argument("--repeat", help="runs per path; medians are reported (default 3)")
    p.add_argument("--out", help="also write the Markdown report here (e.g. docs/performance.md)")
    p.add_argument("--data", help="data folder for 'shipped' (default geodata)")
    p.add_argument("--seed", help="seed of the synthetic data")
    p.add_argument("--app", help="also measure the running app on these datasets (shipped,100000)")
    p.add_argument("--browser", action="store_true", help="with --app: time the drawn map")
    p.add_argument("--changes", help="filter changes per --app dataset (default 20)")
    p.add_argument("--visitors", help="simultaneous visitors over the websocket (e.g. 100)")
    p.add_argument("--soak", help="seconds of connect–filter–disconnect (e.g. 600)")
    p.set_defaults(func=run)
