"""Engine construction: SQLite pragmas and transaction recipe, PostgreSQL pool sizing."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

from punchclock.db.problems import normalize_url, parse

__all__ = ["for_reads", "is_sqlite", "make_engine", "normalize_url"]


def is_sqlite(url: str) -> bool:
    return make_url(normalize_url(url)).get_backend_name() == "sqlite"


def make_engine(url: str, *, pool_size: int = 10, echo: bool = False) -> Engine:
    # hide_parameters: an error's message (and so any log line or traceback) never carries bound
    # values, which are request bodies, e-mails and tokens.
    # parse() refuses other databases and drivers with one sentence (DatabaseProblem) instead of
    # a missing-module error that suggests installing the wrong thing.
    parsed = parse(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, echo=echo, hide_parameters=True,
                               connect_args={"check_same_thread": False, "timeout": 30})
        _sqlite_setup(engine)
        return engine
    try:
        # No pool_pre_ping: its SELECT 1 would cost a network round trip on every request. A request
        # that meets a connection dropped by a database restart runs again instead (http/routing.py).
        return create_engine(
            parsed, echo=echo, pool_size=pool_size, max_overflow=pool_size, hide_parameters=True,
        )
    except ModuleNotFoundError as exc:  # pragma: no cover - depends on the install
        raise SystemExit(
            "PostgreSQL support needs psycopg: install punchclock[postgres] (pip install 'psycopg[binary]')"
        ) from exc


def for_reads(engine: Engine) -> Engine:
    """The engine of read-only requests (GET, HEAD).

    PostgreSQL runs them in autocommit: at READ COMMITTED each statement takes its own snapshot inside
    a transaction as well, so BEGIN and COMMIT would add nothing but two network round trips. SQLite
    keeps its deferred read transaction: one snapshot for the whole request, at no network cost.
    """
    if engine.dialect.name == "sqlite":
        return engine
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _sqlite_setup(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINT; the SQLAlchemy docs
    # recipe turns it off and emits BEGIN ourselves. Writing requests use BEGIN IMMEDIATE (engine
    # option ``sqlite_immediate``), so writers queue on busy_timeout instead of failing with
    # "database is locked" when they upgrade a read lock; reads stay deferred and never block.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.close()
        # SQLite's lower() folds ASCII only; reports compare descriptions and names case-insensitively
        # in every script, as PostgreSQL's lower() does (see db/functions.py ``lower_text``).
        dbapi_conn.create_function("unicode_lower", 1, _unicode_lower, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get("sqlite_immediate", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _unicode_lower(value: str | None) -> str | None:
    return None if value is None else value.lower()
