"""Fixtures of the import/export tests: the CLI against the parametrized database (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from punchclock import cli
from punchclock.models import (
    Client,
    Group,
    GroupMember,
    ImportLink,
    Project,
    ProjectMember,
    Tag,
    Task,
    TimeEntry,
    TimeEntryTag,
    User,
    Workspace,
    WorkspaceMember,
)

runner = CliRunner()

#: The tables an import writes, for "nothing was written" / "nothing changed" assertions.
COUNTED = (User, Workspace, WorkspaceMember, Group, GroupMember, Client, Project, ProjectMember, Task, Tag, TimeEntry,
           TimeEntryTag, ImportLink)


def run_cli(*args: str, input: str | None = None) -> Any:
    return runner.invoke(cli.app, list(args), input=input)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """No PUNCHCLOCK_* setting of the machine running the tests (the PUNCHCLOCK_TEST_* switches stay)."""
    for name in list(os.environ):
        if name.startswith("PUNCHCLOCK_") and not name.startswith("PUNCHCLOCK_TEST_"):
            monkeypatch.delenv(name)


@pytest.fixture
def cli_db(db_url: str, clean_env: None, monkeypatch: pytest.MonkeyPatch) -> str:
    """The test database (migrated) named by PUNCHCLOCK_DATABASE_URL, and no other PUNCHCLOCK_* setting."""
    monkeypatch.setenv("PUNCHCLOCK_DATABASE_URL", db_url)
    return db_url


@pytest.fixture
def dbs(cli_db: str) -> Iterator[Session]:
    """A session for arranging and checking rows; expire it (``dbs.expire_all()``) after a command ran."""
    engine = create_engine(cli_db, pool_size=1) if cli_db.startswith("postgresql") else create_engine(cli_db)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


def row_counts(db: Session) -> dict[str, int]:
    db.rollback()
    return {m.__tablename__: db.scalar(select(func.count()).select_from(m)) or 0 for m in COUNTED}
