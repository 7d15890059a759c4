"""``punchclock backup FILE`` and ``punchclock restore FILE``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from punchclock.cli.apps import app
from punchclock.cli.console import fail, load_settings, say
from punchclock.cli.database import announce, explained, open_database, shown_url
from punchclock.db import backup as backups
from punchclock.db.problems import parse, sqlite_path


@contextmanager
def explained_backup() -> Iterator[None]:
    try:
        yield
    except backups.BackupProblem as exc:
        raise fail(str(exc)) from None


@app.command()
def backup(
    file: Annotated[Path, typer.Argument(help="Backup file to write (SQLite file, or pg_dump custom archive).")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
) -> None:
    """Copy the whole database into FILE; safe while the server runs."""
    from punchclock.db.migrate import current_revision

    settings = load_settings()
    url = settings.database_url
    dest = file.expanduser().resolve()
    if dest.exists() and not force:
        raise fail(f"{dest} already exists: choose another name or pass --force to overwrite it.")
    if not dest.parent.is_dir():
        raise fail(f"The folder {dest.parent} does not exist: create it first.")
    with open_database(settings) as engine:
        revision = current_revision(engine)
    if revision is None:
        raise fail(f"The database {shown_url(url)} has no punchclock schema: nothing to back up.")
    announce(url)
    parsed = parse(url)
    database = sqlite_path(parsed)
    with explained(url), explained_backup():
        if parsed.get_backend_name() == "sqlite":
            if database is None:
                raise fail("An in-memory database cannot be backed up.")
            backups.sqlite_backup(database, dest)
        else:
            backups.pg_backup(parsed, dest)
    say(f"Wrote a backup of the database (revision {revision}) to {dest} ({dest.stat().st_size} bytes).")


@app.command()
def restore(
    file: Annotated[Path, typer.Argument(help="Backup written by `punchclock backup`.")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
) -> None:
    """Replace every row of the database with the contents of FILE (stop the server first)."""
    from punchclock.db.migrate import head_revision

    settings = load_settings()
    url = settings.database_url
    source = file.expanduser().resolve()
    with explained(url):
        parsed = parse(url)
    backend = parsed.get_backend_name()
    with explained_backup():
        revision = backups.check_backup(source, backend)
    with open_database(settings, create=True):
        pass  # the target must be reachable (and a SQLite folder exist) before asking
    announce(url)
    if not yes and not typer.confirm(f"This replaces every row in {shown_url(url)}. Continue?", default=False):
        raise fail("Nothing restored.")
    with explained(url), explained_backup():
        if backend == "sqlite":
            backups.sqlite_restore(source, sqlite_path(parsed))  # type: ignore[arg-type]
        else:
            backups.pg_restore(source, parsed)
    say(f"Restored {source} (revision {revision}).")
    if revision != head_revision():
        say(f"Run `punchclock migrate` to bring it to revision {head_revision()}.")
