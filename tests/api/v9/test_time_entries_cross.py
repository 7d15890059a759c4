"""One time entry through both dialects: created in v9, read in v8 and Reports v2, changed in v8, read in v9."""

from __future__ import annotations

from datetime import UTC
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import Tag, TimeEntry
from tests.api.v9.documented import documented
from tests.factories import add_member, make_client, make_project, make_tag, make_user, make_workspace, token_auth


def test_v9_create_v8_and_reports_read_v8_change_v9_read(client: TestClient, db: Session) -> None:
    user = make_user(db, fullname="Jonas Weber", timezone="Europe/Berlin")
    wid = user.default_workspace_id
    ferries = make_client(db, workspace_id=wid, name="Harbour Ferries")
    project = make_project(db, workspace_id=wid, name="Ferry app", client_id=ferries.id, color=6)
    onsite = make_tag(db, workspace_id=wid, name="on-site")
    auth = token_auth(user)

    r = client.post(f"/api/v9/workspaces/{wid}/time_entries", headers=auth, json={
        "created_with": "toggl-api-wrapper", "description": "Timetable import", "project_id": project.id,
        "start": "2023-10-04T07:00:00Z", "stop": "2023-10-04T08:30:00Z", "tags": ["phase-1"],
        "tag_ids": [onsite.id]})
    created = documented(client).check("POST", "/workspaces/{workspace_id}/time_entries", r)
    entry_id = created["id"]
    db.rollback()
    entry = db.get(TimeEntry, entry_id)
    phase = db.query(Tag).filter(Tag.name == "phase-1").one()
    assert entry is not None
    changed = entry.updated_at

    v8 = client.get(f"/api/v8/time_entries/{entry_id}", headers=auth)
    assert v8.status_code == 200
    assert v8.json() == {"data": {
        "id": entry_id, "guid": entry.guid, "wid": wid, "pid": project.id, "uid": user.id, "billable": False,
        "start": "2023-10-04T09:00:00+02:00", "stop": "2023-10-04T10:30:00+02:00", "duration": 5400,
        "description": "Timetable import", "tags": ["on-site", "phase-1"], "duronly": False,
        "at": changed.astimezone(ZoneInfo("Europe/Berlin")).isoformat(timespec="seconds")}}
    assert created["at"] == changed.astimezone(UTC).isoformat(timespec="seconds")

    report = client.get("/reports/api/v2/details", headers=auth, params={
        "workspace_id": wid, "since": "2023-10-02", "until": "2023-10-08", "user_agent": "tests@example.org"})
    assert report.status_code == 200
    row = report.json()["data"][0]
    assert {k: row[k] for k in ("id", "pid", "uid", "description", "start", "end", "dur", "user", "client",
                                "project", "project_hex_color", "tags")} == {
        "id": entry_id, "pid": project.id, "uid": user.id, "description": "Timetable import",
        "start": "2023-10-04T09:00:00+02:00", "end": "2023-10-04T10:30:00+02:00", "dur": 5400000,
        "user": "Jonas Weber", "client": "Harbour Ferries", "project": "Ferry app",
        "project_hex_color": "#14a88e", "tags": ["on-site", "phase-1"]}

    r = client.put(f"/api/v8/time_entries/{entry_id}", headers=auth, json={"time_entry": {
        "description": "Timetable import v2", "tags": ["phase-1", "Review"], "start": "2023-10-04T10:00:00+02:00",
        "pid": None}})
    assert r.status_code == 200, r.text
    db.rollback()
    review = db.query(Tag).filter(Tag.name == "Review").one()
    entry = db.get(TimeEntry, entry_id)
    assert entry is not None

    r = client.get(f"/api/v9/me/time_entries/{entry_id}", headers=auth)
    body = documented(client).check("GET", "/me/time_entries/{time_entry_id}", r)
    assert body == {
        "id": entry_id, "workspace_id": wid, "wid": wid, "project_id": None, "pid": None, "task_id": None,
        "tid": None, "user_id": user.id, "uid": user.id, "billable": False, "start": "2023-10-04T08:00:00+00:00",
        "stop": "2023-10-04T09:30:00+00:00", "duration": 5400, "description": "Timetable import v2",
        "tags": ["phase-1", "Review"], "tag_ids": [phase.id, review.id], "duronly": True,
        "at": entry.updated_at.astimezone(UTC).isoformat(timespec="seconds"),
        "server_deleted_at": None, "shared_with": None, "permissions": None, "expense_ids": []}


def test_only_admins_may_create_tags_through_v8_too(client: TestClient, db: Session) -> None:
    """The workspace flag is new (v9); v8 entries that name an unknown tag obey it as well (80- §2)."""
    admin, member = make_user(db), make_user(db)
    ws = make_workspace(db, admin=admin, only_admins_may_create_tags=True)
    add_member(db, ws, member)
    body = {"time_entry": {"wid": ws.id, "start": "2024-05-02T09:00:00Z", "duration": 60, "created_with": "v8",
                           "tags": ["fresh"]}}
    r = client.post("/api/v8/time_entries", headers=token_auth(member), json=body)
    assert (r.status_code, r.json()) == (403, ["Only workspace admins may create tags here"])
    r = client.post("/api/v8/time_entries", headers=token_auth(admin), json=body)
    assert r.status_code == 200 and r.json()["data"]["tags"] == ["fresh"]
    r = client.post("/api/v8/time_entries", headers=token_auth(member), json=body)
    assert r.status_code == 200 and r.json()["data"]["tags"] == ["fresh"]
