"""What the team pages show of a workspace's memberships and groups (read through ``domain.members``
and ``domain.groups``, which check the viewer's rights), and the invite form's address list."""

from __future__ import annotations

import re
from dataclasses import dataclass

from punchclock.domain import groups, members
from punchclock.domain.errors import NotFound
from punchclock.domain.members import MemberRow
from punchclock.http.web import formats
from punchclock.http.web.common import Viewer

#: Addresses in the invite form: separated by commas, semicolons, spaces or line breaks.
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass(frozen=True, slots=True)
class MemberLine:
    id: int
    user_id: int
    name: str
    email: str
    admin: bool
    #: ``active``, ``invited`` (a live invitation) or ``expired`` (an invitation past its days).
    status: str
    group_names: list[str]
    #: The invitation's day in the viewer's date format ("" for active members).
    invited_on: str
    is_viewer: bool


@dataclass(frozen=True, slots=True)
class Team:
    members: list[MemberLine]
    invitations: list[MemberLine]
    group_count: int


def _status(row: MemberRow, invite_days: int) -> str:
    if row.active:
        return "active"
    return "invited" if members.invite_live(row, invite_days) else "expired"


def _line(viewer: Viewer, row: MemberRow, names: dict[int, str], invite_days: int) -> MemberLine:
    invited_on = ""
    if not row.active and row.invited_at is not None:
        day = formats.local(row.invited_at, viewer.actor.tz).date()
        invited_on = formats.show_date(day, viewer.user.date_format)
    return MemberLine(row.id, row.user_id, row.fullname or row.email, row.email, row.admin,
                      _status(row, invite_days), [names[g] for g in row.group_ids if g in names], invited_on,
                      row.user_id == viewer.actor.id)


def team(viewer: Viewer, invite_days: int) -> Team:
    """The workspace's members (by name) and pending invitations (newest first): three statements."""
    rows = members.list_workspace(viewer.db, viewer.actor, viewer.workspace_id)
    names = {g.id: g.name for g in groups.list_workspace(viewer.db, viewer.actor, viewer.workspace_id)}
    lines = [_line(viewer, row, names, invite_days) for row in rows]
    active = sorted((m for m in lines if m.status == "active"), key=lambda m: (m.name.lower(), m.id))
    pending = sorted((m for m in lines if m.status != "active"), key=lambda m: -m.id)
    return Team(active, pending, len(names))


def member(viewer: Viewer, member_id: int) -> MemberRow:
    """A membership of the viewer's current workspace; any other id is 404."""
    for row in members.list_workspace(viewer.db, viewer.actor, viewer.workspace_id):
        if row.id == member_id:
            return row
    raise NotFound("workspace_user_not_found")


def group(viewer: Viewer, group_id: int) -> groups.OrgGroup:
    """A group of the viewer's current workspace (admins only) with its users; any other id is 404."""
    found = groups.org_groups(viewer.db, [viewer.workspace_id], group_id=group_id)
    if not found:
        raise NotFound("group_not_found")
    return found[0]


def addresses(text: str) -> list[str]:
    return [part for part in _SEPARATORS.split(text) if part]
