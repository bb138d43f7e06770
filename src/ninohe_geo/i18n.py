"""Interface strings in Japanese (default) and English.

Content (names, summaries) is bilingual in the data itself; the app's own words live in
``locales/*.yaml`` (one file per area of the app: ``core.yaml`` for the map and plan pages, …),
each a mapping ``key: {ja: …, en: …}``. They are merged at import; a key defined twice, or
missing a language, is an error at start-up rather than a blank label at run time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml

#: The languages of the app and of the data's bilingual fields: Japanese first.
Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")

DEFAULT_LANG: Lang = "ja"
LOCALES_DIR = Path(__file__).resolve().parent / "locales"


def load_strings(folder: Path = LOCALES_DIR) -> dict[str, dict[Lang, str]]:
    """All interface strings of ``folder``; raises ValueError on a duplicate or incomplete key."""
    merged: dict[str, dict[Lang, str]] = {}
    origin: dict[str, str] = {}
    for path in sorted(folder.glob("*.yaml")):
        table = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, texts in table.items():
            if key in merged:
                raise ValueError(f"{path.name}: key {key!r} is already defined in {origin[key]}")
            if not isinstance(texts, dict) or not all(
                isinstance(texts.get(lang), str) for lang in ("ja", "en")
            ):
                raise ValueError(f"{path.name}: key {key!r} needs text for both ja and en")
            merged[key] = {"ja": texts["ja"], "en": texts["en"]}
            origin[key] = path.name
    return merged


STRINGS: dict[str, dict[Lang, str]] = load_strings()


def t(key: str, lang: Lang, **values: object) -> str:
    """The interface string ``key`` in ``lang``, with ``{name}`` placeholders filled."""
    text = STRINGS[key][lang]
    return text.format(**values) if values else text


def parse_lang(value: object) -> Lang:
    """A language code from a URL or widget; anything unknown falls back to Japanese."""
    return "en" if value == "en" else "ja"


def distance_text(metres: float, lang: Lang) -> str:
    """A distance as people say it: 「約 30 m」「約 2.5 km」 (about 30 m / about 2.5 km)."""
    if metres >= 1000:
        km = f"{metres / 1000:.1f}".rstrip("0").rstrip(".")
        value = f"{km} km"
    else:
        value = f"{round(metres):d} m"
    return t("about_distance", lang, distance=value)
