"""The Markdown report, and writing it atomically."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.measure import Pair

#: The goal: at this many features, at least this many times less time and fewer bytes.
TARGET_N = 10_000
TARGET_RATIO = 3.0

HEADER = (
    "| dataset | geometry | N | plain time (s) | ours time (s) | time × "
    "| plain bytes | ours bytes | bytes × |"
)
RULE = "|---|---|---:|---:|---:|---:|---:|---:|---:|"


@dataclass(frozen=True)
class Row:
    """One measured dataset."""

    dataset: str
    """"shipped" or "synthetic"."""
    geometry: str
    """"mixed", "points", "lines" or "polygons"."""
    n: int
    pair: Pair


def table_row(row: Row) -> str:
    """One Markdown table line."""
    p = row.pair
    cells = [
        row.dataset,
        row.geometry,
        f"{row.n:,}",
        f"{p.plain.median:.3f}",
        f"{p.ours.median:.3f}",
        f"{p.time_ratio:.1f}×",
        f"{p.plain.nbytes:,}",
        f"{p.ours.nbytes:,}",
        f"{p.bytes_ratio:.1f}×",
    ]
    return "| " + " | ".join(cells) + " |"


def summary_line(row: Row) -> str:
    """``N features: X× time, Y× bytes`` (the shipped catalogue says so at the end)."""
    p = row.pair
    line = f"{row.n} features: {p.time_ratio:.1f}× time, {p.bytes_ratio:.1f}× bytes"
    return line + " (shipped catalogue)" if row.dataset == "shipped" else line


def target_lines(rows: Sequence[Row]) -> list[str]:
    """Whether each row at :data:`TARGET_N` features meets the goal."""
    at_target = [r for r in rows if r.n == TARGET_N and r.dataset == "synthetic"]
    if not at_target:
        return [f"Target (≥{TARGET_RATIO:g}× at {TARGET_N} features): not measured in this run."]
    lines = []
    for r in at_target:
        ok = r.pair.time_ratio >= TARGET_RATIO and r.pair.bytes_ratio >= TARGET_RATIO
        lines.append(
            f"Target (≥{TARGET_RATIO:g}× less time and ≥{TARGET_RATIO:g}× fewer bytes at "
            f"{TARGET_N} features), {r.geometry}: {'met' if ok else 'MISSED'}."
        )
    return lines


def render(
    rows: Sequence[Row],
    notes: Sequence[str],
    machine: Sequence[tuple[str, str]],
    date: str,
    command: str,
    repeat: int,
) -> str:
    """The whole report as Markdown."""
    out = [
        "# ninohe-geo map benchmark: plain folium vs ours",
        "",
        "*plain*: `folium.Map` + `folium.GeoJson(gdf)` with every schema column as properties; "
        '*ours*: `mapview.standalone_map(features, plan, "ja", static_url="/app/static")`. '
        "Both timed from building the map to `m.get_root().render()` (wall time, "
        f"`time.perf_counter`, median of {repeat}); bytes = the rendered HTML in UTF-8. "
        "× = plain / ours.",
        "",
        HEADER,
        RULE,
        *(table_row(r) for r in rows),
        "",
    ]
    mixed = [r for r in rows if r.geometry == "mixed"]
    out += [f"- {summary_line(r)}" for r in mixed]
    out += ["", *target_lines(rows), ""]
    if notes:
        out += ["## Notes", "", *(f"- {n}" for n in notes), ""]
    out += ["## Machine", "", *(f"- {label}: {value}" for label, value in machine)]
    out += [f"- date: {date}", f"- command: `{command}`", ""]
    return "\n".join(out)


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and ``os.replace``."""
    path = path.resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
