"""API v9 projects (40-catalog §2) and the per-user project lists (20-me §8)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.orm import Session

from punchclock.domain import access, project_lists, projects
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Invalid, Malformed, NotFound
from punchclock.domain.project_lists import ProjectQuery
from punchclock.http.routing import V9Route
from punchclock.http.v8.docs.ops import op
from punchclock.http.v9 import params
from punchclock.http.v9.deps import body_array, body_object, caller, member, parse
from punchclock.http.v9.docs import projects as docs
from punchclock.http.v9.schemas.projects import ProjectIn, bulk, patch_changes, project_out, rows_out
from punchclock.http.wire import json_response

router = APIRouter(route_class=V9Route, tags=["v9 projects"])
ME_PER_PAGE, ME_MAX_PER_PAGE = 201, 1000
PER_PAGE, MAX_PER_PAGE = 151, 200


@contextmanager
def _client_is_input() -> Iterator[None]:
    """A client id outside the workspace is a bad input in v9 (400, 40- §2.6), not v8's 404."""
    try:
        yield
    except NotFound as err:
        if err.code != "client_not_found":
            raise
        raise Invalid("client_not_found") from None


def _one(db: Session, actor: Actor, workspace_id: int, project_id: int) -> dict[str, Any]:
    """A visible project of the path workspace as v9 shows it; elsewhere it is unknown (404, V-6)."""
    row = project_lists.read(db, actor, project_id, project_lists.today_of(actor))
    if row.workspace_id != workspace_id:
        raise NotFound("project_not_found")
    return project_out(row, access.views(db, actor)[row.workspace_id])


def _text(request: Request, name: str) -> str | None:
    """A text parameter; blank counts as absent (10- §2)."""
    value = request.query_params.get(name)
    return value.strip() or None if value is not None else None


def _require_in_workspace(db: Session, actor: Actor, workspace_id: int, project_id: int) -> None:
    if projects.get(db, actor, project_id).workspace_id != workspace_id:
        raise NotFound("project_not_found")


@router.get("/me/projects", summary="Projects visible to the caller", **op(list[docs.V9Project]))
async def me_projects(request: Request, include_archived: docs.IncludeArchived = None,
                      since: docs.Since = None) -> Response:
    actor, db = await caller(request)
    after = params.since(request)
    archived = params.flag(request, "include_archived", False)
    # With ``since`` archived and deleted projects come too (20- §8).
    active = None if archived or after is not None else True
    query = ProjectQuery(today=project_lists.today_of(actor), active=active, since=after, sort_field="id")
    return json_response(rows_out(db, actor, project_lists.select_rows(db, actor, query)))


@router.get("/me/projects/paginated", summary="Projects visible to the caller, by id from a start id",
            **op(list[docs.V9Project]))
async def me_projects_paginated(request: Request, start_project_id: docs.StartProjectId = None,
                                per_page: docs.PerPageMe = None, since: docs.Since = None) -> Response:
    actor, db = await caller(request)
    start = params.integer(request, "start_project_id", 0)
    size = min(params.integer(request, "per_page", ME_PER_PAGE, minimum=1) or ME_PER_PAGE, ME_MAX_PER_PAGE)
    query = ProjectQuery(today=project_lists.today_of(actor), since=params.since(request), min_id=start,
                         sort_field="id", limit=size)
    return json_response(rows_out(db, actor, project_lists.select_rows(db, actor, query)))


def _sorting(request: Request) -> tuple[str, bool]:
    field = _text(request, "sort_field") or "name"
    order = (_text(request, "sort_order") or "ASC").upper()
    if field not in project_lists.SORT_FIELDS:
        raise Malformed("invalid_param", name="sort_field")
    if order not in ("ASC", "DESC"):
        raise Malformed("invalid_param", name="sort_order")
    return field, order == "DESC"


def _statuses(request: Request) -> tuple[str, ...] | None:
    values = params.text_array(request, "statuses")
    if values is None:
        return None
    if any(v not in project_lists.STATUSES for v in values):
        raise Malformed("invalid_param", name="statuses")
    return tuple(values)


def _ids(request: Request, name: str, *, allow_zero: bool = False) -> tuple[int, ...] | None:
    ids = params.id_array(request, name, allow_zero=allow_zero)
    return None if ids is None else tuple(ids)


def _list_query(request: Request, actor: Actor, workspace_id: int) -> ProjectQuery:
    """Every parameter of 40- §2.5; ``group_ids`` and ``sort_pinned`` are accepted and ignored."""
    field, descending = _sorting(request)
    paging = params.page(request, default_per_page=PER_PAGE, maximum=MAX_PER_PAGE)
    return ProjectQuery(
        today=project_lists.today_of(actor), workspace_id=workspace_id,
        active=params.tristate(request, "active", None), since=params.since(request),
        billable=params.flag(request, "billable"), client_ids=_ids(request, "client_ids", allow_zero=True),
        project_ids=_ids(request, "project_ids"), user_ids=_ids(request, "user_ids"),
        statuses=_statuses(request), name=_text(request, "name") or _text(request, "search"),
        only_templates=bool(params.flag(request, "only_templates")), only_me=bool(params.flag(request, "only_me")),
        only_editable=bool(params.flag(request, "only_editable")), sort_field=field, descending=descending,
        limit=None if paging is None else paging.per_page, offset=0 if paging is None else paging.offset,
    )


@router.get("/workspaces/{workspace_id}/projects", summary="Projects of a workspace", **op(list[docs.V9Project]))
async def workspace_projects(
    request: Request, workspace_id: docs.WorkspaceId, active: docs.Active = None, since: docs.Since = None,
    billable: docs.Billable = None, client_ids: docs.ClientIds = None, project_ids: docs.ProjectIdList = None,
    user_ids: docs.UserIds = None, group_ids: docs.GroupIds = None, statuses: docs.Statuses = None,
    name: docs.Name = None, search: docs.Search = None, only_templates: docs.OnlyTemplates = None,
    only_me: docs.OnlyMe = None, only_editable: docs.OnlyEditable = None, sort_field: docs.SortField = None,
    sort_order: docs.SortOrder = None, sort_pinned: docs.SortPinned = None, page: docs.Page = None,
    per_page: docs.PerPage = None,
) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    query = _list_query(request, actor, wid)
    return json_response(rows_out(db, actor, project_lists.select_rows(db, actor, query)))


@router.post("/workspaces/{workspace_id}/projects", summary="Create a project",
             **op(docs.V9Project, docs.V9ProjectBody))
async def create_project(request: Request, workspace_id: docs.WorkspaceId) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    data = parse(await body_object(request), ProjectIn)
    with _client_is_input():
        project = projects.create(db, actor, data.create(wid))
    return json_response(_one(db, actor, wid, project.id))


@router.get("/workspaces/{workspace_id}/projects/{project_id}", summary="Get a project", **op(docs.V9Project))
async def get_project(request: Request, workspace_id: docs.WorkspaceId, project_id: docs.ProjectId) -> Response:
    wid = params.path_id(workspace_id)
    actor, db = await member(request, wid)
    return json_response(_one(db, actor, wid, params.path_id(project_id)))


@router.put("/workspaces/{workspace_id}/projects/{project_id}", summary="Update a project",
            **op(docs.V9Project, docs.V9ProjectBody))
async def update_project(request: Request, workspace_id: docs.WorkspaceId, project_id: docs.ProjectId) -> Response:
    wid, pid = params.path_id(workspace_id), params.path_id(project_id)
    actor, db = await member(request, wid)
    data = parse(await body_object(request), ProjectIn)
    _require_in_workspace(db, actor, wid, pid)
    with _client_is_input():
        projects.update_project(db, actor, pid, data.changes())
    return json_response(_one(db, actor, wid, pid))


@router.delete("/workspaces/{workspace_id}/projects/{project_id}", summary="Delete a project",
               **op(**docs.DELETED_ID))
async def delete_project(request: Request, workspace_id: docs.WorkspaceId, project_id: docs.ProjectId,
                         teDeletionMode: docs.TeDeletionMode = None) -> Response:  # the wire name
    wid, pid = params.path_id(workspace_id), params.path_id(project_id)
    actor, db = await member(request, wid)
    mode = _text(request, "teDeletionMode") or "unassign"
    if mode not in ("unassign", "delete"):
        raise Malformed("invalid_param", name="teDeletionMode")
    _require_in_workspace(db, actor, wid, pid)
    projects.delete_many(db, actor, [pid], delete_entries=mode == "delete")
    return json_response(pid)


@router.patch("/workspaces/{workspace_id}/projects/{project_ids}", summary="Change several projects",
              **op(docs.V9BulkResult, docs.V9PatchDocument))
async def patch_projects(request: Request, workspace_id: docs.WorkspaceId, project_ids: docs.ProjectIds) -> Response:
    wid = params.path_id(workspace_id)
    ids = params.path_ids(project_ids)
    actor, db = await member(request, wid)
    changes = patch_changes(await body_array(request))

    def apply(pid: int) -> None:
        _require_in_workspace(db, actor, wid, pid)
        with _client_is_input():
            projects.update_project(db, actor, pid, changes)

    return json_response(bulk(db, ids, apply))
