"""The built wheel, installed into a fresh virtual environment outside the checkout, works in an
empty folder: ``validate``, ``export``, ``print``, ``publish``, ``init`` (issue #10: it used to
run only from a git checkout). ``app`` is drawn in Chromium in ``tests/browser/test_installed.py``.
"""

from __future__ import annotations

import json
import subprocess
import zipfile

from package_support import SHIPPED_ALL, SHIPPED_FEATURES, Installed, _need
from package_support import installed_fixture as installed_fixture
from repo_paths import REPO_ROOT

from ninohe_geo.output import printout as printing


def test_the_wheel_carries_the_data_the_pages_and_the_licences(installed: Installed) -> None:
    names = set(zipfile.ZipFile(installed.wheel).namelist())
    assert "ninohe_geo/geodata/plan.yaml" in names
    assert "ninohe_geo/dashboard/app.py" in names
    assert "ninohe_geo/dashboard/views/map.py" in names
    assert "ninohe_geo/streamlit-config.toml" in names
    assert "ninohe_geo/vendor/leaflet-draw/leaflet.draw.js" in names
    # Large maps' vector tiles: protomaps-leaflet from npm, with its BSD licence and version.
    for name in ("protomaps-leaflet.js", "LICENSE", "package.json", "THIRD-PARTY-NOTICES.txt"):
        assert f"ninohe_geo/vendor/protomaps-leaflet/{name}" in names
    # ... and the notices of what its one-file build bundles (pmtiles, pbf, …), each with its text.
    with zipfile.ZipFile(installed.wheel) as wheel:
        notices = wheel.read("ninohe_geo/vendor/protomaps-leaflet/THIRD-PARTY-NOTICES.txt")
    for bundled in ("pmtiles", "pbf", "@mapbox/vector-tile", "rbush", "fflate"):
        assert f"==== {bundled} ".encode() in notices, bundled
    assert b"Redistribution and use in source and binary forms" in notices  # a BSD text
    assert not any(n.startswith("ninohe_geo/dashboard/static/") for n in names)
    assert not any("users.json" in n or n.endswith(".lock") for n in names)
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert any(n.endswith(".dist-info/licenses/geodata/LICENSE.md") for n in names)


def test_it_runs_from_site_packages_not_the_checkout(installed: Installed) -> None:
    probe = subprocess.run(
        [str(installed.bin / "python"), "-c",
         "from ninohe_geo import paths; "
         "print(paths.CHECKOUT, paths.data_dir(), paths.static_dir())"],
        cwd=installed.work, env=installed.env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    checkout, data, static = probe.stdout.split()
    assert checkout == "None"
    assert "site-packages" in data and not data.startswith(str(REPO_ROOT))
    assert static.startswith(installed.env["NINOHE_GEO_CACHE"])


def test_the_installed_map_serves_its_npm_libraries_from_site_packages(
    installed: Installed,
) -> None:
    probe = subprocess.run(
        [str(installed.bin / "python"), "-c",
         "from ninohe_geo.maps.assets import assets; "
         "print(*[a.source for a in assets() if 'vendor/protomaps' in a.target "
         "or 'leaflet-draw' in a.target], sep='\\n')"],
        cwd=installed.work, env=installed.env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    sources = probe.stdout.split()
    assert any(s.endswith("protomaps-leaflet.js") for s in sources)
    assert all("site-packages" in s and not s.startswith(str(REPO_ROOT)) for s in sources)


def test_validate_export_and_publish_in_an_empty_folder(installed: Installed) -> None:
    done = installed.run("validate")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{SHIPPED_ALL} feature(s) checked" in done.stdout
    assert SHIPPED_ALL > SHIPPED_FEATURES  # the outline and the AEDs are checked too
    done = installed.run("export", "--format", "geojson", "plan.geojson")
    assert done.returncode == 0, done.stderr
    doc = json.loads((installed.work / "plan.geojson").read_text(encoding="utf-8"))
    assert len(doc["features"]) == SHIPPED_FEATURES
    done = installed.run("publish", "site")
    assert done.returncode == 0, done.stderr
    assert (installed.work / "site" / "index.html").is_file()
    assert (installed.work / "site" / "datapackage.json").is_file()


def test_the_shipped_data_is_read_only_and_init_makes_an_editable_copy(
    installed: Installed,
) -> None:
    sample = REPO_ROOT / "tests" / "data" / "import" / "evacuation_sites_new.csv"
    done = installed.run("import", str(sample), "--layer", "gsi-test")
    assert done.returncode != 0
    assert "ninohe-geo init" in done.stderr
    done = installed.run("init", "mydata")
    assert done.returncode == 0, done.stderr
    assert "--data" in done.stdout
    done = installed.run("import", str(sample), "--layer", "gsi-test", "--data", "mydata")
    assert done.returncode == 0, done.stdout + done.stderr
    # 指定緊急避難場所一覧 is reference data: exported with --layer, in the dataset's layout.
    done = installed.run(
        "export", "--format", "csv", "mine.csv", "--layer", "gsi-test", "--data", "mydata"
    )
    assert done.returncode == 0, done.stderr
    assert (installed.work / "mydata" / "layers" / "gsi-test.geojson").is_file()
    assert "御返地小学校" in (installed.work / "mine.csv").read_text(encoding="utf-8-sig")


def test_print_a_pdf(installed: Installed) -> None:
    try:
        installed.env["CHROMIUM"] = printing.chromium_path()
    except printing.PrintError as exc:
        _need(str(exc))
    done = installed.run("print", "--out", "map.pdf", "--tile-timeout", "0.5")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (installed.work / "map.pdf").read_bytes().startswith(b"%PDF")


def test_projects_and_the_report_from_the_installed_package(installed: Installed) -> None:
    """Issue #14 from the wheel in an empty folder: the shipped projects, the template, the
    council's report (HTML here; the PDF path is the printout's Chromium, tested above)."""
    done = installed.run("projects", "list", "--year", "R5")
    assert done.returncode == 0, done.stderr
    assert "kunohe-castle-phase2\t九戸城跡の第2期整備\tP3-01\t実施中" in done.stdout
    done = installed.run("projects", "template", "template.xlsx")
    assert done.returncode == 0, done.stderr
    assert (installed.work / "template.xlsx").read_bytes()[:2] == b"PK"
    done = installed.run("report", "--year", "R5", "--out", "report.html")
    assert done.returncode == 0, done.stderr
    html = (installed.work / "report.html").read_text(encoding="utf-8")
    assert "令和5年度" in html and "九戸城跡の第2期整備" in html
