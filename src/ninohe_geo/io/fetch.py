"""Download official sources and run them through the same importers as any upload.

Only ``http``/``https`` URLs, a time-out, and the import size cap while streaming (a download
larger than ``Limits.max_bytes`` is cut off and refused). The URL, retrieval date and
attribution are recorded in the layer file (``layer.import``). Every URL can be overridden
(``--url``), which is also how the tests point this code at a server on 127.0.0.1.

Default URLs. The N03 URL follows the 国土数値情報 download page's file naming for the 2024
edition, prefecture 03 (Iwate). GSI publishes the 指定緊急避難場所・指定避難所 data through a
download form on its site, without a stable per-city file URL that we could confirm, so those
sources need ``--url`` (the error says where to find it).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ninohe_geo.io.errors import ImportFileError, LimitExceededError, UnsafeInputError
from ninohe_geo.io.limits import DEFAULT_LIMITS, Limits

TIMEOUT_S = 60
USER_AGENT = "ninohe-geo (https://github.com/; open-source map of Ninohe's plan)"


@dataclass(frozen=True)
class OfficialSource:
    """A source ``ninohe-geo fetch`` knows."""

    name: str
    title: str
    url: str | None
    """Default download URL (None: unconfirmed, ``--url`` required)."""
    page: str
    """The page a person downloads it from."""
    attribution: str
    layer: str
    """Default layer name."""
    mapping: str
    """Shipped mapping to use."""
    suffix: str


SOURCES: tuple[OfficialSource, ...] = (
    OfficialSource(
        "n03-iwate",
        "国土数値情報 行政区域データ N03（岩手県）",
        "https://nlftp.mlit.go.jp/ksj/gml/data/N03/N03-2024/N03-20240101_03_GML.zip",
        "https://nlftp.mlit.go.jp/ksj/gml/datalist/KsjTmplt-N03-2024.html",
        "出典：国土数値情報（行政区域データ）（国土交通省）を加工して作成",
        "city-boundary",
        "mlit-n03",
        ".zip",
    ),
    OfficialSource(
        "gsi-emergency-032131",
        "国土地理院 指定緊急避難場所データ（二戸市 032131）",
        None,
        "https://www.gsi.go.jp/bousaichiri/hinanbasho.html",
        "国土地理院 指定緊急避難場所・指定避難所データ",
        "gsi-emergency",
        "gsi-emergency",
        ".geojson",
    ),
    OfficialSource(
        "gsi-evacuation-032131",
        "国土地理院 指定避難所データ（二戸市 032131）",
        None,
        "https://www.gsi.go.jp/bousaichiri/hinanbasho.html",
        "国土地理院 指定緊急避難場所・指定避難所データ",
        "gsi-evacuation",
        "gsi-evacuation",
        ".geojson",
    ),
)


def source_by_name(name: str) -> OfficialSource:
    """The source called ``name``."""
    for s in SOURCES:
        if s.name == name:
            return s
    raise ImportFileError("fetch", f"unknown source {name!r}: one of {[s.name for s in SOURCES]}")


def download(url: str, dest: Path, limits: Limits = DEFAULT_LIMITS) -> Path:
    """Stream ``url`` into ``dest`` with a time-out and the size cap; http(s) only."""
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in ("http", "https"):
        raise UnsafeInputError(url, "only http:// and https:// URLs are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    size = 0
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as resp, dest.open("wb") as out:  # noqa: S310
            while chunk := resp.read(1 << 16):
                size += len(chunk)
                if size > limits.max_bytes:
                    raise LimitExceededError(
                        url, f"download exceeds {limits.max_bytes:,} bytes: refused"
                    )
                out.write(chunk)
    except OSError as exc:
        raise ImportFileError(url, f"download failed: {exc}") from exc
    return dest


def fetch_to_temp(
    source: OfficialSource, url: str | None, folder: Path, limits: Limits = DEFAULT_LIMITS
) -> tuple[Path, dict[str, str]]:
    """Download ``source`` into ``folder``; returns the file and its provenance record."""
    chosen = url or source.url
    if not chosen:
        raise ImportFileError(
            source.name,
            f"no confirmed download URL for {source.title}: download it from {source.page} "
            "and pass --url (or import the downloaded file with 'ninohe-geo import')",
        )
    path = download(chosen, folder / f"{source.name}{source.suffix}", limits)
    provenance = {
        "url": chosen,
        "retrieved": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "attribution": source.attribution,
        "source": source.title,
    }
    return path, provenance


def new_temp_dir() -> tempfile.TemporaryDirectory[str]:
    """A temporary folder for a download (removed afterwards)."""
    return tempfile.TemporaryDirectory(prefix="ninohe-fetch-")
