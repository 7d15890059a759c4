"""The ``punchclock`` command line, run in-process through Typer's CliRunner against temporary databases."""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.script import ScriptDirectory
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from punchclock import cli
from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.db.engine import make_engine
from punchclock.db.migrate import alembic_config
from punchclock.models import Client, Project, Tag, TimeEntry, TimeEntryTag, User, Workspace
from tests.factories import basic

#: The newest migration: what every migrating command must leave the database at.
HEAD = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()

runner = CliRunner()
TOKEN = re.compile(r"^API token: ([0-9a-f]{32})$", re.MULTILINE)


def invoke(*args: str, input: str | None = None) -> Any:
    return runner.invoke(cli.app, list(args), input=input)


@pytest.fixture(autouse=True, name="clean_env")
def clean_env_fixture(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test sets: no PUNCHCLOCK_* variable of the developer's shell leaks in."""
    import os

    for name in list(os.environ):
        if name.startswith("PUNCHCLOCK_") and not name.startswith("PUNCHCLOCK_TEST_"):
            monkeypatch.delenv(name)


@pytest.fixture(name="sqlite_url")
def sqlite_url_fixture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An empty (not yet migrated) SQLite file, named by PUNCHCLOCK_DATABASE_URL."""
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("PUNCHCLOCK_DATABASE_URL", url)
    return url


@pytest.fixture(name="migrated")
def migrated_fixture(sqlite_url: str) -> str:
    result = invoke("migrate")
    assert result.exit_code == 0, result.output
    return sqlite_url


@pytest.fixture(name="any_db")
def any_db_fixture(db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A migrated database on each backend (SQLite file, PostgreSQL when reachable)."""
    monkeypatch.setenv("PUNCHCLOCK_DATABASE_URL", db_url)
    return db_url


@pytest.fixture(name="session_for")
def session_for_fixture() -> Iterator[Any]:
    """Sessions for reading what a command wrote; closed at the end, so no transaction outlives the test
    (an open one would block the next test's TRUNCATE on PostgreSQL)."""
    opened: list[tuple[Any, Session]] = []

    def open_session(url: str) -> Session:
        engine = make_engine(url)
        session = Session(engine)
        opened.append((engine, session))
        return session

    yield open_session
    for engine, session in opened:
        session.close()
        engine.dispose()


@pytest.fixture(name="http")
def http_fixture() -> Iterator[Any]:
    clients: list[TestClient] = []

    def open_client(url: str) -> TestClient:
        c = TestClient(create_app(Settings(database_url=url, rate_limit=False)))
        clients.append(c)
        return c

    yield open_client
    for c in clients:
        c.app.state.engine.dispose()  # type: ignore[attr-defined]
        c.close()


def alembic_revision(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def db_line(url: str) -> str:
    """The first line of every command that opens the database."""
    return f"Database: {url}\n"


class TestMigrate:
    def test_creates_schema_at_head(self, sqlite_url: str, tmp_path: Path) -> None:
        result = invoke("migrate")
        assert result.exit_code == 0
        assert result.stdout == db_line(sqlite_url) + (
            f"Created a new SQLite database at {tmp_path / 'cli.db'} (no file was there), schema revision {HEAD}.\n")
        assert alembic_revision(sqlite_url) == HEAD

    def test_second_run_is_a_no_op(self, migrated: str) -> None:
        result = invoke("migrate")
        assert (result.exit_code, result.stdout) == (
            0, db_line(migrated) + f"The database is up to date (revision {HEAD}).\n")
        assert alembic_revision(migrated) == HEAD

    def test_empty_file_gets_the_schema(self, sqlite_url: str, tmp_path: Path) -> None:
        (tmp_path / "cli.db").touch()
        result = invoke("migrate")
        assert (result.exit_code, result.stdout) == (
            0, db_line(sqlite_url) + f"Created the punchclock schema (revision {HEAD}) in the empty database.\n")

    def test_upgrade_names_both_revisions(self, sqlite_url: str) -> None:
        from punchclock.db.migrate import upgrade

        upgrade(sqlite_url, "0003")
        result = invoke("migrate")
        assert (result.exit_code, result.stdout) == (
            0, db_line(sqlite_url) + f"Upgraded the database from revision 0003 to {HEAD}.\n")
        assert alembic_revision(sqlite_url) == HEAD

    def test_database_of_a_newer_punchclock_is_refused(self, migrated: str) -> None:
        engine = create_engine(migrated)
        with engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
        engine.dispose()
        for args in (("migrate",), ("user", "list")):
            result = invoke(*args)
            assert (result.exit_code, result.stdout) == (1, "")
            assert result.stderr == (
                f"The database {migrated} is at revision 9999, which punchclock 0.1.0 does not know: "
                "a newer punchclock migrated it. Upgrade punchclock.\n")
        assert alembic_revision(migrated) == "9999"

    def test_password_is_hidden_in_output(self) -> None:
        assert cli.shown_url("postgres://pc:s3cret@db.example:5432/pc") == \
            "postgresql+psycopg://pc:***@db.example:5432/pc"


class TestUserCreate:
    def test_prints_token_that_authenticates_me(self, any_db: str, session_for: Any, http: Any) -> None:
        result = invoke("user", "create", "ada@example.org", "--password", "analytical-1",
                        "--fullname", "Ada Lovelace", "--timezone", "Europe/London")
        assert result.exit_code == 0, result.output
        token = TOKEN.search(result.stdout)
        assert token is not None
        db = session_for(any_db)
        user = db.scalars(select(User)).one()
        assert result.stdout == db_line(any_db) + (
            f"Created user ada@example.org (id {user.id}) with workspace {user.default_workspace_id}.\n"
            f"API token: {token.group(1)}\n"
        )
        assert (user.email, user.fullname, user.timezone, user.api_token) == (
            "ada@example.org", "Ada Lovelace", "Europe/London", token.group(1))
        ws = db.get(Workspace, user.default_workspace_id)
        assert ws is not None and ws.name == "Ada Lovelace's workspace"

        c = http(any_db)
        me = c.get("/api/v8/me", headers=basic(token.group(1), "api_token"))
        assert me.status_code == 200, me.text
        assert (me.json()["data"]["id"], me.json()["data"]["email"], me.json()["data"]["api_token"]) == (
            user.id, "ada@example.org", token.group(1))
        by_password = c.get("/api/v8/me", headers=basic("ada@example.org", "analytical-1"))
        assert by_password.status_code == 200

    def test_generated_password_is_printed_and_works(self, migrated: str, http: Any) -> None:
        result = invoke("user", "create", "grace@example.org")
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert len(lines) == 4
        assert lines[0] == f"Database: {migrated}"
        assert lines[2].startswith("Password: ")
        password = lines[2].removeprefix("Password: ")
        assert len(password) == 16
        r = http(migrated).get("/api/v8/me", headers=basic("grace@example.org", password))
        assert r.status_code == 200, r.text
        assert r.json()["data"]["fullname"] == "Grace"

    def test_duplicate_email_fails_and_writes_nothing(self, migrated: str, session_for: Any) -> None:
        assert invoke("user", "create", "ada@example.org", "--password", "secret-1").exit_code == 0
        result = invoke("user", "create", "ADA@example.org", "--password", "secret-2")
        assert result.exit_code == 1
        assert result.stderr == "Cannot create ADA@example.org: User with this email already exists\n"
        assert result.stdout == db_line(migrated)
        assert session_for(migrated).scalar(select(func.count()).select_from(User)) == 1

    def test_short_password_is_refused(self, migrated: str, session_for: Any) -> None:
        result = invoke("user", "create", "ada@example.org", "--password", "12345")
        assert result.exit_code == 1
        assert result.stderr == "Cannot create ada@example.org: Password should be at least 6 characters\n"
        assert session_for(migrated).scalar(select(func.count()).select_from(User)) == 0

    def test_invalid_email_is_refused(self, migrated: str) -> None:
        result = invoke("user", "create", "not-an-address", "--password", "secret-1")
        assert (result.exit_code, result.stderr) == (1, "Cannot create not-an-address: Invalid e-mail\n")

    def test_unknown_time_zone_is_refused(self, migrated: str, session_for: Any) -> None:
        result = invoke("user", "create", "ada@example.org", "--password", "secret-1", "--timezone", "Mars/Olympus")
        assert result.exit_code == 1
        assert result.stderr == \
            "Unknown time zone 'Mars/Olympus': use an IANA name such as Europe/Berlin or Etc/UTC.\n"
        assert session_for(migrated).scalar(select(func.count()).select_from(User)) == 0

    def test_missing_sqlite_file_is_not_created(self, sqlite_url: str, tmp_path: Path) -> None:
        result = invoke("user", "create", "ada@example.org", "--password", "secret-1")
        assert (result.exit_code, result.stdout) == (1, "")
        assert result.stderr == (
            f"No SQLite database at {tmp_path / 'cli.db'} (PUNCHCLOCK_DATABASE_URL): run `punchclock migrate` "
            "to create it there, or point PUNCHCLOCK_DATABASE_URL to the existing file.\n")
        assert not (tmp_path / "cli.db").exists()

    def test_unmigrated_database_is_refused_with_advice(self, sqlite_url: str, tmp_path: Path) -> None:
        (tmp_path / "cli.db").touch()
        result = invoke("user", "create", "ada@example.org", "--password", "secret-1")
        assert result.exit_code == 1
        assert result.stderr == (
            f"The database {sqlite_url} is not migrated (revision none, this version needs {HEAD}). "
            "Run `punchclock migrate` first.\n"
        )


class TestWorkspacePremium:
    def test_turns_off_and_on(self, any_db: str, session_for: Any) -> None:
        invoke("user", "create", "ada@example.org", "--password", "secret-1")
        db = session_for(any_db)
        wid = db.scalars(select(User)).one().default_workspace_id
        db.rollback()  # end the read transaction: a SQLite snapshot would hide the command's write
        result = invoke("workspace", "premium", str(wid), "off")
        assert (result.exit_code, result.stdout) == (
            0, db_line(any_db) + f"Workspace {wid} (Ada's workspace) is no longer premium.\n")
        assert db.get(Workspace, wid).premium is False  # type: ignore[union-attr]
        db.rollback()
        result = invoke("workspace", "premium", str(wid), "on")
        assert (result.exit_code, result.stdout) == (
            0, db_line(any_db) + f"Workspace {wid} (Ada's workspace) is now premium.\n")
        assert db.get(Workspace, wid).premium is True  # type: ignore[union-attr]

    def test_unknown_workspace(self, migrated: str) -> None:
        result = invoke("workspace", "premium", "4242", "on")
        assert (result.exit_code, result.stderr) == (1, "No workspace with id 4242.\n")

    def test_state_must_be_on_or_off(self, migrated: str) -> None:
        result = invoke("workspace", "premium", "1", "maybe")
        assert result.exit_code == 2
        assert "maybe" in result.stderr


class TestDemo:
    def run(self, *extra: str) -> Any:
        result = invoke("demo", "--until", "2023-10-06", "--days", "14", *extra)
        assert result.exit_code == 0, result.output
        return result

    def test_fills_ten_weekdays_with_forty_two_entries(self, migrated: str, session_for: Any) -> None:
        result = self.run()
        db = session_for(migrated)
        user = db.scalars(select(User)).one()
        wid = user.default_workspace_id
        token = TOKEN.search(result.stdout)
        assert token is not None and token.group(1) == user.api_token
        lines = result.stdout.splitlines()
        assert lines[-5:] == [
            f"Workspace {wid}: 3 clients, 4 projects, 6 tags.",
            "Created 42 time entries on 10 weekdays from 2023-09-23 to 2023-10-06 (0 weekdays were already filled).",
            "Login: demo@example.org",
            "Password: demo-password",
            f"API token: {user.api_token}",
        ]
        assert "10/10" in result.stdout  # the progress bar reached its end
        assert db.scalar(select(func.count()).select_from(TimeEntry)) == 42
        assert sorted(db.scalars(select(Client.name))) == ["Blue Fjord Logistics", "Helios Energy",
                                                           "Northwind Bakery"]
        assert sorted(db.scalars(select(Project.name))) == ["Energy dashboard", "Internal", "Order tracking app",
                                                            "Website relaunch"]
        assert db.scalar(select(func.count()).select_from(Tag)) == 6

    def test_entries_are_realistic_working_days(self, migrated: str, session_for: Any) -> None:
        self.run()
        db = session_for(migrated)
        entries = db.scalars(select(TimeEntry).order_by(TimeEntry.start)).all()
        days = sorted({e.start.date() for e in entries})
        assert days == [date(2023, 9, 25) + timedelta(days=i) for i in (0, 1, 2, 3, 4, 7, 8, 9, 10, 11)]
        for e in entries:
            assert e.stop is not None
            assert e.duration == (e.stop - e.start).total_seconds()
            assert 30 * 60 < e.duration <= 150 * 60
            assert time(8, 30) <= e.start.time() and e.stop.time() <= time(18, 0)
            assert e.created_with == "punchclock demo" and e.description != ""
        for a, b in itertools.pairwise(entries):
            assert a.stop is not None and (a.stop <= b.start)  # no overlaps
        first_day = [e for e in entries if e.start.date() == date(2023, 10, 2)]
        assert [(e.start.time(), e.duration // 60, e.description) for e in first_day] == [
            (time(9, 0), 150, "Sprint planning"),
            (time(11, 35), 60, "Shipment status API"),
            (time(13, 35), 150, "Driver screen mock-ups"),
            (time(16, 20), 40, "Fix sync bug on Android"),
        ]
        tagged = db.execute(
            select(TimeEntry.description, Tag.name).join(TimeEntryTag, TimeEntryTag.time_entry_id == TimeEntry.id)
            .join(Tag, Tag.id == TimeEntryTag.tag_id).where(TimeEntry.id.in_([e.id for e in first_day]))
            .order_by(TimeEntry.start, Tag.name)
        ).all()
        assert [tuple(r) for r in tagged] == [
            ("Sprint planning", "meeting"), ("Sprint planning", "planning"),
            ("Shipment status API", "development"),
            ("Driver screen mock-ups", "design"),
            ("Fix sync bug on Android", "development"), ("Fix sync bug on Android", "support"),
        ]

    def test_rerun_reuses_user_and_only_fills_missing_days(self, migrated: str, session_for: Any) -> None:
        first = self.run()
        again = self.run()
        assert TOKEN.search(first.stdout).group(1) == TOKEN.search(again.stdout).group(1)  # type: ignore[union-attr]
        assert "Created 0 time entries on 0 weekdays from 2023-09-23 to 2023-10-06 " \
               "(10 weekdays were already filled)." in again.stdout
        assert "Password: (unchanged: the user already existed)" in again.stdout
        later = invoke("demo", "--until", "2023-10-13", "--days", "21")
        assert later.exit_code == 0, later.output
        assert "Created 23 time entries on 5 weekdays from 2023-09-23 to 2023-10-13 " \
               "(10 weekdays were already filled)." in later.stdout
        db = session_for(migrated)
        assert db.scalar(select(func.count()).select_from(User)) == 1
        assert db.scalar(select(func.count()).select_from(Client)) == 3
        assert db.scalar(select(func.count()).select_from(TimeEntry)) == 65

    def test_demo_token_reads_its_clients_over_http(self, migrated: str, http: Any) -> None:
        result = self.run()
        token = TOKEN.search(result.stdout).group(1)  # type: ignore[union-attr]
        r = http(migrated).get("/api/v8/clients", headers=basic(token, "api_token"))
        assert r.status_code == 200
        assert [c["name"] for c in r.json()] == ["Northwind Bakery", "Blue Fjord Logistics", "Helios Energy"]

    def test_default_range_ends_yesterday(self, migrated: str) -> None:
        result = invoke("demo")
        assert result.exit_code == 0, result.output
        yesterday = datetime.now(UTC).date() - timedelta(days=1)
        first = yesterday - timedelta(days=89)
        # Monday to Friday among the 90 days, counted here rather than by the code under test.
        weekdays = sum((first + timedelta(days=n)).weekday() < 5 for n in range(90))
        assert weekdays in (64, 65)  # 12 whole weeks (60) plus 4 or 5 of the 6 remaining days
        assert f"weekdays from {first} to {yesterday} (0 weekdays were already filled)." in result.stdout
        assert f" on {weekdays} weekdays " in result.stdout


class FakeUvicorn:
    def __init__(self) -> None:
        self.calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def __call__(self, *args: Any, **kwargs: Any) -> None:
        self.calls.append((args, kwargs))


@pytest.fixture
def fake_uvicorn(monkeypatch: pytest.MonkeyPatch) -> FakeUvicorn:
    import uvicorn

    fake = FakeUvicorn()
    monkeypatch.setattr(uvicorn, "run", fake)
    return fake


class TestServe:
    def test_migrates_then_runs_the_app_factory(self, sqlite_url: str, fake_uvicorn: FakeUvicorn) -> None:
        result = invoke("serve", "--host", "0.0.0.0", "--port", "9123")
        assert result.exit_code == 0, result.output
        assert result.stdout == db_line(sqlite_url) + (
            f"Created a new SQLite database at {sqlite_url.removeprefix('sqlite:///')} (no file was there), "
            f"schema revision {HEAD}.\n"
            "punchclock 0.1.0 on http://0.0.0.0:9123 (SQLite, 1 worker(s))\n")
        config = fake_uvicorn.calls[0][1].pop("log_config")
        assert fake_uvicorn.calls == [(("punchclock.app:create_app",), {
            "factory": True, "host": "0.0.0.0", "port": 9123, "workers": 1, "access_log": False,
            "http": "auto", "loop": "auto"})]
        # uvicorn's access log (query strings included) is off; ours writes bare JSON lines to stdout.
        assert config["formatters"]["message"] == {"format": "%(message)s"}
        assert config["handlers"]["punchclock_access"] == {
            "class": "logging.StreamHandler", "formatter": "message", "stream": "ext://sys.stdout"}
        assert config["loggers"]["punchclock.access"] == {
            "handlers": ["punchclock_access"], "level": "INFO", "propagate": False}
        assert config["loggers"]["punchclock"] == {"handlers": ["default"], "level": "INFO", "propagate": False}
        assert config["handlers"]["default"]["stream"] == "ext://sys.stderr"
        assert alembic_revision(sqlite_url) == HEAD

    def test_no_migrate_leaves_schema_alone(self, sqlite_url: str, fake_uvicorn: FakeUvicorn,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PUNCHCLOCK_ACCESS_LOG", "true")  # restored (removed) after the test
        Path(sqlite_url.removeprefix("sqlite:///")).touch()  # --no-migrate creates no database file
        result = invoke("serve", "--no-migrate", "--no-access-log")
        assert result.exit_code == 0, result.output
        assert os.environ["PUNCHCLOCK_ACCESS_LOG"] == "false"  # what the worker processes read
        engine = create_engine(sqlite_url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM sqlite_master WHERE type='table'")).scalar() == 0
        engine.dispose()

    def test_refuses_several_workers_with_per_process_rate_limits(
        self, sqlite_url: str, fake_uvicorn: FakeUvicorn
    ) -> None:
        result = invoke("serve", "--workers", "4")
        assert result.exit_code == 1
        assert result.stderr == (
            "Refusing to start 4 workers: rate limiting is on but PUNCHCLOCK_REDIS_URL is not set, so every "
            "worker would keep its own buckets and allow 4 times the configured rate. Set PUNCHCLOCK_REDIS_URL "
            "(for example redis://127.0.0.1:6379/0), set PUNCHCLOCK_RATE_LIMIT=false, or run a single worker.\n"
        )
        assert fake_uvicorn.calls == []
        assert alembic_revision_or_none(sqlite_url) is None

    def test_several_workers_on_sqlite_without_rate_limit(
        self, sqlite_url: str, fake_uvicorn: FakeUvicorn, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PUNCHCLOCK_RATE_LIMIT", "false")
        result = invoke("serve", "--workers", "3")
        assert result.exit_code == 1
        assert result.stderr == (
            "Refusing to start 3 workers: login throttling is on but PUNCHCLOCK_REDIS_URL is not set, so every "
            "worker would count failed logins on its own and allow 3 times the guesses. Set PUNCHCLOCK_REDIS_URL "
            "(for example redis://127.0.0.1:6379/0), set PUNCHCLOCK_LOGIN_THROTTLE=false, or run a single worker.\n"
        )
        monkeypatch.setenv("PUNCHCLOCK_LOGIN_THROTTLE", "false")
        result = invoke("serve", "--workers", "3")
        assert result.exit_code == 0, result.output
        assert fake_uvicorn.calls[0][1]["workers"] == 3

    def test_several_workers_with_redis(
        self, sqlite_url: str, redis_url: str, fake_uvicorn: FakeUvicorn, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PUNCHCLOCK_REDIS_URL", redis_url)
        result = invoke("serve", "--workers", "2")
        assert result.exit_code == 0, result.output
        assert fake_uvicorn.calls[0][1]["workers"] == 2

    def test_unreachable_redis_is_refused(
        self, sqlite_url: str, fake_uvicorn: FakeUvicorn, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("PUNCHCLOCK_REDIS_URL", "redis://127.0.0.1:1/0")
        result = invoke("serve", "--workers", "2")
        assert result.exit_code == 1
        assert result.stderr.startswith("Cannot reach Redis at redis://127.0.0.1:1/0 (PUNCHCLOCK_REDIS_URL): ")
        assert fake_uvicorn.calls == []

    def test_invalid_setting_is_named(self, sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("PUNCHCLOCK_V8_BURST", "lots")
        result = invoke("serve")
        assert result.exit_code == 1
        assert result.stderr.startswith("Invalid configuration:\n  PUNCHCLOCK_V8_BURST: ")


def alembic_revision_or_none(url: str) -> str | None:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            if conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name='alembic_version'")).scalar():
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            return None
    finally:
        engine.dispose()


def test_version() -> None:
    result = invoke("version")
    assert (result.exit_code, result.stdout) == (0, "punchclock 0.1.0\n")
    result = invoke("--version")
    assert (result.exit_code, result.stdout) == (0, "punchclock 0.1.0\n")


def test_python_dash_m_runs_the_same_app() -> None:
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "punchclock", "version"], capture_output=True, text=True, timeout=60)
    assert (r.returncode, r.stdout) == (0, "punchclock 0.1.0\n")
