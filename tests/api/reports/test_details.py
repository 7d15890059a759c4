"""Detailed report ``GET /reports/api/v2/details`` (50-reports §5, §7; money §4; order §3.6; rounding §3.7)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from sqlalchemy.orm import Session

from punchclock.models import TimeEntry, User, Workspace
from tests.api.reports.conftest import Example, get_report
from tests.factories import (
    add_invitation,
    add_member,
    add_project_user,
    make_entry,
    make_project,
    make_tag,
    make_user,
    make_workspace,
)

WEEK = {"since": "2023-10-02", "until": "2023-10-08"}
EMPTY = {"total_grand": None, "total_billable": None, "total_currencies": [{"currency": None, "amount": None}],
         "total_count": 0, "per_page": 50, "data": []}
TIP = "Change your request and try again. See the punchclock API documentation."


def details(client: TestClient, user: User, ws: Workspace | int, **params: Any) -> dict[str, Any]:
    """The JSON of a successful detailed report (asserts 200)."""
    wid = ws if isinstance(ws, int) else ws.id
    r = get_report(client, "details", user, workspace_id=wid, **params)
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def ids(body: dict[str, Any]) -> list[int]:
    return [row["id"] for row in body["data"]]


def bad(client: TestClient, user: User, ws: Workspace, message: str, **params: Any) -> None:
    r = get_report(client, "details", user, workspace_id=ws.id, **params)
    assert (r.status_code, r.json()) == (400, {"error": {"message": message, "tip": TIP, "code": 400}})


def set_updated(db: Session, entry: TimeEntry, when: str) -> None:
    db.execute(update(TimeEntry).where(TimeEntry.id == entry.id)
               .values(updated_at=datetime.fromisoformat(when.replace("Z", "+00:00"))))
    db.commit()


class TestContractExample:
    def test_section_7_3_exactly(self, client: TestClient, db: Session, example: Example) -> None:
        set_updated(db, example.timetable, "2023-10-04T08:30:04Z")
        set_updated(db, example.wireframes, "2023-10-03T15:30:02Z")
        set_updated(db, example.homepage, "2023-10-02T08:30:05Z")
        body = details(client, example.mara, example.ws, billable="yes", **WEEK)
        ferry, spring, task = example.ferry.id, example.spring.id, example.wireframes_task.id
        mara, jonas = example.mara.id, example.jonas.id
        assert body == {
            "total_grand": 19800000,
            "total_billable": 19800000,
            "total_count": 3,
            "per_page": 50,
            "total_currencies": [{"currency": "EUR", "amount": 395.0}],
            "data": [
                {"id": example.timetable.id, "pid": ferry, "tid": None, "uid": jonas,
                 "description": "Timetable import",
                 "start": "2023-10-04T09:00:00+02:00", "end": "2023-10-04T10:30:00+02:00",
                 "updated": "2023-10-04T10:30:04+02:00", "dur": 5400000, "user": "Jonas Weber",
                 "use_stop": True, "client": "Harbour Ferries", "project": "Ferry timetable app",
                 "project_color": "6", "project_hex_color": "#14a88e", "task": None,
                 "billable": 120.0, "is_billable": True, "cur": "EUR", "tags": []},
                {"id": example.wireframes.id, "pid": ferry, "tid": task, "uid": mara,
                 "description": "Wireframes for booking flow",
                 "start": "2023-10-03T13:00:00+00:00", "end": "2023-10-03T15:30:00+00:00",
                 "updated": "2023-10-03T15:30:02+00:00", "dur": 9000000, "user": "Mara Quint",
                 "use_stop": True, "client": "Harbour Ferries", "project": "Ferry timetable app",
                 "project_color": "6", "project_hex_color": "#14a88e", "task": "Wireframes",
                 "billable": 200.0, "is_billable": True, "cur": "EUR", "tags": ["on-site", "phase-1"]},
                {"id": example.homepage.id, "pid": spring, "tid": None, "uid": mara,
                 "description": "Homepage layout",
                 "start": "2023-10-02T07:00:00+00:00", "end": "2023-10-02T08:30:00+00:00",
                 "updated": "2023-10-02T08:30:05+00:00", "dur": 5400000, "user": "Mara Quint",
                 "use_stop": True, "client": "Northwind Bakery", "project": "Spring menu site",
                 "project_color": "7", "project_hex_color": "#268bb5", "task": None,
                 "billable": 75.0, "is_billable": True, "cur": "EUR", "tags": []},
            ],
        }

    def test_rows_keep_the_owner_zone_whoever_asks(self, client: TestClient, db: Session, example: Example) -> None:
        """Jonas (Berlin) asks: Mara's rows still read +00:00, his own +02:00 (O-2)."""
        body = details(client, example.jonas, example.ws, **WEEK)
        assert [(r["id"], r["start"], r["end"]) for r in body["data"]] == [
            (example.no_project.id, "2023-10-05T12:00:00+02:00", "2023-10-05T14:00:00+02:00"),
            (example.timetable.id, "2023-10-04T09:00:00+02:00", "2023-10-04T10:30:00+02:00"),
            (example.wireframes.id, "2023-10-03T13:00:00+00:00", "2023-10-03T15:30:00+00:00"),
            (example.homepage.id, "2023-10-02T07:00:00+00:00", "2023-10-02T08:30:00+00:00"),
        ]

    def test_non_billable_row_without_project(self, client: TestClient, db: Session, example: Example) -> None:
        set_updated(db, example.no_project, "2023-10-05T12:00:01Z")
        body = details(client, example.mara, example.ws, billable="no", **WEEK)
        assert body == {
            "total_grand": 7200000, "total_billable": None, "total_count": 1, "per_page": 50,
            "total_currencies": [{"currency": None, "amount": None}],
            "data": [{"id": example.no_project.id, "pid": None, "tid": None, "uid": example.jonas.id,
                      "description": "Team meeting",
                      "start": "2023-10-05T12:00:00+02:00", "end": "2023-10-05T14:00:00+02:00",
                      "updated": "2023-10-05T14:00:01+02:00", "dur": 7200000, "user": "Jonas Weber",
                      "use_stop": True, "client": None, "project": None, "project_color": None,
                      "project_hex_color": None, "task": None, "billable": None, "is_billable": False,
                      "cur": None, "tags": []}],
        }

    def test_whole_week_totals(self, client: TestClient, example: Example) -> None:
        body = details(client, example.mara, example.ws, **WEEK)
        assert (body["total_grand"], body["total_billable"], body["total_count"], body["total_currencies"]) == (
            27000000, 19800000, 4, [{"currency": "EUR", "amount": 395.0}])
        assert ids(body) == [example.no_project.id, example.timetable.id, example.wireframes.id, example.homepage.id]

    def test_empty_result(self, client: TestClient, example: Example) -> None:
        assert details(client, example.mara, example.ws, since="2022-01-03", until="2022-01-09") == EMPTY


class TestRowFields:
    def test_use_stop_follows_the_owner_setting(self, client: TestClient, db: Session, example: Example) -> None:
        example.jonas.store_start_and_stop_time = False
        db.commit()
        body = details(client, example.mara, example.ws, **WEEK)
        assert [(r["uid"], r["use_stop"]) for r in body["data"]] == [
            (example.jonas.id, False), (example.jonas.id, False), (example.mara.id, True), (example.mara.id, True)]

    def test_tags_sorted_case_insensitively(self, client: TestClient, db: Session, example: Example) -> None:
        tags = [make_tag(db, workspace_id=example.ws.id, name=n) for n in ("beta", "Gamma", "Alpha")]
        e = make_entry(db, user=example.mara, workspace_id=example.ws.id, start="2023-10-06T09:00:00Z",
                       seconds=60, tags=tags)
        body = details(client, example.mara, example.ws, time_entry_ids=e.id, **WEEK)
        assert body["data"][0]["tags"] == ["Alpha", "beta", "Gamma"]

    def test_project_without_client_and_colour(self, client: TestClient, db: Session, example: Example) -> None:
        internal = make_project(db, workspace_id=example.ws.id, name="Internal", color=14)
        e = make_entry(db, user=example.mara, workspace_id=example.ws.id, start="2023-10-06T09:00:00Z",
                       seconds=60, project_id=internal.id)
        row = details(client, example.mara, example.ws, time_entry_ids=e.id, **WEEK)["data"][0]
        assert {k: row[k] for k in ("pid", "project", "client", "project_color", "project_hex_color",
                                    "description", "billable", "cur")} == {
            "pid": internal.id, "project": "Internal", "client": None, "project_color": "14",
            "project_hex_color": "#999999", "description": "", "billable": None, "cur": None}

    def test_updated_is_rendered_in_the_owner_zone(self, client: TestClient, db: Session, example: Example) -> None:
        set_updated(db, example.timetable, "2023-12-24T23:30:00Z")  # winter: Berlin is +01:00
        row = details(client, example.mara, example.ws, time_entry_ids=example.timetable.id, **WEEK)["data"][0]
        assert row["updated"] == "2023-12-25T00:30:00+01:00"

    def test_winter_rows_carry_the_winter_offset(self, client: TestClient, db: Session, example: Example) -> None:
        e = make_entry(db, user=example.jonas, workspace_id=example.ws.id, start="2023-12-04T08:00:00Z",
                       seconds=3600)
        body = details(client, example.mara, example.ws, since="2023-12-04", until="2023-12-04")
        assert [(r["id"], r["start"], r["end"]) for r in body["data"]] == [
            (e.id, "2023-12-04T09:00:00+01:00", "2023-12-04T10:00:00+01:00")]


class TestWhichEntries:
    def test_running_and_deleted_entries_are_left_out(self, client: TestClient, db: Session,
                                                      example: Example) -> None:
        make_entry(db, user=example.mara, workspace_id=example.ws.id, start="2023-10-06T09:00:00Z", seconds=None,
                   project_id=example.spring.id, billable=True)
        make_entry(db, user=example.jonas, workspace_id=example.ws.id, start="2023-10-06T09:00:00Z", seconds=600,
                   deleted_at=datetime(2023, 10, 6, 10, tzinfo=UTC))
        body = details(client, example.mara, example.ws, **WEEK)
        assert (body["total_count"], body["total_grand"]) == (4, 27000000)
        assert ids(body) == [example.no_project.id, example.timetable.id, example.wireframes.id, example.homepage.id]

    def test_entries_of_other_workspaces_are_left_out(self, client: TestClient, db: Session,
                                                      example: Example) -> None:
        make_entry(db, user=example.mara, start="2023-10-06T09:00:00Z", seconds=600)  # her personal workspace
        assert details(client, example.mara, example.ws, **WEEK)["total_count"] == 4

    def test_member_does_not_see_private_project_entries(self, client: TestClient, db: Session,
                                                         example: Example) -> None:
        secret = make_project(db, workspace_id=example.ws.id, name="Secret", is_private=True)
        e = make_entry(db, user=example.mara, workspace_id=example.ws.id, start="2023-10-06T09:00:00Z",
                       seconds=3600, project_id=secret.id, billable=True)
        member_view = details(client, example.jonas, example.ws, **WEEK)
        assert e.id not in ids(member_view)
        assert (member_view["total_count"], member_view["total_grand"]) == (4, 27000000)
        admin_view = details(client, example.mara, example.ws, **WEEK)
        assert ids(admin_view)[0] == e.id
        assert (admin_view["total_count"], admin_view["total_grand"]) == (5, 30600000)
        assert admin_view["total_currencies"] == [{"currency": "EUR", "amount": 475.0}]

    def test_project_user_sees_the_private_project(self, client: TestClient, db: Session, example: Example) -> None:
        secret = make_project(db, workspace_id=example.ws.id, name="Secret", is_private=True)
        e = make_entry(db, user=example.mara, workspace_id=example.ws.id, start="2023-10-06T09:00:00Z",
                       seconds=3600, project_id=secret.id)
        add_project_user(db, secret, example.jonas)
        assert ids(details(client, example.jonas, example.ws, **WEEK))[0] == e.id

    def test_own_entries_on_a_private_project_one_left(self, client: TestClient, db: Session,
                                                       example: Example) -> None:
        """O-58 read literally: the rule is about the project, so it hides the caller's own entries too."""
        secret = make_project(db, workspace_id=example.ws.id, name="Secret", is_private=True)
        link = add_project_user(db, secret, example.jonas)
        e = make_entry(db, user=example.jonas, workspace_id=example.ws.id, start="2023-10-06T09:00:00Z",
                       seconds=3600, project_id=secret.id)
        assert ids(details(client, example.jonas, example.ws, **WEEK))[0] == e.id
        db.delete(link)
        db.commit()
        assert e.id not in ids(details(client, example.jonas, example.ws, **WEEK))

    def test_non_admin_sees_every_member_entry(self, client: TestClient, db: Session, example: Example) -> None:
        body = details(client, example.jonas, example.ws, **WEEK)
        assert {r["uid"] for r in body["data"]} == {example.mara.id, example.jonas.id}

    def test_outsider_and_invited_user_get_403(self, client: TestClient, db: Session, example: Example) -> None:
        outsider = make_user(db)
        invited = make_user(db)
        add_invitation(db, example.ws, invited)
        for user in (outsider, invited):
            r = get_report(client, "details", user, workspace_id=example.ws.id, **WEEK)
            assert (r.status_code, r.json()) == (403, {"error": {
                "message": f"You are not a member of workspace {example.ws.id}",
                "tip": "Use the id of a workspace you belong to.", "code": 403}})

    def test_unknown_workspace_is_403(self, client: TestClient, example: Example) -> None:
        r = get_report(client, "details", example.mara, workspace_id=987654321, **WEEK)
        assert (r.status_code, r.json()["error"]["code"]) == (403, 403)


class TestMoney:
    def test_hidden_money(self, client: TestClient, db: Session, example: Example) -> None:
        """§4.4: billable null and cur "" on every row, the currency list keeps its length."""
        example.ws.only_admins_see_billable_rates = True
        db.commit()
        body = details(client, example.jonas, example.ws, **WEEK)
        assert [(r["billable"], r["cur"], r["is_billable"]) for r in body["data"]] == [
            (None, "", False), (None, "", True), (None, "", True), (None, "", True)]
        assert (body["total_grand"], body["total_billable"], body["total_currencies"]) == (
            27000000, 19800000, [{"currency": "", "amount": None}])

    def test_hidden_money_keeps_one_element_per_currency(self, client: TestClient, db: Session,
                                                         example: Example) -> None:
        example.ws.only_admins_see_billable_rates = True
        pounds = make_project(db, workspace_id=example.ws.id, name="UK", currency="GBP", rate=Decimal("10"))
        make_entry(db, user=example.jonas, workspace_id=example.ws.id, start="2023-10-06T09:00:00Z",
                   seconds=3600, project_id=pounds.id, billable=True)
        body = details(client, example.jonas, example.ws, **WEEK)
        assert body["total_currencies"] == [{"currency": "", "amount": None}, {"currency": "", "amount": None}]
        # the admin still sees the money
        assert details(client, example.mara, example.ws, **WEEK)["total_currencies"] == [
            {"currency": "EUR", "amount": 395.0}, {"currency": "GBP", "amount": 10.0}]

    def test_hidden_money_without_billable_entries(self, client: TestClient, db: Session,
                                                   example: Example) -> None:
        example.ws.only_admins_see_billable_rates = True
        db.commit()
        body = details(client, example.jonas, example.ws, billable="no", **WEEK)
        assert body["total_currencies"] == [{"currency": "", "amount": None}]
        assert body["data"][0]["cur"] == ""

    def test_setting_without_effect_for_admins_and_when_off(self, client: TestClient, db: Session,
                                                            example: Example) -> None:
        assert details(client, example.jonas, example.ws, **WEEK)["data"][1]["billable"] == 120.0
        example.ws.only_admins_see_billable_rates = True
        db.commit()
        assert details(client, example.mara, example.ws, **WEEK)["data"][1]["billable"] == 120.0

    def test_currencies_ordered_by_code_with_zero_amounts(self, client: TestClient, db: Session,
                                                          example: Example) -> None:
        """A billable entry at rate 0 still lists its currency with amount 0 (§4.3, §5)."""
        free = make_project(db, workspace_id=example.ws.id, name="Pro bono", currency="CHF", rate=Decimal("0"))
        pounds = make_project(db, workspace_id=example.ws.id, name="UK", currency="GBP", rate=Decimal("33.33"))
        e_free = make_entry(db, user=example.mara, workspace_id=example.ws.id, start="2023-10-06T09:00:00Z",
                            seconds=3600, project_id=free.id, billable=True)
        e_gbp = make_entry(db, user=example.mara, workspace_id=example.ws.id, start="2023-10-06T11:00:00Z",
                           seconds=5400, project_id=pounds.id, billable=True)
        make_entry(db, user=example.mara, workspace_id=example.ws.id, start="2023-10-06T13:00:00Z",
                   seconds=5400, project_id=pounds.id, billable=False)
        body = details(client, example.mara, example.ws, **WEEK)
        assert body["total_currencies"] == [{"currency": "CHF", "amount": 0}, {"currency": "EUR", "amount": 395.0},
                                            {"currency": "GBP", "amount": 50.0}]
        rows = {r["id"]: (r["billable"], r["cur"]) for r in body["data"]}
        assert rows[e_free.id] == (0, "CHF")
        assert rows[e_gbp.id] == (50.0, "GBP")  # 1.5 h x 33.33 = 49.995 -> 50.00 (half-up)
        assert (body["total_grand"], body["total_billable"]) == (27000000 + 14400000, 19800000 + 9000000)


class TestRounding:
    """§3.7: each entry's duration rounded with the workspace rule; start/end untouched (20- §1.1)."""

    @pytest.fixture
    def arranged(self, db: Session) -> tuple[User, Workspace, list[TimeEntry]]:
        owner = make_user(db, fullname="Rita Round")
        ws = make_workspace(db, admin=owner, default_currency="EUR", default_hourly_rate=Decimal("50"))
        entries = [
            make_entry(db, user=owner, workspace_id=ws.id, start=f"2023-10-0{2 + i}T10:00:00Z", seconds=s,
                       billable=True)
            for i, s in enumerate((8645, 8549, 8550))
        ]
        return owner, ws, entries

    @pytest.mark.parametrize(("direction", "minutes", "seconds", "amounts", "total"), [
        (1, 15, (9000, 9000, 9000), (125.0, 125.0, 125.0), 375.0),
        (-1, 15, (8100, 8100, 8100), (112.5, 112.5, 112.5), 337.5),
        (0, 15, (9000, 8100, 9000), (125.0, 112.5, 125.0), 362.5),  # 8550 = 9 x 900 + 450: half rounds up
        (1, 60, (10800, 10800, 10800), (150.0, 150.0, 150.0), 450.0),
        (0, 1, (8640, 8520, 8580), (120.0, 118.33, 119.17), 357.5),
        (1, 0, (8645, 8549, 8550), (120.07, 118.74, 118.75), 357.56),  # step 0: no rounding at all
    ])
    def test_rounding_on(self, client: TestClient, db: Session, arranged: tuple[User, Workspace, list[TimeEntry]],
                         direction: int, minutes: int, seconds: tuple[int, ...], amounts: tuple[float, ...],
                         total: float) -> None:
        owner, ws, _ = arranged
        ws.rounding, ws.rounding_minutes = direction, minutes
        db.commit()
        body = details(client, owner, ws, rounding="on", order_desc="off", **WEEK)
        assert [(r["dur"], r["billable"]) for r in body["data"]] == [
            (s * 1000, a) for s, a in zip(seconds, amounts, strict=True)]
        assert [(r["start"], r["end"]) for r in body["data"]] == [
            ("2023-10-02T10:00:00+00:00", "2023-10-02T12:24:05+00:00"),
            ("2023-10-03T10:00:00+00:00", "2023-10-03T12:22:29+00:00"),
            ("2023-10-04T10:00:00+00:00", "2023-10-04T12:22:30+00:00"),
        ]
        assert body["total_grand"] == body["total_billable"] == sum(seconds) * 1000
        assert body["total_currencies"] == [{"currency": "EUR", "amount": total}]

    @pytest.mark.parametrize("rounding", [None, "off"])
    def test_rounding_off_uses_stored_durations(self, client: TestClient, db: Session,
                                                arranged: tuple[User, Workspace, list[TimeEntry]],
                                                rounding: str | None) -> None:
        owner, ws, _ = arranged
        ws.rounding, ws.rounding_minutes = 1, 15
        db.commit()
        body = details(client, owner, ws, rounding=rounding, order_desc="off", **WEEK)
        assert [(r["dur"], r["billable"]) for r in body["data"]] == [
            (8645000, 120.07), (8549000, 118.74), (8550000, 118.75)]
        assert body["total_currencies"] == [{"currency": "EUR", "amount": 357.56}]
        assert body["total_grand"] == 25744000

    def test_rounding_value_is_checked(self, client: TestClient, arranged: tuple[User, Workspace, list[TimeEntry]]
                                       ) -> None:
        owner, ws, _ = arranged
        bad(client, owner, ws, "rounding has an invalid value", rounding="yes", **WEEK)


class TestOrder:
    """§3.6: date / description / duration / user, both directions, remaining ties by id ascending."""

    @pytest.fixture
    def arranged(self, db: Session) -> tuple[User, Workspace, list[TimeEntry]]:
        bruno = make_user(db, fullname="Bruno Acker")
        anna = make_user(db, fullname="anna Zeller")
        carla = make_user(db, fullname="Carla Berg")
        ws = make_workspace(db, admin=bruno)
        add_member(db, ws, anna)
        add_member(db, ws, carla)
        e1 = make_entry(db, user=bruno, workspace_id=ws.id, start="2023-10-02T09:00:00Z", seconds=3600,
                        description="beta")
        e2 = make_entry(db, user=anna, workspace_id=ws.id, start="2023-10-03T09:00:00Z", seconds=1800,
                        description="Alpha")
        e3 = make_entry(db, user=carla, workspace_id=ws.id, start="2023-10-02T09:00:00Z", seconds=3600,
                        description="Beta")
        e4 = make_entry(db, user=anna, workspace_id=ws.id, start="2023-10-04T09:00:00Z", seconds=600,
                        description="gamma")
        return bruno, ws, [e1, e2, e3, e4]

    @pytest.mark.parametrize(("field", "desc", "order"), [
        (None, None, [4, 2, 1, 3]),        # default: date, newest first (O-64)
        ("date", None, [4, 2, 1, 3]),
        ("date", "on", [4, 2, 1, 3]),
        ("date", "off", [1, 3, 2, 4]),
        (None, "off", [1, 3, 2, 4]),
        ("description", "off", [2, 1, 3, 4]),
        ("description", "on", [4, 1, 3, 2]),
        ("duration", "off", [4, 2, 1, 3]),
        ("duration", "on", [1, 3, 2, 4]),
        ("user", "off", [2, 4, 1, 3]),
        ("user", "on", [3, 1, 2, 4]),
    ])
    def test_order(self, client: TestClient, arranged: tuple[User, Workspace, list[TimeEntry]], field: str | None,
                   desc: str | None, order: list[int]) -> None:
        owner, ws, entries = arranged
        body = details(client, owner, ws, order_field=field, order_desc=desc, **WEEK)
        assert ids(body) == [entries[i - 1].id for i in order]

    def test_date_compares_instants_not_local_times(self, client: TestClient, db: Session,
                                                    example: Example) -> None:
        """Jonas's 10:30 (Berlin) started before Mara's 09:00 (UTC)."""
        berlin = make_entry(db, user=example.jonas, workspace_id=example.ws.id, start="2023-10-07T08:30:00Z",
                            seconds=60)
        utc = make_entry(db, user=example.mara, workspace_id=example.ws.id, start="2023-10-07T09:00:00Z",
                         seconds=60)
        body = details(client, example.mara, example.ws, since="2023-10-07", until="2023-10-07",
                       order_desc="off")
        assert [(r["id"], r["start"]) for r in body["data"]] == [
            (berlin.id, "2023-10-07T10:30:00+02:00"), (utc.id, "2023-10-07T09:00:00+00:00")]

    def test_order_by_non_ascii_names_folds_case(self, client: TestClient, db: Session) -> None:
        owner = make_user(db, fullname="Émile Zola")
        ws = make_workspace(db, admin=owner)
        e1 = make_entry(db, user=owner, workspace_id=ws.id, start="2023-10-02T09:00:00Z", description="Éclair")
        e2 = make_entry(db, user=owner, workspace_id=ws.id, start="2023-10-02T10:00:00Z", description="érable")
        e3 = make_entry(db, user=owner, workspace_id=ws.id, start="2023-10-02T11:00:00Z", description="Ésope")
        body = details(client, owner, ws, order_field="description", order_desc="off", **WEEK)
        assert ids(body) == [e1.id, e2.id, e3.id]  # byte order of the unfolded text: e1, e3, e2

    def test_invalid_order_values(self, client: TestClient, arranged: tuple[User, Workspace, list[TimeEntry]]
                                  ) -> None:
        owner, ws, _ = arranged
        bad(client, owner, ws, "order_field has an invalid value", order_field="amount", **WEEK)
        bad(client, owner, ws, "order_desc has an invalid value", order_desc="desc", **WEEK)


class TestPaging:
    @pytest.fixture
    def arranged(self, db: Session) -> tuple[User, Workspace, list[TimeEntry]]:
        owner = make_user(db)
        ws = make_workspace(db, admin=owner, default_currency="EUR", default_hourly_rate=Decimal("60"))
        start = datetime(2023, 10, 2, 8, tzinfo=UTC)
        entries = [make_entry(db, user=owner, workspace_id=ws.id, start=start + timedelta(minutes=10 * i),
                              seconds=60, billable=True) for i in range(53)]
        return owner, ws, entries

    def test_pages_of_fifty(self, client: TestClient, arranged: tuple[User, Workspace, list[TimeEntry]]) -> None:
        owner, ws, entries = arranged
        newest_first = [e.id for e in reversed(entries)]
        totals = {"total_grand": 3180000, "total_billable": 3180000,
                  "total_currencies": [{"currency": "EUR", "amount": 53.0}], "total_count": 53, "per_page": 50}
        first = details(client, owner, ws, **WEEK)
        assert ids(first) == newest_first[:50]
        assert {k: first[k] for k in totals} == totals
        assert ids(details(client, owner, ws, page=1, **WEEK)) == newest_first[:50]
        second = details(client, owner, ws, page=2, **WEEK)
        assert ids(second) == newest_first[50:]
        assert {k: second[k] for k in totals} == totals
        assert details(client, owner, ws, page=3, **WEEK) == {**totals, "data": []}
        assert details(client, owner, ws, page=1000000, **WEEK) == {**totals, "data": []}

    def test_equal_keys_never_repeat_across_pages(self, client: TestClient, db: Session,
                                                  arranged: tuple[User, Workspace, list[TimeEntry]]) -> None:
        owner, ws, entries = arranged
        db.execute(update(TimeEntry).where(TimeEntry.workspace_id == ws.id)
                   .values(start=datetime(2023, 10, 3, 8, tzinfo=UTC), stop=datetime(2023, 10, 3, 8, 1, tzinfo=UTC)))
        db.commit()
        pages = [ids(details(client, owner, ws, page=p, **WEEK)) for p in (1, 2)]
        assert pages == [[e.id for e in entries[:50]], [e.id for e in entries[50:]]]

    @pytest.mark.parametrize("page", ["-1", "abc", "1.5", "2x", "+2", "99999999999999999999"])
    def test_invalid_page(self, client: TestClient, arranged: tuple[User, Workspace, list[TimeEntry]],
                          page: str) -> None:
        owner, ws, _ = arranged
        bad(client, owner, ws, "page has an invalid value", page=page, **WEEK)

    def test_empty_page_is_page_one(self, client: TestClient, arranged: tuple[User, Workspace, list[TimeEntry]]
                                    ) -> None:
        owner, ws, entries = arranged
        assert ids(details(client, owner, ws, page="", **WEEK))[0] == entries[-1].id


