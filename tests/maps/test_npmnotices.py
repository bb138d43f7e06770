"""The licence notices of protomaps-leaflet's bundled dependencies travel with every copy."""

from __future__ import annotations

import json
from pathlib import Path

from ninohe_geo.maps.assets import install_static
from ninohe_geo.maps.npmnotices import NOTICES, bundled, notices


def _package(root: Path, name: str, deps: dict[str, str], licence: str | None = "MIT") -> None:
    folder = root / name
    folder.mkdir(parents=True)
    manifest = {"name": name, "version": "1.0.0", "license": "MIT", "dependencies": deps}
    (folder / "package.json").write_text(json.dumps(manifest), encoding="utf-8")
    if licence:
        (folder / "LICENSE").write_text(f"{name} licence text", encoding="utf-8")


def test_dependencies_are_walked_transitively_without_types(tmp_path: Path) -> None:
    _package(tmp_path, "lib", {"a": "1", "@types/x": "1", "b": "1"})
    _package(tmp_path, "a", {"c": "1"})
    _package(tmp_path, "b", {"a": "1"})
    _package(tmp_path, "c", {}, licence=None)
    _package(tmp_path, "@types/x", {})
    assert bundled(tmp_path, "lib") == ["a", "b", "c"]
    text = notices(tmp_path, "lib")
    assert "==== a 1.0.0 (MIT) ====\na licence text" in text
    assert "==== c 1.0.0 (MIT) ====\nThe npm package ships no licence file" in text
    assert "@types/x" not in text


def test_every_static_folder_gets_the_notices(tmp_path: Path) -> None:
    install_static(tmp_path)
    folder = tmp_path / "vendor" / "protomaps-leaflet"
    text = (folder / NOTICES).read_text(encoding="utf-8")
    assert "==== pmtiles " in text and "==== pbf " in text
    assert "Redistribution and use" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert install_static(tmp_path) == []  # unchanged: nothing written again
