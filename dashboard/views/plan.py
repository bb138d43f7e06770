"""The plan as a tree: vision, pillars with measures and initiatives, indicators, perspectives."""

from __future__ import annotations

import streamlit as st

from ninohe_geo.escape import markdown_text as md
from ninohe_geo.i18n import t
from ninohe_geo.query.plantree import plan_tree
from ninohe_geo.ui import common as web
from ninohe_geo.ui import session as webedit
from ninohe_geo.ui.planversion import plan_notice
from ninohe_geo.ui.progress import progress_section

lang = web.current_lang()
web.sync_url(lang)
cat = web.catalog()
tree = plan_tree(cat, lang)

st.title(md(tree.title))
st.caption(md(tree.period))
plan_notice(cat.plan, lang)  # the plan in force today, and the one before (#14)
st.markdown(f"**{md(t('plan_vision', lang))}**: {md(tree.vision)}")
st.markdown(f"**{md(t('plan_goal', lang))}**: {md(tree.goal)}")
st.caption(md(t("plan_featured_note", lang, n=tree.featured_count)))

st.header(t("plan_pillars", lang))
for pillar in tree.pillars:
    with st.expander(f"{md(pillar.label)}", expanded=True):
        st.markdown(f"**{md(t('plan_directions', lang))}**")
        st.markdown("\n".join(f"- {md(d)}" for d in pillar.directions))
        group = None
        for measure in pillar.measures:
            if measure.group and measure.group != group:
                group = measure.group
                st.markdown(f"##### {md(group)}")
            cols = st.columns([4, 1], vertical_alignment="center")
            with cols[0]:
                star = "★ " if measure.featured else ""
                st.markdown(f"**{star}{md(measure.name)}** — {md(measure.count_label)}")
                st.markdown("\n".join(f"- {md(i)}" for i in measure.initiatives))
                if measure.related:
                    colon = "：" if lang == "ja" else ": "
                    st.caption(md(t("related_reference", lang) + colon + measure.related))
            with cols[1]:
                if measure.count:
                    st.page_link(
                        "views/map.py",
                        label=t("plan_open_map", lang),
                        icon=":material/map:",
                        query_params={"measure": measure.id, "lang": lang},
                    )
        st.markdown(f"**{md(t('plan_indicators', lang))}**")
        st.markdown("\n".join(f"- {md(n)}: {md(v)}" for n, v in pillar.indicators))

progress_section(cat, lang)  # projects (事業) by status in a chosen 年度 (#14)
webedit.indicators_section(cat.plan, lang)  # sourced yearly values entered by editors (#6)
st.header(t("plan_common", lang))
st.markdown("\n".join(f"- {md(c)}" for c in tree.common_policies))
st.header(t("plan_perspectives", lang))
st.markdown("\n".join(f"{n}. {md(p)}" for n, p in enumerate(tree.perspectives, start=1)))
st.caption(f"{md(t('plan_source', lang))}: {md(tree.source)}")
