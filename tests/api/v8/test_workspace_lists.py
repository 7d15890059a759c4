from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.models import User, Workspace
from tests.factories import (
    add_member,
    add_project_user,
    at,
    count_queries,
    make_client,
    make_entry,
    make_project,
    make_tag,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)


def ts(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def team(db: Session, **ws_fields: Any) -> tuple[User, User, User, Workspace]:
    """admin (user 1), member (user 2), outsider (user 3); the team workspace is id 4."""
    admin = make_user(db, fullname="Mara Quint")
    member = make_user(db, fullname="Jonas Weber")
    outsider = make_user(db)
    ws = make_workspace(db, admin=admin, **ws_fields)
    add_member(db, ws, member)
    return admin, member, outsider, ws



def ids(rows: list[dict[str, Any]]) -> list[int]:
    return [row["id"] for row in rows]


class TestWorkspaceProjects:
    def test_member_sees_public_and_own_private_projects(self, client: TestClient, db: Session) -> None:
        admin, member, outsider, ws = team(db)
        public = make_project(db, workspace_id=ws.id, name="Public")
        secret = make_project(db, workspace_id=ws.id, name="Secret", is_private=True)
        mine = make_project(db, workspace_id=ws.id, name="Mine", is_private=True)
        add_project_user(db, mine, member)
        make_project(db, workspace_id=ws.id, name="Deleted", deleted_at=at("2023-01-01T00:00:00Z"))
        make_project(db, workspace_id=member.default_workspace_id, name="Elsewhere")
        url = f"/api/v8/workspaces/{ws.id}/projects"
        assert ids(client.get(url, headers=token_auth(member)).json()) == [public.id, mine.id]
        assert ids(client.get(url, headers=token_auth(admin)).json()) == [public.id, secret.id, mine.id]
        r = client.get(url, headers=token_auth(outsider))
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])

    def test_exact_objects_with_hidden_rates(self, client: TestClient, db: Session) -> None:
        admin, member, _, ws = team(db, only_admins_see_billable_rates=True)
        c = make_client(db, workspace_id=ws.id, name="C")
        p = make_project(db, workspace_id=ws.id, name="P", client_id=c.id, rate=Decimal("75.5"), currency="EUR",
                         billable=True, color=13, created_at=at("2023-10-02T06:00:00Z"),
                         updated_at=at("2023-10-02T07:00:00Z"))
        url = f"/api/v8/workspaces/{ws.id}/projects"
        expected = {"id": p.id, "wid": ws.id, "cid": c.id, "name": "P", "billable": True, "is_private": False,
                    "active": True, "template": False, "auto_estimates": False, "currency": "EUR", "color": "13",
                    "hex_color": "#bc2d07", "at": "2023-10-02T07:00:00+00:00",
                    "created_at": "2023-10-02T06:00:00+00:00"}
        assert client.get(url, headers=token_auth(member)).json() == [expected]
        assert client.get(url, headers=token_auth(admin)).json() == [{**expected, "rate": 75.5}]

    def test_active_and_only_templates_parameters(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        wid = me.default_workspace_id
        live = make_project(db, workspace_id=wid, name="Live")
        archived = make_project(db, workspace_id=wid, name="Archived", active=False)
        tpl = make_project(db, workspace_id=wid, name="Tpl", template=True)
        old_tpl = make_project(db, workspace_id=wid, name="Old tpl", template=True, active=False)
        url = f"/api/v8/workspaces/{wid}/projects"
        get = lambda query: ids(client.get(url + query, headers=token_auth(me)).json())  # noqa: E731
        assert get("") == [live.id, tpl.id]
        assert get("?active=true") == [live.id, tpl.id]
        assert get("?active=false") == [archived.id, old_tpl.id]
        assert get("?active=both") == [live.id, archived.id, tpl.id, old_tpl.id]
        assert get("?only_templates=true") == [tpl.id]
        assert get("?only_templates=true&active=both") == [tpl.id, old_tpl.id]
        assert get("?only_templates=false&active=false") == [archived.id, old_tpl.id]
        for query, name in (("?active=x", "active"), ("?only_templates=2", "only_templates"),
                            ("?actual_hours=maybe", "actual_hours")):
            r = client.get(url + query, headers=token_auth(me))
            assert (r.status_code, r.json()) == (400, [f"Invalid {name}"])

    def test_actual_hours_half_up_over_stopped_live_entries_of_all_users(self, client: TestClient,
                                                                         db: Session) -> None:
        admin, member, _, ws = team(db)
        a = make_project(db, workspace_id=ws.id, name="A")
        b = make_project(db, workspace_id=ws.id, name="B")
        c = make_project(db, workspace_id=ws.id, name="C")
        kw: dict[str, Any] = {"workspace_id": ws.id}
        make_entry(db, user=admin, start="2023-10-02T07:00:00Z", seconds=3600, project_id=a.id, **kw)
        make_entry(db, user=member, start="2023-10-02T09:00:00Z", seconds=1800, project_id=a.id, **kw)
        make_entry(db, user=member, start="2023-10-02T10:00:00Z", seconds=7200, project_id=a.id,
                   deleted_at=at("2023-10-03T00:00:00Z"), **kw)
        make_entry(db, user=admin, start="2023-10-03T07:00:00Z", seconds=None, project_id=a.id, **kw)
        make_entry(db, user=member, start="2023-10-02T12:00:00Z", seconds=5399, project_id=b.id, **kw)
        url = f"/api/v8/workspaces/{ws.id}/projects"
        rows = client.get(url + "?actual_hours=true", headers=token_auth(member)).json()
        assert [(r["id"], r["actual_hours"]) for r in rows] == [(a.id, 2), (b.id, 1), (c.id, 0)]
        rows = client.get(url, headers=token_auth(member)).json()
        assert ["actual_hours" in r for r in rows] == [False, False, False]
        rows = client.get(url + "?actual_hours=false", headers=token_auth(member)).json()
        assert ["actual_hours" in r for r in rows] == [False, False, False]

    def test_auto_estimates_in_list(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        wid = me.default_workspace_id
        auto = make_project(db, workspace_id=wid, name="Auto", auto_estimates=True, estimated_hours=50)
        make_task(db, project=auto, name="a", estimated_seconds=7200)
        make_task(db, project=auto, name="b", estimated_seconds=1800)
        manual = make_project(db, workspace_id=wid, name="Manual", estimated_hours=50)
        make_task(db, project=manual, name="a", estimated_seconds=7200)
        rows = client.get(f"/api/v8/workspaces/{wid}/projects", headers=token_auth(me)).json()
        assert [(r["id"], r["estimated_hours"]) for r in rows] == [(auto.id, 3), (manual.id, 50)]

    def test_empty_list_and_bad_workspace_ids(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        wid = me.default_workspace_id
        assert client.get(f"/api/v8/workspaces/{wid}/projects", headers=token_auth(me)).json() == []
        r = client.get("/api/v8/workspaces/999/projects", headers=token_auth(me))
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        r = client.get("/api/v8/workspaces/99999999999999999999/projects", headers=token_auth(me))
        assert (r.status_code, r.json()) == (400, ["Invalid id"])
        r = client.get(f"/api/v8/workspaces/{wid},{wid}/projects", headers=token_auth(me))
        assert r.status_code == 400

    def test_no_query_per_row(self, app: Any, client: TestClient, db: Session) -> None:
        me = make_user(db)
        wid = me.default_workspace_id
        url = f"/api/v8/workspaces/{wid}/projects?actual_hours=true"

        def add_project(n: int) -> None:
            p = make_project(db, workspace_id=wid, name=f"P{n}", auto_estimates=True, is_private=True)
            add_project_user(db, p, me)
            make_task(db, project=p, name="t", estimated_seconds=3600)
            make_entry(db, user=me, start=f"2023-10-0{n + 1}T07:00:00Z", seconds=3600, project_id=p.id)

        add_project(0)
        with count_queries(app) as one:
            assert len(client.get(url, headers=token_auth(me)).json()) == 1
        for n in range(1, 6):
            add_project(n)
        with count_queries(app) as six:
            rows = client.get(url, headers=token_auth(me)).json()
        assert [(r["actual_hours"], r["estimated_hours"]) for r in rows] == [(1, 1)] * 6
        assert six[0] == one[0]


class TestWorkspaceTasks:
    def arrange(self, db: Session, premium: bool = True) -> tuple[User, User, User, Workspace, list[Any]]:
        admin, member, outsider, ws = team(db, premium=premium)
        public = make_project(db, workspace_id=ws.id, name="Public")
        secret = make_project(db, workspace_id=ws.id, name="Secret", is_private=True)
        t1 = make_task(db, project=public, name="Open task", estimated_seconds=600, user_id=member.id)
        t2 = make_task(db, project=secret, name="Secret task")
        t3 = make_task(db, project=public, name="Done task", active=False)
        make_task(db, project=public, name="Deleted", deleted_at=at("2023-01-01T00:00:00Z"))
        other = make_project(db, workspace_id=member.default_workspace_id, name="Own")
        make_task(db, project=other, name="Elsewhere")
        make_entry(db, user=member, start="2023-10-02T07:00:00Z", seconds=900, workspace_id=ws.id,
                   project_id=public.id, task_id=t1.id)
        return admin, member, outsider, ws, [t1, t2, t3, public, secret]

    def test_tasks_of_visible_projects_only(self, client: TestClient, db: Session) -> None:
        admin, member, outsider, ws, (t1, t2, _t3, public, _) = self.arrange(db)
        url = f"/api/v8/workspaces/{ws.id}/tasks"
        assert client.get(url, headers=token_auth(member)).json() == [
            {"id": t1.id, "name": "Open task", "wid": ws.id, "pid": public.id, "uid": member.id, "active": True,
             "estimated_seconds": 600, "tracked_seconds": 900, "at": ts(t1.updated_at)}]
        assert ids(client.get(url, headers=token_auth(admin)).json()) == [t1.id, t2.id]
        r = client.get(url, headers=token_auth(outsider))
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])

    def test_active_parameter_and_fields(self, client: TestClient, db: Session) -> None:
        admin, _member, _, ws, (t1, t2, t3, *_) = self.arrange(db)
        url = f"/api/v8/workspaces/{ws.id}/tasks"
        assert ids(client.get(url + "?active=false", headers=token_auth(admin)).json()) == [t3.id]
        assert ids(client.get(url + "?active=both", headers=token_auth(admin)).json()) == [t1.id, t2.id, t3.id]
        rows = client.get(url + "?fields=done_seconds,uname", headers=token_auth(admin)).json()
        assert [(r.get("done_seconds"), r.get("uname")) for r in rows] == [(900, "Jonas Weber"), (0, None)]
        r = client.get(url + "?active=nope", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (400, ["Invalid active"])

    def test_non_premium_workspace_lists_nothing(self, client: TestClient, db: Session) -> None:
        admin, _member, outsider, ws, _ = self.arrange(db, premium=False)
        assert client.get(f"/api/v8/workspaces/{ws.id}/tasks?active=both", headers=token_auth(admin)).json() == []
        r = client.get(f"/api/v8/workspaces/{ws.id}/tasks", headers=token_auth(outsider))
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])

    def test_no_query_per_row(self, app: Any, client: TestClient, db: Session) -> None:
        admin, member, _, ws = team(db)
        p = make_project(db, workspace_id=ws.id, name="P")
        url = f"/api/v8/workspaces/{ws.id}/tasks?fields=done_seconds,uname"

        def add_task(n: int) -> None:
            t = make_task(db, project=p, name=f"T{n}", user_id=member.id if n % 2 else admin.id)
            make_entry(db, user=member, start=f"2023-10-0{n + 1}T07:00:00Z", seconds=60, workspace_id=ws.id,
                       project_id=p.id, task_id=t.id)

        add_task(0)
        with count_queries(app) as one:
            assert len(client.get(url, headers=token_auth(member)).json()) == 1
        for n in range(1, 6):
            add_task(n)
        with count_queries(app) as six:
            rows = client.get(url, headers=token_auth(member)).json()
        assert [(r["tracked_seconds"], r["uname"]) for r in rows] == [
            (60, "Mara Quint"), (60, "Jonas Weber")] * 3
        assert six[0] == one[0]


class TestWorkspaceTags:
    def test_lists_live_tags_of_the_workspace(self, client: TestClient, db: Session) -> None:
        admin, member, outsider, ws = team(db)
        a = make_tag(db, workspace_id=ws.id, name="billing")
        b = make_tag(db, workspace_id=ws.id, name="Admin")
        gone = make_tag(db, workspace_id=ws.id, name="gone")
        gone.deleted_at = at("2023-01-01T00:00:00Z")
        db.commit()
        make_tag(db, workspace_id=member.default_workspace_id, name="private")
        url = f"/api/v8/workspaces/{ws.id}/tags"
        expected = [{"id": a.id, "wid": ws.id, "name": "billing", "at": ts(a.updated_at)},
                    {"id": b.id, "wid": ws.id, "name": "Admin", "at": ts(b.updated_at)}]
        assert client.get(url, headers=token_auth(member)).json() == expected
        assert client.get(url, headers=token_auth(admin)).json() == expected
        r = client.get(url, headers=token_auth(outsider))
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])

    def test_empty_and_bad_ids(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        assert client.get(f"/api/v8/workspaces/{me.default_workspace_id}/tags", headers=token_auth(me)).json() == []
        assert client.get("/api/v8/workspaces/abc/tags", headers=token_auth(me)).status_code == 400
        assert client.get("/api/v8/workspaces/999/tags", headers=token_auth(me)).json() == ["Workspace not found"]


class TestWorkspaceClients:
    def test_member_lists_clients_with_rates_hidden(self, client: TestClient, db: Session) -> None:
        admin, member, outsider, ws = team(db, only_admins_see_billable_rates=True)
        c1 = make_client(db, workspace_id=ws.id, name="Northwind", notes="n", hourly_rate=Decimal("40"),
                         currency="EUR")
        c2 = make_client(db, workspace_id=ws.id, name="Harbour")
        make_client(db, workspace_id=ws.id, name="Gone", deleted_at=at("2023-01-01T00:00:00Z"))
        make_client(db, workspace_id=member.default_workspace_id, name="Elsewhere")
        url = f"/api/v8/workspaces/{ws.id}/clients"
        expected = [{"id": c1.id, "wid": ws.id, "name": "Northwind", "notes": "n", "cur": "EUR",
                     "at": ts(c1.updated_at)},
                    {"id": c2.id, "wid": ws.id, "name": "Harbour", "at": ts(c2.updated_at)}]
        assert client.get(url, headers=token_auth(member)).json() == expected
        assert client.get(url, headers=token_auth(admin)).json() == [{**expected[0], "hrate": 40}, expected[1]]
        r = client.get(url, headers=token_auth(outsider))
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])

    def test_empty_and_bad_ids(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        assert client.get(f"/api/v8/workspaces/{me.default_workspace_id}/clients",
                          headers=token_auth(me)).json() == []
        assert client.get("/api/v8/workspaces/0/clients", headers=token_auth(me)).status_code == 400
        assert client.get("/api/v8/workspaces/999/clients", headers=token_auth(me)).json() == ["Workspace not found"]
