"""The tree explains the system (issue #11): subpackages import downwards only, there are no
import circles, only ``ui/`` and the pages import Streamlit, and every module, command and
setting is documented (as datasette's ``test_docs.py`` does)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import grimp
from repo_paths import REPO_ROOT

from ninohe_geo.cli import command_modules

SRC = REPO_ROOT / "src" / "ninohe_geo"
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
ARCHITECTURE = (REPO_ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")


def _tool(name: str) -> list[str]:
    return [str(Path(sys.executable).with_name(name))]


def test_the_import_contracts_hold() -> None:
    """pyproject.toml's import-linter contracts: layers, the helpers' floor, Streamlit in ui."""
    done = subprocess.run(
        [*_tool("lint-imports"), "--no-cache"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 kept, 0 broken" in done.stdout


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_no_import_circles() -> None:
    graph = grimp.build_graph("ninohe_geo")
    assert len(graph.modules) > 60
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_one() -> None:
    graph = grimp.ImportGraph()
    for name in ("a", "a.b", "a.c", "a.d"):
        graph.add_module(name)
    graph.add_import(importer="a.b", imported="a.c")
    graph.add_import(importer="a.c", imported="a.b")
    graph.add_import(importer="a.c", imported="a.d")
    assert _cycles(graph) == [["a.b", "a.c"]]


def _ruff(path: str, source: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*_tool("ruff"), "check", "--select", "TID251", "--stdin-filename", path, "-"],
        cwd=REPO_ROOT, input=source, capture_output=True, text=True,
    )  # fmt: skip


def test_streamlit_is_refused_outside_ui_and_the_pages() -> None:
    for path in ("src/ninohe_geo/model/probe.py", "src/ninohe_geo/maps/probe.py"):
        done = _ruff(path, "import streamlit\nfrom streamlit_folium import st_folium\n")
        assert done.returncode == 1 and "TID251" in done.stdout, done.stdout
    for path in ("src/ninohe_geo/ui/probe.py", "dashboard/views/probe.py"):
        assert _ruff(path, "import streamlit\n").returncode == 0


def test_every_module_is_placed_in_the_architecture_page() -> None:
    """docs/architecture.md names every module, so the page cannot fall behind the tree."""
    missing = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.name == "__init__.py" and rel.parent != Path():
            name = f"{rel.parent.as_posix()}/"
        elif rel.name == "__init__.py":
            continue
        else:
            name = rel.as_posix()
        if name not in ARCHITECTURE:
            missing.append(str(rel))
    assert missing == []


def test_every_command_is_documented() -> None:
    for module in command_modules():
        name = module.rsplit(".", 1)[1].replace("_layer", "")
        assert f"ninohe-geo {name}" in README, f"README does not show `ninohe-geo {name}`"


def test_every_setting_is_documented() -> None:
    """Each environment variable the code reads is named in the README or docs/."""
    docs = README + "".join(
        p.read_text(encoding="utf-8") for p in (REPO_ROOT / "docs").glob("*.md")
    )
    used = set()
    for path in [*SRC.rglob("*.py"), *(REPO_ROOT / "dashboard").rglob("*.py")]:
        used |= set(re.findall(r"\bNINOHE_GEO_[A-Z_]+\b", path.read_text(encoding="utf-8")))
    assert len(used) >= 5
    assert sorted(v for v in used if v not in docs) == []
