"""One user, three dialects: written through v9, read through v8 and Reports v2; written through v8, read in v9."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import User
from tests.api.v9.documented import documented
from tests.factories import basic, make_entry, make_workspace, token_auth


def test_user_created_and_changed_in_v9_read_in_v8_and_reports_then_changed_in_v8(client: TestClient,
                                                                                  db: Session) -> None:
    r = client.post("/api/v9/signup", json={"user": {"email": "ines.rocha@example.org", "password": "secret-9",
                                                     "created_with": "togglCli"}})
    created = documented(client).check("POST", "/signup", r)
    auth = basic(created["api_token"], "api_token")
    r = client.put("/api/v9/me", headers=auth, json={"fullname": "Ines Rocha-Lopes", "timezone": "Europe/Lisbon",
                                                     "beginning_of_week": 0})
    documented(client).check("PUT", "/me", r)
    r = client.post("/api/v9/me/preferences", headers=auth,
                    json={"date_format": "DD.MM.YYYY", "timeofday_format": "h:mm A", "send_weekly_report": False})
    assert documented(client).check("POST", "/me/preferences", r) is None

    v8 = client.get("/api/v8/me", headers=auth).json()["data"]
    assert {k: v8[k] for k in ("id", "api_token", "default_wid", "email", "fullname", "timezone",
                               "beginning_of_week", "date_format", "jquery_date_format", "timeofday_format",
                               "jquery_timeofday_format", "send_weekly_report")} == {
        "id": created["id"], "api_token": created["api_token"], "default_wid": created["default_workspace_id"],
        "email": "ines.rocha@example.org", "fullname": "Ines Rocha-Lopes", "timezone": "Europe/Lisbon",
        "beginning_of_week": 0, "date_format": "DD.MM.YYYY", "jquery_date_format": "d.m.Y",
        "timeofday_format": "h:mm A", "jquery_timeofday_format": "h:i A", "send_weekly_report": False}

    # Reports v2 names the user and renders rows in the owner's zone: both as set through v9.
    user = db.get_one(User, created["id"])
    entry = make_entry(db, user=user, start="2023-10-02T07:00:00Z", seconds=5400)
    r = client.get("/reports/api/v2/details", headers=auth,
                   params={"workspace_id": created["default_workspace_id"], "since": "2023-10-02",
                           "until": "2023-10-08", "user_agent": "tests"})
    row = r.json()["data"][0]
    assert (row["id"], row["user"], row["start"], row["end"]) == (
        entry.id, "Ines Rocha-Lopes", "2023-10-02T08:00:00+01:00", "2023-10-02T09:30:00+01:00")

    other = make_workspace(db, admin=user, name="Second")
    r = client.put("/api/v8/me", headers=auth, json={"user": {
        "fullname": "Ines R. Lopes", "beginning_of_week": 5, "default_wid": other.id, "timezone": "Asia/Tokyo",
        "duration_format": "decimal", "send_product_emails": False}})
    assert r.status_code == 200
    r = client.get("/api/v9/me", headers=auth)
    me = documented(client).check("GET", "/me", r)
    assert (me["fullname"], me["beginning_of_week"], me["default_workspace_id"], me["timezone"]) == (
        "Ines R. Lopes", 5, other.id, "Asia/Tokyo")
    assert me["at"] == me["updated_at"] and me["updated_at"].endswith("+00:00")
    r = client.get("/api/v9/me/preferences", headers=token_auth(user))
    prefs = documented(client).check("GET", "/me/preferences", r)
    assert (prefs["BeginningOfWeek"], prefs["beginningOfWeek"], prefs["pg_time_zone_name"], prefs["duration_format"],
            prefs["send_product_emails"], prefs["date_format"]) == (5, 5, "Asia/Tokyo", "decimal", False, "DD.MM.YYYY")
