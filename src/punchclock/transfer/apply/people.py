"""Users, workspace members and groups of an import.

People are matched by e-mail, case-insensitively, over the whole server. An existing user who is not a
member yet becomes an active member; an unknown address becomes a placeholder user (no password) with a
pending, invited membership, so that it can own its entries until the person accepts.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, insert, select

from punchclock.db.base import table
from punchclock.domain import members as member_rules
from punchclock.domain import security, users
from punchclock.domain.errors import Invalid
from punchclock.models import Group, GroupMember, User, WorkspaceMember
from punchclock.models._common import utcnow
from punchclock.transfer.apply.target import Target
from punchclock.transfer.records import GroupRecord, MemberRecord

_U = table(User).c


def preload_users(t: Target, emails: Iterable[str]) -> None:
    """Look the addresses up in one query (each found user counts as matched once, when first used)."""
    wanted = list({e.strip().lower() for e in emails if e.strip().lower() not in t.users})
    for start in range(0, len(wanted), 1000):
        chunk = wanted[start:start + 1000]
        for uid, email in t.conn.execute(select(_U.id, _U.email).where(func.lower(_U.email).in_(chunk))):
            t.users[email.lower()] = uid


def zone(name: str | None) -> str:
    """A valid IANA zone name, else UTC (a source's odd value must not stop the import)."""
    try:
        return users.valid_timezone(name) if name else "Etc/UTC"
    except Invalid:
        return "Etc/UTC"


def user_id(t: Target, email: str, name: str = "", *, admin: bool = False, timezone: str | None = None) -> int:
    """The user of an address, a member of the workspace (both made when missing, and counted). A new user
    gets ``name`` (else one derived from the address) and ``timezone`` (when valid)."""
    address = email.strip()
    uid = t.users.get(address.lower())
    placeholder = False
    if uid is None:
        uid = t.conn.execute(select(_U.id).where(func.lower(_U.email) == address.lower())).scalar()
        if uid is None:
            uid = t.insert(User, email=address, password_hash=None, api_token=security.new_api_token(),
                           fullname=(name.strip() or users.fullname_from_email(address))[:users.MAX_FULLNAME],
                           timezone=zone(timezone))
            placeholder = True
        t.users[address.lower()] = uid
    if uid not in t.seen_users:
        t.seen_users.add(uid)
        t.outcome.count("users", "created" if placeholder else "matched")
    if uid not in t.members:
        _add_member(t, uid, admin=admin, invited=placeholder)
    return uid


def _add_member(t: Target, uid: int, *, admin: bool, invited: bool) -> None:
    now = utcnow()
    values = dict(workspace_id=t.workspace_id, user_id=uid, admin=admin, active=not invited, created_at=now,
                  updated_at=now)
    if invited:
        values.update(invite_code=member_rules.new_code(), invited_at=now)
        t.outcome.invited_user_ids.append(uid)
    t.members[uid] = t.insert(WorkspaceMember, **values)
    t.new_members.add(uid)
    t.outcome.count("members", "created")


def apply_members(t: Target, records: list[MemberRecord]) -> None:
    """``workspace_users.json``; MemberRecord.rate is not kept: our rate chain has no member level."""
    preload_users(t, (m.email for m in records))
    for m in records:
        uid = t.users.get(m.email.strip().lower())
        before = uid is not None and uid in t.members and uid not in t.new_members
        uid = user_id(t, m.email, m.name, admin=m.admin, timezone=m.timezone)
        if before:
            t.outcome.count("members", "matched")
        if m.external_id is not None:
            t.link("user", m.external_id, uid)


def apply_groups(t: Target, records: list[GroupRecord]) -> None:
    """Groups by name (case-insensitive); a new group gets the members its record lists."""
    g = table(Group).c
    existing = dict(t.conn.execute(
        select(g.name_key, g.id).where(g.workspace_id == t.workspace_id)).tuples().all())
    for rec in records:
        name = rec.name.strip()[:140]
        gid = t.linked("group", rec.external_id) or existing.get(name.casefold())
        if gid is not None:
            t.outcome.count("groups", "matched")
        else:
            gid = existing[name.casefold()] = t.insert(Group, workspace_id=t.workspace_id, name=name,
                                                       name_key=name.casefold())
            t.outcome.count("groups", "created")
            member_ids = {t.members[user_id(t, email)] for email in rec.member_emails}
            if member_ids:
                t.conn.execute(insert(table(GroupMember)),
                               [{"group_id": gid, "workspace_member_id": mid} for mid in sorted(member_ids)])
        t.link("group", rec.external_id, gid)
