"""The ``ninohe-geo`` command line.

Sub-commands live in :mod:`ninohe_geo.commands`, one module each, discovered here. They are
thin: parse arguments, call the library, print, and exit non-zero on failure with a message
that names the file and feature. A :class:`~ninohe_geo.errors.NinoheGeoError` becomes
``error: …`` on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from collections.abc import Sequence

from ninohe_geo import commands
from ninohe_geo.errors import NinoheGeoError


def command_modules() -> list[str]:
    """Module names of the sub-commands, sorted."""
    return sorted(
        f"{commands.__name__}.{m.name}"
        for m in pkgutil.iter_modules(commands.__path__)
        if not m.name.startswith("_")
    )


def parser() -> argparse.ArgumentParser:
    """The argument parser (documented in the README)."""
    p = argparse.ArgumentParser(
        prog="ninohe-geo", description="The map of Ninohe City's comprehensive plan."
    )
    sub = p.add_subparsers(dest="command", required=True)
    for name in command_modules():
        module = importlib.import_module(name)
        module.register(sub.add_parser(module.NAME, help=module.HELP))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ninohe-geo`` console script."""
    args = parser().parse_args(argv)
    try:
        code: int = args.func(args)
    except NinoheGeoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
