"""Workspace users: invite, list, change, remove, leave (20-workspaces §6-§7)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.background import BackgroundTask

from punchclock.config import Settings
from punchclock.domain import access, mail, members
from punchclock.domain.actor import Actor
from punchclock.domain.members import MemberRow, Membership
from punchclock.http.routing import V8Route
from punchclock.http.v8 import params
from punchclock.http.v8.deps import AppSettings, Body, CurrentActor, DbSession, caller, settings_of
from punchclock.http.v8.docs import answers, bodies, objects
from punchclock.http.v8.docs.ops import DELETED, op
from punchclock.http.v8.docs.params import WorkspaceId, WorkspaceUserId
from punchclock.http.v8.errors import message
from punchclock.http.v8.schemas.members import WorkspaceUserIn, parse_emails, workspace_user_out
from punchclock.http.wire import json_response

router = APIRouter(route_class=V8Route, tags=["workspace users"])


def _out(actor: Actor, m: Membership | MemberRow, settings: Settings) -> dict[str, object]:
    row = m if isinstance(m, MemberRow) else members.member_row(m)
    url = None
    if (access.sees_invite_urls(actor, row.workspace_id) and row.invite_code is not None
            and members.invite_live(row, settings.invite_days)):
        url = members.invite_url(settings.public_url, row.invite_code)
    return workspace_user_out(row, actor.tz, invite_url=url)


@router.post("/workspaces/{workspace_id}/invite", summary="Invite users by e-mail",
             **op(answers.V8Invitations, bodies.Invitation))
async def invite(workspace_id: WorkspaceId, request: Request, actor: CurrentActor, db: DbSession, body: Body,
                 settings: AppSettings) -> Response:
    wid = params.single_id(workspace_id)
    access.require_admin(actor, wid)  # 404 / 403 before the body is judged
    result = members.invite(db, actor, wid, parse_emails(body), invite_days=settings.invite_days)
    data = [_out(actor, m, settings) for m in result.created]
    mails = [
        members.invitation_mail(result.workspace, actor.user, m.user,
                                members.invite_url(settings.public_url, str(m.member.invite_code)),
                                settings.invite_days)
        for m in result.created
    ]
    response = json_response({"data": data, "notifications": [message(code, ctx) for code, ctx in result.notices]})
    if mails:
        # Runs after the transaction committed and the answer went out; nothing is mailed on a rollback.
        response.background = BackgroundTask(mail.send_all, request.app.state.mail_sender, mails)
    return response


@router.get("/workspaces/{workspace_id}/workspace_users", summary="Memberships of a workspace",
            **op(list[objects.V8WorkspaceUser]))
async def list_workspace_users(workspace_id: WorkspaceId, request: Request) -> Response:
    actor, db = await caller(request)  # a hot path: no FastAPI dependency (deps.caller)
    rows = members.list_workspace(db, actor, params.single_id(workspace_id))
    settings = settings_of(request)
    return json_response([_out(actor, m, settings) for m in rows])


@router.put("/workspace_users/{workspace_user_id}", summary="Change a membership",
            **op(answers.V8WorkspaceUserData, bodies.WorkspaceUserUpdate))
async def update_workspace_user(workspace_user_id: WorkspaceUserId, actor: CurrentActor, db: DbSession, body: Body,
                                settings: AppSettings) -> Response:
    member_id = params.single_id(workspace_user_id)
    data, _ = params.unwrap(body, "workspace_user", WorkspaceUserIn)
    m = members.update(db, actor, member_id, data.changes())
    return json_response({"data": _out(actor, m, settings)})


@router.delete("/workspace_users/{workspace_user_id}", summary="Remove a member", **op(**DELETED))
async def delete_workspace_user(workspace_user_id: WorkspaceUserId, actor: CurrentActor, db: DbSession) -> Response:
    return json_response([members.remove(db, actor, params.single_id(workspace_user_id))])


@router.delete("/workspaces/{workspace_id}/leave", summary="Leave a workspace",
               **op(**DELETED | {"description": "The id of the membership removed, in a list."}))
async def leave_workspace(workspace_id: WorkspaceId, actor: CurrentActor, db: DbSession) -> Response:
    return json_response([members.leave(db, actor, params.single_id(workspace_id))])
