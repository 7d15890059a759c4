"""The prebuilt Core reads of projects apply the same visibility rule as the ORM statements."""

from __future__ import annotations

from itertools import product

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.domain import access, projects
from punchclock.domain.actor import Actor
from punchclock.domain.errors import NotFound
from punchclock.models import Project
from tests.factories import add_member, add_project_user, make_client, make_project, make_user, make_workspace


def test_core_lists_match_the_orm_rule(client: TestClient, db: Session) -> None:
    admin, member, outsider = make_user(db), make_user(db), make_user(db)
    ws = make_workspace(db, admin=admin)
    add_member(db, ws, member)
    c = make_client(db, workspace_id=ws.id)
    make_project(db, workspace_id=ws.id, name="Public", client_id=c.id)
    mine = make_project(db, workspace_id=ws.id, name="Mine", is_private=True, client_id=c.id)
    add_project_user(db, mine, member)
    make_project(db, workspace_id=ws.id, name="Secret", is_private=True, client_id=c.id)
    make_project(db, workspace_id=ws.id, name="Archived", active=False, client_id=c.id)
    make_project(db, workspace_id=ws.id, name="Tpl", template=True)
    make_project(db, workspace_id=ws.id, name="Gone", deleted_at=ws.created_at)
    actors = [Actor(user=admin, workspaces={ws.id: True, admin.default_workspace_id: True}),
              Actor(user=member, workspaces={ws.id: False, member.default_workspace_id: True}),
              Actor(user=outsider, workspaces={outsider.default_workspace_id: True})]
    names = [p.name for p in projects.list_workspace(db, actors[1], ws.id, None)]
    assert names == ["Public", "Mine", "Archived", "Tpl"]  # not the private "Secret", nor the deleted one
    for actor, active, templates in product(actors, (True, False, None), (False, True)):
        stmt = access.readable_projects(actor).where(Project.workspace_id == ws.id).order_by(Project.id)
        if active is not None:
            stmt = stmt.where(Project.active.is_(active))
        if templates:
            stmt = stmt.where(Project.template.is_(True))
        expected = [p.id for p in db.scalars(stmt)]
        if actor.is_member(ws.id):
            got = [p.id for p in projects.list_workspace(db, actor, ws.id, active, templates)]
            assert got == expected, (actor.id, active, templates)
        if not templates:
            got = [p.id for p in projects.list_for_client(db, actor, c.id, active)]
            assert got == [p.id for p in db.scalars(stmt.where(Project.client_id == c.id))], (actor.id, active)
        for pid in range(1, 8):
            found = db.scalars(access.readable_projects(actor).where(Project.id == pid)).first() is not None
            try:
                projects.read(db, actor, pid)
                readable = True
            except NotFound:
                readable = False
            assert readable == found, (actor.id, pid)


def test_workspace_list_needs_membership(client: TestClient, db: Session) -> None:
    owner, outsider = make_user(db), make_user(db)
    actor = Actor(user=outsider, workspaces={outsider.default_workspace_id: True})
    with pytest.raises(NotFound):
        projects.list_workspace(db, actor, owner.default_workspace_id)
