"""The timer's and the entries list's forms, read into ``TimeEntryChanges`` (what API v9 builds from JSON).

Times are typed in the viewer's zone (``9:05``, ``9:05 pm``) on a date; durations as ``1:30``, ``90m``,
``1.5h``. An edit form posts every field; a field counts as changed when its text differs from what the
page showed for the entry, so that "duration changed" keeps the start and moves the stop, and "stop
changed" recomputes the duration (API v9's update rules).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any

from punchclock.domain.errors import Invalid
from punchclock.domain.inputs import UNSET
from punchclock.domain.time_entries import TimeEntryChanges
from punchclock.domain.time_entries.web_listing import ListedEntry
from punchclock.http.web import formats
from punchclock.http.web.common import Form, Viewer

CREATED_WITH = "punchclock web"


def tag_names(text: str) -> list[str]:
    """Comma-separated tag names (blank ones dropped; the service collapses duplicates)."""
    return [name.strip() for name in text.split(",") if name.strip()]


def _day(form: Form, name: str) -> date:
    try:
        return date.fromisoformat(form.text(name))
    except ValueError:
        raise Invalid("invalid_field", field=name) from None


def _clock(form: Form, name: str) -> time:
    found = formats.parse_time(form.text(name))
    if found is None:
        raise Invalid("invalid_field", field=name)
    return found


def _seconds(form: Form, name: str) -> int:
    found = formats.parse_duration(form.text(name))
    if found is None:
        raise Invalid("invalid_field", field=name)
    return found


def at(day: date, clock: time, tz: tzinfo) -> datetime:
    """The UTC instant of a wall-clock time on a day in ``tz``."""
    return datetime.combine(day, clock, tzinfo=tz).astimezone(UTC)


def _what(form: Form, workspace_id: int) -> dict[str, Any]:
    """Description, project, task, tags and billable: what a timer start and a new entry share."""
    return {
        "workspace_id": workspace_id, "description": form.text("description"),
        "project_id": form.optional_id("project_id"), "task_id": form.optional_id("task_id"),
        "tags": tag_names(form.text("tags")), "billable": form.checkbox("billable"),
        "created_with": CREATED_WITH,
    }


def start_changes(form: Form, viewer: Viewer) -> TimeEntryChanges:
    return TimeEntryChanges(**_what(form, viewer.workspace_id))


def new_entry_changes(form: Form, viewer: Viewer) -> TimeEntryChanges:
    """A past entry: a date and start, then a stop (wins, as in the API) or a duration."""
    tz = viewer.actor.tz
    day = _day(form, "date")
    start = at(day, _clock(form, "start"), tz)
    stop: datetime | None = None
    duration: int | None = None
    if form.text("stop"):
        stop = at(day, _clock(form, "stop"), tz)
    elif form.text("duration"):
        duration = _seconds(form, "duration")
    else:
        raise Invalid("duration_blank")
    return TimeEntryChanges(**_what(form, viewer.workspace_id), start=start, stop=stop, duration=duration)


def shown_fields(entry: ListedEntry, viewer: Viewer) -> dict[str, str]:
    """What an entry's edit form shows in its time fields (the baseline an edit is compared with)."""
    tz, clock = viewer.actor.tz, viewer.user.timeofday_format
    start = entry.start.astimezone(tz)
    stop = entry.stop.astimezone(tz) if entry.stop is not None else None
    return {
        "date": start.date().isoformat(), "start": formats.show_time(start, clock),
        "stop": "" if stop is None else formats.show_time(stop, clock),
        "duration": formats.show_duration(entry.duration, "improved"),
    }


def _changed(form: Form, shown: dict[str, str], name: str) -> bool:
    return form.has(name) and form.text(name) != shown[name]


def _times(form: Form, entry: ListedEntry, viewer: Viewer) -> dict[str, Any]:
    """start/stop/duration changes of an edit: only the fields whose text changed."""
    tz, shown = viewer.actor.tz, shown_fields(entry, viewer)
    local_start = entry.start.astimezone(tz)
    out: dict[str, Any] = {}
    start = entry.start
    if _changed(form, shown, "date") or _changed(form, shown, "start"):
        day = _day(form, "date") if _changed(form, shown, "date") else local_start.date()
        clock = _clock(form, "start") if _changed(form, shown, "start") else local_start.timetz().replace(tzinfo=None)
        start = out["start"] = at(day, clock, tz)
    if _changed(form, shown, "stop") and entry.stop is not None:
        # The stop stays as many days after the start as it was (an entry may run past midnight).
        days_later = (entry.stop.astimezone(tz).date() - local_start.date()).days
        stop_day = start.astimezone(tz).date() + timedelta(days=days_later)
        out["stop"] = at(stop_day, _clock(form, "stop"), tz)
    elif _changed(form, shown, "duration"):
        out["duration"] = _seconds(form, "duration")
    return out


def edit_changes(form: Form, entry: ListedEntry, viewer: Viewer) -> TimeEntryChanges:
    """The changes of an edit form (or of the page script, which posts the same fields)."""
    fields: dict[str, Any] = _times(form, entry, viewer)
    if form.has("description"):
        fields["description"] = form.text("description")
    if form.has("project_id"):
        fields["project_id"] = form.optional_id("project_id")
        task_id = form.optional_id("task_id") if form.has("task_id") else UNSET
        if task_id == entry.task_id and fields["project_id"] != entry.project_id:
            task_id = None  # the old task belongs to the old project
        fields["task_id"] = task_id
    if form.has("tags"):
        fields["tags"] = tag_names(form.text("tags"))
    if form.has("billable_shown"):  # an unticked checkbox sends nothing: the hidden marker says it was there
        fields["billable"] = form.checkbox("billable")
    return TimeEntryChanges(**fields)
