"""Time entries on the v9 wire (50-): the object, the bodies of create and update, query bounds."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, tzinfo
from time import gmtime, strftime
from typing import Any

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy.orm import Session

from punchclock.config import Settings
from punchclock.domain import time_entries
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Invalid
from punchclock.domain.time_entries import EntryStamps, Saved, TimeEntryChanges, stamps
from punchclock.domain.time_entries.meta import EntryMeta
from punchclock.http.v8.schemas import WireId
from punchclock.http.v8.schemas.time_entries import Seconds, query_ts
from punchclock.http.v9.render import image_url
from punchclock.http.wire import parse_ts
from punchclock.models._common import utcnow


def _utc(seconds: int) -> str:
    """``YYYY-MM-DDTHH:MM:SS+00:00`` (V-2) of whole seconds since the epoch (``time.strftime`` is about
    three times faster than a datetime's ``isoformat``; lists render three instants per entry)."""
    return strftime("%Y-%m-%dT%H:%M:%S+00:00", gmtime(seconds))


def entry_out(e: EntryStamps, pairs: Sequence[tuple[int, str]]) -> dict[str, Any]:
    """The object of 50- §1 in the contract's order; ``pairs`` = (tag id, name), already in name order."""
    (id_, _guid, wid, pid, tid, uid, billable, start, stop, duration, description, _duronly, at,
     deleted_at) = e
    return {
        "id": id_, "workspace_id": wid, "wid": wid, "project_id": pid, "pid": pid, "task_id": tid, "tid": tid,
        "user_id": uid, "uid": uid, "billable": billable, "start": _utc(start),
        "stop": None if stop is None else _utc(stop), "duration": -start if stop is None else duration,
        "description": description, "tags": [name for _, name in pairs], "tag_ids": [i for i, _ in pairs],
        "duronly": True, "at": _utc(at), "server_deleted_at": None if deleted_at is None else _utc(deleted_at),
        "shared_with": None, "permissions": None, "expense_ids": [],
    }


def with_meta(out: dict[str, Any], meta: EntryMeta, public_url: str) -> dict[str, Any]:
    """``meta=true`` extras (50- §1) after the object's own keys; the avatar is the owner's (as in v8)."""
    *shown, email = meta
    out.update(zip(EntryMeta._fields, shown, strict=False))
    out["user_avatar_url"] = image_url(public_url, meta.user_name, email, out["user_id"])
    return out


def saved_out(saved: Saved) -> dict[str, Any]:
    return entry_out(stamps(saved.entry), list(zip(saved.tag_ids, saved.tags, strict=True)))


def entries_out(entries: Sequence[EntryStamps], tags: Mapping[int, Sequence[tuple[int, str]]]
                ) -> list[dict[str, Any]]:
    return [entry_out(e, tags[e[0]]) for e in entries]


# -- bodies -----------------------------------------------------------------------------------------

def related(db: Session, actor: Actor, settings: Settings) -> list[dict[str, Any]]:
    """``time_entries`` of ``/me?with_related_data`` (20- §2): the default of ``/me/time_entries``, the last
    nine days and the running entry, newest first."""
    del settings  # the entry object needs no public URL; the signature is shared by every resource
    found = time_entries.recent(db, actor, utcnow(), with_running=True)
    return entries_out(found.entries, found.tags)


def _alias(long: str, short: str) -> Any:
    """Both spellings accepted; the long name wins when both are sent (10- §3.2)."""
    return Field(None, validation_alias=AliasChoices(long, short))


class EntryIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    workspace_id: WireId | None = _alias("workspace_id", "wid")
    project_id: WireId | None = _alias("project_id", "pid")
    task_id: WireId | None = _alias("task_id", "tid")
    user_id: WireId | None = _alias("user_id", "uid")
    billable: StrictBool | None = None
    start: str | None = None
    stop: str | None = None
    duration: Seconds | None = None
    description: str | None = None
    #: Names; a non-string element reads "Invalid tags" (the service checks).
    tags: list[Any] | None = None
    tag_ids: list[WireId] | None = None
    tag_action: str | None = None


class EntryCreateIn(EntryIn):
    #: Any JSON value: the service makes every wrong one read "created_with is required".
    created_with: Any = None
    start_date: str | None = None


#: Keys whose explicit null clears (10- §2); every other null is ignored (V-14 for the description).
_CLEARABLE = ("project_id", "task_id")
_PLAIN = ("workspace_id", "project_id", "task_id", "user_id", "billable", "duration", "description", "tags",
          "tag_ids")


def instant(value: str | None, field: str, tz: tzinfo) -> datetime | None:
    """A body date-time (RFC 3339; without zone: the caller's); blank = None; malformed -> 400."""
    if value is None or not value.strip():
        return None
    try:
        return parse_ts(value, tz)
    except (ValueError, OverflowError):
        raise Invalid("invalid_field", field=field) from None


def _fields(data: EntryIn, tz: tzinfo) -> dict[str, Any]:
    """``TimeEntryChanges`` keyword arguments of what was sent, nulls dropped except the clearable ones."""
    sent = data.model_fields_set
    fields = {name: getattr(data, name) for name in _PLAIN
              if name in sent and (getattr(data, name) is not None or name in _CLEARABLE)}
    for name in ("start", "stop"):
        moment = instant(getattr(data, name), name, tz) if name in sent else None
        if moment is not None:
            fields[name] = moment
    return fields


def create_changes(data: EntryCreateIn, workspace_id: int, tz: tzinfo) -> TimeEntryChanges:
    """50- §3: the path's workspace (a different ``workspace_id`` is 400); ``start_date`` moves ``start``."""
    if data.workspace_id is not None and data.workspace_id != workspace_id:
        raise Invalid("workspace_id_mismatch")
    fields = _fields(data, tz)
    if data.start_date is not None and "start" in fields:
        fields["start"] = on_day(fields["start"], _day(data.start_date, "start_date"), tz)
    fields.update(workspace_id=workspace_id, created_with=data.created_with)
    return TimeEntryChanges(**fields)


def update_changes(data: EntryIn, tz: tzinfo) -> TimeEntryChanges:
    """50- §4: owner and ``created_with`` are ignored; ``tag_action`` absent = replace (V-15)."""
    fields = _fields(data, tz)
    fields.pop("user_id", None)
    action = data.tag_action
    if action is not None:
        # "delete" is the swagger's word for v8's "remove"; the service checks every other value.
        fields["tag_action"] = "remove" if action.strip().lower() == "delete" else action
    return TimeEntryChanges(**fields)


def _day(text: str, field: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise Invalid("invalid_field", field=field) from None


def on_day(instant_: datetime, day: date, tz: tzinfo) -> datetime:
    """``instant_`` moved to ``day``, keeping its time of day in ``tz``."""
    return datetime.combine(day, instant_.astimezone(tz).time(), tzinfo=tz).astimezone(UTC)


# -- bulk edit (50- §5) -----------------------------------------------------------------------------

_TAG_OPS = {"add": "add", "remove": "remove", "replace": None}


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_id(value: Any) -> bool:
    return _is_int(value) and value >= 1


def _time_step(name: str, value: Any, tz: tzinfo) -> TimeEntryChanges | None:
    """``/start`` or ``/stop``: a date keeps the entry's time of day (§5.1), else an RFC 3339 instant."""
    if not isinstance(value, str) or not value.strip():
        return None
    if len(value.strip()) == 10:
        try:
            day = date.fromisoformat(value.strip())
        except ValueError:
            return None
        return TimeEntryChanges(start_day=day) if name == "start" else TimeEntryChanges(stop_day=day)
    try:
        moment = parse_ts(value, tz)
    except (ValueError, OverflowError):
        return None
    return TimeEntryChanges(start=moment) if name == "start" else TimeEntryChanges(stop=moment)


def _step(op: Any, path: Any, value: Any, tz: tzinfo) -> TimeEntryChanges | None:
    """One operation as domain changes; None when the operation or its value is not supported."""
    name = path[1:] if isinstance(path, str) and path.startswith("/") else None
    if name in ("tags", "tag_ids") and op in _TAG_OPS and isinstance(value, list):
        ok = all(isinstance(v, str) for v in value) if name == "tags" else all(_is_id(v) for v in value)
        fields: dict[str, Any] = {name: value, "tag_action": _TAG_OPS[op]}
        return TimeEntryChanges(**fields) if ok else None
    if name in ("project_id", "task_id") and op == "remove":
        cleared: dict[str, Any] = {name: None}
        return TimeEntryChanges(**cleared)
    if op != "replace":
        return None
    if name in ("start", "stop"):
        return _time_step(name, value, tz)
    checks = {"description": lambda v: isinstance(v, str), "billable": lambda v: isinstance(v, bool),
              "project_id": _is_id, "task_id": _is_id, "user_id": _is_id, "duration": _is_int}
    check = checks.get(name or "")
    if not name or check is None or not check(value):
        return None
    replaced: dict[str, Any] = {name: value}
    return TimeEntryChanges(**replaced)


def patch_steps(document: list[Any], tz: tzinfo) -> list[TimeEntryChanges]:
    """The operations of a patch document in order; any unsupported one is 400 for the whole request."""
    steps: list[TimeEntryChanges] = []
    for index, item in enumerate(document):
        step = _step(item.get("op"), item.get("path"), item.get("value"), tz) if isinstance(item, dict) else None
        if step is None:
            raise Invalid("invalid_patch", index=index)
        steps.append(step)
    return steps


# -- query bounds -----------------------------------------------------------------------------------

def bound(value: str | None, name: str, tz: tzinfo, *, whole_day: bool = False) -> datetime | None:
    """A "date or RFC 3339" query value; with ``whole_day`` a date reads as the next midnight (V-23)."""
    moment = query_ts(value, name, tz)
    text = (value or "").strip()
    if moment is not None and whole_day and len(text) == 10:
        return query_ts((date.fromisoformat(text) + timedelta(days=1)).isoformat(), name, tz)
    return moment
