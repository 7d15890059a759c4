"""Workspace users: invitations, the member list, admin flag and groups, removal, leaving, accepting.

20-workspaces §6-§7 and O-28…O-31, O-88. A membership with ``active`` false is a pending invitation;
its ``invite_code`` is random, single-use (cleared on acceptance) and expires ``invite_days`` after
``invited_at``. Every workspace keeps at least one active admin.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from punchclock.domain import access, groups, locks, organizations, rates, security, users
from punchclock.domain.actor import Actor, UserRecord
from punchclock.domain.errors import Invalid, NotFound, Unauthenticated
from punchclock.domain.inputs import UNSET, Unset
from punchclock.domain.mail import Mail
from punchclock.models import GroupMember, ProjectMember, TimeEntry, User, Workspace, WorkspaceMember
from punchclock.models._common import utcnow
from punchclock.webhooks import changes as webhook_changes

#: Addresses per invitation request: every new one costs a mail.
MAX_INVITES = 100
#: Longest code ever issued is 43 characters (``token_urlsafe(32)``); the column holds 64.
MAX_CODE = 64
ACCEPT_PATH = "/user/accept_invitation"


@dataclass(frozen=True, slots=True, kw_only=True)
class WorkspaceUserChanges:
    """``PUT /workspace_users/{id}``: only ``admin`` and the groups (O-31). A null ``admin`` is ignored;
    null ``group_ids`` empties the member's groups."""

    admin: bool | Unset | None = UNSET
    group_ids: Sequence[int] | Unset | None = UNSET


@dataclass(slots=True)
class Membership:
    """A workspace user with what its wire form shows: the user's e-mail and name, its groups."""

    member: WorkspaceMember
    user: User
    group_ids: list[int] = field(default_factory=list)


@dataclass(slots=True)
class Invited:
    workspace: Workspace
    #: New (or renewed) invitations, in the order the addresses were given.
    created: list[Membership]
    #: (code, context) per address that produced no invitation.
    notices: list[tuple[str, dict[str, Any]]]


def new_code() -> str:
    return secrets.token_urlsafe(32)


def invite_live(member: WorkspaceMember | MemberRow, invite_days: int, now: datetime | None = None) -> bool:
    """Whether the member is pending with a code that can still be used."""
    return (
        not member.active
        and member.invite_code is not None
        and member.invited_at is not None
        and member.invited_at + timedelta(days=invite_days) > (now or utcnow())
    )


def invite_url(public_url: str, code: str) -> str:
    return f"{public_url.rstrip('/')}{ACCEPT_PATH}?code={code}"


# -- reading ------------------------------------------------------------------------------------------

def _with_groups(db: Session, rows: Sequence[tuple[WorkspaceMember, User]]) -> list[Membership]:
    by_member = groups.group_ids_of(db, [m.id for m, _ in rows])
    return [Membership(m, u, by_member.get(m.id, [])) for m, u in rows]


def _load(db: Session, actor: Actor, member_id: int, workspace_id: int | None = None) -> WorkspaceMember:
    """A membership of the actor's workspaces (of ``workspace_id`` when the path names one, v9), else 404."""
    member = db.scalars(access.readable_workspace_members(actor).where(WorkspaceMember.id == member_id)).first()
    if member is None or (workspace_id is not None and member.workspace_id != workspace_id):
        raise NotFound("workspace_user_not_found")
    return member


class MemberRow(NamedTuple):
    """A workspace user as the list answers it: the membership, its user's e-mail and name, its groups."""

    id: int
    user_id: int
    workspace_id: int
    admin: bool
    active: bool
    invite_code: str | None
    invited_at: datetime | None
    updated_at: datetime
    email: str
    fullname: str
    timezone: str
    group_ids: list[int]


def member_row(m: Membership) -> MemberRow:
    """A ``Membership`` of the write paths in the list's form, so that one function renders both."""
    w = m.member
    return MemberRow(w.id, w.user_id, w.workspace_id, w.admin, w.active, w.invite_code, w.invited_at, w.updated_at,
                     m.user.email, m.user.fullname, m.user.timezone, m.group_ids)


_WM = WorkspaceMember.__table__.c
_U = User.__table__.c
#: Binds ``scope_wid`` (checked: member); the groups come from ``groups.group_ids_in_workspace``.
_OF_WORKSPACE = (select(*(_WM[name] for name in MemberRow._fields[:8]), _U.email, _U.fullname, _U.timezone)
                 .join(User.__table__, _U.id == _WM.user_id)
                 .where(access.in_checked_workspace(_WM.workspace_id)).order_by(_WM.id))


def list_workspace(db: Session, actor: Actor, workspace_id: int) -> list[MemberRow]:
    """``GET /workspaces/{id}/workspace_users``: any active member; pending invitations included, by id."""
    access.require_member(actor, workspace_id)
    rows = db.connection().execute(_OF_WORKSPACE, {"scope_wid": workspace_id}).all()
    by_member = groups.group_ids_in_workspace(db, workspace_id) if rows else {}
    return [MemberRow._make((*r, by_member.get(r[0], []))) for r in rows]


def membership(db: Session, member: WorkspaceMember) -> Membership:
    return _with_groups(db, [(member, db.get_one(User, member.user_id))])[0]


# -- the last admin -----------------------------------------------------------------------------------

def _keep_an_admin(db: Session, member: WorkspaceMember) -> None:
    """Refuse to remove the last active admin (404 as a validation failure, 20-workspaces §6.2-§7).

    The workspace row is locked first (PostgreSQL; SQLite writers are serialised anyway), so two admins
    demoting or removing each other at once cannot both succeed.
    """
    if not (member.admin and member.active):
        return
    # NO KEY UPDATE: serialises admins, yet lets entries (foreign keys to the workspace) be written.
    db.execute(select(Workspace.id).where(Workspace.id == member.workspace_id).with_for_update(key_share=True))
    other = db.scalar(
        select(WorkspaceMember.id).where(
            WorkspaceMember.workspace_id == member.workspace_id,
            WorkspaceMember.admin.is_(True),
            WorkspaceMember.active.is_(True),
            WorkspaceMember.id != member.id,
        ).limit(1)
    )
    if other is None:
        raise Invalid("last_admin")


# -- update, remove, leave ----------------------------------------------------------------------------

def _locked(db: Session, member: WorkspaceMember) -> WorkspaceMember:
    """The membership locked and reloaded (domain/locks.py), after its workspace's row: the order
    ``_keep_an_admin`` uses. Removed meanwhile: 404."""
    locks.lock_ids(db, Workspace, [member.workspace_id])
    found = locks.for_change(db, select(WorkspaceMember).where(WorkspaceMember.id == member.id), WorkspaceMember.id)
    if not found:
        raise NotFound("workspace_user_not_found")
    return found[0]


def update(db: Session, actor: Actor, member_id: int, changes: WorkspaceUserChanges,
           workspace_id: int | None = None) -> Membership:
    """``PUT /workspace_users/{id}``: admins of its workspace. Checks everything (groups of that
    workspace, the last admin) before changing anything. v9 names the workspace (``workspace_id``).
    """
    member = _locked(db, _load(db, actor, member_id, workspace_id))
    access.require_admin(actor, member.workspace_id)
    group_ids = None
    if changes.group_ids is not UNSET:
        group_ids = groups.check_group_ids(db, member.workspace_id, changes.group_ids or [])
    admin = None if changes.admin is UNSET else changes.admin
    if admin is False:
        _keep_an_admin(db, member)
    if admin is not None:
        member.admin = admin
    if group_ids is not None:
        groups.set_member_groups(db, member, group_ids)
    member.updated_at = utcnow()
    db.flush()
    return membership(db, member)


def _remove(db: Session, member: WorkspaceMember) -> int:
    """Delete the membership, its groups and the user's project users in that workspace; entries stay.

    A user whose default workspace this was moves to their lowest other active workspace, or none.
    """
    rates.lock_for_rates(db, [member.workspace_id])  # before any row lock (see domain/rates.py)
    _keep_an_admin(db, member)
    wid, uid, member_id = member.workspace_id, member.user_id, member.id
    db.execute(delete(GroupMember).where(GroupMember.workspace_member_id == member_id))
    webhook_changes.removing(db, "project_user", ProjectMember.user_id == uid, ProjectMember.workspace_id == wid)
    db.execute(delete(ProjectMember).where(ProjectMember.user_id == uid, ProjectMember.workspace_id == wid))
    rates.refresh(db, and_(TimeEntry.user_id == uid, TimeEntry.workspace_id == wid))  # project-user rates gone
    user = db.get_one(User, uid)
    if user.default_workspace_id == wid:
        user.default_workspace_id = db.scalar(
            select(WorkspaceMember.workspace_id)
            .where(WorkspaceMember.user_id == uid, WorkspaceMember.active.is_(True), WorkspaceMember.id != member_id)
            .order_by(WorkspaceMember.workspace_id)
            .limit(1)
        )
        user.updated_at = utcnow()
    db.delete(member)
    db.flush()
    organizations.succeed_owner(db, wid, uid)
    return member_id


def remove(db: Session, actor: Actor, member_id: int, workspace_id: int | None = None) -> int:
    """``DELETE /workspace_users/{id}``: admins of its workspace; the last admin stays. v9 names the
    workspace (``workspace_id``)."""
    member = _load(db, actor, member_id, workspace_id)
    access.require_admin(actor, member.workspace_id)
    return _remove(db, member)


def leave(db: Session, actor: Actor, workspace_id: int) -> int:
    """``DELETE /workspaces/{id}/leave``: the caller's own active membership (20-workspaces §7)."""
    access.require_member(actor, workspace_id)
    member = db.scalars(
        select(WorkspaceMember).where(WorkspaceMember.workspace_id == workspace_id,
                                      WorkspaceMember.user_id == actor.id)
    ).first()
    if member is None:
        raise NotFound("workspace_not_found")
    return _remove(db, member)


# -- inviting -----------------------------------------------------------------------------------------

def invite(db: Session, actor: Actor, workspace_id: int, emails: Sequence[str], *, invite_days: int
           ) -> Invited:
    """``POST /workspaces/{id}/invite`` (admins, O-28).

    Per address, in order (duplicates, compared case-insensitively, count once): an invalid one, an
    active member, or a member with a live invitation gives a notice; otherwise an account is found or
    a placeholder created (no password, 10-users-and-auth §5 completes it) and a pending membership
    with a fresh code is made. A pending member whose code expired (or never had one) gets a new code.
    """
    workspace = access.load_workspace(db, actor, workspace_id)
    access.require_admin(actor, workspace.id)
    if len(emails) > MAX_INVITES:
        raise Invalid("too_many_emails", max=MAX_INVITES)

    parsed = _parse_emails(emails)
    known = _known_users(db, parsed)
    members = {
        m.user_id: m
        for m in db.scalars(select(WorkspaceMember).where(
            WorkspaceMember.workspace_id == workspace.id,
            WorkspaceMember.user_id.in_([u.id for u in known.values()]),
        ))
    }
    now = utcnow()
    notices: list[tuple[str, dict[str, Any]]] = []
    created: list[Membership] = []
    seen: set[str] = set()
    for raw, email in parsed:
        if email is None:
            notices.append(("invite_invalid_email", {"email": raw.strip()}))
            continue
        if email.lower() in seen:
            continue
        seen.add(email.lower())
        user = known.get(email.lower())
        member = members.get(user.id) if user is not None else None
        notice = _why_not_invite(user, member, invite_days, now)
        if notice is not None:
            notices.append(notice)
            continue
        created.append(_invite_one(db, workspace.id, email, user, member, now))
    if created:
        by_member = groups.group_ids_of(db, [c.member.id for c in created])
        for c in created:
            c.group_ids = by_member.get(c.member.id, [])
    return Invited(workspace=workspace, created=created, notices=notices)


def _parse_emails(emails: Sequence[str]) -> list[tuple[str, str | None]]:
    """Each address as given with its valid form, or None when it is not a valid address."""
    parsed: list[tuple[str, str | None]] = []
    for raw in emails:
        try:
            parsed.append((raw, users.valid_email(raw)))
        except Invalid:
            parsed.append((raw, None))
    return parsed


def _known_users(db: Session, parsed: Sequence[tuple[str, str | None]]) -> dict[str, User]:
    """The accounts of the valid addresses, by lower-cased e-mail."""
    keys = list({email.lower() for _, email in parsed if email is not None})
    return {u.email.lower(): u for u in db.scalars(select(User).where(func.lower(User.email).in_(keys)))}


def _why_not_invite(user: User | None, member: WorkspaceMember | None, invite_days: int, now: datetime
                    ) -> tuple[str, dict[str, Any]] | None:
    """The notice for an address that gets no invitation: already a member, or invited with a live code."""
    if user is None or member is None:
        return None
    if member.active:
        return ("invite_already_member", {"email": user.email})
    if invite_live(member, invite_days, now):
        return ("invite_already_invited", {"email": user.email})
    return None


def _invite_one(db: Session, workspace_id: int, email: str, user: User | None, member: WorkspaceMember | None,
                now: datetime) -> Membership:
    """A pending membership with a fresh code; a placeholder account first for an unknown address."""
    if user is None:
        user = User(email=email, password_hash=None, api_token=security.new_api_token(),
                    fullname=users.fullname_from_email(email), created_at=now, updated_at=now)
        db.add(user)
        db.flush()
    if member is None:
        member = WorkspaceMember(workspace_id=workspace_id, user_id=user.id, admin=False, active=False,
                                 created_at=now)
        db.add(member)
    member.invite_code = new_code()
    member.invited_at = now
    member.updated_at = now
    db.flush()
    return Membership(member, user)


def invitation_mail(workspace: Workspace, inviter: User | UserRecord, invitee: User, url: str, invite_days: int
                    ) -> Mail:
    days = "1 day" if invite_days == 1 else f"{invite_days} days"
    text = (
        "Hello,\n\n"
        f"{inviter.fullname} invited you to join the workspace \"{workspace.name}\" on punchclock.\n\n"
        f"Accept the invitation here:\n{url}\n\n"
        f"The link can be used once and is valid for {days}.\n"
        f"If you did not expect this invitation, ignore this mail.\n"
    )
    return Mail(to=invitee.email, subject=f"Invitation to {workspace.name} on punchclock", text=text)


# -- accepting (O-29) ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Invitation:
    """What the accept page shows and what the accept action checks."""

    member_id: int
    user_id: int
    email: str
    fullname: str
    workspace_name: str
    #: The invited account has no password yet (created by the invitation).
    placeholder: bool


def _find(db: Session, code: str | None, invite_days: int) -> WorkspaceMember:
    """The pending membership of a live code; unknown, used and expired codes are all 404."""
    if not code or len(code) > MAX_CODE:
        raise NotFound("invitation_not_found")
    member = db.scalars(select(WorkspaceMember).where(WorkspaceMember.invite_code == code)).first()
    if member is None or not invite_live(member, invite_days):
        raise NotFound("invitation_not_found")
    return member


def invitation(db: Session, code: str | None, *, invite_days: int) -> Invitation:
    member = _find(db, code, invite_days)
    user = db.get_one(User, member.user_id)
    workspace = db.get_one(Workspace, member.workspace_id)
    return Invitation(member_id=member.id, user_id=user.id, email=user.email, fullname=user.fullname,
                      workspace_name=workspace.name, placeholder=user.password_hash is None)


def check_new_account(password: str | None, fullname: str | None) -> str | None:
    """Validate the form of a placeholder account (every message at once); the cleaned full name or None."""
    problems: list[tuple[str, dict[str, Any]]] = []
    if not password:
        problems.append(("password_blank", {}))
    elif len(password) < users.MIN_PASSWORD:
        problems.append(("password_too_short", {}))
    name = None
    if fullname is not None and fullname.strip():
        try:
            name = users.valid_fullname(fullname)
        except Invalid as err:
            problems.extend(err.codes)
    if problems:
        raise Invalid.many(problems)
    return name


@dataclass(frozen=True, slots=True)
class Accepted:
    membership: Membership
    workspace_name: str


def accept(db: Session, code: str | None, user_id: int, *, invite_days: int, password_hash: str | None = None,
           fullname: str | None = None) -> Accepted:
    """Accept the invitation of ``code`` as user ``user_id`` (who must be the invitee: 403 otherwise).

    With ``password_hash`` the invitee is a placeholder account that is completed (password, optional
    full name). The membership becomes active, the code is spent, and a user without a default
    workspace gets this one.
    """
    member = _find(db, code, invite_days)
    access.require_invitee(user_id, member)
    user = db.get_one(User, member.user_id)
    now = utcnow()
    if password_hash is not None:
        if user.password_hash is not None:  # completed meanwhile (a sign-up): its owner must sign in
            raise Unauthenticated("bad_credentials")
        user.password_hash = password_hash
        if fullname:
            user.fullname = fullname
        user.updated_at = now
    if user.default_workspace_id is None:
        user.default_workspace_id = member.workspace_id
        user.updated_at = now
    member.active = True
    member.invite_code = None
    member.updated_at = now
    db.flush()
    return Accepted(membership(db, member), db.get_one(Workspace, member.workspace_id).name)
