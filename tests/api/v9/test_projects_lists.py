"""API v9 project lists and bulk PATCH (40-catalog §2.5, §2.7; 20-me §8; V-16, V-20, V-50)."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from punchclock.config import Settings
from punchclock.domain.actor import Actor
from punchclock.http.v9.schemas.projects import related
from punchclock.models import Project, User
from tests.api.v9.documented import documented
from tests.factories import (
    add_member,
    add_project_user,
    count_queries,
    make_client,
    make_entry,
    make_project,
    make_user,
    make_workspace,
    token_auth,
)

V9 = "/api/v9"


def home(user: User) -> int:
    """The user's personal workspace (factories always make one)."""
    assert user.default_workspace_id is not None
    return user.default_workspace_id
LIST = "/workspaces/{workspace_id}/projects"


def names(client: TestClient, user: User, wid: int, query: str = "") -> list[str]:
    r = client.get(f"{V9}/workspaces/{wid}/projects{query}", headers=token_auth(user))
    body: list[dict[str, Any]] = documented(client).check("GET", LIST, r)
    return [p["name"] for p in body]


def me(client: TestClient, user: User, template: str, query: str = "") -> list[dict[str, Any]]:
    r = client.get(V9 + template + query, headers=token_auth(user))
    body: list[dict[str, Any]] = documented(client).check("GET", template, r)
    return body


def bad(client: TestClient, user: User, path: str, message: str) -> None:
    r = client.get(V9 + path, headers=token_auth(user))
    assert (r.status_code, r.json()) == (400, message)


class TestWorkspaceList:
    def test_active_absent_is_both_and_sorting(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        make_project(db, workspace_id=wid, name="beta")
        make_project(db, workspace_id=wid, name="Alpha", active=False)
        make_project(db, workspace_id=wid, name="gamma")
        assert names(client, user, wid) == ["Alpha", "beta", "gamma"]
        assert names(client, user, wid, "?active=true") == ["beta", "gamma"]
        assert names(client, user, wid, "?active=false") == ["Alpha"]
        assert names(client, user, wid, "?active=both&sort_order=desc") == ["gamma", "beta", "Alpha"]
        assert names(client, user, wid, "?sort_field=created_at&sort_order=DESC") == ["gamma", "Alpha", "beta"]
        bad(client, user, f"/workspaces/{wid}/projects?sort_field=colour", "Invalid sort_field")
        bad(client, user, f"/workspaces/{wid}/projects?active=maybe", "Invalid active")

    def test_client_filters_and_client_name_sort(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        zed = make_client(db, workspace_id=wid, name="Zed")
        acme = make_client(db, workspace_id=wid, name="acme")
        make_project(db, workspace_id=wid, name="p1", client_id=zed.id)
        make_project(db, workspace_id=wid, name="p2")
        make_project(db, workspace_id=wid, name="p3", client_id=acme.id)
        assert names(client, user, wid, f"?client_ids={zed.id}&client_ids=0") == ["p1", "p2"]
        assert names(client, user, wid, f"?client_ids={acme.id},{zed.id}") == ["p1", "p3"]
        assert names(client, user, wid, "?sort_field=client_name") == ["p3", "p1", "p2"]
        assert names(client, user, wid, "?sort_field=client_name&sort_order=DESC") == ["p1", "p3", "p2"]

    def test_other_filters(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        member = make_user(db)
        ws = make_workspace(db, admin=admin, premium=True)
        add_member(db, ws, member)
        today = datetime.now(UTC).date()
        mine = make_project(db, workspace_id=ws.id, name="Mine", billable=True)
        add_project_user(db, mine, member)
        led = make_project(db, workspace_id=ws.id, name="Led", template=True)
        add_project_user(db, led, member, manager=True)
        make_project(db, workspace_id=ws.id, name="Later", start_date=today + timedelta(days=3))
        make_project(db, workspace_id=ws.id, name="Hidden", is_private=True)
        wid = ws.id
        assert names(client, member, wid) == ["Later", "Led", "Mine"]  # private projects of others never listed
        assert names(client, admin, wid) == ["Hidden", "Later", "Led", "Mine"]
        assert names(client, member, wid, "?billable=true") == ["Mine"]
        assert names(client, member, wid, "?only_me=true") == ["Led", "Mine"]
        assert names(client, member, wid, "?only_editable=true") == ["Led"]
        assert names(client, member, wid, "?only_templates=true") == ["Led"]
        assert names(client, member, wid, f"?user_ids={member.id}") == ["Led", "Mine"]
        assert names(client, member, wid, f"?project_ids={mine.id}&project_ids={led.id}") == ["Led", "Mine"]
        assert names(client, member, wid, "?statuses=upcoming") == ["Later"]
        assert names(client, member, wid, "?name=LE&group_ids=5&sort_pinned=true") == ["Led"]
        assert names(client, member, wid, "?search=%25") == []  # a literal "%", not a wildcard
        bad(client, member, f"/workspaces/{wid}/projects?statuses=done", "Invalid statuses")

    def test_paging_only_when_asked(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        for n in range(205):
            db.add(Project(workspace_id=wid, name=f"p{n:03d}", is_private=False))
        db.commit()
        assert len(names(client, user, wid)) == 205  # V-50: everything without paging parameters
        assert names(client, user, wid, "?page=2&per_page=2") == ["p002", "p003"]
        assert len(names(client, user, wid, "?per_page=1000")) == 200
        assert len(names(client, user, wid, "?page=2")) == 54  # default page size 151
        assert names(client, user, wid, "?page=9&per_page=100") == []
        bad(client, user, f"/workspaces/{wid}/projects?per_page=0", "Invalid per_page")

    def test_statement_count_does_not_grow_with_rows(self, client: TestClient, db: Session, app: Any) -> None:
        user = make_user(db)
        wid = home(user)
        counts = []
        for total in (2, 30):
            while len(names(client, user, wid)) < total:
                p = make_project(db, workspace_id=wid, name=f"p{len(names(client, user, wid))}")
                make_entry(db, user=user, start="2026-01-05T08:00:00Z", project_id=p.id)
            with count_queries(app) as counter:
                names(client, user, wid)
            counts.append(counter[0])
        assert counts[0] == counts[1]

    def test_since_includes_tombstones(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        old = make_project(db, workspace_id=wid, name="old")
        gone = make_project(db, workspace_id=wid, name="gone")
        kept = make_project(db, workspace_id=wid, name="kept")
        past = datetime(2020, 1, 1, tzinfo=UTC)
        db.execute(update(Project).where(Project.id == old.id).values(updated_at=past))
        deleted = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        db.execute(update(Project).where(Project.id == gone.id).values(deleted_at=deleted, updated_at=deleted))
        db.commit()
        since = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())
        r = client.get(f"{V9}/workspaces/{wid}/projects?since={since}", headers=token_auth(user))
        body = documented(client).check("GET", LIST, r)
        assert [(p["name"], p["status"], p["server_deleted_at"]) for p in body] == [
            ("gone", "deleted", "2026-01-02T03:04:05+00:00"), ("kept", "active", None)]
        assert names(client, user, wid) == ["kept", "old"]
        assert kept.id


class TestPerUser:
    def test_me_projects(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        ws = make_workspace(db, admin=make_user(db))
        add_member(db, ws, user)
        a = make_project(db, workspace_id=home(user), name="a")
        b = make_project(db, workspace_id=ws.id, name="b", active=False)
        c = make_project(db, workspace_id=ws.id, name="c")
        make_project(db, workspace_id=ws.id, name="private", is_private=True)
        assert [p["id"] for p in me(client, user, "/me/projects")] == [a.id, c.id]
        assert [p["id"] for p in me(client, user, "/me/projects", "?include_archived=true")] == [a.id, b.id, c.id]
        db.execute(update(Project).where(Project.id == a.id).values(updated_at=datetime(2020, 1, 1, tzinfo=UTC)))
        db.commit()
        since = int(time.time()) - 3600
        assert [p["id"] for p in me(client, user, "/me/projects", f"?since={since}")] == [b.id, c.id]

    def test_me_projects_paginated(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        ids = [make_project(db, workspace_id=wid, name=f"p{n}", active=n != 1).id for n in range(4)]
        got = me(client, user, "/me/projects/paginated", f"?start_project_id={ids[1]}&per_page=2")
        assert [p["id"] for p in got] == ids[1:3]
        assert [p["id"] for p in me(client, user, "/me/projects/paginated")] == ids
        assert [p["id"] for p in me(client, user, "/me/projects/paginated", "?per_page=5000")] == ids

    def test_related_lists_archived_projects_too(self, client: TestClient, db: Session, settings: Settings) -> None:
        """``/me?with_related_data`` takes v8's related-data selection: archived projects are in it."""
        user = make_user(db)
        wid = home(user)
        make_project(db, workspace_id=wid, name="live")
        make_project(db, workspace_id=wid, name="archived", active=False)
        actor = Actor(user=user, workspaces={wid: True})  # type: ignore[arg-type]  # an ORM user as the record
        assert related(db, actor, settings) == me(client, user, "/me/projects", "?include_archived=true")
        assert [p["name"] for p in related(db, actor, settings)] == ["live", "archived"]


class TestBulkPatch:
    def test_per_id_results(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        member = make_user(db)
        ws = make_workspace(db, admin=admin)
        add_member(db, ws, member)
        managed = make_project(db, workspace_id=ws.id, name="Managed")
        add_project_user(db, managed, member, manager=True)
        other = make_project(db, workspace_id=ws.id, name="Other")
        clash = make_project(db, workspace_id=ws.id, name="Clash")
        add_project_user(db, clash, member, manager=True)
        make_project(db, workspace_id=ws.id, name="Taken")
        doc = [{"op": "replace", "path": "/active", "value": False},
               {"op": "replace", "path": "/color", "value": "#0B83D9"},
               {"op": "add", "path": "/end_date", "value": "2099-12-31"}]
        r = client.patch(f"{V9}/workspaces/{ws.id}/projects/{managed.id},{other.id},999,{managed.id}", json=doc,
                         headers=token_auth(member))
        body = documented(client).check("PATCH", "/workspaces/{workspace_id}/projects/{project_ids}", r)
        assert body == {"success": [managed.id], "failure": [
            {"id": other.id, "message": "Only workspace admins and project managers can do this"},
            {"id": 999, "message": "Project not found"}]}
        db.rollback()  # end the snapshot a read opened (SQLite WAL), then reload
        db.expire_all()
        p = db.get_one(Project, managed.id)
        assert (p.active, p.color_hex, p.color, p.end_date) == (False, "#0b83d9", 7, date(2099, 12, 31))
        assert db.get_one(Project, other.id).active is True
        # A failing id rolls back alone: the name clash keeps "Clash" as it was.
        doc = [{"op": "replace", "path": "/name", "value": "Taken"}, {"op": "remove", "path": "/end_date"}]
        r = client.patch(f"{V9}/workspaces/{ws.id}/projects/{clash.id},{managed.id}", json=doc,
                         headers=token_auth(admin))
        assert r.json() == {"success": [], "failure": [{"id": clash.id, "message": "Name has already been taken"},
                                                       {"id": managed.id, "message": "Name has already been taken"}]}
        doc = [{"op": "remove", "path": "/end_date"}]
        r = client.patch(f"{V9}/workspaces/{ws.id}/projects/{managed.id}", json=doc, headers=token_auth(admin))
        assert r.json() == {"success": [managed.id], "failure": []}
        db.rollback()  # end the snapshot a read opened (SQLite WAL), then reload
        db.expire_all()
        assert db.get_one(Project, managed.id).end_date is None

    def test_malformed_document_changes_nothing(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = home(user)
        p = make_project(db, workspace_id=wid, name="P")
        path = f"{V9}/workspaces/{wid}/projects/{p.id}"
        cases = [
            ([{"op": "move", "path": "/name", "value": "x"}], "Invalid operation move"),
            ([{"op": "replace", "path": "/workspace_id", "value": 3}], "Invalid path /workspace_id"),
            ([{"op": "remove", "path": "/name"}], "Invalid path /name"),
            ([{"op": "replace", "path": "/active", "value": "no"}], "Invalid active"),
            ({"op": "replace"}, "Array expected"),
        ]
        for doc, message in cases:
            r = client.patch(path, json=doc, headers=token_auth(user))
            assert (r.status_code, r.json()) == (400, message)
        ids = ",".join(str(n) for n in range(1, 102))
        r = client.patch(f"{V9}/workspaces/{wid}/projects/{ids}", json=[], headers=token_auth(user))
        assert (r.status_code, r.json()) == (400, "Too many ids (maximum 100)")
        db.rollback()  # end the snapshot a read opened (SQLite WAL), then reload
        db.expire_all()
        assert db.get_one(Project, p.id).name == "P"
