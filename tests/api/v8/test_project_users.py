"""Project users (30-clients-projects-tags-tasks §3; 20-workspaces §5; O-18, O-21, O-23, O-27)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import ProjectMember, TimeEntry
from tests.factories import (
    add_member,
    add_project_user,
    count_queries,
    make_entry,
    make_project,
    make_team,
    make_user,
    token_auth,
)

URL = "/api/v8/project_users"


def ts(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="seconds")


arrange = make_team


def links(db: Session) -> list[tuple[int, int, bool, Decimal | None]]:
    """(project, user, manager, rate) of every stored project user, by id."""
    db.expire_all()
    rows = db.scalars(select(ProjectMember).order_by(ProjectMember.id))
    return [(m.project_id, m.user_id, m.manager, m.rate) for m in rows]


def stored(db: Session, pm_id: int) -> ProjectMember:
    db.expire_all()
    pm = db.get(ProjectMember, pm_id)
    assert pm is not None
    return pm



class TestCreateProjectUser:
    def test_documented_example_with_fullname(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        r = client.post(URL, headers=token_auth(t.admin), json={"project_user": {
            "pid": t.project.id, "uid": t.member.id, "manager": False, "rate": 65.0, "fields": "fullname"}})
        assert r.status_code == 200
        pm = db.scalars(select(ProjectMember).where(ProjectMember.user_id == t.member.id)).one()
        assert r.json() == {"data": {"id": pm.id, "pid": t.project.id, "uid": t.member.id, "wid": t.ws.id,
                                     "manager": False, "rate": 65, "fullname": "Lena Berg", "at": ts(pm.updated_at)}}
        assert pm.rate == Decimal("65.00")

    def test_defaults_without_fields_and_string_uid(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        r = client.post(URL, headers=token_auth(t.admin),
                        json={"project_user": {"pid": str(t.project.id), "uid": f" {t.member.id} "}})
        pm = stored(db, r.json()["data"]["id"])
        assert r.json() == {"data": {"id": pm.id, "pid": t.project.id, "uid": t.member.id, "wid": t.ws.id,
                                     "manager": False, "at": ts(pm.updated_at)}}
        assert links(db)[-1] == (t.project.id, t.member.id, False, None)

    def test_rate_rounded_half_up_to_cents_and_manager_flag(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        r = client.post(URL, headers=token_auth(t.admin),
                        json={"project_user": {"pid": t.project.id, "uid": t.member.id, "rate": 12.345,
                                               "manager": True}})
        assert (r.json()["data"]["rate"], r.json()["data"]["manager"]) == (12.35, True)
        assert links(db)[-1] == (t.project.id, t.member.id, True, Decimal("12.35"))

    def test_wid_in_body_is_ignored(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        r = client.post(URL, headers=token_auth(t.admin), json={"project_user": {
            "pid": t.project.id, "uid": t.member.id, "wid": t.outsider.default_workspace_id}})
        assert r.json()["data"]["wid"] == t.ws.id

    def test_manager_of_project_may_add(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        r = client.post(URL, headers=token_auth(t.manager),
                        json={"project_user": {"pid": t.project.id, "uid": t.member.id}})
        assert (r.status_code, r.json()["data"]["uid"]) == (200, t.member.id)

    def test_member_is_forbidden_and_outsider_sees_no_project(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        body = {"project_user": {"pid": t.project.id, "uid": t.member.id}}
        r = client.post(URL, headers=token_auth(t.member), json=body)
        assert (r.status_code, r.json()) == (403, ["Only workspace admins and project managers can do this"])
        r = client.post(URL, headers=token_auth(t.outsider), json=body)
        assert (r.status_code, r.json()) == (404, ["Project not found"])
        assert len(links(db)) == 1

    def test_private_project_invisible_to_non_member_is_not_found(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        secret = make_project(db, workspace_id=t.ws.id, name="Secret", is_private=True, manager=t.admin)
        r = client.post(URL, headers=token_auth(t.member),
                        json={"project_user": {"pid": secret.id, "uid": t.member.id}})
        assert (r.status_code, r.json()) == (404, ["Project not found"])

    def test_unknown_and_foreign_project(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        foreign = make_project(db, workspace_id=t.outsider.default_workspace_id, name="Theirs")
        for pid in (foreign.id, 999_999):
            r = client.post(URL, headers=token_auth(t.admin), json={"project_user": {"pid": pid, "uid": t.member.id}})
            assert (r.status_code, r.json()) == (404, ["Project not found"])
        assert len(links(db)) == 1

    def test_user_must_be_linked_to_the_workspace(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        for uid in (t.outsider.id, 999_999):
            r = client.post(URL, headers=token_auth(t.admin), json={"project_user": {"pid": t.project.id, "uid": uid}})
            assert (r.status_code, r.json()) == (404, ["User is not a member of this workspace"])
        assert len(links(db)) == 1

    def test_invited_user_may_be_added(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        invitee = make_user(db)
        add_member(db, t.ws, invitee, active=False)
        r = client.post(URL, headers=token_auth(t.admin),
                        json={"project_user": {"pid": t.project.id, "uid": invitee.id}})
        assert (r.status_code, r.json()["data"]["uid"]) == (200, invitee.id)

    def test_duplicate_is_refused(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        r = client.post(URL, headers=token_auth(t.admin),
                        json={"project_user": {"pid": t.project.id, "uid": t.manager.id}})
        assert (r.status_code, r.json()) == (404, ["User has already been added to this project"])
        assert len(links(db)) == 1

    def test_missing_project_and_user(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        h = token_auth(t.admin)
        r = client.post(URL, headers=h, json={"project_user": {}})
        assert (r.status_code, r.json()) == (404, ["Project can't be blank", "User can't be blank"])
        r = client.post(URL, headers=h, json={"project_user": {"pid": t.project.id, "uid": ""}})
        assert (r.status_code, r.json()) == (404, ["User can't be blank"])
        r = client.post(URL, headers=h, json={"project_user": {"pid": None, "uid": t.member.id}})
        assert (r.status_code, r.json()) == (404, ["Project can't be blank"])

    def test_wrapper_json_and_types(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        h = token_auth(t.admin)
        r = client.post(URL, headers=h, json={"pid": t.project.id, "uid": t.member.id})
        assert (r.status_code, r.json()) == (404, ["project_user can't be blank"])
        r = client.post(URL, headers=h, content=b"")
        assert (r.status_code, r.json()) == (404, ["project_user can't be blank"])
        r = client.post(URL, headers=h, content=b'{"project_user": {')
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        cases: list[tuple[dict[str, Any], list[str]]] = [
            ({"uid": "abc"}, ["Invalid uid"]),
            ({"uid": True}, ["Invalid uid"]),
            ({"uid": [t.member.id]}, ["Invalid uid"]),
            ({"uid": 0}, ["Invalid uid"]),
            ({"uid": f"{t.member.id},x"}, ["Invalid uid"]),
            ({"uid": f"{t.member.id},"}, ["Invalid uid"]),
            ({"uid": 1.5}, ["Invalid uid"]),
            ({"pid": "abc"}, ["Invalid pid"]),
            ({"pid": 2**70}, ["Invalid pid"]),
            ({"manager": "yes"}, ["Invalid manager"]),
            ({"rate": "abc"}, ["Invalid rate"]),
            ({"rate": -1}, ["Rate can't be negative"]),
        ]
        for override, expected in cases:
            body = {"pid": t.project.id, "uid": t.member.id, **override}
            r = client.post(URL, headers=h, json={"project_user": body})
            assert (r.status_code, r.json()) == (404, expected), override
        assert len(links(db)) == 1

    def test_non_premium_workspace_keeps_no_rate(self, client: TestClient, db: Session) -> None:
        t = arrange(db, premium=False)
        r = client.post(URL, headers=token_auth(t.admin),
                        json={"project_user": {"pid": t.project.id, "uid": t.member.id, "rate": 65}})
        assert r.status_code == 200
        assert "rate" not in r.json()["data"]
        assert links(db)[-1] == (t.project.id, t.member.id, False, None)

    def test_rate_hidden_from_non_admin_manager_but_stored(self, client: TestClient, db: Session) -> None:
        t = arrange(db, only_admins_see_billable_rates=True)
        r = client.post(URL, headers=token_auth(t.manager),
                        json={"project_user": {"pid": t.project.id, "uid": t.member.id, "rate": 40}})
        assert r.status_code == 200
        assert "rate" not in r.json()["data"]
        assert links(db)[-1] == (t.project.id, t.member.id, False, Decimal("40.00"))


class TestMassCreateProjectUsers:
    def test_data_array_in_given_order(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        r = client.post(URL, headers=token_auth(t.admin), json={"project_user": {
            "pid": t.project.id, "uid": f"{t.member.id},{t.admin.id}", "manager": False, "fields": "fullname"}})
        assert r.status_code == 200
        data = r.json()["data"]
        first, second = stored(db, data[0]["id"]), stored(db, data[1]["id"])
        assert data == [
            {"id": first.id, "pid": t.project.id, "uid": t.member.id, "wid": t.ws.id, "manager": False,
             "fullname": "Lena Berg", "at": ts(first.updated_at)},
            {"id": second.id, "pid": t.project.id, "uid": t.admin.id, "wid": t.ws.id, "manager": False,
             "fullname": "Mara Quint", "at": ts(second.updated_at)},
        ]

    def test_duplicates_collapse_and_a_list_stays_a_list(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        r = client.post(URL, headers=token_auth(t.admin),
                        json={"project_user": {"pid": t.project.id, "uid": f"{t.member.id},{t.member.id}",
                                               "rate": 10}})
        assert [(row["uid"], row["rate"]) for row in r.json()["data"]] == [(t.member.id, 10)]
        assert len(links(db)) == 2

    def test_all_or_nothing_names_the_user(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        h = token_auth(t.admin)
        r = client.post(URL, headers=h,
                        json={"project_user": {"pid": t.project.id, "uid": f"{t.member.id},{t.outsider.id}"}})
        assert (r.status_code, r.json()) == (404, [f"User {t.outsider.id} is not a member of this workspace"])
        r = client.post(URL, headers=h,
                        json={"project_user": {"pid": t.project.id, "uid": f"{t.member.id},{t.manager.id}"}})
        assert (r.status_code, r.json()) == (404, [f"User {t.manager.id} has already been added to this project"])
        assert len(links(db)) == 1

    def test_member_forbidden_and_too_many_ids(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        r = client.post(URL, headers=token_auth(t.member),
                        json={"project_user": {"pid": t.project.id, "uid": f"{t.member.id},{t.admin.id}"}})
        assert (r.status_code, r.json()) == (403, ["Only workspace admins and project managers can do this"])
        many = ",".join(str(i) for i in range(1, 1002))
        r = client.post(URL, headers=token_auth(t.admin), json={"project_user": {"pid": t.project.id, "uid": many}})
        assert (r.status_code, r.json()) == (400, ["Too many ids (maximum 1000)"])
        assert len(links(db)) == 1


class TestUpdateProjectUsers:
    def test_admin_changes_manager_and_rate_with_fullname(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        pm = add_project_user(db, t.project, t.member)
        r = client.put(f"{URL}/{pm.id}", headers=token_auth(t.admin), json={"project_user": {
            "manager": True, "rate": 70, "fields": "fullname", "pid": 999, "uid": t.admin.id,
            "wid": t.outsider.default_workspace_id}})
        assert r.status_code == 200
        now = stored(db, pm.id)
        assert r.json() == {"data": {"id": pm.id, "pid": t.project.id, "uid": t.member.id, "wid": t.ws.id,
                                     "manager": True, "rate": 70, "fullname": "Lena Berg", "at": ts(now.updated_at)}}
        assert links(db)[-1] == (t.project.id, t.member.id, True, Decimal("70.00"))

    def test_null_rate_clears_null_manager_is_ignored(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        pm = add_project_user(db, t.project, t.member, manager=True, rate=Decimal("30"))
        r = client.put(f"{URL}/{pm.id}", headers=token_auth(t.manager),
                       json={"project_user": {"manager": None, "rate": None}})
        assert (r.status_code, r.json()["data"]["manager"], "rate" in r.json()["data"]) == (200, True, False)
        assert links(db)[-1] == (t.project.id, t.member.id, True, None)

    def test_rate_rounded_and_negative_refused(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        pm = add_project_user(db, t.project, t.member, rate=Decimal("5"))
        r = client.put(f"{URL}/{pm.id}", headers=token_auth(t.admin), json={"project_user": {"rate": 0.125}})
        assert r.json()["data"]["rate"] == 0.13
        r = client.put(f"{URL}/{pm.id}", headers=token_auth(t.admin), json={"project_user": {"rate": -0.5}})
        assert (r.status_code, r.json()) == (404, ["Rate can't be negative"])
        assert links(db)[-1][3] == Decimal("0.13")

    def test_mass_update_in_path_order(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        pm = add_project_user(db, t.project, t.member)
        r = client.put(f"{URL}/{pm.id},{t.manager_link.id},{pm.id}", headers=token_auth(t.admin),
                       json={"project_user": {"rate": 20}})
        assert r.status_code == 200
        a, b = stored(db, pm.id), stored(db, t.manager_link.id)
        assert r.json() == {"data": [
            {"id": a.id, "pid": t.project.id, "uid": t.member.id, "wid": t.ws.id, "manager": False, "rate": 20,
             "at": ts(a.updated_at)},
            {"id": b.id, "pid": t.project.id, "uid": t.manager.id, "wid": t.ws.id, "manager": True, "rate": 20,
             "at": ts(b.updated_at)},
        ]}

    def test_single_id_with_comma_is_a_list(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        r = client.put(f"{URL}/{t.manager_link.id},", headers=token_auth(t.admin),
                       json={"project_user": {"manager": False}})
        assert (r.status_code, r.json()) == (400, ["Invalid id"])

    def test_mass_update_all_or_nothing(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        pm = add_project_user(db, t.project, t.member)
        other_project = make_project(db, workspace_id=t.ws.id, name="Other")
        unmanaged = add_project_user(db, other_project, t.member)
        foreign = add_project_user(db, make_project(db, workspace_id=t.outsider.default_workspace_id),
                                   t.outsider)
        before = links(db)
        h = token_auth(t.manager)
        r = client.put(f"{URL}/{pm.id},999999", headers=h, json={"project_user": {"manager": True}})
        assert (r.status_code, r.json()) == (404, ["Project user 999999 not found"])
        r = client.put(f"{URL}/{pm.id},{foreign.id}", headers=h, json={"project_user": {"manager": True}})
        assert (r.status_code, r.json()) == (404, [f"Project user {foreign.id} not found"])
        r = client.put(f"{URL}/{pm.id},{unmanaged.id}", headers=h, json={"project_user": {"manager": True}})
        assert (r.status_code, r.json()) == (
            403, [f"Only workspace admins and project managers can change project user {unmanaged.id}"])
        assert links(db) == before

    def test_permissions_single(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        body = {"project_user": {"manager": False}}
        r = client.put(f"{URL}/{t.manager_link.id}", headers=token_auth(t.member), json=body)
        assert (r.status_code, r.json()) == (403, ["Only workspace admins and project managers can do this"])
        r = client.put(f"{URL}/{t.manager_link.id}", headers=token_auth(t.outsider), json=body)
        assert (r.status_code, r.json()) == (404, ["Project user not found"])
        r = client.put(f"{URL}/999999", headers=token_auth(t.admin), json=body)
        assert (r.status_code, r.json()) == (404, ["Project user not found"])
        assert links(db)[0][2] is True

    def test_link_on_invisible_private_project_is_not_found(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        secret = make_project(db, workspace_id=t.ws.id, name="Secret", is_private=True, manager=t.admin)
        link = db.scalars(select(ProjectMember).where(ProjectMember.project_id == secret.id)).one()
        r = client.put(f"{URL}/{link.id}", headers=token_auth(t.member), json={"project_user": {"rate": 1}})
        assert (r.status_code, r.json()) == (404, ["Project user not found"])

    def test_non_premium_keeps_rate_and_hidden_rates(self, client: TestClient, db: Session) -> None:
        t = arrange(db, premium=False)
        r = client.put(f"{URL}/{t.manager_link.id}", headers=token_auth(t.admin), json={"project_user": {"rate": 9}})
        assert (r.status_code, "rate" in r.json()["data"]) == (200, False)
        assert links(db)[0][3] is None
        t2 = arrange(db, only_admins_see_billable_rates=True)
        r = client.put(f"{URL}/{t2.manager_link.id}", headers=token_auth(t2.manager),
                       json={"project_user": {"rate": 9}})
        assert (r.status_code, "rate" in r.json()["data"]) == (200, False)
        r = client.put(f"{URL}/{t2.manager_link.id}", headers=token_auth(t2.admin),
                       json={"project_user": {"manager": True}})
        assert r.json()["data"]["rate"] == 9

    def test_bad_input_changes_nothing(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        h = token_auth(t.admin)
        url = f"{URL}/{t.manager_link.id}"
        r = client.put(url, headers=h, content=b"{not json")
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        r = client.put(url, headers=h, json={"manager": False})
        assert (r.status_code, r.json()) == (404, ["project_user can't be blank"])
        r = client.put(url, headers=h, json={"project_user": {"manager": "no"}})
        assert (r.status_code, r.json()) == (404, ["Invalid manager"])
        r = client.put(url, headers=h, json={"project_user": {"rate": [1]}})
        assert (r.status_code, r.json()) == (404, ["Invalid rate"])
        for segment in ("abc", "0", "99999999999999999999", f"{t.manager_link.id},x"):
            r = client.put(f"{URL}/{segment}", headers=h, json={"project_user": {"manager": False}})
            assert (r.status_code, r.json()) == (400, ["Invalid id"]), segment
        r = client.put(f"{URL}/" + ",".join(str(i) for i in range(1, 1002)), headers=h,
                       json={"project_user": {"manager": False}})
        assert (r.status_code, r.json()) == (400, ["Too many ids (maximum 1000)"])
        assert links(db) == [(t.project.id, t.manager.id, True, None)]

    def test_no_get_on_a_single_project_user(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        r = client.get(f"{URL}/{t.manager_link.id}", headers=token_auth(t.admin))
        assert (r.status_code, r.json()) == (405, ["Method not allowed"])


class TestDeleteProjectUsers:
    def test_single_delete_keeps_time_entries(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        pm_id = add_project_user(db, t.project, t.member).id
        entry = make_entry(db, user=t.member, start="2023-10-02T07:00:00Z", workspace_id=t.ws.id,
                           project_id=t.project.id)
        r = client.delete(f"{URL}/{pm_id}", headers=token_auth(t.manager))
        assert (r.status_code, r.json()) == (200, [pm_id])
        assert links(db) == [(t.project.id, t.manager.id, True, None)]
        kept = db.get(TimeEntry, entry.id)
        assert kept is not None and (kept.project_id, kept.deleted_at) == (t.project.id, None)
        r = client.delete(f"{URL}/{pm_id}", headers=token_auth(t.manager))
        assert (r.status_code, r.json()) == (404, ["Project user not found"])

    def test_mass_delete_in_path_order(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        pm_id, link_id = add_project_user(db, t.project, t.member).id, t.manager_link.id
        r = client.delete(f"{URL}/{pm_id},{link_id},{pm_id}", headers=token_auth(t.admin))
        assert (r.status_code, r.json()) == (200, [pm_id, link_id])
        assert links(db) == []

    def test_mass_delete_all_or_nothing(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        pm = add_project_user(db, t.project, t.member)
        unmanaged = add_project_user(db, make_project(db, workspace_id=t.ws.id, name="Other"), t.member)
        foreign = add_project_user(db, make_project(db, workspace_id=t.outsider.default_workspace_id),
                                   t.outsider)
        before = links(db)
        h = token_auth(t.manager)
        r = client.delete(f"{URL}/{pm.id},{foreign.id}", headers=h)
        assert (r.status_code, r.json()) == (404, [f"Project user {foreign.id} not found"])
        r = client.delete(f"{URL}/{pm.id},{unmanaged.id}", headers=h)
        assert (r.status_code, r.json()) == (
            403, [f"Only workspace admins and project managers can change project user {unmanaged.id}"])
        assert links(db) == before

    def test_permissions_and_bad_ids(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        url = f"{URL}/{t.manager_link.id}"
        r = client.delete(url, headers=token_auth(t.member))
        assert (r.status_code, r.json()) == (403, ["Only workspace admins and project managers can do this"])
        r = client.delete(url, headers=token_auth(t.outsider))
        assert (r.status_code, r.json()) == (404, ["Project user not found"])
        for segment in ("x", "-1", "99999999999999999999", ","):
            r = client.delete(f"{URL}/{segment}", headers=token_auth(t.admin))
            assert (r.status_code, r.json()) == (400, ["Invalid id"]), segment
        assert len(links(db)) == 1


class TestWorkspaceProjectUsers:
    def test_admin_sees_all_member_sees_visible_projects_only(self, client: TestClient, db: Session) -> None:
        t = arrange(db, only_admins_see_billable_rates=True)
        secret = make_project(db, workspace_id=t.ws.id, name="Secret", is_private=True, manager=t.admin)
        secret_link = db.scalars(select(ProjectMember).where(ProjectMember.project_id == secret.id)).one()
        rated = add_project_user(db, t.project, t.member, rate=Decimal("65"))
        add_project_user(db, make_project(db, workspace_id=t.outsider.default_workspace_id), t.outsider)
        url = f"/api/v8/workspaces/{t.ws.id}/project_users"
        db.expire_all()
        m, s, r_ = (db.get(ProjectMember, i) for i in (t.manager_link.id, secret_link.id, rated.id))
        assert m is not None and s is not None and r_ is not None
        r = client.get(url + "?fields=fullname", headers=token_auth(t.admin))
        assert r.json() == [
            {"id": m.id, "pid": t.project.id, "uid": t.manager.id, "wid": t.ws.id, "manager": True,
             "at": ts(m.updated_at)},
            {"id": s.id, "pid": secret.id, "uid": t.admin.id, "wid": t.ws.id, "manager": True,
             "at": ts(s.updated_at)},
            {"id": r_.id, "pid": t.project.id, "uid": t.member.id, "wid": t.ws.id, "manager": False, "rate": 65,
             "at": ts(r_.updated_at)},
        ]
        r = client.get(url, headers=token_auth(t.member))
        assert r.json() == [
            {"id": m.id, "pid": t.project.id, "uid": t.manager.id, "wid": t.ws.id, "manager": True,
             "at": ts(m.updated_at)},
            {"id": r_.id, "pid": t.project.id, "uid": t.member.id, "wid": t.ws.id, "manager": False,
             "at": ts(r_.updated_at)},
        ]

    def test_private_project_member_sees_its_links(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        secret = make_project(db, workspace_id=t.ws.id, name="Secret", is_private=True)
        link = add_project_user(db, secret, t.member)
        r = client.get(f"/api/v8/workspaces/{t.ws.id}/project_users", headers=token_auth(t.member))
        assert [row["id"] for row in r.json()] == [t.manager_link.id, link.id]

    def test_empty_list_outsiders_invitees_and_bad_ids(self, client: TestClient, db: Session) -> None:
        t = arrange(db)
        invitee = make_user(db)
        add_member(db, t.ws, invitee, active=False)
        own = t.outsider.default_workspace_id
        assert client.get(f"/api/v8/workspaces/{own}/project_users", headers=token_auth(t.outsider)).json() == []
        for who in (t.outsider, invitee):
            r = client.get(f"/api/v8/workspaces/{t.ws.id}/project_users", headers=token_auth(who))
            assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        r = client.get("/api/v8/workspaces/999999/project_users", headers=token_auth(t.admin))
        assert (r.status_code, r.json()) == (404, ["Workspace not found"])
        r = client.get(f"/api/v8/workspaces/{t.ws.id},{own}/project_users", headers=token_auth(t.admin))
        assert r.status_code == 400
        r = client.get("/api/v8/workspaces/99999999999999999999/project_users", headers=token_auth(t.admin))
        assert (r.status_code, r.json()) == (400, ["Invalid id"])

    def test_query_count_does_not_grow_with_rows(self, client: TestClient, db: Session, app: Any) -> None:
        t = arrange(db)
        url = f"/api/v8/workspaces/{t.ws.id}/project_users"
        counts = []
        for i in range(2):
            with count_queries(app) as n:
                r = client.get(url, headers=token_auth(t.member))
            counts.append((len(r.json()), n[0]))
            for j in range(8):
                add_project_user(db, make_project(db, workspace_id=t.ws.id, name=f"P{i}-{j}"), t.member)
        assert [rows for rows, _ in counts] == [1, 9]
        assert counts[0][1] == counts[1][1]
