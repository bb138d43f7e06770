"""Drawing on the map for editors: folium's ``Draw`` with Leaflet.draw served locally.

folium's :class:`folium.plugins.Draw` loads Leaflet.draw from a CDN. No Python package ships
Leaflet.draw on its own, so it comes from its own registry: the npm package ``leaflet-draw``
1.0.4 (MIT), pinned in ``package-lock.json`` at the checkout's root and installed by ``npm ci``;
the wheel build copies its ``dist/`` into the package (``hatch_build.py``), so an installed
ninohe-geo needs no npm. (Until issue #10 it was borrowed from ``django-leaflet``, which brought
two Django versions along.) The files are copied by :mod:`ninohe_geo.maps.assets` with kind
``"file"``, so only maps that draw (the editing page) load them; the public map stays as light.

Geometry from the browser is untrusted: :func:`drawn_geometry` accepts only the GeoJSON types a
plan feature may have, rounds coordinates to 7 decimals (RFC 7946 practice; ≈ 1 cm) and leaves
validity checks to :func:`ninohe_geo.model.checks.check_feature`, like any import.

Leaflet.draw speaks English only; in the Japanese UI its toolbar titles, buttons and drawing hints
come from :data:`DRAW_TEXTS_JA`, written into ``L.drawLocal`` just before the control is made
(it reads them when it builds the toolbar).
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import MacroElement
from folium.plugins import Draw
from jinja2 import Template

from ninohe_geo.escape import script_json
from ninohe_geo.maps.assets import DRAW_TARGET, STREAMLIT_STATIC_URL
from ninohe_geo.model.checks import GEOMETRY_TYPES
from ninohe_geo.model.plan import Lang

#: Decimal places kept from drawn coordinates.
DECIMALS = 7


class DefaultIconPath(MacroElement):
    """Point Leaflet's default marker icon at the served images before any marker is made.

    Leaflet guesses the path from its CSS, which may not have loaded yet inside st_folium's
    iframe (the marker then shows a broken image). Add this to the map before the layers.
    """

    _template = Template(
        "{% macro script(this, kwargs) %}L.Icon.Default.imagePath = {{ this.path }};{% endmacro %}"
    )

    def __init__(self, static_url: str = STREAMLIT_STATIC_URL) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "DefaultIconPath"
        self.path = script_json(f"{static_url}/vendor/leaflet/images/")


#: Leaflet.draw's texts in Japanese (the same tree as its ``L.drawLocal``; plain text only).
DRAW_TEXTS_JA: dict[str, Any] = {
    "draw": {
        "toolbar": {
            "actions": {"title": "描くのをやめる", "text": "やめる"},
            "finish": {"title": "描き終える", "text": "完了"},
            "undo": {"title": "最後に打った点を消す", "text": "最後の点を消す"},
            "buttons": {
                "polyline": "線を描く",
                "polygon": "多角形（面）を描く",
                "rectangle": "四角形を描く",
                "circle": "円を描く",
                "marker": "点を置く",
                "circlemarker": "丸い点を置く",
            },
        },
        "handlers": {
            "circle": {"tooltip": {"start": "押したまま動かして円を描きます。"}, "radius": "半径"},
            "circlemarker": {"tooltip": {"start": "地図を押して点を置きます。"}},
            "marker": {"tooltip": {"start": "地図を押して点を置きます。"}},
            "polygon": {
                "tooltip": {
                    "start": "押して多角形を描き始めます。",
                    "cont": "押して頂点を足します。",
                    "end": "最初の点を押すと閉じます。",
                }
            },
            "polyline": {
                "error": "線どうしを交差させることはできません。",
                "tooltip": {
                    "start": "押して線を描き始めます。",
                    "cont": "押して点を足します。",
                    "end": "最後の点をもう一度押すと終わります。",
                },
            },
            "rectangle": {"tooltip": {"start": "押したまま動かして四角形を描きます。"}},
            "simpleshape": {"tooltip": {"end": "指（ボタン）を離すと描き終わります。"}},
        },
    },
    "edit": {
        "toolbar": {
            "actions": {
                "save": {"title": "変更を確定する", "text": "保存"},
                "cancel": {"title": "編集をやめ、変更を元に戻す", "text": "やめる"},
                "clearAll": {"title": "すべて消す", "text": "すべて消す"},
            },
            "buttons": {
                "edit": "位置・形を編集",
                "editDisabled": "編集できる地物がありません",
                "remove": "消す",
                "removeDisabled": "消せる地物がありません",
            },
        },
        "handlers": {
            "edit": {
                "tooltip": {
                    "text": "点や頂点を動かして位置・形を変えます。",
                    "subtext": "「やめる」で変更を元に戻します。",
                }
            },
            "remove": {"tooltip": {"text": "消す地物を押してください。"}},
        },
    },
}

#: Leaflet.draw's texts per UI language; English is its own default (None: leave it).
DRAW_TEXTS: dict[Lang, dict[str, Any] | None] = {"ja": DRAW_TEXTS_JA, "en": None}

#: Merges our texts into ``L.drawLocal`` (keeps any key we do not name).
_DRAW_LOCAL_JS = (
    "(function (target, texts) {"
    " function merge(t, s) { Object.keys(s).forEach(function (k) {"
    " if (s[k] && typeof s[k] === 'object') { t[k] = t[k] || {}; merge(t[k], s[k]); }"
    " else { t[k] = s[k]; } }); }"
    " merge(target, texts); })(L.drawLocal, %s);"
)


class LocalDraw(Draw):
    """folium's Draw plugin with Leaflet.draw from the app's static folder, never a CDN, its
    texts in the UI's language (``texts``: a tree like :data:`DRAW_TEXTS_JA`).

    The texts are part of the control's own script (before ``new L.Control.Draw``), not a
    separate element: st_folium builds the page from each element's ``script`` macro, so only
    that is sure to run, and in this order."""

    _template = Template(
        "{% macro html(this, kwargs) %}{{ this.draw_html(this, kwargs) }}{% endmacro %}"
        "{% macro script(this, kwargs) %}{{ this.texts_js }}"
        "{{ this.draw_script(this, kwargs) }}{% endmacro %}"
    )

    def __init__(
        self,
        static_url: str = STREAMLIT_STATIC_URL,
        texts: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]
        self.default_js = [("leaflet_draw_js", f"{static_url}/{DRAW_TARGET}/leaflet.draw.js")]
        self.default_css = [("leaflet_draw_css", f"{static_url}/{DRAW_TARGET}/leaflet.draw.css")]
        self.texts_js = _DRAW_LOCAL_JS % script_json(texts) if texts else ""
        self.draw_html = Draw._template.module.html
        self.draw_script = Draw._template.module.script


def draw_control(
    geometry: dict[str, Any] | None = None,
    static_url: str = STREAMLIT_STATIC_URL,
    lang: Lang = "ja",
) -> tuple[LocalDraw, folium.GeoJson | None]:
    """A Draw control: for a new feature (``geometry`` None: draw a point, line or polygon) or
    to move/reshape an existing geometry (it is put in the editable group; drawing is off).

    Returns the control and, when editing, the editable layer (add both to the map). Only the
    geometry reaches the page — no property strings. The toolbar speaks ``lang``.
    """
    texts = DRAW_TEXTS.get(lang)
    if geometry is None:
        draw = LocalDraw(
            static_url=static_url,
            texts=texts,
            position="topleft",
            show_geometry_on_click=False,
            draw_options={
                "polyline": {"shapeOptions": {"color": "#0072B2"}},
                "polygon": {"allowIntersection": False, "shapeOptions": {"color": "#0072B2"}},
                "rectangle": False,
                "circle": False,
                "circlemarker": False,
                "marker": True,
            },
            edit_options={"edit": True, "remove": True},
        )
        return draw, None
    editable = folium.GeoJson(
        {"type": "Feature", "geometry": geometry, "properties": {}},
        name="editing",
        style_function=lambda _: {"color": "#D55E00", "weight": 4},
    )
    draw = LocalDraw(
        static_url=static_url,
        texts=texts,
        position="topleft",
        show_geometry_on_click=False,
        feature_group=editable,
        draw_options={
            "polyline": False,
            "polygon": False,
            "rectangle": False,
            "circle": False,
            "circlemarker": False,
            "marker": False,
        },
        edit_options={"edit": True, "remove": False},
    )
    return draw, editable


def _round(value: Any) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return round(float(value), DECIMALS)
    if isinstance(value, list):
        return [_round(v) for v in value]
    raise ValueError(f"coordinate {value!r} is not a number")


def drawn_geometry(drawing: Any) -> dict[str, Any] | None:
    """The geometry of a drawing returned by st_folium (a Feature or a geometry), cleaned.

    Returns None for anything that is not a point, line or polygon with numeric coordinates.
    """
    if not isinstance(drawing, dict):
        return None
    geom = drawing.get("geometry") if drawing.get("type") == "Feature" else drawing
    if not isinstance(geom, dict) or geom.get("type") not in GEOMETRY_TYPES:
        return None
    coords = geom.get("coordinates")
    if not isinstance(coords, list):
        return None
    try:
        return {"type": str(geom["type"]), "coordinates": _round(coords)}
    except (ValueError, TypeError):
        return None


def last_drawing(result: dict[str, Any] | None) -> dict[str, Any] | None:
    """The most recent drawn or edited geometry in st_folium's return value, cleaned."""
    if not result:
        return None
    drawings = result.get("all_drawings")
    if isinstance(drawings, list) and drawings:
        return drawn_geometry(drawings[-1])
    return None
