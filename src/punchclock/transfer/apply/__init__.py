"""Writing one ``WorkspaceSource`` into one workspace, in the caller's transaction (``settle`` ends it).

Order: the workspace, people (members, groups), the catalog (clients, projects, tags, project users,
tasks), then the streamed entries; rates are re-resolved once at the end for the new entries and for the
projects that got new project users. The workspace's exclusive rate lock is taken first (see
``domain/rates.py``): an import changes rate sources and writes entries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from punchclock.domain import rates
from punchclock.models import TimeEntry, Workspace
from punchclock.transfer.apply import catalog, people, target, workspace
from punchclock.transfer.apply.entries import write_entries
from punchclock.transfer.outcome import Outcome
from punchclock.transfer.records import Location, Rejection, WorkspaceSource

#: (phase, items done so far); phases "catalog" and "time entries".
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class ImportOptions:
    origin: str
    dry_run: bool = False
    #: Write what is good even when some lines are rejected.
    skip_rejected: bool = False


class UnknownWorkspace(LookupError):
    """The workspace id given does not exist."""


def _target_workspace(db: Session, source: WorkspaceSource, workspace_id: int | None, options: ImportOptions,
                      outcome: Outcome) -> tuple[int, int | None] | None:
    """The workspace id and, for a new workspace, its owner's user id; None (with a rejection) when there
    is nothing to write into."""
    rec = source.workspace
    if workspace_id is None and rec is not None:
        workspace_id = workspace.find_imported(db, options.origin, rec)
    if workspace_id is not None:
        if db.scalar(select(Workspace.id).where(Workspace.id == workspace_id)) is None:
            raise UnknownWorkspace(workspace_id)
        outcome.count("workspaces", "matched")
        return workspace_id, None
    if rec is None:
        outcome.reject(Rejection(Location("(import)"), "no workspace given and the source names none"))
        return None
    try:
        return workspace.create(db, options.origin, rec, source.members, outcome)
    except workspace.NoOwner:
        outcome.reject(Rejection(Location("workspace_users.json"), "no member to own the new workspace"))
        return None


def _catalog(t: target.Target, source: WorkspaceSource) -> list[int]:
    people.apply_members(t, source.members)
    people.apply_groups(t, source.groups)
    catalog.apply_clients(t, source.clients)
    catalog.apply_projects(t, source.projects)
    catalog.apply_tags(t, source.tags)
    changed = catalog.apply_project_users(t, source.project_users)
    catalog.apply_tasks(t, source.tasks)
    return changed


def apply_source(db: Session, source: WorkspaceSource, *, workspace_id: int | None, options: ImportOptions,
                 progress: Progress | None = None) -> Outcome:
    """Import ``source`` into ``workspace_id`` (None: the workspace an earlier import of this source made,
    else a new one). Rejections are collected to the end; nothing is committed here (see ``settle``).
    Raises ``UnknownWorkspace`` for an id that does not exist."""
    report = progress or (lambda _phase, _done: None)
    outcome = Outcome(dry_run=options.dry_run)
    for rejection in source.rejections:
        outcome.reject(rejection)
    found = _target_workspace(db, source, workspace_id, options, outcome)
    if found is None:
        for item in source.entries:  # read to the end: every bad line is reported
            if isinstance(item, Rejection):
                outcome.reject(item)
        return outcome
    wid, owner = found
    outcome.workspace_id = wid
    db.flush()
    rates.lock_for_rates(db, [wid])
    t = target.load(db.connection(), wid, options.origin, outcome)
    if owner is not None:
        t.seen_users.add(owner)
        t.new_members.add(owner)
    if source.workspace is not None:
        t.link("workspace", workspace.external_id(source.workspace), wid)
    report("catalog", 0)
    changed = _catalog(t, source)
    report("catalog", len(source.clients) + len(source.projects) + len(source.tasks) + len(source.tags))
    first = write_entries(t, source.entries, lambda done: report("time entries", done))
    parts = []
    if first is not None:
        parts.append(TimeEntry.id >= first)
    if changed:
        parts.append(TimeEntry.project_id.in_(changed))
    if parts:
        rates.refresh(db, and_(TimeEntry.workspace_id == wid, or_(*parts)))
    return outcome


def settle(db: Session, outcome: Outcome, options: ImportOptions) -> bool:
    """The one place of the rule: commit when not a dry run and the outcome is clean (or rejected lines are
    to be skipped), else roll back. Whether anything was written."""
    write = not options.dry_run and (outcome.clean or options.skip_rejected) and outcome.workspace_id is not None
    if write:
        db.commit()
    else:
        db.rollback()
    return write
