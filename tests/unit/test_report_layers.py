"""Report layers: PDF and CSV renderers read result objects only; the entries builder runs no query."""

from __future__ import annotations

import ast
from datetime import date
from pathlib import Path

import pytest

import punchclock
from punchclock.reports import csv, pdf

SRC = Path(punchclock.__file__).parent
FORBIDDEN = ("sqlalchemy", "punchclock.db", "punchclock.models", "punchclock.domain.access")


def _imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


RENDERERS = [*sorted(Path(pdf.__file__).parent.glob("*.py")), Path(csv.__file__)]


@pytest.mark.parametrize("path", RENDERERS, ids=lambda p: p.name)
def test_renderers_import_no_database_layer(path: Path) -> None:
    imports = _imports(path)
    bad = sorted(i for i in imports if any(i == f or i.startswith(f + ".") for f in FORBIDDEN))
    assert bad == []
    assert not any(i.endswith(".Session") for i in imports)


def test_reportlab_is_imported_under_the_pdf_package_only() -> None:
    package = Path(pdf.__file__).parent
    users = {p for p in SRC.rglob("*.py") if any(i.split(".")[0] == "reportlab" for i in _imports(p))}
    assert users and all(package in p.parents for p in users)


def test_the_entries_builder_needs_no_session() -> None:
    """``entries`` is a function of the context, filters and resolved owners: it compiles without a database."""
    from sqlalchemy.dialects import sqlite

    from punchclock.domain.actor import Actor
    from punchclock.models import User, Workspace
    from punchclock.reports import query
    from punchclock.reports.days import OwnerZones
    from punchclock.reports.filters import ReportFilters

    user = User(id=7, timezone="Etc/UTC")
    workspace = Workspace(id=3, name="w", rounding=0, rounding_minutes=0, default_currency="EUR")
    ctx = query.ReportContext(Actor(user, {3: True}), workspace, True, OwnerZones({"Etc/UTC": [7]}))
    filters = ReportFilters(3, date(2024, 1, 1), date(2024, 1, 31), members_of_group_ids=frozenset({5}))
    stmt = query.entries(ctx, filters, query.Resolved(frozenset({7})))
    assert "time_entries.user_id IN" in str(stmt.compile(dialect=sqlite.dialect()))
