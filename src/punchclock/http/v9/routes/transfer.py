"""Import and export of a workspace for automation: punchclock extensions below ``/api/v9``.

Toggl Track's own exports are asynchronous jobs; these answer at once, in the layout of its export files:
``POST …/import`` takes the workspace ZIP and the time-entry CSVs (as ``punchclock import toggl-export``),
``GET …/export`` answers the ZIP and ``GET …/export/time_entries/{year}.csv`` one year's CSV (as
``punchclock export``). Workspace admins only.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from punchclock.domain import access
from punchclock.domain.actor import Actor
from punchclock.http import transfer as work
from punchclock.http.routing import V9Route
from punchclock.http.v8.docs.ops import op
from punchclock.http.v8.docs.params import WorkspaceId
from punchclock.http.v9 import params
from punchclock.http.v9.deps import caller
from punchclock.http.v9.docs.transfer import CSV_ANSWER, IMPORT_BODY, ZIP_ANSWER, Timezone, V9ImportOutcome, Year
from punchclock.http.wire import json_response
from punchclock.models import Workspace
from punchclock.transfer import export

router = APIRouter(route_class=V9Route, tags=["v9 import and export"])


class V9UploadRoute(work.FormFirst, V9Route):
    """v9 errors; the multipart body spooled to disk instead of read into memory."""


uploads = APIRouter(route_class=V9UploadRoute, tags=["v9 import and export"])

NO_FILE = "No file to import: send `workspace` (the workspace ZIP) and/or `time_entries` (CSV files)"


async def _admin(request: Request, workspace_id: str) -> tuple[Actor, Session, int]:
    wid = params.path_id(workspace_id)
    actor, db = await caller(request)
    access.require_admin(actor, wid)  # another workspace: 403 "Workspace not found/accessible"
    return actor, db, wid


@uploads.post(
    "/workspaces/{workspace_id}/import",
    summary="Import Toggl Track export files (a punchclock extension)",
    description="Multipart form: `workspace` (the ZIP), `time_entries` (CSV files), `timezone`, `dry_run`, "
                "`skip_rejected`. The import is one transaction. 200: written, or a dry run. When lines are "
                "rejected (and not `skip_rejected`) nothing is written and the answer is 400 with the same "
                "object, listing every rejected line. The server's upload limit applies "
                "(`PUNCHCLOCK_MAX_UPLOAD_BYTES`, 256 MiB by default; a larger body is a 400).",
    openapi_extra=IMPORT_BODY, **op(V9ImportOutcome))
async def import_files(workspace_id: WorkspaceId, request: Request) -> Response:
    actor, db, wid = await _admin(request, workspace_id)
    form = await request.form()  # already read by the route class
    upload = work.uploaded(form)
    if upload.empty:
        return json_response(NO_FILE, status_code=400)
    zone_field = form.get("timezone")
    zone = work.zone_of(zone_field if isinstance(zone_field, str) else None, actor.user.timezone)
    options = work.import_options(dry_run=work.form_flag(form, "dry_run"),
                                  skip_rejected=work.form_flag(form, "skip_rejected"))
    outcome, written = await work.run_import(db, upload, workspace_id=wid, timezone=zone,
                                             options=options)
    return json_response(outcome.as_dict(), status_code=200 if written or outcome.dry_run else 400)


@router.get("/workspaces/{workspace_id}/export",
            summary="Export a workspace as Toggl Track's workspace ZIP (a punchclock extension)",
            description="Clients, projects, tags, members, groups, project users, tasks and settings: the "
                        "files of Toggl Track's \"Export workspace data\". Time entries are per year, below.",
            responses=ZIP_ANSWER)
async def export_workspace(workspace_id: WorkspaceId, request: Request) -> Response:
    _, db, wid = await _admin(request, workspace_id)
    workspace = db.get_one(Workspace, wid)
    return work.spooled_download(request, lambda db, out: export.write_archive(db, wid, out), work.ZIP_TYPE,
                                 export.archive_file_name(workspace))


@router.get("/workspaces/{workspace_id}/export/time_entries/{year}.csv",
            summary="Export a year's time entries as Toggl Track's CSV (a punchclock extension)",
            description="Every member's stopped entries that start in the year, in `timezone`, ordered by "
                        "start: the columns of Toggl Track's \"Export time entries\".",
            responses=CSV_ANSWER)
async def export_entries(workspace_id: WorkspaceId, year: Year, request: Request, timezone: Timezone = None
                         ) -> Response:
    actor, _, wid = await _admin(request, workspace_id)
    number = work.year_of(year)
    zone = work.zone_of(request.query_params.get("timezone"), actor.user.timezone)
    return work.spooled_download(
        request, lambda db, out: export.write_entries_csv(db, wid, number, zone, out), work.CSV_TYPE,
        export.entries_file_name(number))
