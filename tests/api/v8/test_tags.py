from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import Tag, TimeEntry, TimeEntryTag, User, Workspace
from tests.factories import add_member, at, make_entry, make_tag, make_user, make_workspace, token_auth

URL = "/api/v8/tags"


def ts(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def stored(db: Session) -> list[tuple[int, str, bool]]:
    db.expire_all()
    return [(t.workspace_id, t.name, t.deleted_at is not None) for t in db.scalars(select(Tag).order_by(Tag.id))]


def team(db: Session) -> tuple[User, User, User, Workspace]:
    admin, member, outsider = make_user(db), make_user(db), make_user(db)
    ws = make_workspace(db, admin=admin)
    add_member(db, ws, member)
    return admin, member, outsider, ws


class TestCreateTag:
    def test_creates_and_returns_tag(self, client: TestClient, db: Session) -> None:
        user = make_user(db, timezone="Europe/Helsinki")
        wid = user.default_workspace_id
        r = client.post(URL, headers=token_auth(user), json={"tag": {"name": " on-site ", "wid": wid, "id": 77}})
        assert r.status_code == 200
        tag = db.scalars(select(Tag)).one()
        local = tag.updated_at.astimezone(ZoneInfo("Europe/Helsinki")).isoformat(timespec="seconds")
        assert r.json() == {"data": {"id": 1, "wid": wid, "name": "on-site", "at": local}}
        assert r.json()["data"]["at"].endswith(("+02:00", "+03:00"))

    def test_wid_as_numeric_string(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post(URL, headers=token_auth(user),
                        json={"tag": {"name": "x", "wid": str(user.default_workspace_id)}})
        assert (r.status_code, r.json()["data"]["wid"]) == (200, user.default_workspace_id)

    def test_member_may_create(self, client: TestClient, db: Session) -> None:
        _admin, member, _, ws = team(db)
        r = client.post(URL, headers=token_auth(member), json={"tag": {"name": "billing", "wid": ws.id}})
        assert (r.status_code, r.json()["data"]["wid"], r.json()["data"]["name"]) == (200, ws.id, "billing")

    def test_missing_wid_and_name(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        cases = [
            ({"tag": {"name": "x"}}, ["Workspace can't be blank"]),
            ({"tag": {"name": "x", "wid": None}}, ["Workspace can't be blank"]),
            ({"tag": {"wid": wid}}, ["Name can't be blank"]),
            ({"tag": {"wid": wid, "name": "  "}}, ["Name can't be blank"]),
            ({"tag": {"wid": wid, "name": "x" * 256}}, ["Name is too long (maximum 255 characters)"]),
            ({"name": "x", "wid": wid}, ["tag can't be blank"]),
            ({"tag": None}, ["tag can't be blank"]),
            ({"tag": {"wid": wid, "name": 5}}, ["Invalid name"]),
            ({"tag": {"wid": "abc", "name": "x"}}, ["Invalid wid"]),
            ({"tag": {"wid": 2**64, "name": "x"}}, ["Invalid wid"]),
        ]
        for body, message in cases:
            r = client.post(URL, headers=token_auth(user), json=body)
            assert (r.status_code, r.json()) == (404, message), body
        r = client.post(URL, headers=token_auth(user), content=b"")
        assert (r.status_code, r.json()) == (404, ["tag can't be blank"])
        r = client.post(URL, headers=token_auth(user), content=b"[1,")
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        assert stored(db) == []

    def test_unknown_foreign_and_pending_workspace(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        pending = make_workspace(db, admin=other)
        add_member(db, pending, me, active=False)
        for wid in (other.default_workspace_id, pending.id, 999):
            r = client.post(URL, headers=token_auth(me), json={"tag": {"name": "x", "wid": wid}})
            assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        assert stored(db) == []

    def test_name_unique_in_workspace_case_insensitive(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        wid = me.default_workspace_id
        make_tag(db, workspace_id=wid, name="On-Site")
        make_tag(db, workspace_id=other.default_workspace_id, name="remote")
        r = client.post(URL, headers=token_auth(me), json={"tag": {"name": "ON-SITE", "wid": wid}})
        assert (r.status_code, r.json()) == (404, ["Name has already been taken"])
        r = client.post(URL, headers=token_auth(me), json={"tag": {"name": "Remote", "wid": wid}})
        assert r.status_code == 200
        assert stored(db) == [(wid, "On-Site", False), (other.default_workspace_id, "remote", False),
                              (wid, "Remote", False)]

    def test_name_of_deleted_tag_can_be_reused(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        wid = me.default_workspace_id
        gone = make_tag(db, workspace_id=wid, name="old")
        gone.deleted_at = at("2023-01-01T00:00:00Z")
        db.commit()
        r = client.post(URL, headers=token_auth(me), json={"tag": {"name": "OLD", "wid": wid}})
        assert (r.status_code, r.json()["data"]["id"]) == (200, gone.id + 1)


class TestUpdateTag:
    def test_admin_renames_and_wid_is_ignored(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        wid = me.default_workspace_id
        tag = make_tag(db, workspace_id=wid, name="old")
        tag.updated_at = at("2023-01-01T00:00:00Z")
        db.commit()
        r = client.put(f"{URL}/{tag.id}", headers=token_auth(me),
                       json={"tag": {"name": "New", "wid": other.default_workspace_id, "at": "2020-01-01T00:00:00Z"}})
        db.expire_all()
        fresh = db.get_one(Tag, tag.id)
        assert fresh.updated_at > at("2023-01-01T00:00:00Z")
        assert r.json() == {"data": {"id": tag.id, "wid": wid, "name": "New", "at": ts(fresh.updated_at)}}

    def test_entries_keep_the_renamed_tag(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        tag = make_tag(db, workspace_id=me.default_workspace_id, name="old")
        entry = make_entry(db, user=me, start="2023-10-02T07:00:00Z", tags=[tag])
        client.put(f"{URL}/{tag.id}", headers=token_auth(me), json={"tag": {"name": "renamed"}})
        db.expire_all()
        names = db.scalars(select(Tag.name).join(TimeEntryTag, TimeEntryTag.tag_id == Tag.id)
                           .where(TimeEntryTag.time_entry_id == entry.id)).all()
        assert names == ["renamed"]

    def test_case_change_of_own_name_and_duplicates(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        wid = me.default_workspace_id
        a = make_tag(db, workspace_id=wid, name="alpha")
        make_tag(db, workspace_id=wid, name="beta")
        r = client.put(f"{URL}/{a.id}", headers=token_auth(me), json={"tag": {"name": "ALPHA"}})
        assert (r.status_code, r.json()["data"]["name"]) == (200, "ALPHA")
        r = client.put(f"{URL}/{a.id}", headers=token_auth(me), json={"tag": {"name": "Beta"}})
        assert (r.status_code, r.json()) == (404, ["Name has already been taken"])
        r = client.put(f"{URL}/{a.id}", headers=token_auth(me), json={"tag": {"name": " "}})
        assert (r.status_code, r.json()) == (404, ["Name can't be blank"])
        r = client.put(f"{URL}/{a.id}", headers=token_auth(me), json={"tag": {"name": None}})
        assert (r.status_code, r.json()["data"]["name"]) == (200, "ALPHA")
        assert stored(db) == [(wid, "ALPHA", False), (wid, "beta", False)]

    def test_permissions_and_visibility(self, client: TestClient, db: Session) -> None:
        admin, member, outsider, ws = team(db)
        tag = make_tag(db, workspace_id=ws.id, name="t")
        r = client.put(f"{URL}/{tag.id}", headers=token_auth(member), json={"tag": {"name": "m"}})
        assert (r.status_code, r.json()) == (403, ["Only workspace admins can do this"])
        r = client.put(f"{URL}/{tag.id}", headers=token_auth(outsider), json={"tag": {"name": "o"}})
        assert (r.status_code, r.json()) == (404, ["Tag not found"])
        assert stored(db) == [(ws.id, "t", False)]
        r = client.put(f"{URL}/{tag.id}", headers=token_auth(admin), json={"tag": {"name": "a"}})
        assert (r.status_code, r.json()["data"]["name"]) == (200, "a")

    def test_bad_input(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        tag = make_tag(db, workspace_id=me.default_workspace_id, name="t")
        gone = make_tag(db, workspace_id=me.default_workspace_id, name="gone")
        gone.deleted_at = at("2023-01-01T00:00:00Z")
        db.commit()
        cases = [
            (f"{URL}/{tag.id}", {"name": "x"}, 404, ["tag can't be blank"]),
            (f"{URL}/{tag.id}", {"tag": {"name": ["x"]}}, 404, ["Invalid name"]),
            (f"{URL}/{gone.id}", {"tag": {"name": "x"}}, 404, ["Tag not found"]),
            (f"{URL}/999", {"tag": {"name": "x"}}, 404, ["Tag not found"]),
            (f"{URL}/{tag.id},{gone.id}", {"tag": {"name": "x"}}, 400, ["Id lists are not allowed here"]),
            (f"{URL}/99999999999999999999", {"tag": {"name": "x"}}, 400, ["Invalid id"]),
        ]
        for url, body, status, message in cases:
            r = client.put(url, headers=token_auth(me), json=body)
            assert (r.status_code, r.json()) == (status, message), (url, body)
        r = client.put(f"{URL}/{tag.id}", headers=token_auth(me), content=b"{")
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        assert stored(db) == [(me.default_workspace_id, "t", False), (me.default_workspace_id, "gone", True)]


class TestDeleteTag:
    def test_tombstones_and_detaches_without_touching_entries(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        wid = me.default_workspace_id
        tag = make_tag(db, workspace_id=wid, name="t")
        keep = make_tag(db, workspace_id=wid, name="keep")
        e = make_entry(db, user=me, start="2023-10-02T07:00:00Z", tags=[tag, keep])
        e.updated_at = at("2023-10-02T12:00:00Z")
        db.commit()
        r = client.delete(f"{URL}/{tag.id}", headers=token_auth(me))
        assert (r.status_code, r.json()) == (200, [tag.id])
        db.expire_all()
        fresh = db.get_one(Tag, tag.id)
        assert fresh.deleted_at is not None and fresh.updated_at == fresh.deleted_at
        assert db.scalars(select(TimeEntryTag.tag_id).where(TimeEntryTag.time_entry_id == e.id)).all() == [keep.id]
        assert db.get_one(TimeEntry, e.id).updated_at == at("2023-10-02T12:00:00Z")
        assert [t["id"] for t in client.get(f"/api/v8/workspaces/{wid}/tags", headers=token_auth(me)).json()] == [
            keep.id]
        r = client.delete(f"{URL}/{tag.id}", headers=token_auth(me))
        assert (r.status_code, r.json()) == (404, ["Tag not found"])
        r = client.post(URL, headers=token_auth(me), json={"tag": {"name": "T", "wid": wid}})
        assert r.status_code == 200

    def test_member_and_outsider_cannot_delete(self, client: TestClient, db: Session) -> None:
        _admin, member, outsider, ws = team(db)
        tag = make_tag(db, workspace_id=ws.id, name="t")
        e = make_entry(db, user=member, start="2023-10-02T07:00:00Z", workspace_id=ws.id, tags=[tag])
        r = client.delete(f"{URL}/{tag.id}", headers=token_auth(member))
        assert (r.status_code, r.json()) == (403, ["Only workspace admins can do this"])
        r = client.delete(f"{URL}/{tag.id}", headers=token_auth(outsider))
        assert (r.status_code, r.json()) == (404, ["Tag not found"])
        assert stored(db) == [(ws.id, "t", False)]
        assert db.scalars(select(TimeEntryTag.tag_id).where(TimeEntryTag.time_entry_id == e.id)).all() == [tag.id]

    def test_bad_ids(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        tag = make_tag(db, workspace_id=me.default_workspace_id, name="t")
        assert client.delete(f"{URL}/{tag.id},{tag.id}", headers=token_auth(me)).status_code == 400
        r = client.delete(f"{URL}/abc", headers=token_auth(me))
        assert (r.status_code, r.json()) == (400, ["Invalid id"])
        r = client.delete(f"{URL}/999", headers=token_auth(me))
        assert (r.status_code, r.json()) == (404, ["Tag not found"])
        assert stored(db) == [(me.default_workspace_id, "t", False)]


class TestNoSingleTagRead:
    def test_get_one_tag_is_405(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        tag = make_tag(db, workspace_id=me.default_workspace_id, name="t")
        r = client.get(f"{URL}/{tag.id}", headers=token_auth(me))
        assert (r.status_code, r.json()) == (405, ["Method not allowed"])
