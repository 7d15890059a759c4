"""The time-entry CSVs ("Export time entries"): streamed, one ``EntryRecord`` or ``Rejection`` per record.

The Duration column follows the exporter's display format (``18:25 min`` has been seen) and is never
read: the duration is the difference of end and start. Line numbers are physical lines of the file where
a record starts (header = line 1), so a quoted description spanning lines does not shift later numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime, time
from typing import BinaryIO
from zoneinfo import ZoneInfo

from punchclock.transfer.files import layout
from punchclock.transfer.files.localtime import NonexistentTime, end_to_utc, start_to_utc
from punchclock.transfer.records import EntryRecord, Location, Rejection

#: Columns a file must have; the others (User, Client, Project, Task, Description, Billable, Tags) may be
#: absent and then read as empty.
REQUIRED = ("Email", "Start date", "Start time", "End date", "End time")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?")
#: Longest name of a client, project, task or tag, and description (the columns' sizes).
MAX_NAME = 255
MAX_DESCRIPTION = 3000


class BadValue(ValueError):
    """A field that cannot be read; the message names the column and the value."""


def _moment(date_text: str, time_text: str, date_col: str, time_col: str) -> datetime:
    """``YYYY-MM-DD`` and ``HH:MM:SS`` or ``HH:MM`` (regular expressions: strptime costs 10x as much)."""
    d = _DATE.fullmatch(date_text.strip())
    try:
        day = date(int(d[1]), int(d[2]), int(d[3])) if d else None
    except ValueError:
        day = None
    if day is None:
        raise BadValue(f"{date_col} {date_text!r} is not a date like 2024-01-31")
    t = _TIME.fullmatch(time_text.strip())
    try:
        return datetime.combine(day, time(int(t[1]), int(t[2]), int(t[3] or 0))) if t else _no_time(time_col, time_text)
    except ValueError:
        return _no_time(time_col, time_text)


def _no_time(time_col: str, time_text: str) -> datetime:
    raise BadValue(f"{time_col} {time_text!r} is not a time like 13:45:00 or 13:45")


def _billable(value: str) -> bool:
    text = value.strip()
    if not text:
        return False
    if text not in layout.BILLABLE:
        raise BadValue(f"Billable {value!r} is neither Yes nor No")
    return layout.BILLABLE[text]


def _tags(value: str) -> tuple[str, ...]:
    return tuple(t.strip() for t in value.split(layout.TAG_SEPARATOR) if t.strip())


def _email(value: str) -> str:
    text = value.strip()
    if "@" not in text or any(c.isspace() for c in text) or len(text) > MAX_NAME:
        raise BadValue(f"Email {value!r} is not an e-mail address")
    return text


def _times(get: dict[str, str], zone: ZoneInfo, zone_name: str) -> tuple[datetime, datetime]:
    start_local = _moment(get["Start date"], get["Start time"], "Start date", "Start time")
    end_local = _moment(get["End date"], get["End time"], "End date", "End time")
    try:
        start = start_to_utc(start_local, zone)
    except NonexistentTime:
        raise BadValue(f"Start time {get['Start time']!r} on {get['Start date']} does not exist in {zone_name} "
                       "(the clocks skip it)") from None
    try:
        stop = end_to_utc(end_local, zone, start)
    except NonexistentTime:
        raise BadValue(f"End time {get['End time']!r} on {get['End date']} does not exist in {zone_name} "
                       "(the clocks skip it)") from None
    if stop < start:
        raise BadValue(f"End {get['End date']} {get['End time']} is before Start {get['Start date']} "
                       f"{get['Start time']}")
    return start, stop


def _optional(value: str, column: str) -> str | None:
    text = value.strip()
    if len(text) > MAX_NAME:
        raise BadValue(f"{column} {text[:40]!r}… is longer than {MAX_NAME} characters")
    return text or None


def _description(value: str) -> str:
    if len(value) > MAX_DESCRIPTION:
        raise BadValue(f"Description {value[:40]!r}… is longer than {MAX_DESCRIPTION} characters")
    return value


def _record(where: Location, get: dict[str, str], zone: ZoneInfo, zone_name: str) -> EntryRecord:
    start, stop = _times(get, zone, zone_name)
    project = _optional(get["Project"], "Project")
    task = _optional(get["Task"], "Task")
    tags = _tags(get["Tags"])
    for tag in tags:
        _optional(tag, "Tags")
    if task is not None and project is None:
        raise BadValue(f"Task {get['Task']!r} has no Project")
    return EntryRecord(
        where=where, user_email=_email(get["Email"]), start=start, stop=stop, user_name=get["User"].strip(),
        description=_description(get["Description"]), client=_optional(get["Client"], "Client"), project=project,
        task=task, billable=_billable(get["Billable"]), tags=tags,
    )


def _header(name: str, header: Sequence[str]) -> dict[str, int] | Rejection:
    index = {col.strip(): i for i, col in enumerate(header)}
    missing = [col for col in REQUIRED if col not in index]
    if missing:
        return Rejection(Location(name, 1), f"missing column{'s' if len(missing) > 1 else ''}: {', '.join(missing)}")
    return index


class _NotText(ValueError):
    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line
        self.reason = reason


def _lines(stream: BinaryIO) -> Iterator[str]:
    """The file's physical lines decoded one by one, so that a bad byte is reported at its own line."""
    for number, raw in enumerate(stream, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _NotText(number, exc.reason) from None
        yield text.removeprefix("\ufeff") if number == 1 else text


def read_entries(name: str, stream: BinaryIO, zone_name: str) -> Iterator[EntryRecord | Rejection]:
    """Every record of one CSV in file order; a file without the required columns is one rejection, and so
    is the rest of a file from a line that is not UTF-8 text."""
    zone = ZoneInfo(zone_name)
    reader = csv.reader(_lines(stream))
    try:
        header = next(reader, None)
        if header is None:
            return
        index = _header(name, header)
        if isinstance(index, Rejection):
            yield index
            return
        columns = [col for col in layout.ENTRY_COLUMNS if col in index]
        line = reader.line_num + 1
        for row in reader:
            where = Location(name, line)
            line = reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if any("\x00" in cell for cell in row):  # no database text column can hold it
                yield Rejection(where, "the line contains a NUL character")
                continue
            get = {col: (row[index[col]] if index[col] < len(row) else "") for col in columns}
            for col in layout.ENTRY_COLUMNS:
                get.setdefault(col, "")
            try:
                yield _record(where, get, zone, zone_name)
            except BadValue as exc:
                yield Rejection(where, str(exc))
    except _NotText as exc:
        yield Rejection(Location(name, exc.line), f"not UTF-8 text ({exc.reason})")
    except csv.Error as exc:
        yield Rejection(Location(name, reader.line_num), f"not a readable CSV file ({exc})")
