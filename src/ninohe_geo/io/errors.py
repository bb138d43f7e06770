"""Typed import errors: each names the file, and where it can, the feature and the field.

They subclass :class:`ninohe_geo.errors.DataFileError`, so the CLI turns them into
``error: FILE: message`` with exit code 2, and the app shows the message beside the upload.
"""

from __future__ import annotations

from pathlib import Path

from ninohe_geo.errors import DataFileError


class ImportFileError(DataFileError):
    """A file cannot be imported as a whole; ``feature``/``field`` say where, when known."""

    def __init__(
        self,
        path: Path | str,
        message: str,
        feature: str | None = None,
        field: str | None = None,
    ) -> None:
        self.feature = feature
        self.field = field
        where = "".join(
            [f" [feature {feature}]" if feature else "", f" ({field})" if field else ""]
        )
        super().__init__(path, (where.strip() + ": " if where else "") + message)
        self.message = message


class UnsupportedFormatError(ImportFileError):
    """The content is not one of the allowed formats (whatever its name says)."""


class UnsafeInputError(ImportFileError):
    """The file asks for something an import never does (other files, network, escaping paths)."""


class LimitExceededError(ImportFileError):
    """Too large, too many features, or too slow: refused before the full read where possible."""


class CrsError(ImportFileError):
    """The coordinate reference system is missing, unknown, or does not fit the coordinates."""


class LocationError(ImportFileError):
    """The coordinates are far from the city; the message names the likely mistake."""


class MappingError(ImportFileError):
    """The field mapping (YAML) is malformed or does not fit the source."""


class ImportBlockedError(ImportFileError):
    """The import has errors that are neither fixed, repaired nor excluded: nothing is written."""
