"""API v9 tags (40- §4) and ``GET /me/tags`` (20- §8)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.domain import tags
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Forbidden
from punchclock.models import Tag, TimeEntry, TimeEntryTag, User, Workspace
from tests.api.v9.documented import documented
from tests.factories import add_member, at, make_entry, make_tag, make_user, make_workspace, token_auth

OLD = at("2026-01-01T08:00:00Z")
ONE = "/workspaces/{workspace_id}/tags/{tag_id}"


def base(wid: int) -> str:
    return f"/api/v9/workspaces/{wid}/tags"


def fresh(db: Session, model: Any, ident: int) -> Any:
    """The committed row (the session keeps objects after commit, and may hold an older snapshot)."""
    db.rollback()
    db.expire_all()
    return db.get_one(model, ident)


def shape(t: Tag, **changes: Any) -> dict[str, Any]:
    out = {"id": t.id, "workspace_id": t.workspace_id, "name": t.name, "creator_id": t.creator_id,
           "at": t.updated_at.isoformat(timespec="seconds"), "deleted_at": None, "permissions": None}
    return {**out, **changes}


def team(db: Session, **workspace: Any) -> tuple[User, User, int]:
    """An admin and a plain member of a shared workspace."""
    admin, plain = make_user(db), make_user(db)
    ws = make_workspace(db, admin=admin, **workspace)
    add_member(db, ws, plain)
    return admin, plain, ws.id


class TestCreate:
    def test_answers_one_object_with_creator(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        r = client.post(base(wid), headers=token_auth(user), json={"name": " on-site ", "workspace_id": wid})
        body = documented(client).check("POST", "/workspaces/{workspace_id}/tags", r)
        stored = db.scalars(select(Tag)).one()
        assert (stored.name, stored.creator_id) == ("on-site", user.id)
        assert body == {"id": stored.id, "workspace_id": wid, "name": "on-site", "creator_id": user.id,
                        "at": stored.updated_at.isoformat(timespec="seconds"), "deleted_at": None,
                        "permissions": None}

    def test_duplicate_and_invalid_names_are_400(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        make_tag(db, workspace_id=wid, name="Billed")
        for payload, message in [({"name": "BILLED"}, "Tag name already taken"), ({}, "Name can't be blank"),
                                 ({"name": " "}, "Name can't be blank"), ({"name": 3}, "Invalid name")]:
            r = client.post(base(wid), headers=token_auth(user), json=payload)
            assert (r.status_code, r.json()) == (400, message), payload
        r = client.post("/api/v8/tags", headers=token_auth(user), json={"tag": {"name": "billed", "wid": wid}})
        assert (r.status_code, r.json()) == (404, ["Name has already been taken"])

    def test_only_admins_may_create_tags_in_v9_and_v8(self, client: TestClient, db: Session) -> None:
        admin, plain, wid = team(db, only_admins_may_create_tags=True)
        r = client.post(base(wid), headers=token_auth(plain), json={"name": "x"})
        assert (r.status_code, r.json()) == (403, "Only workspace admins may create tags here")
        r = client.post("/api/v8/tags", headers=token_auth(plain), json={"tag": {"name": "x", "wid": wid}})
        assert (r.status_code, r.json()) == (403, ["Only workspace admins may create tags here"])
        assert db.scalars(select(Tag)).all() == []
        r = client.post(base(wid), headers=token_auth(admin), json={"name": "x"})
        assert documented(client).check("POST", "/workspaces/{workspace_id}/tags", r)["creator_id"] == admin.id
        ws = fresh(db, Workspace, wid)
        ws.only_admins_may_create_tags = False
        db.commit()
        r = client.post("/api/v8/tags", headers=token_auth(plain), json={"tag": {"name": "y", "wid": wid}})
        assert r.status_code == 200
        db.rollback()
        assert db.scalars(select(Tag.creator_id).where(Tag.name == "y")).one() == plain.id

    def test_foreign_workspace_is_403(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        r = client.post(base(other.default_workspace_id), headers=token_auth(me), json={"name": "x"})
        assert (r.status_code, r.json()) == (403, "Workspace not found/accessible")


class TestList:
    def test_by_name_with_search_and_pages(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        for name in ("delta", "Alpha", "charlie_1", "Bravo", "alphabet"):
            make_tag(db, workspace_id=wid, name=name)
        make_tag(db, workspace_id=make_user(db).default_workspace_id, name="Alien")
        check = documented(client).check

        def names(**query: Any) -> list[str]:
            r = client.get(base(wid), headers=token_auth(user), params=query)
            return [t["name"] for t in check("GET", "/workspaces/{workspace_id}/tags", r)]

        assert names() == ["Alpha", "alphabet", "Bravo", "charlie_1", "delta"]
        assert names(search="ALPH") == ["Alpha", "alphabet"]
        assert names(search="_") == ["charlie_1"]
        assert names(per_page=2) == ["Alpha", "alphabet"]
        assert names(page=2, per_page=2) == ["Bravo", "charlie_1"]
        assert names(page=3, per_page=2, search="a") == ["delta"]
        assert names(page=9) == []
        r = client.get(base(wid), headers=token_auth(user), params={"per_page": 0})
        assert (r.status_code, r.json()) == (400, "Invalid per_page")

    def test_every_key_of_a_listed_tag(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        t = make_tag(db, workspace_id=user.default_workspace_id, name="one")
        r = client.get(base(user.default_workspace_id), headers=token_auth(user))
        assert documented(client).check("GET", "/workspaces/{workspace_id}/tags", r) == [shape(fresh(db, Tag, t.id))]


class TestUpdateDelete:
    def test_rename_by_admin_in_path_workspace(self, client: TestClient, db: Session) -> None:
        admin, plain, wid = team(db)
        t = make_tag(db, workspace_id=wid, name="old")
        make_tag(db, workspace_id=wid, name="taken")
        mine = make_tag(db, workspace_id=admin.default_workspace_id, name="mine")
        url = f"{base(wid)}/{t.id}"
        r = client.put(url, headers=token_auth(plain), json={"name": "new"})
        assert (r.status_code, r.json()) == (403, "Only workspace admins can do this")
        r = client.put(url, headers=token_auth(admin), json={"name": "Taken"})
        assert (r.status_code, r.json()) == (400, "Tag name already taken")
        r = client.put(f"{base(wid)}/{mine.id}", headers=token_auth(admin), json={"name": "new"})
        assert (r.status_code, r.json()) == (404, "Tag not found")
        r = client.put(url, headers=token_auth(admin), json={"name": "new"})
        body = documented(client).check("PUT", ONE, r)
        assert body == shape(fresh(db, Tag, t.id))
        assert body["name"] == "new"

    def test_delete_empty_answer_takes_tag_off_entries(self, client: TestClient, db: Session) -> None:
        admin, plain, wid = team(db)
        t = make_tag(db, workspace_id=wid, name="gone")
        e = make_entry(db, user=plain, workspace_id=wid, start="2026-11-02T09:00:00Z", tags=[t], updated_at=OLD)
        r = client.delete(f"{base(wid)}/{t.id}", headers=token_auth(plain))
        assert (r.status_code, r.json()) == (403, "Only workspace admins can do this")
        r = client.delete(f"{base(wid)}/{t.id}", headers=token_auth(admin))
        assert documented(client).check("DELETE", ONE, r) is None
        assert r.content == b""
        assert fresh(db, Tag, t.id).deleted_at is not None
        assert db.scalars(select(TimeEntryTag).where(TimeEntryTag.time_entry_id == e.id)).all() == []
        assert fresh(db, TimeEntry, e.id).updated_at == OLD  # the entry's ``at`` stays (v8 effect)
        r = client.delete(f"{base(wid)}/{t.id}", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (404, "Tag not found")


class TestMeTags:
    def test_all_workspaces_by_id(self, client: TestClient, db: Session) -> None:
        admin, plain, wid = team(db)
        shared = make_tag(db, workspace_id=wid, name="z-shared")
        mine = make_tag(db, workspace_id=plain.default_workspace_id, name="a-mine")
        make_tag(db, workspace_id=admin.default_workspace_id, name="not mine")
        r = client.get("/api/v9/me/tags", headers=token_auth(plain))
        body = documented(client).check("GET", "/me/tags", r)
        assert body == [shape(fresh(db, Tag, shared.id)), shape(fresh(db, Tag, mine.id))]

    def test_since_lists_changes_and_tombstones_with_deleted_at(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        make_tag(db, workspace_id=wid, name="old").updated_at = OLD
        doomed = make_tag(db, workspace_id=wid, name="doomed")
        db.commit()
        client.delete(f"{base(wid)}/{doomed.id}", headers=token_auth(user))
        since = int(at("2026-06-01T00:00:00Z").timestamp())
        r = client.get("/api/v9/me/tags", headers=token_auth(user), params={"since": since})
        gone = fresh(db, Tag, doomed.id)
        assert documented(client).check("GET", "/me/tags", r) == [
            shape(gone, deleted_at=gone.deleted_at.isoformat(timespec="seconds"))]
        r = client.get("/api/v9/me/tags", headers=token_auth(user))
        assert [t["name"] for t in r.json()] == ["old"]


class TestRequireMayCreate:
    """``tags.require_may_create`` / ``require_may_create_in``: the rule time entries share."""

    def test_flag_reserves_creation_to_admins(self, client: TestClient, db: Session) -> None:
        admin, plain, wid = team(db, only_admins_may_create_tags=True)
        as_admin = Actor(user=admin, workspaces={wid: True})  # type: ignore[arg-type]
        as_plain = Actor(user=plain, workspaces={wid: False})  # type: ignore[arg-type]
        tags.require_may_create(as_plain, wid, False)
        tags.require_may_create(as_admin, wid, True)
        tags.require_may_create_in(db, as_admin, wid)
        for check in (lambda: tags.require_may_create(as_plain, wid, True),
                      lambda: tags.require_may_create_in(db, as_plain, wid)):
            with pytest.raises(Forbidden) as caught:
                check()
            assert caught.value.code == "admins_create_tags"
        tags.require_may_create_in(db, as_plain, plain.default_workspace_id or 0)
