"""The residents' map layer: gathered marks, the fitted view (query/residents_map.py)."""

from __future__ import annotations

import re
from pathlib import Path

import folium
import pytest

from ninohe_geo.i18n import t
from ninohe_geo.model.catalog import Catalog, load_catalog
from ninohe_geo.query import residents_map
from ninohe_geo.query.residents import map_options, residents_features

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped() -> Catalog:
    return load_catalog(REPO / "geodata")


def _render(group: folium.FeatureGroup) -> str:
    m = folium.Map()
    group.add_to(m)
    return str(m.get_root().render())


def test_the_layer_draws_through_the_residents_script(shipped: Catalog) -> None:
    fit = (141.28, 40.25, 141.31, 40.28)
    html = _render(
        residents_features(
            shipped, shipped.features, "ja", "kunohe-castle-ruins", fit=fit, key="k1"
        )
    )
    assert "window.ninoheResidents" in html and "ninoheResidents.draw(" in html
    assert '"fit":[141.28,40.25,141.31,40.28]' in html and '"key":"k1"' in html
    assert f'"splitZoom":{residents_map.SPLIT_ZOOM}' in html
    assert '"selected":"kunohe-castle-ruins"' in html and '"marks":[' in html
    # The badge's words, both languages, as templates filled in the browser.
    assert '"clusterText":"{n}件"' in html
    en = _render(residents_features(shipped, shipped.features, "en"))
    assert '"clusterText":"×{n}"' in en
    assert t("res_cluster_label", "en") in en.replace("\\u003c", "<")


def test_overview_and_tap_padding(shipped: Catalog) -> None:
    wide = residents_map.view_options(None, "", overview=True)
    fitted = residents_map.view_options((0, 0, 1, 1), "k", origin=(40.2, 141.3))
    assert wide["padding"] == list(residents_map.OVERVIEW_PADDING)
    assert fitted["padding"] == fitted["tapPadding"] == wide["tapPadding"]
    assert fitted["origin"] == [40.2, 141.3] and wide["fit"] is None
    # Room for a 44 px target beside the 76 px of zoom buttons and legend on the left.
    assert residents_map.FIT_PADDING_TOP_LEFT[0] >= 76 + 22


def test_view_key_is_stable_and_distinct() -> None:
    a = residents_map.view_key(None, ["x", "y"])
    assert a == residents_map.view_key(None, ["x", "y"])
    assert a != residents_map.view_key(None, ["y", "x"])
    assert a != residents_map.view_key((40.0, 141.0), ["x", "y"])
    assert re.fullmatch(r"[0-9a-f]{16}", a)


def test_the_script_puts_data_in_with_text_and_attributes_only() -> None:
    code = residents_map.RESIDENTS_JS
    assert "innerHTML" not in code and "insertAdjacentHTML" not in code
    assert "textContent" in code and "setAttribute" in code


def test_hostile_names_are_escaped(make_data_dir) -> None:  # type: ignore[no-untyped-def]
    cat = load_catalog(make_data_dir("hostile"))
    html = _render(
        residents_map.residents_layer(cat.features, "ja", map_options(cat, "ja"), key="k")
    )
    for raw in ("<img src=x", "</script><script>"):
        assert raw not in html
