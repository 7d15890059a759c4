"""toggl_python 0.3.2, unmodified, against a live server: a user's day through its API classes.

toggl_python validates every answer with pydantic models that fail on a missing key or a wrong type, so each
call that returns here proves the shape; the tests then check the exact values. It runs in its own venv
(httpx<0.28 conflicts with ours) and is pointed at the server through its ``base_url`` constructor argument
and, for ``ReportTimeEntry``, its ``REPORT_ROOT_URL`` constant (drivers/toggl_python_api.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.clients.support import Driver, Live, client_env, epoch, http, signup, utc

DAY = (datetime.now(UTC) - timedelta(days=1)).date()
FEATURES = [{"feature_id": 1, "name": "tasks"}, {"feature_id": 2, "name": "billable_rates"},
            {"feature_id": 3, "name": "project_dashboard"}, {"feature_id": 4, "name": "time_estimates"},
            {"feature_id": 5, "name": "webhooks"}, {"feature_id": 6, "name": "groups"}]


def at(hhmm: str) -> str:
    return f"{DAY.isoformat()}T{hhmm}:00+00:00"


def z(hhmm: str) -> str:
    """How toggl_python's models dump a UTC date-time."""
    return f"{DAY.isoformat()}T{hhmm}:00Z"


def pick(obj: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: obj[k] for k in keys}


class Client:
    """toggl_python for one user: ``tp.me.<method>(…)``, ``tp.workspace.<method>(…)``, ``tp.report.<method>(…)``."""

    def __init__(self, driver: Driver, token: str) -> None:
        self.driver, self.token = driver, token

    def __getattr__(self, api: str) -> Any:
        driver, token = self.driver, self.token

        class Api:
            def __getattr__(self, method: str) -> Callable[..., Any]:
                return lambda **kwargs: driver.call("call", token=token, api=api, method=method, **kwargs)

        return Api()


@pytest.fixture
def driver(live: Live, toggl_python_python: Path, tmp_path: Path) -> Iterator[Driver]:
    env = client_env(tmp_path, PUNCHCLOCK_CLIENT_BASE=live.base)
    d = Driver(toggl_python_python, "toggl_python_api.py", env, tmp_path / "toggl_python.err")
    yield d
    d.close()


def test_me_preferences_features_and_workspaces(live: Live, driver: Driver) -> None:
    user = signup(live.base)
    uid, wid, token, email = user["id"], user["default_wid"], user["api_token"], user["email"]
    tp = Client(driver, token)

    me = tp.me.me()
    assert pick(me, "id", "email", "fullname", "api_token", "default_workspace_id", "timezone", "beginning_of_week",
                "has_password", "openid_enabled", "toggl_accounts_id", "country_id") == {
        "id": uid, "email": email, "fullname": "Ada Lovelace", "api_token": token, "default_workspace_id": wid,
        "timezone": "Etc/UTC", "beginning_of_week": 1, "has_password": True, "openid_enabled": False,
        "toggl_accounts_id": f"{uid:022d}", "country_id": None}
    assert me["image_url"].startswith(("http://", "https://"))
    related = tp.me.me(with_related_data=True)
    assert ([w["id"] for w in related["workspaces"]], related["projects"], related["time_entries"]) == ([wid], [], [])
    assert tp.me.logged() is True

    preferences = {"beginning_of_week": 1, "alpha_features": [], "date_format": "YYYY-MM-DD",
                   "duration_format": "improved", "pg_time_zone_name": "Etc/UTC", "record_timeline": False,
                   "send_product_emails": True, "send_timer_notifications": True, "send_weekly_report": True,
                   "timeofday_format": "H:mm"}
    assert tp.me.preferences() == preferences
    assert tp.me.update_preferences(duration_format="decimal", time_format="h:mm A") is True
    assert tp.me.preferences() == {**preferences, "duration_format": "decimal", "timeofday_format": "h:mm A"}
    assert tp.me.features() == [{"workspace_id": wid, "features": [{**f, "enabled": True} for f in FEATURES]}]

    updated = tp.me.update_me(fullname="Ada King", beginning_of_week=0)
    assert pick(updated, "id", "fullname", "beginning_of_week", "email") == {
        "id": uid, "fullname": "Ada King", "beginning_of_week": 0, "email": email}
    assert pick(tp.me.me(), "fullname", "beginning_of_week") == {"fullname": "Ada King", "beginning_of_week": 0}

    workspace = {"id": wid, "name": "Ada Lovelace's workspace", "premium": True, "business_ws": True, "admin": True,
                 "role": "admin", "default_currency": "USD", "rounding": 1, "rounding_minutes": 0, "logo_url": "",
                 "reports_collapse": True, "server_deleted_at": None, "suspended_at": None, "ical_url": None}
    got = tp.workspace.get(workspace_id=wid)
    assert pick(got, *workspace) == workspace
    assert [pick(w, *workspace) for w in tp.workspace.list()] == [workspace]
    orgs = http(live.base, "GET", "/api/v9/me/organizations", token=token)
    assert got["organization_id"] == orgs[0]["id"]
    renamed = tp.workspace.update(workspace_id=wid, name="Analytical Engine", only_admins_may_create_tags=True)
    assert pick(renamed, "id", "name", "only_admins_may_create_tags") == {
        "id": wid, "name": "Analytical Engine", "only_admins_may_create_tags": True}
    assert [w["name"] for w in tp.workspace.list()] == ["Analytical Engine"]


def test_projects(live: Live, driver: Driver) -> None:
    user = signup(live.base)
    wid, token = user["default_wid"], user["api_token"]
    tp = Client(driver, token)
    cid = http(live.base, "POST", "/api/v8/clients", {"client": {"name": "Northwind Bakery", "wid": wid}},
               token)["data"]["id"]

    keys = ("workspace_id", "name", "client_id", "active", "is_private", "start_date", "status", "recurring",
            "recurring_parameters", "fixed_fee", "server_deleted_at", "template_id")
    first = tp.workspace.create_project(workspace_id=wid, name="Website relaunch", is_private=False,
                                        start_date=DAY.isoformat())
    p1 = first["id"]
    expected1 = {"workspace_id": wid, "name": "Website relaunch", "client_id": None, "active": True,
                 "is_private": False, "start_date": f"{DAY.isoformat()}T00:00:00", "status": "active",
                 "recurring": False, "recurring_parameters": None, "fixed_fee": None, "server_deleted_at": None,
                 "template_id": None}
    assert pick(first, *keys) == expected1
    assert first["color"].startswith("#") and len(first["color"]) == 7
    p2 = tp.workspace.create_project(workspace_id=wid, name="Bakery app", client_id=cid,
                                     start_date=DAY.isoformat())["id"]
    assert pick(tp.workspace.get_project(workspace_id=wid, project_id=p1), *keys) == expected1

    assert [p["id"] for p in sorted(tp.workspace.get_projects(workspace_id=wid), key=lambda p: p["id"])] == [p1, p2]
    assert [p["id"] for p in tp.workspace.get_projects(workspace_id=wid, client_ids=[cid])] == [p2]
    assert [p["id"] for p in tp.workspace.get_projects(workspace_id=wid, name="relaunch")] == [p1]

    updated = tp.workspace.update_project(workspace_id=wid, project_id=p1, name="Website relaunch 2.0",
                                          is_private=True)
    assert pick(updated, "id", "name", "is_private") == {"id": p1, "name": "Website relaunch 2.0", "is_private": True}
    bulk = tp.workspace.bulk_edit_projects(workspace_id=wid, project_ids=[p1, p2], operations=[
        {"operation": "replace", "field_name": "is_private", "field_value": False}])
    assert (sorted(bulk["success"]), bulk["failure"]) == ([p1, p2], [])
    assert [(p["id"], p["is_private"]) for p in sorted(tp.me.get_projects(), key=lambda p: p["id"])] == [
        (p1, False), (p2, False)]
    assert [p["id"] for p in tp.me.get_paginated_projects(start_project_id=p2, per_page=1)] == [p2]

    assert tp.workspace.delete_project(workspace_id=wid, project_id=p2) is True
    assert [p["id"] for p in tp.workspace.get_projects(workspace_id=wid)] == [p1]


def test_time_entries_day(live: Live, driver: Driver) -> None:
    user = signup(live.base)
    uid, wid, token = user["id"], user["default_wid"], user["api_token"]
    tp = Client(driver, token)
    pid = http(live.base, "POST", "/api/v8/projects", {"project": {"name": "Website relaunch", "wid": wid}},
               token)["data"]["id"]
    assert tp.me.get_current_time_entry() is None

    base = {"billable": False, "task_id": None, "user_id": uid, "workspace_id": wid, "duronly": True,
            "server_deleted_at": None, "project_id": pid}
    standup = tp.workspace.create_time_entry(workspace_id=wid, start_datetime=at("08:00"), created_with="pytest",
                                             description="Standup", stop=at("09:30"), project_id=pid,
                                             tags=["meeting"])
    sid = standup["id"]
    tag_id = next(t["id"] for t in http(live.base, "GET", f"/api/v8/workspaces/{wid}/tags", token=token)
                  if t["name"] == "meeting")
    expected_standup = {**base, "id": sid, "description": "Standup", "start": z("08:00"), "stop": z("09:30"),
                        "duration": 5400, "tags": ["meeting"], "tag_ids": [tag_id]}
    assert {k: v for k, v in standup.items() if k != "at"} == expected_standup

    coding = tp.workspace.create_time_entry(workspace_id=wid, start_datetime=at("10:00"), created_with="pytest",
                                            description="Coding", duration=-1, project_id=pid)
    cid = coding["id"]
    running = {**base, "id": cid, "description": "Coding", "start": z("10:00"), "stop": None,
               "duration": -epoch(at("10:00")), "tags": [], "tag_ids": []}
    assert {k: v for k, v in coding.items() if k != "at"} == running
    current = tp.me.get_current_time_entry()
    assert {k: v for k, v in current.items() if k != "at"} == running

    before = datetime.now(UTC).replace(microsecond=0)
    stopped = tp.workspace.stop_time_entry(workspace_id=wid, time_entry_id=cid)
    assert before <= utc(stopped["stop"]) <= datetime.now(UTC)
    assert stopped["duration"] == epoch(stopped["stop"]) - epoch(at("10:00"))
    assert tp.me.get_current_time_entry() is None

    edited = tp.workspace.update_time_entry(workspace_id=wid, time_entry_id=cid, stop=at("11:15"),
                                            description="Coding (API)", tags=["deep work"])
    deep = next(t["id"] for t in http(live.base, "GET", f"/api/v8/workspaces/{wid}/tags", token=token)
                if t["name"] == "deep work")
    expected_coding = {**running, "description": "Coding (API)", "stop": z("11:15"), "duration": 4500,
                       "tags": ["deep work"], "tag_ids": [deep]}
    assert {k: v for k, v in edited.items() if k != "at"} == expected_coding
    bulk = tp.workspace.bulk_edit_time_entries(workspace_id=wid, time_entry_ids=[sid], operations=[
        {"operation": "replace", "field_name": "description", "field_value": "Standup (team)"}])
    assert bulk == {"success": [sid], "failure": []}
    expected_standup["description"] = "Standup (team)"

    day = tp.me.get_time_entries(start_date=DAY.isoformat(), end_date=DAY.isoformat())
    assert [{k: v for k, v in e.items() if k != "at"} for e in day] == [expected_coding, expected_standup]
    with_meta = tp.me.get_time_entries(meta=True, start_date=DAY.isoformat(), end_date=DAY.isoformat())
    assert [(e["id"], e["user_name"]) for e in with_meta] == [(cid, "Ada Lovelace"), (sid, "Ada Lovelace")]
    got = tp.me.get_time_entry(time_entry_id=sid)
    assert {k: v for k, v in got.items() if k != "at"} == expected_standup

    assert tp.workspace.delete_time_entry(workspace_id=wid, time_entry_id=sid) is True
    assert [e["id"] for e in tp.me.get_time_entries(start_date=DAY.isoformat(), end_date=DAY.isoformat())] == [cid]
    assert tp.me.get_time_entry(time_entry_id=sid)["server_deleted_at"] is not None
    since = int((datetime.now(UTC) - timedelta(hours=1)).timestamp())
    changed = {e["id"]: e["server_deleted_at"] is not None for e in tp.me.get_time_entries(since=since)}
    assert changed == {cid: False, sid: True}


def test_detailed_report(live: Live, driver: Driver) -> None:
    user = signup(live.base)
    uid, wid, token = user["id"], user["default_wid"], user["api_token"]
    tp = Client(driver, token)
    pid = http(live.base, "POST", "/api/v8/projects", {"project": {"name": "Website relaunch", "wid": wid}},
               token)["data"]["id"]
    ids = [tp.workspace.create_time_entry(workspace_id=wid, start_datetime=at(start), stop=at(stop),
                                          created_with="pytest", description=text, project_id=pid)["id"]
           for start, stop, text in (("08:00", "09:30", "Standup"), ("10:00", "11:15", "Coding"))]

    rows = tp.report.search(workspace_id=wid, start_date=DAY.isoformat(), end_date=DAY.isoformat())
    common = {"billable": False, "project_id": pid, "task_id": None, "tag_ids": [], "user_id": uid,
              "username": "Ada Lovelace", "currency": "USD"}
    expected = [  # newest first
        {**common, "row_number": 1, "description": "Coding", "entry": (ids[1], 4500, z("10:00"), z("11:15"))},
        {**common, "row_number": 2, "description": "Standup", "entry": (ids[0], 5400, z("08:00"), z("09:30"))}]
    assert [{**pick(r, *common, "row_number", "description"),
             "entry": next((e["id"], e["seconds"], e["start"], e["stop"]) for e in r["time_entries"])}
            for r in rows] == expected
    assert all(len(r["time_entries"]) == 1 for r in rows)
    second = tp.report.search(workspace_id=wid, start_date=DAY.isoformat(), end_date=DAY.isoformat(),
                              page_size=1, page_number=1)  # toggl_python: first_row_number = 1 * 1 + 1
    assert [(r["row_number"], r["time_entries"][0]["id"]) for r in second] == [(2, ids[0])]
