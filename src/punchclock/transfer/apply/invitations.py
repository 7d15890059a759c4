"""The invitation mails of the people an import made placeholders for (``--invite``), built only after the
import committed, with the same text as an admin's invitation (``domain/members.py``)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.domain import members
from punchclock.domain.mail import Mail
from punchclock.models import User, Workspace, WorkspaceMember
from punchclock.transfer.outcome import Outcome


def _inviter(db: Session, workspace_id: int) -> User:
    """Who the mail names as inviting: the workspace's first active admin (an unsaved stand-in if none)."""
    admin = db.scalars(select(User).join(WorkspaceMember, WorkspaceMember.user_id == User.id).where(
        WorkspaceMember.workspace_id == workspace_id, WorkspaceMember.admin.is_(True),
        WorkspaceMember.active.is_(True)).order_by(WorkspaceMember.id).limit(1)).first()
    return admin if admin is not None else User(email="", fullname="An administrator")


def invitation_mails(db: Session, outcome: Outcome, *, public_url: str, invite_days: int) -> list[Mail]:
    """One mail per placeholder user the (committed) import created, with its membership's invite link."""
    if outcome.workspace_id is None or not outcome.invited_user_ids:
        return []
    workspace = db.get_one(Workspace, outcome.workspace_id)
    inviter = _inviter(db, workspace.id)
    rows = db.execute(select(User, WorkspaceMember.invite_code).join(
        WorkspaceMember, WorkspaceMember.user_id == User.id).where(
        WorkspaceMember.workspace_id == workspace.id, User.id.in_(outcome.invited_user_ids),
        WorkspaceMember.invite_code.is_not(None)).order_by(User.id)).tuples().all()
    return [members.invitation_mail(workspace, inviter, user, members.invite_url(public_url, str(code)), invite_days)
            for user, code in rows]
