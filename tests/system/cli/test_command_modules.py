"""How the command-line modules depend on one another: each package's commands share only
``delphi.commands``, a leaf, so no command module imports another and no import goes round."""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[3] / "delphi"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _delphi_imports(path: Path) -> set[str]:
    """The delphi modules ``path`` imports when it is loaded (not in functions or
    ``TYPE_CHECKING`` blocks), each ``from X import Y`` counted as X.Y when Y is a module."""
    names: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.If | ast.Try):
                visit(node.body)
                visit(node.orelse)

    visit(ast.parse(path.read_text(encoding="utf-8")).body)
    return {name for name in names if name.startswith("delphi.")}


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}
GRAPH = {name: _delphi_imports(path) & set(MODULES) - {name} for name, path in MODULES.items()}


def test_delphi_commands_is_a_leaf():
    assert GRAPH["delphi.commands"] <= {"delphi.extensions", "delphi.models", "delphi.refusal"}
    assert GRAPH["delphi.refusal"] == set()


def test_no_command_module_imports_another():
    command_modules = {name for name in MODULES if name.endswith(".cli")} - {"delphi.cli"}
    crossing = {name: sorted(GRAPH[name] & (command_modules | {"delphi.cli"}))
                for name in MODULES if name != "delphi.cli"}
    assert {name: found for name, found in crossing.items() if found} == {}


def test_no_module_level_import_goes_round():
    def reaches(start: str, target: str) -> bool:
        seen, todo = set(), list(GRAPH[start])
        while todo:
            name = todo.pop()
            if name == target:
                return True
            if name not in seen:
                seen.add(name)
                todo += GRAPH[name]
        return False

    assert [name for name in MODULES if reaches(name, name)] == []


def test_the_command_group_imports_alone():
    """``delphi.cli`` loads in a fresh interpreter without the app, as the console script
    does, and ``delphi.commands`` brings in nothing but the models and the extensions."""
    script = ("import sys, delphi.models, delphi.extensions; "
              "before = set(sys.modules); import delphi.commands; "
              "print(sorted(m for m in set(sys.modules) - before if m.startswith('delphi'))); "
              "import delphi.cli")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['delphi.commands', 'delphi.refusal']"
