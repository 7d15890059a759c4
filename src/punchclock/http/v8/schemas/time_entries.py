"""Time entries on the v8 wire (40-time-entries §2)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import Annotated, Any

from pydantic import BeforeValidator, Field

from punchclock.domain.errors import Invalid, Malformed
from punchclock.domain.inputs import UNSET
from punchclock.domain.time_entries import EntryRow, EntryStamps, TimeEntryChanges, entry_row, stamps
from punchclock.domain.timekeeping import wire_duration_epoch
from punchclock.http.v8.schemas import Bool, WireId, WireIn, inputs
from punchclock.http.wire import parse_ts, render_epoch
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


def _time(value: str | None, code: str, tz: tzinfo) -> datetime | None:
    """A sent ``start``/``stop``: a blank string counts as null; malformed -> 400 with ``code``."""
    if value is None or not value.strip():
        return None
    try:
        return parse_ts(value, tz)
    except (ValueError, OverflowError):
        raise Invalid(code) from None


def to_changes(data: TimeEntryIn, tz: tzinfo) -> TimeEntryChanges:
    """Domain changes from the wire model: only the fields that were sent; times parsed in ``tz``.

    A blank ``start``/``stop`` string counts as null, and so does a blank ``guid``.
    """
    sent = data.model_fields_set
    start = _time(data.start, "invalid_start", tz) if "start" in sent else UNSET
    stop = _time(data.stop, "invalid_stop", tz) if "stop" in sent else UNSET
    guid = (data.guid if (data.guid or "").strip() else None) if "guid" in sent else UNSET
    return replace(inputs(data, TimeEntryChanges), start=start, stop=stop, guid=guid)


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


def _wire(entry: EntryStamps, tag_names: list[str], tz: tzinfo, deleted: bool) -> dict[str, Any]:
    """The compact v8 object: null fields, an empty description and an empty tag list are omitted.

    Built key by key (in wire order: orjson keeps it), as lists render hundreds of them per request.
    """
    (id_, guid, wid, pid, tid, uid, billable, start, stop, duration, description, duronly, at,
     deleted_at) = entry
    out: dict[str, Any] = {"id": id_, "guid": guid, "wid": wid}
    if pid is not None:
        out["pid"] = pid
    if tid is not None:
        out["tid"] = tid
    out["uid"] = uid
    out["billable"] = billable
    out["start"] = render_epoch(start, tz)
    if stop is not None:
        out["stop"] = render_epoch(stop, tz)
    out["duration"] = wire_duration_epoch(start, stop, duration)
    if description:
        out["description"] = description
    if tag_names:
        out["tags"] = tag_names if len(tag_names) == 1 else sorted(tag_names, key=lambda n: (n.lower(), n))
    out["duronly"] = duronly
    out["at"] = render_epoch(at, tz)
    if deleted and deleted_at is not None:
        out["server_deleted_at"] = render_epoch(deleted_at, tz)
    return out


def time_entry_wire(entry: EntryRow, tag_names: list[str], tz: tzinfo, *, deleted: bool = False
                    ) -> dict[str, Any]:
    """One entry (``server_deleted_at`` only with ``deleted``: the routes that return tombstones)."""
    return _wire(stamps(entry), tag_names, tz, deleted)


def time_entries_wire(entries: Iterable[EntryStamps], tag_names: Mapping[int, list[str]], tz: tzinfo
                      ) -> list[dict[str, Any]]:
    """A list of live entries; ``tag_names`` has every entry's id."""
    return [_wire(e, tag_names[e[0]], tz, False) for e in entries]


def time_entry_out(entry: TimeEntry, tag_names: list[str], tz: tzinfo, *, deleted: bool = False) -> dict[str, Any]:
    """``time_entry_wire`` of an ORM entry."""
    return time_entry_wire(entry_row(entry), tag_names, tz, deleted=deleted)
