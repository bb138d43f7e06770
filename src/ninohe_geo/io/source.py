"""What every reader returns: the source's rows as text, their geometries in lon/lat, and notes.

Readers know formats, not our schema; the mapping (:mod:`ninohe_geo.io.mapping`) turns a
:class:`SourceTable` into features. Values are kept as text (Japanese CSVs are read as strings,
so a code like ``03213`` keeps its leading zero), ``None`` where the source had no value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry.base import BaseGeometry

from ninohe_geo.io.limits import DEFAULT_LIMITS, Deadline, Limits


@dataclass
class SourceTable:
    """One source file, read: rows of text values and one geometry per row (EPSG:4326)."""

    file: str
    """The file's name as the user knows it (for messages)."""
    format: str
    """The format name from :data:`ninohe_geo.io.formats.FORMATS`."""
    columns: list[str]
    """Field names in source order."""
    rows: list[dict[str, str | None]]
    geometries: list[BaseGeometry | None]
    """Longitude/latitude geometries (None: the row had none)."""
    crs: str
    """The CRS the coordinates were read in, e.g. ``EPSG:6668`` (as declared or given)."""
    notes: list[str] = field(default_factory=list)
    """Things the reader ignored or assumed, shown in the report (e.g. a NetworkLink not
    followed, an encoding guessed)."""
    geometry_errors: dict[int, str] = field(default_factory=dict)
    """Row index → why its geometry could not be read (the row is reported, not dropped)."""

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class ReadContext:
    """What a reader is given besides the path."""

    display_name: str
    """The name to use in messages (an upload's name, not its temporary path)."""
    crs: str | None = None
    """A CRS given by the user (``--crs``); overrides nothing a file declares, except for
    formats that cannot declare one."""
    limits: Limits = DEFAULT_LIMITS
    deadline: Deadline | None = None

    def check_time(self, stage: str) -> None:
        """Raise when the import's deadline has passed."""
        if self.deadline is not None:
            self.deadline.check(stage)


def text_value(value: Any) -> str | None:
    """A source value as text: None stays None, floats without a spurious ``.0``."""
    if value is None:
        return None
    if isinstance(value, float):
        if value != value:  # NaN
            return None
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (dict, list)) or hasattr(value, "tolist"):
        import json

        # Nested columnar values (a struct holding a list arrives as a numpy array) as JSON text.
        return json.dumps(value, ensure_ascii=False, default=_plain)
    return str(value)


def _plain(value: Any) -> Any:
    """``json.dumps`` fallback for the numpy and bytes values inside nested columnar cells."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def display(path: Path, name: str | None) -> str:
    """The name to show for ``path``."""
    return name or path.name
