"""What the benchmark ran on: platform, Python, CPU, cores, memory, library versions."""

from __future__ import annotations

import os
import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

#: Libraries whose versions decide the numbers.
LIBRARIES: tuple[str, ...] = ("folium", "branca", "geopandas", "shapely", "numpy", "pandas")


def _proc_value(path: str, key: str) -> str | None:
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for line in text.splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip() == key:
            return value.strip()
    return None


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo), else what :mod:`platform` says."""
    return _proc_value("/proc/cpuinfo", "model name") or platform.processor() or "unknown"


def cpu_count() -> int:
    """CPUs this process may use (``nproc``)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def total_memory() -> str:
    """Total memory (from /proc/meminfo), in GiB."""
    value = _proc_value("/proc/meminfo", "MemTotal")
    if value is None or not value.endswith("kB"):
        return "unknown"
    return f"{int(value.split()[0]) / 1024**2:.1f} GiB"


def load_average() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine skews timings)."""
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def library_versions() -> str:
    """``name version`` of each of :data:`LIBRARIES`, comma-separated."""
    parts = []
    for name in LIBRARIES:
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} (not installed)")
    return ", ".join(parts)


def machine_lines(load_at_start: str) -> list[tuple[str, str]]:
    """(label, value) pairs describing this machine (``load_at_start``: from the run's start)."""
    return [
        ("platform", platform.platform()),
        ("python", f"{platform.python_implementation()} {platform.python_version()}"),
        ("CPU", cpu_model()),
        ("nproc", str(cpu_count())),
        ("memory", total_memory()),
        ("load average 1/5/15 min (start → end)", f"{load_at_start} → {load_average()}"),
        ("libraries", library_versions()),
    ]
