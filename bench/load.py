"""Load and soak test of the Streamlit app over its websocket, on 127.0.0.1 only.

Drives what a browser sends (``BackMsg.rerun_script``) for many simultaneous visitors and reads
what the server sends back (``ForwardMsg``) until the map component (st_folium) has been
delivered: that is a visitor's "first map". Bounded by construction: a fixed number of visitors,
a fixed duration, then it stops by itself. No address other than the loopback server it starts.

    uv run python -m bench.load --visitors 100              # load: 100 at once
    uv run python -m bench.load --soak 600                  # soak: connect–filter–disconnect
                                                            # for 600 s, memory growth
Memory is the server process's RSS read from /proc (no extra dependency).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

from ninohe_geo.ui.server import free_port, start_app

REPO = Path(__file__).resolve().parents[1]
MAP_COMPONENT = "st_folium"


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def start_server(data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    """Start the app on 127.0.0.1:port and wait until it is healthy."""
    return start_app(data_dir, port=port).process


@dataclass
class Visit:
    """What one visitor saw."""

    first_map_s: float | None = None
    filter_s: float | None = None
    error: str | None = None
    widgets: dict[str, object] = field(default_factory=dict)


def pillar_widget(widgets: dict[str, object]) -> str | None:
    """The policy-area filter's widget id: its key is ``pillar.<lang>`` (one widget per
    language, ``web.widget_key``), which Streamlit ends the id with."""
    return next((k for k in widgets if re.search(r"-pillar(\.[a-z]{2})?$", k)), None)


def _rerun(query: str = "", widgets: list[WidgetState] | None = None) -> bytes:
    msg = BackMsg()
    msg.rerun_script.query_string = query
    msg.rerun_script.page_script_hash = ""
    if widgets:
        msg.rerun_script.widget_states.widgets.extend(widgets)
    data: bytes = msg.SerializeToString()
    return data


async def _until_finished(
    ws: websockets.ClientConnection, visit: Visit, t0: float, timeout: float
) -> bool:
    """Read messages until the script run finishes; note the map's arrival and widgets."""
    saw_map = False
    async with asyncio.timeout(timeout):
        while True:
            raw = await ws.recv()
            fwd = ForwardMsg()
            fwd.ParseFromString(raw if isinstance(raw, bytes) else raw.encode())
            kind = fwd.WhichOneof("type")
            if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element":
                el = fwd.delta.new_element
                which = el.WhichOneof("type")
                if (
                    which == "component_instance"
                    and MAP_COMPONENT in el.component_instance.component_name
                ):
                    saw_map = True
                    if visit.first_map_s is None:
                        visit.first_map_s = time.monotonic() - t0
                elif which == "multiselect":
                    visit.widgets[el.multiselect.id] = list(el.multiselect.options)
            elif kind == "script_finished":
                return saw_map


async def visit(url: str, timeout: float, do_filter: bool) -> Visit:
    """One visitor: open the app, wait for the map; optionally change the policy filter."""
    v = Visit()
    t0 = time.monotonic()
    try:
        # No client keepalive pings: a busy server answers late, and the driver must measure that,
        # not close the connection (1011) itself.
        async with websockets.connect(
            url, max_size=None, open_timeout=timeout, ping_interval=None
        ) as ws:
            await ws.send(_rerun())
            if not await _until_finished(ws, v, t0, timeout):
                v.error = "no map in the first run"
                return v
            if do_filter:
                pillar = pillar_widget(v.widgets)
                if pillar is None:
                    v.error = "policy filter not found"
                    return v
                options = v.widgets[pillar]
                assert isinstance(options, list)
                state = WidgetState(id=pillar)
                state.string_array_value.data.extend([options[2]])
                t1 = time.monotonic()
                await ws.send(_rerun(widgets=[state]))
                await _until_finished(ws, v, t1, timeout)
                v.filter_s = time.monotonic() - t1
    except (OSError, TimeoutError, websockets.WebSocketException) as exc:
        v.error = f"{type(exc).__name__}: {exc}"
    return v


async def load(port: int, visitors: int, timeout: float, pid: int) -> dict[str, object]:
    """``visitors`` at once; returns latencies, errors and peak server memory."""
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    peak = rss_mb(pid)
    done = False

    async def sample() -> None:
        nonlocal peak
        while not done:
            peak = max(peak, rss_mb(pid))
            await asyncio.sleep(0.1)

    sampler = asyncio.create_task(sample())
    start = time.monotonic()
    results = await asyncio.gather(*(visit(url, timeout, do_filter=False) for _ in range(visitors)))
    wall = time.monotonic() - start
    done = True
    await sampler
    firsts = sorted(r.first_map_s for r in results if r.first_map_s is not None)
    return {
        "visitors": visitors,
        "errors": [r.error for r in results if r.error],
        "first_map_median_s": statistics.median(firsts) if firsts else None,
        "first_map_max_s": firsts[-1] if firsts else None,
        "wall_s": wall,
        "peak_rss_mb": peak,
    }


async def soak(
    port: int, seconds: float, concurrency: int, timeout: float, pid: int
) -> dict[str, object]:
    """Repeated connect–filter–disconnect for ``seconds``; memory at start and end."""
    url = f"ws://127.0.0.1:{port}/_stcore/stream"
    await visit(url, timeout, do_filter=True)  # warm the caches before the baseline
    base = rss_mb(pid)
    end = time.monotonic() + seconds
    count = 0
    errors: list[str] = []
    filters: list[float] = []

    async def worker() -> None:
        nonlocal count
        while time.monotonic() < end:
            r = await visit(url, timeout, do_filter=True)
            count += 1
            if r.error:
                errors.append(r.error)
            if r.filter_s is not None:
                filters.append(r.filter_s)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    final = rss_mb(pid)
    return {
        "visits": count,
        "seconds": seconds,
        "concurrency": concurrency,
        "errors": errors[:5],
        "error_count": len(errors),
        "filter_median_s": statistics.median(filters) if filters else None,
        "rss_start_mb": base,
        "rss_end_mb": final,
        "growth_pct": 100 * (final - base) / base,
    }


def run_load(
    data: Path, visitors: int, soak_s: float, concurrency: int = 10, timeout: float = 60.0
) -> dict[str, dict[str, object]]:
    """Start the app on ``data``, run the load and/or the soak, stop it; the figures by name."""
    port = free_port()
    server = start_server(data, port)
    out: dict[str, dict[str, object]] = {}
    try:
        # One visit first so that start-up work (imports, static copy) is not counted as load.
        asyncio.run(visit(f"ws://127.0.0.1:{port}/_stcore/stream", timeout, False))
        if visitors:
            out["load"] = asyncio.run(load(port, visitors, timeout, server.pid))
        if soak_s:
            out["soak"] = asyncio.run(soak(port, soak_s, concurrency, timeout, server.pid))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return out


def main(argv: list[str] | None = None) -> int:
    """Run the load test and/or the soak; print the figures."""
    p = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    p.add_argument("--visitors", type=int, default=100)
    p.add_argument("--soak", type=float, default=0.0, help="soak duration in seconds (0: none)")
    p.add_argument("--soak-concurrency", type=int, default=10)
    p.add_argument("--timeout", type=float, default=60.0)
    p.add_argument("--data", type=Path, default=REPO / "geodata")
    args = p.parse_args(argv)
    figures = run_load(args.data, args.visitors, args.soak, args.soak_concurrency, args.timeout)
    for name, values in figures.items():
        print(f"{name}:", values)
    return 0


if __name__ == "__main__":
    sys.exit(main())
