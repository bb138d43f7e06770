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


class LocalDraw(Draw):
    """folium's Draw plugin with Leaflet.draw from the app's static folder, never a CDN."""

    def __init__(self, static_url: str = STREAMLIT_STATIC_URL, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]
        self.default_js = [("leaflet_draw_js", f"{static_url}/{DRAW_TARGET}/leaflet.draw.js")]
        self.default_css = [("leaflet_draw_css", f"{static_url}/{DRAW_TARGET}/leaflet.draw.css")]


def draw_control(
    geometry: dict[str, Any] | None = None, static_url: str = STREAMLIT_STATIC_URL
) -> tuple[LocalDraw, folium.GeoJson | None]:
    """A Draw control: for a new feature (``geometry`` None: draw a point, line or polygon) or
    to move/reshape an existing geometry (it is put in the editable group; drawing is off).

    Returns the control and, when editing, the editable layer (add both to the map). Only the
    geometry reaches the page — no property strings.
    """
    if geometry is None:
        draw = LocalDraw(
            static_url=static_url,
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
