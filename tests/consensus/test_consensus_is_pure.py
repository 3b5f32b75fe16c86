"""The consensus engine is pure: numbers in, numbers out. None of its modules imports Flask,
SQLAlchemy, Werkzeug or another part of the application, so it is tested and reused without an
app or a database."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

DELPHI = Path(__file__).resolve().parents[2] / "delphi"
CONSENSUS = DELPHI / "consensus"
# Plain rules the engine shares with the forms; they import nothing of the app either.
PURE_HELPERS = ("delphi.validation",)
FORBIDDEN = ("flask", "flask_sqlalchemy", "sqlalchemy", "werkzeug", "jinja2", "wtforms")


def _imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names.append("." * node.level + (node.module or ""))
    return names


MODULES = sorted(CONSENSUS.glob("*.py")) + [DELPHI / "validation.py"]


def test_the_engine_has_modules_to_check():
    assert {"engine.py", "rules.py", "definition.py"} <= {path.name for path in MODULES}


@pytest.mark.parametrize("path", MODULES, ids=lambda path: path.name)
def test_a_consensus_module_imports_no_web_or_database_library(path):
    for name in _imports(path):
        top = name.lstrip(".").split(".")[0]
        assert top not in FORBIDDEN, f"{path.name} imports {name}"
        if top == "delphi":
            assert name.startswith(("delphi.consensus", *PURE_HELPERS)), (
                f"{path.name} imports {name}")
