"""``/time_entries`` (40-time-entries). Fixed paths are registered before the ``/{id}`` routes.

A hot path: handlers take the caller and session from ``deps.caller`` (no FastAPI dependency).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import tzinfo

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from punchclock.domain import time_entries
from punchclock.domain.inputs import UNSET
from punchclock.domain.time_entries import EntryRow, Saved
from punchclock.http.routing import V8Route
from punchclock.http.v8 import params
from punchclock.http.v8.deps import caller, json_body
from punchclock.http.v8.docs import answers, bodies, objects
from punchclock.http.v8.docs.ops import DELETED, op
from punchclock.http.v8.docs.params import ChangedAt, EndDate, StartDate, TimeEntryId, TimeEntryIds
from punchclock.http.v8.schemas.time_entries import (
    TimeEntryIn,
    query_ts,
    time_entries_wire,
    time_entry_wire,
    to_changes,
)
from punchclock.http.wire import json_response

router = APIRouter(route_class=V8Route, tags=["time_entries"])

WRAPPER = "time_entry"


def _one(saved: Saved, tz: tzinfo) -> dict[str, object]:
    return {"data": time_entry_wire(saved.entry, saved.tags, tz)}


def _with_tags(db: Session, entry: EntryRow, tz: tzinfo, *, deleted: bool = False) -> dict[str, object]:
    return time_entry_wire(entry, time_entries.tag_names(db, [entry.id])[entry.id], tz, deleted=deleted)


@router.post("/time_entries", summary="Create a time entry",
             **op(answers.V8TimeEntryData, bodies.TimeEntryCreate))
async def create_time_entry(request: Request) -> Response:
    actor, db = await caller(request)
    body = await json_body(request)
    data, _ = params.unwrap(body, WRAPPER, TimeEntryIn)
    return json_response(_one(time_entries.create(db, actor, to_changes(data, actor.tz)), actor.tz))


@router.post("/time_entries/start", summary="Start a time entry",
             **op(answers.V8TimeEntryData, bodies.TimeEntryStart))
async def start_time_entry(request: Request) -> Response:
    actor, db = await caller(request)
    body = await json_body(request)
    data, _ = params.unwrap(body, WRAPPER, TimeEntryIn)
    changes = replace(to_changes(data, actor.tz), start=UNSET, stop=UNSET, duration=UNSET)  # O-49
    return json_response(_one(time_entries.create(db, actor, changes, start_now=True), actor.tz))


# POST is a compatibility alias (old TogglPy versions; O-74).
@router.get("/time_entries/current", summary="The running time entry", **op(answers.V8CurrentTimeEntry))
@router.post("/time_entries/current", operation_id="current_time_entry_post_alias",
             summary="The running time entry (POST alias)", **op(answers.V8CurrentTimeEntry))
async def current_time_entry(request: Request) -> Response:
    actor, db = await caller(request)
    entry = time_entries.current(db, actor)
    return json_response({"data": None if entry is None else _with_tags(db, entry, actor.tz)})


@router.get("/time_entries", summary="The caller's time entries in a date range", **op(list[objects.V8TimeEntry]))
async def list_time_entries(
    request: Request,
    start_date: StartDate = None,
    end_date: EndDate = None,
    at: ChangedAt = None,
) -> Response:
    actor, db = await caller(request)
    start = query_ts(start_date, "start_date", actor.tz)
    end = query_ts(end_date, "end_date", actor.tz)
    changed_after = query_ts(at, "at", actor.tz)
    listing = time_entries.list_range(db, actor, start, end, changed_after=changed_after)
    return json_response(time_entries_wire(listing.entries, listing.tag_names, actor.tz))


# No body is needed and any body is ignored (00-conventions §2.1); POST is an alias (O-74).
@router.put("/time_entries/{time_entry_id}/stop", summary="Stop a running time entry",
            **op(answers.V8TimeEntryData))
@router.post("/time_entries/{time_entry_id}/stop", operation_id="stop_time_entry_post_alias",
             summary="Stop a running time entry (POST alias)", **op(answers.V8TimeEntryData))
async def stop_time_entry(time_entry_id: TimeEntryId, request: Request) -> Response:
    actor, db = await caller(request)
    return json_response(_one(time_entries.stop(db, actor, params.single_id(time_entry_id)), actor.tz))


@router.get("/time_entries/{time_entry_id}", summary="Get a time entry (deleted ones too)",
            **op(answers.V8TimeEntryData))
async def get_time_entry(time_entry_id: TimeEntryId, request: Request) -> Response:
    actor, db = await caller(request)
    entry = time_entries.get(db, actor, params.single_id(time_entry_id), with_deleted=True)
    return json_response({"data": _with_tags(db, entry, actor.tz, deleted=True)})


@router.put("/time_entries/{time_entry_ids}", summary="Update time entries",
            **op(answers.V8TimeEntriesData, bodies.TimeEntryUpdate))
async def update_time_entries(time_entry_ids: TimeEntryIds, request: Request) -> Response:
    actor, db = await caller(request)
    body = await json_body(request)
    ids, is_list = params.parse_ids(time_entry_ids)
    data, _ = params.unwrap(body, WRAPPER, TimeEntryIn)
    # The owner cannot change (O-17); neither can created_with and guid.
    changes = replace(to_changes(data, actor.tz), user_id=UNSET, created_with=UNSET, guid=UNSET)
    if is_list:
        saved = time_entries.update_many(db, actor, ids, changes)
        return json_response({"data": [time_entry_wire(s.entry, s.tags, actor.tz) for s in saved]})
    return json_response(_one(time_entries.update(db, actor, ids[0], changes), actor.tz))


@router.delete("/time_entries/{time_entry_id}", summary="Delete a time entry", **op(**DELETED))
async def delete_time_entry(time_entry_id: TimeEntryId, request: Request) -> Response:
    actor, db = await caller(request)
    return json_response([time_entries.delete(db, actor, params.single_id(time_entry_id))])
