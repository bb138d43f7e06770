"""Phone-size checks shared by the residents' browser tests: tap targets, scrolling, gestures."""

from __future__ import annotations

from typing import Any

PHONE = {"width": 360, "height": 640}
DESKTOP = {"width": 1280, "height": 800}
#: WCAG 2.5.5 (AAA) / Apple and Android guidance: 44 CSS px.
MIN_TAP = 44
#: Inline links inside running text are exempt (WCAG 2.5.5): the map's attribution line.
EXEMPT = (".leaflet-control-attribution a",)


def small_tap_targets(target: Any, scope: str = "body") -> list[str]:
    """Visible interactive elements under ``scope`` smaller than 44×44 CSS px, described."""
    selector = ", ".join(
        f"{scope} {s}" for s in ("a[href]", "button", "input", "select", "summary", "[role=button]")
    )
    small = []
    for loc in target.locator(selector).all():
        if not loc.is_visible():
            continue
        if any(loc.evaluate(f"e => !!e.closest({s!r})") for s in EXEMPT):
            continue
        box = loc.bounding_box()
        if box and (box["width"] < MIN_TAP - 0.5 or box["height"] < MIN_TAP - 0.5):
            label = loc.evaluate(
                "e => e.tagName + ' ' + (e.getAttribute('aria-label')"
                " || e.textContent || e.value || '').trim()"
            )
            small.append(f"{label[:60]} {box['width']:.0f}x{box['height']:.0f}")
    return small


def scrolls_sideways(page: Any) -> bool:
    """True when the page is wider than the viewport (horizontal scrolling).

    Checks the document and, in Streamlit, the main area (it scrolls inside its own box).
    """
    return bool(
        page.evaluate(
            """() => {
                if (document.scrollingElement.scrollWidth > window.innerWidth) { return true; }
                const main = document.querySelector('.stMain');
                return !!main && main.scrollWidth > main.clientWidth;
            }"""
        )
    )


def one_finger_drag_warns(frame: Any, map_expr: str) -> dict[str, Any]:
    """Send a one-finger touch drag to the map; report what the gesture handler did.

    Returns the map's handler states, whether the "use two fingers" warning appeared, and
    whether the map's centre moved (it must not: one finger scrolls the page).
    """
    result: dict[str, Any] = frame.evaluate(
        """(mapExpr) => {
            const map = eval(mapExpr);
            const el = map.getContainer();
            const before = map.getCenter();
            const r = el.getBoundingClientRect();
            const x = r.left + r.width / 2, y = r.top + r.height / 2;
            const touch = (dy) => new Touch({identifier: 1, target: el, clientX: x,
                                               clientY: y + dy, pageX: x, pageY: y + dy});
            el.dispatchEvent(new TouchEvent('touchstart', {touches: [touch(0)],
                targetTouches: [touch(0)], changedTouches: [touch(0)], bubbles: true,
                cancelable: true}));
            el.dispatchEvent(new TouchEvent('touchmove', {touches: [touch(-80)],
                targetTouches: [touch(-80)], changedTouches: [touch(-80)], bubbles: true,
                cancelable: true}));
            const warned = el.classList.contains('leaflet-gesture-handling-touch-warning');
            el.dispatchEvent(new TouchEvent('touchend', {touches: [], targetTouches: [],
                changedTouches: [touch(-80)], bubbles: true, cancelable: true}));
            const after = map.getCenter();
            return {gesture: !!(map.gestureHandling && map.gestureHandling.enabled()),
                    dragging: map.dragging.enabled(), warned: warned,
                    moved: before.distanceTo(after) > 1};
        }""",
        map_expr,
    )
    return result
