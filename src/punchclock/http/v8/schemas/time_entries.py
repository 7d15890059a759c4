"""Time entries on the v8 wire (40-time-entries §2)."""

from __future__ import annotations

import math
import re
from datetime import datetime, tzinfo
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, Field

from punchclock.domain.errors import Invalid, Malformed
from punchclock.domain.timekeeping import wire_duration
from punchclock.http.v8.schemas import Bool, WireId, WireIn
from punchclock.http.wire import compact, parse_ts, render_ts
from punchclock.models import TimeEntry


def _seconds(value: Any) -> Any:
    """Booleans are not numbers; fractional seconds are dropped (TogglPy sends ``hours * 3600``)."""
    if isinstance(value, bool):
        raise ValueError("boolean is not a number")
    if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
        return math.trunc(value) if value >= 0 or value <= -1 else -1
    return value


#: Whole seconds; numbers or numeric strings, never booleans; negative = running.
Seconds = Annotated[int, BeforeValidator(_seconds)]


class TimeEntryIn(WireIn):
    guid: str | None = Field(None, max_length=64)
    workspace_id: WireId | None = Field(None, validation_alias="wid")
    project_id: WireId | None = Field(None, validation_alias="pid")
    task_id: WireId | None = Field(None, validation_alias="tid")
    #: Extension: an admin files time for another member (create and start only).
    user_id: WireId | None = Field(None, validation_alias="uid")
    billable: Bool | None = None
    start: str | None = None
    stop: str | None = None
    duration: Seconds | None = None
    description: str | None = None
    #: Checked by the service so that any wrong value reads "created_with needs to be provided ...".
    created_with: Any = None
    #: Names; checked by the service so that a bad element reads "Invalid tags".
    tags: list[Any] | None = None
    tag_action: str | None = None
    duronly: Bool | None = None


def _parse(value: str, code: str, tz: tzinfo) -> datetime:
    try:
        return parse_ts(value, tz)
    except (ValueError, OverflowError):
        raise Invalid(code) from None


def to_changes(data: TimeEntryIn, tz: tzinfo) -> dict[str, Any]:
    """Domain changes from the wire model: only the keys that were sent; times parsed in ``tz``.

    A blank ``start``/``stop`` string counts as null.
    """
    changes = data.model_dump(exclude_unset=True)
    for key, code in (("start", "invalid_start"), ("stop", "invalid_stop")):
        value = changes.get(key)
        if isinstance(value, str):
            changes[key] = _parse(value, code, tz) if value.strip() else None
    if "guid" in changes and not (changes["guid"] or "").strip():
        changes["guid"] = None
    return changes


#: ``+02:00`` sent unencoded in a query string arrives as `` 02:00``.
_SPACE_OFFSET = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def query_ts(value: str | None, name: str, tz: tzinfo) -> datetime | None:
    """A date-time (or pure date = midnight in ``tz``) query parameter; malformed -> 400 ``Invalid <name>``."""
    if value is None or not value.strip():
        return None
    text = _SPACE_OFFSET.sub(r"\1+\2", value.strip())
    try:
        return parse_ts(text, tz)
    except (ValueError, OverflowError):
        raise Malformed("invalid_param", name=name) from None


def time_entry_out(entry: TimeEntry, tag_names: list[str], tz: ZoneInfo, *, deleted: bool = False) -> dict[str, Any]:
    """The compact v8 object: null fields, an empty description and an empty tag list are omitted."""
    return compact({
        "id": entry.id,
        "guid": entry.guid,
        "wid": entry.workspace_id,
        "pid": entry.project_id,
        "tid": entry.task_id,
        "uid": entry.user_id,
        "billable": entry.billable,
        "start": render_ts(entry.start, tz),
        "stop": render_ts(entry.stop, tz),
        "duration": wire_duration(entry.start, entry.stop, entry.duration),
        "description": entry.description or None,
        "tags": sorted(tag_names, key=lambda n: (n.lower(), n)) or None,
        "duronly": entry.duronly,
        "at": render_ts(entry.updated_at, tz),
        "server_deleted_at": render_ts(entry.deleted_at, tz) if deleted else None,
    })
