"""The catalog depends on the engine only: no module of outsourcing/ imports any other
part of the advisor, not even lazily inside a function."""

import ast
from pathlib import Path

from django.conf import settings


def advisor_imports(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [f"{node.module}.{alias.name}" for alias in node.names]
    return [name for name in names if name.split(".")[0] == "advisor"]


def test_the_catalog_imports_nothing_from_the_advisor_but_its_engine():
    modules = sorted((settings.BASE_DIR / "outsourcing").rglob("*.py"))
    assert len(modules) > 10
    found = {
        str(path.relative_to(settings.BASE_DIR)): name
        for path in modules
        for name in advisor_imports(path)
        if not name.startswith("advisor.engine.")
    }
    assert found == {}
