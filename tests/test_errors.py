"""Typed errors name the file."""

from __future__ import annotations

from pathlib import Path

from ninohe_geo.errors import DataFileError, NinoheGeoError


def test_data_file_error_names_the_file() -> None:
    err = DataFileError("geodata/plan.yaml", "not valid YAML")
    assert isinstance(err, NinoheGeoError)
    assert err.path == Path("geodata/plan.yaml")
    assert err.message == "not valid YAML"
    assert str(err) == "geodata/plan.yaml: not valid YAML"
