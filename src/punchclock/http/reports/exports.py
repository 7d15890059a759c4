"""CSV, PDF and XLSX responses (50-reports §10, 60-reports-v3 §9): attachment headers, bodies produced after
the transaction.

A CSV export may hold a year of a large workspace. It is written while it is read: the rows come
from a dedicated session opened by the response body's iterator (the request's session is already
committed when the body starts), fetched in chunks and rendered in chunks, so memory stays flat.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO

from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from punchclock.reports import csv
from punchclock.reports.filters import ReportFilters

CSV_TYPE = "text/csv; charset=utf-8"
PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Documents (PDF, XLSX) up to this size stay in memory on their way out; larger ones go through a temporary file.
PDF_SPOOL = 8 * 1024 * 1024
PDF_CHUNK = 256 * 1024


def attachment(report: str, filters: ReportFilters, ext: str) -> dict[str, str]:
    name = f"punchclock_{report}_{filters.since.isoformat()}_{filters.until.isoformat()}.{ext}"
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


def csv_response(request: Request, report: str, filters: ReportFilters, header: Sequence[str],
                 rows: Callable[[Session], Iterable[Sequence[object]]]) -> Response:
    sessionmaker = request.app.state.sessionmaker

    def body() -> Iterator[bytes]:
        with sessionmaker() as db:
            for chunk in csv.lines(rows(db), header):
                yield chunk.encode()

    return StreamingResponse(body(), media_type=CSV_TYPE, headers=attachment(report, filters, "csv"))


def csv_text_response(request: Request, report: str, filters: ReportFilters, header: Sequence[str],
                      lines: Callable[[Session], Iterable[str]]) -> Response:
    """As ``csv_response``, for lines already written as CSV text (the detailed export)."""
    sessionmaker = request.app.state.sessionmaker

    def body() -> Iterator[bytes]:
        with sessionmaker() as db:
            for chunk in csv.text_chunks(lines(db), header):
                yield chunk.encode()

    return StreamingResponse(body(), media_type=CSV_TYPE, headers=attachment(report, filters, "csv"))


def csv_rows_response(report: str, filters: ReportFilters, header: Sequence[str],
                      rows: Iterable[Sequence[object]]) -> Response:
    """A CSV of a report already computed (weekly, summary: one line per grouped row, few of them)."""

    def body() -> Iterator[bytes]:
        for chunk in csv.lines(rows, header):
            yield chunk.encode()

    return StreamingResponse(body(), media_type=CSV_TYPE, headers=attachment(report, filters, "csv"))


def pdf_response(request: Request, report: str, filters: ReportFilters,
                 write: Callable[[Session, IO[bytes]], None]) -> Response:
    """A PDF written by ``write(db, out)`` once the request's transaction is over (``document_response``)."""
    return document_response(request, report, filters, write, PDF_TYPE, "pdf")


def document_response(request: Request, report: str, filters: ReportFilters,
                      write: Callable[[Session, IO[bytes]], None], media_type: str, ext: str) -> Response:
    """A document (PDF, XLSX) written by ``write(db, out)`` once the request's transaction is over.

    The body iterator is synchronous, so Starlette runs it in its thread pool: the (CPU-bound)
    rendering never blocks the event loop. ``db`` is a session of its own for renderers that still
    read (the detailed PDF walks every entry); the document is spooled to a temporary file past
    ``PDF_SPOOL`` bytes and sent in chunks. Errors must be raised before this is called: once the
    body runs, the status line is gone.
    """
    sessionmaker = request.app.state.sessionmaker

    def body() -> Iterator[bytes]:
        with tempfile.SpooledTemporaryFile(max_size=PDF_SPOOL) as out:
            with sessionmaker() as db:
                write(db, out)
            out.seek(0)
            while chunk := out.read(PDF_CHUNK):
                yield chunk

    return StreamingResponse(body(), media_type=media_type, headers=attachment(report, filters, ext))
