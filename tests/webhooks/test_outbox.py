"""The outbox (70- §5.1, §5.2, §5.4): changes made through API v8, API v9 and the CLI write exactly the
expected ``webhook_events`` rows and ``webhook_deliveries``, in the changing transaction.

Subscriptions are inserted directly (validated and enabled unless a test says otherwise); the delivery
loop is off (``settings`` fixture), so deliveries stay ``pending``.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from punchclock import cli
from punchclock.models import WebhookDelivery, WebhookEvent, WebhookSubscription, Workspace
from punchclock.webhooks.payloads import redacted
from tests.factories import (
    add_member,
    make_entry,
    make_project,
    make_user,
    make_workspace,
    token_auth,
)

V8, V9 = "/api/v8", "/api/v9"
EVERYTHING = [{"entity": "*", "action": "*"}]


# -- helpers ----------------------------------------------------------------------------------------

def subscribe(db: Session, user_id: int, workspace_id: int, filters: list[dict[str, str]] | None = None, *,
              enabled: bool = True, validated: bool = True) -> int:
    """A subscription written directly, as the management API would leave it."""
    sub = WebhookSubscription(
        workspace_id=workspace_id, user_id=user_id, description=f"hook {secrets.token_hex(4)}",
        url_callback="https://hooks.example.org/in", secret="s3cret", enabled=enabled,
        event_filters=filters or EVERYTHING, validation_code=secrets.token_hex(16),
        validated_at=datetime(2026, 12, 1, tzinfo=UTC) if validated else None)
    db.add(sub)
    db.commit()
    return sub.id


def events(db: Session) -> list[dict[str, Any]]:
    """Every stored event, oldest first."""
    db.rollback()
    rows = db.execute(select(WebhookEvent).order_by(WebhookEvent.id)).scalars().all()
    return [{"id": e.id, "workspace_id": e.workspace_id, "entity": e.entity, "action": e.action,
             "entity_id": e.entity_id, "creator_id": e.creator_id, "meta": e.meta, "payload": e.payload}
            for e in rows]


def summary(db: Session) -> list[tuple[str, str, int, int]]:
    return [(e["entity"], e["action"], e["entity_id"], e["workspace_id"]) for e in events(db)]


def deliveries(db: Session) -> list[tuple[int, int, str, bool]]:
    """``(event id, subscription id, status, redact_rates)`` of every delivery."""
    db.rollback()
    rows = db.execute(select(WebhookDelivery.event_id, WebhookDelivery.subscription_id, WebhookDelivery.status,
                             WebhookDelivery.redact_rates).order_by(WebhookDelivery.id)).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def meta(action: str, model: str, user_id: int | str, wid: int, entity_id: int, path: str, method: str,
         project_id: int | None = None) -> dict[str, str]:
    out = {"action": action, "model": model, "event_user_id": str(user_id), "workspace_id": str(wid),
           f"{model}_id": str(entity_id)}
    if project_id is not None:
        out["project_id"] = str(project_id)
    out.update(path=path, request_type=method)
    return out


def v9_entry(client: TestClient, user: Any, entry_id: int) -> dict[str, Any]:
    r = client.get(f"{V9}/me/time_entries/{entry_id}", headers=token_auth(user))
    assert r.status_code == 200, r.text
    return dict(r.json())


# -- API v9 -------------------------------------------------------------------------------------------

def test_v9_create_writes_one_event_with_the_v9_object_and_one_delivery(client: TestClient, db: Session) -> None:
    ada = make_user(db)
    wid = ada.default_workspace_id
    project = make_project(db, workspace_id=wid, name="Apollo")
    sid = subscribe(db, ada.id, wid)
    r = client.post(f"{V9}/workspaces/{wid}/time_entries", headers=token_auth(ada), json={
        "created_with": "pytest", "start": "2026-12-01T09:00:00Z", "duration": 5400, "description": "Design",
        "project_id": project.id})
    assert r.status_code == 200, r.text
    entry_id = r.json()["id"]
    [event] = events(db)
    path = f"/api/v9/workspaces/{wid}/time_entries"
    assert event == {
        "id": event["id"], "workspace_id": wid, "entity": "time_entry", "action": "created", "entity_id": entry_id,
        "creator_id": ada.id, "meta": meta("created", "time_entry", ada.id, wid, entry_id, path, "POST", project.id),
        "payload": v9_entry(client, ada, entry_id)}
    assert event["payload"]["duration"] == 5400 and event["payload"]["project_id"] == project.id
    assert deliveries(db) == [(event["id"], sid, "pending", False)]


def test_v9_new_tag_names_emit_tag_created_after_the_entry(client: TestClient, db: Session) -> None:
    ada = make_user(db)
    wid = ada.default_workspace_id
    subscribe(db, ada.id, wid)
    r = client.post(f"{V9}/workspaces/{wid}/time_entries", headers=token_auth(ada), json={
        "created_with": "pytest", "start": "2026-12-01T09:00:00Z", "duration": 60, "tags": ["Focus"]})
    entry = r.json()
    [tag_id] = entry["tag_ids"]
    found = events(db)
    assert [(e["entity"], e["action"], e["entity_id"]) for e in found] == [
        ("time_entry", "created", entry["id"]), ("tag", "created", tag_id)]
    tags = client.get(f"{V9}/workspaces/{wid}/tags", headers=token_auth(ada)).json()
    assert found[1]["payload"] == tags[0]
    assert found[0]["payload"]["tags"] == ["Focus"] and found[0]["payload"] == v9_entry(client, ada, entry["id"])


def test_v9_stop_and_delete(client: TestClient, db: Session) -> None:
    ada = make_user(db)
    wid = ada.default_workspace_id
    entry = make_entry(db, user=ada, start="2026-12-01T09:00:00Z", seconds=None)
    subscribe(db, ada.id, wid)
    base = f"{V9}/workspaces/{wid}/time_entries/{entry.id}"
    assert client.patch(f"{base}/stop", headers=token_auth(ada)).status_code == 200
    assert client.delete(base, headers=token_auth(ada)).status_code == 200
    stopped, deleted = events(db)
    assert (stopped["action"], stopped["meta"]["path"], stopped["meta"]["request_type"]) == (
        "updated", f"/api/v9/workspaces/{wid}/time_entries/{entry.id}/stop", "PATCH")
    assert stopped["payload"]["stop"] is not None
    assert deleted["action"] == "deleted" and deleted["meta"]["request_type"] == "DELETE"
    assert deleted["payload"] == v9_entry(client, ada, entry.id)
    assert deleted["payload"]["server_deleted_at"] is not None


def test_an_update_that_changes_nothing_shown_emits_nothing(client: TestClient, db: Session) -> None:
    ada = make_user(db)
    wid = ada.default_workspace_id
    entry = make_entry(db, user=ada, start="2026-12-01T09:00:00Z", description="Same")
    subscribe(db, ada.id, wid)
    r = client.put(f"{V9}/workspaces/{wid}/time_entries/{entry.id}", headers=token_auth(ada),
                   json={"description": "Same"})
    assert r.status_code == 200, r.text
    assert events(db) == []


def test_bulk_patch_coalesces_steps_and_forgets_a_failed_savepoint(client: TestClient, db: Session) -> None:
    """Two steps on one entry are one ``updated``; the entry whose second step fails keeps nothing."""
    ada = make_user(db)
    wid = ada.default_workspace_id
    done = make_entry(db, user=ada, start="2026-12-01T09:00:00Z", seconds=3600)
    running = make_entry(db, user=ada, start="2026-12-02T09:00:00Z", seconds=None)
    subscribe(db, ada.id, wid)
    ops = [{"op": "replace", "path": "/description", "value": "Renamed"},
           {"op": "replace", "path": "/stop", "value": "2026-12-01"}]
    r = client.patch(f"{V9}/workspaces/{wid}/time_entries/{done.id},{running.id}", headers=token_auth(ada), json=ops)
    assert r.status_code == 200, r.text
    assert r.json()["success"] == [done.id] and [f["id"] for f in r.json()["failure"]] == [running.id]
    [event] = events(db)
    assert (event["entity_id"], event["action"]) == (done.id, "updated")
    assert event["payload"]["description"] == "Renamed" and event["payload"] == v9_entry(client, ada, done.id)


def test_a_failed_request_after_a_write_leaves_no_event(client: TestClient, db: Session) -> None:
    """The entry is written, then creating its new tag is refused (403): the rollback emits nothing."""
    boss, bob = make_user(db), make_user(db)
    ws = make_workspace(db, admin=boss, only_admins_may_create_tags=True)
    add_member(db, ws, bob)
    entry = make_entry(db, user=bob, start="2026-12-01T09:00:00Z", workspace_id=ws.id)
    subscribe(db, boss.id, ws.id)
    r = client.put(f"{V9}/workspaces/{ws.id}/time_entries/{entry.id}", headers=token_auth(bob),
                   json={"description": "Changed", "tags": ["Brand new"]})
    assert r.status_code == 403, r.text
    assert events(db) == [] and deliveries(db) == []
    assert v9_entry(client, bob, entry.id)["description"] == ""


def test_moving_an_entry_is_deleted_there_and_updated_here(client: TestClient, db: Session) -> None:
    ada = make_user(db)
    home = ada.default_workspace_id
    other = make_workspace(db, admin=ada, name="Other")
    entry = make_entry(db, user=ada, start="2026-12-01T09:00:00Z", description="Travel")
    s_home, s_other = subscribe(db, ada.id, home), subscribe(db, ada.id, other.id)
    r = client.put(f"{V9}/workspaces/{home}/time_entries/{entry.id}", headers=token_auth(ada),
                   json={"workspace_id": other.id})
    assert r.status_code == 200, r.text
    gone, arrived = events(db)
    assert (gone["action"], gone["workspace_id"], arrived["action"], arrived["workspace_id"]) == (
        "deleted", home, "updated", other.id)
    assert gone["payload"]["workspace_id"] == home and gone["payload"]["server_deleted_at"] is not None
    assert gone["payload"]["description"] == "Travel"
    assert arrived["payload"] == v9_entry(client, ada, entry.id)
    assert [(d[0], d[1]) for d in deliveries(db)] == [(gone["id"], s_home), (arrived["id"], s_other)]


# -- API v8 -------------------------------------------------------------------------------------------

def test_v8_create_and_update(client: TestClient, db: Session) -> None:
    ada = make_user(db)
    wid = ada.default_workspace_id
    subscribe(db, ada.id, wid)
    r = client.post(f"{V8}/time_entries", headers=token_auth(ada), json={"time_entry": {
        "created_with": "pytest", "start": "2026-12-01T09:00:00Z", "duration": 900, "wid": wid}})
    assert r.status_code == 200, r.text
    entry_id = r.json()["data"]["id"]
    r = client.put(f"{V8}/time_entries/{entry_id}", headers=token_auth(ada),
                   json={"time_entry": {"description": "From v8"}})
    assert r.status_code == 200, r.text
    created, updated = events(db)
    assert created["meta"] == meta("created", "time_entry", ada.id, wid, entry_id, "/api/v8/time_entries", "POST")
    assert updated["meta"] == meta("updated", "time_entry", ada.id, wid, entry_id,
                                   f"/api/v8/time_entries/{entry_id}", "PUT")
    assert updated["payload"] == v9_entry(client, ada, entry_id)
    assert updated["payload"]["description"] == "From v8" and created["payload"]["description"] == ""


def test_v8_start_stops_the_running_entry(client: TestClient, db: Session) -> None:
    ada = make_user(db)
    wid = ada.default_workspace_id
    running = make_entry(db, user=ada, start="2026-12-01T09:00:00Z", seconds=None)
    subscribe(db, ada.id, wid)
    r = client.post(f"{V8}/time_entries/start", headers=token_auth(ada),
                    json={"time_entry": {"created_with": "pytest", "description": "Next"}})
    assert r.status_code == 200, r.text
    assert summary(db) == [("time_entry", "updated", running.id, wid),
                           ("time_entry", "created", r.json()["data"]["id"], wid)]


# -- filters, subscriptions, audience ---------------------------------------------------------------

def test_filters_with_stars_and_dead_subscriptions(client: TestClient, db: Session) -> None:
    ada = make_user(db)
    wid = ada.default_workspace_id
    entry = make_entry(db, user=ada, start="2026-12-01T09:00:00Z")
    deletes = subscribe(db, ada.id, wid, [{"entity": "*", "action": "deleted"}])
    entries = subscribe(db, ada.id, wid, [{"entity": "time_entry", "action": "*"}])
    subscribe(db, ada.id, wid, [{"entity": "tag", "action": "*"}])
    subscribe(db, ada.id, wid, enabled=False)
    subscribe(db, ada.id, wid, validated=False)
    base = f"{V9}/workspaces/{wid}/time_entries/{entry.id}"
    assert client.put(base, headers=token_auth(ada), json={"description": "x"}).status_code == 200
    assert client.delete(base, headers=token_auth(ada)).status_code == 200
    updated, deleted = events(db)
    assert deliveries(db) == [(updated["id"], entries, "pending", False), (deleted["id"], deletes, "pending", False),
                              (deleted["id"], entries, "pending", False)]


def test_no_live_subscription_stores_no_event(client: TestClient, db: Session) -> None:
    ada = make_user(db)
    wid = ada.default_workspace_id
    subscribe(db, ada.id, wid, enabled=False)
    subscribe(db, ada.id, wid, validated=False)
    deleted = subscribe(db, ada.id, wid)
    db.get_one(WebhookSubscription, deleted).deleted_at = datetime(2026, 12, 2, tzinfo=UTC)
    db.commit()
    subscribe(db, ada.id, wid, [{"entity": "project", "action": "*"}])
    r = client.post(f"{V9}/workspaces/{wid}/time_entries", headers=token_auth(ada), json={
        "created_with": "pytest", "start": "2026-12-01T09:00:00Z", "duration": 60})
    assert r.status_code == 200
    assert events(db) == [] and deliveries(db) == []


def test_a_non_admin_creator_gets_only_what_they_may_read(client: TestClient, db: Session) -> None:
    boss, bob, eve = make_user(db), make_user(db), make_user(db)
    ws = make_workspace(db, admin=boss)
    add_member(db, ws, bob)
    add_member(db, ws, eve)
    secret = make_project(db, workspace_id=ws.id, name="Secret", is_private=True)
    public = make_project(db, workspace_id=ws.id, name="Public", is_private=False)
    mine = make_entry(db, user=bob, start="2026-12-01T09:00:00Z", workspace_id=ws.id)
    theirs = make_entry(db, user=eve, start="2026-12-01T09:00:00Z", workspace_id=ws.id)
    s_boss, s_bob = subscribe(db, boss.id, ws.id), subscribe(db, bob.id, ws.id)
    for entry in (mine, theirs):
        r = client.put(f"{V9}/workspaces/{ws.id}/time_entries/{entry.id}", headers=token_auth(boss),
                       json={"description": "Reviewed"})
        assert r.status_code == 200, r.text
    for project in (secret, public):
        r = client.put(f"{V9}/workspaces/{ws.id}/projects/{project.id}", headers=token_auth(boss),
                       json={"billable": True})
        assert r.status_code == 200, r.text
    e_mine, e_theirs, e_secret, e_public = events(db)
    assert (e_secret["entity_id"], e_public["entity_id"]) == (secret.id, public.id)
    assert [(d[0], d[1]) for d in deliveries(db)] == [
        (e_mine["id"], s_boss), (e_mine["id"], s_bob), (e_theirs["id"], s_boss), (e_secret["id"], s_boss),
        (e_public["id"], s_boss), (e_public["id"], s_bob)]


def test_a_creator_who_left_gets_nothing(client: TestClient, db: Session) -> None:
    boss, bob = make_user(db), make_user(db)
    ws = make_workspace(db, admin=boss)
    member = add_member(db, ws, bob, admin=True)
    subscribe(db, bob.id, ws.id)
    member.active = False
    db.commit()
    client.post(f"{V9}/workspaces/{ws.id}/tags", headers=token_auth(boss), json={"name": "Quiet"})
    assert events(db) == []


def test_redact_rates_for_non_admin_creators(client: TestClient, db: Session) -> None:
    boss, bob = make_user(db), make_user(db)
    ws = make_workspace(db, admin=boss, only_admins_see_billable_rates=True)
    add_member(db, ws, bob)
    project = make_project(db, workspace_id=ws.id, name="Paid")
    s_boss, s_bob = subscribe(db, boss.id, ws.id), subscribe(db, bob.id, ws.id)
    r = client.put(f"{V9}/workspaces/{ws.id}/projects/{project.id}", headers=token_auth(boss), json={"rate": 120})
    assert r.status_code == 200, r.text
    [event] = events(db)
    assert event["payload"] == r.json() and event["payload"]["rate"] == 120
    assert deliveries(db) == [(event["id"], s_boss, "pending", False), (event["id"], s_bob, "pending", True)]
    assert redacted("project", event["payload"]) == {**r.json(), "rate": None}


def test_workspace_users_are_redacted_for_non_admins_even_with_visible_rates(client: TestClient, db: Session
                                                                           ) -> None:
    boss, bob, cat = make_user(db, email="boss@example.org"), make_user(db), make_user(db, email="cat@example.org")
    ws = make_workspace(db, admin=boss)
    add_member(db, ws, bob)
    member = add_member(db, ws, cat)
    s_boss, s_bob = subscribe(db, boss.id, ws.id), subscribe(db, bob.id, ws.id)
    r = client.put(f"{V9}/workspaces/{ws.id}/workspace_users/{member.id}", headers=token_auth(boss),
                   json={"admin": True})
    assert r.status_code == 200, r.text
    [event] = events(db)
    listed = client.get(f"{V9}/workspaces/{ws.id}/workspace_users", headers=token_auth(boss)).json()
    assert event["payload"] == next(u for u in listed if u["id"] == member.id)
    assert event["payload"]["email"] == "cat@example.org" and event["payload"]["admin"] is True
    assert deliveries(db) == [(event["id"], s_boss, "pending", False), (event["id"], s_bob, "pending", True)]
    assert redacted("workspace_user", event["payload"])["email"] is None


# -- the CLI ------------------------------------------------------------------------------------------

def test_cli_change_has_no_user_and_no_request(client: TestClient, db: Session, db_url: str, monkeypatch: Any
                                               ) -> None:
    ada = make_user(db)
    wid = ada.default_workspace_id
    sid = subscribe(db, ada.id, wid, [{"entity": "workspace", "action": "updated"}])
    monkeypatch.setenv("PUNCHCLOCK_DATABASE_URL", db_url)
    result = CliRunner().invoke(cli.app, ["workspace", "premium", str(wid), "off"])
    assert result.exit_code == 0, result.output
    [event] = events(db)
    assert event["creator_id"] is None
    assert event["meta"] == meta("updated", "workspace", "", wid, wid, "", "")
    shown = client.get(f"{V9}/workspaces/{wid}", headers=token_auth(ada)).json()
    assert event["payload"] == shown and event["payload"]["premium"] is False
    assert deliveries(db) == [(event["id"], sid, "pending", False)]
    db.rollback()
    assert db.get_one(Workspace, wid).premium is False


def test_workspace_events_show_a_non_admin_creator_their_own_role(client: TestClient, db: Session) -> None:
    boss, bob = make_user(db), make_user(db)
    ws = make_workspace(db, admin=boss, default_hourly_rate=50)
    add_member(db, ws, bob)
    s_boss, s_bob = subscribe(db, boss.id, ws.id), subscribe(db, bob.id, ws.id)
    r = client.put(f"{V9}/workspaces/{ws.id}", headers=token_auth(boss), json={"name": "Renamed"})
    assert r.status_code == 200, r.text
    [event] = events(db)
    assert event["payload"] == client.get(f"{V9}/workspaces/{ws.id}", headers=token_auth(boss)).json()
    assert deliveries(db) == [(event["id"], s_boss, "pending", False), (event["id"], s_bob, "pending", True)]
    as_bob = client.get(f"{V9}/workspaces/{ws.id}", headers=token_auth(bob)).json()
    assert redacted("workspace", event["payload"]) == as_bob
    assert (as_bob["admin"], as_bob["role"], as_bob["default_hourly_rate"]) == (False, "user", 50)


def test_v8_invitation_creates_a_pending_workspace_user_without_its_link(client: TestClient, db: Session) -> None:
    boss = make_user(db)
    ws = make_workspace(db, admin=boss)
    subscribe(db, boss.id, ws.id, [{"entity": "workspace_user", "action": "created"}])
    r = client.post(f"{V8}/workspaces/{ws.id}/invite", headers=token_auth(boss),
                    json={"emails": ["newcomer@example.org"]})
    assert r.status_code == 200, r.text
    [event] = events(db)
    listed = client.get(f"{V9}/workspaces/{ws.id}/workspace_users", headers=token_auth(boss)).json()
    shown = next(u for u in listed if u["email"] == "newcomer@example.org")
    assert shown["invite_url"] is not None and shown["active"] is False
    assert event["payload"] == {**shown, "invite_url": None}
    assert event["meta"] == meta("created", "workspace_user", boss.id, ws.id, shown["id"],
                                 f"/api/v8/workspaces/{ws.id}/invite", "POST")
