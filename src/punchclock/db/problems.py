"""One-line explanations of why a database URL cannot be used or opened.

The command line turns these into a single sentence on stderr instead of a traceback; every
sentence names the problem and what to do about it.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

#: Where the URL came from, named in messages so the operator knows what to edit.
SOURCE = "PUNCHCLOCK_DATABASE_URL"
SUPPORTED = "punchclock supports sqlite:///path and postgresql://user@host/db"
_SECRET = re.compile(r"(://[^:/@]*:)[^@/]*@")


class DatabaseProblem(Exception):
    """A database that cannot be used; ``str()`` is one sentence for the operator."""


def hide_secret(raw: str) -> str:
    """``raw`` with any password replaced by ``***`` (for URLs too broken to parse)."""
    return _SECRET.sub(r"\1***@", raw)


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` and use psycopg 3 for them."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def parse(url: str) -> URL:
    """The SQLAlchemy URL for ``url``, or DatabaseProblem when punchclock cannot use it."""
    try:
        parsed = make_url(normalize_url(url))
    except (ArgumentError, ValueError):  # ValueError: a port that is not a number
        raise DatabaseProblem(
            f"Cannot parse the database URL {hide_secret(url)!r} ({SOURCE}): {SUPPORTED}."
        ) from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if backend == "sqlite" and driver == "pysqlite":
        return parsed
    if backend == "postgresql" and driver == "psycopg":
        return parsed
    shown = parsed.render_as_string(hide_password=True)
    if backend == "postgresql":
        raise DatabaseProblem(
            f"Unsupported database driver in {shown} ({SOURCE}): punchclock uses psycopg 3, "
            f"start the URL with postgresql:// (postgresql://{_after_scheme(shown)})."
        )
    raise DatabaseProblem(f"Unsupported database URL {shown} ({SOURCE}): {SUPPORTED}.")


def _after_scheme(rendered: str) -> str:
    return rendered.split("://", 1)[1]


def sqlite_path(url: URL) -> Path | None:
    """The absolute path of a SQLite file URL; None for an in-memory database."""
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).expanduser().resolve()


def describe(url: str) -> str:
    """The URL as shown to the operator: password hidden, SQLite path absolute."""
    parsed = parse(url)
    path = sqlite_path(parsed)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///{path}" if path else "sqlite:// (in memory)"
    return parsed.render_as_string(hide_password=True)


def sqlite_folder_problem(url: URL) -> str | None:
    """Why SQLite could not create its file, checked before connecting (SQLite only says "unable to open")."""
    path = sqlite_path(url)
    if path is None or path.parent.is_dir():
        return None
    return (
        f"The folder {path.parent} for the SQLite database {path.name} ({SOURCE}) does not exist: "
        f"create it (mkdir -p {path.parent}) or point {SOURCE} to an existing folder."
    )


def sqlite_missing_problem(url: URL) -> str | None:
    path = sqlite_path(url)
    if path is None or path.exists():
        return None
    return (
        f"No SQLite database at {path} ({SOURCE}): run `punchclock migrate` to create it there, "
        f"or point {SOURCE} to the existing file."
    )


def explain(exc: BaseException, url: str) -> str:
    """One sentence for an error raised while connecting to or using the database at ``url``."""
    parsed = parse(url)
    text = str(getattr(exc, "orig", None) or exc)
    if parsed.get_backend_name() == "sqlite":
        return _explain_sqlite(text, sqlite_path(parsed))
    return _explain_postgresql(text, parsed)


def _explain_sqlite(text: str, path: Path | None) -> str:
    where = f"the SQLite database {path}" if path else "the in-memory SQLite database"
    if "unable to open" in text:
        return f"Cannot open {where}: check that its folder exists and is writable by this user."
    if "not a database" in text:
        return f"Cannot use {where}: the file is not a SQLite database. Point {SOURCE} to a punchclock database."
    if "locked" in text:
        return f"{where[0].upper()}{where[1:]} is locked by another process: try again, or stop that process."
    return f"Cannot use {where}: {_first_line(text)}"


def _explain_postgresql(text: str, url: URL) -> str:
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    shown = url.render_as_string(hide_password=True)
    if "does not exist" in text and "database" in text:
        return (
            f"The PostgreSQL database {url.database!r} does not exist on {where} ({shown}): "
            f"create it with `createdb {url.database}` or fix {SOURCE}."
        )
    if "Connection refused" in text:
        return f"Cannot connect to PostgreSQL at {where} ({shown}): connection refused. Is the server running?"
    if "role" in text and "does not exist" in text:
        return f"PostgreSQL at {where} has no role {url.username!r}: create it with `createuser {url.username}` " \
               f"or fix the user in {SOURCE}."
    if "password authentication failed" in text or "no password supplied" in text:
        return f"PostgreSQL at {where} refused the login of {url.username!r}: check the user and password " \
               f"in {SOURCE}."
    if "resolve host" in text or "translate host name" in text:
        return f"Cannot resolve the PostgreSQL host {url.host!r} ({shown}): check the host name in {SOURCE}."
    if "timeout" in text or "timed out" in text:
        return f"Cannot connect to PostgreSQL at {where} ({shown}): timed out. Is the host reachable?"
    return f"Cannot use the PostgreSQL database {shown}: {_first_line(text)}"


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0] if lines else "unknown error"
