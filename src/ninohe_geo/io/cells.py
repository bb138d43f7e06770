"""Spreadsheet-safe cells: every CSV the project writes passes its text through :func:`neutralise`.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel and LibreOffice (CSV injection); a leading apostrophe makes it text. The importers remove
that apostrophe again (:mod:`ninohe_geo.io.read_csv`), so an export re-imports unchanged.
"""

from __future__ import annotations

#: What a spreadsheet reads as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    """A CSV cell that no spreadsheet runs as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value
