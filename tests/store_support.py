"""Fixtures shared by the storage tests: one ``store`` fixture parametrized over every backend.

Like geopandas' ``engine`` fixture, each test that takes ``store`` runs once on the embedded file
store and once on PostgreSQL + PostGIS. The PostGIS runs use the server named by
``$NINOHE_GEO_TEST_PG`` (``.ci/postgres.sh`` starts one and sets it); without it they skip on a
developer's machine and fail under ``CI=true``. Each test gets its own database schema, dropped
afterwards; nothing is mocked.

Test modules import the fixtures from here (``from store_support import store_fixture …``);
the functions carry ``_fixture`` in their names so a test's local ``store`` never clashes.
"""

from __future__ import annotations

import copy
import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from ninohe_geo.store import Identity, Store, open_store
from ninohe_geo.store.file import FileStore
from ninohe_geo.store.postgis import PostGISStore

PG_ENV = "NINOHE_GEO_TEST_PG"
STORE_DATA = Path(__file__).resolve().parent / "data" / "store"
BACKENDS = ["file", "postgis"]

ALICE = Identity("alice", "editor")
BOB = Identity("bob", "editor")
ADMIN = Identity("root-admin", "admin")


def pg_base_url() -> str:
    """The test server's URL; skip (or fail under CI=true) when none is configured."""
    url = os.environ.get(PG_ENV)
    if not url:
        reason = f"${PG_ENV} is not set: no PostgreSQL + PostGIS server (source .ci/postgres.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; under CI=true the PostGIS backend tests are required")
        pytest.skip(reason)
    return url


def with_schema(url: str, schema: str) -> str:
    """``url`` with our ``schema`` query parameter added."""
    return f"{url}{'&' if '?' in url else '?'}schema={schema}"


@pytest.fixture(name="pg_url")
def pg_url_fixture() -> Iterator[str]:
    """A URL to a fresh, empty schema on the test server (dropped afterwards)."""
    url = with_schema(pg_base_url(), f"t_{uuid.uuid4().hex[:12]}")
    yield url
    PostGISStore(url).drop()


def fresh_store(kind: str, folder: Path, pg: str | None) -> Store:
    """A store of ``kind`` holding the data folder ``folder``."""
    if kind == "file":
        return FileStore(folder)
    assert pg is not None
    target = open_store(pg)
    target.replace_all(ADMIN, FileStore(folder).snapshot())
    return target


@pytest.fixture(name="backend", params=BACKENDS)
def backend_fixture(request: pytest.FixtureRequest) -> str:
    """The backend name of this run."""
    return str(request.param)


@pytest.fixture(name="store_url")
def store_url_fixture(
    backend: str, make_data_dir: Callable[..., Path], request: pytest.FixtureRequest
) -> str:
    """The location of a store holding the good fixture (4 features in layer ``sample``)."""
    folder = make_data_dir("good")
    if backend == "file":
        return str(folder)
    url: str = request.getfixturevalue("pg_url")
    fresh_store("postgis", folder, url)
    return url


@pytest.fixture(name="store")
def store_fixture(store_url: str) -> Store:
    """An open store on the good fixture, on each backend."""
    return open_store(store_url)


def new_feature(**props: Any) -> dict[str, Any]:
    """The valid fixture feature (二戸市役所), with ``props`` overriding its properties."""
    feature: dict[str, Any] = json.loads((STORE_DATA / "new-feature.json").read_text("utf-8"))
    feature = copy.deepcopy(feature)
    feature["properties"].update(props)
    if "id" in props:
        feature["id"] = props["id"]
    return feature


def broken_feature() -> dict[str, Any]:
    """The deliberately broken fixture feature."""
    data: dict[str, Any] = json.loads((STORE_DATA / "broken-feature.json").read_text("utf-8"))
    return data


def edited(feature: dict[str, Any], **props: Any) -> dict[str, Any]:
    """A copy of ``feature`` with some properties changed."""
    out = copy.deepcopy(feature)
    out["properties"].update(props)
    return out
