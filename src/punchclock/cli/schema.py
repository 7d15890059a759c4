"""``punchclock migrate`` and the migration ``serve`` runs first: which database, what happened to it."""

from __future__ import annotations

from punchclock.cli.console import fail, say
from punchclock.cli.database import announce, explained, newer_problem, open_database
from punchclock.config import Settings
from punchclock.db.problems import parse, sqlite_path


def migrate_database(settings: Settings) -> None:
    """Upgrade the database to the newest revision and say whether it was new, upgraded or current.

    A relative SQLite path names a file in the current folder: run from the wrong folder, this
    creates a new empty database, so that case is spelled out with the absolute path.
    """
    from punchclock.db.migrate import current_revision, head_revision, is_known, upgrade  # alembic: slow import

    url = settings.database_url
    with explained(url):
        path = sqlite_path(parse(url))
    new_file = path is not None and not path.exists()
    with open_database(settings, create=True) as engine:
        before = current_revision(engine)
        if before is not None and not is_known(before):
            raise fail(newer_problem(url, before))
        announce(url)
        with explained(url):
            upgrade(url)
    head = head_revision()
    if new_file:
        say(f"Created a new SQLite database at {path} (no file was there), schema revision {head}.")
    elif before is None:
        say(f"Created the punchclock schema (revision {head}) in the empty database.")
    elif before == head:
        say(f"The database is up to date (revision {head}).")
    else:
        say(f"Upgraded the database from revision {before} to {head}.")
