"""CSV renderings of the reports (50-reports §10): RFC 4180, one header row, plain values, streamed.

Every cell that a spreadsheet would read as a formula (it starts with ``=``, ``+``, ``-``, ``@``, a
tab or a carriage return) is prefixed with ``'``, the OWASP advice against CSV injection: a
description like ``=HYPERLINK(...)`` is then shown as text.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
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


_QUOTED = re.compile(r'[,"\r\n]')


def cell(value: object) -> str:
    """One CSV field as ``csv.writer`` writes it (QUOTE_MINIMAL), after ``safe``."""
    text = safe(value)
    return '"' + text.replace('"', '""') + '"' if _QUOTED.search(text) else text


def text_chunks(lines: Iterable[str], header: Sequence[str]) -> Iterator[str]:
    """Lines already written as CSV text, in chunks of ``CHUNK_ROWS`` lines, the header first."""
    lines = iter(lines)
    chunk = ",".join(cell(h) for h in header) + "\r\n" + "".join(islice(lines, CHUNK_ROWS))
    while chunk:
        yield chunk
        chunk = "".join(islice(lines, CHUNK_ROWS))


class _LocalText:
    """Local ``YYYY-MM-DD HH`` of UTC instants written ``YYYY-MM-DD HH:MM:SS…``, per zone, by the hour.

    Offsets in use are whole hours and change on the hour (DST) in most zones: the local text of an
    instant is then the local text of its UTC hour, plus its own minutes and seconds. An hour within
    which the offset changes, or an offset that is not whole hours, goes through ``zoneinfo``
    instant by instant (``None`` in the memo).
    """

    def __init__(self, zone: str) -> None:
        self.tz = ZoneInfo(zone)
        self.hours: dict[str, str | None] = {}

    def hour(self, key: str) -> str | None:
        first = datetime.fromisoformat(key + ":00:00").replace(tzinfo=UTC)
        before, after = first.astimezone(self.tz), (first + _LAST_SECOND).astimezone(self.tz)
        offset = before.utcoffset()
        whole = offset == after.utcoffset() and offset is not None and offset.total_seconds() % 3600 == 0
        local = before.isoformat()[:13] if whole else None
        self.hours[key] = local
        return local

    def exact(self, instant: str) -> str:
        """``YYYY-MM-DDTHH:MM:SS`` in the zone, through zoneinfo."""
        return datetime.fromisoformat(instant).replace(tzinfo=UTC).astimezone(self.tz).isoformat()[:19]


_LAST_SECOND = timedelta(seconds=3599)


def details_lines(lines: Iterable[tuple[tuple[Any, ...], list[str]]], display_hours: str,
                  show_money: bool) -> Iterator[str]:
    """The detailed export's lines as CSV text, from ``detailed.every_line``'s plain tuples.

    ``start`` and ``stop`` are UTC instants as text, ``YYYY-MM-DD HH:MM:SS``: in the owner's zone,
    their date and time cells come from ``_LocalText``. Names, currencies and durations repeat from
    line to line: each cell is made once (a dict look-up is cheaper than a call; these sets are as
    small as the workspace's catalogue), so a line costs a few look-ups and one ``str.join``.
    """
    clocks: dict[str, _LocalText] = {}
    names: dict[str | None, str] = {}
    durations: dict[int, str] = {}

    def name(value: str | None) -> str:
        text = names[value] = cell(value)
        return text

    def hours(seconds: int) -> str:
        text = durations[seconds] = duration(seconds, display_hours)
        return text

    for (user_name, email, client, project, task, description, billable, start, stop, seconds, amount_cents,
         currency, tz_name, _), tags in lines:
        clock = clocks.get(tz_name)
        if clock is None:
            clock = clocks[tz_name] = _LocalText(tz_name)
        memo = clock.hours
        key = start[:13]
        local = memo[key] if key in memo else clock.hour(key)
        if local is None:
            start_text = clock.exact(start)
            start_day, start_time = start_text[:10], start_text[11:19]
        else:
            start_day, start_time = local[:10], local[11:13] + start[13:19]
        key = stop[:13]
        local = memo[key] if key in memo else clock.hour(key)
        if local is None:
            stop_text = clock.exact(stop)
            stop_day, stop_time = stop_text[:10], stop_text[11:19]
        else:
            stop_day, stop_time = local[:10], local[11:13] + stop[13:19]
        billed = show_money and billable
        yield ",".join((
            names.get(user_name) or name(user_name), names.get(email) or name(email),
            names.get(client) or name(client), names.get(project) or name(project),
            names.get(task) or name(task), cell(description) if description else "",
            "Yes" if billable else "No", start_day, start_time, stop_day, stop_time,
            durations.get(seconds) or hours(int(seconds)), cell(", ".join(tags)) if tags else "",
            _money_cents(int(amount_cents)) if billed else "",
            (names.get(currency) or name(currency)) if billed else "",
        )) + "\r\n"


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
