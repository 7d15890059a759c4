"""Import and export in the browser, for workspace admins: Settings → Import and Settings → Export.

The import page uploads Toggl Track's export files into the current workspace and shows what happened
(the same import as ``punchclock import toggl-export`` and ``POST /api/v9/workspaces/{id}/import``); the
export page offers the workspace ZIP and one CSV per year with entries, in the viewer's zone (the same
files as ``punchclock export``). A refused form is shown again with its message (status 200, as the other
settings pages: the browser logs a 4xx document as an error).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from punchclock.domain.errors import DomainError
from punchclock.http import transfer as work
from punchclock.http.v9 import errors as v9_errors
from punchclock.http.web.common import Viewer, WebRoute, page, signed_in
from punchclock.http.web.settings_forms import zones
from punchclock.models import Workspace
from punchclock.transfer import export
from punchclock.transfer.outcome import KINDS, Outcome

router = APIRouter(route_class=WebRoute, include_in_schema=False)


class WebUploadRoute(work.FormFirst, WebRoute):
    """The web app's route, with the upload spooled to disk instead of read into memory."""


uploads = APIRouter(route_class=WebUploadRoute, include_in_schema=False)

#: Rejections listed on the result page; the rest are counted ("… and N more").
SHOWN = 100
KIND_LABELS = {
    "workspaces": "Workspaces", "users": "Users", "members": "Members", "groups": "Groups", "clients": "Clients",
    "projects": "Projects", "project_users": "Project members", "tasks": "Tasks", "tags": "Tags",
    "time_entries": "Time entries",
}
NO_FILE = "Choose the workspace ZIP, one or more time-entry CSV files, or both."


def _form_page(request: Request, viewer: Viewer, *, values: dict[str, Any] | None = None,
               error: str = "") -> Response:
    values = values or {"timezone": viewer.user.timezone, "dry_run": False, "skip_rejected": False}
    # The list leaves out aliases such as Etc/UTC; a viewer's own zone is always offered (and preselected).
    choices = zones() if viewer.user.timezone in zones() else [viewer.user.timezone, *zones()]
    return page(request, "transfer/import.html", values=values, zones=choices, error=error,
                limit=work.size_text(work.upload_limit(request.app.state.settings)))


@router.get("/settings/import")
async def import_form(request: Request) -> Response:
    return _form_page(request, await signed_in(request, admin=True))


@uploads.post("/settings/import")
async def import_files(request: Request) -> Response:
    viewer = await signed_in(request, admin=True)
    form = await request.form()  # already read by the route class
    zone_field = form.get("timezone")
    values: dict[str, Any] = {"timezone": zone_field.strip() if isinstance(zone_field, str) else "",
              "dry_run": form.get("dry_run") is not None, "skip_rejected": form.get("skip_rejected") is not None}
    try:
        upload = work.uploaded(form)
        zone = work.zone_of(values["timezone"], viewer.user.timezone)
        options = work.import_options(dry_run=work.form_flag(form, "dry_run"),
                                      skip_rejected=work.form_flag(form, "skip_rejected"))
    except DomainError as err:
        return _form_page(request, viewer, values=values, error=v9_errors.render(err)[1])
    if upload.empty:
        return _form_page(request, viewer, values=values, error=NO_FILE)
    outcome, written = await work.run_import(viewer.db, upload, workspace_id=viewer.workspace_id, timezone=zone,
                                             options=options)
    return page(request, "transfer/result.html", **_result(outcome, written, viewer.workspace_name, zone))


def _result(outcome: Outcome, written: bool, workspace_name: str, zone: str) -> dict[str, Any]:
    """The result page's figures: the headline, the counts per kind, the first rejections."""
    total = max(outcome.rejected_total, len(outcome.rejections))
    lines = f"{total} line{'' if total == 1 else 's'}"
    if outcome.dry_run:
        headline = "Dry run: nothing was written"
    elif written:
        headline = f"Imported into {workspace_name}"
    else:
        headline = f"Nothing was written: {lines} rejected"
    shown = outcome.rejections[:SHOWN]
    return {"headline": headline, "written": written, "dry_run": outcome.dry_run, "zone": zone,
            "counts": [(KIND_LABELS[kind], outcome.counts[kind]) for kind in KINDS],
            "rejections": shown, "rejected_total": total, "more": total - len(shown), "lines": lines}


@router.get("/settings/export")
async def export_page(request: Request) -> Response:
    viewer = await signed_in(request, admin=True)
    zone, wid = viewer.user.timezone, viewer.workspace_id
    years = [(year, export.count_entries(viewer.db, wid, year, zone), export.entries_file_name(year))
             for year in export.entry_years(viewer.db, wid, zone)]
    archive = export.archive_file_name(viewer.db.get_one(Workspace, wid))
    return page(request, "transfer/export.html", years=years, zone=zone, archive=archive)


@router.get("/settings/export/workspace.zip")
async def download_archive(request: Request) -> Response:
    viewer = await signed_in(request, admin=True)
    wid = viewer.workspace_id
    name = export.archive_file_name(viewer.db.get_one(Workspace, wid))
    return work.spooled_download(request, lambda db, out: export.write_archive(db, wid, out), work.ZIP_TYPE, name)


@router.get("/settings/export/time_entries/{year}.csv")
async def download_entries(request: Request, year: str) -> Response:
    """One year's entries in the viewer's zone (the export page lists the years that hold some)."""
    viewer = await signed_in(request, admin=True)
    wid, number, zone = viewer.workspace_id, work.year_of(year), viewer.user.timezone
    return work.spooled_download(request, lambda db, out: export.write_entries_csv(db, wid, number, zone, out),
                                 work.CSV_TYPE, export.entries_file_name(number))
