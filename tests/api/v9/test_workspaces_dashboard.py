"""API v9 team dashboard (30- §3.3): top_activity, all_activity, most_active from the v8 dashboard domain."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from tests.api.v9.documented import documented
from tests.factories import Team, add_project_user, make_entry, make_project, make_task, make_team, token_auth

V9 = "/api/v9"


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def _arrange(db: Session) -> tuple[Team, dict[str, Any]]:
    """Entries changed at known times: Lena's on P (oldest change), Lena's on a secret project, Jonas's
    running one with a task, Mara's without project (newest change)."""
    team = make_team(db)
    secret = make_project(db, workspace_id=team.ws.id, name="Secret", is_private=True)
    add_project_user(db, secret, team.member)
    task = make_task(db, project=team.project, name="T")
    now = _now()
    e_public = make_entry(db, user=team.member, workspace_id=team.ws.id, start=now - timedelta(hours=5),
                          seconds=1800, project_id=team.project.id, description="public work")
    e_secret = make_entry(db, user=team.member, workspace_id=team.ws.id, start=now - timedelta(hours=4),
                          seconds=600, project_id=secret.id, description="secret work")
    e_running = make_entry(db, user=team.manager, workspace_id=team.ws.id, start=now - timedelta(hours=1),
                           seconds=None, project_id=team.project.id, task_id=task.id, description="")
    e_admin = make_entry(db, user=team.admin, workspace_id=team.ws.id, start=now - timedelta(hours=3), seconds=7200)
    for i, e in enumerate((e_public, e_secret, e_running, e_admin)):
        e.updated_at = datetime(2024, 5, 1, 10, tzinfo=UTC) + timedelta(hours=i)
    db.commit()
    return team, {"public": e_public, "secret": e_secret, "running": e_running, "admin": e_admin,
                  "task": task, "secret_project": secret}


def test_top_activity_newest_first_with_since(client: TestClient, db: Session) -> None:
    team, e = _arrange(db)
    url = f"{V9}/workspaces/{team.ws.id}/dashboard/top_activity"
    r = client.get(url, headers=token_auth(team.admin))
    body = documented(client).check("GET", "/workspaces/{workspace_id}/dashboard/top_activity", r)
    running, admin_entry = e["running"], e["admin"]
    assert body == [
        {"user_id": team.admin.id, "project_id": None, "tid": None, "description": "",
         "duration": 7200, "stop": _utc(admin_entry.stop)},
        {"user_id": team.manager.id, "project_id": team.project.id, "tid": e["task"].id,
         "description": "", "duration": -int(running.start.timestamp()), "stop": None},
        {"user_id": team.member.id, "project_id": e["secret_project"].id,
         "tid": None, "description": "secret work", "duration": 600, "stop": _utc(e["secret"].stop)},
        {"user_id": team.member.id, "project_id": team.project.id, "tid": None, "description": "public work",
         "duration": 1800, "stop": _utc(e["public"].stop)},
    ]
    since = int(datetime(2024, 5, 1, 11, tzinfo=UTC).timestamp())  # the secret entry's change: excluded
    r = client.get(f"{url}?since={since}", headers=token_auth(team.admin))
    assert [a["user_id"] for a in documented(client).check("GET", "/workspaces/{workspace_id}/dashboard/top_activity",
                                                            r)] == [team.admin.id, team.manager.id]


def test_top_activity_hides_private_projects_from_outsiders_of_them(client: TestClient, db: Session) -> None:
    team, _ = _arrange(db)
    r = client.get(f"{V9}/workspaces/{team.ws.id}/dashboard/top_activity", headers=token_auth(team.manager))
    body = documented(client).check("GET", "/workspaces/{workspace_id}/dashboard/top_activity", r)
    assert [a["description"] for a in body] == ["", "", "public work"]


def test_all_activity_latest_per_member(client: TestClient, db: Session) -> None:
    team, _ = _arrange(db)
    url = f"{V9}/workspaces/{team.ws.id}/dashboard/all_activity"
    r = client.get(url, headers=token_auth(team.admin))
    body = documented(client).check("GET", "/workspaces/{workspace_id}/dashboard/all_activity", r)
    assert [(a["user_id"], a["description"]) for a in body] == sorted([
        (team.admin.id, ""), (team.manager.id, ""), (team.member.id, "secret work")])
    # The manager cannot see the secret project: Lena's latest visible entry is the public one.
    r = client.get(url, headers=token_auth(team.manager))
    body = documented(client).check("GET", "/workspaces/{workspace_id}/dashboard/all_activity", r)
    assert [(a["user_id"], a["description"]) for a in body] == sorted([
        (team.admin.id, ""), (team.manager.id, ""), (team.member.id, "public work")])
    since = int(datetime(2024, 5, 1, 12, tzinfo=UTC).timestamp())
    r = client.get(f"{url}?since={since}", headers=token_auth(team.admin))
    assert [a["user_id"] for a in r.json()] == [team.admin.id]


def test_most_active_with_names(client: TestClient, db: Session) -> None:
    team, _ = _arrange(db)
    url = f"{V9}/workspaces/{team.ws.id}/dashboard/most_active"
    r = client.get(url, headers=token_auth(team.admin))
    body = documented(client).check("GET", "/workspaces/{workspace_id}/dashboard/most_active", r)
    assert body == [
        {"user_id": team.admin.id, "duration": 7200, "fullname": "Mara Quint", "email": team.admin.email,
         "avatar_file_name": None},
        {"user_id": team.member.id, "duration": 2400, "fullname": "Lena Berg", "email": team.member.email,
         "avatar_file_name": None},
    ]
    r = client.get(url, headers=token_auth(team.member))
    body = documented(client).check("GET", "/workspaces/{workspace_id}/dashboard/most_active", r)
    assert [(u["user_id"], u["duration"], u["email"]) for u in body] == [
        (team.admin.id, 7200, None), (team.member.id, 2400, None)]


def test_team_dashboard_rule_and_access(client: TestClient, db: Session) -> None:
    team = make_team(db, only_admins_see_team_dashboard=True)
    for name in ("top_activity", "all_activity", "most_active"):
        url = f"{V9}/workspaces/{team.ws.id}/dashboard/{name}"
        r = client.get(url, headers=token_auth(team.member))
        assert (r.status_code, r.json()) == (403, "Only workspace admins can do this")
        r = client.get(url, headers=token_auth(team.outsider))
        assert (r.status_code, r.json()) == (403, "Workspace not found/accessible")
        r = client.get(url, headers=token_auth(team.admin))
        assert documented(client).check("GET", "/workspaces/{workspace_id}/dashboard/" + name, r) == []
