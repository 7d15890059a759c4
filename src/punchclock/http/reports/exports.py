"""CSV and PDF responses (50-reports §10): attachment headers, and CSV streamed from its own session.

A CSV export may hold a year of a large workspace. It is written while it is read: the rows come
from a dedicated session opened by the response body's iterator (the request's session is already
committed when the body starts), fetched in chunks and rendered in chunks, so memory stays flat.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from fastapi import Request, Response
from fastapi.responses import StreamingResponse
from sqlalchemy.orm import Session

from punchclock.reports import csv
from punchclock.reports.filters import ReportFilters

CSV_TYPE = "text/csv; charset=utf-8"
PDF_TYPE = "application/pdf"


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


def pdf_response(report: str, filters: ReportFilters, content: bytes) -> Response:
    return Response(content, media_type=PDF_TYPE, headers=attachment(report, filters, "pdf"))
