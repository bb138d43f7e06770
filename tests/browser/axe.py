"""axe-core in the browser tests: inject the npm package's ``axe.min.js`` and collect violations.

axe-core comes from the npm registry, pinned in ``tests/js/package-lock.json`` and installed by
``npm ci`` (``./run test`` and ``.ci/run`` do it). Missing, the accessibility tests skip with the
command to run; under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

AXE_JS = Path(__file__).resolve().parents[1] / "js" / "node_modules" / "axe-core" / "axe.min.js"
#: Impacts that fail a test (axe's scale: minor, moderate, serious, critical).
BLOCKING = ("serious", "critical")


def axe_path() -> Path:
    """The axe-core script, or skip (fail under CI) with the command that installs it."""
    if not AXE_JS.exists():
        message = f"{AXE_JS} is missing: run `npm ci --prefix tests/js`"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return AXE_JS


def axe_violations(target: Any, exclude: list[str] | None = None) -> list[dict[str, Any]]:
    """Serious and critical axe violations of a Playwright page or frame (WCAG 2.x A and AA).

    ``exclude`` lists CSS selectors left out of the run (each exclusion is explained by its test).
    """
    if not target.evaluate("() => typeof window.axe !== 'undefined'"):
        target.add_script_tag(path=str(axe_path()))
    result: list[dict[str, Any]] = target.evaluate(
        """async (exclude) => {
            const context = exclude.length ? {exclude: exclude.map(s => [s])} : document;
            const r = await axe.run(context, {
                runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']},
                iframes: false,
                resultTypes: ['violations'],
            });
            return r.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
            }));
        }""",
        exclude or [],
    )
    return [v for v in result if v["impact"] in BLOCKING]


def describe(violations: list[dict[str, Any]]) -> str:
    """A readable list of violations for an assertion message."""
    return "\n".join(
        f"{v['impact']} {v['id']}: {v['help']}\n    " + "\n    ".join(v["nodes"])
        for v in violations
    )
