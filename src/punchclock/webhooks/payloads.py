"""Event payloads (70- §5.2): the entity as API v9 renders it, without ``meta``, as of the commit.

Each kind goes through the v9 renderer of its GET route (``http/v9/schemas/*``) and the rows the domain
reads for it, as its workspace's admins see it; ``redacted`` then takes away what a non-admin creator may
not read. A ``deleted`` event carries the last state: tombstones still have their row (with
``server_deleted_at``/``deleted_at`` set); removed project and workspace users come from ``last``, the
row's columns kept when it was removed (``webhooks/changes.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, bindparam, select
from sqlalchemy.orm import Session

from punchclock.db.base import table
from punchclock.domain import groups, project_lists, tasks, workspaces
from punchclock.domain.access import View
from punchclock.domain.actor import Actor, UserRecord
from punchclock.domain.clients import ClientRow
from punchclock.domain.members import MemberRow
from punchclock.domain.project_lists import ProjectQuery
from punchclock.domain.project_users import ProjectUserRow
from punchclock.domain.tags import TagRow
from punchclock.domain.tasks import TaskQuery
from punchclock.domain.time_entries import Saved, queries, stamps
from punchclock.domain.timekeeping import EPOCH
from punchclock.domain.workspaces import WorkspaceRow
from punchclock.http.v9.schemas.clients import client_out
from punchclock.http.v9.schemas.members import workspace_user_out
from punchclock.http.v9.schemas.project_users import project_user_out
from punchclock.http.v9.schemas.projects import project_out
from punchclock.http.v9.schemas.tags import tag_out
from punchclock.http.v9.schemas.tasks import task_out
from punchclock.http.v9.schemas.time_entries import entry_out, saved_out
from punchclock.http.v9.schemas.workspaces import workspace_out
from punchclock.models import Client, ProjectMember, Tag, TimeEntry, TimeEntryTag, User, Workspace, WorkspaceMember
from punchclock.webhooks.changes import REMOVED_COLUMNS

#: The view of a workspace's admins: every rate shown.
ADMIN_VIEW = View(show_rates=True, admin=True)
#: Rate keys of each kind's object (clients, tags, tasks, time entries and workspace users show none).
_RATE_KEYS = {"project": ("rate",), "project_user": ("rate",), "workspace": ("default_hourly_rate",)}
#: A moment before every row: "changed since" reads that include tombstones.
_ALWAYS = datetime(1970, 1, 1, tzinfo=UTC)

#: What ``webhooks/changes.py`` recorded of the row: the columns of a removed one, a new time entry's ``Saved``.
Last = Any


def _admin_of(workspace_id: int) -> Actor:
    """Someone who administers exactly this workspace, for the domain's actor-scoped reads."""
    user = UserRecord(
        id=0, email="", password_hash=None, api_token="", fullname="", timezone="UTC", timeofday_format="H:mm",
        date_format="YYYY-MM-DD", beginning_of_week=1, language="en_US", store_start_and_stop_time=True,
        sidebar_piechart=False, send_product_emails=False, send_weekly_report=False, send_timer_notifications=False,
        duration_format="improved", default_workspace_id=workspace_id, disabled_at=None, last_login_at=None,
        created_at=EPOCH, updated_at=EPOCH)
    return Actor(user=user, workspaces={workspace_id: True}, rates_hidden={workspace_id: False})


def _by_id(model: Any, names: Sequence[str]) -> Select[Any]:
    columns = table(model).c
    return select(*(columns[n] for n in names)).where(columns.id == bindparam("id"))


#: Prebuilt reads of one row by id, deleted ones included, in the field order of the domain's row types.
_TT, _TG = table(TimeEntryTag).c, table(Tag).c
#: An entry and its live tags, one row per tag (one without any): the object in one query (a hot path).
_ENTRY = (
    select(*queries.COLUMNS, _TG.id, _TG.name)
    .select_from(table(TimeEntry).outerjoin(table(TimeEntryTag), _TT.time_entry_id == queries.T.id)
                 .outerjoin(table(Tag), and_(_TG.id == _TT.tag_id, _TG.deleted_at.is_(None))))
    .where(queries.T.id == bindparam("id"))
)
_CLIENT = _by_id(Client, ClientRow._fields)
_TAG = _by_id(Tag, TagRow._fields)
_WORKSPACE = _by_id(Workspace, WorkspaceRow._fields)
_PROJECT_USER = _by_id(ProjectMember, ProjectUserRow._fields)
#: A membership's own columns: what a removed one leaves behind (``changes.REMOVED_COLUMNS``).
_MEMBER = REMOVED_COLUMNS["workspace_user"]
_MEMBERSHIP = _by_id(WorkspaceMember, _MEMBER)


def _row(db: Session, stmt: Select[Any], entity_id: int) -> Any:
    return db.connection().execute(stmt, {"id": entity_id}).first()


def _time_entry(db: Session, entity_id: int, workspace_id: int, last: Last) -> dict[str, Any] | None:
    if isinstance(last, Saved) and last.entry.workspace_id == workspace_id:
        return saved_out(last)  # what the write answered, as its GET renders it: nothing to read back
    rows = db.connection().execute(_ENTRY, {"id": entity_id}).all()
    if not rows:
        return None
    entry = queries.EntryRow._make(rows[0][:-2])
    if entry.workspace_id != workspace_id:
        # Moved away (``deleted`` here, 70- §5.1): the entry as it leaves, nothing of its new workspace.
        return entry_out(stamps(entry._replace(workspace_id=workspace_id, project_id=None, task_id=None,
                                               deleted_at=entry.deleted_at or entry.updated_at)), [])
    return entry_out(stamps(entry), queries.sort_pairs((r[-2], r[-1]) for r in rows if r[-2] is not None))


def _project(db: Session, entity_id: int, workspace_id: int, last: Last) -> dict[str, Any] | None:
    query = ProjectQuery(today=datetime.now(UTC).date(), project_ids=(entity_id,), since=_ALWAYS)
    found = project_lists.select_rows(db, _admin_of(workspace_id), query)
    return project_out(found[0], ADMIN_VIEW) if found else None


def _task(db: Session, entity_id: int, workspace_id: int, last: Last) -> dict[str, Any] | None:
    query = TaskQuery(task_ids=[entity_id], since=_ALWAYS, premium_only=False)
    found = tasks.details(db, _admin_of(workspace_id), query)
    return task_out(found[0]) if found else None


def _client(db: Session, entity_id: int, workspace_id: int, last: Last) -> dict[str, Any] | None:
    row = _row(db, _CLIENT, entity_id)
    return client_out(ClientRow._make(row)) if row is not None else None


def _tag(db: Session, entity_id: int, workspace_id: int, last: Last) -> dict[str, Any] | None:
    row = _row(db, _TAG, entity_id)
    return tag_out(TagRow._make(row)) if row is not None else None


def _workspace(db: Session, entity_id: int, workspace_id: int, last: Last) -> dict[str, Any] | None:
    row = _row(db, _WORKSPACE, entity_id)
    return workspace_out(WorkspaceRow._make(row), ADMIN_VIEW) if row is not None else None


def _project_user(db: Session, entity_id: int, workspace_id: int, last: Last) -> dict[str, Any] | None:
    row = _row(db, _PROJECT_USER, entity_id)
    if row is None:
        return None if last is None else project_user_out(ProjectUserRow(**last), ADMIN_VIEW)
    return project_user_out(ProjectUserRow._make(row), ADMIN_VIEW)


def _workspace_user(db: Session, entity_id: int, workspace_id: int, last: Last) -> dict[str, Any] | None:
    """30- §4.2 as admins see it, except ``invite_url``: an invitation link is a credential, never sent."""
    row = _row(db, _MEMBERSHIP, entity_id)
    state: Mapping[str, Any] | None = dict(zip(_MEMBER, row, strict=True)) if row is not None else last
    if state is None:
        return None
    user = db.execute(select(User.email, User.fullname, User.timezone).where(User.id == state["user_id"])).first()
    if user is None:
        return None
    group_ids = groups.group_ids_of(db, [entity_id]).get(entity_id, []) if row is not None else []
    member = MemberRow._make((*(state[n] for n in _MEMBER), user.email, user.fullname, user.timezone, group_ids))
    org_admins = workspaces.organization_admins(db, workspaces.organization_of(db, workspace_id))
    return workspace_user_out(member, caller_admin=True, organization_admin=member.user_id in org_admins,
                              invite_url=None)


_RENDERERS: dict[str, Callable[[Session, int, int, Last], dict[str, Any] | None]] = {
    "client": _client, "project": _project, "project_user": _project_user, "tag": _tag, "task": _task,
    "time_entry": _time_entry, "workspace": _workspace, "workspace_user": _workspace_user,
}


def render(db: Session, entity: str, entity_id: int, workspace_id: int, last: Last = None) -> dict[str, Any] | None:
    """The payload of an event about ``entity_id`` in ``workspace_id``; None when nothing is left to show."""
    return _RENDERERS[entity](db, entity_id, workspace_id, last)


def redacted(entity: str, payload: Any) -> Any:
    """``payload`` as a non-admin creator may read it (``redact_rates``, 70- §5.2): rates ``null``; for
    workspace users no e-mail (V-24); for the workspace the creator's own role, and its default rate only
    where the workspace shows rates to everyone."""
    if not isinstance(payload, dict):
        return payload
    out = dict(payload)
    for key in _RATE_KEYS.get(entity, ()):
        if key in out:
            out[key] = None
    if entity == "workspace_user":
        out["email"] = None
        out["invite_url"] = None
    elif entity == "workspace":
        out.update(admin=False, role="user")
        if not payload.get("only_admins_see_billable_rates"):
            out["default_hourly_rate"] = payload.get("default_hourly_rate")
    return out
