"""Caps and safe zip extraction (ninohe_geo.io.limits)."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import pytest

from ninohe_geo.io.errors import LimitExceededError, UnsafeInputError
from ninohe_geo.io.limits import (
    GDAL_SAFE_CONFIG,
    Deadline,
    Limits,
    apply_gdal_safety,
    check_feature_count,
    check_size,
    safe_extract,
)


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.mark.parametrize(
    "field", ["max_bytes", "max_unzipped_bytes", "max_ratio", "max_members", "max_features"]
)
def test_limits_reject_non_positive_values(field: str) -> None:
    with pytest.raises(ValueError, match=field):
        Limits(**{field: 0})


def test_limits_reject_non_positive_time() -> None:
    with pytest.raises(ValueError, match="time_limit_s"):
        Limits(time_limit_s=0)


def test_check_size_names_file_and_limit(tmp_path: Path) -> None:
    f = tmp_path / "big.csv"
    f.write_bytes(b"x" * 101)
    assert check_size(f, Limits(max_bytes=101)) == 101
    with pytest.raises(LimitExceededError, match=r"101 bytes; the limit is 100") as exc:
        check_size(f, Limits(max_bytes=100))
    assert exc.value.path == f


def test_feature_count_cap() -> None:
    check_feature_count("a.csv", 10, Limits(max_features=10))
    with pytest.raises(LimitExceededError, match="about 11 features; the limit is 10"):
        check_feature_count("a.csv", 11, Limits(max_features=10))


def test_deadline_raises_once_passed() -> None:
    d = Deadline("a.geojson", 1e-9)
    start = time.monotonic()
    while time.monotonic() == start:  # wait for the clock to move, not for a fixed time
        pass
    with pytest.raises(LimitExceededError, match=r"longer than .* \(stopped while reading\)"):
        d.check("reading")


def test_safe_extract_extracts_normal_members(tmp_path: Path) -> None:
    z = _zip(tmp_path / "ok.zip", {"a/b.txt": b"hello", "c.txt": b"x"})
    out = tmp_path / "out"
    out.mkdir()
    files = safe_extract(z, out, Limits())
    assert sorted(p.relative_to(out).as_posix() for p in files) == ["a/b.txt", "c.txt"]
    assert (out / "a" / "b.txt").read_bytes() == b"hello"


@pytest.mark.parametrize(
    "name", ["../evil.txt", "a/../../evil.txt", "/tmp/evil.txt", "C:/evil.txt"]
)
def test_zip_slip_is_refused_and_nothing_written(tmp_path: Path, name: str) -> None:
    z = tmp_path / "slip.zip"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("fine.txt", b"fine")
        zf.writestr(zipfile.ZipInfo(name), b"evil")
    out = tmp_path / "deep" / "out"
    out.mkdir(parents=True)
    with pytest.raises(UnsafeInputError, match="outside the folder"):
        safe_extract(z, out, Limits())
    assert list(out.iterdir()) == []
    assert not (tmp_path / "deep" / "evil.txt").exists()
    assert not (tmp_path / "evil.txt").exists()


def test_symlink_member_is_refused(tmp_path: Path) -> None:
    z = tmp_path / "link.zip"
    info = zipfile.ZipInfo("link")
    info.external_attr = 0o120777 << 16
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr(info, "/etc/passwd")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(UnsafeInputError, match="symbolic link"):
        safe_extract(z, out, Limits())


def test_zip_bomb_is_refused_by_ratio_before_extraction(tmp_path: Path) -> None:
    z = _zip(tmp_path / "bomb.zip", {"zeros.csv": b"\0" * (20 * 1024 * 1024)})
    assert z.stat().st_size < 100_000
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(LimitExceededError, match="zip bomb"):
        safe_extract(z, out, Limits())
    assert list(out.iterdir()) == []


def test_zip_total_size_cap_is_checked_before_extraction(tmp_path: Path) -> None:
    z = _zip(tmp_path / "big.zip", {"a.bin": b"\0" * 200_000, "b.bin": b"\0" * 200_000})
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(LimitExceededError, match="expands to 400,000 bytes"):
        safe_extract(z, out, Limits(max_unzipped_bytes=300_000, max_ratio=100_000))
    assert list(out.iterdir()) == []


def test_too_many_members(tmp_path: Path) -> None:
    z = _zip(tmp_path / "many.zip", {f"{i}.txt": b"x" for i in range(5)})
    with pytest.raises(LimitExceededError, match="5 members; the limit is 4"):
        safe_extract(z, tmp_path, Limits(max_members=4))


def test_not_a_zip(tmp_path: Path) -> None:
    f = tmp_path / "fake.zip"
    f.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(UnsafeInputError, match="not a readable zip"):
        safe_extract(f, tmp_path, Limits())


def test_gdal_safety_config_turns_network_off() -> None:
    import pyogrio

    apply_gdal_safety()
    assert pyogrio.get_gdal_config_option("GDAL_HTTP_PROXY") == "127.0.0.1:9"
    for key in ("CPL_VSIL_CURL_ALLOWED_EXTENSIONS", "GML_DOWNLOAD_WFS_SCHEMA"):
        assert pyogrio.get_gdal_config_option(key) == GDAL_SAFE_CONFIG[key]
