"""API v9 clients (40- §1) and ``GET /me/clients`` (20- §8)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.domain import clients
from punchclock.domain.actor import Actor
from punchclock.domain.errors import NotFound
from punchclock.models import Client, Project, User
from tests.api.v9.documented import documented
from tests.factories import add_member, at, make_client, make_project, make_user, make_workspace, token_auth

OLD = at("2026-01-01T08:00:00Z")


def base(wid: int) -> str:
    return f"/api/v9/workspaces/{wid}/clients"


def shape(c: Client, **changes: Any) -> dict[str, Any]:
    """The documented object of a stored client (read back fresh), with ``changes`` applied."""
    out = {"id": c.id, "name": c.name, "wid": c.workspace_id, "notes": c.notes, "archived": c.archived,
           "creator_id": c.creator_id, "at": c.updated_at.isoformat(timespec="seconds"),
           "server_deleted_at": None, "permissions": None}
    return {**out, **changes}


def fresh(db: Session, model: Any, ident: int) -> Any:
    """The committed row (the session keeps objects after commit, and may hold an older snapshot)."""
    db.rollback()
    db.expire_all()
    return db.get_one(model, ident)


def team(db: Session) -> tuple[User, User, int]:
    """An admin and a plain member of a shared workspace."""
    admin, plain = make_user(db), make_user(db)
    ws = make_workspace(db, admin=admin)
    add_member(db, ws, plain)
    return admin, plain, ws.id


class TestCreate:
    def test_creates_with_creator_and_explicit_nulls(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        r = client.post(base(wid), headers=token_auth(user), json={"name": " Harbour Ferries ", "id": None,
                                                                   "archived": True, "wid": wid})
        body = documented(client).check("POST", "/workspaces/{workspace_id}/clients", r)
        stored = db.scalars(select(Client)).one()
        assert (stored.name, stored.creator_id, stored.archived) == ("Harbour Ferries", user.id, False)
        assert body == {"id": stored.id, "name": "Harbour Ferries", "wid": wid, "notes": None, "archived": False,
                        "creator_id": user.id, "at": stored.updated_at.isoformat(timespec="seconds"),
                        "server_deleted_at": None, "permissions": None}
        assert body["at"].endswith("+00:00")

    def test_workspace_in_body_must_match_the_path_long_name_wins(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        r = client.post(base(wid), headers=token_auth(user), json={"name": "A", "wid": wid + 1})
        assert (r.status_code, r.json()) == (400, "Workspace id does not match the path")
        r = client.post(base(wid), headers=token_auth(user), json={"name": "A", "workspace_id": wid, "wid": wid + 1})
        assert documented(client).check("POST", "/workspaces/{workspace_id}/clients", r)["wid"] == wid

    def test_validation_failures_are_400_strings(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        make_client(db, workspace_id=wid, name="Acme")
        cases = [({}, "Name can't be blank"), ({"name": 5}, "Invalid name"), ({"name": "ACME"},
                 "Name has already been taken"), ({"name": "x", "notes": ["n"]}, "Invalid notes")]
        for payload, message in cases:
            r = client.post(base(wid), headers=token_auth(user), json=payload)
            assert (r.status_code, r.json()) == (400, message), payload
        r = client.post(base(wid), headers=token_auth(user), json=["Acme"])
        assert r.status_code == 400
        assert db.scalars(select(Client.name)).all() == ["Acme"]

    def test_foreign_workspace_is_403(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        r = client.post(base(other.default_workspace_id), headers=token_auth(me), json={"name": "A"})
        assert (r.status_code, r.json()) == (403, "Workspace not found/accessible")

    def test_v8_create_sets_creator_but_shows_no_v9_keys(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post("/api/v8/clients", headers=token_auth(user),
                        json={"client": {"name": "Old style", "wid": user.default_workspace_id}})
        assert r.status_code == 200
        assert set(r.json()["data"]) == {"id", "wid", "name", "at"}
        assert db.scalars(select(Client.creator_id)).one() == user.id


class TestList:
    def test_status_and_name_filters_order_by_name_then_id(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        make_client(db, workspace_id=wid, name="beta 50%")
        a = make_client(db, workspace_id=wid, name="Alpha")
        make_client(db, workspace_id=wid, name="Zulu", archived=True)
        gone = make_client(db, workspace_id=wid, name="Gone")
        gone.deleted_at = OLD
        db.commit()
        check = documented(client).check

        def names(**query: str) -> list[str]:
            r = client.get(base(wid), headers=token_auth(user), params=query)
            return [c["name"] for c in check("GET", "/workspaces/{workspace_id}/clients", r)]

        assert names() == ["Alpha", "beta 50%"]
        assert names(status="active") == ["Alpha", "beta 50%"]
        assert names(status="archived") == ["Zulu"]
        assert names(status="BOTH") == ["Alpha", "beta 50%", "Zulu"]
        assert names(status="both", name="A") == ["Alpha", "beta 50%"]
        assert names(status="both", name="0%") == ["beta 50%"]
        assert names(name="_") == []
        r = client.get(base(wid), headers=token_auth(user))
        assert r.json()[0] == shape(fresh(db, Client, a.id))

    def test_bad_status_is_400(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.get(base(user.default_workspace_id), headers=token_auth(user), params={"status": "done"})
        assert (r.status_code, r.json()) == (400, "Invalid status")


class TestGetUpdateDelete:
    def test_get_in_path_workspace_only(self, client: TestClient, db: Session) -> None:
        _admin, plain, wid = team(db)
        c = make_client(db, workspace_id=wid, name="Shared", notes="n")
        elsewhere = make_client(db, workspace_id=plain.default_workspace_id, name="Mine")
        r = client.get(f"{base(wid)}/{c.id}", headers=token_auth(plain))
        assert documented(client).check("GET", "/workspaces/{workspace_id}/clients/{client_id}", r) == shape(c)
        r = client.get(f"{base(wid)}/{elsewhere.id}", headers=token_auth(plain))
        assert (r.status_code, r.json()) == (404, "Client not found")
        r = client.get(f"{base(wid)}/abc", headers=token_auth(plain))
        assert (r.status_code, r.json()) == (400, "Invalid id")

    def test_update_by_admin_null_notes_clears_archived_ignored(self, client: TestClient, db: Session) -> None:
        admin, plain, wid = team(db)
        c = make_client(db, workspace_id=wid, name="Old", notes="keep?", updated_at=OLD)
        url = f"{base(wid)}/{c.id}"
        r = client.put(url, headers=token_auth(plain), json={"name": "New"})
        assert (r.status_code, r.json()) == (403, "Only workspace admins can do this")
        r = client.put(url, headers=token_auth(admin), json={"name": "New", "notes": None, "archived": True})
        body = documented(client).check("PUT", "/workspaces/{workspace_id}/clients/{client_id}", r)
        stored = fresh(db, Client, c.id)
        assert (stored.name, stored.notes, stored.archived) == ("New", None, False)
        assert stored.updated_at > OLD
        assert body == shape(stored)

    def test_delete_answers_the_id_and_projects_lose_the_client(self, client: TestClient, db: Session) -> None:
        admin, plain, wid = team(db)
        c = make_client(db, workspace_id=wid, name="C")
        p = make_project(db, workspace_id=wid, name="P", client_id=c.id)
        r = client.delete(f"{base(wid)}/{c.id}", headers=token_auth(plain))
        assert (r.status_code, r.json()) == (403, "Only workspace admins can do this")
        r = client.delete(f"{base(wid)}/{c.id}", headers=token_auth(admin))
        assert documented(client).check("DELETE", "/workspaces/{workspace_id}/clients/{client_id}", r) == c.id
        assert r.content == str(c.id).encode()
        assert fresh(db, Project, p.id).client_id is None
        assert fresh(db, Client, c.id).deleted_at is not None
        r = client.get(f"{base(wid)}/{c.id}", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (404, "Client not found")


class TestArchiveRestore:
    def test_archive_archives_active_projects_and_answers_their_ids(self, client: TestClient, db: Session) -> None:
        admin, plain, wid = team(db)
        c = make_client(db, workspace_id=wid, name="C")
        other = make_client(db, workspace_id=wid, name="Other")
        p1 = make_project(db, workspace_id=wid, name="P1", client_id=c.id)
        p2 = make_project(db, workspace_id=wid, name="P2", client_id=c.id)
        done = make_project(db, workspace_id=wid, name="Done", client_id=c.id, active=False, updated_at=OLD)
        keep = make_project(db, workspace_id=wid, name="Keep", client_id=other.id)
        url = f"{base(wid)}/{c.id}/archive"
        r = client.post(url, headers=token_auth(plain))
        assert (r.status_code, r.json()) == (403, "Only workspace admins can do this")
        r = client.post(url, headers=token_auth(admin))
        assert documented(client).check("POST", "/workspaces/{workspace_id}/clients/{client_id}/archive", r) == [
            p1.id, p2.id]
        db.rollback()
        db.expire_all()
        assert [db.get_one(Project, p.id).active for p in (p1, p2, done, keep)] == [False, False, False, True]
        assert db.get_one(Project, done.id).updated_at == OLD
        assert (db.get_one(Client, c.id).archived, db.get_one(Client, other.id).archived) == (True, False)
        r = client.get(base(wid), headers=token_auth(plain), params={"status": "archived"})
        assert [x["id"] for x in r.json()] == [c.id]

    def test_restore_listed_projects_or_all(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        c = make_client(db, workspace_id=wid, name="C", archived=True)
        p1 = make_project(db, workspace_id=wid, name="P1", client_id=c.id, active=False)
        p2 = make_project(db, workspace_id=wid, name="P2", client_id=c.id, active=False)
        stray = make_project(db, workspace_id=wid, name="Stray", active=False)
        url = f"{base(wid)}/{c.id}/restore"
        r = client.post(url, headers=token_auth(user), json={"projects": [p1.id, stray.id]})
        assert (r.status_code, r.json()) == (400, f"Project {stray.id} does not belong to the client")
        assert fresh(db, Client, c.id).archived is True
        r = client.post(url, headers=token_auth(user), json={"projects": [str(p1.id)]})
        body = documented(client).check("POST", "/workspaces/{workspace_id}/clients/{client_id}/restore", r)
        assert body == shape(fresh(db, Client, c.id), archived=False)
        assert [fresh(db, Project, p.id).active for p in (p1, p2)] == [True, False]
        client.post(f"{base(wid)}/{c.id}/archive", headers=token_auth(user))
        r = client.post(url, headers=token_auth(user), json={"restore_all_projects": True})
        documented(client).check("POST", "/workspaces/{workspace_id}/clients/{client_id}/restore", r)
        assert [fresh(db, Project, p.id).active for p in (p1, p2, stray)] == [True, True, False]
        r = client.post(url, headers=token_auth(user), json={"restore_all_projects": "yes"})
        assert (r.status_code, r.json()) == (400, "Invalid restore_all_projects")

    def test_restore_without_body_only_clears_the_flag(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        c = make_client(db, workspace_id=wid, name="C", archived=True)
        p = make_project(db, workspace_id=wid, name="P", client_id=c.id, active=False)
        r = client.post(f"{base(wid)}/{c.id}/restore", headers=token_auth(user))
        assert documented(client).check("POST", "/workspaces/{workspace_id}/clients/{client_id}/restore",
                                        r)["archived"] is False
        assert fresh(db, Project, p.id).active is False

    def test_v8_keeps_listing_archived_clients_without_the_flag(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        c = make_client(db, workspace_id=user.default_workspace_id, name="C", archived=True)
        r = client.get("/api/v8/clients", headers=token_auth(user))
        assert [(x["id"], "archived" in x) for x in r.json()] == [(c.id, False)]


class TestBulk:
    def test_bulk_archive_all_or_nothing(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        a = make_client(db, workspace_id=wid, name="A")
        b = make_client(db, workspace_id=wid, name="B")
        foreign = make_client(db, workspace_id=make_user(db).default_workspace_id, name="F")
        pa = make_project(db, workspace_id=wid, name="PA", client_id=a.id)
        pb = make_project(db, workspace_id=wid, name="PB", client_id=b.id)
        r = client.post(f"{base(wid)}/archive", headers=token_auth(user), json=[a.id, foreign.id])
        assert (r.status_code, r.json()) == (404, f"Client {foreign.id} not found")
        assert fresh(db, Client, a.id).archived is False
        r = client.post(f"{base(wid)}/archive", headers=token_auth(user), json=[b.id, str(a.id), a.id])
        body = documented(client).check("POST", "/workspaces/{workspace_id}/clients/archive", r)
        assert body == [{"client_ids": [a.id, b.id], "project_ids": [pa.id, pb.id]}]
        assert [fresh(db, Project, p.id).active for p in (pa, pb)] == [False, False]
        r = client.post(f"{base(wid)}/archive", headers=token_auth(user), json={"ids": [a.id]})
        assert r.status_code == 400
        r = client.post(f"{base(wid)}/archive", headers=token_auth(user), json=[True])
        assert (r.status_code, r.json()) == (400, "Invalid client_ids")

    def test_bulk_delete_all_or_nothing_empty_answer(self, client: TestClient, db: Session) -> None:
        admin, plain, wid = team(db)
        a = make_client(db, workspace_id=wid, name="A")
        b = make_client(db, workspace_id=wid, name="B")
        p = make_project(db, workspace_id=wid, name="P", client_id=a.id)
        r = client.post(f"{base(wid)}/delete", headers=token_auth(plain), json=[a.id])
        assert (r.status_code, r.json()) == (403, "Only workspace admins can do this")
        r = client.post(f"{base(wid)}/delete", headers=token_auth(admin), json=[a.id, 999999])
        assert (r.status_code, r.json()) == (404, "Client 999999 not found")
        assert fresh(db, Client, a.id).deleted_at is None
        r = client.post(f"{base(wid)}/delete", headers=token_auth(admin), json=[a.id, b.id])
        assert documented(client).check("POST", "/workspaces/{workspace_id}/clients/delete", r) is None
        assert r.content == b""
        db.rollback()
        db.expire_all()
        assert [db.get_one(Client, x.id).deleted_at is not None for x in (a, b)] == [True, True]
        assert db.get_one(Project, p.id).client_id is None


class TestMeClients:
    def test_all_workspaces_by_id_archived_included(self, client: TestClient, db: Session) -> None:
        admin, plain, wid = team(db)
        mine = make_client(db, workspace_id=plain.default_workspace_id, name="Mine", archived=True)
        shared = make_client(db, workspace_id=wid, name="Shared")
        make_client(db, workspace_id=admin.default_workspace_id, name="Not mine")
        r = client.get("/api/v9/me/clients", headers=token_auth(plain))
        body = documented(client).check("GET", "/me/clients", r)
        assert body == [shape(fresh(db, Client, mine.id)), shape(fresh(db, Client, shared.id))]

    def test_since_lists_changes_and_tombstones(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        make_client(db, workspace_id=wid, name="Old", updated_at=OLD)
        doomed = make_client(db, workspace_id=wid, name="Doomed", updated_at=OLD)
        new = make_client(db, workspace_id=wid, name="New")
        client.delete(f"{base(wid)}/{doomed.id}", headers=token_auth(user))
        since = int(at("2026-06-01T00:00:00Z").timestamp())
        r = client.get("/api/v9/me/clients", headers=token_auth(user), params={"since": since})
        body = documented(client).check("GET", "/me/clients", r)
        gone = fresh(db, Client, doomed.id)
        assert body == [shape(gone, server_deleted_at=gone.deleted_at.isoformat(timespec="seconds")),
                        shape(fresh(db, Client, new.id))]
        r = client.get("/api/v9/me/clients", headers=token_auth(user), params={"since": "yesterday"})
        assert (r.status_code, r.json()) == (400, "Invalid since")


class TestFindOrCreate:
    """``clients.find_or_create`` (V-21 ``client_name``), for the project routes."""

    def test_finds_case_insensitively_else_creates_with_creator(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        acme = make_client(db, workspace_id=wid, name="Acme", archived=True)
        gone = make_client(db, workspace_id=wid, name="Gone")
        gone.deleted_at = OLD
        db.commit()
        actor = Actor(user=user, workspaces={wid: True})  # type: ignore[arg-type]
        assert clients.find_or_create(db, actor, wid, " ACME ").id == acme.id
        made = clients.find_or_create(db, actor, wid, " Gone ")
        db.commit()
        assert (made.name, made.creator_id, made.workspace_id) == ("Gone", user.id, wid)
        assert made.id != gone.id
        assert sorted(db.scalars(select(Client.name).where(Client.deleted_at.is_(None)))) == ["Acme", "Gone"]
        outsider = Actor(user=make_user(db), workspaces={})  # type: ignore[arg-type]
        with pytest.raises(NotFound):
            clients.find_or_create(db, outsider, wid, "Acme")
