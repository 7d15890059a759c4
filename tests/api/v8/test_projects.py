from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import Project, ProjectMember, Task, TimeEntry, User, Workspace
from tests.factories import (
    add_member,
    add_project_user,
    at,
    make_client,
    make_entry,
    make_project,
    make_task,
    make_user,
    make_workspace,
    token_auth,
)

URL = "/api/v8/projects"


def ts(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


def team(db: Session, **ws_fields: Any) -> tuple[User, User, User, Workspace]:
    """admin (user 1), member (user 2), outsider (user 3); the team workspace is id 4."""
    admin, member, outsider = make_user(db), make_user(db), make_user(db)
    ws = make_workspace(db, admin=admin, **ws_fields)
    add_member(db, ws, member)
    return admin, member, outsider, ws


def stored(db: Session) -> list[Project]:
    db.expire_all()
    return list(db.scalars(select(Project).order_by(Project.id)))


def members_of(db: Session, project_id: int) -> list[tuple[int, bool, Decimal | None]]:
    db.expire_all()
    rows = db.scalars(select(ProjectMember).where(ProjectMember.project_id == project_id).order_by(ProjectMember.id))
    return [(m.user_id, m.manager, m.rate) for m in rows]


class TestCreateProject:
    def test_creates_with_defaults_and_creator_becomes_manager(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        r = client.post(URL, headers=token_auth(user), json={"project": {"name": " Ferry app ", "wid": wid}})
        assert r.status_code == 200
        p = stored(db)[0]
        assert r.json() == {"data": {
            "id": 1, "wid": wid, "name": "Ferry app", "billable": True, "is_private": True, "active": True,
            "template": False, "auto_estimates": False, "color": "1", "hex_color": "#bc85e6",
            "at": ts(p.created_at), "created_at": ts(p.created_at),
        }}
        assert p.updated_at == p.created_at
        assert members_of(db, 1) == [(user.id, True, None)]

    def test_documented_example(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        c = make_client(db, workspace_id=wid, name="Harbour Ferries")
        r = client.post(URL, headers=token_auth(user), json={"project": {
            "name": "Ferry timetable app", "wid": wid, "cid": c.id, "is_private": False, "color": "6"}})
        data = r.json()["data"]
        assert data == {"id": 1, "wid": wid, "cid": c.id, "name": "Ferry timetable app", "billable": True,
                        "is_private": False, "active": True, "template": False, "auto_estimates": False,
                        "color": "6", "hex_color": "#14a88e", "at": data["created_at"],
                        "created_at": data["created_at"]}

    def test_default_color_is_id_mod_15(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        for n in range(14):
            make_project(db, workspace_id=wid, name=f"P{n}")
        r = client.post(URL, headers=token_auth(user), json={"project": {"name": "Fifteen", "wid": wid}})
        assert (r.json()["data"]["id"], r.json()["data"]["color"], r.json()["data"]["hex_color"]) == (
            15, "0", "#4dc3ff")
        r = client.post(URL, headers=token_auth(user), json={"project": {"name": "Sixteen", "wid": wid}})
        assert (r.json()["data"]["id"], r.json()["data"]["color"]) == (16, "1")

    def test_color_as_number_and_string(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        r = client.post(URL, headers=token_auth(user), json={"project": {"name": "A", "wid": wid, "color": 14}})
        assert (r.json()["data"]["color"], r.json()["data"]["hex_color"]) == ("14", "#999999")
        r = client.post(URL, headers=token_auth(user), json={"project": {"name": "B", "wid": wid, "color": "0"}})
        assert (r.json()["data"]["color"], r.json()["data"]["hex_color"]) == ("0", "#4dc3ff")
        assert [p.color for p in stored(db)] == [14, 0]

    def test_invalid_colors_write_nothing(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        for color in (15, -1, "15", "red", "", True, 3.5, [1]):
            r = client.post(URL, headers=token_auth(user), json={"project": {"name": "A", "wid": wid, "color": color}})
            assert (r.status_code, r.json()) == (404, ["Invalid color"]), color
        assert stored(db) == []

    def test_missing_wid_name_and_wrapper(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        r = client.post(URL, headers=token_auth(user), json={"project": {"name": "A"}})
        assert (r.status_code, r.json()) == (404, ["Workspace can't be blank"])
        r = client.post(URL, headers=token_auth(user), json={"project": {"wid": wid}})
        assert (r.status_code, r.json()) == (404, ["Name can't be blank"])
        r = client.post(URL, headers=token_auth(user), json={"project": {"wid": wid, "name": "   "}})
        assert (r.status_code, r.json()) == (404, ["Name can't be blank"])
        r = client.post(URL, headers=token_auth(user), json={"project": {"wid": wid, "name": None}})
        assert (r.status_code, r.json()) == (404, ["Name can't be blank"])
        r = client.post(URL, headers=token_auth(user), json={"project": {"wid": wid, "name": "x" * 256}})
        assert (r.status_code, r.json()) == (404, ["Name is too long (maximum 255 characters)"])
        r = client.post(URL, headers=token_auth(user), json={"name": "A", "wid": wid})
        assert (r.status_code, r.json()) == (404, ["project can't be blank"])
        r = client.post(URL, headers=token_auth(user), content=b"")
        assert (r.status_code, r.json()) == (404, ["project can't be blank"])
        r = client.post(URL, headers=token_auth(user), json={"project": "A"})
        assert (r.status_code, r.json()) == (404, ["project can't be blank"])
        assert stored(db) == []

    def test_malformed_json_is_400(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        r = client.post(URL, headers=token_auth(user), content=b'{"project": {"name": ')
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        assert stored(db) == []

    def test_wrong_types_write_nothing(self, client: TestClient, db: Session) -> None:
        user = make_user(db)
        wid = user.default_workspace_id
        cases = [
            ({"name": ["x"]}, "Invalid name"),
            ({"wid": "abc"}, "Invalid wid"),
            ({"wid": 2**70}, "Invalid wid"),
            ({"cid": "x"}, "Invalid cid"),
            ({"is_private": "yes"}, "Invalid is_private"),
            ({"billable": 1}, "Invalid billable"),
            ({"active": "true"}, "Invalid active"),
            ({"template": 0}, "Invalid template"),
            ({"auto_estimates": "no"}, "Invalid auto_estimates"),
            ({"estimated_hours": True}, "Invalid estimated_hours"),
            ({"estimated_hours": 1.5}, "Invalid estimated_hours"),
            ({"estimated_hours": 2**40}, "Invalid estimated_hours"),
            ({"rate": "abc"}, "Invalid rate"),
            ({"rate": 1e30}, "Invalid rate"),
            ({"template_id": -3}, "Invalid template_id"),
            ({"currency": 5}, "Invalid currency"),
        ]
        for extra, message in cases:
            body = {"project": {"name": "A", "wid": wid, **extra}}
            r = client.post(URL, headers=token_auth(user), json=body)
            assert (r.status_code, r.json()) == (404, [message]), extra
        assert stored(db) == []

    def test_unknown_and_foreign_workspace(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        for wid in (other.default_workspace_id, 999):
            r = client.post(URL, headers=token_auth(me), json={"project": {"name": "A", "wid": wid}})
            assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        assert stored(db) == []

    def test_pending_invitee_cannot_create(self, client: TestClient, db: Session) -> None:
        admin, invitee = make_user(db), make_user(db)
        ws = make_workspace(db, admin=admin)
        add_member(db, ws, invitee, active=False)
        r = client.post(URL, headers=token_auth(invitee), json={"project": {"name": "A", "wid": ws.id}})
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])

    def test_member_creates_and_becomes_manager(self, client: TestClient, db: Session) -> None:
        _admin, member, _, ws = team(db)
        r = client.post(URL, headers=token_auth(member), json={"project": {"name": "Mine", "wid": ws.id}})
        assert r.status_code == 200
        assert (r.json()["data"]["is_private"], r.json()["data"]["wid"]) == (True, ws.id)
        assert members_of(db, r.json()["data"]["id"]) == [(member.id, True, None)]

    def test_only_admins_may_create_projects(self, client: TestClient, db: Session) -> None:
        admin, member, _, ws = team(db, only_admins_may_create_projects=True)
        r = client.post(URL, headers=token_auth(member), json={"project": {"name": "A", "wid": ws.id}})
        assert (r.status_code, r.json()) == (403, ["Only workspace admins can create projects in this workspace"])
        assert stored(db) == []
        r = client.post(URL, headers=token_auth(admin), json={"project": {"name": "A", "wid": ws.id}})
        assert r.status_code == 200

    def test_client_must_belong_to_workspace(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        wid = me.default_workspace_id
        foreign = make_client(db, workspace_id=other.default_workspace_id, name="Theirs")
        gone = make_client(db, workspace_id=wid, name="Gone", deleted_at=at("2023-01-01T00:00:00Z"))
        for cid in (foreign.id, gone.id, 999):
            r = client.post(URL, headers=token_auth(me), json={"project": {"name": "A", "wid": wid, "cid": cid}})
            assert (r.status_code, r.json()) == (404, ["Client not found"])
        assert stored(db) == []

    def test_null_client_means_none(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        r = client.post(URL, headers=token_auth(me),
                        json={"project": {"name": "A", "wid": me.default_workspace_id, "cid": None,
                                          "is_private": None, "active": None, "color": None}})
        data = r.json()["data"]
        assert "cid" not in data
        assert (data["is_private"], data["active"], data["color"]) == (True, True, "1")

    def test_name_unique_per_client_case_insensitive_including_archived(self, client: TestClient,
                                                                          db: Session) -> None:
        me = make_user(db)
        wid = me.default_workspace_id
        c = make_client(db, workspace_id=wid, name="C")
        make_project(db, workspace_id=wid, name="Site")
        make_project(db, workspace_id=wid, name="Archived", active=False)
        make_project(db, workspace_id=wid, name="Gone", deleted_at=at("2023-01-01T00:00:00Z"))
        for name in ("SITE", "archived"):
            r = client.post(URL, headers=token_auth(me), json={"project": {"name": name, "wid": wid}})
            assert (r.status_code, r.json()) == (404, ["Name has already been taken"])
        r = client.post(URL, headers=token_auth(me), json={"project": {"name": "site", "wid": wid, "cid": c.id}})
        assert (r.status_code, r.json()["data"]["name"], r.json()["data"]["cid"]) == (200, "site", c.id)
        r = client.post(URL, headers=token_auth(me), json={"project": {"name": "SITE", "wid": wid, "cid": c.id}})
        assert (r.status_code, r.json()) == (404, ["Name has already been taken"])
        r = client.post(URL, headers=token_auth(me), json={"project": {"name": "gone", "wid": wid}})
        assert r.status_code == 200
        assert [p.name for p in stored(db)] == ["Site", "Archived", "Gone", "site", "gone"]

    def test_same_name_in_another_workspace(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        make_project(db, workspace_id=other.default_workspace_id, name="Site")
        r = client.post(URL, headers=token_auth(me), json={"project": {"name": "Site", "wid": me.default_workspace_id}})
        assert r.status_code == 200

    def test_premium_inputs_stored_and_rate_rounded_half_up(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        r = client.post(URL, headers=token_auth(me), json={"project": {
            "name": "A", "wid": me.default_workspace_id, "billable": False, "rate": "65.555", "currency": "EUR",
            "estimated_hours": 12, "auto_estimates": False, "template": True, "active": False}})
        data = r.json()["data"]
        assert {k: data[k] for k in ("billable", "rate", "currency", "estimated_hours", "template", "active")} == {
            "billable": False, "rate": 65.56, "currency": "EUR", "estimated_hours": 12, "template": True,
            "active": False}
        p = stored(db)[0]
        assert (p.rate, p.currency, p.estimated_hours, p.billable) == (Decimal("65.56"), "EUR", 12, False)

    def test_billable_default_follows_workspace_setting(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        ws = make_workspace(db, admin=me, projects_billable_by_default=False)
        r = client.post(URL, headers=token_auth(me), json={"project": {"name": "A", "wid": ws.id}})
        assert r.json()["data"]["billable"] is False

    def test_non_premium_keeps_premium_inputs_unstored(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        ws = make_workspace(db, admin=me, premium=False, projects_billable_by_default=True)
        r = client.post(URL, headers=token_auth(me), json={"project": {
            "name": "A", "wid": ws.id, "billable": True, "rate": 50, "currency": "EUR", "estimated_hours": 7,
            "auto_estimates": True}})
        data = r.json()["data"]
        assert data == {"id": 1, "wid": ws.id, "name": "A", "billable": False, "is_private": True, "active": True,
                        "template": False, "auto_estimates": True, "estimated_hours": 0, "color": "1",
                        "hex_color": "#bc85e6", "at": data["at"], "created_at": data["created_at"]}
        p = stored(db)[0]
        assert (p.billable, p.rate, p.currency, p.estimated_hours, p.auto_estimates) == (False, None, None, None, True)

    def test_negative_rate_and_estimate_and_bad_currency(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        wid = me.default_workspace_id
        for extra, message in (({"rate": -1}, "Rate can't be negative"),
                               ({"estimated_hours": -2}, "Estimated hours can't be negative"),
                               ({"currency": "eur"}, "Invalid currency")):
            r = client.post(URL, headers=token_auth(me), json={"project": {"name": "A", "wid": wid, **extra}})
            assert (r.status_code, r.json()) == (404, [message])
        assert stored(db) == []

    def test_hidden_rate_is_stored_but_not_shown_to_member(self, client: TestClient, db: Session) -> None:
        _admin, member, _, ws = team(db, only_admins_see_billable_rates=True)
        r = client.post(URL, headers=token_auth(member),
                        json={"project": {"name": "A", "wid": ws.id, "rate": 30, "currency": "EUR"}})
        assert "rate" not in r.json()["data"] and r.json()["data"]["currency"] == "EUR"
        assert stored(db)[0].rate == Decimal("30.00")


class TestCreateFromTemplate:
    def arrange(self, db: Session, premium: bool = True) -> tuple[User, User, Workspace, Project, int]:
        admin, member = make_user(db), make_user(db)
        ws = make_workspace(db, admin=admin, premium=premium)
        add_member(db, ws, member)
        c = make_client(db, workspace_id=ws.id, name="Client")
        tpl = make_project(db, workspace_id=ws.id, name="Tpl", template=True, client_id=c.id, billable=True,
                           is_private=False, color=7, rate=Decimal("80"), currency="EUR", auto_estimates=False,
                           estimated_hours=10, manager=admin)
        add_project_user(db, tpl, member, rate=Decimal("50"))
        make_task(db, project=tpl, name="Design", estimated_seconds=3600, user_id=member.id)
        make_task(db, project=tpl, name="Old", estimated_seconds=1800, active=False)
        make_task(db, project=tpl, name="Gone", deleted_at=at("2023-01-01T00:00:00Z"))
        return admin, member, ws, tpl, c.id

    def test_copies_unset_settings_tasks_and_project_users(self, client: TestClient, db: Session) -> None:
        admin, member, ws, tpl, cid = self.arrange(db)
        r = client.post(URL, headers=token_auth(admin), json={"project": {
            "name": "From tpl", "wid": ws.id, "template_id": tpl.id, "color": 3, "is_private": True}})
        data = r.json()["data"]
        new_id = data["id"]
        assert data == {"id": new_id, "wid": ws.id, "cid": cid, "name": "From tpl", "billable": True,
                        "is_private": True, "active": True, "template": False, "template_id": tpl.id,
                        "auto_estimates": False, "estimated_hours": 10, "rate": 80, "currency": "EUR",
                        "color": "3", "hex_color": "#f68d38", "at": data["at"], "created_at": data["created_at"]}
        assert members_of(db, new_id) == [(admin.id, True, None), (member.id, False, Decimal("50.00"))]
        tasks = db.scalars(select(Task).where(Task.project_id == new_id).order_by(Task.id)).all()
        assert [(t.name, t.estimated_seconds, t.user_id, t.active, t.workspace_id) for t in tasks] == [
            ("Design", 3600, member.id, True, ws.id), ("Old", 1800, None, False, ws.id)]
        # the template itself is untouched
        assert members_of(db, tpl.id) == [(admin.id, True, None), (member.id, False, Decimal("50.00"))]

    def test_request_values_win_and_null_counts_as_set(self, client: TestClient, db: Session) -> None:
        admin, _member, ws, tpl, _cid = self.arrange(db)
        r = client.post(URL, headers=token_auth(admin), json={"project": {
            "name": "X", "wid": ws.id, "template_id": tpl.id, "cid": None, "rate": None, "billable": False,
            "estimated_hours": None, "auto_estimates": True, "template": True}})
        data = r.json()["data"]
        assert "cid" not in data and "rate" not in data
        assert (data["billable"], data["auto_estimates"], data["estimated_hours"], data["template"],
                data["color"], data["currency"]) == (False, True, 2, True, "7", "EUR")

    def test_template_creator_not_in_template_becomes_manager_too(self, client: TestClient, db: Session) -> None:
        admin, member, ws, tpl, _ = self.arrange(db)
        r = client.post(URL, headers=token_auth(member), json={"project": {
            "name": "Mine", "wid": ws.id, "template_id": tpl.id}})
        new_id = r.json()["data"]["id"]
        assert members_of(db, new_id) == [(member.id, True, None), (admin.id, True, None)]

    def test_non_premium_template_copies_no_premium_values_and_no_tasks(self, client: TestClient,
                                                                       db: Session) -> None:
        admin, member, ws, tpl, cid = self.arrange(db, premium=False)
        r = client.post(URL, headers=token_auth(admin), json={"project": {
            "name": "Free", "wid": ws.id, "template_id": tpl.id}})
        data = r.json()["data"]
        assert data == {"id": data["id"], "wid": ws.id, "cid": cid, "name": "Free", "billable": False,
                        "is_private": False, "active": True, "template": False, "template_id": tpl.id,
                        "auto_estimates": False, "color": "7", "hex_color": "#268bb5", "at": data["at"],
                        "created_at": data["created_at"]}
        assert members_of(db, data["id"]) == [(admin.id, True, None), (member.id, False, None)]
        assert db.scalars(select(Task).where(Task.project_id == data["id"])).all() == []

    def test_template_must_be_a_visible_template_of_the_workspace(self, client: TestClient, db: Session) -> None:
        admin, member, ws, _tpl, _ = self.arrange(db)
        plain = make_project(db, workspace_id=ws.id, name="Plain")
        private_tpl = make_project(db, workspace_id=ws.id, name="Secret", template=True, is_private=True)
        deleted_tpl = make_project(db, workspace_id=ws.id, name="Dead", template=True,
                                   deleted_at=at("2023-01-01T00:00:00Z"))
        foreign_tpl = make_project(db, workspace_id=member.default_workspace_id, name="Foreign", template=True)
        before = len(stored(db))
        for tid in (plain.id, private_tpl.id, deleted_tpl.id, foreign_tpl.id, 999):
            r = client.post(URL, headers=token_auth(member), json={"project": {
                "name": "N", "wid": ws.id, "template_id": tid}})
            assert (r.status_code, r.json()) == (404, ["Template not found"]), tid
        assert len(stored(db)) == before
        # the admin sees the private template
        r = client.post(URL, headers=token_auth(admin), json={"project": {
            "name": "N", "wid": ws.id, "template_id": private_tpl.id}})
        assert r.status_code == 200


class TestGetProject:
    def test_returns_project_in_callers_time_zone(self, client: TestClient, db: Session) -> None:
        me = make_user(db, timezone="Europe/Helsinki")
        c = make_client(db, workspace_id=me.default_workspace_id, name="C")
        p = make_project(db, workspace_id=me.default_workspace_id, name="P", client_id=c.id, color=9,
                         rate=Decimal("12.50"), currency="CHF", estimated_hours=4,
                         created_at=at("2023-10-02T06:00:00Z"), updated_at=at("2023-10-03T06:00:00Z"))
        r = client.get(f"{URL}/{p.id}", headers=token_auth(me))
        assert r.json() == {"data": {
            "id": p.id, "wid": me.default_workspace_id, "cid": c.id, "name": "P", "billable": False,
            "is_private": False, "active": True, "template": False, "auto_estimates": False, "estimated_hours": 4,
            "rate": 12.5, "currency": "CHF", "color": "9", "hex_color": "#a4506c",
            "at": "2023-10-03T09:00:00+03:00", "created_at": "2023-10-02T09:00:00+03:00"}}

    def test_private_project_visibility(self, client: TestClient, db: Session) -> None:
        admin, member, outsider, ws = team(db)
        private = make_project(db, workspace_id=ws.id, name="Secret", is_private=True)
        public = make_project(db, workspace_id=ws.id, name="Open")
        assert client.get(f"{URL}/{private.id}", headers=token_auth(admin)).status_code == 200
        r = client.get(f"{URL}/{private.id}", headers=token_auth(member))
        assert (r.status_code, r.json()) == (404, ["Project not found"])
        assert client.get(f"{URL}/{public.id}", headers=token_auth(member)).json()["data"]["name"] == "Open"
        add_project_user(db, private, member)
        assert client.get(f"{URL}/{private.id}", headers=token_auth(member)).json()["data"]["name"] == "Secret"
        for pid in (private.id, public.id):
            r = client.get(f"{URL}/{pid}", headers=token_auth(outsider))
            assert (r.status_code, r.json()) == (404, ["Project not found"])

    def test_unknown_deleted_and_bad_ids(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        gone = make_project(db, workspace_id=me.default_workspace_id, deleted_at=at("2023-01-01T00:00:00Z"))
        assert client.get(f"{URL}/{gone.id}", headers=token_auth(me)).json() == ["Project not found"]
        assert client.get(f"{URL}/999", headers=token_auth(me)).status_code == 404
        r = client.get(f"{URL}/1,2", headers=token_auth(me))
        assert (r.status_code, r.json()) == (400, ["Id lists are not allowed here"])
        r = client.get(f"{URL}/99999999999999999999", headers=token_auth(me))
        assert (r.status_code, r.json()) == (400, ["Invalid id"])
        assert client.get(f"{URL}/abc", headers=token_auth(me)).status_code == 400

    def test_rates_hidden_from_non_admins_when_workspace_says_so(self, client: TestClient, db: Session) -> None:
        admin, member, _, ws = team(db, only_admins_see_billable_rates=True)
        p = make_project(db, workspace_id=ws.id, rate=Decimal("90"), currency="EUR")
        as_member = client.get(f"{URL}/{p.id}", headers=token_auth(member)).json()["data"]
        as_admin = client.get(f"{URL}/{p.id}", headers=token_auth(admin)).json()["data"]
        assert ("rate" in as_member, as_member["currency"], as_admin["rate"]) == (False, "EUR", 90)

    def test_auto_estimates_sum_live_tasks_half_up(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        wid = me.default_workspace_id
        p = make_project(db, workspace_id=wid, name="Auto", auto_estimates=True, estimated_hours=99)
        make_task(db, project=p, name="a", estimated_seconds=3600)
        make_task(db, project=p, name="b", estimated_seconds=1800, active=False)
        make_task(db, project=p, name="c", estimated_seconds=36000, deleted_at=at("2023-01-01T00:00:00Z"))
        assert client.get(f"{URL}/{p.id}", headers=token_auth(me)).json()["data"]["estimated_hours"] == 2
        low = make_project(db, workspace_id=wid, name="Low", auto_estimates=True)
        make_task(db, project=low, name="a", estimated_seconds=5399)
        assert client.get(f"{URL}/{low.id}", headers=token_auth(me)).json()["data"]["estimated_hours"] == 1
        empty = make_project(db, workspace_id=wid, name="Empty", auto_estimates=True, estimated_hours=5)
        assert client.get(f"{URL}/{empty.id}", headers=token_auth(me)).json()["data"]["estimated_hours"] == 0
        manual = make_project(db, workspace_id=wid, name="Manual", estimated_hours=5)
        make_task(db, project=manual, name="a", estimated_seconds=36000)
        assert client.get(f"{URL}/{manual.id}", headers=token_auth(me)).json()["data"]["estimated_hours"] == 5


class TestUpdateProject:
    def test_admin_updates_documented_example(self, client: TestClient, db: Session) -> None:
        admin, other = make_user(db), make_user(db)
        wid = admin.default_workspace_id
        c = make_client(db, workspace_id=wid, name="C")
        tpl = make_project(db, workspace_id=wid, name="Tpl", template=True)
        p = make_project(db, workspace_id=wid, name="Ferry timetable app", client_id=c.id, color=6,
                         created_at=at("2023-10-02T09:35:00Z"), updated_at=at("2023-10-02T09:35:00Z"))
        r = client.put(f"{URL}/{p.id}", headers=token_auth(admin), json={"project": {
            "name": "Ferry timetable app v2", "cid": None, "color": "9", "active": False,
            "wid": other.default_workspace_id, "template_id": tpl.id, "id": 555, "hex_color": "#000000",
            "at": "2020-01-01T00:00:00Z", "guid": "ignored"}})
        assert r.status_code == 200
        data = r.json()["data"]
        db.expire_all()
        stored_p = db.get(Project, p.id)
        assert stored_p is not None and stored_p.updated_at > at("2023-10-02T09:35:00Z")
        assert data == {"id": p.id, "wid": wid, "name": "Ferry timetable app v2", "billable": False,
                        "is_private": False, "active": False, "template": False, "auto_estimates": False,
                        "color": "9", "hex_color": "#a4506c", "at": ts(stored_p.updated_at),
                        "created_at": "2023-10-02T09:35:00+00:00"}
        assert (stored_p.client_id, stored_p.workspace_id, stored_p.template_id) == (None, wid, None)

    def test_all_writable_fields(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        wid = admin.default_workspace_id
        c = make_client(db, workspace_id=wid, name="C")
        p = make_project(db, workspace_id=wid, name="P")
        r = client.put(f"{URL}/{p.id}", headers=token_auth(admin), json={"project": {
            "cid": str(c.id), "is_private": True, "template": True, "billable": True, "auto_estimates": True,
            "estimated_hours": 3, "rate": 20.125, "currency": "GBP", "color": 0}})
        data = r.json()["data"]
        assert {k: data[k] for k in ("cid", "is_private", "template", "billable", "auto_estimates",
                                     "estimated_hours", "rate", "currency", "color")} == {
            "cid": c.id, "is_private": True, "template": True, "billable": True, "auto_estimates": True,
            "estimated_hours": 0, "rate": 20.13, "currency": "GBP", "color": "0"}
        db.expire_all()
        assert db.get_one(Project, p.id).estimated_hours == 3

    def test_nulls_clear_nullable_fields_and_are_ignored_elsewhere(self, client: TestClient, db: Session) -> None:
        admin = make_user(db)
        wid = admin.default_workspace_id
        c = make_client(db, workspace_id=wid, name="C")
        p = make_project(db, workspace_id=wid, name="P", client_id=c.id, rate=Decimal("5"), currency="EUR",
                         estimated_hours=2, billable=True, color=4)
        r = client.put(f"{URL}/{p.id}", headers=token_auth(admin), json={"project": {
            "cid": None, "rate": None, "currency": None, "estimated_hours": None, "name": None, "active": None,
            "billable": None, "color": None, "is_private": None}})
        data = r.json()["data"]
        assert data == {"id": p.id, "wid": wid, "name": "P", "billable": True, "is_private": False, "active": True,
                        "template": False, "auto_estimates": False, "color": "4", "hex_color": "#b27636",
                        "at": data["at"], "created_at": data["created_at"]}

    def test_manager_may_update_member_may_not(self, client: TestClient, db: Session) -> None:
        _admin, member, outsider, ws = team(db)
        manager = make_user(db)
        add_member(db, ws, manager)
        p = make_project(db, workspace_id=ws.id, name="P", manager=manager)
        add_project_user(db, p, member)
        r = client.put(f"{URL}/{p.id}", headers=token_auth(member), json={"project": {"name": "M"}})
        assert (r.status_code, r.json()) == (403, ["Only workspace admins and project managers can do this"])
        r = client.put(f"{URL}/{p.id}", headers=token_auth(outsider), json={"project": {"name": "O"}})
        assert (r.status_code, r.json()) == (404, ["Project not found"])
        assert stored(db)[0].name == "P"
        r = client.put(f"{URL}/{p.id}", headers=token_auth(manager), json={"project": {"name": "By manager"}})
        assert (r.status_code, r.json()["data"]["name"]) == (200, "By manager")

    def test_private_project_of_others_is_not_found(self, client: TestClient, db: Session) -> None:
        _admin, member, _, ws = team(db)
        p = make_project(db, workspace_id=ws.id, name="Secret", is_private=True)
        r = client.put(f"{URL}/{p.id}", headers=token_auth(member), json={"project": {"name": "X"}})
        assert (r.status_code, r.json()) == (404, ["Project not found"])

    def test_uniqueness_rechecked_on_rename_and_client_change(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        wid = me.default_workspace_id
        c = make_client(db, workspace_id=wid, name="C")
        loose = make_project(db, workspace_id=wid, name="Site")
        make_project(db, workspace_id=wid, name="site", client_id=c.id)
        other = make_project(db, workspace_id=wid, name="Other", active=False)
        r = client.put(f"{URL}/{loose.id}", headers=token_auth(me), json={"project": {"cid": c.id}})
        assert (r.status_code, r.json()) == (404, ["Name has already been taken"])
        r = client.put(f"{URL}/{loose.id}", headers=token_auth(me), json={"project": {"name": "OTHER"}})
        assert (r.status_code, r.json()) == (404, ["Name has already been taken"])
        r = client.put(f"{URL}/{other.id}", headers=token_auth(me), json={"project": {"name": "SITE", "cid": None}})
        assert (r.status_code, r.json()) == (404, ["Name has already been taken"])
        r = client.put(f"{URL}/{loose.id}", headers=token_auth(me), json={"project": {"name": "SITE"}})
        assert (r.status_code, r.json()["data"]["name"]) == (200, "SITE")
        assert [(p.name, p.client_id) for p in stored(db)] == [("SITE", None), ("site", c.id), ("Other", None)]

    def test_bad_input_changes_nothing(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        wid = me.default_workspace_id
        p = make_project(db, workspace_id=wid, name="P", color=2)
        foreign_client = make_client(db, workspace_id=other.default_workspace_id, name="F")
        url = f"{URL}/{p.id}"
        cases: list[tuple[Any, int, list[str]]] = [
            ({"project": {"color": 99, "name": "New"}}, 404, ["Invalid color"]),
            ({"project": {"cid": foreign_client.id, "name": "New"}}, 404, ["Client not found"]),
            ({"project": {"name": ""}}, 404, ["Name can't be blank"]),
            ({"project": {"name": "New", "rate": -5}}, 404, ["Rate can't be negative"]),
            ({"project": {"active": "no"}}, 404, ["Invalid active"]),
            ({"name": "New"}, 404, ["project can't be blank"]),
        ]
        for body, status, message in cases:
            r = client.put(url, headers=token_auth(me), json=body)
            assert (r.status_code, r.json()) == (status, message), body
        r = client.put(url, headers=token_auth(me), content=b"{bad")
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        r = client.put(f"{URL}/{p.id},{p.id}", headers=token_auth(me), json={"project": {"name": "New"}})
        assert r.status_code == 400
        r = client.put(f"{URL}/999", headers=token_auth(me), json={"project": {"name": "New"}})
        assert (r.status_code, r.json()) == (404, ["Project not found"])
        assert [(s.name, s.color) for s in stored(db)] == [("P", 2)]

    def test_non_premium_update_keeps_premium_fields(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        ws = make_workspace(db, admin=me, premium=False)
        p = make_project(db, workspace_id=ws.id, name="P")
        r = client.put(f"{URL}/{p.id}", headers=token_auth(me), json={"project": {
            "billable": True, "rate": 40, "currency": "EUR", "estimated_hours": 8, "auto_estimates": True,
            "name": "Q"}})
        data = r.json()["data"]
        assert (data["name"], data["billable"], data["auto_estimates"], data["estimated_hours"]) == ("Q", False,
                                                                                                     True, 0)
        assert "rate" not in data and "currency" not in data
        s = stored(db)[0]
        assert (s.billable, s.rate, s.currency, s.estimated_hours) == (False, None, None, None)


class TestDeleteProjects:
    def arrange(self, db: Session) -> tuple[User, Project, Task, TimeEntry, TimeEntry]:
        me = make_user(db)
        wid = me.default_workspace_id
        p = make_project(db, workspace_id=wid, name="Doomed", manager=me)
        t1 = make_task(db, project=p, name="T1")
        make_task(db, project=p, name="T2", active=False)
        e1 = make_entry(db, user=me, start="2023-10-02T07:00:00Z", project_id=p.id, task_id=t1.id)
        e2 = make_entry(db, user=me, start="2023-10-02T09:00:00Z")
        for e in (e1, e2):
            e.updated_at = at("2023-10-02T12:00:00Z")
        db.commit()
        return me, p, t1, e1, e2

    def test_single_delete_tombstones_and_detaches(self, client: TestClient, db: Session) -> None:
        me, p, _t1, e1, e2 = self.arrange(db)
        r = client.delete(f"{URL}/{p.id}", headers=token_auth(me))
        assert (r.status_code, r.json()) == (200, [p.id])
        db.expire_all()
        proj = db.get_one(Project, p.id)
        assert proj.deleted_at is not None and proj.updated_at == proj.deleted_at
        tasks = db.scalars(select(Task).where(Task.project_id == p.id)).all()
        assert [t.deleted_at is not None for t in tasks] == [True, True]
        assert members_of(db, p.id) == []
        entry = db.get_one(TimeEntry, e1.id)
        assert (entry.project_id, entry.task_id) == (None, None)
        assert entry.updated_at > at("2023-10-02T12:00:00Z")
        assert db.get_one(TimeEntry, e2.id).updated_at == at("2023-10-02T12:00:00Z")
        assert client.get(f"{URL}/{p.id}", headers=token_auth(me)).status_code == 404
        assert client.delete(f"{URL}/{p.id}", headers=token_auth(me)).json() == ["Project not found"]
        r = client.post(URL, headers=token_auth(me), json={"project": {"name": "doomed", "wid": p.workspace_id}})
        assert r.status_code == 200

    def test_mass_delete_in_given_order_without_duplicates(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        wid = me.default_workspace_id
        a, b, c = (make_project(db, workspace_id=wid, name=n) for n in "abc")
        r = client.delete(f"{URL}/{c.id},{a.id},{c.id}", headers=token_auth(me))
        assert (r.status_code, r.json()) == (200, [c.id, a.id])
        assert [p.deleted_at is not None for p in stored(db)] == [True, False, True]
        r = client.delete(f"{URL}/{b.id}", headers=token_auth(me))
        assert r.json() == [b.id]

    def test_mass_delete_is_all_or_nothing_for_foreign_id(self, client: TestClient, db: Session) -> None:
        me, other = make_user(db), make_user(db)
        mine = make_project(db, workspace_id=me.default_workspace_id, name="Mine", manager=me)
        t = make_task(db, project=mine, name="T")
        e = make_entry(db, user=me, start="2023-10-02T07:00:00Z", project_id=mine.id, task_id=t.id)
        theirs = make_project(db, workspace_id=other.default_workspace_id, name="Theirs")
        r = client.delete(f"{URL}/{mine.id},{theirs.id}", headers=token_auth(me))
        assert (r.status_code, r.json()) == (404, [f"Project {theirs.id} not found"])
        r = client.delete(f"{URL}/{mine.id},999", headers=token_auth(me))
        assert (r.status_code, r.json()) == (404, ["Project 999 not found"])
        assert [p.deleted_at for p in stored(db)] == [None, None]
        assert db.get_one(Task, t.id).deleted_at is None
        assert members_of(db, mine.id) == [(me.id, True, None)]
        assert (db.get_one(TimeEntry, e.id).project_id, db.get_one(TimeEntry, e.id).task_id) == (mine.id, t.id)

    def test_mass_delete_is_all_or_nothing_for_unmanaged_project(self, client: TestClient, db: Session) -> None:
        admin, member, _, ws = team(db)
        managed = make_project(db, workspace_id=ws.id, name="Managed", manager=member)
        plain = make_project(db, workspace_id=ws.id, name="Plain")
        r = client.delete(f"{URL}/{managed.id},{plain.id}", headers=token_auth(member))
        assert (r.status_code, r.json()) == (
            403, [f"Only workspace admins and project managers can change project {plain.id}"])
        assert [p.deleted_at for p in stored(db)] == [None, None]
        r = client.delete(f"{URL}/{plain.id}", headers=token_auth(member))
        assert (r.status_code, r.json()) == (403, ["Only workspace admins and project managers can do this"])
        r = client.delete(f"{URL}/{managed.id}", headers=token_auth(member))
        assert (r.status_code, r.json()) == (200, [managed.id])
        r = client.delete(f"{URL}/{plain.id}", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (200, [plain.id])

    def test_outsider_and_invisible_private_project(self, client: TestClient, db: Session) -> None:
        _admin, member, outsider, ws = team(db)
        private = make_project(db, workspace_id=ws.id, name="Secret", is_private=True)
        for user in (member, outsider):
            r = client.delete(f"{URL}/{private.id}", headers=token_auth(user))
            assert (r.status_code, r.json()) == (404, ["Project not found"])
        assert stored(db)[0].deleted_at is None

    def test_malformed_id_lists(self, client: TestClient, db: Session) -> None:
        me = make_user(db)
        p = make_project(db, workspace_id=me.default_workspace_id)
        for segment in (f"{p.id},abc", f"{p.id},", "0", "-1", "99999999999999999999"):
            r = client.delete(f"{URL}/{segment}", headers=token_auth(me))
            assert (r.status_code, r.json()) == (400, ["Invalid id"]), segment
        r = client.delete(f"{URL}/" + ",".join(str(i) for i in range(1, 1002)), headers=token_auth(me))
        assert (r.status_code, r.json()) == (400, ["Too many ids (maximum 1000)"])
        assert stored(db)[0].deleted_at is None


class TestProjectUsersList:
    def test_lists_with_fullname_and_hidden_rates(self, client: TestClient, db: Session) -> None:
        admin = make_user(db, fullname="Mara Quint")
        member = make_user(db, fullname="Jonas Weber")
        ws = make_workspace(db, admin=admin, only_admins_see_billable_rates=True)
        add_member(db, ws, member)
        p = make_project(db, workspace_id=ws.id, name="P", manager=admin)
        pu = add_project_user(db, p, member, rate=Decimal("65"))
        first = db.scalars(select(ProjectMember).order_by(ProjectMember.id)).first()
        assert first is not None
        url = f"{URL}/{p.id}/project_users"
        r = client.get(url + "?fields=fullname", headers=token_auth(admin))
        assert r.json() == [
            {"id": first.id, "pid": p.id, "uid": admin.id, "wid": ws.id, "manager": True, "fullname": "Mara Quint",
             "at": ts(first.updated_at)},
            {"id": pu.id, "pid": p.id, "uid": member.id, "wid": ws.id, "manager": False, "rate": 65,
             "fullname": "Jonas Weber", "at": ts(pu.updated_at)},
        ]
        r = client.get(url, headers=token_auth(member))
        assert r.json() == [
            {"id": first.id, "pid": p.id, "uid": admin.id, "wid": ws.id, "manager": True,
             "at": ts(first.updated_at)},
            {"id": pu.id, "pid": p.id, "uid": member.id, "wid": ws.id, "manager": False, "at": ts(pu.updated_at)},
        ]
        r = client.get(url + "?fields=uname,bogus", headers=token_auth(admin))
        assert ["fullname" in row for row in r.json()] == [False, False]

    def test_empty_list_and_visibility(self, client: TestClient, db: Session) -> None:
        admin, member, outsider, ws = team(db)
        empty = make_project(db, workspace_id=ws.id, name="Empty")
        private = make_project(db, workspace_id=ws.id, name="Secret", is_private=True, manager=admin)
        assert client.get(f"{URL}/{empty.id}/project_users", headers=token_auth(member)).json() == []
        r = client.get(f"{URL}/{private.id}/project_users", headers=token_auth(member))
        assert (r.status_code, r.json()) == (404, ["Project not found"])
        r = client.get(f"{URL}/{empty.id}/project_users", headers=token_auth(outsider))
        assert (r.status_code, r.json()) == (404, ["Project not found"])
        assert client.get(f"{URL}/{empty.id},{private.id}/project_users", headers=token_auth(admin)).status_code == 400


class TestProjectTasksList:
    def arrange(self, db: Session, premium: bool = True) -> tuple[User, User, Project, list[Task]]:
        admin = make_user(db, fullname="Mara Quint")
        member = make_user(db, fullname="Jonas Weber")
        ws = make_workspace(db, admin=admin, premium=premium)
        add_member(db, ws, member)
        p = make_project(db, workspace_id=ws.id, name="P")
        t1 = make_task(db, project=p, name="Wireframes", estimated_seconds=14400, user_id=member.id)
        t2 = make_task(db, project=p, name="Copywriting")
        t3 = make_task(db, project=p, name="Done", active=False)
        make_task(db, project=p, name="Deleted", deleted_at=at("2023-01-01T00:00:00Z"))
        kw: dict[str, Any] = {"workspace_id": ws.id, "project_id": p.id}
        make_entry(db, user=member, start="2023-10-02T07:00:00Z", seconds=5400, task_id=t1.id, **kw)
        make_entry(db, user=admin, start="2023-10-02T09:00:00Z", seconds=3600, task_id=t1.id, **kw)
        make_entry(db, user=admin, start="2023-10-02T11:00:00Z", seconds=600, task_id=t1.id,
                   deleted_at=at("2023-10-03T00:00:00Z"), **kw)
        make_entry(db, user=member, start="2023-10-03T07:00:00Z", seconds=None, task_id=t1.id, **kw)
        make_entry(db, user=member, start="2023-10-02T12:00:00Z", seconds=1200, task_id=t3.id, **kw)
        return admin, member, p, [t1, t2, t3]

    def test_active_tasks_with_tracked_seconds(self, client: TestClient, db: Session) -> None:
        _admin, member, p, (t1, t2, _) = self.arrange(db)
        r = client.get(f"{URL}/{p.id}/tasks", headers=token_auth(member))
        assert r.json() == [
            {"id": t1.id, "name": "Wireframes", "wid": p.workspace_id, "pid": p.id, "uid": member.id,
             "active": True, "estimated_seconds": 14400, "tracked_seconds": 9000, "at": ts(t1.updated_at)},
            {"id": t2.id, "name": "Copywriting", "wid": p.workspace_id, "pid": p.id, "active": True,
             "estimated_seconds": 0, "tracked_seconds": 0, "at": ts(t2.updated_at)},
        ]

    def test_active_filter_and_fields(self, client: TestClient, db: Session) -> None:
        admin, _member, p, (t1, t2, t3) = self.arrange(db)
        url = f"{URL}/{p.id}/tasks"
        r = client.get(url + "?active=false&fields=done_seconds,uname", headers=token_auth(admin))
        assert r.json() == [{"id": t3.id, "name": "Done", "wid": p.workspace_id, "pid": p.id, "active": False,
                             "estimated_seconds": 0, "tracked_seconds": 1200, "done_seconds": 1200,
                             "at": ts(t3.updated_at)}]
        r = client.get(url + "?active=both&fields=uname", headers=token_auth(admin))
        rows = r.json()
        assert [t["id"] for t in rows] == [t1.id, t2.id, t3.id]
        assert [t.get("uname") for t in rows] == ["Jonas Weber", None, None]
        assert "done_seconds" not in rows[0]
        assert client.get(url + "?active=TRUE", headers=token_auth(admin)).json()[1]["id"] == t2.id
        r = client.get(url + "?active=sometimes", headers=token_auth(admin))
        assert (r.status_code, r.json()) == (400, ["Invalid active"])

    def test_non_premium_workspace_lists_nothing(self, client: TestClient, db: Session) -> None:
        admin, _, p, _ = self.arrange(db, premium=False)
        assert client.get(f"{URL}/{p.id}/tasks?active=both", headers=token_auth(admin)).json() == []

    def test_invisible_project_is_not_found(self, client: TestClient, db: Session) -> None:
        admin, member, outsider, ws = team(db)
        private = make_project(db, workspace_id=ws.id, name="Secret", is_private=True)
        make_task(db, project=private, name="T")
        r = client.get(f"{URL}/{private.id}/tasks", headers=token_auth(member))
        assert (r.status_code, r.json()) == (404, ["Project not found"])
        r = client.get(f"{URL}/{private.id}/tasks", headers=token_auth(outsider))
        assert (r.status_code, r.json()) == (404, ["Project not found"])
        assert [t["name"] for t in client.get(f"{URL}/{private.id}/tasks", headers=token_auth(admin)).json()] == ["T"]
