"""Team administration (admins of the current workspace): members and roles, invitations, groups.

Every change goes through ``domain.members`` / ``domain.groups`` with the viewer as actor, as API v9
does; ids from forms are looked up in the current workspace there (another workspace's id is 404).
A non-admin gets a 403 page for the pages and the forms alike. Invitation mails go out after commit.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from starlette.background import BackgroundTask

from punchclock.domain import groups, mail, members
from punchclock.http.v9 import errors as v9_errors
from punchclock.http.web import team_rows
from punchclock.http.web.common import (
    AdminRoute,
    Form,
    Viewer,
    page,
    see_other,
    signed_in,
)

router = APIRouter(route_class=AdminRoute, include_in_schema=False)


def _invite_days(request: Request) -> int:
    return int(request.app.state.settings.invite_days)


@router.get("/team")
async def team_page(request: Request) -> Response:
    viewer = await signed_in(request, admin=True)
    return page(request, "team/index.html", team=team_rows.team(viewer, _invite_days(request)),
                invite_days=_invite_days(request))


@router.post("/team/invite")
async def invite(request: Request) -> Response:
    viewer = await signed_in(request, admin=True)
    emails = team_rows.addresses((await Form.read(request)).text("emails"))
    if not emails:
        return see_other(request, "/team", error="Enter at least one e-mail address.")
    settings = request.app.state.settings
    result = members.invite(viewer.db, viewer.actor, viewer.workspace_id, emails, invite_days=settings.invite_days)
    notices = " ".join(v9_errors.message(code, ctx) + "." for code, ctx in result.notices)
    if not result.created:
        return see_other(request, "/team", error=notices)
    sent = "Invitation sent to " + ", ".join(c.user.email for c in result.created) + "."
    response = see_other(request, "/team", ok=f"{sent} {notices}".strip())
    mails = [members.invitation_mail(result.workspace, viewer.user, c.user,
                                     members.invite_url(settings.public_url, str(c.member.invite_code)),
                                     settings.invite_days) for c in result.created]
    # After the commit and the answer: nothing is mailed for a rolled-back invitation.
    response.background = BackgroundTask(mail.send_all, request.app.state.mail_sender, mails)
    return response


@router.post("/team/members/{member_id}/role")
async def change_role(request: Request, member_id: int) -> Response:
    viewer = await signed_in(request, admin=True)
    role = (await Form.read(request)).text("role")
    if role not in ("admin", "user"):
        return see_other(request, "/team", error="Choose the role Admin or Member.")
    changed = members.update(viewer.db, viewer.actor, member_id,
                             members.WorkspaceUserChanges(admin=role == "admin"), viewer.workspace_id)
    who = changed.user.fullname or changed.user.email
    return see_other(request, "/team", ok=f"{who} is now {'an admin' if changed.member.admin else 'a member'}.")


@router.post("/team/members/{member_id}/remove")
async def remove(request: Request, member_id: int) -> Response:
    viewer = await signed_in(request, admin=True)
    row = team_rows.member(viewer, member_id)
    members.remove(viewer.db, viewer.actor, member_id, viewer.workspace_id)
    who = row.fullname or row.email
    text = f"Removed {who} from the workspace." if row.active else f"Cancelled the invitation of {row.email}."
    return see_other(request, "/team" if row.user_id != viewer.actor.id else "/", ok=text)


@router.post("/team/members/{member_id}/reinvite")
async def reinvite(request: Request, member_id: int) -> Response:
    """A pending member's invitation again, with a new code (an expired one; a live one is refused)."""
    viewer = await signed_in(request, admin=True)
    row = team_rows.member(viewer, member_id)
    if row.active:
        return see_other(request, "/team", error=f"{row.email} is already a member of this workspace.")
    return await _invite_again(request, viewer, row.email)


async def _invite_again(request: Request, viewer: Viewer, email: str) -> Response:
    settings = request.app.state.settings
    result = members.invite(viewer.db, viewer.actor, viewer.workspace_id, [email], invite_days=settings.invite_days)
    if not result.created:
        return see_other(request, "/team", error=" ".join(v9_errors.message(c, x) + "." for c, x in result.notices))
    created = result.created[0]
    response = see_other(request, "/team", ok=f"Invitation sent to {email} again.")
    response.background = BackgroundTask(mail.send_all, request.app.state.mail_sender, [members.invitation_mail(
        result.workspace, viewer.user, created.user,
        members.invite_url(settings.public_url, str(created.member.invite_code)), settings.invite_days)])
    return response


# -- groups -------------------------------------------------------------------------------------------

@router.get("/team/groups")
async def groups_page(request: Request) -> Response:
    viewer = await signed_in(request, admin=True)
    return page(request, "team/groups.html", groups=groups.org_groups(viewer.db, [viewer.workspace_id]))


@router.post("/team/groups")
async def create_group(request: Request) -> Response:
    viewer = await signed_in(request, admin=True)
    name = (await Form.read(request)).text("name")
    made = groups.create_in_workspace(viewer.db, viewer.actor, viewer.workspace_id, name)
    return see_other(request, f"/team/groups/{made.id}", ok=f"Created the group {made.name}. Choose its members.")


@router.get("/team/groups/{group_id}")
async def group_page(request: Request, group_id: int) -> Response:
    viewer = await signed_in(request, admin=True)
    found = team_rows.group(viewer, group_id)
    everyone = team_rows.team(viewer, _invite_days(request))
    return page(request, "team/group.html", group=found, in_group={u.user_id for u in found.users},
                people=everyone.members + everyone.invitations)


@router.post("/team/groups/{group_id}")
async def save_group(request: Request, group_id: int) -> Response:
    viewer = await signed_in(request, admin=True)
    form = await Form.read(request)
    saved = groups.update_in_org(viewer.db, viewer.actor, [viewer.workspace_id], group_id,
                                 groups.OrgGroupInput(name=form.text("name"), user_ids=form.ids("user_ids")))
    count = len(saved.users)
    people = "1 member" if count == 1 else f"{count} members"
    return see_other(request, "/team/groups", ok=f"Saved the group {saved.name} ({people}).")


@router.post("/team/groups/{group_id}/delete")
async def delete_group(request: Request, group_id: int) -> Response:
    viewer = await signed_in(request, admin=True)
    name = team_rows.group(viewer, group_id).name
    groups.delete_in_workspace(viewer.db, viewer.actor, viewer.workspace_id, group_id)
    return see_other(request, "/team/groups", ok=f"Deleted the group {name}.")
