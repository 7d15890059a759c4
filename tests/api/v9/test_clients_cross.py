"""Clients across dialects: created in v9, read in v8 and Reports v2, changed in v8, read in v9."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import Client
from tests.api.v9.documented import documented
from tests.factories import make_entry, make_project, make_user, token_auth

BERLIN = ZoneInfo("Europe/Berlin")


def stored(db: Session, client_id: int) -> Client:
    db.rollback()
    db.expire_all()
    return db.get_one(Client, client_id)


def test_v9_client_in_v8_and_reports_then_v8_change_in_v9(client: TestClient, db: Session) -> None:
    user = make_user(db, timezone="Europe/Berlin")
    wid, auth = user.default_workspace_id, token_auth(user)
    r = client.post(f"/api/v9/workspaces/{wid}/clients", headers=auth, json={"name": "Harbour Ferries",
                                                                              "notes": "quarterly"})
    cid = documented(client).check("POST", "/workspaces/{workspace_id}/clients", r)["id"]
    c = stored(db, cid)

    r = client.get(f"/api/v8/clients/{cid}", headers=auth)
    assert r.json() == {"data": {"id": cid, "wid": wid, "name": "Harbour Ferries", "notes": "quarterly",
                                 "at": c.updated_at.astimezone(BERLIN).isoformat(timespec="seconds")}}

    project = make_project(db, workspace_id=wid, name="Timetable", client_id=cid)
    make_entry(db, user=user, start="2026-11-03T09:00:00Z", seconds=1800, project_id=project.id,
               description="plan")
    r = client.get("/reports/api/v2/details", headers=auth, params={
        "workspace_id": wid, "since": "2026-11-01", "until": "2026-11-07", "user_agent": "tests"})
    assert [(row["description"], row["project"], row["client"]) for row in r.json()["data"]] == [
        ("plan", "Timetable", "Harbour Ferries")]

    r = client.put(f"/api/v8/clients/{cid}", headers=auth, json={"client": {"name": "Harbour Lines", "notes": ""}})
    assert r.status_code == 200
    c = stored(db, cid)
    r = client.get(f"/api/v9/workspaces/{wid}/clients/{cid}", headers=auth)
    assert documented(client).check("GET", "/workspaces/{workspace_id}/clients/{client_id}", r) == {
        "id": cid, "name": "Harbour Lines", "wid": wid, "notes": None, "archived": False, "creator_id": user.id,
        "at": c.updated_at.astimezone(ZoneInfo("UTC")).isoformat(timespec="seconds"), "server_deleted_at": None,
        "permissions": None}
