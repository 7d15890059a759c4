from __future__ import annotations

from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import Client, Project
from tests.factories import add_member, make_client, make_project, make_user, make_workspace, token_auth


class TestCreateClient:
    def test_creates_and_returns_client(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        r = client.post("/api/v8/clients", headers=token_auth(user),
                        json={"client": {"name": " Harbour Ferries ", "wid": wid, "notes": "Invoice quarterly",
                                         "hrate": 45.5, "cur": "EUR"}})
        assert r.status_code == 200
        body = r.json()["data"]
        assert body == {"id": 1, "wid": wid, "name": "Harbour Ferries", "notes": "Invoice quarterly",
                        "hrate": 45.5, "cur": "EUR", "at": body["at"]}
        assert body["at"].endswith("+00:00")
        stored = db.scalars(select(Client)).one()
        assert stored.hourly_rate == Decimal("45.50")

    def test_missing_wid_is_validation_failure(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/clients", headers=token_auth(user), json={"client": {"name": "X"}})
        assert (r.status_code, r.json()) == (404, ["Workspace can't be blank"])

    def test_missing_wrapper_and_empty_body(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/clients", headers=token_auth(user), json={"name": "X"})
        assert (r.status_code, r.json()) == (404, ["client can't be blank"])
        r = client.post("/api/v8/clients", headers=token_auth(user), content=b"")
        assert (r.status_code, r.json()) == (404, ["client can't be blank"])

    def test_malformed_json_is_400(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/clients", headers=token_auth(user), content=b'{"client": ')
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])

    def test_wrong_type_is_validation_failure_and_writes_nothing(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/clients", headers=token_auth(user),
                        json={"client": {"name": ["x"], "wid": user.default_workspace_id}})
        assert (r.status_code, r.json()) == (404, ["Invalid name"])
        assert db.scalars(select(Client)).all() == []

    def test_duplicate_name_case_insensitive(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        make_client(db, workspace_id=user.default_workspace_id, name="Acme")
        r = client.post("/api/v8/clients", headers=token_auth(user),
                        json={"client": {"name": "ACME", "wid": user.default_workspace_id}})
        assert (r.status_code, r.json()) == (404, ["Name has already been taken"])

    def test_foreign_workspace_is_not_found(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        r = client.post("/api/v8/clients", headers=token_auth(me),
                        json={"client": {"name": "X", "wid": other.default_workspace_id}})
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        r = client.post("/api/v8/clients", headers=token_auth(me),
                        json={"client": {"name": "X", "wid": 2**70}})
        assert (r.status_code, r.json()) == (404, ["Invalid wid"])

    def test_rate_not_stored_on_free_workspace(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        ws = make_workspace(db, admin=user, premium=False)
        r = client.post("/api/v8/clients", headers=token_auth(user),
                        json={"client": {"name": "X", "wid": ws.id, "hrate": 10, "cur": "EUR"}})
        assert r.status_code == 200
        assert "hrate" not in r.json()["data"] and "cur" not in r.json()["data"]

    def test_bad_credentials_403(self, client: TestClient, db: Session) -> None:
        r = client.post("/api/v8/clients", headers={"Authorization": "Basic Zm9vOmJhcg=="},
                        json={"client": {"name": "X", "wid": 1}})
        assert (r.status_code, r.json()) == (403, ["Incorrect username and/or password"])
        assert "www-authenticate" not in r.headers


class TestReadClients:
    def test_get_list_and_workspace_scope(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        mine = make_client(db, workspace_id=me.default_workspace_id, name="B")
        theirs = make_client(db, workspace_id=other.default_workspace_id, name="A")
        r = client.get(f"/api/v8/clients/{mine.id}", headers=token_auth(me))
        assert r.json()["data"]["name"] == "B"
        r = client.get(f"/api/v8/clients/{theirs.id}", headers=token_auth(me))
        assert (r.status_code, r.json()) == (404, ["Client not found"])
        r = client.get("/api/v8/clients", headers=token_auth(me))
        assert [c["id"] for c in r.json()] == [mine.id]

    def test_empty_list_is_array(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        assert client.get("/api/v8/clients", headers=token_auth(me)).json() == []

    def test_id_list_on_get_is_400(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        r = client.get("/api/v8/clients/1,2", headers=token_auth(me))
        assert r.status_code == 400
        r = client.get("/api/v8/clients/99999999999999999999999", headers=token_auth(me))
        assert (r.status_code, r.json()) == (400, ["Invalid id"])

    def test_rates_hidden_from_non_admin(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        ws = make_workspace(db, admin=admin, only_admins_see_billable_rates=True)
        add_member(db, ws, member)
        c = make_client(db, workspace_id=ws.id, name="Rated", hourly_rate=Decimal("50"), currency="EUR")
        as_member = client.get(f"/api/v8/clients/{c.id}", headers=token_auth(member)).json()["data"]
        as_admin = client.get(f"/api/v8/clients/{c.id}", headers=token_auth(admin)).json()["data"]
        assert "hrate" not in as_member and as_member["cur"] == "EUR"
        assert as_admin["hrate"] == 50

    def test_client_projects_active_filter(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        wid = me.default_workspace_id
        c = make_client(db, workspace_id=wid, name="C")
        p1 = make_project(db, workspace_id=wid, client_id=c.id, name="Live")
        p2 = make_project(db, workspace_id=wid, client_id=c.id, name="Old", active=False)
        make_project(db, workspace_id=wid, name="No client")
        url = f"/api/v8/clients/{c.id}/projects"
        assert [p["id"] for p in client.get(url, headers=token_auth(me)).json()] == [p1.id]
        assert [p["id"] for p in client.get(url + "?active=false", headers=token_auth(me)).json()] == [p2.id]
        assert [p["id"] for p in client.get(url + "?active=both", headers=token_auth(me)).json()] == [p1.id, p2.id]
        assert client.get(url + "?active=maybe", headers=token_auth(me)).status_code == 400


class TestUpdateDeleteClient:
    def test_admin_updates_wid_ignored_null_clears_notes(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        c = make_client(db, workspace_id=me.default_workspace_id, name="Old", notes="n")
        r = client.put(f"/api/v8/clients/{c.id}", headers=token_auth(me),
                       json={"client": {"name": "New", "wid": other.default_workspace_id, "notes": None}})
        data = r.json()["data"]
        assert (data["name"], data["wid"]) == ("New", me.default_workspace_id)
        assert "notes" not in data

    def test_member_cannot_update_or_delete(self, client: TestClient, db: Session) -> None:
        admin, member = make_user(db), make_user(db)
        ws = make_workspace(db, admin=admin)
        add_member(db, ws, member)
        c = make_client(db, workspace_id=ws.id, name="C")
        r = client.put(f"/api/v8/clients/{c.id}", headers=token_auth(member), json={"client": {"name": "Z"}})
        assert (r.status_code, r.json()) == (403, ["Only workspace admins can do this"])
        assert client.delete(f"/api/v8/clients/{c.id}", headers=token_auth(member)).status_code == 403

    def test_delete_keeps_projects_without_client(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        c = make_client(db, workspace_id=me.default_workspace_id, name="C")
        p = make_project(db, workspace_id=me.default_workspace_id, client_id=c.id)
        r = client.delete(f"/api/v8/clients/{c.id}", headers=token_auth(me))
        assert (r.status_code, r.json()) == (200, [c.id])
        db.expire_all()
        assert db.get(Project, p.id).client_id is None
        assert client.get(f"/api/v8/clients/{c.id}", headers=token_auth(me)).status_code == 404
        assert client.delete(f"/api/v8/clients/{c.id}", headers=token_auth(me)).status_code == 404
