"""Backups of the whole database: SQLite's online backup API, or pg_dump / pg_restore for PostgreSQL.

Both kinds are checked before anything is replaced: the file must be of the database's kind
(SQLite header, or pg_dump's custom-format magic ``PGDMP``) and hold a punchclock schema whose
revision this version knows.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import URL

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"
KINDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


class BackupProblem(Exception):
    """A backup or restore that cannot be done; ``str()`` is one sentence for the operator."""


def kind_of(path: Path) -> str | None:
    """``sqlite`` or ``postgresql`` from the file's first bytes; None for anything else."""
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise BackupProblem(f"Cannot read {path}: {exc.strerror or exc}.") from None
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    return None


def check_backup(path: Path, backend: str) -> str:
    """The punchclock revision stored in backup ``path`` for a ``backend`` database, or BackupProblem."""
    from punchclock.db.migrate import is_known

    if not path.is_file():
        raise BackupProblem(f"No backup file at {path}.")
    kind = kind_of(path)
    if kind is None:
        raise BackupProblem(f"{path} is not a punchclock backup (neither a SQLite file nor a pg_dump custom archive).")
    if kind != backend:
        raise BackupProblem(
            f"{path} is a {KINDS[kind]} backup but the database is {KINDS[backend]}: "
            f"restore it into a {KINDS[kind]} database (PUNCHCLOCK_DATABASE_URL)."
        )
    revision = _sqlite_revision(path) if kind == "sqlite" else _pg_revision(path)
    if revision is None:
        raise BackupProblem(f"{path} is a {KINDS[kind]} file without a punchclock schema (no alembic_version).")
    if not is_known(revision):
        raise BackupProblem(f"{path} holds revision {revision}, written by a newer punchclock: upgrade punchclock.")
    return revision


def write_atomically(dest: Path, write: Callable[[Path], object]) -> None:
    """Run ``write(partial_path)`` then rename into place, so a failed backup leaves no half file."""
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        write(partial)
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)


# -- SQLite -----------------------------------------------------------------------------------------

def _sqlite_revision(path: Path) -> str | None:
    try:
        with closing(sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def sqlite_backup(database: Path, dest: Path) -> None:
    """Copy a live SQLite database page by page; readers and writers of ``database`` are not blocked."""
    def write(partial: Path) -> None:
        with closing(sqlite3.connect(database, timeout=30)) as src, closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
            # The copy inherits WAL mode; a backup should be one self-contained file.
            dst.execute("PRAGMA journal_mode=DELETE")

    write_atomically(dest, write)


def sqlite_restore(backup: Path, database: Path) -> None:
    """Replace every page of ``database`` with the backup's, in one transaction of the backup API."""
    with closing(sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)) as src, \
            closing(sqlite3.connect(database, timeout=30)) as dst:
        src.backup(dst)


# -- PostgreSQL -------------------------------------------------------------------------------------

def pg_tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupProblem(
            f"{name} was not found on PATH: install the PostgreSQL client tools of the server's version "
            "(Debian/Ubuntu: apt install postgresql-client) or add their folder to PATH."
        )
    return found


def libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URL (no ``+psycopg``) and environment; the password travels in PGPASSWORD, not in ``ps``."""
    env = {**os.environ}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if done.returncode != 0:
        lines = [x.strip() for x in done.stderr.splitlines() if x.strip()]
        name = Path(args[0]).name
        raise BackupProblem(f"{name} failed: {lines[-1] if lines else f'exit status {done.returncode}'}")
    return done.stdout


def pg_backup(url: URL, dest: Path) -> None:
    """pg_dump's custom format (compressed, restorable table by table) into ``dest``."""
    target, env = libpq(url)
    tool = pg_tool("pg_dump")
    write_atomically(dest, lambda partial: _run([tool, "--format=custom", "--file", str(partial),
                                                 "--dbname", target], env))


_COPY = re.compile(r"^COPY \S*alembic_version \(version_num\) FROM stdin;\n(.+)$", re.MULTILINE)


def _pg_revision(path: Path) -> str | None:
    """The revision in the archive's alembic_version data, read without any database."""
    tool = pg_tool("pg_restore")
    try:
        script = _run([tool, "--data-only", "--table=alembic_version", "--file=-", str(path)])
    except BackupProblem as exc:
        raise BackupProblem(f"{path} is not a readable pg_dump archive: {exc}") from None
    found = _COPY.search(script)
    return found.group(1).strip() if found else None


def pg_restore(backup: Path, url: URL) -> None:
    """Drop and recreate every object of the archive in one transaction (rolled back on any error)."""
    target, env = libpq(url)
    _run([pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction",
          "--exit-on-error", "--dbname", target, str(backup)], env)
