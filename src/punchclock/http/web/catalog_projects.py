"""The projects pages: the workspace's list (filter, page, create) and one project (edit, archive, delete).

Reads go through ``project_lists`` (visibility, client names and tracked time in one statement), writes
through ``projects`` with its input dataclasses, as API v9 does; tasks and members are in their own modules.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from fastapi import APIRouter, Request, Response

from punchclock.domain import access, clients, project_lists, project_users, projects
from punchclock.domain.colors import PALETTE, project_hex
from punchclock.domain.errors import NotFound
from punchclock.domain.project_lists import ProjectListRow, ProjectQuery
from punchclock.domain.projects import ProjectChanges, ProjectCreate
from punchclock.http.web import catalog_forms as forms
from punchclock.http.web import catalog_members, catalog_tasks
from punchclock.http.web.catalog_forms import CatalogRoute
from punchclock.http.web.common import Form, Viewer, back_to, see_other, signed_in
from punchclock.http.web.common import page as render
from punchclock.models import Workspace

router = APIRouter(route_class=CatalogRoute, include_in_schema=False)
PER_PAGE = 50


def visible_project(viewer: Viewer, project_id: int) -> ProjectListRow:
    """A live project of the current workspace the viewer can see; any other id is unknown (404)."""
    row = project_lists.read(viewer.db, viewer.actor, project_id, project_lists.today_of(viewer.actor))
    if row.workspace_id != viewer.workspace_id:
        raise NotFound("project_not_found")
    return row


def _client_options(viewer: Viewer, current: int | None = None) -> list[clients.ClientRow]:
    """The active clients, and the project's own even when archived (saving the form must not drop it)."""
    rows = clients.list_filtered(viewer.db, viewer.actor, viewer.workspace_id, archived=None, name=None)
    return [c for c in rows if not c.archived or c.id == current]


def _may_create(viewer: Viewer, ws: Workspace) -> bool:
    return viewer.is_admin or not ws.only_admins_may_create_projects


@router.get("/projects")
async def projects_page(request: Request, status: str = "active", q: str = "", page: int = 1) -> Response:
    viewer = await signed_in(request)
    ws, status, number = forms.workspace(viewer), forms.status_of(status), max(page, 1)
    query = ProjectQuery(today=project_lists.today_of(viewer.actor), workspace_id=viewer.workspace_id,
                         active=forms.ACTIVE[status], name=q.strip() or None, sort_field="name",
                         limit=PER_PAGE + 1, offset=(number - 1) * PER_PAGE)
    rows = project_lists.select_rows(viewer.db, viewer.actor, query)
    shown = rows[:PER_PAGE]
    members = project_users.list_rows(viewer.db, viewer.actor, viewer.workspace_id, [r.id for r in shown])
    managed = {r.id for r in shown} if viewer.is_admin else {
        m.project_id for m in members if m.user_id == viewer.actor.id and m.manager}
    return render(request, "catalog/projects.html", rows=shown, more=len(rows) > PER_PAGE, number=number,
                  status=status, q=q.strip(), counts=Counter(m.project_id for m in members), managed=managed,
                  clients=_client_options(viewer), ws=ws, may_create=_may_create(viewer, ws), palette=PALETTE,
                  show_rates=access.views(viewer.db, viewer.actor)[ws.id].show_rates, hex=project_hex)


def _fields(viewer: Viewer, ws: Workspace, form: Form) -> dict[str, Any]:
    """The project form's fields as ``ProjectChanges`` keywords: premium ones on premium workspaces, rates
    from admins only (the form shows them to admins only)."""
    palette, exact = forms.color(form)
    fields: dict[str, Any] = {"name": form.text("name"), "client_id": form.optional_id("client_id"),
                              "is_private": form.checkbox("is_private"), "color": palette, "color_hex": exact}
    if ws.premium:
        fields.update(billable=form.checkbox("billable"), estimated_hours=forms.whole(form, "estimated_hours"))
    if viewer.is_admin and ws.premium and form.has("rate"):
        fields.update(rate=forms.money(form, "rate"), currency=forms.currency(form))
    return fields


@router.post("/projects")
async def create_project(request: Request) -> Response:
    viewer = await signed_in(request)
    ws, form = forms.workspace(viewer), await Form.read(request)
    created = projects.create(viewer.db, viewer.actor, ProjectCreate(workspace_id=ws.id, **_fields(viewer, ws, form)))
    return see_other(request, "/projects", ok=f"Project “{created.name}” created.")


@router.get("/projects/{project_id}")
async def project_page(request: Request, project_id: int) -> Response:
    viewer = await signed_in(request)
    row, ws = visible_project(viewer, project_id), forms.workspace(viewer)
    manager = access.is_project_manager(viewer.db, viewer.actor, projects.get(viewer.db, viewer.actor, row.id))
    return render(request, "catalog/project.html", p=row, ws=ws, manager=manager, palette=PALETTE,
                  hex=project_hex(row.color, row.color_hex), clients=_client_options(viewer, row.client_id),
                  show_rates=access.views(viewer.db, viewer.actor)[ws.id].show_rates,
                  tasks=catalog_tasks.task_list(viewer, ws, row.id),
                  members=catalog_members.member_list(viewer, row.id))


@router.post("/projects/{project_id}")
async def update_project(request: Request, project_id: int) -> Response:
    viewer = await signed_in(request)
    row, ws, form = visible_project(viewer, project_id), forms.workspace(viewer), await Form.read(request)
    changes = ProjectChanges(**_fields(viewer, ws, form))
    changed = projects.update_project(viewer.db, viewer.actor, row.id, changes)
    return see_other(request, f"/projects/{row.id}", ok=f"Project “{changed.name}” saved.")


@router.post("/projects/{project_id}/archive")
async def archive_project(request: Request, project_id: int) -> Response:
    return await _set_active(request, project_id, False)


@router.post("/projects/{project_id}/restore")
async def restore_project(request: Request, project_id: int) -> Response:
    return await _set_active(request, project_id, True)


async def _set_active(request: Request, project_id: int, active: bool) -> Response:
    viewer = await signed_in(request)
    row = visible_project(viewer, project_id)
    projects.update_project(viewer.db, viewer.actor, row.id, ProjectChanges(active=active))
    done = "restored" if active else "archived"
    return see_other(request, back_to(request, f"/projects/{row.id}"), ok=f"Project “{row.name}” {done}.")


@router.get("/projects/{project_id}/delete")
async def delete_project_page(request: Request, project_id: int) -> Response:
    viewer = await signed_in(request)
    row = visible_project(viewer, project_id)
    access.require_project_manager(viewer.db, viewer.actor, projects.get(viewer.db, viewer.actor, row.id))
    return render(request, "catalog/confirm.html", kind="project", name=row.name, action=f"/projects/{row.id}/delete",
                  back=f"/projects/{row.id}", entries=True)


@router.post("/projects/{project_id}/delete")
async def delete_project(request: Request, project_id: int) -> Response:
    viewer = await signed_in(request)
    row, form = visible_project(viewer, project_id), await Form.read(request)
    projects.delete_many(viewer.db, viewer.actor, [row.id], delete_entries=form.text("entries") == "delete")
    return see_other(request, "/projects", ok=f"Project “{row.name}” deleted.")
