"""The common parameters of the Reports API (50-reports §3), exercised through ``GET /details``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import Project, TimeEntry, User, Workspace, WorkspaceMember
from tests.api.reports.conftest import Example, get_report
from tests.factories import (
    add_member,
    make_entry,
    make_group,
    make_project,
    make_tag,
    make_user,
    make_workspace,
    token_auth,
)

WEEK = {"since": "2023-10-02", "until": "2023-10-08"}
TIP = "Change your request and try again. See the punchclock API documentation."


def ids(client: TestClient, user: User, ws: Workspace, **params: Any) -> list[int]:
    """Ids of the matching entries, oldest first (the whole report fits on one page here)."""
    r = get_report(client, "details", user, workspace_id=ws.id, order_desc="off", **params)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total_count"] == len(body["data"])
    return [row["id"] for row in body["data"]]


def error(client: TestClient, user: User, ws: Workspace, **params: Any) -> tuple[int, dict[str, Any]]:
    r = get_report(client, "details", user, workspace_id=ws.id, **params)
    return r.status_code, r.json()


def invalid(name: str) -> tuple[int, dict[str, Any]]:
    return 400, {"error": {"message": f"{name} has an invalid value", "tip": TIP, "code": 400}}


def at_noon(day: date, zone: str = "Etc/UTC") -> datetime:
    return datetime.combine(day, time(12), tzinfo=ZoneInfo(zone)).astimezone(UTC)


# -- §3.1 dates ------------------------------------------------------------------------------------

@dataclass
class Days:
    owner: User
    ws: Workspace
    #: day -> id of the one entry starting at noon (UTC) that day
    entry: dict[date, int]

    def between(self, first: date, last: date) -> list[int]:
        return [i for d, i in sorted(self.entry.items()) if first <= d <= last]


def one_entry_per_day(db: Session, days: list[date]) -> Days:
    owner = make_user(db, fullname="Dana Days")
    ws = make_workspace(db, admin=owner)
    entry = {d: make_entry(db, user=owner, workspace_id=ws.id, start=at_noon(d), seconds=60).id for d in sorted(days)}
    return Days(owner, ws, entry)


class TestDateDefaults:
    def test_today_is_the_requesters_today(self, client: TestClient, db: Session) -> None:
        """Neither date: today - 6 ... today, "today" in the zone of whoever asks (§3.1, O-56).

        Kiritimati (UTC+14) and Pago Pago (UTC-11) are always on different dates, so the two callers
        get different ranges over the same entries (owned by a UTC user, judged on UTC dates).
        """
        utc_today = datetime.now(UTC).date()
        days = one_entry_per_day(db, [utc_today + timedelta(days=n) for n in range(-10, 4)])
        for zone in ("Pacific/Kiritimati", "Pacific/Pago_Pago", "Etc/UTC"):
            caller = make_user(db, timezone=zone)
            add_member(db, days.ws, caller)
            today = datetime.now(ZoneInfo(zone)).date()
            assert ids(client, caller, days.ws) == days.between(today - timedelta(days=6), today), zone

    def test_only_since_runs_to_today(self, client: TestClient, db: Session) -> None:
        today = datetime.now(ZoneInfo("Etc/UTC")).date()
        days = one_entry_per_day(db, [today + timedelta(days=n) for n in range(-12, 3)])
        since = today - timedelta(days=10)
        assert ids(client, days.owner, days.ws, since=since.isoformat()) == days.between(since, today)

    def test_only_since_in_the_future_covers_seven_days(self, client: TestClient, db: Session) -> None:
        since = datetime.now(UTC).date() + timedelta(days=30)
        days = one_entry_per_day(db, [since + timedelta(days=n) for n in range(-1, 9)])
        assert ids(client, days.owner, days.ws, since=since.isoformat()) == days.between(
            since, since + timedelta(days=6))

    def test_only_since_more_than_a_year_ago_covers_seven_days(self, client: TestClient, db: Session) -> None:
        days = one_entry_per_day(db, [date(2020, 1, 1) + timedelta(days=n) for n in range(-1, 9)])
        assert ids(client, days.owner, days.ws, since="2020-01-01") == days.between(date(2020, 1, 1),
                                                                                     date(2020, 1, 7))

    def test_only_since_exactly_a_year_ago_runs_to_today(self, client: TestClient, db: Session) -> None:
        today = datetime.now(UTC).date()
        since = today.replace(year=today.year - 1) if (today.month, today.day) != (2, 29) else date(
            today.year - 1, 2, 28)
        marks = [since - timedelta(days=1), since, since + timedelta(days=7), today - timedelta(days=1), today,
                 today + timedelta(days=1)]
        days = one_entry_per_day(db, marks)
        assert ids(client, days.owner, days.ws, since=since.isoformat()) == days.between(since, today)
        # one day earlier is more than a year ago: seven days only
        earlier = since - timedelta(days=1)
        assert ids(client, days.owner, days.ws, since=earlier.isoformat()) == days.between(
            earlier, earlier + timedelta(days=6))

    def test_only_until_covers_the_seven_days_before(self, client: TestClient, db: Session) -> None:
        days = one_entry_per_day(db, [date(2023, 10, 1) + timedelta(days=n) for n in range(9)])
        assert ids(client, days.owner, days.ws, until="2023-10-08") == days.between(date(2023, 10, 2),
                                                                                     date(2023, 10, 8))

    def test_both_dates_inclusive(self, client: TestClient, db: Session) -> None:
        days = one_entry_per_day(db, [date(2023, 10, 1) + timedelta(days=n) for n in range(9)])
        assert ids(client, days.owner, days.ws, since="2023-10-03", until="2023-10-05") == days.between(
            date(2023, 10, 3), date(2023, 10, 5))
        assert ids(client, days.owner, days.ws, since="2023-10-04", until="2023-10-04") == [
            days.entry[date(2023, 10, 4)]]


class TestDateLimits:
    def test_exactly_one_year_is_allowed(self, client: TestClient, db: Session) -> None:
        days = one_entry_per_day(db, [date(2023, 3, 14), date(2023, 3, 15), date(2024, 3, 15), date(2024, 3, 16)])
        assert ids(client, days.owner, days.ws, since="2023-03-15", until="2024-03-15") == [
            days.entry[date(2023, 3, 15)], days.entry[date(2024, 3, 15)]]

    def test_one_day_more_is_400(self, client: TestClient, db: Session) -> None:
        days = one_entry_per_day(db, [])
        assert error(client, days.owner, days.ws, since="2023-03-15", until="2024-03-16") == (400, {"error": {
            "message": "the maximum date span is one year",
            "tip": "Split the period into ranges of at most one year.", "code": 400}})

    def test_leap_day_span_ends_on_28_february(self, client: TestClient, db: Session) -> None:
        days = one_entry_per_day(db, [])
        assert error(client, days.owner, days.ws, since="2024-02-29", until="2025-02-28")[0] == 200
        assert error(client, days.owner, days.ws, since="2024-02-29", until="2025-03-01")[0] == 400

    def test_since_after_until_is_400(self, client: TestClient, db: Session) -> None:
        days = one_entry_per_day(db, [])
        assert error(client, days.owner, days.ws, since="2023-10-09", until="2023-10-08") == (400, {"error": {
            "message": "since must not be later than until", "tip": TIP, "code": 400}})

    @pytest.mark.parametrize("params", [{"since": "9998-12-31"}, {"until": "0002-01-01"},
                                        {"since": "0002-01-01", "until": "0002-12-31"}])
    def test_far_but_valid_dates(self, client: TestClient, db: Session, params: dict[str, str]) -> None:
        days = one_entry_per_day(db, [date(2023, 10, 2)])
        assert ids(client, days.owner, days.ws, **params) == []

    def test_longer_iso_strings_use_the_date_part(self, client: TestClient, db: Session) -> None:
        days = one_entry_per_day(db, [date(2023, 10, 1) + timedelta(days=n) for n in range(9)])
        assert ids(client, days.owner, days.ws, since="2023-10-03T23:59:59+05:00",
                   until="2023-10-05T00:00:00Z") == days.between(date(2023, 10, 3), date(2023, 10, 5))

    @pytest.mark.parametrize("value", ["2023-02-30", "yesterday", "20231002", "2023-W40-1", "2023-10-2",
                                       "02-10-2023", "2023/10/02", "0000-01-01", "0001-01-01", "9999-12-31",
                                       "\uff12\uff10\uff12\uff13-10-02"])  # full-width digits
    def test_malformed_date_names_the_parameter(self, client: TestClient, db: Session, value: str) -> None:
        days = one_entry_per_day(db, [])
        assert error(client, days.owner, days.ws, since=value, until="2023-10-08") == invalid("since")
        assert error(client, days.owner, days.ws, since="2023-10-02", until=value) == invalid("until")


class TestOwnerZoneDays:
    """O-56: an entry belongs to the calendar date of its start in its OWNER's zone."""

    def test_berlin_owner_alone(self, client: TestClient, db: Session) -> None:
        """One zone in the workspace: 23:30 UTC on the 1st is 01:30 on the 2nd in Berlin."""
        owner = make_user(db, timezone="Europe/Berlin")
        ws = make_workspace(db, admin=owner)
        late = make_entry(db, user=owner, workspace_id=ws.id, start="2023-10-01T23:30:00Z", seconds=600)
        early = make_entry(db, user=owner, workspace_id=ws.id, start="2023-10-01T21:59:59Z", seconds=600)
        assert ids(client, owner, ws, since="2023-10-02", until="2023-10-02") == [late.id]
        assert ids(client, owner, ws, since="2023-10-01", until="2023-10-01") == [early.id]

    def test_owners_in_different_zones(self, client: TestClient, db: Session) -> None:
        """The same instants fall on different dates for owners in UTC, Berlin and Los Angeles."""
        utc = make_user(db, timezone="Etc/UTC")
        berlin = make_user(db, timezone="Europe/Berlin")
        la = make_user(db, timezone="America/Los_Angeles")
        ws = make_workspace(db, admin=utc)
        add_member(db, ws, berlin)
        add_member(db, ws, la)
        entries = {
            (who.id, when): make_entry(db, user=who, workspace_id=ws.id, start=when, seconds=60).id
            for who in (utc, berlin, la) for when in ("2023-10-01T23:30:00Z", "2023-10-09T05:00:00Z")
        }
        got = ids(client, utc, ws, since="2023-10-02", until="2023-10-08")
        # Berlin: 01:30 on the 2nd (in) / 07:00 on the 9th (out); LA: the 1st (out) / 22:00 on the 8th (in)
        assert got == [entries[(berlin.id, "2023-10-01T23:30:00Z")], entries[(la.id, "2023-10-09T05:00:00Z")]]
        # any requester gets the same answer: the zone that counts is the owner's
        assert ids(client, la, ws, since="2023-10-02", until="2023-10-08") == got

    def test_former_member_keeps_their_zone(self, client: TestClient, db: Session) -> None:
        """Owners who left still own entries; their days are judged in their zone, not the members'."""
        admin = make_user(db, timezone="Etc/UTC")
        other = make_user(db, timezone="Asia/Tokyo")
        former = make_user(db, timezone="Europe/Berlin")
        ws = make_workspace(db, admin=admin)
        add_member(db, ws, other)
        membership = add_member(db, ws, former)
        e = make_entry(db, user=former, workspace_id=ws.id, start="2023-10-01T23:30:00Z", seconds=60)
        r = client.delete(f"/api/v8/workspace_users/{membership.id}", headers=token_auth(admin))
        assert r.status_code == 200
        assert ids(client, admin, ws, since="2023-10-02", until="2023-10-02") == [e.id]
        assert ids(client, admin, ws, since="2023-10-01", until="2023-10-01") == []

    def test_dst_change_days(self, client: TestClient, db: Session) -> None:
        """Berlin's 25-hour 29 October 2023 and 23-hour 26 March 2023."""
        owner = make_user(db, timezone="Europe/Berlin")
        other = make_user(db, timezone="Etc/UTC")  # a second zone: the per-owner CASE path
        ws = make_workspace(db, admin=owner)
        add_member(db, ws, other)

        def entry(when: str) -> int:
            return make_entry(db, user=owner, workspace_id=ws.id, start=when, seconds=60).id

        autumn = [entry(w) for w in ("2023-10-28T21:59:59Z", "2023-10-28T22:00:00Z", "2023-10-29T22:59:59Z",
                                     "2023-10-29T23:00:00Z")]
        spring = [entry(w) for w in ("2023-03-25T22:59:59Z", "2023-03-25T23:00:00Z", "2023-03-26T21:59:59Z",
                                     "2023-03-26T22:00:00Z")]
        assert ids(client, other, ws, since="2023-10-29", until="2023-10-29") == autumn[1:3]
        assert ids(client, other, ws, since="2023-10-30", until="2023-10-30") == autumn[3:]
        assert ids(client, other, ws, since="2023-03-26", until="2023-03-26") == spring[1:3]
        assert ids(client, other, ws, since="2023-03-25", until="2023-03-25") == spring[:1]
        r = get_report(client, "details", other, workspace_id=ws.id, since="2023-10-29", until="2023-10-29",
                       order_desc="off")
        assert [(row["start"], row["end"]) for row in r.json()["data"]] == [
            ("2023-10-29T00:00:00+02:00", "2023-10-29T00:01:00+02:00"),
            ("2023-10-29T23:59:59+01:00", "2023-10-30T00:00:59+01:00"),
        ]


# -- §3.2-§3.5 -------------------------------------------------------------------------------------

@dataclass
class World:
    ex: Example
    internal: Project
    e_internal: TimeEntry
    e_blank: TimeEntry
    e_under: TimeEntry

    def __getattr__(self, name: str) -> Any:
        return getattr(self.ex, name)

    def entry_ids(self, *names: str) -> list[int]:
        """Ids in start order (the order of ``ids()``)."""
        chosen = [getattr(self, n) for n in names]
        return [e.id for e in sorted(chosen, key=lambda e: e.start)]


ALL = ("homepage", "wireframes", "timetable", "no_project", "e_internal", "e_blank", "e_under")


@pytest.fixture
def world(db: Session, example: Example) -> World:
    """The contract example plus: an entry on a project without client (tag phase-1, "Fix 100% of bugs"),
    an entry without description, and one described "snake_case refactor" (tag on-site)."""
    internal = make_project(db, workspace_id=example.ws.id, name="Internal tools")
    e_internal = make_entry(db, user=example.mara, workspace_id=example.ws.id, start="2023-10-06T09:00:00Z",
                            seconds=1800, project_id=internal.id, description="Fix 100% of bugs",
                            tags=[example.phase_1])
    e_blank = make_entry(db, user=example.jonas, workspace_id=example.ws.id, start="2023-10-07T08:00:00Z",
                         seconds=600)
    e_under = make_entry(db, user=example.mara, workspace_id=example.ws.id, start="2023-10-08T08:00:00Z",
                         seconds=900, project_id=example.spring.id, billable=True,
                         description="snake_case refactor", tags=[example.on_site])
    return World(example, internal, e_internal, e_blank, e_under)


def query(client: TestClient, w: World, **params: Any) -> list[int]:
    return ids(client, w.mara, w.ws, **WEEK, **params)


class TestBillable:
    @pytest.mark.parametrize(("value", "names"), [
        ("yes", ("homepage", "wireframes", "timetable", "e_under")),
        ("no", ("no_project", "e_internal", "e_blank")),
        ("both", ALL),
        (None, ALL),
    ])
    def test_values(self, client: TestClient, world: World, value: str | None, names: tuple[str, ...]) -> None:
        assert query(client, world, billable=value) == world.entry_ids(*names)

    @pytest.mark.parametrize("value", ["true", "YES", "1", "maybe"])
    def test_invalid(self, client: TestClient, world: World, value: str) -> None:
        assert error(client, world.mara, world.ws, billable=value, **WEEK) == invalid("billable")


class TestOtherCommonParameters:
    @pytest.mark.parametrize(("name", "value"), [("distinct_rates", "yes"), ("display_hours", "hours"),
                                                 ("rounding", "true"), ("order_desc", "desc")])
    def test_invalid_values_name_the_parameter(self, client: TestClient, world: World, name: str,
                                               value: str) -> None:
        assert error(client, world.mara, world.ws, **{name: value}, **WEEK) == invalid(name)

    @pytest.mark.parametrize(("name", "value"), [("distinct_rates", "on"), ("distinct_rates", "off"),
                                                 ("display_hours", "decimal"), ("display_hours", "minutes")])
    def test_valid_values_leave_the_json_alone(self, client: TestClient, world: World, name: str,
                                               value: str) -> None:
        assert query(client, world, **{name: value}) == world.entry_ids(*ALL)

    def test_unknown_parameters_are_ignored(self, client: TestClient, world: World) -> None:
        assert query(client, world, grouping="nonsense", colour="red") == world.entry_ids(*ALL)


class TestIdFilters:
    def test_client_ids(self, client: TestClient, world: World) -> None:
        w = world
        assert query(client, w, client_ids=w.harbour.id) == w.entry_ids("wireframes", "timetable")
        # 0 = without client: no project at all, or a project without client
        assert query(client, w, client_ids="0") == w.entry_ids("no_project", "e_internal", "e_blank")
        assert query(client, w, client_ids=f"0,{w.northwind.id}") == w.entry_ids(
            "homepage", "no_project", "e_internal", "e_blank", "e_under")
        assert query(client, w, client_ids="987654") == []

    def test_project_ids(self, client: TestClient, world: World) -> None:
        w = world
        assert query(client, w, project_ids=w.spring.id) == w.entry_ids("homepage", "e_under")
        assert query(client, w, project_ids="0") == w.entry_ids("no_project", "e_blank")
        assert query(client, w, project_ids=f"0,{w.ferry.id}") == w.entry_ids(
            "wireframes", "timetable", "no_project", "e_blank")
        assert query(client, w, project_ids=f"987654,{w.internal.id}") == w.entry_ids("e_internal")

    def test_task_ids(self, client: TestClient, world: World) -> None:
        w = world
        task = w.wireframes_task.id
        assert query(client, w, task_ids=task) == w.entry_ids("wireframes")
        assert query(client, w, task_ids="0") == w.entry_ids(*(n for n in ALL if n != "wireframes"))
        assert query(client, w, task_ids=f"{task},0") == w.entry_ids(*ALL)
        assert query(client, w, task_ids="987654") == []

    def test_tag_ids(self, client: TestClient, world: World) -> None:
        w = world
        both = f"{w.on_site.id},{w.phase_1.id}"
        assert query(client, w, tag_ids=w.on_site.id) == w.entry_ids("wireframes", "e_under")
        assert query(client, w, tag_ids="0") == w.entry_ids("homepage", "timetable", "no_project", "e_blank")
        assert query(client, w, tag_ids=f"0,{w.on_site.id}") == w.entry_ids(
            "homepage", "wireframes", "timetable", "no_project", "e_blank", "e_under")
        assert query(client, w, tag_ids="987654") == []
        # wireframes carries both tags and still counts once, in rows and in every total
        r = get_report(client, "details", w.mara, workspace_id=w.ws.id, tag_ids=both, **WEEK)
        body = r.json()
        assert [row["id"] for row in body["data"]] == w.entry_ids("e_under", "e_internal", "wireframes")[::-1]
        assert (body["total_count"], body["total_grand"], body["total_billable"], body["total_currencies"]) == (
            3, (9000 + 1800 + 900) * 1000, (9000 + 900) * 1000, [{"currency": "EUR", "amount": 212.5}])

    def test_deleted_tag_no_longer_selects(self, client: TestClient, db: Session, world: World) -> None:
        w = world
        doomed = make_tag(db, workspace_id=w.ws.id, name="doomed")
        e = make_entry(db, user=w.mara, workspace_id=w.ws.id, start="2023-10-06T10:00:00Z", seconds=60,
                       tags=[doomed])
        assert query(client, w, tag_ids=doomed.id) == [e.id]
        r = client.delete(f"/api/v8/tags/{doomed.id}", headers=token_auth(w.mara))
        assert r.status_code == 200
        assert query(client, w, tag_ids=doomed.id) == []
        assert e.id in query(client, w, tag_ids="0")

    def test_user_ids_and_time_entry_ids(self, client: TestClient, world: World) -> None:
        w = world
        assert query(client, w, user_ids=w.jonas.id) == w.entry_ids("timetable", "no_project", "e_blank")
        assert query(client, w, user_ids=f"{w.jonas.id},{w.mara.id}") == w.entry_ids(*ALL)
        assert query(client, w, user_ids="0") == []
        assert query(client, w, user_ids="987654") == []
        assert query(client, w, time_entry_ids=f"{w.e_blank.id},{w.homepage.id}") == w.entry_ids(
            "homepage", "e_blank")
        assert query(client, w, time_entry_ids="0") == []
        assert query(client, w, time_entry_ids="987654") == []

    def test_repeated_parameters_merge(self, client: TestClient, world: World) -> None:
        w = world
        r = client.get("/reports/api/v2/details", headers=token_auth(w.mara), params=[
            ("workspace_id", w.ws.id), ("user_agent", "tests"), ("order_desc", "off"), *WEEK.items(),
            ("user_ids", w.mara.id), ("user_ids", w.jonas.id),
            ("project_ids", w.spring.id), ("project_ids", f"0,{w.internal.id}"),
        ])
        assert [row["id"] for row in r.json()["data"]] == w.entry_ids(
            "homepage", "no_project", "e_internal", "e_blank", "e_under")

    def test_filters_combine_with_and(self, client: TestClient, world: World) -> None:
        w = world
        assert query(client, w, project_ids=w.ferry.id, user_ids=w.mara.id, billable="yes") == w.entry_ids(
            "wireframes")
        assert query(client, w, client_ids="0", tag_ids="0") == w.entry_ids("no_project", "e_blank")

    def test_empty_list_means_no_filter(self, client: TestClient, world: World) -> None:
        assert query(client, world, project_ids="", tag_ids=" , ") == world.entry_ids(*ALL)

    @pytest.mark.parametrize("name", ["client_ids", "project_ids", "user_ids", "tag_ids", "task_ids",
                                      "time_entry_ids", "members_of_group_ids", "or_members_of_group_ids"])
    @pytest.mark.parametrize("value", ["abc", "1,x", "-1", "1.5", "²", "99999999999999999999", "1;2"])
    def test_non_integer_names_the_parameter(self, client: TestClient, world: World, name: str,
                                             value: str) -> None:
        assert error(client, world.mara, world.ws, **{name: value}, **WEEK) == invalid(name)


class TestDescription:
    def test_case_insensitive_substring(self, client: TestClient, world: World) -> None:
        w = world
        assert query(client, w, description="wire") == w.entry_ids("wireframes")
        assert query(client, w, description="WIREFRAMES FOR") == w.entry_ids("wireframes")
        assert query(client, w, description="im") == w.entry_ids("timetable")
        assert query(client, w, description="nothing like it") == []

    def test_percent_and_underscore_are_literal(self, client: TestClient, world: World) -> None:
        w = world
        assert query(client, w, description="0%") == w.entry_ids("e_internal")
        assert query(client, w, description="e%t") == []  # as a wildcard it would match "Homepage layout"
        assert query(client, w, description="_") == w.entry_ids("e_under")  # as a wildcard: every description
        assert query(client, w, description="e_c") == w.entry_ids("e_under")

    def test_non_ascii_letters_fold(self, client: TestClient, db: Session, world: World) -> None:
        w = world
        e = make_entry(db, user=w.mara, workspace_id=w.ws.id, start="2023-10-06T11:00:00Z", seconds=60,
                       description="Äpfel für Ørsted")
        assert query(client, w, description="äPFEL FÜR øR") == [e.id]

    def test_without_description(self, client: TestClient, world: World) -> None:
        w = world
        assert query(client, w, without_description="true") == w.entry_ids("e_blank")
        assert query(client, w, without_description="false") == w.entry_ids(*ALL)
        assert error(client, w.mara, w.ws, without_description="yes", **WEEK) == invalid("without_description")


# -- §3.4 users and groups -------------------------------------------------------------------------

@dataclass
class Crew:
    admin: User
    ws: Workspace
    entry: dict[str, int]   # user letter -> their one entry
    user: dict[str, int]    # user letter -> user id
    g1: int                  # A, B
    g2: int                  # C
    foreign: int             # a group of another workspace holding A's membership there

    def of(self, letters: str) -> list[int]:
        return [self.entry[x] for x in letters]


@pytest.fixture
def crew(db: Session) -> Crew:
    people = {x: make_user(db, fullname=f"User {x}") for x in "ABCD"}
    ws = make_workspace(db, admin=people["A"])
    members = {x: add_member(db, ws, people[x]) for x in "BCD"}
    members["A"] = db.scalars(select(WorkspaceMember).where(WorkspaceMember.workspace_id == ws.id,
                                                            WorkspaceMember.user_id == people["A"].id)).one()
    g1 = make_group(db, workspace_id=ws.id, name="G1", members=[members["A"], members["B"]])
    g2 = make_group(db, workspace_id=ws.id, name="G2", members=[members["C"]])
    elsewhere = make_workspace(db, admin=people["D"], name="Elsewhere")
    a_there = add_member(db, elsewhere, people["A"])
    foreign = make_group(db, workspace_id=elsewhere.id, name="Foreign", members=[a_there])
    entry = {x: make_entry(db, user=people[x], workspace_id=ws.id, start=f"2023-10-0{2 + i}T09:00:00Z",
                           seconds=60).id for i, x in enumerate("ABCD")}
    return Crew(people["A"], ws, entry, {x: u.id for x, u in people.items()}, g1.id, g2.id, foreign.id)


class TestUsersAndGroups:
    def users(self, client: TestClient, c: Crew, **params: Any) -> list[int]:
        return ids(client, c.admin, c.ws, **WEEK, **params)

    def test_user_ids(self, client: TestClient, crew: Crew) -> None:
        assert self.users(client, crew, user_ids=f"{crew.user['A']},{crew.user['C']}") == crew.of("AC")

    def test_members_of_groups_narrow(self, client: TestClient, crew: Crew) -> None:
        c = crew
        assert self.users(client, c, members_of_group_ids=c.g1) == c.of("AB")
        assert self.users(client, c, members_of_group_ids=f"{c.g1},{c.g2}") == c.of("ABC")
        assert self.users(client, c, user_ids=f"{c.user['B']},{c.user['D']}", members_of_group_ids=c.g1) == c.of("B")

    def test_or_members_alone_select_their_members(self, client: TestClient, crew: Crew) -> None:
        """O-60: alone, the or-groups are not a no-op."""
        assert self.users(client, crew, or_members_of_group_ids=crew.g2) == crew.of("C")

    def test_or_members_widen(self, client: TestClient, crew: Crew) -> None:
        c = crew
        assert self.users(client, c, user_ids=c.user["D"], or_members_of_group_ids=c.g2) == c.of("CD")
        assert self.users(client, c, members_of_group_ids=c.g1, or_members_of_group_ids=c.g2) == c.of("ABC")
        assert self.users(client, c, user_ids=f"{c.user['B']},{c.user['D']}", members_of_group_ids=c.g1,
                          or_members_of_group_ids=c.g2) == c.of("BC")

    def test_foreign_and_unknown_groups_match_nobody(self, client: TestClient, crew: Crew) -> None:
        c = crew
        assert self.users(client, c, members_of_group_ids=c.foreign) == []
        assert self.users(client, c, or_members_of_group_ids=c.foreign) == []
        assert self.users(client, c, members_of_group_ids="987654") == []
        assert self.users(client, c, user_ids=c.user["D"], or_members_of_group_ids=c.foreign) == c.of("D")
        assert self.users(client, c, members_of_group_ids=f"{c.foreign},{c.g2}") == c.of("C")
