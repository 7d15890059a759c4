"""Import and export over HTTP, shared by the web pages and API v9 (so it sits beside them, in neither): uploads,
the import's thread, downloads.

- An upload is parsed as a form before anything else (``FormFirst``): python-multipart spools each file to
  a temporary file past 1 MiB, so an upload never sits in memory whole (the route classes read a body into
  memory first, which suits JSON, not files). The upload limit (``upload_limit``) applies at the edge.
- The import is long database work: it runs in a worker thread (``run_import``), never on the event loop,
  in the request's session, and ``settle`` commits or rolls back its one transaction.
- A download is written by the exporter into a temporary file in Starlette's thread pool, after the
  request's transaction, and streamed back in chunks (``spooled_download``), as the report exports are.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import BinaryIO, cast

import anyio
from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from fastapi.routing import APIRoute
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException

from punchclock.config import Settings
from punchclock.domain import users
from punchclock.domain.errors import Malformed
from punchclock.http.routing import Handler, TransactionRoute, db_threads, on_thread_loop
from punchclock.transfer.apply import ImportOptions, apply_source, settle
from punchclock.transfer.files import FILES_ORIGIN, NamedFile, read_source
from punchclock.transfer.outcome import Outcome

#: Form fields: the workspace ZIP (at most one) and the time-entry CSVs (any number, one per year in Toggl).
ARCHIVE_FIELD, ENTRIES_FIELD = "workspace", "time_entries"
#: Parts of one upload form: a ZIP and a CSV per year leave ample room.
MAX_FILES, MAX_FIELDS = 100, 50
FIRST_YEAR, LAST_YEAR = 1000, 9998
ZIP_TYPE = "application/zip"
CSV_TYPE = "text/csv; charset=utf-8"
CHUNK = 256 * 1024
#: Downloads up to this size stay in memory on their way out; larger ones go through a temporary file.
SPOOL = 8 * 1024 * 1024


class FormFirst(TransactionRoute):
    """A route class mix-in: the body is read as a form (files spooled to disk), not into memory.

    As the base class, it reads the whole body before the transaction starts (none stays open across an
    ``await``) and runs the unit of work where the app runs database work; the spooled files are closed
    when the answer is made.
    """

    def get_route_handler(self) -> Handler:
        unit = self._unit_of_work(APIRoute.get_route_handler(self))

        async def handler(request: Request) -> Response:
            if "multipart/" in request.headers.get("content-type", "") and "content-length" not in request.headers:
                # The server's body limit cuts a body of unknown length short: half a file must not be imported.
                raise HTTPException(status_code=411, detail="Uploads need a Content-Length")
            form = await request.form(max_files=MAX_FILES, max_fields=MAX_FIELDS)
            try:
                if request.app.state.db_in_thread:
                    return await anyio.to_thread.run_sync(on_thread_loop, unit, request,
                                                         limiter=db_threads(request))
                return await unit(request)
            finally:
                await form.close()

        return handler


@dataclass(frozen=True)
class Upload:
    """The files of an import form."""

    archive: NamedFile | None
    entries: list[NamedFile]

    @property
    def empty(self) -> bool:
        return self.archive is None and not self.entries


def uploaded(form: FormData) -> Upload:
    """The chosen files; a browser sends an unchosen file input as a nameless empty part, which is no file."""
    archives = _files(form, ARCHIVE_FIELD)
    if len(archives) > 1:
        raise Malformed("invalid_param", name=ARCHIVE_FIELD)
    return Upload(archives[0] if archives else None, _files(form, ENTRIES_FIELD))


def _files(form: FormData, name: str) -> list[NamedFile]:
    out = []
    for value in form.getlist(name):
        if isinstance(value, str):
            if value.strip():  # text where a file belongs
                raise Malformed("invalid_param", name=name)
            continue
        if isinstance(value, UploadFile) and (value.filename or value.size):
            # Only the base name: messages name the file as the person knows it, never a client's path.
            out.append(NamedFile(PurePath((value.filename or name).replace("\\", "/")).name, value.file))
    return out


def upload_limit(settings: Settings) -> int:
    """The largest upload in bytes (``max_upload_bytes``): ``app.EdgeMiddleware`` refuses a larger body."""
    return settings.max_upload_bytes


def size_text(size: int) -> str:
    """A byte count as the pages say it, in binary units as the settings count: "256 MB", "1.5 MB", "64 KB"."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".removesuffix(".0") + f" {unit}"
    return f"{size} bytes"


def form_flag(form: FormData, name: str) -> bool:
    """A boolean form field: ``true``/``false`` (any case), ``1``/``0``, ``on`` (a ticked checkbox); absent
    or blank is false; anything else is a 400 naming the field."""
    value = form.get(name)
    text = value.strip().lower() if isinstance(value, str) else ""
    if text in ("", "false", "0"):
        return False
    if text in ("true", "1", "on"):
        return True
    raise Malformed("invalid_param", name=name)


def zone_of(text: str | None, default: str) -> str:
    """A time-zone field (blank: ``default``), checked as the profile checks one (``Invalid timezone``)."""
    return users.valid_timezone(text.strip() if text and text.strip() else default)


def year_of(text: str) -> int:
    """A four-digit year of a download path; the last stops short of 9999, whose end no datetime holds."""
    if len(text) != 4 or not text.isdigit() or not FIRST_YEAR <= int(text) <= LAST_YEAR:
        raise Malformed("invalid_param", name="year")
    return int(text)


def import_options(*, dry_run: bool, skip_rejected: bool) -> ImportOptions:
    return ImportOptions(origin=FILES_ORIGIN, dry_run=dry_run, skip_rejected=skip_rejected)


async def run_import(db: Session, upload: Upload, *, workspace_id: int, timezone: str,
                     options: ImportOptions) -> tuple[Outcome, bool]:
    """Import ``upload`` into the workspace in a worker thread; (the outcome, whether it was written).

    The request's session does the work: the transaction of signing in ends first (no transaction stays
    open across this ``await``), then the import is one transaction that ``settle`` commits or rolls back.
    """
    db.commit()
    return await run_in_threadpool(_import, db, upload, workspace_id, timezone, options)


def _import(db: Session, upload: Upload, workspace_id: int, timezone: str,
            options: ImportOptions) -> tuple[Outcome, bool]:
    source = read_source(upload.archive, upload.entries, timezone=timezone, origin=options.origin)
    outcome = apply_source(db, source, workspace_id=workspace_id, options=options)
    return outcome, settle(db, outcome, options)


def spooled_download(request: Request, write: Callable[[Session, BinaryIO], object], media_type: str,
                     filename: str) -> Response:
    """An attachment written by ``write(db, out)`` once the request's transaction is over.

    Starlette runs the synchronous body iterator in its thread pool: the export reads the database there,
    in a session of its own, into a temporary file (on disk past ``SPOOL``), then sends it in chunks, so
    memory stays flat however large the workspace. Permissions are checked before this is called.
    """
    sessionmaker = request.app.state.sessionmaker

    def body() -> Iterator[bytes]:
        with tempfile.SpooledTemporaryFile(max_size=SPOOL) as out:
            with sessionmaker() as db:
                write(db, cast("BinaryIO", out))  # typeshed: a spooled file is an IO[bytes], not BinaryIO
            out.seek(0)
            while chunk := out.read(CHUNK):
                yield chunk

    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return StreamingResponse(body(), media_type=media_type, headers=headers)
