"""Tags across dialects: created in v9, read in v8 and Reports v2, changed in v8, read in v9."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import Tag
from tests.api.v9.documented import documented
from tests.factories import make_entry, make_user, token_auth


def stored(db: Session, tag_id: int) -> Tag:
    db.rollback()
    db.expire_all()
    return db.get_one(Tag, tag_id)


def test_v9_tag_in_v8_and_reports_then_v8_rename_in_v9(client: TestClient, db: Session) -> None:
    user = make_user(db, timezone="America/New_York")
    wid, auth = user.default_workspace_id, token_auth(user)
    r = client.post(f"/api/v9/workspaces/{wid}/tags", headers=auth, json={"name": "on-site"})
    tid = documented(client).check("POST", "/workspaces/{workspace_id}/tags", r)["id"]
    t = stored(db, tid)

    r = client.get(f"/api/v8/workspaces/{wid}/tags", headers=auth)
    assert r.json() == [{"id": tid, "wid": wid, "name": "on-site",
                         "at": t.updated_at.astimezone(ZoneInfo("America/New_York")).isoformat(timespec="seconds")}]

    make_entry(db, user=user, start="2026-11-03T15:00:00Z", seconds=600, description="visit", tags=[t])
    r = client.get("/reports/api/v2/details", headers=auth, params={
        "workspace_id": wid, "since": "2026-11-01", "until": "2026-11-07", "user_agent": "tests"})
    assert [(row["description"], row["tags"]) for row in r.json()["data"]] == [("visit", ["on-site"])]

    r = client.put(f"/api/v8/tags/{tid}", headers=auth, json={"tag": {"name": "On site"}})
    assert r.status_code == 200
    t = stored(db, tid)
    r = client.get(f"/api/v9/workspaces/{wid}/tags", headers=auth)
    assert documented(client).check("GET", "/workspaces/{workspace_id}/tags", r) == [{
        "id": tid, "workspace_id": wid, "name": "On site", "creator_id": user.id,
        "at": t.updated_at.astimezone(ZoneInfo("UTC")).isoformat(timespec="seconds"), "deleted_at": None,
        "permissions": None}]
