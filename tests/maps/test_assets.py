"""The map's JS/CSS come from installed packages and are copied, atomically and only once."""

from __future__ import annotations

from pathlib import Path

from ninohe_geo.maps.assets import STREAMLIT_STATIC_URL, assets, install_static, offline_links


def test_every_asset_source_exists() -> None:
    found = assets()
    assert {a.kind for a in found} == {"js", "css", "file"}
    for asset in found:
        assert asset.source.is_file(), asset.source
        assert not Path(asset.target).is_absolute()
        assert ".." not in Path(asset.target).parts
    names = [a.name for a in found if a.kind != "file"]
    assert len(names) == len(set(names))
    assert {"leaflet", "leaflet_css", "ninohe_map", "ninohe_map_css"} <= set(names)
    assert any(a.target.endswith("images/marker-icon.png") for a in found)


def test_install_writes_every_asset(tmp_path: Path) -> None:
    written = install_static(tmp_path)
    assert written == [a.target for a in assets()] + [
        "vendor/protomaps-leaflet/THIRD-PARTY-NOTICES.txt"
    ]
    for asset in assets():
        target = tmp_path / asset.target
        assert target.read_bytes() == asset.source.read_bytes()
    leftovers = [p for p in tmp_path.rglob(".tmp-*")]
    assert leftovers == []


def test_second_install_writes_nothing(tmp_path: Path) -> None:
    install_static(tmp_path)
    before = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    assert install_static(tmp_path) == []
    after = {p: p.stat().st_mtime_ns for p in tmp_path.rglob("*") if p.is_file()}
    assert after == before


def test_modified_target_is_rewritten(tmp_path: Path) -> None:
    install_static(tmp_path)
    leaflet = next(a for a in assets() if a.name == "leaflet")
    target = tmp_path / leaflet.target
    target.write_text("/* tampered */", encoding="utf-8")
    (tmp_path / "ninohe" / "ninohe-map.css").unlink()
    written = install_static(tmp_path)
    assert sorted(written) == sorted([leaflet.target, "ninohe/ninohe-map.css"])
    assert target.read_bytes() == leaflet.source.read_bytes()


def test_offline_links_have_no_network_url() -> None:
    js, css = offline_links()
    assert js and css
    for _, url in js + css:
        assert not url.startswith(("http://", "https://", "//"))
        assert "cdn" not in url.lower()
        assert url.startswith(STREAMLIT_STATIC_URL + "/")
    assert js[0][0] == "leaflet"  # Leaflet before its plugins
    assert all(url.endswith(".js") for _, url in js)
    assert all(url.endswith(".css") for _, url in css)


def test_offline_links_base_url() -> None:
    js, css = offline_links("static")
    assert all(url.startswith("static/") for _, url in js + css)
    targets = {a.target for a in assets()}
    assert all(url.removeprefix("static/") in targets for _, url in js + css)
