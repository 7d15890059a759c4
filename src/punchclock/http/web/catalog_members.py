"""A project's members (project users) on its page: list, add a workspace member, manager flag, member
rate (admins), remove. Writes need an admin or a manager of the project (``domain/project_users.py``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from fastapi import APIRouter, Request, Response

from punchclock.domain import project_users, tasks, workspaces
from punchclock.domain.errors import NotFound
from punchclock.domain.project_users import ProjectUserChanges, ProjectUserCreate
from punchclock.http.web import catalog_forms as forms
from punchclock.http.web.catalog_forms import CatalogRoute
from punchclock.http.web.common import Form, Viewer, see_other, signed_in
from punchclock.models import ProjectMember

router = APIRouter(route_class=CatalogRoute, include_in_schema=False)


class Member(NamedTuple):
    id: int
    user_id: int
    name: str
    email: str
    manager: bool
    rate: Decimal | None


class MemberList(NamedTuple):
    rows: list[Member]
    #: (user id, label) of the workspace's members who are not on the project yet, by name.
    candidates: list[tuple[int, str]]


def member_list(viewer: Viewer, project_id: int) -> MemberList:
    """Two queries: the project's users, and the workspace's members (names, and who could be added)."""
    links = project_users.list_rows(viewer.db, viewer.actor, viewer.workspace_id, [project_id])
    people = {u.id: u for u in workspaces.member_users(viewer.db, viewer.actor, viewer.workspace_id)}
    rows = [Member(pm.id, pm.user_id, people[pm.user_id].fullname if pm.user_id in people else "",
                   people[pm.user_id].email if pm.user_id in people else "", pm.manager, pm.rate) for pm in links]
    rows.sort(key=lambda m: (m.name.lower(), m.id))
    on_project = {pm.user_id for pm in links}
    candidates = [(u.id, u.fullname + ("" if u.active else " (invited)")) for u in people.values()
                  if u.id not in on_project]
    return MemberList(rows, candidates)


def _member(viewer: Viewer, project_id: int, member_id: int) -> ProjectMember:
    """A project user of this project of the current workspace; any other id is unknown (404)."""
    found = project_users.get(viewer.db, viewer.actor, member_id)
    if found.project_id != project_id or found.workspace_id != viewer.workspace_id:
        raise NotFound("project_user_not_found")
    return found


def _name(viewer: Viewer, user_id: int) -> str:
    return tasks.user_names(viewer.db, [user_id]).get(user_id, "")


@router.post("/projects/{project_id}/members")
async def add_member(request: Request, project_id: int) -> Response:
    viewer = await signed_in(request)
    project = tasks.project_in_workspace(viewer.db, viewer.actor, project_id, viewer.workspace_id)
    form = await Form.read(request)
    user_id = form.optional_id("user_id")
    extra: dict[str, Any] = {"rate": forms.money(form, "rate")} if viewer.is_admin and form.has("rate") else {}
    project_users.create(viewer.db, viewer.actor, ProjectUserCreate(
        project_id=project.id, user_ids=() if user_id is None else (user_id,), manager=form.checkbox("manager"),
        **extra))
    assert user_id is not None  # the service refuses a blank user
    return see_other(request, f"/projects/{project.id}#members", ok=f"{_name(viewer, user_id)} added to the project.")


@router.post("/projects/{project_id}/members/{member_id}")
async def update_member(request: Request, project_id: int, member_id: int) -> Response:
    viewer = await signed_in(request)
    found, form = _member(viewer, project_id, member_id), await Form.read(request)
    changes: dict[str, Any] = {}
    if form.has("manager"):
        changes["manager"] = form.checkbox("manager")
    if viewer.is_admin and form.has("rate"):
        changes["rate"] = forms.money(form, "rate")
    project_users.update_many(viewer.db, viewer.actor, [found.id], ProjectUserChanges(**changes))
    return see_other(request, f"/projects/{project_id}#members", ok=f"{_name(viewer, found.user_id)} saved.")


@router.post("/projects/{project_id}/members/{member_id}/remove")
async def remove_member(request: Request, project_id: int, member_id: int) -> Response:
    viewer = await signed_in(request)
    found = _member(viewer, project_id, member_id)
    name = _name(viewer, found.user_id)
    project_users.delete_many(viewer.db, viewer.actor, [found.id])
    return see_other(request, f"/projects/{project_id}#members", ok=f"{name} removed from the project.")
