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
TARGET_RATIO = 10.0

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
    extra: Sequence[str] = (),
) -> str:
    """The whole report as Markdown (``extra``: more Markdown lines before the notes)."""
    out = [
        "# ninohe-geo map benchmark: plain folium vs ours",
        "",
        "*plain*: `folium.Map` + `folium.GeoJson(gdf)` with every schema column as properties; "
        '*ours*: `mapview.standalone_map(features, plan, "ja", static_url="/app/static")`. '
        "Both timed from building the map to `m.get_root().render()` (wall time, "
        f"`time.perf_counter`, median of {repeat}); bytes = the rendered HTML in UTF-8. "
        "× = plain / ours. *ours* sends every feature inline (Leaflet's canvas renderer above "
        "2,000 features), as a page without the catalogue's vector tiles does; the app's large "
        "maps are measured from their tiles in [tiles-performance.md](tiles-performance.md).",
        "",
        "Techniques, what was tried and measured, trade-offs: "
        "[performance-techniques.md](performance-techniques.md).",
        "",
        HEADER,
        RULE,
        *(table_row(r) for r in rows),
        "",
    ]
    mixed = [r for r in rows if r.geometry == "mixed"]
    out += [f"- {summary_line(r)}" for r in mixed]
    out += ["", *target_lines(rows), ""]
    out += list(extra)
    if notes:
        out += ["## Notes", "", *(f"- {n}" for n in notes), ""]
    out += ["## Machine", "", *(f"- {label}: {value}" for label, value in machine)]
    out += [f"- date: {date}", f"- command: `{command}`", ""]
    return "\n".join(out)


#: A hand-written block of the output file (issue #15's targets in docs/performance.md, whose
#: figures come from other benchmarks) that a new run keeps, right after the title.
KEPT_START, KEPT_END = "<!-- kept: written by hand, kept by bench -->", "<!-- /kept -->"


def keep_block(old: str, new: str) -> str:
    """``new`` with the kept block of ``old`` (if it has one) after ``new``'s title."""
    if KEPT_START not in old or KEPT_END not in old:
        return new
    block = old[old.index(KEPT_START) : old.index(KEPT_END) + len(KEPT_END)]
    cut = new.index("\n\n") + 2 if "\n\n" in new else len(new)
    return new[:cut] + block + "\n\n" + new[cut:]


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


#: Targets of issue #7 for the app as a whole.
FILTER_SERVER_S = 0.3
DRAWN_S = 3.0
FIRST_MAP_S = 15.0
LOAD_RSS_MB = 400.0
BIG_RSS_MB = 1024.0
SOAK_GROWTH_PCT = 20.0


def _fmt(value: object, digits: int = 3) -> str:
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return "–" if value is None else str(value)


def app_section(results: Sequence[dict[str, object]]) -> list[str]:
    """Targets 1 and 3: server time per filter change, time to a drawn map, memory."""
    if not results:
        return []
    out = [
        "## The app: filter changes (targets 1 and 3)",
        "",
        "`bench.app`: the real app (Streamlit on 127.0.0.1) on each dataset. *server*: one "
        "websocket session changes the policy filter repeatedly (each pillar, then all), timed "
        "from the rerun request to `script_finished`. *drawn*: headless Chromium (Playwright), "
        "from the click on a policy option (or Backspace back to all) to the new features drawn "
        "plus two animation frames; *same map*: a marker set on the map iframe's window before "
        "the changes is still there after; *view kept*: centre (in whole pixels) and zoom "
        "unchanged. RSS = the server process.",
        "",
        "| data | N | server median (s) | server max (s) | drawn median (s) | drawn max (s) "
        "| first map (s) | same map | view kept | RSS start / end / peak (MB) |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|---|",
    ]
    for r in results:
        out.append(
            "| "
            + " | ".join(
                [
                    "shipped" if r.get("features") == "shipped" else "synthetic",
                    _fmt(r.get("n")),
                    _fmt(r.get("filter_change_server_median_s")),
                    _fmt(r.get("filter_change_server_max_s")),
                    _fmt(r.get("browser_filter_to_drawn_median_s")),
                    _fmt(r.get("browser_filter_to_drawn_max_s")),
                    _fmt(r.get("browser_first_map_s")),
                    _fmt(r.get("same_leaflet_map")),
                    _fmt(r.get("same_view")),
                    f"{_fmt(r.get('rss_after_start_mb'), 0)} / {_fmt(r.get('rss_end_mb'), 0)}"
                    f" / {_fmt(r.get('rss_peak_mb'), 0)}",
                ]
            )
            + " |"
        )
    out.append("")
    for r in results:
        errors = r.get("errors") or []
        if errors:
            out.append(f"- errors ({r.get('features')}): {errors}")
        if r.get("features") == "shipped":
            ok = (
                float(r.get("filter_change_server_median_s") or 99) <= FILTER_SERVER_S  # type: ignore[arg-type]
                and r.get("same_leaflet_map") is not False
                and r.get("same_view") is not False
                and not errors
            )
            out.append(
                f"- Target 1 (shipped data: filter change ≤ {FILTER_SERVER_S} s of server time, "
                f"median; same Leaflet map; view kept): {'met' if ok else 'MISSED'}."
            )
        elif r.get("features") == 100_000:
            # Every change, not the median: the slowest one must be drawn within the target.
            drawn = r.get("browser_filter_to_drawn_max_s")
            ok = (
                drawn is not None
                and float(drawn) <= DRAWN_S  # type: ignore[arg-type]
                and float(r.get("rss_peak_mb") or 1e9) < BIG_RSS_MB  # type: ignore[arg-type]
                and not errors
            )
            out.append(
                f"- Target 3 (100,000 features: drawn in Chromium ≤ {DRAWN_S} s after every "
                f"filter change, the slowest included; server peak memory < 1 GB): "
                f"{'met' if ok else 'MISSED'} (median "
                f"{_fmt(r.get('browser_filter_to_drawn_median_s'))} s, max {_fmt(drawn)} s, "
                f"peak {_fmt(r.get('rss_peak_mb'), 0)} MB)."
            )
    out.append("")
    return out


def load_section(figures: dict[str, dict[str, object]]) -> list[str]:
    """Target 4: simultaneous visitors, and the soak."""
    if not figures:
        return []
    out = ["## Load and soak (target 4)", ""]
    load = figures.get("load")
    if load:
        out.append(
            f"- load: {load['visitors']} simultaneous visitors over the websocket (shipped data): "
            f"first map median {_fmt(load['first_map_median_s'])} s, "
            f"max {_fmt(load['first_map_max_s'])} s; errors {len(load['errors'])}; "  # type: ignore[arg-type]
            f"peak server RSS {_fmt(load['peak_rss_mb'], 0)} MB."
        )
        ok = (
            not load["errors"]
            and load["first_map_max_s"] is not None
            and float(load["first_map_max_s"]) <= FIRST_MAP_S  # type: ignore[arg-type]
            and float(load["peak_rss_mb"]) < LOAD_RSS_MB  # type: ignore[arg-type]
        )
        out.append(
            f"- Target 4a (every first map ≤ {FIRST_MAP_S:g} s, no errors, < {LOAD_RSS_MB:g} MB): "
            f"{'met' if ok else 'MISSED'}."
        )
    soak = figures.get("soak")
    if soak:
        out.append(
            f"- soak: {soak['visits']} connect–filter–disconnect visits "
            f"({soak.get('seconds', '?')} s, {soak.get('concurrency', '?')} at a time); "
            f"errors {soak['error_count']}; "
            f"filter change median {_fmt(soak['filter_median_s'])} s; "
            f"RSS {_fmt(soak['rss_start_mb'], 0)} → {_fmt(soak['rss_end_mb'], 0)} MB "
            f"({_fmt(soak['growth_pct'], 1)} %)."
        )
        ok = not soak["error_count"] and float(soak["growth_pct"]) < SOAK_GROWTH_PCT  # type: ignore[arg-type]
        out.append(
            f"- Target 4b (soak: memory growth < {SOAK_GROWTH_PCT:g} %, no errors): "
            f"{'met' if ok else 'MISSED'}."
        )
    out.append("")
    return out
