"""API v9 projects: object, colour, dates, writes, delete (40-catalog §2.1-§2.4, §2.6; V-17, V-19, V-21)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from punchclock.models import Client, Project, TimeEntry, User, Workspace
from tests.api.v9.documented import documented
from tests.factories import (
    add_member,
    add_project_user,
    make_client,
    make_entry,
    make_project,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)

V9 = "/api/v9"


def home(user: User) -> int:
    """The user's personal workspace (factories always make one)."""
    assert user.default_workspace_id is not None
    return user.default_workspace_id


def call(client: TestClient, method: str, user: User, path: str, body: Any = None) -> Any:
    return client.request(method, V9 + path, json=body, headers=token_auth(user))


def ok(client: TestClient, method: str, user: User, template: str, path: str, body: Any = None) -> Any:
    return documented(client).check(method, template, call(client, method, user, path, body))


def create(client: TestClient, user: User, wid: int, body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = ok(client, "POST", user, "/workspaces/{workspace_id}/projects",
                             f"/workspaces/{wid}/projects", body)
    return out


def fails(client: TestClient, method: str, user: User, path: str, body: Any, status: int, message: str) -> None:
    r = call(client, method, user, path, body)
    assert (r.status_code, r.json()) == (status, message)


def today_in(tz: str) -> str:
    return datetime.now(ZoneInfo(tz)).date().isoformat()


def stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


class TestObject:
    def test_create_answers_every_key_exactly(self, client: TestClient, db: Session) -> None:
        user = make_user(db, timezone="Pacific/Kiritimati")
        wid = home(user)
        body = create(client, user, wid, {"name": "Apollo", "color": "#0B83D9", "client_name": "Acme",
                                          "start_date": "2026-01-05", "end_date": "2026-03-31", "is_private": False,
                                          "auto_estimates": False, "fixed_fee": 12, "rate_change_mode": "x"})
        project = db.scalars(select(Project).where(Project.name == "Apollo")).one()
        acme = db.scalars(select(Client).where(Client.name == "Acme")).one()
        assert body == {
            "id": project.id, "name": "Apollo", "workspace_id": wid, "wid": wid, "client_id": acme.id,
            "cid": acme.id, "client_name": "Acme", "active": True, "is_private": False, "template": False,
            "template_id": None, "billable": True, "auto_estimates": False, "estimated_hours": None,
            "estimated_seconds": None, "actual_seconds": 0, "actual_hours": 0, "rate": None, "currency": None,
            "color": "#0b83d9", "start_date": "2026-01-05", "end_date": "2026-03-31",
            "status": "ended" if today_in("Pacific/Kiritimati") > "2026-03-31" else "active",
            "can_track_time": True, "at": stamp(project.updated_at), "created_at": stamp(project.created_at),
            "server_deleted_at": None, "recurring": False, "pinned": False, "recurring_parameters": None,
            "fixed_fee": None, "rate_last_updated": None, "current_period": None, "permissions": None,
        }
        # The exact hex is kept; v8 keeps a valid palette id: the nearest one, #268bb5 (id 7).
        assert (project.color_hex, project.color) == ("#0b83d9", 7)
        assert acme.creator_id == user.id

    def test_defaults(self, client: TestClient, db: Session) -> None:
        user = make_user(db, timezone="Pacific/Kiritimati")  # UTC+14: its "today" is often not UTC's
        body = create(client, user, home(user), {"name": "Plain"})
        assert body["start_date"] == today_in("Pacific/Kiritimati")
        assert (body["end_date"], body["status"], body["is_private"]) == (None, "active", True)
        assert body["color"] == ["#4dc3ff", "#bc85e6", "#df7baa", "#f68d38", "#b27636", "#8ab734", "#14a88e",
                                 "#268bb5", "#6668b4", "#a4506c", "#67412c", "#3c6526", "#094558", "#bc2d07",
                                 "#999999"][body["id"] % 15]

    def test_private_default_follows_the_workspace_in_v9_and_v8(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        ws = db.get_one(Workspace, home(user))
        ws.projects_private_by_default = False
        db.commit()
        assert create(client, user, ws.id, {"name": "Open"})["is_private"] is False
        r = client.post("/api/v8/projects", json={"project": {"name": "Open8", "wid": ws.id}},
                        headers=token_auth(user))
        assert r.status_code == 200 and r.json()["data"]["is_private"] is False
        assert create(client, user, ws.id, {"name": "Closed", "is_private": True})["is_private"] is True

    def test_actual_and_estimated_time_aggregated(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        other = make_user(db)
        wid = home(user)
        add_member(db, wid, other)
        p = make_project(db, workspace_id=wid, name="Tracked", estimated_hours=3)
        make_entry(db, user=user, start="2026-01-05T08:00:00Z", seconds=5400, project_id=p.id)
        make_entry(db, user=other, start="2026-01-05T09:00:00Z", seconds=1800, project_id=p.id, workspace_id=wid)
        make_entry(db, user=user, start="2026-01-05T10:00:00Z", seconds=None, project_id=p.id)  # running
        gone = make_entry(db, user=user, start="2026-01-05T11:00:00Z", seconds=999, project_id=p.id)
        gone.deleted_at = datetime.now(UTC)
        db.commit()
        body = ok(client, "GET", user, "/workspaces/{workspace_id}/projects/{project_id}",
                  f"/workspaces/{wid}/projects/{p.id}")
        assert (body["actual_seconds"], body["actual_hours"]) == (7200, 2)
        assert (body["estimated_hours"], body["estimated_seconds"]) == (3, 10800)

    def test_auto_estimates_from_tasks(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        p = make_project(db, workspace_id=wid, name="Auto", auto_estimates=True)
        make_task(db, project=p, name="a", estimated_seconds=5400)
        make_task(db, project=p, name="b", estimated_seconds=3600)
        body = ok(client, "GET", user, "/workspaces/{workspace_id}/projects/{project_id}",
                  f"/workspaces/{wid}/projects/{p.id}")
        assert (body["estimated_hours"], body["estimated_seconds"]) == (3, 10800)  # 2.5 h half-up

    def test_rate_hidden_from_members_when_rates_are_hidden(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        member = make_user(db)
        ws = make_workspace(db, admin=admin, premium=True, only_admins_see_billable_rates=True)
        add_member(db, ws, member)
        p = make_project(db, workspace_id=ws.id, rate=Decimal("12.50"), currency="EUR")
        path = f"/workspaces/{ws.id}/projects/{p.id}"
        as_admin = ok(client, "GET", admin, "/workspaces/{workspace_id}/projects/{project_id}", path)
        as_member = ok(client, "GET", member, "/workspaces/{workspace_id}/projects/{project_id}", path)
        assert (as_admin["rate"], as_admin["currency"]) == (12.5, "EUR")
        assert (as_member["rate"], as_member["currency"]) == (None, "EUR")

    def test_statuses(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        today = datetime.now(UTC).date()
        made = {
            "upcoming": make_project(db, workspace_id=wid, name="u", start_date=today + timedelta(days=2)),
            "ended": make_project(db, workspace_id=wid, name="e", start_date=date(2020, 1, 1),
                                  end_date=today - timedelta(days=2)),
            "archived": make_project(db, workspace_id=wid, name="a", active=False),
            "active": make_project(db, workspace_id=wid, name="x", end_date=today + timedelta(days=2)),
        }
        for status, p in made.items():
            body = ok(client, "GET", user, "/workspaces/{workspace_id}/projects/{project_id}",
                      f"/workspaces/{wid}/projects/{p.id}")
            assert body["status"] == status
            assert body["can_track_time"] is (status != "archived")


class TestCreateAndUpdate:
    def test_client_name_finds_case_insensitively(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        acme = make_client(db, workspace_id=wid, name="Acme")
        body = create(client, user, wid, {"name": "P", "client_name": "ACME"})
        assert (body["client_id"], body["client_name"]) == (acme.id, "Acme")
        assert db.scalar(select(Client.id).where(Client.workspace_id == wid, Client.id != acme.id)) is None
        same = create(client, user, wid, {"name": "Q", "client_id": acme.id, "client_name": "acme"})
        assert same["client_id"] == acme.id
        fails(client, "POST", user, f"/workspaces/{wid}/projects",
              {"name": "R", "client_id": acme.id, "client_name": "Other"}, 400,
              "client_id and client_name name different clients")

    def test_template_copies_the_hex_colour(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        template = create(client, user, wid, {"name": "T", "template": True, "color": "#123456", "is_private": False})
        copy = create(client, user, wid, {"name": "C", "template_id": template["id"]})
        assert (copy["template_id"], copy["color"], copy["is_private"], copy["template"]) == (
            template["id"], "#123456", False, False)
        own = create(client, user, wid, {"name": "D", "template_id": template["id"], "color": "2"})
        assert own["color"] == "#df7baa"

    def test_only_admins_may_create_projects(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        member = make_user(db)
        ws = make_workspace(db, admin=admin, only_admins_may_create_projects=True)
        add_member(db, ws, member)
        fails(client, "POST", member, f"/workspaces/{ws.id}/projects", {"name": "X"}, 403,
              "Only workspace admins can create projects in this workspace")
        assert create(client, admin, ws.id, {"name": "X"})["name"] == "X"

    def test_cid_alias_and_long_name_wins(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        a = make_client(db, workspace_id=wid, name="A")
        b = make_client(db, workspace_id=wid, name="B")
        assert create(client, user, wid, {"name": "P", "cid": a.id})["client_id"] == a.id
        assert create(client, user, wid, {"name": "Q", "cid": a.id, "client_id": b.id})["cid"] == b.id

    def test_validation_errors_are_400_strings(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        stranger = make_user(db)
        wid = home(user)
        foreign = make_client(db, workspace_id=home(stranger), name="Theirs")
        make_project(db, workspace_id=wid, name="Taken")
        path = f"/workspaces/{wid}/projects"
        fails(client, "POST", user, path, {"name": "D", "start_date": "2026-02-01", "end_date": "2026-01-31"},
              400, "end_date is before start_date")
        fails(client, "POST", user, path, {"name": "R", "recurring": True}, 400,
              "Recurring projects are not supported")
        fails(client, "POST", user, path, {"name": "C", "color": "red"}, 400, "Invalid project color")
        fails(client, "POST", user, path, {"name": "C", "color": "#12345"}, 400, "Invalid project color")
        fails(client, "POST", user, path, {"name": "C", "color": 15}, 400, "Invalid project color")
        fails(client, "POST", user, path, {"name": "F", "client_id": foreign.id}, 400, "Client not found")
        fails(client, "POST", user, path, {"name": "taken"}, 400, "Name has already been taken")
        fails(client, "POST", user, path, {"name": "T", "active": "yes"}, 400, "Invalid active")
        fails(client, "POST", user, path, {"active": True}, 400, "Name can't be blank")
        fails(client, "POST", user, path, [1], 400, "Object expected")
        assert create(client, user, wid, {"name": "N", "recurring": False})["recurring"] is False

    def test_premium_inputs_are_accepted_not_stored(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        ws = make_workspace(db, admin=user, premium=False)
        body = create(client, user, ws.id,
                      {"name": "Free", "billable": True, "rate": 50, "currency": "EUR", "estimated_hours": 4})
        assert (body["billable"], body["rate"], body["currency"], body["estimated_hours"]) == (False, None, None, None)

    def test_premium_inputs_stored_on_premium(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        ws = make_workspace(db, admin=user, premium=True, projects_billable_by_default=False)
        body = create(client, user, ws.id,
                      {"name": "Paid", "billable": True, "rate": 50, "currency": "EUR", "estimated_hours": 4})
        assert (body["billable"], body["rate"], body["currency"], body["estimated_seconds"]) == (True, 50, "EUR",
                                                                                               14400)

    def test_update_is_partial_and_palette_id_clears_hex(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        body = create(client, user, wid, {"name": "P", "color": "#8AB734", "end_date": "2099-01-01",
                                          "start_date": "2026-01-01"})
        assert body["color"] == "#8ab734"
        path = f"/workspaces/{wid}/projects/{body['id']}"
        tmpl = "/workspaces/{workspace_id}/projects/{project_id}"
        changed = ok(client, "PUT", user, tmpl, path, {"color": "3", "end_date": None, "name": None})
        assert (changed["color"], changed["end_date"], changed["name"], changed["start_date"]) == (
            "#f68d38", None, "P", "2026-01-01")
        project = db.get_one(Project, body["id"])
        db.refresh(project)
        assert (project.color, project.color_hex) == (3, None)
        fails(client, "PUT", user, path, {"end_date": "2025-12-31"}, 400, "end_date is before start_date")
        archived = ok(client, "PUT", user, tmpl, path, {"active": False})
        assert (archived["active"], archived["status"], archived["can_track_time"]) == (False, "archived", False)

    def test_update_needs_a_manager(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        member = make_user(db)
        ws = make_workspace(db, admin=admin)
        add_member(db, ws, member)
        p = make_project(db, workspace_id=ws.id, name="P")
        fails(client, "PUT", member, f"/workspaces/{ws.id}/projects/{p.id}", {"name": "Q"}, 403,
              "Only workspace admins and project managers can do this")
        add_project_user(db, p, member, manager=True)
        body = ok(client, "PUT", member, "/workspaces/{workspace_id}/projects/{project_id}",
                  f"/workspaces/{ws.id}/projects/{p.id}", {"name": "Q"})
        assert body["name"] == "Q"

    def test_access(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        member = make_user(db)
        outsider = make_user(db)
        ws = make_workspace(db, admin=admin)
        add_member(db, ws, member)
        private = make_project(db, workspace_id=ws.id, name="Secret", is_private=True)
        elsewhere = make_project(db, workspace_id=home(admin), name="Home")
        fails(client, "GET", member, f"/workspaces/{ws.id}/projects/{private.id}", None, 404, "Project not found")
        fails(client, "GET", admin, f"/workspaces/{ws.id}/projects/{elsewhere.id}", None, 404, "Project not found")
        fails(client, "GET", outsider, f"/workspaces/{ws.id}/projects/{private.id}", None, 403,
              "Workspace not found/accessible")
        fails(client, "POST", outsider, f"/workspaces/{ws.id}/projects", {"name": "X"}, 403,
              "Workspace not found/accessible")
        fails(client, "GET", admin, f"/workspaces/{ws.id}/projects/1,2", None, 400, "Invalid id")


class TestDelete:
    def test_delete_answers_the_id_and_unassigns_entries(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        p = make_project(db, workspace_id=wid, name="P")
        e = make_entry(db, user=user, start="2026-01-05T08:00:00Z", project_id=p.id)
        r = call(client, "DELETE", user, f"/workspaces/{wid}/projects/{p.id}")
        assert (r.status_code, r.content) == (200, str(p.id).encode())
        db.rollback()  # end the snapshot a read opened (SQLite WAL), then reload
        db.expire_all()
        entry = db.get_one(TimeEntry, e.id)
        assert (entry.project_id, entry.deleted_at) == (None, None)
        fails(client, "GET", user, f"/workspaces/{wid}/projects/{p.id}", None, 404, "Project not found")

    def test_delete_mode_deletes_entries(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        p = make_project(db, workspace_id=wid, name="P")
        e = make_entry(db, user=user, start="2026-01-05T08:00:00Z", project_id=p.id)
        kept = make_entry(db, user=user, start="2026-01-05T10:00:00Z")
        r = call(client, "DELETE", user, f"/workspaces/{wid}/projects/{p.id}?teDeletionMode=delete")
        assert (r.status_code, r.json()) == (200, p.id)
        db.rollback()  # end the snapshot a read opened (SQLite WAL), then reload
        db.expire_all()
        assert db.get_one(TimeEntry, e.id).deleted_at is not None
        assert db.get_one(TimeEntry, kept.id).deleted_at is None
        fails(client, "DELETE", user, f"/workspaces/{wid}/projects/{p.id}?teDeletionMode=wipe", None, 400,
              "Invalid teDeletionMode")

    def test_delete_needs_a_manager(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        member = make_user(db)
        ws = make_workspace(db, admin=admin)
        add_member(db, ws, member)
        p = make_project(db, workspace_id=ws.id, name="P")
        fails(client, "DELETE", member, f"/workspaces/{ws.id}/projects/{p.id}", None, 403,
              "Only workspace admins and project managers can do this")
        assert db.scalar(select(Project.deleted_at).where(Project.id == p.id)) is None


class TestCrossDialect:
    def test_v9_create_v8_read_v8_change_v9_read(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        body = create(client, user, wid, {"name": "Bridge", "color": "#0b83d9", "client_name": "Acme",
                                          "is_private": False, "start_date": "2026-02-01"})
        v8 = client.get(f"/api/v8/projects/{body['id']}", headers=token_auth(user)).json()["data"]
        assert {k: v8[k] for k in ("id", "wid", "cid", "name", "is_private", "active", "color", "hex_color")} == {
            "id": body["id"], "wid": wid, "cid": body["client_id"], "name": "Bridge", "is_private": False,
            "active": True, "color": "7", "hex_color": "#268bb5"}
        # Reports v2 shows the project with its palette colour.
        make_entry(db, user=user, start="2026-02-02T08:00:00Z", project_id=body["id"])
        r = client.get("/reports/api/v2/details", headers=token_auth(user), params={
            "workspace_id": wid, "user_agent": "t", "since": "2026-02-01", "until": "2026-02-03"})
        row = r.json()["data"][0]
        assert (row["project"], row["client"], row["project_hex_color"]) == ("Bridge", "Acme", "#268bb5")
        r = client.put(f"/api/v8/projects/{body['id']}", json={"project": {"name": "Bridge 2", "color": "3"}},
                       headers=token_auth(user))
        assert r.status_code == 200, r.text
        again = ok(client, "GET", user, "/workspaces/{workspace_id}/projects/{project_id}",
                   f"/workspaces/{wid}/projects/{body['id']}")
        assert (again["name"], again["color"], again["start_date"], again["actual_seconds"]) == (
            "Bridge 2", "#f68d38", "2026-02-01", 3600)

    def test_v8_project_reads_in_v9(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        r = client.post("/api/v8/projects", json={"project": {"name": "Old", "wid": wid, "color": "5"}},
                        headers=token_auth(user))
        pid = r.json()["data"]["id"]
        body = ok(client, "GET", user, "/workspaces/{workspace_id}/projects/{project_id}",
                  f"/workspaces/{wid}/projects/{pid}")
        assert (body["name"], body["color"], body["client_id"], body["start_date"]) == (
            "Old", "#8ab734", None, datetime.now(UTC).date().isoformat())
        db.execute(update(Project).where(Project.id == pid).values(color_hex="#abcdef"))
        db.commit()
        v8 = client.get(f"/api/v8/projects/{pid}", headers=token_auth(user)).json()["data"]
        assert (v8["color"], v8["hex_color"]) == ("5", "#8ab734")  # v8 output unchanged by the v9 colour
