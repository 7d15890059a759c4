"""The choices of the report filter form, from the same list services as the APIs (what the viewer may see)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from punchclock.domain import clients, groups, members, projects, tags
from punchclock.domain.actor import Actor
from punchclock.domain.colors import hex_color

#: The legend of each id filter.
LABELS = {"project_ids": "Projects", "client_ids": "Clients", "user_ids": "Users",
          "members_of_group_ids": "Groups", "tag_ids": "Tags"}


@dataclass(frozen=True, slots=True)
class Choice:
    value: int
    label: str
    #: A project's colour (``#rrggbb``); None for other kinds.
    color: str | None = None


@dataclass(frozen=True, slots=True)
class Options:
    """Each id filter's choices, by the form field's name; "without …" (``0``) first where the API has it."""

    lists: dict[str, list[Choice]]


def _sorted(choices: list[Choice]) -> list[Choice]:
    return sorted(choices, key=lambda c: (c.label.casefold(), c.value))


def load(db: Session, actor: Actor, workspace_id: int) -> Options:
    """The lists; groups only for admins (their list is admin-only, as in the API)."""
    client_rows = clients.list_workspace(db, actor, workspace_id)
    client_names = {c.id: c.name for c in client_rows}
    project_choices = [
        Choice(p.id, f"{p.name} · {client_names[p.client_id]}" if p.client_id in client_names else p.name,
               hex_color(p.color))
        for p in projects.list_workspace(db, actor, workspace_id, active=None)
    ]
    people = [Choice(m.user_id, m.fullname or m.email) for m in members.list_workspace(db, actor, workspace_id)
              if m.active]
    lists = {
        "project_ids": [Choice(0, "Without project"), *_sorted(project_choices)],
        "client_ids": [Choice(0, "Without client"), *_sorted([Choice(c.id, c.name) for c in client_rows])],
        "user_ids": _sorted(people),
        "members_of_group_ids": _sorted([Choice(g.id, g.name) for g in groups.list_workspace(db, actor, workspace_id)])
        if actor.is_admin(workspace_id) else [],
        "tag_ids": [Choice(0, "Without tags"), *_sorted([Choice(t.id, t.name) for t in tags.list_workspace(
            db, actor, workspace_id)])],
    }
    return Options(lists)
