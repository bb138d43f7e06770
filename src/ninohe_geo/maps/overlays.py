"""Map elements for community meetings: a tour stop's frame and highlight, print numbers.

They are small folium elements that call ``ninoheMeeting.*`` (``static/ninohe-meeting.js``) with
JSON made by :func:`ninohe_geo.escape.script_json`; they ride inside the feature group handed to
``st_folium(feature_group_to_add=…)``, so moving to another stop swaps the group and moves the
mounted map without reloading it (the page's base map never changes during a tour).
"""

from __future__ import annotations

from typing import Any

import folium
from branca.element import MacroElement
from jinja2 import Template

from ninohe_geo.escape import script_json
from ninohe_geo.model.tours import StopView


class _Call(MacroElement):
    """``ninoheMeeting.<function>(<parent>, <json>)`` — the parent is the group or the map."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "ninoheMeeting.{{ this.function }}({{ this._parent.get_name() }}, {{ this.payload }});"
        "{% endmacro %}"
    )

    def __init__(self, function: str, payload: Any) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "NinoheMeeting"
        self.function = function
        self.payload = script_json(payload)


def focus_options(view: StopView, stop: int, total: int, present: bool) -> dict[str, Any]:
    """The options of ``ninoheMeeting.focus`` for a stop (Leaflet bounds are [[s, w], [n, e]])."""
    west, south, east, north = view.bounds
    return {
        "bounds": [[south, west], [north, east]],
        "maxZoom": view.max_zoom,
        "highlight": list(view.highlight),
        "stop": stop,
        "total": total,
        "present": present,
    }


def add_focus(
    group: folium.FeatureGroup, view: StopView, stop: int, total: int, present: bool = True
) -> None:
    """Frame and highlight a tour stop; add it after the features (it styles their layers)."""
    group.add_child(_Call("focus", focus_options(view, stop, total, present)))


def add_number_labels(group: folium.FeatureGroup, numbers: list[tuple[str, int]]) -> None:
    """Numbered labels (print): ``numbers`` pairs a feature id with the number in the list."""
    group.add_child(_Call("numberLabels", [[fid, n] for fid, n in numbers]))


def add_tile_status(m: folium.Map) -> None:
    """Record tile loading in ``window.ninoheTiles`` (the print renderer waits on it)."""
    m.add_child(_Call("tileStatus", None))


def add_north_arrow(m: folium.Map, label: str) -> None:
    """A north arrow in the map's top-right corner (print)."""
    m.add_child(_Call("northArrow", label))
