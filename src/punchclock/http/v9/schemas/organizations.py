"""v9 organization objects and inputs (30- §1): the object, the new organization, its users, invitations."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictStr

from punchclock.domain.errors import Invalid
from punchclock.domain.organizations import (
    Founded,
    InviteTarget,
    OrgCreate,
    OrgInvite,
    OrgInvited,
    OrgMembership,
    OrgRow,
    OrgUser,
)
from punchclock.http.v8.schemas import WireId, inputs
from punchclock.http.v9.render import image_url, utc


class OrgIn(BaseModel):
    """``POST /organizations`` and ``PUT /organizations/{id}`` (which reads ``name`` only)."""

    model_config = ConfigDict(extra="ignore")

    name: StrictStr | None = None
    workspace_name: StrictStr | None = None

    def create(self) -> OrgCreate:
        return inputs(self, OrgCreate)


class InviteWorkspaceIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    workspace_id: WireId
    admin: StrictBool | None = None
    role: StrictStr | None = None

    def target(self) -> InviteTarget:
        """``admin: true`` or ``role: "admin"`` invites as admin; another role than admin/user is a 400."""
        if self.role is not None and self.role not in ("admin", "user"):
            raise Invalid("org_invite_role")
        return InviteTarget(self.workspace_id, bool(self.admin) or self.role == "admin")


class InvitationIn(BaseModel):
    """``POST /organizations/{id}/invitations`` (30- §1.4); ``project_invite`` is ignored."""

    model_config = ConfigDict(extra="ignore")

    emails: list[StrictStr] | None = None
    workspaces: list[InviteWorkspaceIn] | None = None
    groups: list[WireId] | None = Field(None, max_length=1000)
    skip_email: StrictBool | None = None

    def invite(self) -> OrgInvite:
        targets = None if self.workspaces is None else [w.target() for w in self.workspaces]
        return OrgInvite(emails=self.emails or [], workspaces=targets, group_ids=self.groups or [])


def organization_out(o: OrgRow) -> dict[str, Any]:
    """The organization object (30- §1.1): stored values, the caller's roles, constants and nulls."""
    return {
        "id": o.id,
        "name": o.name,
        "at": utc(o.updated_at),
        "created_at": utc(o.created_at),
        "admin": o.admin,
        "owner": o.owner,
        "user_count": o.user_count,
        "is_multi_workspace_enabled": True,
        "is_unified": False,
        "pricing_plan_name": "Self-hosted",
        "pricing_plan_enterprise": False,
        "max_workspaces": None,
        "max_data_retention_days": None,
        "pricing_plan_id": None,
        "subscription": None,
        "trial_info": None,
        "suspended_at": None,
        "server_deleted_at": None,
        "permissions": None,
    }


def founded_out(f: Founded) -> dict[str, Any]:
    return {"id": f.organization.id, "name": f.organization.name, "workspace_id": f.workspace.id,
            "workspace_name": f.workspace.name, "permissions": None}


def _groups(pairs: list[tuple[int, str]]) -> list[dict[str, Any]]:
    return [{"group_id": gid, "name": name} for gid, name in pairs]


def _membership_out(m: OrgMembership) -> dict[str, Any]:
    return {
        "workspace_id": m.workspace_id,
        "workspace_name": m.workspace_name,
        "workspace_user_id": m.id,
        "admin": m.admin,
        "role": "admin" if m.admin else "user",
        "active": m.active,
        "inactive": False,
        "default_currency": m.default_currency,
        "groups": _groups(m.groups),
        "rate": None,
        "cost": None,
        "working_hours": None,
        "role_id": None,
        "view_edit_billable_rates": False,
        "view_edit_labor_costs": False,
    }


def org_user_out(u: OrgUser, organization_id: int, workspace_count: int, *, show_email: bool, public_url: str
                 ) -> dict[str, Any]:
    """An organization user (30- §1.3); ``workspace_count`` is the organization's, for the admin rule."""
    all_groups = list(dict.fromkeys(g for m in u.memberships for g in m.groups))
    return {
        "id": u.id,
        "user_id": u.id,
        "organization_id": organization_id,
        "name": u.fullname,
        "email": u.email if show_email else None,
        "avatar_url": image_url(public_url, u.fullname, u.email, u.id),
        "admin": u.admin(workspace_count),
        "owner": u.owner,
        "joined": u.joined,
        "inactive": False,
        "invitation_id": u.invitation_id,
        "role_id": None,
        "2fa_enabled": False,
        "can_edit_email": False,
        "groups": _groups(all_groups),
        "workspace_count": len(u.memberships),
        "workspaces": [_membership_out(m) for m in u.memberships],
    }


def invitations_out(result: OrgInvited, sender_id: int, url_of: Any, messages: list[str]) -> dict[str, Any]:
    """One ``data`` item per invited e-mail (in order) with its pending memberships; ``url_of(code)`` builds
    the link; ``invitation_id`` and ``invite_url`` are those of the first membership."""
    data: dict[int, dict[str, Any]] = {}
    for invited in result.results:
        for c in invited.created:
            item = data.get(c.user.id)
            if item is None:
                item = data[c.user.id] = {
                    "email": c.user.email, "invitation_id": c.member.id, "invite_url": url_of(c.member.invite_code),
                    "organization_id": result.organization_id, "recipient_id": c.user.id, "sender_id": sender_id,
                    "workspaces": [],
                }
            item["workspaces"].append({"workspace_id": c.member.workspace_id, "workspace_user_id": c.member.id,
                                       "user_id": c.user.id})
    return {"data": list(data.values()), "invitations": [], "messages": list(dict.fromkeys(messages))}
