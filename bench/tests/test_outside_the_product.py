"""The benchmarks are not part of the product: nothing in homeward imports them."""

import ast
from pathlib import Path

import homeward

PACKAGE = Path(homeward.__file__).resolve().parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def test_nothing_in_homeward_imports_the_benchmarks():
    offenders = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(name == "bench" or name.startswith("bench.") for name in imported_modules(path))
    )
    assert offenders == []
    assert not (PACKAGE / "performance").exists()
