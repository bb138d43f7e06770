"""Sub-commands of ``ninohe-geo``: one module each, found by :func:`ninohe_geo.cli.parser`.

A command module defines ``NAME`` (the sub-command), ``HELP`` (one line) and
``register(parser: argparse.ArgumentParser) -> None``, which adds its arguments and sets
``func`` (``Callable[[argparse.Namespace], int]``: the exit code). Modules are imported only when
the parser is built, and a new command is a new file here: nothing else to edit.
"""
