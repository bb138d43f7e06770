"""Where things are: the data folder, the reference folder, the static folder.

The data folder is ``geodata/`` of this checkout unless ``NINOHE_GEO_DATA`` names another one
(tests and the published-site builder point it at their own copies).
"""

from __future__ import annotations

import os
from pathlib import Path

#: The checkout's root (src/ninohe_geo/paths.py → ../..).
REPO_ROOT = Path(__file__).resolve().parents[2]
PACKAGE_DIR = Path(__file__).resolve().parent

DATA_ENV = "NINOHE_GEO_DATA"
BOUNDARY_ENV = "NINOHE_GEO_BOUNDARY"


def data_dir() -> Path:
    """The data folder in use: ``$NINOHE_GEO_DATA`` or the checkout's ``geodata/``."""
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else REPO_ROOT / "geodata"


def static_dir() -> Path:
    """The Streamlit app's static folder (served at ``/app/static``; generated, not committed)."""
    return REPO_ROOT / "dashboard" / "static"


def reference_dir() -> Path:
    """The shared reference folder beside the checkout (``../shared/reference``)."""
    return REPO_ROOT.parent / "shared" / "reference"


def plan_file(root: Path) -> Path:
    """The plan file in a data folder."""
    return root / "plan.yaml"


def layers_dir(root: Path) -> Path:
    """The layers folder in a data folder."""
    return root / "layers"
