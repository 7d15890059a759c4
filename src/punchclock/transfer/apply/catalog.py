"""Clients, projects, project users, tasks and tags of an import: matched (by import link, then by name in
scope, case-insensitively) and left unchanged, or created with the source's state, rates and currencies."""

from __future__ import annotations

from sqlalchemy import select

from punchclock.db.base import table
from punchclock.domain import colors
from punchclock.models import Client, Project, ProjectMember, Tag, Task
from punchclock.transfer.apply.people import user_id
from punchclock.transfer.apply.target import Target, key
from punchclock.transfer.records import ClientRecord, ProjectRecord, ProjectUserRecord, TagRecord, TaskRecord


def apply_clients(t: Target, records: list[ClientRecord]) -> None:
    for rec in records:
        found = t.linked("client", rec.external_id) or t.clients.get(key(rec.name))
        if found is not None:
            t.outcome.count("clients", "matched")
            t.clients.setdefault(key(rec.name), found)  # renamed here since: lines naming it still find it
        else:
            found = t.clients[key(rec.name)] = t.insert(
                Client, workspace_id=t.workspace_id, name=rec.name.strip(), archived=rec.archived, notes=rec.notes,
                hourly_rate=rec.rate, currency=rec.currency)
            t.outcome.count("clients", "created")
        t.link("client", rec.external_id, found)


def apply_projects(t: Target, records: list[ProjectRecord]) -> None:
    for rec in records:
        cid = t.client_id(rec.client)
        found = t.linked("project", rec.external_id) or t.projects.get((cid or 0, key(rec.name)))
        if found is not None:
            t.outcome.count("projects", "matched")
            t.projects.setdefault((cid or 0, key(rec.name)), found)
        else:
            color = rec.color if colors.is_hex(rec.color) else None
            found = t.insert(
                Project, workspace_id=t.workspace_id, client_id=cid, name=rec.name.strip(), active=rec.active,
                is_private=rec.is_private, billable=rec.billable, template=rec.template,
                auto_estimates=rec.auto_estimates, estimated_hours=rec.estimated_hours, rate=rec.rate,
                currency=rec.currency, color=colors.nearest_palette_id(color) if color else 0,
                color_hex=color.lower() if color else None)
            t.projects[(cid or 0, key(rec.name))] = found
            t.outcome.count("projects", "created")
        t.link("project", rec.external_id, found)


def apply_project_users(t: Target, records: list[ProjectUserRecord]) -> list[int]:
    """New project memberships; the projects they were added to (their entries' rates may change)."""
    pm = table(ProjectMember).c
    existing = set(t.conn.execute(select(pm.project_id, pm.user_id).where(pm.workspace_id == t.workspace_id))
                   .tuples())
    changed: set[int] = set()
    for rec in records:
        pid = t.project_id(rec.project, rec.client)
        assert pid is not None
        uid = user_id(t, rec.email)
        if (pid, uid) in existing:
            t.outcome.count("project_users", "matched")
            continue
        t.insert(ProjectMember, project_id=pid, user_id=uid, workspace_id=t.workspace_id, manager=rec.manager,
                 rate=rec.rate)
        existing.add((pid, uid))
        changed.add(pid)
        t.outcome.count("project_users", "created")
    return sorted(changed)


def apply_tasks(t: Target, records: list[TaskRecord]) -> None:
    for rec in records:
        pid = t.project_id(rec.project, rec.client)
        assert pid is not None
        found = t.linked("task", rec.external_id) or t.tasks.get((pid, key(rec.name)))
        if found is not None:
            t.outcome.count("tasks", "matched")
            t.tasks.setdefault((pid, key(rec.name)), found)
        else:
            assignee = user_id(t, rec.assignee_email) if rec.assignee_email else None
            found = t.insert(Task, workspace_id=t.workspace_id, project_id=pid, name=rec.name.strip(),
                             active=rec.active, estimated_seconds=rec.estimated_seconds, user_id=assignee)
            t.tasks[(pid, key(rec.name))] = found
            t.outcome.count("tasks", "created")
        t.link("task", rec.external_id, found)


def apply_tags(t: Target, records: list[TagRecord]) -> None:
    for rec in records:
        found = t.linked("tag", rec.external_id) or t.tags.get(key(rec.name))
        if found is not None:
            t.outcome.count("tags", "matched")
            t.tags.setdefault(key(rec.name), found)
        else:
            found = t.tags[key(rec.name)] = t.insert(Tag, workspace_id=t.workspace_id, name=rec.name.strip())
            t.outcome.count("tags", "created")
        t.link("tag", rec.external_id, found)
