"""Published shapes of the v9 organization operations (30- §1)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import Field, WithJsonSchema

from punchclock.http.v8.docs.params import Id as PathId
from punchclock.http.v9.docs.types import Id, Utc, V9Body, V9Object

OrganizationId = Annotated[PathId, Path(description="Id of the organization.")]

_TEXT = {"type": "string"}
_FLAG = {"type": "boolean"}
_INT = {"type": "integer", "minimum": 1}
Filter = Annotated[str | None, WithJsonSchema(_TEXT), Query(
    description="Only users whose name or e-mail contains this text (any case).")]
ActiveStatus = Annotated[str | None, WithJsonSchema(_TEXT), Query(
    description="Comma list of `active`, `inactive`, `invited` (all when absent); `inactive` never matches.")]
OnlyAdmins = Annotated[str | None, WithJsonSchema(_FLAG), Query(description="Only organization admins.")]
Groups = Annotated[str | None, WithJsonSchema(_TEXT), Query(description="Comma list of group ids: their members.")]
Workspaces = Annotated[str | None, WithJsonSchema(_TEXT), Query(
    description="Comma list of workspace ids: users with a membership in one of them.")]
Page = Annotated[str | None, WithJsonSchema(_INT), Query(description="1-based page (default 1).")]
PerPage = Annotated[str | None, WithJsonSchema(_INT), Query(description="Users per page (default 50, at most 200).")]
SortDir = Annotated[str | None, WithJsonSchema({"type": "string", "enum": ["asc", "desc"]}), Query(
    description="Order by name, `asc` (default) or `desc`.")]


class V9Organization(V9Object):
    """An organization (30- §1.1); `admin` and `owner` are the caller's roles in it."""

    id: Id
    name: str
    at: Utc
    created_at: Utc
    admin: bool = Field(description="The caller is the owner or admin of every workspace of the organization.")
    owner: bool = Field(description="The caller owns the organization.")
    user_count: int = Field(description="Distinct users with an active membership in its workspaces.")
    is_multi_workspace_enabled: Literal[True]
    is_unified: Literal[False]
    pricing_plan_name: Literal["Self-hosted"]
    pricing_plan_enterprise: Literal[False]
    max_workspaces: None
    max_data_retention_days: None
    pricing_plan_id: None
    subscription: None
    trial_info: None
    suspended_at: None
    server_deleted_at: None
    permissions: None


class V9OrganizationCreated(V9Object):
    """The new organization and its first workspace."""

    id: Id
    name: str
    workspace_id: Id
    workspace_name: str
    permissions: None


class V9OrganizationCreate(V9Body):
    """A new organization with one premium workspace; the caller becomes owner and workspace admin."""

    name: str = Field(description="1-140 characters after trimming.")
    workspace_name: str | None = Field(None, description="Name of the first workspace (default: `name`).")


class V9OrganizationUpdate(V9Body):
    """Rename an organization (organization admins)."""

    name: str = Field(description="1-140 characters after trimming.")


class V9OrgGroupRef(V9Object):
    group_id: Id
    name: str


class V9OrgUserWorkspace(V9Object):
    """One membership of an organization user."""

    workspace_id: Id
    workspace_name: str
    workspace_user_id: Id
    admin: bool
    role: Literal["admin", "user"]
    active: bool = Field(description="The invitation was accepted.")
    inactive: Literal[False]
    default_currency: str
    groups: list[V9OrgGroupRef]
    rate: None
    cost: None
    working_hours: None
    role_id: None
    view_edit_billable_rates: Literal[False]
    view_edit_labor_costs: Literal[False]


class V9OrgUser(V9Object):
    """A user with a membership (active or pending) in the organization (30- §1.3)."""

    id: Id = Field(description="The user id (there is no separate organization-user id).")
    user_id: Id
    organization_id: Id
    name: str
    email: str | None = Field(description="Only for organization admins.")
    avatar_url: str
    admin: bool
    owner: bool
    joined: bool = Field(description="Has an active membership.")
    inactive: Literal[False]
    invitation_id: Id | None = Field(description="A pending membership's id.")
    role_id: None
    two_fa_enabled: Literal[False] = Field(alias="2fa_enabled")
    can_edit_email: Literal[False]
    groups: list[V9OrgGroupRef]
    workspace_count: int
    workspaces: list[V9OrgUserWorkspace]


class V9InvitationWorkspace(V9Body):
    workspace_id: int
    admin: bool = Field(False, description="Invite as admin.")
    role: str | None = Field(None, description="`admin` or `user`; `admin` invites as admin.")


class V9InvitationBody(V9Body):
    """Invite e-mail addresses to workspaces of the organization (the v8 flow per e-mail and workspace)."""

    emails: list[str] = Field(description="At least one address.")
    workspaces: list[V9InvitationWorkspace] | None = Field(
        None, description="May be omitted when the organization has exactly one workspace.")
    groups: list[int] | None = Field(None, description="Groups of those workspaces the new members join.")
    skip_email: bool = Field(False, description="Send no invitation mail.")


class V9InvitedWorkspace(V9Object):
    workspace_id: Id
    workspace_user_id: Id = Field(description="The pending membership.")
    user_id: Id


class V9Invited(V9Object):
    email: str
    invitation_id: Id = Field(description="The (first) pending membership created.")
    invite_url: str
    organization_id: Id
    recipient_id: Id
    sender_id: Id
    workspaces: list[V9InvitedWorkspace]


class V9Invitations(V9Object):
    """The invitations made; `messages` explains the addresses that got none."""

    data: list[V9Invited]
    invitations: list[None] = Field(description="Always empty.")
    messages: list[str]
