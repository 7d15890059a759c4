"""XLSX renderings of the reports (60-reports-v3 §9): the CSV's columns (``csv``), written row by row.

XlsxWriter's ``constant_memory`` mode writes each row out as soon as the next one starts, so a year of
a large workspace costs the memory of one row, not of the sheet. Cells are typed: text is written as a
string, which a spreadsheet never runs as a formula (so the CSV's ``'`` guard is not needed); amounts and
decimal durations are numbers shown with two decimals, so that they sum; ``HH:MM:SS`` durations, dates
and times stay text exactly as in the CSV. Summary lines come from the CSV's own row function, so the
two formats cannot drift apart. (The weekly report has no XLSX export: §9 lists none.)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from decimal import Decimal
from typing import IO, Any

import xlsxwriter  # type: ignore[import-untyped]  # XlsxWriter ships no type information

from punchclock.reports import csv
from punchclock.reports.results import DetailedRow, SummaryReport

Cell = str | Decimal | None
#: Rows per sheet, header included (the format's limit): a longer report continues on another sheet.
MAX_ROWS = 1_048_576


def write(out: IO[bytes], title: str, header: Sequence[str], rows: Iterable[Sequence[Cell]]) -> None:
    """One sheet named ``title`` (more past ``MAX_ROWS``): the header in bold, then ``rows``; blanks stay empty."""
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    bold, two_decimals = book.add_format({"bold": True}), book.add_format({"num_format": "0.00"})
    sheet: Any = None
    number = MAX_ROWS
    for row in rows:
        if number == MAX_ROWS:
            sheet, number = _sheet(book, title, header, bold), 1
        for column, value in enumerate(row):
            if isinstance(value, Decimal):
                sheet.write_number(number, column, float(value), two_decimals)
            elif value:
                sheet.write_string(number, column, value)
        number += 1
    if sheet is None:
        _sheet(book, title, header, bold)
    book.close()


def _sheet(book: Any, title: str, header: Sequence[str], bold: Any) -> Any:
    count = len(book.worksheets())
    sheet = book.add_worksheet(title if count == 0 else f"{title} ({count + 1})")
    for column, text in enumerate(header):
        sheet.write_string(0, column, text, bold)
    sheet.freeze_panes(1, 0)
    return sheet


def detailed_rows(rows: Iterable[DetailedRow], display_hours: str, show_money: bool,
                  show_emails: bool = True) -> Iterator[list[Cell]]:
    """The lines of ``csv.DETAILS_HEADER`` from the detailed rows (local times: the owner's zone)."""
    for r in rows:
        billed = show_money and r.amount is not None
        yield [
            r.user_name, r.user_email if show_emails else None, r.client_name, r.project_name, r.task_name,
            r.description, "Yes" if r.billable else "No", r.start.date().isoformat(), f"{r.start:%H:%M:%S}",
            r.stop.date().isoformat(), f"{r.stop:%H:%M:%S}", _duration(r.seconds, display_hours),
            ", ".join(r.tags), r.amount if billed else None, r.currency if billed else None,
        ]


def _duration(seconds: int, display_hours: str) -> Cell:
    text = csv.duration(seconds, display_hours)
    return Decimal(text) if display_hours == "decimal" else text


def _typed(rows: Iterable[Sequence[object]], numbers: Collection[int]) -> Iterator[list[Cell]]:
    """CSV cells with the columns ``numbers`` (amounts, decimal durations) read back as numbers."""
    for row in rows:
        yield [None if v is None or v == "" else Decimal(str(v)) if i in numbers else str(v)
               for i, v in enumerate(row)]


def summary(out: IO[bytes], report: SummaryReport, display_hours: str, show_money: bool) -> None:
    """``csv.summary_header`` and ``csv.summary_rows``: titles, ``Duration``, ``Amount``, ``Currency``."""
    header = csv.summary_header(report.grouping, report.subgrouping)
    amount = len(header) - 2
    numbers = {amount - 1, amount} if display_hours == "decimal" else {amount}
    write(out, "Summary report", header, _typed(csv.summary_rows(report, display_hours, show_money), numbers))

