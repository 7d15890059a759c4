"""The spool of one workspace → a ``WorkspaceSource``: API v9 objects and Reports v3 rows become records.

Ids point at names through the pulled catalog (a project's client, a task's project, a member's e-mail),
because records name their references. Entries are read lazily from the spool file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from punchclock.transfer.files import v9_objects
from punchclock.transfer.files.jsonfields import BadObject
from punchclock.transfer.pull.entries import search_path
from punchclock.transfer.pull.fetch import V9
from punchclock.transfer.pull.spool import Spool
from punchclock.transfer.records import (
    ClientRecord,
    EntryRecord,
    GroupRecord,
    Location,
    MemberRecord,
    ProjectRecord,
    ProjectUserRecord,
    Rejection,
    TaskRecord,
    WorkspaceRecord,
    WorkspaceSource,
)

T = TypeVar("T")
_SETTINGS = ("rounding", "rounding_minutes", "only_admins_may_create_projects", "only_admins_may_create_tags",
             "only_admins_see_billable_rates", "projects_billable_by_default", "projects_private_by_default")


def money(value: Any) -> Decimal | None:
    """A JSON number (parsed as float) back to its exact decimal text; None stays None."""
    return None if value is None else Decimal(repr(value) if isinstance(value, float) else str(value))


def instant(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"no time zone in {value!r}")
    return moment


@dataclass
class Catalog:
    """Names by source id, to resolve references."""

    emails: dict[int, str] = field(default_factory=dict)
    clients: dict[int, str] = field(default_factory=dict)
    #: project id -> (name, client name)
    projects: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    tasks: dict[int, str] = field(default_factory=dict)
    #: Objects the server sent that no column can hold (a name too long, a rate out of range).
    rejections: list[Rejection] = field(default_factory=list)

    def read(self, path: str, obj: dict[str, Any], read: Callable[[dict[str, Any]], T]) -> T | None:
        """``read(obj)``, or None and a rejection naming the object."""
        try:
            return read(obj)
        except BadObject as exc:
            self.rejections.append(Rejection(Location(V9 + path), f"id {obj.get('id')}: {exc}"))
            return None


@dataclass
class Mapped:
    """A workspace's source, and what the mapping decided not to import (counted, not rejected)."""

    source: WorkspaceSource
    admin: bool
    running: list[int] = field(default_factory=list)


def workspace_record(ws: dict[str, Any]) -> WorkspaceRecord:
    return WorkspaceRecord(external_id=str(ws["id"]), name=ws["name"],
                           default_hourly_rate=money(ws.get("default_hourly_rate")),
                           default_currency=ws.get("default_currency"),
                           **{k: ws.get(k) for k in _SETTINGS})


def members(spool: Spool, workspace_id: int, me: dict[str, Any], catalog: Catalog) -> list[MemberRecord]:
    """Members with a known e-mail (an admin sees every e-mail; a member only their own)."""
    out = []
    for wu in spool.rows(f"ws{workspace_id}/workspace_users"):
        user_id = wu.get("user_id", wu.get("uid"))
        email = wu.get("email") or (me.get("email") if user_id == me.get("id") else None)
        if not email:
            continue
        catalog.emails[user_id] = email
        out.append(MemberRecord(external_id=str(user_id), email=email, name=wu.get("name") or "",
                                admin=bool(wu.get("admin")), active=bool(wu.get("active", True)),
                                timezone=wu.get("timezone")))
    return out


def groups(spool: Spool, workspace_id: int, catalog: Catalog) -> list[GroupRecord]:
    """Groups, their members from the memberships' ``group_ids`` (the group object lists no users)."""
    emails: dict[int, list[str]] = {}
    for wu in spool.rows(f"ws{workspace_id}/workspace_users"):
        email = catalog.emails.get(wu.get("user_id", wu.get("uid")))
        for group_id in wu.get("group_ids") or []:
            if email:
                emails.setdefault(group_id, []).append(email)
    return [GroupRecord(external_id=str(g["id"]), name=g["name"], member_emails=tuple(sorted(emails.get(g["id"], []))))
            for g in spool.rows(f"ws{workspace_id}/groups")]


def clients(spool: Spool, workspace_id: int, catalog: Catalog) -> list[ClientRecord]:
    out = []
    for c in spool.rows(f"ws{workspace_id}/clients"):
        record = catalog.read(f"/workspaces/{workspace_id}/clients", c, v9_objects.client)
        if record is not None:
            catalog.clients[c["id"]] = record.name
            out.append(record)
    return out


def projects(spool: Spool, workspace_id: int, catalog: Catalog) -> list[ProjectRecord]:
    out = []
    for p in spool.rows(f"ws{workspace_id}/projects"):
        client_id = p.get("client_id", p.get("cid"))
        client = catalog.clients.get(client_id) if client_id else None
        record = catalog.read(f"/workspaces/{workspace_id}/projects", p,
                              partial(v9_objects.project, client_name=client))
        if record is not None:
            catalog.projects[p["id"]] = (record.name, client)
            out.append(record)
    return out


def project_users(spool: Spool, workspace_id: int, catalog: Catalog) -> list[ProjectUserRecord]:
    """Project users of known projects and known e-mails (others' e-mails are hidden from non-admins)."""
    out = []
    for pu in spool.rows(f"ws{workspace_id}/project_users"):
        project = catalog.projects.get(pu["project_id"])
        email = catalog.emails.get(pu["user_id"])
        if project and email:
            out.append(ProjectUserRecord(project=project[0], client=project[1], email=email,
                                         manager=bool(pu.get("manager")), rate=money(pu.get("rate"))))
    return out


def tasks(spool: Spool, workspace_id: int, catalog: Catalog) -> list[TaskRecord]:
    out = []
    for t in spool.rows(f"ws{workspace_id}/tasks"):
        project = catalog.projects.get(t["project_id"])
        if project is None:
            continue
        catalog.tasks[t["id"]] = t["name"]
        out.append(TaskRecord(external_id=str(t["id"]), name=t["name"], project=project[0], client=project[1],
                              active=bool(t.get("active", True)), estimated_seconds=t.get("estimated_seconds") or 0,
                              assignee_email=catalog.emails.get(t.get("user_id"))))
    return out


def report_entries(spool: Spool, workspace_id: int) -> Iterator[EntryRecord | Rejection]:
    """Detailed-report rows (one entry each with ``grouped: false``; every entry of a row if grouped)."""
    path = search_path(workspace_id)
    for row in spool.rows(f"ws{workspace_id}/time_entries"):
        where = Location(path, row.get("row_number") or 0)
        if not row.get("email"):
            yield Rejection(where, f"no e-mail for user {row.get('username')!r} (id {row.get('user_id')})")
            continue
        for te in row.get("time_entries") or []:
            try:
                start, stop = instant(te["start"]), instant(te["stop"])
            except (KeyError, TypeError, ValueError) as exc:
                yield Rejection(where, f"time entry {te.get('id')}: bad start/stop ({exc})")
                continue
            yield EntryRecord(where=where, user_email=row["email"], user_name=row.get("username") or "",
                              start=start, stop=stop, description=row.get("description") or "",
                              client=row.get("client_name"), project=row.get("project_name"),
                              task=row.get("task_name"), billable=bool(row.get("billable")),
                              tags=tuple(row.get("tag_names") or ()), external_id=str(te["id"]))


def own_entries(spool: Spool, workspace_id: int, me: dict[str, Any], catalog: Catalog,
                running: list[int]) -> Iterator[EntryRecord | Rejection]:
    """API v9 entries of the token owner; a running one (no stop) is noted in ``running`` and left out.
    Names come from the catalog, else from the ``meta`` fields (a private project the owner may not list)."""
    where = Location(V9 + "/me/time_entries")
    for te in spool.rows(f"ws{workspace_id}/my_time_entries"):
        if te.get("stop") is None:
            running.append(te["id"])
            continue
        project_id, task_id = te.get("project_id", te.get("pid")), te.get("task_id", te.get("tid"))
        project = catalog.projects.get(project_id) if project_id else None
        if project is None and te.get("project_name"):
            project = (te["project_name"], te.get("client_name"))
        task = catalog.tasks.get(task_id, te.get("task_name")) if task_id else None
        yield EntryRecord(where=where, user_email=me["email"], user_name=me.get("fullname") or "",
                          start=instant(te["start"]), stop=instant(te["stop"]),
                          description=te.get("description") or "",
                          client=project[1] if project else None, project=project[0] if project else None,
                          task=task, billable=bool(te.get("billable")), tags=tuple(te.get("tags") or ()),
                          external_id=str(te["id"]))


def workspace_source(spool: Spool, origin: str, ws: dict[str, Any]) -> Mapped:
    """The records of a pulled workspace; entries stream from the spool when iterated."""
    me = next(spool.rows("me"))
    catalog = Catalog()
    workspace_id, admin = ws["id"], bool(ws.get("admin"))
    source = WorkspaceSource(origin=origin, workspace=workspace_record(ws))
    source.members = members(spool, workspace_id, me, catalog)
    source.groups = groups(spool, workspace_id, catalog)
    source.clients = clients(spool, workspace_id, catalog)
    source.projects = projects(spool, workspace_id, catalog)
    source.project_users = project_users(spool, workspace_id, catalog)
    source.tasks = tasks(spool, workspace_id, catalog)
    source.tags = [t for t in (catalog.read(f"/workspaces/{workspace_id}/tags", o, v9_objects.tag)
                               for o in spool.rows(f"ws{workspace_id}/tags")) if t is not None]
    source.rejections = catalog.rejections
    mapped = Mapped(source=source, admin=admin)
    if admin:
        source.entries = report_entries(spool, workspace_id)
        current = next(spool.rows("current"), None)
        if current and current.get("workspace_id", current.get("wid")) == workspace_id:
            mapped.running.append(current["id"])
    else:
        source.entries = own_entries(spool, workspace_id, me, catalog, mapped.running)
    return mapped
