"""v9 workspace users (30- §4): the user list item, the workspace-user object and its update body."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool

from punchclock.domain.errors import Invalid
from punchclock.domain.inputs import UNSET
from punchclock.domain.members import MemberRow, WorkspaceUserChanges
from punchclock.domain.workspaces import MemberUser
from punchclock.http.v8.schemas.members import parse_group_ids
from punchclock.http.v9.render import utc

ROLES = {"admin": True, "user": False}


class WorkspaceUserIn(BaseModel):
    """``PUT .../workspace_users/{id}``: ``admin`` or ``role``, ``group_ids``, ``inactive`` (only ``false``).
    ``rate``, ``labor_cost``, ``*_change_mode``, ``working_hours_in_minutes``, ``view_edit_*``,
    ``postedFields`` and other keys are ignored. ``admin`` wins over ``role`` when both are sent."""

    model_config = ConfigDict(extra="ignore")

    admin: StrictBool | None = None
    role: Any = None
    #: Read by ``parse_group_ids`` so that any bad element reads "Invalid group_ids".
    group_ids: Any = None
    inactive: Any = None

    def changes(self) -> WorkspaceUserChanges:
        sent = self.model_fields_set
        if "inactive" in sent and self.inactive is not None:
            if not isinstance(self.inactive, bool):
                raise Invalid("invalid_field", field="inactive")
            if self.inactive:
                raise Invalid("deactivation_unsupported")
        admin: bool | None = self.admin
        if admin is None and self.role is not None:
            if not isinstance(self.role, str):
                raise Invalid("invalid_field", field="role")
            if self.role not in ROLES:
                raise Invalid("unsupported_role")
            admin = ROLES[self.role]
        return WorkspaceUserChanges(
            admin=admin if admin is not None else UNSET,
            group_ids=parse_group_ids(self.group_ids) if "group_ids" in sent else UNSET,
        )


def user_out(u: MemberUser, *, caller_admin: bool) -> dict[str, Any]:
    """30- §4.1: e-mails only for admins (V-24)."""
    return {"id": u.id, "email": u.email if caller_admin else None, "fullname": u.fullname, "is_active": u.active,
            "is_admin": u.admin, "inactive": False, "role": "admin" if u.admin else "user", "timezone": u.timezone}


CONSTANTS: dict[str, Any] = {"inactive": False, "is_direct": True, "2fa_enabled": False,
                             "view_edit_billable_rates": False, "view_edit_labor_costs": False}
NULLS = dict.fromkeys(("role_id", "invitation_code", "rate", "rate_last_updated", "labor_cost",
                       "labor_cost_last_updated", "working_hours_in_minutes", "avatar_file_name"))


def workspace_user_out(r: MemberRow, *, caller_admin: bool, organization_admin: bool,
                       invite_url: str | None) -> dict[str, Any]:
    """30- §4.2; ``invite_url`` is given by the route only to admins, for a pending member with a live code."""
    return {
        "id": r.id,
        "uid": r.user_id,
        "user_id": r.user_id,
        "wid": r.workspace_id,
        "workspace_id": r.workspace_id,
        "admin": r.admin,
        "workspace_admin": r.admin,
        "organization_admin": organization_admin,
        "role": "admin" if r.admin else "user",
        "active": r.active,
        "email": r.email if caller_admin else None,
        "name": r.fullname,
        "timezone": r.timezone,
        "at": utc(r.updated_at),
        "group_ids": r.group_ids,
        "invite_url": None if r.active else invite_url,
        **CONSTANTS,
        **NULLS,
    }
