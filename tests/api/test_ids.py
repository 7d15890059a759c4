"""Ids on the wire: ASCII digits within the id column, in every path, query and body id, else the dialect's 400.

"²".isdigit() is true and int() takes "٣", "+1", " 1" and "1_0": each of these once answered 500 or
was read as an id.
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.http.v8.routes import ROUTERS
from tests.factories import make_project, make_user, token_auth

NOT_IDS = ["²", "٣", "+1", " 1", "1_0", "0", "-1", "1.0", "9223372036854775808", "99999999999999999999"]

#: Every (method, path) of the v8 API with an id in its path.
ID_ROUTES = sorted(
    (method, route.path)
    for router in ROUTERS
    for route in router.routes
    if "{" in route.path
    for method in route.methods
)
#: Paths whose last id segment may list several ids ("1,2,3"): mass updates and deletes.
LIST_PARAMS = re.compile(r"\{\w+_ids\}")


def _fill(path: str, value: str) -> str:
    return "/api/v8" + re.sub(r"\{\w+\}", value, path)


def test_every_id_route_is_checked() -> None:
    # 38 today: a new route with an id joins the checks below by itself; this number says it did.
    assert len(ID_ROUTES) == 38


@pytest.mark.parametrize(("method", "path"), ID_ROUTES, ids=[f"{m} {p}" for m, p in ID_ROUTES])
def test_non_ascii_and_out_of_range_ids_are_400(client: TestClient, db: Session, method: str, path: str) -> None:
    auth = token_auth(make_user(db))
    for text in NOT_IDS:
        r = client.request(method, _fill(path, text), headers=auth, json={})
        assert (r.status_code, r.json()) == (400, ["Invalid id"]), text
    listed = client.request(method, _fill(path, "1,²"), headers=auth, json={})
    expected = ["Invalid id"] if LIST_PARAMS.search(path) else ["Id lists are not allowed here"]
    assert (listed.status_code, listed.json()) == (400, expected)


def test_reports_id_filters_take_ascii_digits_only(client: TestClient, db: Session) -> None:
    user = make_user(db)
    base = f"/reports/api/v2/details?user_agent=t&workspace_id={user.default_workspace_id}"
    for text in ["²", "٣", "%2B1", "1_0", "-1", "9223372036854775808"]:
        r = client.get(f"{base}&project_ids=1,{text}", headers=token_auth(user))
        assert r.status_code == 400, text
        assert r.json()["error"]["message"] == "project_ids has an invalid value"
    for text in ["²", "٣"]:
        r = client.get(f"/reports/api/v2/details?user_agent=t&workspace_id={text}", headers=token_auth(user))
        assert (r.status_code, r.json()["error"]["message"]) == (400, "workspace_id has an invalid value")
    ok = client.get(f"{base}&project_ids=0,1", headers=token_auth(user))
    assert (ok.status_code, ok.json()["total_count"]) == (200, 0)


def test_body_ids_given_as_strings_take_ascii_digits_only(client: TestClient, db: Session) -> None:
    user = make_user(db)
    project = make_project(db, workspace_id=user.default_workspace_id)
    for text in ["²", "٣", "1,²"]:
        r = client.post("/api/v8/project_users", headers=token_auth(user),
                        json={"project_user": {"pid": project.id, "uid": text}})
        assert (r.status_code, r.json()) == (404, ["Invalid uid"]), text
    r = client.post("/api/v8/project_users", headers=token_auth(user),
                    json={"project_user": {"pid": project.id, "uid": str(user.id)}})
    assert (r.status_code, r.json()["data"]["uid"]) == (200, user.id)
