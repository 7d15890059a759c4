"""Workspace users (20-workspaces §6) and the invitation body."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from punchclock.domain.errors import Invalid
from punchclock.domain.inputs import UNSET
from punchclock.domain.members import MemberRow, Membership, WorkspaceUserChanges, member_row
from punchclock.http.ids import MAX_ID, MAX_IDS, id_value
from punchclock.http.v8.schemas import Bool, WireIn
from punchclock.http.wire import render_ts


class WorkspaceUserIn(WireIn):
    """``PUT /workspace_users/{id}``: only ``admin`` and ``group_ids`` (O-31); every other key is ignored."""

    admin: Bool | None = None
    #: Read by ``parse_group_ids`` so that any bad element reads "Invalid group_ids".
    group_ids: Any = None

    def changes(self) -> WorkspaceUserChanges:
        sent = self.model_fields_set
        return WorkspaceUserChanges(
            admin=self.admin if "admin" in sent else UNSET,
            group_ids=parse_group_ids(self.group_ids) if "group_ids" in sent else UNSET,
        )


def parse_group_ids(value: Any) -> list[int] | None:
    """A JSON array of group ids (numbers or numeric strings); null stays null (= no groups)."""
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > MAX_IDS:
        raise Invalid("invalid_field", field="group_ids")
    ids = []
    for item in value:
        if isinstance(item, str):
            item = id_value(item)
        if isinstance(item, bool) or not isinstance(item, int) or not 0 < item <= MAX_ID:
            raise Invalid("invalid_field", field="group_ids")
        ids.append(item)
    return ids


def parse_emails(body: Any) -> list[str]:
    """``{"emails": [...]}`` without wrapper (00-conventions §2.1); absent/null/empty body -> can't be blank."""
    emails = body.get("emails") if isinstance(body, dict) else None
    if emails is None:
        raise Invalid("emails_blank")
    if not isinstance(emails, list) or not all(isinstance(e, str) for e in emails):
        raise Invalid("invalid_field", field="emails")
    return emails


def workspace_user_out(m: Membership | MemberRow, tz: ZoneInfo, *, invite_url: str | None = None) -> dict[str, Any]:
    """``invite_url`` is given by the route only to admins and only for a pending member with a live code.

    A row of the list or a ``Membership`` of the write paths. v8 omits null fields (``wire.compact``), inline.
    """
    r = m if isinstance(m, MemberRow) else member_row(m)
    out: dict[str, Any] = {"id": r.id, "uid": r.user_id, "wid": r.workspace_id, "admin": r.admin,
                           "active": r.active, "email": r.email}
    if r.fullname:
        out["name"] = r.fullname
    out["at"] = render_ts(r.updated_at, tz)
    if invite_url is not None and not r.active:
        out["invite_url"] = invite_url
    if r.group_ids:
        out["group_ids"] = r.group_ids
    return out
