"""Opening the configured database for a command: one sentence instead of a traceback when it fails."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from punchclock import __version__
from punchclock.cli.console import fail, say
from punchclock.config import Settings
from punchclock.db.engine import make_engine
from punchclock.db.problems import (
    DatabaseProblem,
    describe,
    explain,
    parse,
    sqlite_folder_problem,
    sqlite_missing_problem,
)


def shown_url(url: str) -> str:
    """``url`` for messages: password hidden, SQLite path absolute (the file a relative URL really names)."""
    return describe(url)


@contextmanager
def explained(url: str) -> Iterator[None]:
    """Turn a connection or URL error raised inside into one line on stderr and exit status 1."""
    try:
        yield
    except DatabaseProblem as exc:
        raise fail(str(exc)) from None
    except (OperationalError, InterfaceError) as exc:
        raise fail(explain(exc, url)) from None


@contextmanager
def open_database(settings: Settings, *, create: bool = False) -> Iterator[Engine]:
    """An engine on the configured database, connected once so a bad URL or server fails here.

    Connecting creates a missing SQLite file: only ``create`` commands (migrate, serve, restore) may,
    any other refuses rather than leave an empty database behind in the wrong folder.
    """
    url = settings.database_url
    with explained(url):
        parsed = parse(url)
        problem = sqlite_folder_problem(parsed) or (None if create else sqlite_missing_problem(parsed))
        if problem:
            raise DatabaseProblem(problem)
        engine = make_engine(url, pool_size=1)
        try:
            with engine.connect():
                pass
            yield engine
        finally:
            engine.dispose()


def announce(url: str) -> None:
    """Name the database on stdout: a relative SQLite path or a stale variable otherwise goes unnoticed.

    Only once it is open and usable, so that a failure prints exactly one line (on stderr).
    """
    say(f"Database: {shown_url(url)}")


def schema_problem(engine: Engine, url: str) -> str | None:
    """None when the database is migrated to the newest revision this version ships."""
    from punchclock.db.migrate import current_revision, head_revision, is_known  # alembic: slow import

    head, current = head_revision(), current_revision(engine)
    if current == head:
        return None
    if current is not None and not is_known(current):
        return newer_problem(url, current)
    return (
        f"The database {shown_url(url)} is not migrated (revision {current or 'none'}, this version needs {head}). "
        "Run `punchclock migrate` first."
    )


def newer_problem(url: str, revision: str) -> str:
    return (
        f"The database {shown_url(url)} is at revision {revision}, which punchclock {__version__} does not know: "
        "a newer punchclock migrated it. Upgrade punchclock."
    )


@contextmanager
def migrated_engine(settings: Settings) -> Iterator[Engine]:
    """The engine of a database at the newest revision, announced on stderr; refuses any other."""
    with open_database(settings) as engine:
        problem = schema_problem(engine, settings.database_url)
        if problem:
            raise fail(problem)
        announce(settings.database_url)
        yield engine


@contextmanager
def write_session(settings: Settings) -> Iterator[Session]:
    """A session on a migrated database; writes take SQLite's lock up front (BEGIN IMMEDIATE).

    Changes made here emit webhook events like the API's (70- §5.1): the outbox hooks go on first.
    """
    from punchclock.webhooks import outbox  # here: read-only commands need not import the v9 renderers

    outbox.install()
    with migrated_engine(settings) as engine, Session(
        engine.execution_options(sqlite_immediate=True), expire_on_commit=False
    ) as db:
        yield db
