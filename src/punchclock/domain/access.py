"""Every visibility and permission rule, in one place.

Services start their queries from the ``readable_*`` statements here, so that an id from another
workspace is indistinguishable from a missing one, and ask the ``can_*``/``require_*`` helpers
before they change anything.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    SQLColumnExpression,
    and_,
    bindparam,
    exists,
    false,
    or_,
    select,
)
from sqlalchemy.orm import Session

from punchclock.domain.actor import Actor
from punchclock.domain.errors import Forbidden, NotFound
from punchclock.models import (
    Client,
    Group,
    Project,
    ProjectMember,
    Tag,
    Task,
    TimeEntry,
    Workspace,
    WorkspaceMember,
)


@dataclass(frozen=True, slots=True)
class View:
    """What the actor may see of a workspace's objects when they are rendered."""

    show_rates: bool
    admin: bool


def view_for(actor: Actor, workspace: Workspace) -> View:
    admin = actor.is_admin(workspace.id)
    return View(show_rates=admin or not workspace.only_admins_see_billable_rates, admin=admin)


def require_member(actor: Actor, workspace_id: int | None) -> int:
    if workspace_id is None or not actor.is_member(workspace_id):
        raise NotFound("workspace_not_found")
    return workspace_id


def require_admin(actor: Actor, workspace_id: int) -> None:
    require_member(actor, workspace_id)
    if not actor.is_admin(workspace_id):
        raise Forbidden("admin_only")


def _in_my_workspaces(actor: Actor, column: SQLColumnExpression[int]) -> ColumnElement[bool]:
    ids = list(actor.workspaces)
    return column.in_(ids) if ids else false()


def readable_workspaces(actor: Actor) -> Select[Workspace]:
    return select(Workspace).where(_in_my_workspaces(actor, Workspace.id)).order_by(Workspace.id)


def load_workspace(session: Session, actor: Actor, workspace_id: int) -> Workspace:
    require_member(actor, workspace_id)
    ws = session.get(Workspace, workspace_id)
    if ws is None:
        raise NotFound("workspace_not_found")
    return ws


def readable_clients(actor: Actor, *, with_deleted: bool = False) -> Select[Client]:
    return select(Client).where(client_readable(_in_my_workspaces(actor, Client.workspace_id), with_deleted))


def readable_tags(actor: Actor, *, with_deleted: bool = False) -> Select[Tag]:
    return select(Tag).where(tag_readable(_in_my_workspaces(actor, Tag.workspace_id), with_deleted))


def project_visibility(in_workspace: ColumnElement[bool], admin_of_workspace: ColumnElement[bool],
                       user_id: int | ColumnElement[int]) -> ColumnElement[bool]:
    """The project visibility rule, whatever form the actor takes (Python values or bind parameters).

    A project of a workspace the actor belongs to (``in_workspace``) that is public, or of a workspace
    they administer (``admin_of_workspace``), or has ``user_id`` as a project user.
    """
    projects = Project.__table__.c
    members = ProjectMember.__table__.c
    member_of = exists().where(members.project_id == projects.id, members.user_id == user_id)
    return and_(in_workspace, or_(projects.is_private.is_(False), admin_of_workspace, member_of))


def project_visible(actor: Actor, user_id: int | None = None) -> ColumnElement[bool]:
    """Public projects, every project of an admin's workspace, private ones the user belongs to.

    ``user_id`` asks the question for another member (an admin filing time for them).
    """
    uid = actor.id if user_id is None else user_id
    admin_ids = [w for w, admin in actor.workspaces.items() if admin] if user_id is None else []
    return project_visibility(
        _in_my_workspaces(actor, Project.workspace_id),
        Project.workspace_id.in_(admin_ids) if admin_ids else false(),
        uid,
    )


def readable_projects(actor: Actor, *, with_deleted: bool = False) -> Select[Project]:
    stmt = select(Project).where(project_visible(actor))
    if not with_deleted:
        stmt = stmt.where(Project.deleted_at.is_(None))
    return stmt


def load_project(session: Session, actor: Actor, project_id: int) -> Project:
    project = session.scalars(readable_projects(actor).where(Project.id == project_id)).first()
    if project is None:
        raise NotFound("project_not_found")
    return project


def is_project_manager(session: Session, actor: Actor, project: Project) -> bool:
    if actor.is_admin(project.workspace_id):
        return True
    return bool(
        session.scalar(
            select(ProjectMember.manager).where(
                ProjectMember.project_id == project.id, ProjectMember.user_id == actor.id
            )
        )
    )


def require_project_manager(session: Session, actor: Actor, project: Project) -> None:
    if not is_project_manager(session, actor, project):
        raise Forbidden("manager_only")


def user_sees_project(session: Session, user_id: int, project: Project) -> bool:
    """Whether member ``user_id`` may put time on ``project`` (public, or a project user of it)."""
    if not project.is_private:
        return True
    return (
        session.scalar(
            select(ProjectMember.id).where(
                ProjectMember.project_id == project.id, ProjectMember.user_id == user_id
            )
        )
        is not None
    )


def readable_tasks(actor: Actor, *, with_deleted: bool = False) -> Select[Task]:
    return select(Task).where(task_readable(project_visible(actor), with_deleted))


# -- time entries: one rule for ORM statements and the prebuilt Core statements of the hot paths ------

_TE = TimeEntry.__table__.c
#: The actor's own entries plus every entry of the workspaces they administer. Bound parameters, so that
#: statements built once at import carry the rule; ``time_entry_params`` gives their values.
TIME_ENTRY_VISIBLE: ColumnElement[bool] = or_(
    _TE.user_id == bindparam("te_actor_id"),
    _TE.workspace_id.in_(bindparam("te_admin_workspace_ids", expanding=True)),
)
#: Entries that are not deleted.
TIME_ENTRY_LIVE: ColumnElement[bool] = _TE.deleted_at.is_(None)


def time_entry_params(actor: Actor) -> dict[str, Any]:
    """The values of ``TIME_ENTRY_VISIBLE``'s parameters for ``actor``."""
    return {"te_actor_id": actor.id,
            "te_admin_workspace_ids": [w for w, admin in actor.workspaces.items() if admin]}


def readable_time_entries(actor: Actor, *, with_deleted: bool = False) -> Select[TimeEntry]:
    """The actor's own entries plus every entry of the workspaces they administer."""
    stmt = select(TimeEntry).where(TIME_ENTRY_VISIBLE)
    if not with_deleted:
        stmt = stmt.where(TIME_ENTRY_LIVE)
    return stmt.params(time_entry_params(actor))





def views(db: Session, actor: Actor) -> dict[int, View]:
    """``View`` of every workspace the actor belongs to (flags loaded at authentication, else one query)."""
    if actor.rates_hidden is not None:
        return {
            wid: View(show_rates=actor.is_admin(wid) or not hidden, admin=actor.is_admin(wid))
            for wid, hidden in actor.rates_hidden.items()
        }
    rows = db.execute(
        select(Workspace.id, Workspace.only_admins_see_billable_rates).where(
            _in_my_workspaces(actor, Workspace.id)
        )
    ).all()
    return {
        wid: View(show_rates=actor.is_admin(wid) or not hidden, admin=actor.is_admin(wid))
        for wid, hidden in rows
    }


def readable_project_members(actor: Actor) -> Select[ProjectMember]:
    """Project users of the live projects the actor can see (admins: every project of their workspaces)."""
    visible = select(Project.id).where(project_visible(actor), Project.deleted_at.is_(None))
    return select(ProjectMember).where(ProjectMember.project_id.in_(visible))


def managed_project_ids(session: Session, actor: Actor, project_workspaces: Mapping[int, int]) -> set[int]:
    """The projects among ``{project_id: workspace_id}`` the actor may manage, in at most one query.

    Batch form of ``is_project_manager`` for mass actions: admins manage every project of their
    workspaces, others the projects where they are a project user with ``manager: true``.
    """
    managed = {pid for pid, wid in project_workspaces.items() if actor.is_admin(wid)}
    rest = [pid for pid in project_workspaces if pid not in managed]
    if rest:
        managed.update(session.scalars(
            select(ProjectMember.project_id).where(
                ProjectMember.project_id.in_(rest),
                ProjectMember.user_id == actor.id,
                ProjectMember.manager.is_(True),
            )
        ))
    return managed


def report_entry_visible(actor: Actor, workspace_id: int) -> ColumnElement[bool]:
    """Entries of a workspace the actor may see in reports and dashboards (50-reports §2, O-58).

    Admins see every non-deleted entry of the workspace. Other active members see the entries of all
    members too, except those on private projects they are not a project user of. Entries without a
    project are visible. Not a member: nothing.
    """
    if not actor.is_member(workspace_id):
        return false()
    in_workspace = and_(TimeEntry.workspace_id == workspace_id, TimeEntry.deleted_at.is_(None))
    if actor.is_admin(workspace_id):
        return in_workspace
    visible = select(Project.id).where(Project.workspace_id == workspace_id, project_visible(actor))
    return and_(in_workspace, or_(TimeEntry.project_id.is_(None), TimeEntry.project_id.in_(visible)))


def readable_report_entries(actor: Actor, workspace_id: int) -> Select[TimeEntry]:
    """``report_entry_visible`` as a statement over whole entries."""
    return select(TimeEntry).where(report_entry_visible(actor, workspace_id))


def require_team_dashboard(actor: Actor, workspace: Workspace) -> None:
    """Active membership (404 otherwise); non-admins get 403 when only admins see the team dashboard."""
    require_member(actor, workspace.id)
    if workspace.only_admins_see_team_dashboard and not actor.is_admin(workspace.id):
        raise Forbidden("admin_only")


# -- workspace users, invitations, groups (20-workspaces §6-§8) ---------------------------------------

def readable_workspace_members(actor: Actor) -> Select[WorkspaceMember]:
    """Memberships of the workspaces the actor actively belongs to, pending invitations included (O-26, O-30)."""
    return select(WorkspaceMember).where(_in_my_workspaces(actor, WorkspaceMember.workspace_id))


def sees_invite_urls(actor: Actor, workspace_id: int) -> bool:
    """Invitation links of pending members are shown to the workspace's admins only (20-workspaces §6)."""
    return actor.is_admin(workspace_id)


def readable_groups(actor: Actor) -> Select[Group]:
    """Groups of the actor's workspaces; every use of them still needs ``require_admin`` (O-26, O-27)."""
    return select(Group).where(_in_my_workspaces(actor, Group.workspace_id))


def require_invitee(user_id: int, member: WorkspaceMember) -> None:
    """Only the invited account may accept an invitation (O-29); anyone else gets 403."""
    if member.user_id != user_id:
        raise Forbidden("invitation_other_account")


# -- who files time for whom (40-time-entries §1, O-27) ---------------------------------------------

def require_time_filer(actor: Actor, workspace_id: int, owner_id: int,
                       owner_admin: Callable[[], bool | None]) -> None:
    """Active members file their own time; admins also that of any active member (``owner_admin`` is
    None for a non-member: 404). A non-admin naming someone else gets 403."""
    require_member(actor, workspace_id)
    if owner_id != actor.id:
        if not actor.is_admin(workspace_id):
            raise Forbidden("admin_only")
        if owner_admin() is None:
            raise NotFound("workspace_not_found")


def require_owner_sees_project(session: Session, actor: Actor, project: Project, owner_id: int,
                               owner_admin: Callable[[], bool | None]) -> None:
    """Time on a private project only for its project users (admins see every project): an admin filing
    for a member who is not in it gets 403."""
    if owner_id == actor.id or owner_admin():
        return
    if not user_sees_project(session, owner_id, project):
        raise Forbidden("cannot_add_time")


# -- project visibility as prebuilt Core clauses (hot paths; the rule stays ``project_visibility``) ----

def project_visible_in_workspace() -> ColumnElement[bool]:
    """Visible projects of one workspace, binding ``pv_wid``, ``pv_admin`` and ``pv_uid``.

    For statements built once at import, with ``project_workspace_params`` as values; the caller has
    checked membership (``require_member``).
    """
    projects = Project.__table__.c
    return project_visibility(projects.workspace_id == bindparam("pv_wid"), bindparam("pv_admin", type_=Boolean),
                              bindparam("pv_uid"))


def project_workspace_params(actor: Actor, workspace_id: int) -> dict[str, Any]:
    return {"pv_wid": workspace_id, "pv_admin": actor.is_admin(workspace_id), "pv_uid": actor.id}


def project_visible_anywhere() -> ColumnElement[bool]:
    """``project_visible(actor)`` binding ``pv_wids``, ``pv_admin_wids`` and ``pv_uid`` (``project_actor_params``)."""
    projects = Project.__table__.c
    return project_visibility(projects.workspace_id.in_(bindparam("pv_wids", expanding=True)),
                              projects.workspace_id.in_(bindparam("pv_admin_wids", expanding=True)),
                              bindparam("pv_uid"))


def project_actor_params(actor: Actor) -> dict[str, Any]:
    return {"pv_wids": list(actor.workspaces), "pv_admin_wids": [w for w, admin in actor.workspaces.items() if admin],
            "pv_uid": actor.id}


# -- workspace objects as prebuilt Core clauses (the lists' hot paths) ---------------------------------
# One rule per kind over table columns: the ORM ``readable_*`` statements above pass the actor's
# workspaces as values, the statements built once at import pass the bound forms below.

def in_member_workspaces(column: SQLColumnExpression[int]) -> ColumnElement[bool]:
    """``_in_my_workspaces`` binding ``mw_ids`` (values: ``member_params``)."""
    return column.in_(bindparam("mw_ids", expanding=True))


def member_params(actor: Actor) -> dict[str, Any]:
    return {"mw_ids": list(actor.workspaces)}


def in_checked_workspace(column: SQLColumnExpression[int]) -> ColumnElement[bool]:
    """``column`` is the workspace bound as ``scope_wid``, which the caller checked (``require_member`` or
    ``require_admin``): within it, the same rows as ``_in_my_workspaces``."""
    return column == bindparam("scope_wid")


def client_readable(in_workspace: ColumnElement[bool], with_deleted: bool = False) -> ColumnElement[bool]:
    """Clients of the actor's workspaces (``in_workspace``); tombstones only when asked for."""
    return in_workspace if with_deleted else and_(in_workspace, Client.__table__.c.deleted_at.is_(None))


def tag_readable(in_workspace: ColumnElement[bool], with_deleted: bool = False) -> ColumnElement[bool]:
    """Tags of the actor's workspaces (``in_workspace``); tombstones only when asked for."""
    return in_workspace if with_deleted else and_(in_workspace, Tag.__table__.c.deleted_at.is_(None))


def task_readable(project_visible_clause: ColumnElement[bool], with_deleted: bool = False) -> ColumnElement[bool]:
    """Tasks of the projects the actor can see (``project_visible`` or its bound forms above)."""
    tasks = Task.__table__.c
    visible = tasks.project_id.in_(select(Project.__table__.c.id).where(project_visible_clause))
    return visible if with_deleted else and_(visible, tasks.deleted_at.is_(None))
