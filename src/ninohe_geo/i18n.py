"""Interface strings in Japanese (default) and English.

Content (names, summaries) is bilingual in the data itself; this table holds only the app's own
words. A test checks that every key has both languages.
"""

from __future__ import annotations

from ninohe_geo.plan import Lang

DEFAULT_LANG: Lang = "ja"

STRINGS: dict[str, dict[Lang, str]] = {
    "app_title": {"ja": "二戸市総合計画マップ", "en": "Ninohe Comprehensive Plan Map"},
    "app_subtitle": {
        "ja": "後期基本計画（令和3〜7年度）の取り組みを地図で",
        "en": "The Second-Half Basic Plan (FY2021–2025) on a map",
    },
    "nav_map": {"ja": "地図", "en": "Map"},
    "nav_plan": {"ja": "計画の全体像", "en": "The plan"},
    "language": {"ja": "Language / 言語", "en": "Language / 言語"},
    "filters": {"ja": "絞り込み", "en": "Filters"},
    "filter_pillar": {"ja": "政策分野", "en": "Policy area"},
    "filter_measure": {"ja": "施策項目", "en": "Measure"},
    "filter_status": {"ja": "状況", "en": "Status"},
    "filter_layer": {"ja": "レイヤ", "en": "Layers"},
    "filter_featured": {"ja": "★ 特色を活かした取り組みのみ", "en": "★ Featured measures only"},
    "filter_text": {"ja": "名称で検索", "en": "Search names"},
    "filter_text_help": {
        "ja": "日本語・英語の名称に含まれる語で絞り込みます",
        "en": "Matches words in the Japanese or English name",
    },
    "filter_reset": {"ja": "絞り込みを解除", "en": "Clear filters"},
    "basemap": {"ja": "背景地図", "en": "Base map"},
    "count": {"ja": "表示中 {shown} / {total} 件", "en": "Showing {shown} / {total}"},
    "none_match": {
        "ja": "条件に合う取り組みはありません。絞り込みを変えてください。",
        "en": "No project matches these filters. Try changing them.",
    },
    "details": {"ja": "詳細", "en": "Details"},
    "details_hint": {
        "ja": "地図上の取り組みをクリックすると、ここに詳細が表示されます。",
        "en": "Click a project on the map to see its details here.",
    },
    "pillar": {"ja": "政策分野", "en": "Policy area"},
    "measure": {"ja": "施策項目", "en": "Measure"},
    "initiative": {"ja": "主な取り組み", "en": "Main initiative"},
    "status": {"ja": "状況", "en": "Status"},
    "period": {"ja": "期間", "en": "Period"},
    "summary": {"ja": "概要", "en": "Summary"},
    "accuracy": {"ja": "位置の精度", "en": "Location accuracy"},
    "source": {"ja": "出典", "en": "Source"},
    "updated": {"ja": "更新日", "en": "Updated"},
    "indicators": {"ja": "この政策分野の指標", "en": "Indicators of this policy area"},
    "unconfirmed": {"ja": "未確認", "en": "Unconfirmed"},
    "not_set": {"ja": "—", "en": "—"},
    "loose_label": {"ja": "位置は概略", "en": "Approximate location"},
    "legend_title": {"ja": "凡例", "en": "Legend"},
    "legend_loose": {
        "ja": "破線：位置は概略・模式図",
        "en": "Dashed: approximate or schematic location",
    },
    "data_problems": {
        "ja": "読み込めなかったデータがあります（ほかのデータは表示しています）",
        "en": "Some data could not be loaded (everything else is shown)",
    },
    "plan_vision": {"ja": "みんなの夢（30年後の未来像）", "en": "Our dream (the 30-year vision)"},
    "plan_goal": {"ja": "みんなの目標", "en": "Our goal"},
    "plan_pillars": {"ja": "4本の柱と施策項目", "en": "Four pillars and their measures"},
    "plan_directions": {"ja": "方向性", "en": "Direction"},
    "plan_common": {"ja": "共通政策", "en": "Common policies"},
    "plan_perspectives": {"ja": "新しい4つの視点", "en": "Four new perspectives"},
    "plan_indicators": {"ja": "指標", "en": "Indicators"},
    "plan_mapped": {"ja": "地図上 {n} 件", "en": "{n} on the map"},
    "plan_unmapped": {"ja": "地図上の位置なし", "en": "nothing to map"},
    "plan_open_map": {"ja": "地図で見る", "en": "Open on the map"},
    "plan_featured_note": {
        "ja": "★ は特色を活かした取り組み（{n} 項目）",
        "en": "★ marks a featured measure ({n} in all)",
    },
    "plan_source": {"ja": "出典", "en": "Source"},
    "value_known": {"ja": "既知の値", "en": "Known value"},
    "tiles_unavailable": {
        "ja": "背景地図を読み込めません（オフライン）。取り組みは表示しています。",
        "en": "Base map tiles are unavailable (offline). The projects are still shown.",
    },
    "attribution_note": {
        "ja": "背景地図の出典は地図右下に表示しています。",
        "en": "Base map attributions are shown at the bottom right of the map.",
    },
}


def t(key: str, lang: Lang, **values: object) -> str:
    """The interface string ``key`` in ``lang``, with ``{name}`` placeholders filled."""
    text = STRINGS[key][lang]
    return text.format(**values) if values else text


def parse_lang(value: object) -> Lang:
    """A language code from a URL or widget; anything unknown falls back to Japanese."""
    return "en" if value == "en" else "ja"
