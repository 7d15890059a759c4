"""Shape rules the linters do not check: no function or method in src/punchclock longer than 60 lines."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "punchclock"
MAX_LINES = 60


def long_functions(root: Path = SRC, max_lines: int = MAX_LINES) -> list[str]:
    """``path:qualified.name (N lines)`` for every def longer than ``max_lines``, decorators not counted."""
    found = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, node in _functions(tree, ""):
            assert node.end_lineno is not None
            length = node.end_lineno - node.lineno + 1
            if length > max_lines:
                found.append(f"{path.relative_to(root).as_posix()}:{name} ({length} lines)")
    return found


def _functions(node: ast.AST, prefix: str) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """Every function under ``node`` with its dotted name (``Class.method``, ``outer.inner``)."""
    found: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]] = []
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            name = f"{prefix}{child.name}"
            if not isinstance(child, ast.ClassDef):
                found.append((name, child))
            found.extend(_functions(child, f"{name}."))
        else:
            found.extend(_functions(child, prefix))
    return found


def test_no_function_is_longer_than_60_lines() -> None:
    too_long = long_functions()
    assert not too_long, f"functions longer than {MAX_LINES} lines:\n" + "\n".join(too_long)


def test_the_rule_measures_from_def_to_last_line(tmp_path: Path) -> None:
    body = "\n".join(f"    x{i} = {i}" for i in range(59))
    (tmp_path / "ok.py").write_text(f"def fits():\n{body}\n")
    method = "\n".join("    " + line for line in body.splitlines())
    (tmp_path / "long.py").write_text(f"class C:\n    def method(self):\n{method}\n        x = 1\n")
    assert long_functions(tmp_path) == ["long.py:C.method (61 lines)"]
