"""Interface strings: both languages for every key, with the same placeholders."""

from __future__ import annotations

import string
from pathlib import Path

import pytest

from ninohe_geo.i18n import DEFAULT_LANG, LOCALES_DIR, STRINGS, load_strings, parse_lang, t
from ninohe_geo.model.plan import LANGS


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_key_has_both_languages(key: str) -> None:
    entry = STRINGS[key]
    assert set(entry) == set(LANGS)
    for lang in LANGS:
        assert entry[lang].strip(), f"{key} [{lang}] is empty"


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_placeholders_match_between_languages(key: str) -> None:
    assert placeholders(STRINGS[key]["ja"]) == placeholders(STRINGS[key]["en"])


def test_t_formats_placeholders() -> None:
    assert t("count", "ja", shown=3, total=4) == "表示中 3 / 4 件"
    assert t("count", "en", shown=3, total=4) == "Showing 3 / 4"
    assert t("plan_featured_note", "en", n=5) == "★ marks a featured measure (5 in all)"
    assert t("unconfirmed", "ja") == "未確認"


def test_t_unknown_key() -> None:
    with pytest.raises(KeyError):
        t("no_such_key", "ja")


@pytest.mark.parametrize(
    ("value", "lang"),
    [("en", "en"), ("ja", "ja"), ("EN", "ja"), ("fr", "ja"), (None, "ja"), (["en"], "ja")],
)
def test_parse_lang(value: object, lang: str) -> None:
    assert parse_lang(value) == lang


def test_default_is_japanese() -> None:
    assert DEFAULT_LANG == "ja"


# --- the locale files ------------------------------------------------------------------------


def test_strings_come_from_the_locale_files() -> None:
    assert sorted(LOCALES_DIR.glob("*.yaml"))
    assert load_strings() == STRINGS
    assert STRINGS["unconfirmed"] == {"ja": "未確認", "en": "Unconfirmed"}


def test_locale_files_merge(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("one: {ja: 一, en: one}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("two: {ja: 二, en: two}\n", encoding="utf-8")
    (tmp_path / "empty.yaml").write_text("# nothing yet\n", encoding="utf-8")
    assert load_strings(tmp_path) == {
        "one": {"ja": "一", "en": "one"},
        "two": {"ja": "二", "en": "two"},
    }


def test_key_defined_twice_is_refused(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("one: {ja: 一, en: one}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("one: {ja: 壱, en: one}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"b\.yaml: key 'one' is already defined in a\.yaml"):
        load_strings(tmp_path)


@pytest.mark.parametrize(
    "text",
    ["one: {ja: 一}\n", "one: {ja: 一, en: 2}\n", "one: just text\n", "one: {en: one}\n"],
    ids=["no-en", "en-not-text", "not-a-mapping", "no-ja"],
)
def test_key_without_both_languages_is_refused(tmp_path: Path, text: str) -> None:
    (tmp_path / "a.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=r"a\.yaml: key 'one' needs text for both ja and en"):
        load_strings(tmp_path)


def test_every_feature_field_has_a_label_in_both_languages() -> None:
    """The edit form labels fields in the user's language, never by their schema keys."""
    from ninohe_geo.i18n import STRINGS
    from ninohe_geo.model.schema import ALL_FIELDS

    for name in ALL_FIELDS:
        texts = STRINGS[f"field_{name}"]
        assert texts["ja"] and texts["en"] and name not in texts["ja"]
