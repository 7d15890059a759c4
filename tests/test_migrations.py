"""Alembic migrations: a full round trip on both backends, and the migrated schema equals the models."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, Index, inspect, text

import punchclock.models  # noqa: F401  (registers every table)
from punchclock.db.base import Base
from punchclock.db.engine import make_engine
from punchclock.db.migrate import alembic_config, downgrade, upgrade

TABLES = {t.name for t in Base.metadata.sorted_tables}


@pytest.fixture
def migrated_url(db_url: str) -> Iterator[str]:
    """The test database; left at head whatever the test did (the PostgreSQL one is shared by the session)."""
    yield db_url
    upgrade(db_url)


@pytest.fixture
def engine(migrated_url: str) -> Iterator[Engine]:
    e = make_engine(migrated_url)
    yield e
    e.dispose()


def head() -> str:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"
    return heads[0]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def differences(engine: Engine) -> list[Any]:
    """Autogenerate's comparison; SQLite cannot reflect expression indexes, which it skips with a warning."""
    with engine.connect() as conn, warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "compare_server_default": True})
        return list(compare_metadata(ctx, Base.metadata))


def index_definitions(engine: Engine) -> dict[str, str]:
    """Index name -> its SQL as the database reports it: lower-cased, without quotes, casts and parentheses.

    PostgreSQL writes ``lower((email)::text)`` where SQLite keeps ``lower(email)``; both become ``lower email``.
    """
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
        else:
            rows = conn.execute(text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"))
        return {name: _plain(sql) for name, sql in rows}


def _plain(sql: str) -> str:
    sql = re.sub(r"::[a-z ]+?(?=[),]|$)", "", sql.lower().replace('"', ""))
    return " ".join(sql.replace("(", " ").replace(")", " ").split())


class TestRoundTrip:
    def test_upgrade_downgrade_upgrade(self, migrated_url: str, engine: Engine) -> None:
        upgrade(migrated_url)
        assert current_revision(engine) == head()
        assert tables(engine) == TABLES | {"alembic_version"}

        downgrade(migrated_url, "base")
        engine.dispose()
        assert current_revision(engine) is None
        assert tables(engine) <= {"alembic_version"}

        upgrade(migrated_url)
        engine.dispose()
        assert current_revision(engine) == head()
        assert tables(engine) == TABLES | {"alembic_version"}
        assert differences(engine) == []

    def test_upgrade_twice_is_a_no_op(self, migrated_url: str, engine: Engine) -> None:
        upgrade(migrated_url)
        upgrade(migrated_url)
        assert current_revision(engine) == head()


class TestSchemaMatchesModels:
    def test_autogenerate_finds_no_difference(self, engine: Engine) -> None:
        assert differences(engine) == []

    def test_every_model_index_exists_with_its_expression_and_condition(self, engine: Engine) -> None:
        """What autogenerate cannot compare on SQLite (expression and partial indexes), checked by name and SQL."""
        found = index_definitions(engine)
        special = [ix for t in Base.metadata.sorted_tables for ix in t.indexes
                   if isinstance(ix, Index) and (ix.expressions != list(ix.columns) or
                                                 ix.dialect_options["sqlite"]["where"] is not None)]
        assert {ix.name for ix in special} == {"uq_clients_name", "uq_projects_name", "uq_tags_name",
                                               "uq_tasks_name", "uq_users_email_lower", "uq_time_entries_running",
                                               "uq_webhook_subscriptions_description"}
        for ix in special:
            sql = found.get(str(ix.name))
            assert sql is not None, f"index {ix.name} missing"
            assert sql.startswith("create unique index"), sql
            assert f" on {ix.table.name} " in sql or f" on public.{ix.table.name} " in sql, sql
        assert "lower email" in found["uq_users_email_lower"]
        assert "lower name" in found["uq_clients_name"] and "deleted_at is null" in found["uq_clients_name"]
        assert "coalesce client_id, 0" in found["uq_projects_name"]
        assert "deleted_at is null" in found["uq_projects_name"]
        assert "stop is null" in found["uq_time_entries_running"]
        assert "deleted_at is null" in found["uq_time_entries_running"]

    def test_foreign_keys_and_named_constraints(self, engine: Engine) -> None:
        insp = inspect(engine)
        fks = {(fk["referred_table"], tuple(fk["constrained_columns"]), fk["options"].get("ondelete"))
               for fk in insp.get_foreign_keys("time_entries")}
        assert fks == {("workspaces", ("workspace_id",), "CASCADE"), ("users", ("user_id",), "CASCADE"),
                       ("projects", ("project_id",), "SET NULL"), ("tasks", ("task_id",), "SET NULL")}
        assert insp.get_pk_constraint("time_entries")["name"] == "pk_time_entries"


def test_every_revision_can_be_downgraded() -> None:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    revisions = list(script.walk_revisions())
    assert revisions, "no migrations found"
    for rev in revisions:
        assert callable(getattr(rev.module, "downgrade", None)), rev.revision
