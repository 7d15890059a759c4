"""``GET /api/v9/me?with_related_data=true`` (20-me-and-users §2): the user object plus the caller's data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.api.v9.documented import documented
from tests.factories import (
    add_member,
    make_client,
    make_entry,
    make_project,
    make_tag,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)

KEYS = ["clients", "projects", "tags", "tasks", "time_entries", "workspaces"]
#: The ``/me`` list each collection equals: projects archived too (v8 related data), entries by default.
LISTS = {key: f"/api/v9/me/{key}" for key in KEYS} | {"projects": "/api/v9/me/projects?include_archived=true"}


def test_collections_are_the_me_lists_of_the_callers_workspaces(client: TestClient, db: Session) -> None:
    user, stranger = make_user(db), make_user(db)
    own = user.default_workspace_id
    team = make_workspace(db, admin=stranger, name="Team")
    add_member(db, team, user)
    acme = make_client(db, workspace_id=own, name="Acme")
    site = make_project(db, workspace_id=own, name="Site", client_id=acme.id)
    private = make_project(db, workspace_id=team.id, name="Hidden", is_private=True)
    shared = make_project(db, workspace_id=team.id, name="Shared")
    old = make_project(db, workspace_id=own, name="Old", active=False)
    now = datetime.now(UTC).replace(microsecond=0)
    running = make_entry(db, user=user, start=now - timedelta(days=20), seconds=None, project_id=site.id)
    latest = make_entry(db, user=user, start=now - timedelta(hours=2), seconds=600, tags=[])
    make_entry(db, user=user, start=now - timedelta(days=12), seconds=60)  # outside the nine days
    make_entry(db, user=stranger, start=now - timedelta(hours=1), seconds=60)  # someone else's
    design = make_task(db, project=site, name="Design")
    make_task(db, project=private, name="Invisible")
    urgent = make_tag(db, workspace_id=team.id, name="urgent")
    make_client(db, workspace_id=stranger.default_workspace_id, name="Elsewhere")
    make_tag(db, workspace_id=stranger.default_workspace_id, name="elsewhere")

    plain = client.get("/api/v9/me", headers=token_auth(user)).json()
    r = client.get("/api/v9/me?with_related_data=true", headers=token_auth(user))
    body = documented(client).check("GET", "/me", r)
    assert {k: v for k, v in body.items() if k not in KEYS} == plain
    assert [c["id"] for c in body["clients"]] == [acme.id]
    assert [(p["id"], p["name"]) for p in body["projects"]] == [(site.id, "Site"), (shared.id, "Shared"),
                                                                (old.id, "Old")]
    assert [(e["id"], e["stop"] is None) for e in body["time_entries"]] == [(latest.id, False), (running.id, True)]
    assert [(t["id"], t["name"]) for t in body["tasks"]] == [(design.id, "Design")]
    assert [(t["id"], t["name"]) for t in body["tags"]] == [(urgent.id, "urgent")]
    assert [w["id"] for w in body["workspaces"]] == [own, team.id]
    for key in KEYS:  # each collection in the v9 shape of its own list
        assert body[key] == client.get(LISTS[key], headers=token_auth(user)).json(), key


def test_empty_collections_are_empty_lists(client: TestClient, db: Session) -> None:
    user = make_user(db)
    r = client.get("/api/v9/me?with_related_data=1", headers=token_auth(user))
    body = documented(client).check("GET", "/me", r)
    assert {key: body[key] for key in KEYS if key != "workspaces"} == {
        "clients": [], "projects": [], "tags": [], "tasks": [], "time_entries": []}
    assert [w["id"] for w in body["workspaces"]] == [user.default_workspace_id]


def test_web_timer_lists_recent_stopped_entries_in_toggl_pythons_shape(client: TestClient, db: Session) -> None:
    user, other = make_user(db), make_user(db)
    wid = user.default_workspace_id
    site = make_project(db, workspace_id=wid, name="Site")
    design = make_task(db, project=site, name="Design")
    beta, alpha = make_tag(db, workspace_id=wid, name="beta"), make_tag(db, workspace_id=wid, name="Alpha")
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=2)
    recent = make_entry(db, user=user, start=start, seconds=1800, project_id=site.id, task_id=design.id,
                        billable=True, description="Layout", tags=[beta, alpha])
    older = make_entry(db, user=user, start=now - timedelta(days=3), seconds=60)
    make_entry(db, user=user, start=now - timedelta(minutes=5), seconds=None)  # running: left out
    make_entry(db, user=user, start=now - timedelta(days=10), seconds=60)  # outside the 9 days
    make_entry(db, user=user, start=now - timedelta(days=1), seconds=60, deleted_at=now)
    make_entry(db, user=other, start=now - timedelta(days=1), seconds=60)
    db.refresh(recent)
    r = client.get("/api/v9/me/web-timer", headers=token_auth(user))
    body = documented(client).check("GET", "/me/web-timer", r)
    related = client.get("/api/v9/me?with_related_data=true", headers=token_auth(user)).json()
    assert {k: body[k] for k in ("clients", "projects", "tags")} == {
        k: related[k] for k in ("clients", "projects", "tags")}
    assert [t["name"] for t in body["tags"]] == ["beta", "Alpha"]
    assert body["time_entries"][0] == {
        "id": recent.id, "workspace_id": wid, "project_id": site.id, "task_id": design.id, "user_id": user.id,
        "billable": True, "description": "Layout", "tag_ids": [alpha.id, beta.id], "planned_task_id": None,
        "deleted": None, "updated_at": recent.updated_at.astimezone(UTC).isoformat(),
        "utc_start": start.isoformat(), "utc_stop": (start + timedelta(seconds=1800)).isoformat(),
        "duration_in_seconds": 1800, "ignore_start_and_stop": False}
    assert [e["id"] for e in body["time_entries"]] == [recent.id, older.id]


def test_web_timer_requires_authentication(client: TestClient) -> None:
    r = client.get("/api/v9/me/web-timer")
    assert (r.status_code, r.json()) == (403, "Incorrect username and/or password")
