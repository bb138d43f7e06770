"""CSV in the Digital Agency's standard open-data layouts (自治体標準オープンデータセット):
公共施設一覧, 指定緊急避難場所一覧, 文化財一覧, 観光施設一覧 — the same four the importer reads
(``mappings/da-*.yaml``), so a city can publish what it maps in the layout other tools expect.

Which layout (``ninohe-geo export --format csv --layout auto|ours|ID``; the download buttons use
``auto``):

- ``auto`` (the default) — a standard layout only when it fits *every* exported feature: each
  feature's layer was made by ``ninohe-geo import`` with a mapping of one dataset (the layer's
  ``layer.import.mapping``, see :data:`MAPPING_LAYOUTS`: ``da-*`` for the Digital Agency's own
  CSVs, ``gsi-emergency`` for GSI's 指定緊急避難場所 data), and all of them name the same
  dataset. Anything else — a hand-made layer, GSI's 指定避難所 (a dataset with no layout here),
  a mix of datasets — gets our own layout (:func:`ninohe_geo.io.export.to_csv`).
- ``ours`` — always our own layout.
- a layout id (the importer's mapping name, e.g. ``da-evacuation-sites``) — that layout,
  whatever the features.

What is written: the current header generation (全国地方公共団体コード, ID, 地方公共団体名, …) in
its column order, UTF-8 with BOM (as our other CSV, so Excel opens Japanese correctly), CRLF.
Only what we hold is filled; every other column is left empty, never guessed:

- 全国地方公共団体コード ``032131`` (03213 with its check digit), 地方公共団体名 ``岩手県二戸市``;
- ID: the feature id (without the prefix our importer adds, e.g. ``da-shisetsu-032131-``, so an
  imported record keeps its id through export and re-import);
- 名称 ← ``name_ja``, 名称_英字 ← ``name_en``, 名称_カナ ← ``reading_ja`` in katakana (only
  where a feature has a reading), 説明 / 説明_英字 ← ``summary_ja`` / ``summary_en``
  (where the layout has them), URL ← ``source_url``, 備考 ← ``出典：`` + ``source``;
- 緯度/経度: WGS84 degrees, at most 7 decimals. A line or polygon is written as its
  representative point (a point inside it, shapely's ``representative_point``), and 備考 says so.

Not filled, for lack of data: 住所 and 方書 (our schema has no address), 電話番号, the
災害種別_… hazard flags (our features hold them only as prose in the summary), 団体名, opening
hours and the rest; 名称_カナ when a feature has no ``reading_ja``. Our plan fields (measure,
status, accuracy, …) have no column in these layouts and are not written, so a round trip keeps
names, positions and ids, not the plan. Every cell is formula-neutralised as in our own CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from collections.abc import Mapping as AbcMapping
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import pandas as pd

from ninohe_geo.io.cells import neutralise
from ninohe_geo.io.errors import ImportFileError
from ninohe_geo.io.layerfile import normalise
from ninohe_geo.model.catalog import LayerInfo
from ninohe_geo.model.plan import Lang

#: 全国地方公共団体コード of 二戸市: 03213 and its check digit (see :func:`check_digit`).
LOCAL_GOVERNMENT_CODE = "032131"
LOCAL_GOVERNMENT_NAME = "岩手県二戸市"
AUTO = "auto"
OURS = "ours"
#: 備考 of a line or polygon written as one point.
REPRESENTATIVE_NOTE = "緯度・経度は線・面の代表点（図形の内側の一点）"

_HEAD = ("全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_カナ", "名称_英字")


@dataclass(frozen=True)
class Layout:
    """One standard dataset's CSV layout (its current header generation)."""

    id: str
    """The importer's mapping name for this dataset (``mappings/<id>.yaml``)."""
    title_ja: str
    """The dataset's name, e.g. 指定緊急避難場所一覧."""
    title_en: str
    columns: tuple[str, ...]
    """The header, in the specification's order."""
    id_prefix: str
    """What the importer puts before 全国地方公共団体コード-ID in a feature id."""

    def title(self, lang: Lang) -> str:
        """The dataset's name in ``lang``."""
        return self.title_ja if lang == "ja" else self.title_en


LAYOUTS: dict[str, Layout] = {
    layout.id: layout
    for layout in (
        Layout(
            "da-public-facilities",
            "公共施設一覧",
            "Public facilities",
            (
                *_HEAD,
                *("名称_通称", "POIコード", "住所", "方書", "緯度", "経度", "電話番号"),
                *("内線番号", "法人番号", "団体名", "利用可能曜日", "開始時間", "終了時間"),
                *("利用可能日時特記事項", "説明", "バリアフリー情報", "URL", "備考"),
            ),
            "da-shisetsu",
        ),
        Layout(
            "da-evacuation-sites",
            "指定緊急避難場所一覧",
            "Emergency evacuation sites",
            (
                *_HEAD,
                *("住所", "方書", "緯度", "経度", "標高", "電話番号", "内線番号"),
                *("連絡先メールアドレス", "連絡先FormURL", "災害種別_洪水"),
                *("災害種別_崖崩れ、土石流及び地滑り", "災害種別_高潮", "災害種別_地震"),
                *("災害種別_津波", "災害種別_大規模な火事", "災害種別_内水氾濫"),
                *("災害種別_火山現象", "指定避難所との重複", "想定収容人数"),
                *("対象となる町会・自治会", "URL", "備考"),
            ),
            "da-hinan",
        ),
        Layout(
            "da-cultural-properties",
            "文化財一覧",
            "Cultural properties",
            (
                *_HEAD,
                *("文化財分類", "種類", "場所名称", "住所", "方書", "緯度", "経度"),
                *("電話番号", "内線番号", "員数（数）", "員数（単位）", "法人番号", "所有者等"),
                *("文化財指定日", "利用可能曜日", "開始時間", "終了時間"),
                *("利用可能日時特記事項", "画像", "画像_ライセンス", "概要", "概要_英字"),
                *("説明", "説明_英字", "URL", "備考"),
            ),
            "da-bunkazai",
        ),
        Layout(
            "da-tourism",
            "観光施設一覧",
            "Tourist facilities",
            (
                *_HEAD,
                *("POIコード", "住所", "方書", "緯度", "経度", "利用可能曜日", "開始時間"),
                *("終了時間", "利用可能日時特記事項", "料金（基本）", "料金（詳細）", "説明"),
                *("説明_英字", "アクセス方法", "駐車場情報", "バリアフリー情報", "連絡先名称"),
                *("連絡先電話番号", "連絡先内線番号", "画像", "画像_ライセンス", "URL", "備考"),
            ),
            "da-kanko",
        ),
    )
}

#: Import mapping (recorded in a layer's metadata) → the layout of the dataset it reads.
#: GSI's 指定緊急避難場所 data is the same dataset as 指定緊急避難場所一覧; GSI's 指定避難所
#: (``gsi-evacuation``) is not, and has no layout here.
MAPPING_LAYOUTS: dict[str, str] = {
    "da-public-facilities": "da-public-facilities",
    "da-evacuation-sites": "da-evacuation-sites",
    "gsi-emergency": "da-evacuation-sites",
    "da-cultural-properties": "da-cultural-properties",
    "da-tourism": "da-tourism",
}

#: Values of ``--layout``.
LAYOUT_CHOICES: tuple[str, ...] = (AUTO, OURS, *LAYOUTS)

#: Columns filled from our data (with the schema field, where one cell is one field).
FILLED_FROM = {
    "名称": "name_ja",
    "名称_英字": "name_en",
    "説明": "summary_ja",
    "説明_英字": "summary_en",
    "URL": "source_url",
}


def check_digit(code5: str) -> str:
    """The check digit of a 5-digit local government code (総務省: weights 6…2, mod 11)."""
    total = sum(int(d) * w for d, w in zip(code5, (6, 5, 4, 3, 2), strict=True))
    return str((11 - total % 11) % 10)


def layer_mappings(layers: Iterable[LayerInfo]) -> dict[str, str]:
    """Layer id → the import mapping that made it, for layers made by an import."""
    return {info.id: info.mapping for info in layers if info.mapping}


def fitting_layout(features: gpd.GeoDataFrame, mappings: AbcMapping[str, str]) -> Layout | None:
    """The ``auto`` rule (module docstring): the one layout every feature's layer names, else
    None (our own layout)."""
    if features.empty or "layer" not in features:
        return None
    found = {MAPPING_LAYOUTS.get(mappings.get(str(layer), "")) for layer in features["layer"]}
    if len(found) != 1:
        return None
    layout_id = found.pop()
    return LAYOUTS[layout_id] if layout_id else None


def choose_layout(
    choice: str, features: gpd.GeoDataFrame, mappings: AbcMapping[str, str]
) -> Layout | None:
    """The layout for ``--layout choice`` (None: our own)."""
    if choice == AUTO:
        return fitting_layout(features, mappings)
    if choice == OURS:
        return None
    if choice not in LAYOUTS:
        raise ImportFileError(
            "--layout", f"unknown CSV layout {choice!r}: one of {', '.join(LAYOUT_CHOICES)}"
        )
    return LAYOUTS[choice]


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _degrees(value: float) -> str:
    """At most 7 decimals, no trailing zeros."""
    return f"{value:.7f}".rstrip("0").rstrip(".")


def katakana(text: str) -> str:
    """Hiragana turned into katakana (other characters kept): 名称_カナ from ``reading_ja``."""
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def _record_id(feature_id: str, layout: Layout) -> str:
    prefix = f"{layout.id_prefix}-{LOCAL_GOVERNMENT_CODE}-"
    return feature_id.removeprefix(prefix) or feature_id


def layout_row(row: pd.Series, layout: Layout) -> list[str]:
    """One feature's cells in ``layout`` (before formula neutralisation)."""
    geom = normalise(row.geometry)
    exact = geom.geom_type == "Point"
    point = geom if exact else geom.representative_point()
    source = _text(row.get("source"))
    notes = [f"出典：{source}"] if source else []
    if not exact:
        notes.append(REPRESENTATIVE_NOTE)
    known = {
        "全国地方公共団体コード": LOCAL_GOVERNMENT_CODE,
        "ID": _record_id(_text(row.get("id")), layout),
        "地方公共団体名": LOCAL_GOVERNMENT_NAME,
        "名称_カナ": katakana(_text(row.get("reading_ja"))),
        "緯度": _degrees(point.y),
        "経度": _degrees(point.x),
        "備考": "／".join(notes),
    }
    known |= {column: _text(row.get(name)) for column, name in FILLED_FROM.items()}
    return [known.get(column, "") for column in layout.columns]


def to_layout_csv(features: gpd.GeoDataFrame, layout: Layout) -> bytes:
    """CSV bytes in ``layout`` (UTF-8 with BOM, CRLF), every cell formula-safe."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(layout.columns)
    for _, row in features.iterrows():
        writer.writerow([neutralise(cell) for cell in layout_row(row, layout)])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
