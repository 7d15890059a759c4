"""``punchclock export WORKSPACE_ID DIR``: the workspace ZIP and one time-entry CSV per year, in the layout
of Toggl Track's data export (``punchclock import toggl-export`` reads them back)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy.orm import Session

from punchclock.cli.apps import app
from punchclock.cli.console import err, fail, load_settings, say
from punchclock.cli.database import migrated_engine
from punchclock.cli.users import valid_zone


@app.command("export")
def export_workspace(
    workspace_id: Annotated[int, typer.Argument(help="Workspace id.")],
    directory: Annotated[Path, typer.Argument(help="Folder to write into (created if missing).", file_okay=False)],
    timezone: Annotated[str | None, typer.Option(
        help="Time zone of the dates and times in the CSV files, an IANA name such as Europe/Berlin. "
             "Default: the zone of the workspace's first admin (the admin who joined first).")] = None,
) -> None:
    """Export a workspace: DIRECTORY/<name>_<id>.zip (clients, projects, tags, members, groups, tasks, settings;
    the name lower-cased, ASCII, dashes for the rest) and one DIRECTORY/time_entries_<year>-01-01_to_<year>-12-31.csv
    per year holding entries, in the layout of a Toggl Track data export."""
    from punchclock.models import Workspace
    from punchclock.transfer import export

    settings = load_settings()
    if timezone is not None:
        valid_zone(timezone)
    with migrated_engine(settings) as engine, Session(engine) as db:
        workspace = db.get(Workspace, workspace_id)
        if workspace is None:
            raise fail(f"No workspace with id {workspace_id}.")
        zone = timezone or export.default_timezone(db, workspace_id)
        directory.mkdir(parents=True, exist_ok=True)
        archive = directory / export.archive_file_name(workspace)
        with archive.open("wb") as out:
            export.write_archive(db, workspace_id, out)
        say(f"Time zone of the entries: {zone}")
        say(f"{archive}: workspace {workspace.id} ({workspace.name})")
        years = export.entry_years(db, workspace_id, zone)
        counts = {year: export.count_entries(db, workspace_id, year, zone) for year in years}
        written = _write_years(db, workspace_id, zone, directory, counts)
        for path, rows in written:
            say(f"{path}: {rows} time entries")
        files = "1 file" if len(written) == 1 else f"{len(written)} files"
        say(f"Exported {sum(rows for _, rows in written)} time entries in {files}.")


def _write_years(db: Session, workspace_id: int, zone: str, directory: Path, counts: dict[int, int]
                 ) -> list[tuple[Path, int]]:
    """One CSV per year, under one progress bar over all entries (on stderr, gone when done)."""
    from punchclock.transfer import export

    written: list[tuple[Path, int]] = []
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as progress:
        task = progress.add_task("Time entries", total=sum(counts.values()))
        for year in counts:
            path = directory / export.entries_file_name(year)
            with path.open("wb") as out:
                rows = export.write_entries_csv(db, workspace_id, year, zone, out,
                                                progress=lambda n: progress.advance(task, n))
            written.append((path, rows))
    return written
