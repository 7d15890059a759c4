"""Throw-away PostgreSQL databases for the benchmarks, and the line naming a database in their results."""

from __future__ import annotations

import os

ADMIN_URL = os.environ.get("PUNCHCLOCK_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _admin_execute(*statements: str) -> None:
    from sqlalchemy import create_engine, text

    admin = create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for statement in statements:
                conn.execute(text(statement))
    finally:
        admin.dispose()


def fresh_database(name: str) -> str:
    """The URL of a newly created database ``name`` next to ADMIN_URL; an existing one is dropped first."""
    _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + name


def drop_database(name: str) -> None:
    _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def via_proxy(url: str, port: int) -> str:
    """``url`` with its host and port replaced by the proxy's on 127.0.0.1."""
    from sqlalchemy.engine import make_url

    return make_url(url).set(host="127.0.0.1", port=port).render_as_string(hide_password=False)


def host_port(url: str) -> tuple[str, int]:
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    return parsed.host or "127.0.0.1", parsed.port or 5432


def server_version(url: str) -> str:
    """``SQLite 3.x`` or ``PostgreSQL 15.x``: the results say which database made the figures."""
    from sqlalchemy import create_engine, text

    from punchclock.db.engine import normalize_url

    engine = create_engine(normalize_url(url))
    try:
        with engine.connect() as conn:
            if engine.dialect.name == "sqlite":
                return "SQLite " + str(conn.execute(text("SELECT sqlite_version()")).scalar())
            return "PostgreSQL " + str(conn.execute(text("SHOW server_version")).scalar()).split()[0]
    finally:
        engine.dispose()
