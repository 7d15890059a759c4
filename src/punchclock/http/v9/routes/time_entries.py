"""API v9 time entries (50-): the caller's entries under ``/me``, writes under ``/workspaces/{id}``.

A hot path: handlers take the caller and session from ``deps.caller``/``member`` (no FastAPI dependency)
and render Core rows (``EntryStamps``) straight into dicts. Fixed paths come before ``{id}`` paths.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from punchclock.domain import time_entries
from punchclock.domain.actor import Actor
from punchclock.domain.time_entries import EntryFilter, EntryStamps, Saved, stamps
from punchclock.domain.time_entries.meta import related
from punchclock.http.routing import V9Route
from punchclock.http.v8.docs.ops import op
from punchclock.http.v8.docs.params import TimeEntryId, WorkspaceId
from punchclock.http.v9 import errors, params
from punchclock.http.v9.deps import body_array, body_object, caller, member, parse
from punchclock.http.v9.docs.time_entries import (
    LIST_PARAMS,
    META,
    TIME_ENTRY_ID,
    WORKSPACE_ID,
    Entry,
    IncludeSharing,
    Meta,
    TimeEntryIds,
    V9TimeEntryCreate,
    V9TimeEntryPatch,
    V9TimeEntryPatchResult,
    V9TimeEntryUpdate,
    with_params,
)
from punchclock.http.v9.schemas.time_entries import (
    EntryCreateIn,
    EntryIn,
    bound,
    create_changes,
    entries_out,
    entry_out,
    patch_steps,
    saved_out,
    update_changes,
    with_meta,
)
from punchclock.http.wire import NO_STORE, json_response
from punchclock.models._common import utcnow

router = APIRouter(route_class=V9Route, tags=["v9 time entries"])

#: Default window of ``GET /me/time_entries`` (v8 §9).
WINDOW = timedelta(days=time_entries.RECENT_DAYS)


def _meta(request: Request, db: Session, entries: list[EntryStamps], out: list[dict[str, Any]]) -> None:
    """Add the ``meta=true`` extras to rendered entries, in place."""
    found = related(db, entries)
    public_url = request.app.state.settings.public_url
    for e, rendered in zip(entries, out, strict=True):
        with_meta(rendered, found[e[0]], public_url)


def _wants_meta(request: Request) -> bool:
    """``meta=true``; a bad value is 400. Most requests have no query string at all: skip parsing it."""
    return bool(request.scope["query_string"]) and bool(params.flag(request, "meta"))


def _answer(request: Request, db: Session, entries: list[EntryStamps], out: list[dict[str, Any]]) -> Response:
    if _wants_meta(request) and out:
        _meta(request, db, entries, out)
    return json_response(out)


def _one(request: Request, db: Session, entry: EntryStamps, rendered: dict[str, Any]) -> Response:
    if _wants_meta(request):
        _meta(request, db, [entry], [rendered])
    return json_response(rendered)


def _saved(request: Request, db: Session, saved: Saved) -> Response:
    return _one(request, db, stamps(saved.entry), saved_out(saved))


def _filter(request: Request, actor: Actor) -> EntryFilter:
    """50- §2.1: all given filters together; without any, the last 9 days plus the running entry."""
    tz = actor.tz
    changed = params.since(request)
    lower = bound(request.query_params.get("start_date"), "start_date", tz)
    uppers = [u for u in (bound(request.query_params.get("before"), "before", tz),
                          bound(request.query_params.get("end_date"), "end_date", tz, whole_day=True))
              if u is not None]
    upper: datetime | None = min(uppers) if uppers else None
    if changed is not None:
        return EntryFilter(lower, upper, changed)
    if upper is None:
        upper = utcnow() + timedelta(seconds=1)  # an entry started during this second has started
    return EntryFilter(upper - WINDOW if lower is None else lower, upper,
                       with_running=lower is None and not uppers)


@router.get("/me/time_entries", summary="The caller's time entries, newest first",
            **with_params(op(list[Entry]), *LIST_PARAMS))
async def my_time_entries(request: Request) -> Response:
    actor, db = await caller(request)
    found = time_entries.list_filtered(db, actor, _filter(request, actor))
    return _answer(request, db, found.entries, entries_out(found.entries, found.tags))


@router.get("/me/time_entries/current", summary="The caller's running time entry, or null",
            **op(Entry | None))
async def current_time_entry(request: Request, meta: Meta = None) -> Response:
    actor, db = await caller(request)
    entry = time_entries.current(db, actor)
    if entry is None:
        _wants_meta(request)
        return json_response(None)
    row = stamps(entry)
    return _one(request, db, row, entry_out(row, time_entries.tag_pairs(db, [entry.id])[entry.id]))


@router.get("/me/time_entries/{time_entry_id}", summary="A time entry (deleted ones too)", **op(Entry))
async def get_time_entry(time_entry_id: TimeEntryId, request: Request, meta: Meta = None,
                         include_sharing: IncludeSharing = None) -> Response:
    actor, db = await caller(request)
    entry = time_entries.get(db, actor, params.path_id(time_entry_id), with_deleted=True)
    row = stamps(entry)
    return _one(request, db, row, entry_out(row, time_entries.tag_pairs(db, [entry.id])[entry.id]))


@router.post("/workspaces/{workspace_id}/time_entries", summary="Create a time entry",
             **with_params(op(Entry, V9TimeEntryCreate), WORKSPACE_ID, META))
async def create_time_entry(request: Request) -> Response:
    wid = params.path_id(request.path_params["workspace_id"])
    actor, db = await member(request, wid)
    data = parse(await body_object(request), EntryCreateIn)
    return _saved(request, db, time_entries.create(db, actor, create_changes(data, wid, actor.tz)))


@router.patch("/workspaces/{workspace_id}/time_entries/{time_entry_id}/stop", summary="Stop a running time entry",
              **with_params(op(Entry), WORKSPACE_ID, TIME_ENTRY_ID, META))
async def stop_time_entry(request: Request) -> Response:
    path = request.path_params
    wid, entry_id = params.path_id(path["workspace_id"]), params.path_id(path["time_entry_id"])
    actor, db = await member(request, wid)
    return _saved(request, db, time_entries.stop(db, actor, entry_id, workspace_id=wid, must_run=True))


@router.put("/workspaces/{workspace_id}/time_entries/{time_entry_id}", summary="Update a time entry",
            **op(Entry, V9TimeEntryUpdate))
async def update_time_entry(workspace_id: WorkspaceId, time_entry_id: TimeEntryId, request: Request,
                            meta: Meta = None) -> Response:
    wid, entry_id = params.path_id(workspace_id), params.path_id(time_entry_id)
    actor, db = await member(request, wid)
    changes = update_changes(parse(await body_object(request), EntryIn), actor.tz)
    return _saved(request, db, time_entries.update(db, actor, entry_id, changes, workspace_id=wid))


@router.patch("/workspaces/{workspace_id}/time_entries/{time_entry_ids}", summary="Edit time entries (RFC 6902)",
              **op(V9TimeEntryPatchResult, V9TimeEntryPatch))
async def patch_time_entries(workspace_id: WorkspaceId, time_entry_ids: TimeEntryIds, request: Request
                             ) -> Response:
    wid, ids = params.path_id(workspace_id), params.path_ids(time_entry_ids)
    actor, db = await member(request, wid)
    steps = patch_steps(await body_array(request), actor.tz)
    results = time_entries.update_each(db, actor, wid, ids, steps)
    return json_response({
        "success": [i for i, err in results if err is None],
        "failure": [{"id": i, "message": errors.render(err)[1]} for i, err in results if err is not None],
    })


@router.delete("/workspaces/{workspace_id}/time_entries/{time_entry_id}", summary="Delete a time entry",
               **op(schema={}, description="Empty body"))
async def delete_time_entry(workspace_id: WorkspaceId, time_entry_id: TimeEntryId, request: Request) -> Response:
    wid, entry_id = params.path_id(workspace_id), params.path_id(time_entry_id)
    actor, db = await member(request, wid)
    time_entries.delete(db, actor, entry_id, workspace_id=wid)
    return Response(status_code=200, headers=NO_STORE)
