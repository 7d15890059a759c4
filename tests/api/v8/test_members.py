"""Workspace users: invite, list, update, delete, leave (20-workspaces §6-§7, O-26…O-31, O-34)."""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.domain import members as members_domain
from punchclock.domain.mail import Mail
from punchclock.models import GroupMember, ProjectMember, TimeEntry, User, Workspace, WorkspaceMember
from punchclock.models._common import utcnow
from tests.factories import (
    add_invitation,
    add_member,
    add_project_user,
    at,
    make_entry,
    make_group,
    make_placeholder,
    make_project,
    make_user,
    make_workspace,
    token_auth,
)

CODE = re.compile(r"^[A-Za-z0-9_-]{43}$")
URL = "http://testserver/user/accept_invitation?code="


class Outbox:
    def __init__(self) -> None:
        self.sent: list[Mail] = []

    def send(self, mail: Mail) -> None:
        self.sent.append(mail)


def fresh(db: Session) -> None:
    """See what the app wrote: end the session's transaction (a SQLite snapshot hides later commits)."""
    db.commit()
    db.expire_all()


@pytest.fixture
def outbox(app: Any) -> Outbox:
    box = Outbox()
    app.state.mail_sender = box
    return box


def ts(value: Any) -> str:
    return str(value.isoformat(timespec="seconds"))


def team(db: Session) -> tuple[User, User, Workspace, WorkspaceMember]:
    """Admin Mara and member Jon in "Quint Studio"; returns Jon's membership too."""
    admin = make_user(db, fullname="Mara Quint", email="mara.quint@example.org")
    member = make_user(db, fullname="Jon Vik")
    ws = make_workspace(db, admin=admin, name="Quint Studio")
    m = add_member(db, ws, member)
    return admin, member, ws, m


def membership(db: Session, wid: int, uid: int) -> WorkspaceMember | None:
    fresh(db)
    return db.scalars(select(WorkspaceMember).where(WorkspaceMember.workspace_id == wid,
                                                    WorkspaceMember.user_id == uid)).first()


def counts(db: Session) -> tuple[int, int]:
    fresh(db)
    return (db.scalar(select(func.count()).select_from(User)) or 0,
            db.scalar(select(func.count()).select_from(WorkspaceMember)) or 0)


def invite(client: TestClient, user: User, wid: int, body: Any) -> Any:
    return client.post(f"/api/v8/workspaces/{wid}/invite", headers=token_auth(user), json=body)


class TestInvite:
    def test_new_address_creates_placeholder_and_pending_member(self, client: TestClient, db: Session,
                                                                outbox: Outbox) -> None:
        admin, _, ws, _ = team(db)
        r = invite(client, admin, ws.id, {"emails": ["lea.brandt@example.org"]})
        assert r.status_code == 200
        fresh(db)
        lea = db.scalars(select(User).where(User.email == "lea.brandt@example.org")).one()
        m = membership(db, ws.id, lea.id)
        assert m is not None and m.invite_code is not None and CODE.match(m.invite_code)
        assert r.json() == {
            "data": [{"id": m.id, "uid": lea.id, "wid": ws.id, "admin": False, "active": False,
                      "email": "lea.brandt@example.org", "name": "Lea Brandt", "at": ts(m.updated_at),
                      "invite_url": URL + m.invite_code}],
            "notifications": [],
        }
        assert (lea.password_hash, lea.fullname, lea.default_workspace_id) == (None, "Lea Brandt", None)
        assert re.fullmatch(r"[0-9a-f]{32}", lea.api_token)
        assert (m.admin, m.active, m.invited_at is not None) == (False, False, True)
        [mail] = outbox.sent
        assert mail.to == "lea.brandt@example.org"
        assert mail.subject == "Invitation to Quint Studio on punchclock"
        assert URL + m.invite_code in mail.text
        assert "Mara Quint invited you to join the workspace \"Quint Studio\"" in mail.text
        assert "valid for 7 days" in mail.text

    def test_notifications_in_order_and_duplicates_counted_once(self, client: TestClient, db: Session,
                                                                outbox: Outbox) -> None:
        admin, member, ws, _ = team(db)
        pending = make_user(db, email="pia.pending@example.org")
        add_invitation(db, ws, pending)
        r = invite(client, admin, ws.id, {"emails": [
            "not-an-address", "NEW.one@example.org", member.email.upper(), " ", "new.one@EXAMPLE.org",
            "pia.pending@example.org", "a@b", "mara.quint@example.org",
        ]})
        assert r.status_code == 200
        body = r.json()
        assert [(d["email"], d["active"]) for d in body["data"]] == [("NEW.one@example.org", False)]
        assert body["notifications"] == [
            "not-an-address is not a valid e-mail address",
            f"{member.email} is already a member of this workspace",
            " is not a valid e-mail address",
            "pia.pending@example.org has already been invited to this workspace",
            "a@b is not a valid e-mail address",
            "mara.quint@example.org is already a member of this workspace",
        ]
        assert [m.to for m in outbox.sent] == ["NEW.one@example.org"]

    def test_existing_account_is_invited_without_a_new_user(self, client: TestClient, db: Session,
                                                            outbox: Outbox) -> None:
        admin, _, ws, _ = team(db)
        ines = make_user(db, email="ines.rocha@example.org", fullname="Ines Rocha")
        before = counts(db)
        r = invite(client, admin, ws.id, {"emails": ["Ines.Rocha@example.org"]})
        assert r.status_code == 200
        [data] = r.json()["data"]
        m = membership(db, ws.id, ines.id)
        assert m is not None, r.json()
        assert data == {"id": m.id, "uid": ines.id, "wid": ws.id, "admin": False, "active": False,
                        "email": "ines.rocha@example.org", "name": "Ines Rocha", "at": ts(m.updated_at),
                        "invite_url": URL + str(m.invite_code)}
        assert counts(db) == (before[0], before[1] + 1)
        fresh(db)
        assert db.get_one(User, ines.id).password_hash is not None
        assert [x.to for x in outbox.sent] == ["ines.rocha@example.org"]

    def test_expired_invitation_is_renewed_with_a_new_code(self, client: TestClient, db: Session,
                                                           outbox: Outbox) -> None:
        admin, _, ws, _ = team(db)
        lea = make_user(db, email="lea.brandt@example.org")
        old = add_invitation(db, ws, lea, code="old-code", invited_at=utcnow() - timedelta(days=8))
        r = invite(client, admin, ws.id, {"emails": ["lea.brandt@example.org"]})
        [data] = r.json()["data"]
        m = membership(db, ws.id, lea.id)
        assert m is not None and m.id == old.id and m.invite_code != "old-code"
        assert data["id"] == old.id and data["invite_url"] == URL + str(m.invite_code)
        assert m.invited_at is not None and m.invited_at > utcnow() - timedelta(minutes=1)
        assert client.get("/user/accept_invitation?code=old-code").status_code == 404
        assert len(outbox.sent) == 1

    def test_empty_list_does_nothing(self, client: TestClient, db: Session, outbox: Outbox) -> None:
        admin, _, ws, _ = team(db)
        r = invite(client, admin, ws.id, {"emails": []})
        assert (r.status_code, r.json()) == (200, {"data": [], "notifications": []})
        assert outbox.sent == []

    def test_member_forbidden_outsider_and_pending_not_found(self, client: TestClient, db: Session,
                                                             outbox: Outbox) -> None:
        admin, member, ws, _ = team(db)
        pending = make_user(db)
        add_invitation(db, ws, pending)
        before = counts(db)
        body = {"emails": ["x.y@example.org"]}
        r = invite(client, member, ws.id, body)
        assert (r.status_code, r.json()) == (403, ["Only workspace admins can do this"])
        for stranger in (make_user(db), pending):
            r = invite(client, stranger, ws.id, body)
            assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        r = invite(client, admin, 999999, body)
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        assert counts(db) == (before[0] + 1, before[1] + 1)  # only the stranger made above
        assert outbox.sent == []

    def test_bad_bodies_write_nothing(self, client: TestClient, db: Session, outbox: Outbox) -> None:
        admin, _, ws, _ = team(db)
        url = f"/api/v8/workspaces/{ws.id}/invite"
        before = counts(db)
        r = client.post(url, headers=token_auth(admin), content=b"")
        assert (r.status_code, r.json()) == (404, ["Emails can't be blank"])
        r = client.post(url, headers={**token_auth(admin), "Content-Type": "application/json"}, content=b"")
        assert (r.status_code, r.json()) == (404, ["Emails can't be blank"])
        r = client.post(url, headers=token_auth(admin), content=b'{"emails": [')
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        for bad in ({"workspace_user": {"emails": ["a.b@example.org"]}}, {"emails": None}, ["a.b@example.org"]):
            r = invite(client, admin, ws.id, bad)
            assert (r.status_code, r.json()) == (404, ["Emails can't be blank"])
        for bad in ({"emails": "a.b@example.org"}, {"emails": ["a.b@example.org", 5]}, {"emails": [None]},
                    {"emails": {"a": 1}}):
            r = invite(client, admin, ws.id, bad)
            assert (r.status_code, r.json()) == (404, ["Invalid emails"])
        r = invite(client, admin, ws.id, {"emails": [f"u{i}@example.org" for i in range(101)]})
        assert (r.status_code, r.json()) == (404, ["Too many e-mail addresses (maximum 100)"])
        r = client.post("/api/v8/workspaces/99999999999999999999/invite", headers=token_auth(admin),
                        json={"emails": []})
        assert (r.status_code, r.json()) == (400, ["Invalid id"])
        r = client.post(f"/api/v8/workspaces/{ws.id},1/invite", headers=token_auth(admin), json={"emails": []})
        assert (r.status_code, r.json()) == (400, ["Id lists are not allowed here"])
        assert counts(db) == before
        assert outbox.sent == []

    def test_one_failing_write_rolls_back_the_whole_invitation(self, client: TestClient, db: Session,
                                                              outbox: Outbox, monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
        """The second invitation reuses the first one's code: the unique index fails, nothing stays."""
        admin, _, ws, _ = team(db)
        existing = make_user(db, email="ines.rocha@example.org")
        monkeypatch.setattr(members_domain, "new_code", lambda: "same-code-twice")
        before = counts(db)
        r = invite(client, admin, ws.id, {"emails": ["lea.brandt@example.org", "ines.rocha@example.org"]})
        assert (r.status_code, r.json()) == (404, ["The change conflicts with a concurrent one, please retry"])
        assert counts(db) == before
        assert db.scalars(select(User).where(User.email == "lea.brandt@example.org")).first() is None
        assert membership(db, ws.id, existing.id) is None
        assert outbox.sent == []

    def test_mail_failure_is_logged_without_the_code(self, client: TestClient, db: Session, app: Any,
                                                    caplog: pytest.LogCaptureFixture) -> None:
        class Broken:
            def send(self, mail: Mail) -> None:
                raise ConnectionRefusedError(f"cannot deliver {mail.text}")

        app.state.mail_sender = Broken()
        admin, _, ws, _ = team(db)
        with caplog.at_level(logging.DEBUG, logger="punchclock"):
            r = invite(client, admin, ws.id, {"emails": ["lea.brandt@example.org", "ola.nord@example.org"]})
        assert r.status_code == 200
        codes = [d["invite_url"].removeprefix(URL) for d in r.json()["data"]]
        assert len(codes) == 2
        warnings = [rec.getMessage() for rec in caplog.records if rec.name == "punchclock.mail"]
        assert warnings == ["mail to lea.brandt@example.org failed: ConnectionRefusedError",
                            "mail to ola.nord@example.org failed: ConnectionRefusedError"]
        assert not any(c in caplog.text for c in codes)
        lea = db.scalars(select(User).where(User.email == "lea.brandt@example.org")).one()
        assert membership(db, ws.id, lea.id) is not None  # the invitation stands; the admin can pass the link on


class TestListWorkspaceUsers:
    def test_admin_sees_everyone_with_invite_urls_of_live_invitations(self, client: TestClient,
                                                                      db: Session) -> None:
        admin, member, ws, jon = team(db)
        lea = make_user(db, email="lea.brandt@example.org", fullname="Lea Brandt")
        pending = add_invitation(db, ws, lea, code="live-code")
        old = make_user(db, email="old.invite@example.org", fullname="Old Invite")
        expired = add_invitation(db, ws, old, code="expired-code", invited_at=utcnow() - timedelta(days=7, seconds=1))
        g1 = make_group(db, workspace_id=ws.id, name="B", members=[jon])
        g0 = make_group(db, workspace_id=ws.id, name="A", members=[jon])
        stamp = at("2023-10-02T09:10:00Z")
        db.execute(WorkspaceMember.__table__.update().values(updated_at=stamp))
        db.commit()
        first = membership(db, ws.id, admin.id)
        assert first is not None
        r = client.get(f"/api/v8/workspaces/{ws.id}/workspace_users", headers=token_auth(admin))
        assert r.status_code == 200
        t = "2023-10-02T09:10:00+00:00"
        assert r.json() == [
            {"id": first.id, "uid": admin.id, "wid": ws.id, "admin": True, "active": True,
             "email": "mara.quint@example.org", "name": "Mara Quint", "at": t},
            {"id": jon.id, "uid": member.id, "wid": ws.id, "admin": False, "active": True,
             "email": member.email, "name": "Jon Vik", "at": t, "group_ids": sorted([g0.id, g1.id])},
            {"id": pending.id, "uid": lea.id, "wid": ws.id, "admin": False, "active": False,
             "email": "lea.brandt@example.org", "name": "Lea Brandt", "at": t, "invite_url": URL + "live-code"},
            {"id": expired.id, "uid": old.id, "wid": ws.id, "admin": False, "active": False,
             "email": "old.invite@example.org", "name": "Old Invite", "at": t},
        ]

    def test_member_sees_the_list_without_invite_urls_in_own_time_zone(self, client: TestClient,
                                                                       db: Session) -> None:
        admin, member, ws, _ = team(db)
        member.timezone = "Europe/Helsinki"
        db.commit()
        add_invitation(db, ws, make_user(db))
        db.execute(WorkspaceMember.__table__.update().values(updated_at=at("2023-10-02T09:10:00Z")))
        db.commit()
        r = client.get(f"/api/v8/workspaces/{ws.id}/workspace_users", headers=token_auth(member))
        assert r.status_code == 200
        rows = r.json()
        assert [(x["uid"], x["active"]) for x in rows] == [(admin.id, True), (member.id, True), (rows[2]["uid"], False)]
        assert all("invite_url" not in x for x in rows)
        assert {x["at"] for x in rows} == {"2023-10-02T12:10:00+03:00"}

    def test_outsider_pending_and_bad_ids(self, client: TestClient, db: Session) -> None:
        admin, _, ws, _ = team(db)
        pending = make_user(db)
        add_invitation(db, ws, pending)
        url = f"/api/v8/workspaces/{ws.id}/workspace_users"
        for stranger in (make_user(db), pending):
            r = client.get(url, headers=token_auth(stranger))
            assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        r = client.get("/api/v8/workspaces/18446744073709551616/workspace_users", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (400, ["Invalid id"])
        r = client.get("/api/v8/workspaces/abc/workspace_users", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (400, ["Invalid id"])


def put(client: TestClient, user: User, member_id: int, body: Any) -> Any:
    return client.put(f"/api/v8/workspace_users/{member_id}", headers=token_auth(user), json=body)


def group_links(db: Session) -> list[tuple[int, int]]:
    fresh(db)
    return list(db.execute(select(GroupMember.workspace_member_id, GroupMember.group_id)
                           .order_by(GroupMember.workspace_member_id, GroupMember.group_id)).tuples())


class TestUpdateWorkspaceUser:
    def test_admin_promotes_member_other_keys_ignored(self, client: TestClient, db: Session) -> None:
        admin, member, ws, jon = team(db)
        r = put(client, admin, jon.id, {"workspace_user": {"admin": True, "active": False, "uid": admin.id,
                                                          "wid": 1, "email": "x@example.org", "id": 5}})
        assert r.status_code == 200
        m = membership(db, ws.id, member.id)
        assert m is not None and (m.admin, m.active, m.id) == (True, True, jon.id)
        assert r.json() == {"data": {"id": jon.id, "uid": member.id, "wid": ws.id, "admin": True, "active": True,
                                     "email": member.email, "name": "Jon Vik", "at": ts(m.updated_at)}}
        # the new admin can now do admin things
        assert client.get(f"/api/v8/workspaces/{ws.id}/groups", headers=token_auth(member)).status_code == 200

    def test_group_ids_replace_the_members_groups_and_null_clears(self, client: TestClient, db: Session) -> None:
        admin, _, ws, jon = team(db)
        a = make_group(db, workspace_id=ws.id, name="A", members=[jon])
        b = make_group(db, workspace_id=ws.id, name="B")
        c = make_group(db, workspace_id=ws.id, name="C")
        r = put(client, admin, jon.id, {"workspace_user": {"group_ids": [c.id, str(b.id), c.id]}})
        assert (r.status_code, r.json()["data"]["group_ids"]) == (200, [b.id, c.id])
        assert r.json()["data"]["admin"] is False
        assert group_links(db) == [(jon.id, b.id), (jon.id, c.id)]
        r = put(client, admin, jon.id, {"workspace_user": {"group_ids": None}})
        assert r.status_code == 200 and "group_ids" not in r.json()["data"]
        assert group_links(db) == []
        r = put(client, admin, jon.id, {"workspace_user": {"group_ids": [a.id]}})
        assert r.json()["data"]["group_ids"] == [a.id]
        r = put(client, admin, jon.id, {"workspace_user": {"admin": None}})
        assert (r.status_code, r.json()["data"]["admin"], r.json()["data"]["group_ids"]) == (200, False, [a.id])

    def test_group_of_another_workspace_is_not_found_and_nothing_changes(self, client: TestClient,
                                                                         db: Session) -> None:
        admin, _, ws, jon = team(db)
        mine = make_group(db, workspace_id=ws.id, name="A", members=[jon])
        elsewhere = make_group(db, workspace_id=admin.default_workspace_id, name="Elsewhere")
        for ids in ([elsewhere.id], [mine.id, 999999]):
            r = put(client, admin, jon.id, {"workspace_user": {"admin": True, "group_ids": ids}})
            assert (r.status_code, r.json()) == (404, ["Group not found"])
        assert group_links(db) == [(jon.id, mine.id)]
        m = membership(db, ws.id, jon.user_id)
        assert m is not None and m.admin is False

    def test_wrong_types_are_invalid(self, client: TestClient, db: Session) -> None:
        admin, _, ws, jon = team(db)
        for body, message in (
            ({"admin": "yes"}, "Invalid admin"),
            ({"admin": 1}, "Invalid admin"),
            ({"group_ids": 5}, "Invalid group_ids"),
            ({"group_ids": "1,2"}, "Invalid group_ids"),
            ({"group_ids": [True]}, "Invalid group_ids"),
            ({"group_ids": [0]}, "Invalid group_ids"),
            ({"group_ids": [2**63]}, "Invalid group_ids"),
            ({"group_ids": [1.5]}, "Invalid group_ids"),
        ):
            r = put(client, admin, jon.id, {"workspace_user": body})
            assert (r.status_code, r.json()) == (404, [message]), body
        m = membership(db, ws.id, jon.user_id)
        assert m is not None and m.admin is False

    def test_last_admin_cannot_be_demoted_until_there_is_another(self, client: TestClient, db: Session) -> None:
        admin, member, ws, jon = team(db)
        me = membership(db, ws.id, admin.id)
        assert me is not None
        r = put(client, admin, me.id, {"workspace_user": {"admin": False}})
        assert (r.status_code, r.json()) == (404, ["Workspace needs at least one admin"])
        # a pending admin does not count
        pending = add_invitation(db, ws, make_user(db))
        assert put(client, admin, pending.id, {"workspace_user": {"admin": True}}).status_code == 200
        r = put(client, admin, me.id, {"workspace_user": {"admin": False}})
        assert (r.status_code, r.json()) == (404, ["Workspace needs at least one admin"])
        assert put(client, admin, jon.id, {"workspace_user": {"admin": True}}).status_code == 200
        r = put(client, admin, me.id, {"workspace_user": {"admin": False}})
        assert (r.status_code, r.json()["data"]["admin"]) == (200, False)
        r = put(client, member, jon.id, {"workspace_user": {"admin": False}})
        assert (r.status_code, r.json()) == (404, ["Workspace needs at least one admin"])

    def test_permissions_and_unknown_ids(self, client: TestClient, db: Session) -> None:
        admin, member, ws, jon = team(db)
        other = make_user(db)
        other_m = membership(db, other.default_workspace_id or 0, other.id)
        assert other_m is not None
        body = {"workspace_user": {"admin": True}}
        r = put(client, member, jon.id, body)
        assert (r.status_code, r.json()) == (403, ["Only workspace admins can do this"])
        r = put(client, admin, other_m.id, body)
        assert (r.status_code, r.json()) == (404, ["Workspace user not found"])
        r = put(client, admin, 999999, body)
        assert (r.status_code, r.json()) == (404, ["Workspace user not found"])
        r = client.put("/api/v8/workspace_users/99999999999999999999", headers=token_auth(admin), json=body)
        assert (r.status_code, r.json()) == (400, ["Invalid id"])
        r = client.put(f"/api/v8/workspace_users/{jon.id},{jon.id}", headers=token_auth(admin), json=body)
        assert (r.status_code, r.json()) == (400, ["Id lists are not allowed here"])
        m = membership(db, ws.id, member.id)
        assert m is not None and m.admin is False

    def test_bad_bodies(self, client: TestClient, db: Session) -> None:
        admin, member, ws, jon = team(db)
        url = f"/api/v8/workspace_users/{jon.id}"
        r = client.put(url, headers=token_auth(admin), json={"admin": True})
        assert (r.status_code, r.json()) == (404, ["workspace_user can't be blank"])
        r = client.put(url, headers=token_auth(admin), content=b"")
        assert (r.status_code, r.json()) == (404, ["workspace_user can't be blank"])
        r = client.put(url, headers=token_auth(admin), content=b'{"workspace_user": tru}')
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        m = membership(db, ws.id, member.id)
        assert m is not None and m.admin is False


class TestDeleteWorkspaceUser:
    def test_removes_membership_project_users_and_groups_entries_stay(self, client: TestClient,
                                                                     db: Session) -> None:
        admin, member, ws, jon = team(db)
        jon_id = jon.id
        own_home = member.default_workspace_id
        member.default_workspace_id = ws.id
        db.commit()
        here = make_project(db, workspace_id=ws.id, name="Here")
        home_project = make_project(db, workspace_id=own_home or 0, name="Home")
        add_project_user(db, here, member)
        add_project_user(db, home_project, member)
        entry = make_entry(db, user=member, start="2023-10-02T07:00:00Z", workspace_id=ws.id, project_id=here.id)
        make_group(db, workspace_id=ws.id, name="A", members=[jon])
        r = client.delete(f"/api/v8/workspace_users/{jon_id}", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (200, [jon_id])
        assert membership(db, ws.id, member.id) is None
        assert group_links(db) == []
        assert [(p.project_id, p.workspace_id) for p in db.scalars(
            select(ProjectMember).where(ProjectMember.user_id == member.id))] == [(home_project.id, own_home)]
        assert db.get_one(TimeEntry, entry.id).user_id == member.id
        assert db.get_one(User, member.id).default_workspace_id == own_home
        assert client.get(f"/api/v8/workspaces/{ws.id}", headers=token_auth(member)).status_code == 404
        r = client.delete(f"/api/v8/workspace_users/{jon_id}", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (404, ["Workspace user not found"])

    def test_deleting_a_pending_invitation_voids_its_code(self, client: TestClient, db: Session) -> None:
        admin, _, ws, _ = team(db)
        pending = add_invitation(db, ws, make_user(db), code="void-me")
        r = client.delete(f"/api/v8/workspace_users/{pending.id}", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (200, [pending.id])
        assert client.get("/user/accept_invitation?code=void-me").status_code == 404

    def test_last_admin_is_protected_until_there_is_another(self, client: TestClient, db: Session) -> None:
        admin, member, ws, jon = team(db)
        me = membership(db, ws.id, admin.id)
        assert me is not None
        me_id = me.id
        r = client.delete(f"/api/v8/workspace_users/{me_id}", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (404, ["Workspace needs at least one admin"])
        assert membership(db, ws.id, admin.id) is not None
        assert put(client, admin, jon.id, {"workspace_user": {"admin": True}}).status_code == 200
        r = client.delete(f"/api/v8/workspace_users/{me_id}", headers=token_auth(member))
        assert (r.status_code, r.json()) == (200, [me_id])
        assert membership(db, ws.id, admin.id) is None
        assert db.get_one(User, admin.id).default_workspace_id == admin.default_workspace_id  # not this one

    def test_default_workspace_cleared_when_none_is_left(self, client: TestClient, db: Session) -> None:
        admin, _, ws, _ = team(db)
        lone = make_placeholder(db, email="lone.wolf@example.org")
        lone_m = add_member(db, ws, lone)
        lone.default_workspace_id = ws.id
        db.commit()
        r = client.delete(f"/api/v8/workspace_users/{lone_m.id}", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (200, [lone_m.id])
        fresh(db)
        assert db.get_one(User, lone.id).default_workspace_id is None

    def test_permissions_and_bad_ids(self, client: TestClient, db: Session) -> None:
        admin, member, ws, jon = team(db)
        me = membership(db, ws.id, admin.id)
        assert me is not None
        other = make_user(db)
        other_m = membership(db, other.default_workspace_id or 0, other.id)
        assert other_m is not None
        r = client.delete(f"/api/v8/workspace_users/{me.id}", headers=token_auth(member))
        assert (r.status_code, r.json()) == (403, ["Only workspace admins can do this"])
        r = client.delete(f"/api/v8/workspace_users/{other_m.id}", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (404, ["Workspace user not found"])
        r = client.delete("/api/v8/workspace_users/99999999999999999999", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (400, ["Invalid id"])
        r = client.delete(f"/api/v8/workspace_users/{jon.id},{me.id}", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (400, ["Id lists are not allowed here"])
        assert membership(db, ws.id, member.id) is not None
        assert membership(db, other.default_workspace_id or 0, other.id) is not None


class TestLeaveWorkspace:
    def test_member_leaves_and_default_moves(self, client: TestClient, db: Session) -> None:
        _, member, ws, jon = team(db)
        home = member.default_workspace_id
        member.default_workspace_id = ws.id
        db.commit()
        p = make_project(db, workspace_id=ws.id, name="P")
        add_project_user(db, p, member)
        r = client.delete(f"/api/v8/workspaces/{ws.id}/leave", headers=token_auth(member))
        assert (r.status_code, r.json()) == (200, [jon.id])
        assert membership(db, ws.id, member.id) is None
        assert db.get_one(User, member.id).default_workspace_id == home
        assert db.scalars(select(ProjectMember).where(ProjectMember.user_id == member.id)).all() == []
        assert [w["id"] for w in client.get("/api/v8/workspaces", headers=token_auth(member)).json()] == [home]
        r = client.delete(f"/api/v8/workspaces/{ws.id}/leave", headers=token_auth(member))
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])

    def test_last_admin_cannot_leave_but_one_of_two_can(self, client: TestClient, db: Session) -> None:
        admin, _, ws, jon = team(db)
        r = client.delete(f"/api/v8/workspaces/{ws.id}/leave", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (404, ["Workspace needs at least one admin"])
        assert membership(db, ws.id, admin.id) is not None
        assert put(client, admin, jon.id, {"workspace_user": {"admin": True}}).status_code == 200
        me = membership(db, ws.id, admin.id)
        assert me is not None
        r = client.delete(f"/api/v8/workspaces/{ws.id}/leave", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (200, [me.id])

    def test_outsider_pending_and_bad_ids(self, client: TestClient, db: Session) -> None:
        admin, _, ws, _ = team(db)
        pending = make_user(db)
        invitation = add_invitation(db, ws, pending)
        for stranger in (make_user(db), pending):
            r = client.delete(f"/api/v8/workspaces/{ws.id}/leave", headers=token_auth(stranger))
            assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        assert membership(db, ws.id, pending.id) is not None and invitation.id
        r = client.delete("/api/v8/workspaces/99999999999999999999/leave", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (400, ["Invalid id"])
        r = client.delete(f"/api/v8/workspaces/{ws.id},2/leave", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (400, ["Id lists are not allowed here"])
