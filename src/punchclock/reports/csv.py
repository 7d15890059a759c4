"""CSV renderings of the reports (50-reports §10): RFC 4180, one header row, plain values, streamed.

Every cell that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) is prefixed with ``'``, the OWASP advice against CSV injection: a
description like ``=HYPERLINK(...)`` is then shown as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import islice
from typing import Any
from zoneinfo import ZoneInfo

from punchclock.reports.money import cents
from punchclock.reports.results import (
    Dimension,
    ProjectSubject,
    Subject,
    SummaryReport,
    Title,
    UserSubject,
    WeeklyReport,
)

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


class SafeCells(list[str]):
    """A row whose cells already went through ``safe`` (or cannot start a formula): written as is."""


def lines(rows: Iterable[Sequence[object]], header: Sequence[str]) -> Iterator[str]:
    """CSV text in chunks of ``CHUNK_ROWS`` lines, header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    rows = iter(rows)
    while True:
        chunk = list(islice(rows, CHUNK_ROWS))
        # One C call per chunk writes its lines.
        writer.writerows(row if type(row) is SafeCells else [safe(v) for v in row] for row in chunk)
        if len(chunk) < CHUNK_ROWS:
            yield buffer.getvalue()
            return
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def _money_cents(value: int) -> str:
    """``money(cents(value))`` without the Decimal: integer cents as ``units.cc``."""
    if value < 0:
        return safe(money(cents(value)))
    return f"{value // 100}.{value % 100:02d}"


def details_lines(lines: Iterable[tuple[tuple[Any, ...], list[str]]], display_hours: str,
                  show_money: bool) -> Iterator[Sequence[object]]:
    """The detailed export's lines, from ``detailed.every_line``'s plain tuples (no object per row).

    ``start`` and ``stop`` are UTC instants, aware or naive ISO text (SQLite's, parsed here in C). In
    the owner's zone, ``YYYY-MM-DDTHH:MM:SS+hh:mm``: the date and time cells are slices of one
    isoformat() (no microseconds are stored; they would follow the seconds and be cut off all the same).
    """
    zones: dict[str, ZoneInfo] = {}
    # Names, currencies and durations repeat from line to line: each cell is made once (a dict
    # look-up is cheaper than a call; these sets are as small as the workspace's catalogue).
    names: dict[str | None, str] = {}
    durations: dict[int, str] = {}

    def name(value: str | None) -> str:
        cell = names[value] = safe(value)
        return cell

    def hours(seconds: int) -> str:
        cell = durations[seconds] = duration(seconds, display_hours)
        return cell

    for (user_name, email, client, project, task, description, billable, start, stop, seconds, amount_cents,
         currency, tz_name, _), tags in lines:
        tz = zones.get(tz_name)
        if tz is None:
            tz = zones[tz_name] = ZoneInfo(tz_name)
        # Inline ``_local`` (two calls a row add up over a year of entries).
        if type(start) is str:
            start = datetime.fromisoformat(start).replace(tzinfo=UTC)
            stop = datetime.fromisoformat(stop).replace(tzinfo=UTC)
        start_text, stop_text = start.astimezone(tz).isoformat(), stop.astimezone(tz).isoformat()
        yield SafeCells((
            names.get(user_name) or name(user_name), names.get(email) or name(email),
            names.get(client) or name(client), names.get(project) or name(project),
            names.get(task) or name(task), safe(description),
            "Yes" if billable else "No",
            start_text[:10], start_text[11:19], stop_text[:10], stop_text[11:19],
            durations.get(seconds) or hours(int(seconds)), safe(", ".join(tags)) if tags else "",
            _money_cents(int(amount_cents)) if show_money and billable else "",
            (names.get(currency) or name(currency)) if show_money and billable else "",
        ))


# -- summary and weekly (§10) ---------------------------------------------------------------------------

#: Title columns per dimension; a project title is two columns, its name and its client's.
TITLE_HEADERS: dict[Dimension, tuple[str, ...]] = {
    Dimension.PROJECTS: ("Project", "Client"),
    Dimension.CLIENTS: ("Client",),
    Dimension.USERS: ("User",),
    Dimension.TASKS: ("Task",),
    Dimension.TIME_ENTRIES: ("Description",),
}


def _short_project(grouping: Dimension, subgrouping: Dimension) -> bool:
    """Projects inside a client group: their client is the group's, so the column would repeat it."""
    return grouping is Dimension.CLIENTS and subgrouping is Dimension.PROJECTS


def summary_header(grouping: Dimension, subgrouping: Dimension) -> tuple[str, ...]:
    sub = ("Project",) if _short_project(grouping, subgrouping) else TITLE_HEADERS[subgrouping]
    return (*TITLE_HEADERS[grouping], *sub, "Duration", "Amount", "Currency")


def _title_cells(t: Title, short_project: bool = False) -> list[object]:
    if t.dimension is Dimension.PROJECTS:
        return [t.name] if short_project else [t.name, t.client]
    return [t.name]


def summary_rows(report: SummaryReport, display_hours: str, show_money: bool) -> Iterator[list[object]]:
    """One line per item: its group's title, its own title, duration, amount, currency (§10)."""
    short = _short_project(report.grouping, report.subgrouping)
    for g in report.groups:
        group_cells = _title_cells(g.title)
        for i in g.items:
            yield [
                *group_cells, *_title_cells(i.title, short), duration(i.seconds, display_hours),
                money(i.amount) if show_money else "", i.currency if show_money else "",
            ]


def _subject_header(subject: type[Subject]) -> tuple[str, ...]:
    return ("Project", "Client") if subject is ProjectSubject else ("User",)


def _subject_cells(subject: Subject) -> list[object]:
    if isinstance(subject, UserSubject):
        return [subject.name]
    return [subject.name, subject.client_name]


def weekly_header(report: WeeklyReport) -> tuple[str, ...]:
    row, detail = (ProjectSubject, UserSubject) if report.grouping == "projects" else (UserSubject, ProjectSubject)
    days = tuple(d.isoformat() for d in report.dates)
    return (*_subject_header(row), *_subject_header(detail), *days, "Total",
            *(("Currency",) if report.earnings else ()))


def weekly_rows(report: WeeklyReport, display_hours: str, show_money: bool) -> Iterator[list[object]]:
    """One line per detail; in earnings mode one per detail and currency, amounts blank when hidden (§4.4)."""
    for row in report.rows:
        row_cells = _subject_cells(row.subject)
        for d in row.details:
            titles = [*row_cells, *_subject_cells(d.subject)]
            if not report.earnings:
                yield [*titles, *(None if s is None else duration(s, display_hours) for s in d.week.days),
                       duration(d.week.total, display_hours)]
                continue
            for m in d.week.money:
                if show_money:
                    yield [*titles, *(money(a) for a in m.days), money(m.total), m.currency]
                else:
                    yield [*titles, *([""] * len(m.days)), "", ""]
