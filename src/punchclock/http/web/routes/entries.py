"""The timer and the entries list (``/timer``): start, stop, continue; add, edit, delete and undo.

Every change goes through ``punchclock.domain.time_entries`` as API v9's do. Forms answer a 303 back to
the page; the page's scripts (``Accept: application/json``) get the entry's new texts and totals.
The list shows the viewer's own stopped entries of the current workspace; the running one is the timer.
"""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request, Response

from punchclock.domain import time_entries
from punchclock.domain.errors import Conflict, Invalid, NotFound
from punchclock.domain.time_entries import TimeEntryChanges, web_listing
from punchclock.domain.time_entries.meta import related
from punchclock.domain.time_entries.restore import restore
from punchclock.domain.time_entries.web_listing import ListedEntry
from punchclock.http import wire
from punchclock.http.web import entries_forms, entries_view
from punchclock.http.web.common import Form, Viewer, WebRoute, back_to, page, see_other, signed_in, wants_json
from punchclock.models._common import utcnow

router = APIRouter(route_class=WebRoute, include_in_schema=False)


def _cursor(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid("invalid_field", field="before") from None


def _running(viewer: Viewer) -> dict[str, object] | None:
    """The viewer's running entry as the timer shows it (names and tags included), or None."""
    entry = time_entries.current(viewer.db, viewer.actor)
    if entry is None:
        return None
    names = time_entries.tag_names(viewer.db, [entry.id])[entry.id]
    found = related(viewer.db, [entry])[entry.id]
    project = "" if found.project_name is None else found.project_name + (
        f" · {found.client_name}" if found.client_name else "")
    elapsed = max(0, int((utcnow() - entry.start).total_seconds()))
    listed = web_listing.entry(viewer.db, viewer.actor, viewer.workspace_id, entry.id, running=True)
    return {"entry": entry, "listed": listed, "tags": names, "project": project, "color": found.project_color,
            "elapsed": elapsed, "start_epoch": int(entry.start.timestamp())}


@router.get("/timer")
async def timer_page(request: Request, before: str | None = None, deleted: str | None = None) -> Response:
    viewer = await signed_in(request)
    cursor = _cursor(before)
    found = web_listing.page(viewer.db, viewer.actor, viewer.workspace_id, cursor)
    choices = web_listing.choices(viewer.db, viewer.actor, viewer.workspace_id)
    return page(request, "entries/timer.html", viewer=viewer, running=_running(viewer), cursor=cursor,
                weeks=entries_view.weeks(found, viewer), older=found.older, tags=found.tags,
                choices=choices, opts=entries_view.PickerOptions(choices),
                deleted=int(deleted) if deleted and deleted.isdigit() else None,
                today=utcnow().astimezone(viewer.actor.tz).date().isoformat(),
                show_range=entries_view.time_range, project_label=entries_view.project_label,
                shown_fields=entries_forms.shown_fields)


def _done(request: Request, message: str, target: str | None = None) -> Response:
    if wants_json(request):
        return wire.json_response({"ok": message})
    return see_other(request, target or back_to(request, "/timer"), ok=message)


@router.post("/timer/start")
async def start_timer(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await Form.read(request)
    time_entries.create(viewer.db, viewer.actor, entries_forms.start_changes(form, viewer), start_now=True)
    return _done(request, "Timer started.", "/timer")


@router.post("/timer/stop")
async def stop_timer(request: Request) -> Response:
    viewer = await signed_in(request)
    entry = time_entries.current(viewer.db, viewer.actor)
    if entry is None:
        raise Conflict("time_entry_already_stopped")
    time_entries.stop(viewer.db, viewer.actor, entry.id)
    return _done(request, "Timer stopped.", "/timer")


def _own_entry(viewer: Viewer, entry_id: int, *, running: bool = False) -> ListedEntry:
    """One of the viewer's stopped entries (or the running one) in the current workspace; else a 404."""
    entry = web_listing.entry(viewer.db, viewer.actor, viewer.workspace_id, entry_id, running=running)
    if entry is None:
        raise NotFound("time_entry_not_found")
    return entry


@router.post("/entries/{entry_id}/continue")
async def continue_entry(request: Request, entry_id: int) -> Response:
    viewer = await signed_in(request)
    entry = _own_entry(viewer, entry_id)
    names = time_entries.tag_names(viewer.db, [entry.id])[entry.id]
    changes = TimeEntryChanges(
        workspace_id=viewer.workspace_id, description=entry.description, project_id=entry.project_id,
        task_id=entry.task_id, tags=names, billable=entry.billable, created_with=entries_forms.CREATED_WITH)
    time_entries.create(viewer.db, viewer.actor, changes, start_now=True)
    return _done(request, "Timer started.", "/timer")


@router.post("/entries")
async def add_entry(request: Request) -> Response:
    viewer = await signed_in(request)
    form = await Form.read(request)
    time_entries.create(viewer.db, viewer.actor, entries_forms.new_entry_changes(form, viewer))
    return _done(request, "Time entry added.", "/timer")


@router.post("/entries/{entry_id}")
async def edit_entry(request: Request, entry_id: int) -> Response:
    viewer = await signed_in(request)
    before = _own_entry(viewer, entry_id, running=True)
    form = await Form.read(request)
    saved = time_entries.update(viewer.db, viewer.actor, entry_id, entries_forms.edit_changes(form, before, viewer),
                                workspace_id=viewer.workspace_id)
    if not wants_json(request):
        return see_other(request, back_to(request, "/timer"), ok="Time entry saved.")
    after = _own_entry(viewer, entry_id, running=True)
    tz = viewer.actor.tz
    days = sorted({before.start.astimezone(tz).date(), after.start.astimezone(tz).date()})
    return wire.json_response({"entry": entries_view.entry_json(after, saved.tags, viewer),
                               **entries_view.totals_json(viewer, days)})


@router.post("/entries/{entry_id}/delete")
async def delete_entry(request: Request, entry_id: int) -> Response:
    viewer = await signed_in(request)
    entry = _own_entry(viewer, entry_id)
    time_entries.delete(viewer.db, viewer.actor, entry_id, workspace_id=viewer.workspace_id)
    if wants_json(request):
        day = entry.start.astimezone(viewer.actor.tz).date()
        return wire.json_response({"ok": "Time entry deleted.", "id": entry_id,
                                   **entries_view.totals_json(viewer, [day])})
    return see_other(request, f"/timer?deleted={entry_id}")


@router.post("/entries/{entry_id}/restore")
async def restore_entry(request: Request, entry_id: int) -> Response:
    viewer = await signed_in(request)
    restore(viewer.db, viewer.actor, entry_id, workspace_id=viewer.workspace_id)
    return _done(request, "Time entry restored.", "/timer")
