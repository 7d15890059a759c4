"""API v9 organizations (30- §1) and ``GET /me/organizations`` (20- §8)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.background import BackgroundTask

from punchclock.domain import mail, members, organizations
from punchclock.domain.errors import Malformed
from punchclock.domain.organizations import STATUSES, OrgInvited, OrgUserQuery
from punchclock.http.routing import V9Route
from punchclock.http.v8.docs.ops import ok, op, request_body
from punchclock.http.v9 import params
from punchclock.http.v9.deps import body_object, caller, parse
from punchclock.http.v9.docs.organizations import (
    ActiveStatus,
    Filter,
    Groups,
    OnlyAdmins,
    OrganizationId,
    Page,
    PerPage,
    SortDir,
    V9InvitationBody,
    V9Invitations,
    V9Organization,
    V9OrganizationCreate,
    V9OrganizationCreated,
    V9OrganizationUpdate,
    V9OrgUser,
    Workspaces,
)
from punchclock.http.v9.errors import message
from punchclock.http.v9.schemas.organizations import (
    InvitationIn,
    OrgIn,
    founded_out,
    invitations_out,
    org_user_out,
    organization_out,
)
from punchclock.http.wire import NO_STORE, json_response

router = APIRouter(route_class=V9Route, tags=["v9 organizations"])

#: Status-only answers (10- §3, V-10): 200 with no body at all.
EMPTY = ok(schema={}, description="Empty body")


@router.get("/me/organizations", summary="Organizations of the caller", **op(list[V9Organization]))
async def my_organizations(request: Request) -> Response:
    actor, db = await caller(request)
    return json_response([organization_out(o) for o in organizations.list_mine(db, actor)])


@router.post("/organizations", summary="Create an organization with its first workspace",
             **op(V9OrganizationCreated, V9OrganizationCreate))
async def create_organization(request: Request) -> Response:
    actor, db = await caller(request)
    data = parse(await body_object(request), OrgIn)
    return json_response(founded_out(organizations.found(db, actor, data.create())))


# An empty answer cannot publish the PUT body's component: the GET answer publishes it (``ok(..., body=)``).
@router.get("/organizations/{organization_id}", summary="Get an organization",
            responses=ok(V9Organization, body=V9OrganizationUpdate))
async def get_organization(organization_id: OrganizationId, request: Request) -> Response:
    actor, db = await caller(request)
    return json_response(organization_out(organizations.get(db, actor, params.path_id(organization_id))))


@router.put("/organizations/{organization_id}", summary="Rename an organization (organization admins)",
            responses=EMPTY, openapi_extra=request_body(V9OrganizationUpdate))
async def update_organization(organization_id: OrganizationId, request: Request) -> Response:
    actor, db = await caller(request)
    oid = params.path_id(organization_id)
    organizations.require_admin(db, actor, oid)  # 403 before the body is judged
    data = parse(await body_object(request), OrgIn)
    organizations.rename(db, actor, oid, data.name)
    return Response(status_code=200, headers=NO_STORE)


def _user_query(request: Request) -> tuple[OrgUserQuery, params.Page]:
    page = params.page(request, default_per_page=50, maximum=200, always=True)
    assert page is not None
    statuses = params.text_array(request, "active_status")
    wanted = None if statuses is None else frozenset(s.lower() for s in statuses)
    if wanted is not None and not wanted <= STATUSES:
        raise Malformed("invalid_param", name="active_status")
    sort = (request.query_params.get("sort_dir") or "").strip().lower() or "asc"
    if sort not in ("asc", "desc"):
        raise Malformed("invalid_param", name="sort_dir")
    query = OrgUserQuery(
        text=(request.query_params.get("filter") or "").strip() or None, statuses=wanted,
        only_admins=bool(params.flag(request, "only_admins", False)), group_ids=params.id_array(request, "groups"),
        workspace_ids=params.id_array(request, "workspaces"), offset=page.offset, limit=page.per_page,
        descending=sort == "desc")
    return query, page


@router.get("/organizations/{organization_id}/users", summary="Users of an organization (paged)",
            **op(list[V9OrgUser], description="One page; `X-Page`, `X-Per-Page`, `X-Total-Count` headers."))
async def organization_users(organization_id: OrganizationId, request: Request, filter: Filter = None,
                             active_status: ActiveStatus = None, only_admins: OnlyAdmins = None,
                             groups: Groups = None, workspaces: Workspaces = None, page: Page = None,
                             per_page: PerPage = None, sort_dir: SortDir = None) -> Response:
    actor, db = await caller(request)
    oid = params.path_id(organization_id)
    organizations.reach(db, actor, oid)  # 403 before the query is judged
    query, paging = _user_query(request)
    found = organizations.list_users(db, actor, oid, query)
    public_url = request.app.state.settings.public_url
    count = len(found.org.workspace_ids)
    body = [org_user_out(u, oid, count, show_email=found.org.admin, public_url=public_url) for u in found.users]
    headers = {"X-Page": str(paging.page), "X-Per-Page": str(paging.per_page), "X-Total-Count": str(found.total)}
    return json_response(body, headers=headers)


@router.delete("/organizations/{organization_id}/users/leave",
               summary="Leave every workspace of an organization", responses=EMPTY)
async def leave_organization(organization_id: OrganizationId, request: Request) -> Response:
    actor, db = await caller(request)
    organizations.leave(db, actor, params.path_id(organization_id))
    return Response(status_code=200, headers=NO_STORE)


@router.post("/organizations/{organization_id}/invitations", summary="Invite e-mail addresses to workspaces",
             **op(V9Invitations, V9InvitationBody))
async def invite(organization_id: OrganizationId, request: Request) -> Response:
    actor, db = await caller(request)
    oid = params.path_id(organization_id)
    organizations.reach(db, actor, oid)  # 403 before the body is judged
    data = parse(await body_object(request), InvitationIn)
    settings = request.app.state.settings
    result = organizations.invite(db, actor, oid, data.invite(), invite_days=settings.invite_days)
    notices = [message(code, ctx) for invited in result.results for code, ctx in invited.notices]
    response = json_response(invitations_out(result, actor.id, lambda code: members.invite_url(settings.public_url,
                                                                                              code), notices))
    if not data.skip_email:
        mails = _mails(result, actor, settings)
        if mails:
            # Runs after the transaction committed and the answer went out; nothing is mailed on a rollback.
            response.background = BackgroundTask(mail.send_all, request.app.state.mail_sender, mails)
    return response


def _mails(result: OrgInvited, actor: Any, settings: Any) -> list[mail.Mail]:
    return [members.invitation_mail(invited.workspace, actor.user, c.user,
                                    members.invite_url(settings.public_url, str(c.member.invite_code)),
                                    settings.invite_days)
            for invited in result.results for c in invited.created]
