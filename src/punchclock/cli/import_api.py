"""``punchclock import toggl-api``: pull everything a token reads from an API v9 server, then import it.

The pull goes to a spool folder first (resumable: an interrupted run continues where it stopped when run
again with the same arguments); the import then reads the spool, one transaction per source workspace.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

from punchclock.cli.apps import import_app
from punchclock.cli.console import err, fail, load_settings, say
from punchclock.cli.import_report import import_session, import_settled, show, target_database, usage

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from punchclock.transfer.outcome import Outcome
    from punchclock.transfer.pull import Mapped
    from punchclock.transfer.pull.spool import Spool

RESUME = "interrupted: run the same command again to resume"


def _since(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise usage(f"--since: not a date (YYYY-MM-DD): {value!r}") from None


def _progress(quiet: bool) -> Progress:
    """Pages pulled / items applied; on stderr, transient, hidden when not a terminal."""
    return Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}"),
                    console=err, transient=True, disable=quiet or not err.is_terminal)


def _pull(base_url: str, token: str, spool: Spool, pace: float, retries: int, quiet: bool) -> None:
    from punchclock.transfer.pull import ApiClient, Interrupted, PullError, pull

    def notice(message: str) -> None:
        err.print(message, markup=False)

    with _progress(quiet) as progress:
        task = progress.add_task("Pulling", total=None)

        def advance(phase: str, pages: int) -> None:
            progress.update(task, description=f"Pulling {phase}", completed=pages)

        try:
            with ApiClient(base_url, token, pace=pace, retries=retries, notice=notice) as client:
                pull(client, spool, progress=advance)
        except Interrupted as exc:
            raise fail(f"{exc}\n{RESUME} (what was pulled is kept in {spool.folder})") from None
        except KeyboardInterrupt:
            raise fail(f"{RESUME} (what was pulled is kept in {spool.folder})") from None
        except PullError as exc:
            raise fail(str(exc)) from None


def _apply(engine: Engine, mapped: Mapped, workspace: int | None, dry_run: bool, skip_rejected: bool,
           quiet: bool) -> tuple[Outcome, bool]:
    from punchclock.transfer.apply import ImportOptions

    options = ImportOptions(origin=mapped.source.origin, dry_run=dry_run, skip_rejected=skip_rejected)
    name = mapped.source.workspace.name if mapped.source.workspace else "?"
    with _progress(quiet) as progress, import_session(engine) as db:
        task = progress.add_task(f"Importing {name}", total=None)

        def advance(phase: str, done: int) -> None:
            progress.update(task, description=f"Importing {name}: {phase}", completed=done)

        outcome, written = import_settled(db, mapped.source, workspace=workspace, options=options, progress=advance)
        # Running entries never reach the records (a report lists stopped entries only): counted here.
        outcome.count("time_entries", "skipped", len(mapped.running))
        return outcome, written


def _title(mapped: Mapped) -> str:
    ws = mapped.source.workspace
    return f"{ws.name if ws else '?'} (source id {ws.external_id if ws else '?'})"


def _json(mapped: Mapped, outcome: Outcome) -> dict[str, object]:
    """``Outcome.as_dict()`` plus which source workspace it was and whether the token administers it."""
    ws = mapped.source.workspace
    return {**outcome.as_dict(),
            "source": {"id": ws.external_id if ws else None, "name": ws.name if ws else None, "admin": mapped.admin}}


def _choose(spool: Spool, workspace: int | None, source_workspace: int | None) -> list[Mapped]:
    from punchclock.transfer.pull import sources

    mapped = list(sources(spool))  # only --source-workspace when given: the spool holds only that one
    if source_workspace is not None and not mapped:
        raise usage(f"The token cannot read a workspace with id {source_workspace}.")
    if workspace is not None and len(mapped) != 1:
        names = ", ".join(f"{m.source.workspace.name} ({m.source.workspace.external_id})"
                          for m in mapped if m.source.workspace)
        raise usage(f"--workspace imports one source workspace, but the token reads {len(mapped)}: {names}. "
                     "Choose one with --source-workspace.")
    return mapped


def _import_all(engine: Engine, sources: list[Mapped], workspace: int | None, dry_run: bool, skip_rejected: bool,
                quiet: bool) -> list[tuple[Mapped, Outcome, bool]]:
    """Each source workspace in its own transaction, its outcome shown as soon as it is settled."""
    results = []
    for mapped in sources:
        if not mapped.admin and not quiet:
            say(f"Not an admin of {mapped.source.workspace.name if mapped.source.workspace else '?'}: only "
                "your own time entries are imported (from /api/v9/me/time_entries).")
        outcome, written = _apply(engine, mapped, workspace, dry_run, skip_rejected, quiet)
        results.append((mapped, outcome, written))
        if not quiet:
            show(outcome, written, title=_title(mapped))
    return results


@import_app.command("toggl-api")
def import_toggl_api(
    base_url: Annotated[str, typer.Option("--base-url", help="Server root: https://api.track.toggl.com, or a "
                                          "punchclock's URL (any server compatible with the Toggl API v9).")],
    token: Annotated[str, typer.Option("--token", help="API token of the account to read (Profile → API Token).")],
    since: Annotated[str | None, typer.Option(
        "--since", metavar="DATE", help="First day of time entries (YYYY-MM-DD); default: 2006-01-01.")] = None,
    spool: Annotated[Path | None, typer.Option("--spool", metavar="DIR",
                                               help="Folder for the pulled data; default ./punchclock-import-<host>. "
                                                    "Kept after an interruption, a dry run or rejections (the next "
                                                    "run with the same arguments reuses it); removed after a "
                                                    "successful import.")] = None,
    workspace: Annotated[int | None, typer.Option("--workspace", metavar="ID",
                                                  help="Import into this workspace (one source workspace only); "
                                                       "default: a new workspace per source workspace.")] = None,
    source_workspace: Annotated[int | None, typer.Option("--source-workspace", metavar="ID",
                                                         help="Import only this workspace of the source.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Count what would be imported; write nothing.")] = False,
    skip_rejected: Annotated[bool, typer.Option("--skip-rejected", help="Import the rest when some items are "
                                                "rejected.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome of each workspace as JSON only.")] = False,
    pace: Annotated[float, typer.Option("--pace", metavar="SECONDS", min=0,
                                        help="Least time between two requests. Toggl Track allows about one "
                                             "request per second; 429 answers are waited out in any case.")] = 0.0,
    page_size: Annotated[int, typer.Option("--page-size", min=1, max=1000, hidden=True)] = 1000,
    retries: Annotated[int, typer.Option("--retries", min=0, hidden=True)] = 4,
) -> None:
    """Pull everything a token can read through API v9 and Reports API v3 (workspaces, members, groups,
    clients, projects, project users, tasks, tags, time entries) and import it.

    Resumable: after an interruption run the same command again. Idempotent: a second import matches what
    the first created. The token is never printed.
    """
    from punchclock.transfer.pull import PullError, SpoolMismatch, default_spool, open_spool

    settings = load_settings()
    first_day = _since(since)
    try:
        folder = spool or default_spool(base_url)
        opened = open_spool(folder, base_url, token, first_day, page_size, source_workspace)
    except (PullError, SpoolMismatch) as exc:
        raise usage(str(exc)) from None
    with target_database(settings, quiet=as_json) as engine:
        if opened.resumed and not as_json:
            err.print(f"Resuming the pull kept in {folder}.", markup=False)
        _pull(base_url, token, opened, pace, retries, as_json)
        results = _import_all(engine, _choose(opened, workspace, source_workspace), workspace, dry_run,
                              skip_rejected, as_json)
    if as_json:
        say(json.dumps([_json(mapped, outcome) for mapped, outcome, _ in results]))
    if all(written for _, _, written in results):
        opened.remove()
        if not as_json:
            n = len(results)
            say(f"Done: {n} workspace{'s' if n != 1 else ''} imported from {opened.state['arguments']['origin']}.")
    if any(not written and not outcome.dry_run for _, outcome, written in results):
        raise typer.Exit(code=1)
