"""Typed errors. Each says which file (and feature, and field) is wrong and what was expected."""

from __future__ import annotations

from pathlib import Path


class NinoheGeoError(Exception):
    """Base class of every error this package raises on purpose."""


class DataFileError(NinoheGeoError):
    """A data file cannot be used as a whole (missing, unreadable, wrong format)."""

    def __init__(self, path: Path | str, message: str) -> None:
        self.path = Path(path)
        self.message = message
        super().__init__(f"{self.path}: {message}")
