"""The shape of the code, checked on every run: no module in delphi/ over 400 lines, no import
cycle among delphi's modules (imports under ``if TYPE_CHECKING`` and inside functions aside),
and no test importing another test module's private helpers. Read from the source with ``ast``;
nothing is imported."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "delphi"
TESTS = ROOT / "tests"
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _sources(folder: Path) -> dict[str, Path]:
    return {
        _module_name(path): path
        for path in sorted(folder.rglob("*.py"))
        if "migrations" not in path.relative_to(ROOT).parts
    }


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_imports(tree: ast.Module):
    """Imports run when the module loads: top level, and in its if/try blocks, but not under
    ``if TYPE_CHECKING`` nor inside functions or classes."""
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                pending.extend(node.body)
            pending.extend(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                pending.extend(block)
            for handler in node.handlers:
                pending.extend(handler.body)


def _imported_modules(name: str, path: Path, known: set[str]) -> set[str]:
    """The delphi modules ``name`` imports when it loads."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in _module_level_imports(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            # ``from delphi.x import y``: the module delphi.x.y when there is one, else delphi.x.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                for alias in node.names
            ]
        found.update(target for target in targets if target in known and target != name)
    return found


def test_no_module_in_delphi_is_over_400_lines():
    long = {
        name: lines
        for name, path in _sources(PACKAGE).items()
        if (lines := len(path.read_text("utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}, f"split these modules by meaning (at most {MAX_LINES} lines): {long}"


def test_delphi_has_no_import_cycle():
    sources = _sources(PACKAGE)
    graph = {name: _imported_modules(name, path, set(sources)) for name, path in sources.items()}
    assert _cycle(graph) is None, f"modules that import each other when they load: {_cycle(graph)}"


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle of ``graph`` (module to the modules it imports), or None."""
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        return error.args[1]
    return None


def test_the_cycle_check_sees_a_cycle(tmp_path):
    """The check itself: two modules importing each other at load time are a cycle; an import
    under ``if TYPE_CHECKING`` or inside a function is not."""
    (tmp_path / "a.py").write_text("from delphi import b\n")
    (tmp_path / "b.py").write_text("from delphi.a import thing\n")
    (tmp_path / "c.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from delphi import d\n"
    )
    (tmp_path / "d.py").write_text("def f():\n    from delphi import c\n")
    known = {"delphi", "delphi.a", "delphi.b", "delphi.c", "delphi.d"}
    graph = {
        f"delphi.{name}": _imported_modules(f"delphi.{name}", tmp_path / f"{name}.py", known)
        for name in "abcd"
    }
    assert graph == {"delphi.a": {"delphi.b"}, "delphi.b": {"delphi.a"},
                     "delphi.c": set(), "delphi.d": set()}
    assert sorted(set(_cycle(graph) or [])) == ["delphi.a", "delphi.b"]
    del graph["delphi.b"]
    assert _cycle(graph) is None


def _private_imports_from_tests(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("tests"):
            found += [
                f"{node.module}.{alias.name}"
                for alias in node.names
                if alias.name.startswith("_") and not alias.name.startswith("__")
            ]
    return found


@pytest.mark.parametrize("folder", [TESTS])
def test_no_test_imports_a_private_helper_of_another_test_module(folder):
    found = {
        str(path.relative_to(ROOT)): names
        for path in sorted(folder.rglob("*.py"))
        if (names := _private_imports_from_tests(path))
    }
    assert found == {}, f"share these through tests/support with public names: {found}"
