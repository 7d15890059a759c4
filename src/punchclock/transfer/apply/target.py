"""The target workspace while an import writes into it: what exists by name, the import links, and the
few statements that create one catalog row.

Everything is written with Core statements: no ORM object per row, and no webhook event for imported rows
(the ORM flush hooks record those; a bulk history would flood subscribers).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, insert, select

from punchclock.db.base import table
from punchclock.models import Client, Group, ImportLink, Project, Tag, Task
from punchclock.transfer.outcome import Outcome

_L = table(ImportLink)
_KINDS: dict[type[Any], str] = {Client: "client", Project: "project", Task: "task", Tag: "tag", Group: "group"}


def key(name: str) -> str:
    """Names match case-insensitively (the unique indexes use ``lower``)."""
    return name.strip().lower()


@dataclass
class Target:
    conn: Connection
    workspace_id: int
    origin: str
    outcome: Outcome
    #: Defaults of the workspace for rows a CSV line creates.
    projects_private: bool = True
    projects_billable: bool = False
    users: dict[str, int] = field(default_factory=dict)  # lower-cased e-mail -> user id
    members: dict[int, int] = field(default_factory=dict)  # user id -> workspace member id
    seen_users: set[int] = field(default_factory=set)  # counted once per import
    new_members: set[int] = field(default_factory=set)  # user ids whose membership this import made
    clients: dict[str, int] = field(default_factory=dict)  # key(name) -> id
    projects: dict[tuple[int, str], int] = field(default_factory=dict)  # (client id or 0, key(name)) -> id
    tasks: dict[tuple[int, str], int] = field(default_factory=dict)  # (project id, key(name)) -> id
    tags: dict[str, int] = field(default_factory=dict)
    links: dict[tuple[str, str], int] = field(default_factory=dict)  # (kind, external id) -> local id
    #: Ids of the live rows per link kind: a link to a row deleted since is not followed.
    live: dict[str, set[int]] = field(default_factory=dict)

    def insert(self, model: type[Any], **values: Any) -> int:
        t: Table = table(model)
        new_id: int = self.conn.execute(insert(t).values(**values).returning(t.c.id)).scalar_one()
        kind = _KINDS.get(model)
        if kind is not None:
            self.live.setdefault(kind, set()).add(new_id)
        return new_id

    def link(self, kind: str, external_id: str | None, local_id: int) -> None:
        """Remember where an object of the source went, unless it is linked already."""
        if external_id is None or self.links.get((kind, external_id)) == local_id:
            return
        if (kind, external_id) in self.links:  # linked to a row that is gone: point it at the new one
            self.conn.execute(_L.update().where(_L.c.workspace_id == self.workspace_id, _L.c.origin == self.origin,
                                                _L.c.kind == kind, _L.c.external_id == external_id)
                              .values(local_id=local_id))
        else:
            self.conn.execute(insert(_L).values(workspace_id=self.workspace_id, origin=self.origin, kind=kind,
                                                external_id=external_id, local_id=local_id))
        self.links[(kind, external_id)] = local_id

    def linked(self, kind: str, external_id: str | None) -> int | None:
        """The row an earlier import linked this object to, if it still exists."""
        if external_id is None:
            return None
        local = self.links.get((kind, external_id))
        return local if local is not None and local in self.live.get(kind, ()) else None

    # -- names a CSV line or a catalog record needs -----------------------------------------------------

    def client_id(self, name: str | None) -> int | None:
        if name is None:
            return None
        found = self.clients.get(key(name))
        if found is None:
            found = self.clients[key(name)] = self.insert(Client, workspace_id=self.workspace_id, name=name.strip())
            self.outcome.count("clients", "created")
        return found

    def project_id(self, name: str | None, client: str | None) -> int | None:
        if name is None:
            return None
        cid = self.client_id(client)
        found = self.projects.get((cid or 0, key(name)))
        if found is None:
            found = self.insert(Project, workspace_id=self.workspace_id, client_id=cid, name=name.strip(),
                                is_private=self.projects_private, billable=self.projects_billable)
            self.projects[(cid or 0, key(name))] = found
            self.outcome.count("projects", "created")
        return found

    def task_id(self, name: str | None, project_id: int | None) -> int | None:
        if name is None or project_id is None:
            return None
        found = self.tasks.get((project_id, key(name)))
        if found is None:
            found = self.insert(Task, workspace_id=self.workspace_id, project_id=project_id, name=name.strip())
            self.tasks[(project_id, key(name))] = found
            self.outcome.count("tasks", "created")
        return found

    def tag_id(self, name: str) -> int:
        found = self.tags.get(key(name))
        if found is None:
            found = self.tags[key(name)] = self.insert(Tag, workspace_id=self.workspace_id, name=name.strip())
            self.outcome.count("tags", "created")
        return found


def load(conn: Connection, workspace_id: int, origin: str, outcome: Outcome) -> Target:
    """The target with every live catalog row of the workspace and the links of ``origin`` (not entries')."""
    from punchclock.models import Workspace, WorkspaceMember

    w = table(Workspace).c
    private, billable = conn.execute(select(w.projects_private_by_default, w.projects_billable_by_default)
                                     .where(w.id == workspace_id)).one()
    t = Target(conn, workspace_id, origin, outcome, projects_private=private, projects_billable=billable)
    c, p, k, g = table(Client).c, table(Project).c, table(Task).c, table(Tag).c
    t.clients = {key(n): i for i, n in conn.execute(select(c.id, c.name).where(
        c.workspace_id == workspace_id, c.deleted_at.is_(None)))}
    t.projects = {(cid or 0, key(n)): i for i, cid, n in conn.execute(select(p.id, p.client_id, p.name).where(
        p.workspace_id == workspace_id, p.deleted_at.is_(None)))}
    t.tasks = {(pid, key(n)): i for i, pid, n in conn.execute(select(k.id, k.project_id, k.name).where(
        k.workspace_id == workspace_id, k.deleted_at.is_(None)))}
    t.tags = {key(n): i for i, n in conn.execute(select(g.id, g.name).where(
        g.workspace_id == workspace_id, g.deleted_at.is_(None)))}
    gr = table(Group).c
    t.live = {"client": set(t.clients.values()), "project": set(t.projects.values()), "task": set(t.tasks.values()),
              "tag": set(t.tags.values()),
              "group": set(conn.execute(select(gr.id).where(gr.workspace_id == workspace_id)).scalars())}
    m = table(WorkspaceMember).c
    t.members = dict(conn.execute(select(m.user_id, m.id).where(m.workspace_id == workspace_id)).tuples().all())
    t.links = {(kind, ext): local for kind, ext, local in conn.execute(
        select(_L.c.kind, _L.c.external_id, _L.c.local_id).where(
            _L.c.workspace_id == workspace_id, _L.c.origin == origin, _L.c.kind != "time_entry"))}
    return t
