"""Alembic environment; run through ``punchclock migrate`` (see punchclock.db.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import punchclock.models  # noqa: F401  (registers every table)
from punchclock.db.base import Base
from punchclock.db.engine import make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url, "sqlalchemy.url must be set"
connection = config.attributes.get("connection")


def run(conn: Connection) -> None:
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:
        # Batch mode recreates a table (copy, DROP, rename): with foreign keys on, dropping ``workspaces``
        # would cascade to every membership, project and entry. SQLite ignores this PRAGMA inside a
        # transaction, so it goes to the driver connection before Alembic begins one.
        conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
    context.configure(
        connection=conn,
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
        if sqlite:
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
            assert not broken, f"migration left dangling references: {broken[:5]}"
    if sqlite:
        conn.connection.dbapi_connection.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


if connection is not None:
    run(connection)
else:
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        run(conn)
    engine.dispose()
