"""Alembic environment; run through ``punchclock migrate`` (see punchclock.db.migrate)."""

from __future__ import annotations

from alembic import context

import punchclock.models  # noqa: F401  (registers every table)
from punchclock.db.base import Base
from punchclock.db.engine import make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url")
assert url, "sqlalchemy.url must be set"
connection = config.attributes.get("connection")


def run(conn: object) -> None:
    context.configure(
        connection=conn,  # type: ignore[arg-type]
        target_metadata=Base.metadata,
        render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if connection is not None:
    run(connection)
else:
    engine = make_engine(url, pool_size=1)
    with engine.connect() as conn:
        run(conn)
    engine.dispose()
