"""The layers import only downward; each heavy library is imported by one module (aesthetics-anchors §5)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "kg"

# Third-party libraries and the only modules (or packages) allowed to import them.
OWNERS = {
    "pyoxigraph": ("kg/store/embedded.py", "kg/store/terms.py", "kg/store/syntaxes.py"),
    "pyshacl": ("kg/validate.py",),
    "sqlite3": ("kg/search_index.py",),
    "flask": ("kg/web/",),
    "werkzeug": ("kg/web/",),
    "jinja2": ("kg/web/",),
    "click": ("kg/cli/",),
    "pygal": ("kg/web/charts.py",),
}
# Core modules that must not import the interfaces (web, cli) or the adapters above them.
CORE = ("kg/errors.py", "kg/settings.py", "kg/vocab.py", "kg/formats.py", "kg/iris.py", "kg/amounts.py")
MODEL_AND_PRODUCERS = ("kg/sources/", "kg/mapping/", "kg/extract/", "kg/proof/", "kg/browse/")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


MODULES = sorted(p for p in SRC.rglob("*.py"))


def _rel(path: Path) -> str:
    return "kg/" + path.relative_to(SRC).as_posix()


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_heavy_libraries_have_one_owner(path: Path) -> None:
    rel = _rel(path)
    for module in _imports(path):
        top = module.split(".")[0]
        if top in OWNERS:
            assert rel.startswith(OWNERS[top]), f"{rel} imports {top}; only {OWNERS[top]} may"


@pytest.mark.parametrize("path", MODULES, ids=_rel)
def test_layers_import_downward(path: Path) -> None:
    rel = _rel(path)
    imported = _imports(path)
    if not rel.startswith(("kg/web/", "kg/cli/")) and rel != "kg/__main__.py":
        assert not any(m == "kg.web" or m.startswith(("kg.web.", "kg.cli")) for m in imported), rel
    if rel in CORE:
        forbidden = ("kg.sources", "kg.mapping", "kg.store", "kg.validate", "kg.dumps", "kg.project")
        assert not any(m.startswith(forbidden) for m in imported), f"{rel} imports upward"
    if rel.startswith(MODEL_AND_PRODUCERS):
        forbidden = ("kg.store", "kg.validate", "kg.dumps", "kg.project", "kg.sparql")
        assert not any(m.startswith(forbidden) for m in imported), f"{rel} imports an adapter"


def test_modules_stay_small() -> None:
    too_long = {_rel(p): n for p in MODULES if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450}
    assert not too_long, f"split these modules (over 450 lines): {too_long}"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path: Path, known: set[str]) -> set[str]:
    """The kg modules ``path`` imports when it is loaded (not those imported inside functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            found |= {n for n in names if n in known} or ({node.module} & known)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names} & known
    return found


def test_no_import_cycles() -> None:
    """A module never needs itself to load: ``add`` and ``add_publish`` once imported each other."""
    names = {_module_name(p): p for p in MODULES}
    graph = {name: _top_level_imports(path, set(names)) - {name} for name, path in names.items()}
    cycles: list[list[str]] = []

    def visit(name: str, trail: list[str]) -> None:
        for target in sorted(graph[name]):
            if target in trail:
                cycles.append([*trail[trail.index(target) :], target])
            elif target not in seen:
                seen.add(target)
                visit(target, [*trail, target])

    seen: set[str] = set()
    for start in sorted(graph):
        if start not in seen:
            seen.add(start)
            visit(start, [start])
    assert not cycles, f"import cycles: {cycles}"


def test_synth_uses_only_the_public_api_of_the_extractor() -> None:
    imported = _imports(SRC / "synth.py") | _imports(SRC / "synth_terms.py")
    assert not [m for m in imported if m.startswith("kg.extract.")], imported
