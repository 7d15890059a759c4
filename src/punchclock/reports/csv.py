"""CSV renderings of the reports (50-reports §10): RFC 4180, one header row, plain values, streamed.

Every cell that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) is prefixed with ``'``, the OWASP advice against CSV injection: a
description like ``=HYPERLINK(...)`` is then shown as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal

from punchclock.reports.results import DetailedRow

DETAILS_HEADER = ("User", "Email", "Client", "Project", "Task", "Description", "Billable", "Start date",
                  "Start time", "End date", "End time", "Duration", "Tags", "Amount", "Currency")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Rows per yielded chunk: big enough to keep per-chunk overhead low, small enough to stream.
CHUNK_ROWS = 500


def safe(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def duration(seconds: int, display_hours: str) -> str:
    """``minutes`` -> ``HH:MM:SS``; ``decimal`` -> hours, half-up to two decimals (§3.9, O-86)."""
    if display_hours == "decimal":
        return str((Decimal(seconds) / 3600).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def money(amount: Decimal | None) -> str:
    return "" if amount is None else f"{amount:.2f}"


def lines(rows: Iterable[Sequence[object]], header: Sequence[str]) -> Iterator[str]:
    """CSV text in chunks of ``CHUNK_ROWS`` lines, header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for count, row in enumerate(rows, 1):
        writer.writerow([safe(v) for v in row])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def details_rows(rows: Iterable[DetailedRow], display_hours: str, show_money: bool) -> Iterator[list[object]]:
    for r in rows:
        yield [
            r.user_name, r.user_email, r.client_name, r.project_name, r.task_name, r.description,
            "Yes" if r.billable else "No",
            r.start.date().isoformat(), r.start.strftime("%H:%M:%S"),
            r.stop.date().isoformat(), r.stop.strftime("%H:%M:%S"),
            duration(r.seconds, display_hours), ", ".join(r.tags),
            money(r.amount) if show_money else "", (r.currency or "") if show_money else "",
        ]
