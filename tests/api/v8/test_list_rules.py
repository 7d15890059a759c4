"""The prebuilt Core lists of workspaces, clients, tags, tasks, groups and workspace users apply the same
visibility rules as the ORM ``readable_*`` statements (domain/access.py), and answer the same objects."""

from __future__ import annotations

from decimal import Decimal
from itertools import product

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.domain import access, clients, groups, members, tags, tasks, workspaces
from punchclock.domain.actor import Actor
from punchclock.models import Client, Group, Tag, Task, User, Workspace, WorkspaceMember
from punchclock.models._common import utcnow
from tests.factories import (
    add_invitation,
    add_member,
    add_project_user,
    make_client,
    make_group,
    make_project,
    make_tag,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)


def _world(db: Session) -> tuple[list[Actor], Workspace, Workspace]:
    """Two team workspaces (one free), live and deleted objects, a private project with and without the member."""
    admin, member, outsider = make_user(db), make_user(db), make_user(db)
    ws = make_workspace(db, admin=admin, premium=True)
    free = make_workspace(db, admin=admin, name="Free", premium=False)
    add_member(db, ws, member)
    add_member(db, free, member)
    for w in (ws, free, outsider.default_workspace_id):
        wid = w if isinstance(w, int) else w.id
        make_client(db, workspace_id=wid, name="Live")
        make_client(db, workspace_id=wid, name="Gone", deleted_at=utcnow())
        make_tag(db, workspace_id=wid, name="live")
        gone = make_tag(db, workspace_id=wid, name="gone")
        gone.deleted_at = utcnow()
        public = make_project(db, workspace_id=wid, name="Public")
        mine = make_project(db, workspace_id=wid, name="Mine", is_private=True)
        add_project_user(db, mine, member)
        secret = make_project(db, workspace_id=wid, name="Secret", is_private=True)
        for p in (public, mine, secret):
            make_task(db, project=p, name="open")
            make_task(db, project=p, name="done", active=False)
            make_task(db, project=p, name="gone", deleted_at=utcnow())
    db.commit()
    actors = [Actor(user=admin, workspaces={ws.id: True, free.id: True, admin.default_workspace_id: True}),
              Actor(user=member, workspaces={ws.id: False, free.id: False, member.default_workspace_id: True}),
              Actor(user=outsider, workspaces={outsider.default_workspace_id: True})]
    return actors, ws, free


def test_core_lists_match_the_orm_rules(client: TestClient, db: Session) -> None:
    actors, ws, free = _world(db)
    for actor in actors:
        orm_ws = [w.id for w in db.scalars(access.readable_workspaces(actor))]
        assert [w.id for w in workspaces.list_mine(db, actor)] == orm_ws
        orm_clients = [c.id for c in db.scalars(access.readable_clients(actor).order_by(Client.id))]
        assert [c.id for c in clients.list_visible(db, actor)] == orm_clients
        for wid in actor.workspaces:
            expected = [c.id for c in db.scalars(
                access.readable_clients(actor).where(Client.workspace_id == wid).order_by(Client.id))]
            assert [c.id for c in clients.list_workspace(db, actor, wid)] == expected
            expected = [t.id for t in db.scalars(
                access.readable_tags(actor).where(Tag.workspace_id == wid).order_by(Tag.id))]
            assert [t.id for t in tags.list_workspace(db, actor, wid)] == expected
    for actor, wid, active in product(actors, (ws.id, free.id), (True, False, None)):
        if not actor.is_member(wid):
            continue
        stmt = access.readable_tasks(actor).where(Task.workspace_id == wid).order_by(Task.id)
        if active is not None:
            stmt = stmt.where(Task.active.is_(active))
        expected = [t.id for t in db.scalars(stmt)] if wid == ws.id else []  # free: no tasks (O-23)
        assert [t.id for t in tasks.list_workspace(db, actor, wid, active)] == expected, (actor.id, wid, active)
    member_tasks = tasks.list_workspace(db, actors[1], ws.id, None)
    assert len(member_tasks) == 4  # public and "Mine", active or not; not "Secret", no tombstone


def test_task_rows_carry_tracked_seconds_and_assignee(client: TestClient, db: Session) -> None:
    actors, ws, _ = _world(db)
    admin = actors[0]
    rows = tasks.list_workspace(db, admin, ws.id, None)
    ids = [r.id for r in rows]
    assert [r.tracked_seconds for r in rows] == [tasks.tracked_seconds(db, ids)[i] for i in ids]
    assert all(r.uname is None for r in rows)  # no assignee
    task = db.get_one(Task, ids[0])
    task.user_id = admin.id
    db.commit()
    row = tasks.list_workspace(db, admin, ws.id, None)[0]
    assert (row.user_id, row.uname) == (admin.id, db.get_one(User, admin.id).fullname)


def test_workspace_users_show_only_this_workspaces_groups(client: TestClient, db: Session) -> None:
    admin, member, invitee = make_user(db), make_user(db), make_user(db)
    ws = make_workspace(db, admin=admin)
    other = make_workspace(db, admin=admin, name="Other")
    m1 = add_member(db, ws, member)
    m2 = add_member(db, other, member)
    pending = add_invitation(db, ws, invitee)
    g1 = make_group(db, workspace_id=ws.id, name="G1", members=[m1])
    g2 = make_group(db, workspace_id=ws.id, name="G2", members=[m1, pending])
    make_group(db, workspace_id=other.id, name="Elsewhere", members=[m2])
    actor = Actor(user=admin, workspaces={ws.id: True, other.id: True, admin.default_workspace_id: True})
    rows = members.list_workspace(db, actor, ws.id)
    expected = db.scalars(access.readable_workspace_members(actor).where(WorkspaceMember.workspace_id == ws.id)
                          .order_by(WorkspaceMember.id)).all()
    assert [r.id for r in rows] == [m.id for m in expected]
    assert {r.user_id: r.group_ids for r in rows} == {admin.id: [], member.id: [g1.id, g2.id], invitee.id: [g2.id]}
    assert [g.id for g in groups.list_workspace(db, actor, ws.id)] == [
        g.id for g in db.scalars(access.readable_groups(actor).where(Group.workspace_id == ws.id).order_by(Group.id))]
    r = client.get(f"/api/v8/workspaces/{ws.id}/workspace_users", headers=token_auth(admin)).json()
    assert [(u["uid"], u.get("group_ids"), "invite_url" in u) for u in r] == [
        (admin.id, None, False), (member.id, [g1.id, g2.id], False), (invitee.id, [g2.id], True)]


def test_all_clients_hide_rates_per_workspace(client: TestClient, db: Session) -> None:
    admin, member = make_user(db), make_user(db)
    hidden = make_workspace(db, admin=admin, only_admins_see_billable_rates=True)
    shown = make_workspace(db, admin=admin, name="Shown")
    add_member(db, hidden, member)
    add_member(db, shown, member)
    pending_ws = make_workspace(db, admin=admin, name="Pending")
    add_invitation(db, pending_ws, member)
    for w in (hidden, shown, pending_ws):
        make_client(db, workspace_id=w.id, name=f"C{w.id}", hourly_rate=Decimal("10"))
    rows = client.get("/api/v8/clients", headers=token_auth(member)).json()
    assert [(c["wid"], c.get("hrate")) for c in rows] == [(hidden.id, None), (shown.id, 10)]
    rows = client.get("/api/v8/workspaces", headers=token_auth(member)).json()
    assert [(w["id"], w["admin"], "api_token" in w) for w in rows] == [
        (member.default_workspace_id, True, True), (hidden.id, False, False), (shown.id, False, False)]


def test_an_actor_without_workspaces_lists_nothing(client: TestClient, db: Session) -> None:
    make_client(db, workspace_id=make_user(db).default_workspace_id)
    nobody = Actor(user=make_user(db), workspaces={})
    assert (workspaces.list_mine(db, nobody), clients.list_visible(db, nobody)) == ([], [])
