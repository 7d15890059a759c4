"""``/time_entries`` (40-time-entries). Fixed paths are registered before the ``/{id}`` routes."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from punchclock.domain import time_entries
from punchclock.domain.actor import Actor
from punchclock.http.routing import V8Route
from punchclock.http.v8 import params
from punchclock.http.v8.deps import Body, CurrentActor, DbSession
from punchclock.http.v8.docs import answers, bodies, objects
from punchclock.http.v8.docs.ops import DELETED, op
from punchclock.http.v8.docs.params import ChangedAt, EndDate, StartDate, TimeEntryId, TimeEntryIds
from punchclock.http.v8.schemas.time_entries import TimeEntryIn, query_ts, time_entry_out, to_changes
from punchclock.http.wire import json_response
from punchclock.models import TimeEntry

router = APIRouter(route_class=V8Route, tags=["time_entries"])

WRAPPER = "time_entry"


def _one(db: Session, actor: Actor, entry: TimeEntry, *, deleted: bool = False) -> dict[str, object]:
    return time_entry_out(entry, time_entries.tag_names(db, [entry.id])[entry.id], actor.tz, deleted=deleted)


def _many(db: Session, actor: Actor, entries: list[TimeEntry] | tuple[TimeEntry, ...]) -> list[dict[str, object]]:
    names = time_entries.tag_names(db, [e.id for e in entries])
    return [time_entry_out(e, names[e.id], actor.tz) for e in entries]


@router.post("/time_entries", summary="Create a time entry",
             **op(answers.V8TimeEntryData, bodies.TimeEntryCreate))
async def create_time_entry(actor: CurrentActor, db: DbSession, body: Body) -> Response:
    data, _ = params.unwrap(body, WRAPPER, TimeEntryIn)
    entry = time_entries.create(db, actor, to_changes(data, actor.tz))
    return json_response({"data": _one(db, actor, entry)})


@router.post("/time_entries/start", summary="Start a time entry",
             **op(answers.V8TimeEntryData, bodies.TimeEntryStart))
async def start_time_entry(actor: CurrentActor, db: DbSession, body: Body) -> Response:
    data, _ = params.unwrap(body, WRAPPER, TimeEntryIn)
    changes = to_changes(data, actor.tz)
    for ignored in ("start", "stop", "duration"):  # O-49
        changes.pop(ignored, None)
    entry = time_entries.create(db, actor, changes, start_now=True)
    return json_response({"data": _one(db, actor, entry)})


# POST is a compatibility alias (old TogglPy versions; O-74).
@router.get("/time_entries/current", summary="The running time entry", **op(answers.V8CurrentTimeEntry))
@router.post("/time_entries/current", operation_id="current_time_entry_post_alias",
             summary="The running time entry (POST alias)", **op(answers.V8CurrentTimeEntry))
async def current_time_entry(actor: CurrentActor, db: DbSession) -> Response:
    entry = time_entries.current(db, actor)
    return json_response({"data": None if entry is None else _one(db, actor, entry)})


@router.get("/time_entries", summary="The caller's time entries in a date range", **op(list[objects.V8TimeEntry]))
async def list_time_entries(
    actor: CurrentActor,
    db: DbSession,
    start_date: StartDate = None,
    end_date: EndDate = None,
    at: ChangedAt = None,
) -> Response:
    start = query_ts(start_date, "start_date", actor.tz)
    end = query_ts(end_date, "end_date", actor.tz)
    changed_after = query_ts(at, "at", actor.tz)
    entries = time_entries.list_range(db, actor, start, end, changed_after=changed_after)
    return json_response(_many(db, actor, list(entries)))


# No body is needed and any body is ignored (00-conventions §2.1); POST is an alias (O-74).
@router.put("/time_entries/{time_entry_id}/stop", summary="Stop a running time entry",
            **op(answers.V8TimeEntryData))
@router.post("/time_entries/{time_entry_id}/stop", operation_id="stop_time_entry_post_alias",
             summary="Stop a running time entry (POST alias)", **op(answers.V8TimeEntryData))
async def stop_time_entry(time_entry_id: TimeEntryId, actor: CurrentActor, db: DbSession) -> Response:
    entry = time_entries.stop(db, actor, params.single_id(time_entry_id))
    return json_response({"data": _one(db, actor, entry)})


@router.get("/time_entries/{time_entry_id}", summary="Get a time entry (deleted ones too)",
            **op(answers.V8TimeEntryData))
async def get_time_entry(time_entry_id: TimeEntryId, actor: CurrentActor, db: DbSession) -> Response:
    entry = time_entries.get(db, actor, params.single_id(time_entry_id), with_deleted=True)
    return json_response({"data": _one(db, actor, entry, deleted=True)})


@router.put("/time_entries/{time_entry_ids}", summary="Update time entries",
            **op(answers.V8TimeEntriesData, bodies.TimeEntryUpdate))
async def update_time_entries(time_entry_ids: TimeEntryIds, actor: CurrentActor, db: DbSession, body: Body) -> Response:
    ids, is_list = params.parse_ids(time_entry_ids)
    data, _ = params.unwrap(body, WRAPPER, TimeEntryIn)
    changes = to_changes(data, actor.tz)
    changes.pop("user_id", None)  # the owner cannot change (O-17)
    changes.pop("created_with", None)
    changes.pop("guid", None)
    if is_list:
        entries = time_entries.update_many(db, actor, ids, changes)
        return json_response({"data": _many(db, actor, entries)})
    entry = time_entries.update(db, actor, ids[0], changes)
    return json_response({"data": _one(db, actor, entry)})


@router.delete("/time_entries/{time_entry_id}", summary="Delete a time entry", **op(**DELETED))
async def delete_time_entry(time_entry_id: TimeEntryId, actor: CurrentActor, db: DbSession) -> Response:
    return json_response([time_entries.delete(db, actor, params.single_id(time_entry_id))])
