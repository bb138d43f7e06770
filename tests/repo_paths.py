"""Where the tests find the checkout and the shared reference folder.

The reference folder (``../shared/reference``: official boundary, GSI shelters, AEDs) is a test
concern: the product never looks for it (``ninohe_geo.paths`` knows only the package and the
folders a user names).
"""

from __future__ import annotations

from pathlib import Path

#: The checkout (tests/ → ..).
REPO_ROOT = Path(__file__).resolve().parents[1]
#: The shared folder CI lays beside the checkout.
SHARED_DIR = REPO_ROOT.parent / "shared"
#: The official data the tests read in place.
REFERENCE_DIR = SHARED_DIR / "reference"
#: The official city boundary (N03) in it.
REFERENCE_BOUNDARY = REFERENCE_DIR / "ninohe_boundary.geojson"
