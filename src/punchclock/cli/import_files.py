"""``punchclock import toggl-export``: a Toggl Track workspace export (ZIP) and time-entry CSVs."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from punchclock.cli.apps import import_app
from punchclock.cli.console import err, load_settings, say
from punchclock.cli.import_report import import_session, import_settled, show, target_database, usage

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from punchclock.config import Settings
    from punchclock.transfer.files import NamedFile
    from punchclock.transfer.outcome import Outcome

ZONE_HELP = ("the time zone the CSV times are written in: the zone of the Toggl Track profile of the person "
             "who exported them")


class _Counted(io.RawIOBase):
    """A file that reports every byte read (the progress bar follows the CSVs as they stream)."""

    def __init__(self, path: Path, advance: Callable[[int], object]) -> None:
        self._f = path.open("rb")
        self._advance = advance

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = self._f.readinto(buffer)
        self._advance(n)
        return n

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._f.seek(offset, whence)

    def tell(self) -> int:
        return self._f.tell()

    def close(self) -> None:
        self._f.close()
        super().close()


def _interactive() -> bool:
    return sys.stdin.isatty()


def _zone(timezone: str | None, has_csv: bool) -> str:
    if timezone is None and has_csv:
        if not _interactive():
            raise usage(f"Give --timezone: {ZONE_HELP} (an IANA name such as Europe/Berlin).")
        timezone = typer.prompt(f"Time zone of the CSV files ({ZONE_HELP})")
    name = (timezone or "Etc/UTC").strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise usage(f"Unknown time zone {name!r}: use an IANA name such as Europe/Berlin or Etc/UTC.") from None
    return name


def _invite(db: Session, settings: Settings, outcome: Outcome) -> int:
    from punchclock.domain import mail
    from punchclock.transfer.apply.invitations import invitation_mails

    mails = invitation_mails(db, outcome, public_url=settings.public_url, invite_days=settings.invite_days)
    mail.send_all(mail.sender_for(settings), mails)
    return len(mails)


def _open(paths: Sequence[Path], stack: ExitStack, advance: Callable[[int], object]) -> list[NamedFile]:
    from punchclock.transfer.files import NamedFile

    return [NamedFile(p.name, stack.enter_context(io.BufferedReader(_Counted(p, advance)))) for p in paths]


def _bar(quiet: bool) -> Progress:
    return Progress(TextColumn("Reading time entries"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                    console=err, transient=True, disable=quiet or not err.is_terminal)


@import_app.command("toggl-export")
def import_toggl_export(
    files: Annotated[list[Path], typer.Argument(
        help="The workspace ZIP (Settings → Data export), then the time-entry CSVs (Export time entries). "
             "Without a ZIP (the first file ends in .csv), --workspace is required.",
        exists=True, dir_okay=False, readable=True, show_default=False, metavar="FILE")],
    workspace: Annotated[int | None, typer.Option(
        "--workspace", metavar="ID",
        help="Import into this workspace (default: the one an earlier import of this ZIP made, else a new one).")
    ] = None,
    timezone: Annotated[str | None, typer.Option(
        metavar="TZ", help=f"IANA name of {ZONE_HELP}; asked when omitted.")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would be imported; write nothing.")
                       ] = False,
    skip_rejected: Annotated[bool, typer.Option(
        "--skip-rejected", help="Import the good lines even when some are rejected.")] = False,
    invite: Annotated[bool, typer.Option("--invite", help="Mail an invitation to every person the import adds "
                                                          "who has no account yet.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON only.")] = False,
) -> None:
    """Import a workspace exported from Toggl Track (export files compatible with the Toggl API) in one
    transaction: nothing is written while any line is rejected, unless --skip-rejected."""
    from punchclock.transfer.apply import ImportOptions
    from punchclock.transfer.files import FILES_ORIGIN, NamedFile, read_source

    archive, csvs = (None, files) if files[0].suffix.lower() == ".csv" else (files[0], files[1:])
    if archive is None and workspace is None:
        raise usage("Without a workspace ZIP, give --workspace ID: the workspace to import the time entries into.")
    zone = _zone(timezone, bool(csvs))
    settings = load_settings()
    options = ImportOptions(origin=FILES_ORIGIN, dry_run=dry_run, skip_rejected=skip_rejected)
    with target_database(settings, quiet=as_json) as engine, import_session(engine) as db, ExitStack() as stack, \
            _bar(as_json) as bar:
        task = bar.add_task("read", total=sum(p.stat().st_size for p in csvs))
        entry_files = _open(csvs, stack, lambda n: bar.advance(task, n))
        zip_file = NamedFile(archive.name, stack.enter_context(archive.open("rb"))) if archive else None
        source = read_source(zip_file, entry_files, timezone=zone)
        outcome, written = import_settled(db, source, workspace=workspace, options=options)
        sent = _invite(db, settings, outcome) if written and invite else 0
    if as_json:
        say(json.dumps(outcome.as_dict()))
    else:
        show(outcome, written, title="Would import" if dry_run else "Import")
        if invite and written:
            say(f"Sent {sent} invitation mail{'s' if sent != 1 else ''}.")
    if not written and not dry_run:
        raise typer.Exit(code=1)
