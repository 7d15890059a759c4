"""``punchclock backup`` and ``punchclock restore`` on SQLite and PostgreSQL.

The main proof: a backup restored into an empty database answers the same Reports API summary and
the same time entries, byte for byte.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import PG_ADMIN_URL
from tests.factories import basic, make_client, make_entry, make_project, make_user, make_workspace
from tests.test_cli import (  # noqa: F401  (fixtures used by name)
    any_db_fixture,
    clean_env_fixture,
    db_line,
    http_fixture,
    invoke,
    migrated_fixture,
    session_for_fixture,
    sqlite_url_fixture,
)

PUNCHCLOCK = str(Path(sys.executable).parent / "punchclock")


def pg_bin() -> str | None:
    """Where pg_dump is: on PATH, or Debian's versioned folder."""
    found = shutil.which("pg_dump")
    if found:
        return str(Path(found).parent)
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_dump"))
    return str(versions[-1].parent) if versions else None


@pytest.fixture
def pg_tools(any_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """pg_dump and pg_restore on PATH for PostgreSQL runs (a failure, not a skip, when absent)."""
    if any_db.startswith("postgresql"):
        folder = pg_bin()
        assert folder, "PostgreSQL backups need pg_dump and pg_restore (apt install postgresql-client)"
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


@pytest.fixture
def empty_target(any_db: str, tmp_path: Path) -> Iterator[str]:
    """A database of the same kind with nothing in it: a file not yet there, or a freshly created database."""
    if any_db.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored' / 'punchclock.db'}"
        return
    name = f"punchclock_restore_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def fill(url: str, session_for: Any) -> str:
    """Two users, a team workspace, clients, projects and entries; returns the reporting user's API token."""
    db = session_for(url)
    ada = make_user(db, email="ada@example.org", fullname="Ada")
    bob = make_user(db, email="bob@example.org", fullname="Bob")
    ws = make_workspace(db, admin=ada, name="Team")
    from tests.factories import add_member

    add_member(db, ws, bob)
    client = make_client(db, workspace_id=ws.id, name="Northwind")
    web = make_project(db, workspace_id=ws.id, name="Website", client_id=client.id)
    app = make_project(db, workspace_id=ws.id, name="App")
    for i, (user, project, seconds) in enumerate([(ada, web, 3600), (ada, app, 5400), (bob, web, 1800),
                                                  (bob, None, 600), (ada, web, 7200)]):
        make_entry(db, user=user, workspace_id=ws.id, start=f"2024-03-0{4 + i}T09:00:00Z", seconds=seconds,
                   project_id=project.id if project else None, description=f"entry {i}", billable=i % 2 == 0)
    token, wid = ada.api_token, ws.id
    db.close()
    return f"{token}:{wid}"


def answers(client: Any, token_and_ws: str) -> list[bytes]:
    token, wid = token_and_ws.split(":")
    auth = basic(token, "api_token")
    summary = client.get("/reports/api/v2/summary", headers=auth, params={
        "user_agent": "t", "workspace_id": wid, "since": "2024-03-01", "until": "2024-03-31"})
    entries = client.get("/api/v8/time_entries", headers=auth, params={
        "start_date": "2024-03-01T00:00:00Z", "end_date": "2024-03-31T00:00:00Z"})
    assert (summary.status_code, entries.status_code) == (200, 200), (summary.text, entries.text)
    assert summary.json()["total_grand"] == (3600 + 5400 + 1800 + 600 + 7200) * 1000
    assert len(entries.json()) == 3  # Ada's
    return [summary.content, entries.content]


def test_restore_into_empty_database_answers_the_same(
    any_db: str, empty_target: str, pg_tools: None, tmp_path: Path, session_for: Any, http: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    login = fill(any_db, session_for)
    before = answers(http(any_db), login)
    file = tmp_path / "punchclock.backup"
    result = invoke("backup", str(file))
    assert result.exit_code == 0, result.output
    head = result.stdout.splitlines()[1].split("revision ")[1].split(")")[0]
    assert result.stdout == db_line(any_db) + \
        f"Wrote a backup of the database (revision {head}) to {file} ({file.stat().st_size} bytes).\n"

    if empty_target.startswith("sqlite"):
        Path(empty_target.removeprefix("sqlite:///")).parent.mkdir()
    monkeypatch.setenv("PUNCHCLOCK_DATABASE_URL", empty_target)
    result = invoke("restore", "--yes", str(file))
    assert result.exit_code == 0, result.output
    assert result.stdout == db_line(empty_target) + f"Restored {file} (revision {head}).\n"
    assert answers(http(empty_target), login) == before


def test_confirmation_is_asked_and_no_keeps_the_database(
    any_db: str, pg_tools: None, tmp_path: Path, session_for: Any, http: Any,
) -> None:
    file = tmp_path / "empty.backup"
    assert invoke("backup", str(file)).exit_code == 0  # no users yet
    login = fill(any_db, session_for)
    result = invoke("restore", str(file), input="n\n")
    assert result.exit_code == 1
    # CliRunner echoes the typed "n".
    assert result.stdout == db_line(any_db) + f"This replaces every row in {any_db}. Continue? [y/N]: n\n"
    assert result.stderr == "Nothing restored.\n"
    before = answers(http(any_db), login)  # untouched
    result = invoke("restore", str(file), input="y\n")
    assert result.exit_code == 0, result.output
    token = login.split(":")[0]
    assert http(any_db).get("/api/v8/me", headers=basic(token, "api_token")).status_code == 403  # no users now
    assert len(before) == 2


def test_backup_does_not_overwrite_without_force(migrated: str, tmp_path: Path) -> None:
    file = tmp_path / "b.db"
    file.write_bytes(b"precious")
    result = invoke("backup", str(file))
    assert (result.exit_code, result.stderr) == (
        1, f"{file} already exists: choose another name or pass --force to overwrite it.\n")
    assert file.read_bytes() == b"precious"
    assert invoke("backup", "--force", str(file)).exit_code == 0
    assert file.read_bytes().startswith(b"SQLite format 3\x00")


class TestWhileWriting:
    """A backup taken while another connection holds an open write transaction: no wait, no uncommitted row."""

    def test_sqlite(self, migrated: str, tmp_path: Path) -> None:
        writer = sqlite3.connect(migrated.removeprefix("sqlite:///"), isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")  # the write lock every server writer takes
        writer.execute("INSERT INTO organizations (name, created_at, updated_at) "
                       "VALUES ('uncommitted', '2024-01-01 00:00:00', '2024-01-01 00:00:00')")
        writer.execute("INSERT INTO workspaces (organization_id, name, premium, default_hourly_rate, default_currency, "
                       "only_admins_may_create_projects, only_admins_see_billable_rates, "
                       "only_admins_see_team_dashboard, projects_billable_by_default, rounding, rounding_minutes, "
                       "api_token, created_at, updated_at) VALUES (last_insert_rowid(), 'uncommitted', 1, 0, 'USD', "
                       "0, 0, 0, 1, 1, 0, 'x', '2024-01-01 00:00:00', '2024-01-01 00:00:00')")
        file = tmp_path / "live.db"
        started = time.monotonic()
        result = invoke("backup", str(file))
        took = time.monotonic() - started
        writer.execute("COMMIT")
        writer.close()
        assert result.exit_code == 0, result.output
        assert took < 10  # the busy timeout is 30 s: the backup did not wait for the writer
        with sqlite3.connect(file) as copy:
            assert copy.execute("SELECT count(*) FROM workspaces").fetchone() == (0,)
            assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file

    def test_postgresql(self, pg_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        folder = pg_bin()
        assert folder
        monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
        monkeypatch.setenv("PUNCHCLOCK_DATABASE_URL", pg_database)
        with psycopg.connect(pg_database.replace("+psycopg", "")) as writer:
            writer.execute("INSERT INTO clients (workspace_id, name, created_at, updated_at) SELECT id, 'x', now(), "
                           "now() FROM workspaces LIMIT 1")
            writer.execute("LOCK TABLE users IN ROW EXCLUSIVE MODE")  # what an UPDATE holds
            file = tmp_path / "live.backup"
            started = time.monotonic()
            result = invoke("backup", str(file))
            took = time.monotonic() - started
            writer.rollback()
        assert result.exit_code == 0, result.output
        assert took < 30
        assert file.read_bytes().startswith(b"PGDMP")


class TestRefusals:
    """Wrong files fail in one line before the database is touched."""

    def test_not_a_backup(self, any_db: str, pg_tools: None, tmp_path: Path) -> None:
        file = tmp_path / "notes.txt"
        file.write_text("hello")
        result = invoke("restore", "--yes", str(file))
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == \
            f"{file} is not a punchclock backup (neither a SQLite file nor a pg_dump custom archive).\n"

    def test_missing_file(self, migrated: str, tmp_path: Path) -> None:
        result = invoke("restore", "--yes", str(tmp_path / "nope.db"))
        assert (result.exit_code, result.stderr) == (1, f"No backup file at {tmp_path / 'nope.db'}.\n")

    def test_sqlite_file_without_punchclock_schema(self, migrated: str, tmp_path: Path) -> None:
        file = tmp_path / "other.db"
        with sqlite3.connect(file) as other:
            other.execute("CREATE TABLE t (x)")
        result = invoke("restore", "--yes", str(file))
        assert (result.exit_code, result.stderr) == (
            1, f"{file} is a SQLite file without a punchclock schema (no alembic_version).\n")

    def test_kind_must_match_the_database(self, pg_database: str, migrated: str, tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
        file = tmp_path / "sqlite.backup"
        assert invoke("backup", str(file)).exit_code == 0
        monkeypatch.setenv("PUNCHCLOCK_DATABASE_URL", pg_database)
        result = invoke("restore", "--yes", str(file))
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (f"{file} is a SQLite backup but the database is PostgreSQL: restore it into a "
                                 "SQLite database (PUNCHCLOCK_DATABASE_URL).\n")


def test_pg_tools_missing_from_path(pg_database: str, tmp_path: Path) -> None:
    """The real executable with PATH holding only python: one sentence each for pg_dump and pg_restore."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "python3").symlink_to(sys.executable)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PUNCHCLOCK_")}
    env.update(PATH=str(bin_dir), PUNCHCLOCK_DATABASE_URL=pg_database)
    archive = tmp_path / "fake.backup"
    archive.write_bytes(b"PGDMP\x01\x0e\x00")
    for args, tool in ((["backup", str(tmp_path / "b.backup")], "pg_dump"), (["restore", "--yes", str(archive)],
                                                                              "pg_restore")):
        done = subprocess.run([PUNCHCLOCK, *args], env=env, capture_output=True, text=True, timeout=120)
        assert "Traceback" not in done.stderr
        assert done.returncode == 1
        assert done.stderr.splitlines() == [
            f"{tool} was not found on PATH: install the PostgreSQL client tools of the server's version "
            "(Debian/Ubuntu: apt install postgresql-client) or add their folder to PATH."]
    assert not (tmp_path / "b.backup").exists()
