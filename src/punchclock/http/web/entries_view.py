"""What the entries list shows: a page of entries grouped into weeks and days, and one entry's texts for
the page script (in the viewer's zone and formats)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from markupsafe import Markup, escape

from punchclock.domain.time_entries import web_listing
from punchclock.domain.time_entries.web_listing import Choices, EntriesPage, ListedEntry, ProjectChoice, TaskChoice
from punchclock.http.web import formats
from punchclock.http.web.common import Viewer
from punchclock.http.web.entries_forms import shown_fields


@dataclass(slots=True)
class Day:
    day: date
    label: str
    total: int
    entries: list[ListedEntry] = field(default_factory=list)


@dataclass(slots=True)
class Week:
    start: date
    label: str
    total: int
    days: list[Day] = field(default_factory=list)


class PickerOptions:
    """The ``<option>``s of the project and task pickers, built once per page; rows differ in ``selected`` only.

    Every row of the list carries an edit form with both pickers (they work without script), so a page of
    two weeks repeats the same options hundreds of times: rendering them through the template per row was
    most of the page's time (bench/web.py).
    """

    def __init__(self, choices: Choices) -> None:
        self.choices = choices
        self.groups = task_groups(choices)
        self._projects = [(p.id, f'<option value="{p.id}"', ">" + _text(p.name, p.client_name) + "</option>")
                          for p in choices.projects]
        self._tasks = [(project, [(t.id, f'<option value="{t.id}" data-project="{project.id}"',
                                   ">" + _text(t.name) + "</option>") for t in tasks])
                       for project, tasks in self.groups]

    def projects(self, selected: int | None = None) -> Markup:
        return Markup("".join(_option(option, selected) for option in self._projects))

    def tasks(self, selected: int | None = None) -> Markup:
        return Markup("".join(
            f'<optgroup label="{_text(project.name)}" data-project="{project.id}">'
            + "".join(_option(option, selected) for option in options) + "</optgroup>"
            for project, options in self._tasks))


def _text(name: str, client: str | None = None) -> str:
    return str(escape(f"{name} · {client}" if client else name))


def _option(option: tuple[int, str, str], selected: int | None) -> str:
    oid, head, tail = option
    return head + (" selected" + tail if oid == selected else tail)


def task_groups(choices: Choices) -> list[tuple[ProjectChoice, list[TaskChoice]]]:
    """The tasks under their projects, for the task pickers' option groups."""
    by_project: dict[int, list[TaskChoice]] = {}
    for task in choices.tasks:
        by_project.setdefault(task.project_id, []).append(task)
    return [(p, by_project[p.id]) for p in choices.projects if p.id in by_project]


def day_label(day: date, viewer: Viewer) -> str:
    return f"{day:%a}, {formats.show_date(day, viewer.user.date_format)}"


def week_label(start: date, viewer: Viewer) -> str:
    end = start + timedelta(days=6)
    fmt = viewer.user.date_format
    return f"{formats.show_date(start, fmt)} \u2013 {formats.show_date(end, fmt)}"


def weeks(found: EntriesPage, viewer: Viewer) -> list[Week]:
    """The page's weeks, newest first, each with its days that have entries (newest first)."""
    tz, bow = viewer.actor.tz, viewer.user.beginning_of_week
    by_day: dict[date, list[ListedEntry]] = {}
    for entry in found.entries:
        by_day.setdefault(entry.start.astimezone(tz).date(), []).append(entry)
    out: list[Week] = []
    for day in found.days:
        start = web_listing.week_start(day, bow)
        if not out or out[-1].start != start:
            out.append(Week(start, week_label(start, viewer), 0))
        out[-1].total += found.day_totals.get(day, 0)
        if day in by_day:
            out[-1].days.append(Day(day, day_label(day, viewer), found.day_totals.get(day, 0), by_day[day]))
    return [week for week in out if week.days]


def time_range(entry: ListedEntry, viewer: Viewer) -> str:
    tz, clock = viewer.actor.tz, viewer.user.timeofday_format
    start = formats.show_time(entry.start.astimezone(tz), clock)
    stop = "" if entry.stop is None else formats.show_time(entry.stop.astimezone(tz), clock)
    return f"{start} \u2013 {stop}"


def project_label(entry: ListedEntry) -> str:
    if entry.project_name is None:
        return ""
    return entry.project_name + (f" · {entry.client_name}" if entry.client_name else "")


def entry_json(entry: ListedEntry, tags: list[str], viewer: Viewer) -> dict[str, Any]:
    """The texts of an entry's row and the values of its edit form, for the page script."""
    return {
        "id": entry.id, "day": entry.start.astimezone(viewer.actor.tz).date().isoformat(),
        "description": entry.description, "project": project_label(entry), "color": entry.project_color or "",
        "task": entry.task_name or "", "tags": tags, "billable": entry.billable,
        "range": time_range(entry, viewer),
        "duration": formats.show_duration(entry.duration, viewer.user.duration_format),
        "fields": {**shown_fields(entry, viewer), "tags": ", ".join(tags)},
    }


def totals_json(viewer: Viewer, days: list[date]) -> dict[str, dict[str, str]]:
    """Day totals of ``days`` and week totals of their weeks, as the page shows them (one query)."""
    bow, fmt = viewer.user.beginning_of_week, viewer.user.duration_format
    starts = sorted({web_listing.week_start(d, bow) for d in days})
    all_days = [s + timedelta(days=i) for s in starts for i in range(7)]
    sums = web_listing.day_totals(viewer.db, viewer.actor, viewer.workspace_id, all_days)
    return {
        "days": {d.isoformat(): formats.show_duration(sums[d], fmt) for d in days},
        "weeks": {s.isoformat(): formats.show_duration(sum(sums[s + timedelta(days=i)] for i in range(7)), fmt)
                  for s in starts},
    }
