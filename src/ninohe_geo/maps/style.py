"""How a plan feature is drawn: one table that every renderer reads.

The colours are the plan's (``plan.yaml``: one colour-blind-safe Okabe–Ito colour per pillar);
everything else — line weights, point sizes, the dash of an approximate or schematic feature,
the selection outline, opacities — is :data:`STYLE`. It reaches the browser inside the options of
every map (:func:`style_options`): the app's SVG renderer and the large-data canvas
(``static/ninohe-map.js``, ``static/ninohe-tiles.js``), the printout, the residents' map and the
static site all draw from it, and the scripts hold no style numbers of their own
(``tests/maps/test_style.py`` fails if one creeps back). Changing how features look is one edit
here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ninohe_geo.model.plan import Plan


@dataclass(frozen=True)
class FeatureStyle:
    """Drawing parameters of plan features, in CSS pixels unless said otherwise."""

    point_radius: float = 8
    """Radius of a point (SVG circle marker)."""
    canvas_point_radius: float = 6
    """Radius of a point on the large-data canvas (many points: a little smaller)."""
    line_weight: float = 4
    """Width of a line (a route)."""
    area_weight: float = 2
    """Outline width of an area."""
    point_outline: str = "#ffffff"
    """Outline colour of a point (white, so it stands out on any base map)."""
    point_outline_weight: float = 2
    """Outline width of a point."""
    canvas_point_outline_weight: float = 1.5
    """Outline width of a point on the canvas."""
    loose_dash: tuple[int, int] = (8, 6)
    """Dash and gap of a feature whose place is approximate or schematic (位置は概略)."""
    loose_point_weight: float = 3
    """Outline width of an approximate point (its outline takes the pillar colour)."""
    selected_color: str = "#000000"
    """Outline colour of the selected feature."""
    selected_weight: float = 5
    """Outline width of a selected line or area."""
    selected_point_weight: float = 4
    """Outline width of a selected point."""
    opacity: float = 0.95
    """Opacity of outlines and lines."""
    area_fill_opacity: float = 0.22
    """Fill opacity of an area (the base map shows through)."""
    point_fill_opacity: float = 0.9
    """Fill opacity of a point."""
    loose_point_fill_opacity: float = 0.35
    """Fill opacity of an approximate point (lighter: not an exact place)."""


#: The style in use.
STYLE = FeatureStyle()


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def style_json(style: FeatureStyle | None = None) -> dict[str, Any]:
    """The style as the browser scripts read it (``opts.style``: camelCase keys)."""
    return {
        _camel(k): list(v) if isinstance(v, tuple) else v for k, v in asdict(style or STYLE).items()
    }


def style_options(plan: Plan, style: FeatureStyle | None = None) -> dict[str, Any]:
    """``colors`` (one per pillar, in plan order) and ``style``: the part of every renderer's
    options that says how features look."""
    return {"colors": [p.color for p in plan.pillars], "style": style_json(style)}
