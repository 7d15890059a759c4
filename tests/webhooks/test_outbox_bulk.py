"""The outbox on bulk paths that bypass the unit of work (70- §5.1: they record their changes explicitly),
row removals with their last state, coalescing within one transaction, and the cost without subscribers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.orm import Session

from punchclock.models import Client, Tag, TimeEntry, WorkspaceMember
from tests.factories import (
    add_member,
    add_project_user,
    make_client,
    make_entry,
    make_group,
    make_project,
    make_tag,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)
from tests.webhooks.test_outbox import V9, deliveries, events, subscribe, summary, v9_entry

START = "2026-12-01T09:00:00Z"


def _team(db: Session) -> tuple[Any, Any, Any]:
    boss, bob = make_user(db), make_user(db)
    ws = make_workspace(db, admin=boss)
    add_member(db, ws, bob)
    return boss, bob, ws


def test_project_delete_with_entries_deletes_entries_tasks_and_project_users(client: TestClient, db: Session
                                                                              ) -> None:
    boss, bob, ws = _team(db)
    project = make_project(db, workspace_id=ws.id, name="Doomed")
    task = make_task(db, project=project, name="Step")
    link = add_project_user(db, project, bob)
    e1 = make_entry(db, user=bob, start=START, workspace_id=ws.id, project_id=project.id)
    e2 = make_entry(db, user=boss, start=START, workspace_id=ws.id, project_id=project.id, task_id=task.id)
    other = make_entry(db, user=boss, start=START, workspace_id=ws.id)
    sid = subscribe(db, boss.id, ws.id)
    r = client.delete(f"{V9}/workspaces/{ws.id}/projects/{project.id}?teDeletionMode=delete",
                      headers=token_auth(boss))
    assert r.status_code == 200, r.text
    assert summary(db) == [("time_entry", "deleted", e1.id, ws.id), ("time_entry", "deleted", e2.id, ws.id),
                           ("task", "deleted", task.id, ws.id), ("project_user", "deleted", link.id, ws.id),
                           ("project", "deleted", project.id, ws.id)]
    found = events(db)
    assert found[0]["payload"] == v9_entry(client, boss, e1.id) and found[0]["payload"]["server_deleted_at"]
    assert found[2]["payload"]["server_deleted_at"] is not None and found[2]["payload"]["name"] == "Step"
    assert found[3]["payload"]["user_id"] == bob.id and found[3]["payload"]["project_id"] == project.id
    assert found[3]["meta"]["project_id"] == str(project.id)
    assert found[4]["payload"]["status"] == "deleted" and found[4]["payload"]["name"] == "Doomed"
    assert len(deliveries(db)) == 5 and {d[1] for d in deliveries(db)} == {sid}
    assert other.id not in {e["entity_id"] for e in found if e["entity"] == "time_entry"}


def test_project_delete_unassigns_entries(client: TestClient, db: Session) -> None:
    boss, _, ws = _team(db)
    project = make_project(db, workspace_id=ws.id, name="Gone")
    entry = make_entry(db, user=boss, start=START, workspace_id=ws.id, project_id=project.id)
    subscribe(db, boss.id, ws.id, [{"entity": "time_entry", "action": "*"}])
    assert client.delete(f"{V9}/workspaces/{ws.id}/projects/{project.id}", headers=token_auth(boss)).status_code == 200
    [event] = events(db)
    assert (event["action"], event["entity_id"]) == ("updated", entry.id)
    assert event["payload"] == v9_entry(client, boss, entry.id) and event["payload"]["project_id"] is None
    assert "project_id" not in event["meta"]


def test_client_delete_clears_its_projects(client: TestClient, db: Session) -> None:
    boss, _, ws = _team(db)
    customer = make_client(db, workspace_id=ws.id, name="Acme")
    project = make_project(db, workspace_id=ws.id, name="Rocket", client_id=customer.id)
    subscribe(db, boss.id, ws.id)
    assert client.delete(f"{V9}/workspaces/{ws.id}/clients/{customer.id}", headers=token_auth(boss)).status_code == 200
    assert summary(db) == [("client", "deleted", customer.id, ws.id), ("project", "updated", project.id, ws.id)]
    gone, cleared = events(db)
    assert gone["payload"]["server_deleted_at"] is not None and gone["payload"]["name"] == "Acme"
    shown = client.get(f"{V9}/workspaces/{ws.id}/projects/{project.id}", headers=token_auth(boss)).json()
    assert cleared["payload"] == shown and shown["client_id"] is None


def test_client_archive_archives_its_projects(client: TestClient, db: Session) -> None:
    boss, _, ws = _team(db)
    customer = make_client(db, workspace_id=ws.id, name="Acme")
    project = make_project(db, workspace_id=ws.id, name="Rocket", client_id=customer.id)
    subscribe(db, boss.id, ws.id)
    r = client.post(f"{V9}/workspaces/{ws.id}/clients/{customer.id}/archive", headers=token_auth(boss))
    assert r.status_code == 200, r.text
    assert summary(db) == [("client", "updated", customer.id, ws.id), ("project", "updated", project.id, ws.id)]
    client_event, archived = events(db)
    assert archived["payload"]["active"] is False and client_event["payload"]["archived"] is True


def test_tag_delete_updates_the_live_entries_that_had_it(client: TestClient, db: Session) -> None:
    boss, bob, ws = _team(db)
    tag = make_tag(db, workspace_id=ws.id, name="Old")
    keep = make_tag(db, workspace_id=ws.id, name="Keep")
    e1 = make_entry(db, user=bob, start=START, workspace_id=ws.id, tags=[tag, keep])
    e2 = make_entry(db, user=boss, start=START, workspace_id=ws.id, tags=[tag])
    dead = make_entry(db, user=boss, start=START, workspace_id=ws.id, tags=[tag],
                      deleted_at=datetime(2026, 12, 2, tzinfo=UTC))
    make_entry(db, user=boss, start=START, workspace_id=ws.id, tags=[keep])
    subscribe(db, boss.id, ws.id)
    assert client.delete(f"{V9}/workspaces/{ws.id}/tags/{tag.id}", headers=token_auth(boss)).status_code == 200
    assert summary(db) == [("tag", "deleted", tag.id, ws.id), ("time_entry", "updated", e1.id, ws.id),
                           ("time_entry", "updated", e2.id, ws.id)]
    gone, first, _ = events(db)
    assert gone["payload"]["deleted_at"] is not None and gone["payload"]["name"] == "Old"
    assert first["payload"] == v9_entry(client, bob, e1.id)
    assert (first["payload"]["tags"], first["payload"]["tag_ids"]) == (["Keep"], [keep.id])
    assert dead.id not in {e["entity_id"] for e in events(db)}


def test_task_delete_unassigns_its_entries(client: TestClient, db: Session) -> None:
    boss, _, ws = _team(db)
    project = make_project(db, workspace_id=ws.id)
    task = make_task(db, project=project, name="Chore")
    entry = make_entry(db, user=boss, start=START, workspace_id=ws.id, project_id=project.id, task_id=task.id)
    subscribe(db, boss.id, ws.id)
    r = client.delete(f"{V9}/workspaces/{ws.id}/projects/{project.id}/tasks/{task.id}", headers=token_auth(boss))
    assert r.status_code == 200, r.text
    assert summary(db) == [("time_entry", "updated", entry.id, ws.id), ("task", "deleted", task.id, ws.id)]
    updated, deleted = events(db)
    assert updated["payload"]["task_id"] is None and updated["payload"]["project_id"] == project.id
    assert updated["meta"]["project_id"] == str(project.id)
    assert deleted["meta"]["project_id"] == str(project.id) and deleted["payload"]["server_deleted_at"]


def test_removed_project_and_workspace_users_carry_their_last_state(client: TestClient, db: Session) -> None:
    boss, bob, ws = _team(db)
    project = make_project(db, workspace_id=ws.id, is_private=True)
    add_project_user(db, project, bob)
    subscribe(db, boss.id, ws.id)
    headers = token_auth(boss)
    links = client.get(f"{V9}/workspaces/{ws.id}/project_users", headers=headers).json()
    members = client.get(f"{V9}/workspaces/{ws.id}/workspace_users", headers=headers).json()
    link = next(pu for pu in links if pu["user_id"] == bob.id)
    member = next(m for m in members if m["user_id"] == bob.id)
    r = client.delete(f"{V9}/workspaces/{ws.id}/workspace_users/{member['id']}", headers=headers)
    assert r.status_code == 200, r.text
    assert summary(db) == [("project_user", "deleted", link["id"], ws.id),
                           ("workspace_user", "deleted", member["id"], ws.id)]
    pu_event, wu_event = events(db)
    assert pu_event["payload"] == link and wu_event["payload"] == member


def test_project_user_delete_and_group_membership(client: TestClient, db: Session) -> None:
    boss, bob, ws = _team(db)
    project = make_project(db, workspace_id=ws.id)
    link = add_project_user(db, project, bob)
    group = make_group(db, workspace_id=ws.id, name="Crew")
    subscribe(db, boss.id, ws.id)
    headers = token_auth(boss)
    shown = next(pu for pu in client.get(f"{V9}/workspaces/{ws.id}/project_users", headers=headers).json()
                 if pu["id"] == link.id)
    assert client.delete(f"{V9}/workspaces/{ws.id}/project_users/{link.id}", headers=headers).status_code == 200
    member = next(m for m in client.get(f"{V9}/workspaces/{ws.id}/workspace_users", headers=headers).json()
                  if m["user_id"] == bob.id)
    r = client.put(f"{V9}/workspaces/{ws.id}/workspace_users/{member['id']}", headers=headers,
                   json={"group_ids": [group.id]})
    assert r.status_code == 200, r.text
    removed, grouped = events(db)
    assert (removed["entity"], removed["action"], removed["payload"]) == ("project_user", "deleted", shown)
    assert (grouped["entity"], grouped["action"], grouped["entity_id"]) == ("workspace_user", "updated", member["id"])
    assert grouped["payload"]["group_ids"] == [group.id]


# -- one transaction, many changes ----------------------------------------------------------------------

def test_created_then_updated_is_created_and_created_then_deleted_is_nothing(db: Session) -> None:
    """Outside HTTP (as the CLI writes): one session, one commit."""
    ada = make_user(db)
    wid = ada.default_workspace_id
    subscribe(db, ada.id, wid)
    kept = Client(workspace_id=wid, name="Draft")
    dropped = Tag(workspace_id=wid, name="Oops")
    db.add_all([kept, dropped])
    db.flush()
    kept.name = "Final"
    dropped.deleted_at = datetime(2026, 12, 2, tzinfo=UTC)
    db.commit()
    [event] = events(db)
    assert (event["entity"], event["action"], event["entity_id"], event["creator_id"]) == (
        "client", "created", kept.id, None)
    assert event["payload"]["name"] == "Final"
    assert event["meta"] == {"action": "created", "model": "client", "event_user_id": "", "workspace_id": str(wid),
                             "client_id": str(kept.id), "path": "", "request_type": ""}


def test_updated_then_deleted_is_deleted(db: Session) -> None:
    ada = make_user(db)
    wid = ada.default_workspace_id
    customer = make_client(db, workspace_id=wid, name="Acme")
    subscribe(db, ada.id, wid)
    customer.name = "Acme Ltd"
    db.flush()
    customer.deleted_at = datetime(2026, 12, 2, tzinfo=UTC)
    db.commit()
    [event] = events(db)
    assert (event["action"], event["payload"]["name"], event["payload"]["server_deleted_at"]) == (
        "deleted", "Acme Ltd", "2026-12-02T00:00:00+00:00")


def test_a_rolled_back_transaction_emits_nothing(db: Session) -> None:
    ada = make_user(db)
    wid = ada.default_workspace_id
    subscribe(db, ada.id, wid)
    db.add(Client(workspace_id=wid, name="Never"))
    db.flush()
    db.rollback()
    db.add(Tag(workspace_id=wid, name="Later"))
    db.commit()
    assert [(e["entity"], e["payload"]["name"]) for e in events(db)] == [("tag", "Later")]


# -- cost -----------------------------------------------------------------------------------------------

@contextmanager
def statements(app: Any) -> Iterator[list[str]]:
    seen: list[str] = []

    def before(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(app.state.engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        event.remove(app.state.engine, "before_cursor_execute", before)


def test_without_subscribers_a_write_costs_one_query_and_a_read_none(app: Any, client: TestClient, db: Session
                                                                     ) -> None:
    ada = make_user(db)
    wid = ada.default_workspace_id
    other = make_user(db)
    subscribe(db, other.id, other.default_workspace_id)  # another workspace's subscriber changes nothing here
    with statements(app) as seen:
        r = client.post(f"{V9}/workspaces/{wid}/time_entries", headers=token_auth(ada), json={
            "created_with": "pytest", "start": START, "duration": 60})
        assert r.status_code == 200
        assert client.get(f"{V9}/me/time_entries/{r.json()['id']}", headers=token_auth(ada)).status_code == 200
    webhook_statements = [s for s in seen if "webhook_" in s]
    assert len(webhook_statements) == 1 and "FROM webhook_subscriptions" in webhook_statements[0]
    assert events(db) == [] and db.get(TimeEntry, r.json()["id"]) is not None


def test_admin_set_and_group_delete_update_the_members_concerned(client: TestClient, db: Session) -> None:
    boss, bob, ws = _team(db)
    cat = make_user(db)
    add_member(db, ws, cat)
    headers = token_auth(boss)
    members = {m["user_id"]: m["id"] for m in client.get(f"{V9}/workspaces/{ws.id}/workspace_users",
                                                         headers=headers).json()}
    group = make_group(db, workspace_id=ws.id, name="Crew", members=[db.get_one(WorkspaceMember, members[cat.id])])
    subscribe(db, boss.id, ws.id)
    r = client.put(f"{V9}/workspaces/{ws.id}", headers=headers, json={"admins": [boss.id, bob.id]})
    assert r.status_code == 200, r.text
    assert client.delete(f"{V9}/workspaces/{ws.id}/groups/{group.id}", headers=headers).status_code == 200
    assert summary(db) == [("workspace_user", "updated", members[bob.id], ws.id),
                           ("workspace_user", "updated", members[cat.id], ws.id)]
    promoted, ungrouped = events(db)
    assert (promoted["payload"]["admin"], promoted["payload"]["role"]) == (True, "admin")
    assert ungrouped["payload"]["group_ids"] == [] and ungrouped["meta"]["request_type"] == "DELETE"
