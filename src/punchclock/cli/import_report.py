"""What ``punchclock import toggl-export`` and ``import toggl-api`` share: the target database, one import
transaction per source workspace, and the printed outcome (counts table, rejected lines, verdict)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer

from punchclock.cli.console import err, fail, out, say

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from punchclock.config import Settings
    from punchclock.transfer.apply import ImportOptions, Progress
    from punchclock.transfer.outcome import Outcome
    from punchclock.transfer.records import WorkspaceSource

USAGE = 2


def usage(message: str) -> typer.Exit:
    """A wrong argument: the message on stderr, exit status 2 (as Click's own usage errors)."""
    err.print(message, markup=False)
    return typer.Exit(code=USAGE)


@contextmanager
def target_database(settings: Settings, *, quiet: bool) -> Iterator[Engine]:
    """The migrated target database, checked before anything is read; named on stdout unless ``quiet``
    (``--json`` prints the outcome only)."""
    from punchclock.cli.database import announce, open_database, schema_problem

    with open_database(settings) as engine:
        problem = schema_problem(engine, settings.database_url)
        if problem:
            raise fail(problem)
        if not quiet:
            announce(settings.database_url)
        yield engine


@contextmanager
def import_session(engine: Engine) -> Iterator[Session]:
    """A session taking SQLite's write lock up front. No webhook outbox: imported rows emit no events
    (a bulk history would flood subscribers)."""
    from sqlalchemy.orm import Session

    with Session(engine.execution_options(sqlite_immediate=True), expire_on_commit=False) as db:
        yield db


def import_settled(db: Session, source: WorkspaceSource, *, workspace: int | None, options: ImportOptions,
                   progress: Progress | None = None) -> tuple[Outcome, bool]:
    """``source`` applied and committed or rolled back; whether it was written. An unknown ``--workspace``
    is a usage error."""
    from punchclock.transfer.apply import UnknownWorkspace, apply_source, settle

    try:
        outcome = apply_source(db, source, workspace_id=workspace, options=options, progress=progress)
    except UnknownWorkspace:
        raise usage(f"No workspace with id {workspace}.") from None
    return outcome, settle(db, outcome, options)


def show(outcome: Outcome, written: bool, *, title: str) -> None:
    """The counts per kind, every rejection as ``file:line: reason``, and what happened."""
    from rich.table import Table

    table = Table(title=title, title_justify="left")
    for column in ("", "would create" if outcome.dry_run else "created", "matched", "skipped"):
        table.add_column(column, justify="left" if not column else "right")
    for kind, c in outcome.counts.items():
        table.add_row(kind.replace("_", " "), str(c.created), str(c.matched), str(c.skipped))
    out.print(table)
    for r in outcome.rejections:
        say(f"{r.where.file}:{r.where.line}: {r.reason}")
    hidden = outcome.rejected_total - len(outcome.rejections)
    if hidden > 0:
        say(f"… and {hidden} more rejected lines.")
    say(verdict(outcome, written))


def verdict(outcome: Outcome, written: bool) -> str:
    """One sentence: written, or why not."""
    total = max(outcome.rejected_total, len(outcome.rejections))
    s = "s" if total != 1 else ""
    if outcome.dry_run:
        return "Dry run: nothing was written."
    if outcome.workspace_id is None:
        return "Nothing was written: there is no workspace to import into."
    if not written:
        return f"Nothing was written: {total} line{s} rejected (use --skip-rejected to import the rest)."
    skipped = f"; {total} rejected line{s} skipped" if total else ""
    return f"Imported into workspace {outcome.workspace_id}{skipped}."
