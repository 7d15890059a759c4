"""Reports v3 against their v2 twins (60-reports-v3 intro, V-29…V-34): same entries, same seconds, same cents.

Hypothesis builds the small worlds of ``tests/api/reports/test_properties.py`` (owners in five zones
around the 2023 DST changes, entries near local midnight, clients, projects, tasks, project-user rates,
tags, groups, several currencies, billable or not, the workspace's rounding, hidden rates for members,
rate changes and a member leaving) and a set of filters that both APIs can express; each v3 report is
then compared, through HTTP, with its v2 twin over the same filters:

* ``search/time_entries`` (every page, following ``X-Next-Row-Number``) with v2 ``details`` (every page);
* ``search/time_entries/totals`` with the totals of v2 ``details``;
* ``summary/time_entries`` with v2 ``summary``, every grouping pair, rates distinguished or not;
* ``weekly/time_entries`` with v2 ``weekly`` (time and earnings);
* the three ``.csv`` exports with v2's ``details.csv``, ``summary.csv`` and ``weekly.csv``.

v2's ``members_of_group_ids`` and ``without_description`` have no v3 twin and are not drawn; v3's
``group_ids`` is v2's ``or_members_of_group_ids`` (V-30: user ids or group members).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from tests.api.reports.test_properties import (
    PROPERTY,
    SUMMARY_PAIRS,
    Filters,
    Ids,
    World,
    arrange,
    date_ranges,
    filter_params,
    filter_value,
    rotated,
    weeks,
    worlds,
)
from tests.api.reports_v3.conftest import post_report
from tests.factories import make_entry, make_user, make_workspace, token_auth

#: The filters of ../50- §3 that v3 can express (60- §3).
TWIN_FILTERS = ("tags", "or_members_of", "clients", "description", "projects", "tasks", "users", "billable")
PARITY = settings(PROPERTY, max_examples=20)
V2_PAGE = 50


@st.composite
def twin_filters(draw: st.DrawFn, world: World) -> Filters:
    """Up to two filters of ``TWIN_FILTERS``; v2 ``rounding=on`` (v3 ``rounding: 1``) half of the time."""
    names = draw(st.lists(st.sampled_from(TWIN_FILTERS), unique=True, max_size=2))
    values = {name: filter_value(draw, world, name) for name in names}
    return Filters(**{k: v for k, v in values.items() if v is not None}, rounding=not draw(st.booleans()))


def v3_filters(f: Filters, ids: Ids) -> dict[str, Any]:
    """``f`` as a v3 body: ``null`` inside an id list is "without" (the wrapper's ``[None]``, V-30)."""
    def chosen(indices: frozenset[Any], objects: list[int]) -> list[int | None]:
        return [*sorted(objects[i] for i in indices if i is not None), *([None] if None in indices else [])]

    body: dict[str, Any] = {}
    if f.billable is not None:
        body["billable"] = f.billable
    for name, indices, objects in (("project_ids", f.projects, ids.projects), ("client_ids", f.clients, ids.clients),
                                   ("task_ids", f.tasks, ids.tasks), ("tag_ids", f.tags, ids.tags),
                                   ("user_ids", f.users, ids.users), ("group_ids", f.or_members_of, ids.groups)):
        if indices is not None:
            body[name] = chosen(indices, objects)
    if f.description is not None:
        body["description"] = f.description
    if f.rounding:
        body["rounding"] = 1
    return body


def v2_response(client: TestClient, ids: Ids, path: str, **params: Any) -> Response:
    r = client.get(f"/reports/api/v2/{path}", params={"workspace_id": ids.ws, "user_agent": "parity", **params},
                   headers=ids.headers)
    assert r.status_code == 200, r.text
    return r


def v2(client: TestClient, ids: Ids, path: str, **params: Any) -> dict[str, Any]:
    body: dict[str, Any] = v2_response(client, ids, path, **params).json()
    return body


def v3(client: TestClient, ids: Ids, path: str, body: dict[str, Any]) -> Response:
    r = post_report(client, ids.ws, path, None, body, headers=ids.headers)
    assert r.status_code == 200, (path, body, r.text)
    return r


def cents(amount: Any) -> int | None:
    """A v2 amount (a JSON number of the currency unit) in cents."""
    return None if amount is None else int(Decimal(str(amount)) * 100)


def instant(text: str) -> int:
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def v2_details(client: TestClient, ids: Ids, params: dict[str, str]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Page 1 of v2 ``details`` (for its totals) and the rows of every page."""
    first = v2(client, ids, "details", **params)
    rows = list(first["data"])
    for page in range(2, -(-first["total_count"] // V2_PAGE) + 1):
        rows += v2(client, ids, "details", **params, page=page)["data"]
    assert len(rows) == first["total_count"]
    return first, rows


def v3_search(client: TestClient, ids: Ids, body: dict[str, Any], page_size: int) -> list[dict[str, Any]]:
    """Every row of v3 ``search/time_entries``, following ``X-Next-Row-Number`` (60- §4.3); each page starts
    with the entry its predecessor's ``X-Next-ID`` and ``X-Next-Timestamp`` named."""
    rows: list[dict[str, Any]] = []
    first_row, announced = 1, None
    for _ in range(1000):
        r = v3(client, ids, "search/time_entries", {**body, "page_size": page_size, "first_row_number": first_row})
        page = r.json()
        if announced is not None:
            assert (page[0]["time_entries"][0]["id"], instant(page[0]["time_entries"][0]["start"])) == announced
        rows += page
        if "X-Next-Row-Number" not in r.headers:
            assert len(page) <= page_size and "X-Next-ID" not in r.headers
            return rows
        assert len(page) == page_size
        first_row = int(r.headers["X-Next-Row-Number"])
        assert first_row == len(rows) + 1
        announced = (int(r.headers["X-Next-ID"]), int(r.headers["X-Next-Timestamp"]))
    raise AssertionError("search/time_entries never stopped paging")


# -- twins: one view of both answers ----------------------------------------------------------------------

def v3_row_view(r: dict[str, Any]) -> tuple[Any, ...]:
    [entry] = r["time_entries"]  # grouped is false: one entry per row (60- §4.2)
    currency = r["currency"] if r["billable"] or r["currency"] == "" else None  # v2: no currency when not billed
    return (entry["id"], entry["seconds"], instant(entry["start"]), instant(entry["stop"]), r["user_id"],
            r["username"], r["project_id"], r["project_name"], r["client_name"], r["task_id"], r["task_name"],
            r["description"], r["billable"], r["billable_amount_in_cents"], currency, r["tag_names"])


def v2_row_view(r: dict[str, Any]) -> tuple[Any, ...]:
    return (r["id"], r["dur"] // 1000, instant(r["start"]), instant(r["end"]), r["uid"], r["user"], r["pid"],
            r["project"], r["client"], r["tid"], r["task"], r["description"], r["is_billable"], cents(r["billable"]),
            r["cur"], r["tags"])


def v2_billable_cents(totals: dict[str, Any]) -> int | None:
    """v2's per-currency sums added up as v3 does (60- §5); null when money is hidden (../50- §4.4)."""
    currencies = totals["total_currencies"]
    if any(c["currency"] == "" for c in currencies):
        return None
    return sum(cents(c["amount"]) or 0 for c in currencies)


def v2_summary_view(body: dict[str, Any], subgrouping: str) -> list[tuple[Any, list[tuple[Any, int, list[int]]]]]:
    """Groups in order, each with its sub-groups in order (v2 splits a sub-group per currency and, with
    ``distinct_rates``, per rate: merged back), their seconds and entry ids."""
    out = []
    for group in body["data"]:
        subs: dict[Any, list[int]] = {}
        seconds: dict[Any, int] = defaultdict(int)
        for item in group["items"]:
            key = item["title"]["time_entry"] if subgrouping == "time_entries" else (int(item["ids"]) if item["ids"]
                                                                                     else None)
            subs.setdefault(key, []).extend(int(i) for i in item["time_entry_ids"].split(","))
            seconds[key] += item["time"] // 1000
        out.append((group["id"], [(k, seconds[k], sorted(v)) for k, v in subs.items()]))
    return out


def v3_summary_view(body: dict[str, Any], subgrouping: str) -> list[tuple[Any, list[tuple[Any, int, list[int]]]]]:
    out = []
    for group in body["groups"]:
        subs: dict[Any, list[int]] = {}
        seconds: dict[Any, int] = defaultdict(int)
        for sub in group["sub_groups"]:
            key = sub["title"] if subgrouping == "time_entries" else sub["id"]
            subs.setdefault(key, []).extend(sub["ids"])
            seconds[key] += sub["seconds"]
        out.append((group["id"], [(k, seconds[k], sorted(v)) for k, v in subs.items()]))
    return out


def v2_rates(body: dict[str, Any], subgrouping: str, billable: dict[int, int]) -> list[tuple[Any, ...]]:
    """With ``distinct_rates=on`` each v2 item has one rate and currency: (group, sub-group, rate in cents,
    currency, billable seconds) for the items holding a billable entry (``billable``: id → seconds)."""
    out = []
    for group in body["data"]:
        for item in group["items"]:
            key = item["title"]["time_entry"] if subgrouping == "time_entries" else (int(item["ids"]) if item["ids"]
                                                                                     else None)
            entries = [int(i) for i in item["time_entry_ids"].split(",") if int(i) in billable]
            if entries:
                out.append((group["id"], key, cents(item["rate"]), item["cur"], sum(billable[i] for i in entries)))
    return sorted(out, key=repr)


def v3_rates(body: dict[str, Any], subgrouping: str) -> list[tuple[Any, ...]]:
    out = []
    for group in body["groups"]:
        for sub in group["sub_groups"]:
            key = sub["title"] if subgrouping == "time_entries" else sub["id"]
            out += [(group["id"], key, r["hourly_rate_in_cents"], r["currency"], r["billable_seconds"])
                    for r in sub["rates"]]
    return sorted(out, key=repr)


def zeros(values: list[Any]) -> list[int]:
    return [v or 0 for v in values]


def v2_weekly_view(client: TestClient, ids: Ids, params: dict[str, str]) -> tuple[dict[Any, list[int]], ...]:
    """(seconds per (owner, project), cents per (owner, project, currency), (owner, project) in v2's users
    order) from v2 ``weekly`` by projects and by users, time and earnings; days 1-7 only (no total)."""
    seconds: dict[Any, list[int]] = {}
    for row in v2(client, ids, "weekly", **params, grouping="projects")["data"]:
        for d in row["details"]:
            seconds[(d["uid"], row["pid"])] = [v // 1000 for v in zeros(d["totals"][:7])]
    money: dict[Any, list[int]] = {}
    for row in v2(client, ids, "weekly", **params, grouping="projects", calculate="earnings")["data"]:
        for d in row["details"]:
            for per in d["totals"]:
                if per is not None and per["currency"]:
                    money[(d["uid"], row["pid"], per["currency"])] = [cents(a) or 0 for a in per["amount"][:7]]
    order = {(row["uid"], d["pid"]): [] for row in v2(client, ids, "weekly", **params, grouping="users")["data"]
             for d in row["details"]}
    return seconds, {k: v for k, v in money.items() if any(v)}, order


def v3_weekly_view(rows: list[dict[str, Any]]) -> tuple[dict[Any, list[int]], ...]:
    seconds: dict[Any, list[int]] = {}
    money: dict[Any, list[int]] = {}
    order: dict[Any, list[int]] = {}
    for r in rows:
        key = (r["user_id"], r["project_id"])
        seconds[key] = [a + b for a, b in zip(seconds.get(key, [0] * 7), r["seconds"], strict=True)]
        if r["billable_amounts_in_cents"] is not None:
            mkey = (*key, r["currency"])
            money[mkey] = [a + b for a, b in zip(money.get(mkey, [0] * 7), r["billable_amounts_in_cents"], strict=True)]
        order[key] = []
    return seconds, {k: v for k, v in money.items() if any(v)}, order


# -- the properties ---------------------------------------------------------------------------------------

def _range(since: date, until: date) -> tuple[dict[str, str], dict[str, str]]:
    return {"since": since.isoformat(), "until": until.isoformat()}, {"start_date": since.isoformat(),
                                                                        "end_date": until.isoformat()}


class TestV3MatchesV2:
    @PARITY
    @given(world=worlds(sizes=rotated(71, 60)), data=st.data())  # mostly more than one v2 page
    def test_search_rows_and_totals(self, client: TestClient, db: Session, world: World, data: st.DataObject) -> None:
        """Every v3 row, page by page, is its v2 detailed row; v3 totals are v2's (seconds, cents, days)."""
        ids = arrange(db, world)
        f = data.draw(twin_filters(world), label="filters")
        (v2_range, v3_range) = _range(*data.draw(date_ranges(), label="range"))
        page_size = data.draw(st.sampled_from((50, 7, 1, 1000)), label="page size")
        first, rows2 = v2_details(client, ids, {**filter_params(f, ids), **v2_range})
        body = {**v3_filters(f, ids), **v3_range}
        rows3 = v3_search(client, ids, body, page_size)
        assert [r["row_number"] for r in rows3] == list(range(1, len(rows3) + 1))
        assert [v3_row_view(r) for r in rows3] == [v2_row_view(r) for r in rows2]

        totals = v3(client, ids, "search/time_entries/totals", body).json()
        assert (totals["seconds"], totals["billable_amount_in_cents"]) == (
            (first["total_grand"] or 0) // 1000, v2_billable_cents(first))
        assert totals["tracked_days"] == len({r["start"][:10] for r in rows2})  # owner-local dates (60- §5)

    @PARITY
    @given(world=worlds(), data=st.data())
    def test_summary_every_pair(self, client: TestClient, db: Session, world: World, data: st.DataObject) -> None:
        """Groups and sub-groups in v2's order with v2's seconds and entry ids; with rates distinguished,
        each (rate, currency) of a sub-group bills the seconds of v2's item at that rate."""
        ids = arrange(db, world)
        f = data.draw(twin_filters(world), label="filters")
        (v2_range, v3_range) = _range(*data.draw(date_ranges(), label="range"))
        params = {**filter_params(f, ids), **v2_range}
        _, rows2 = v2_details(client, ids, params)
        billable = {r["id"]: r["dur"] // 1000 for r in rows2 if r["is_billable"]}
        hidden = any(r["cur"] == "" for r in rows2)
        for grouping, subgrouping in SUMMARY_PAIRS:
            for distinct in (False, True):
                twin = v2(client, ids, "summary", **params, grouping=grouping, subgrouping=subgrouping,
                          subgrouping_ids="true", grouped_time_entry_ids="true",
                          distinct_rates="on" if distinct else "off")
                got = v3(client, ids, "summary/time_entries", {
                    **v3_filters(f, ids), **v3_range, "grouping": grouping, "sub_grouping": subgrouping,
                    "include_time_entry_ids": True, "distinguish_rates": distinct}).json()
                case = (grouping, subgrouping, distinct)
                assert v3_summary_view(got, subgrouping) == v2_summary_view(twin, subgrouping), case
                if hidden:
                    assert all(s["rates"] is None for g in got["groups"] for s in g["sub_groups"]), case
                elif distinct:
                    assert v3_rates(got, subgrouping) == v2_rates(twin, subgrouping, billable), case

    @PARITY
    @given(world=worlds(), data=st.data())
    def test_weekly(self, client: TestClient, db: Session, world: World, data: st.DataObject) -> None:
        """Per (owner, project) the seven days' seconds of v2 ``weekly``; per currency its earnings in cents;
        rows in v2's by-users order (owner name, then project title)."""
        ids = arrange(db, world)
        f = data.draw(twin_filters(world), label="filters")
        since = data.draw(weeks(), label="since")
        seconds2, money2, order2 = v2_weekly_view(client, ids, {**filter_params(f, ids), "since": since.isoformat()})
        rows = v3(client, ids, "weekly/time_entries", {**v3_filters(f, ids), "start_date": since.isoformat()}).json()
        seconds3, money3, order3 = v3_weekly_view(rows)
        assert seconds3 == seconds2
        assert list(order3) == list(order2)
        if any(r["currency"] == "" for r in rows):  # hidden money (../50- §4.4): no amount at all
            assert all(r["billable_amounts_in_cents"] is None and r["hourly_rate_in_cents"] is None for r in rows)
        else:
            assert money3 == money2

    @PARITY
    @given(world=worlds(), data=st.data())
    def test_csv_exports(self, client: TestClient, db: Session, world: World, data: st.DataObject) -> None:
        """60- §9: each v3 CSV export is the v2 export of the same filters (../50- §10), with ``duration_format``
        for ``display_hours`` and the summary and weekly options under their v3 names; only the detailed
        export's e-mails differ, shown to admins alone (V-24)."""
        ids = arrange(db, world)
        f = data.draw(twin_filters(world), label="filters")
        (v2_range, v3_range) = _range(*data.draw(date_ranges(), label="range"))
        decimal = data.draw(st.booleans(), label="decimal hours")
        grouping, subgrouping = data.draw(st.sampled_from(SUMMARY_PAIRS), label="summary pair")
        weekly = {"grouping": data.draw(st.sampled_from(("projects", "users")), label="weekly grouping"),
                  "calculate": data.draw(st.sampled_from(("time", "earnings")), label="calculate")}
        since = data.draw(weeks(), label="since").isoformat()
        params = {**filter_params(f, ids), "display_hours": "decimal" if decimal else "minutes"}
        body = {**v3_filters(f, ids), "duration_format": "decimal" if decimal else "classic"}
        for path2, extra2, path3, extra3 in (
                ("details.csv", v2_range, "search/time_entries.csv", v3_range),
                ("summary.csv", {**v2_range, "grouping": grouping, "subgrouping": subgrouping},
                 "summary/time_entries.csv", {**v3_range, "grouping": grouping, "sub_grouping": subgrouping}),
                ("weekly.csv", {"since": since, **weekly}, "weekly/time_entries.csv", {"start_date": since, **weekly})):
            twin = v2_response(client, ids, path2, **params, **extra2)
            got = v3(client, ids, path3, {**body, **extra3})
            expected = list(csv.reader(io.StringIO(twin.text)))
            if path2 == "details.csv" and not world.requester_admin:  # V-24: e-mails for admins only
                expected = [expected[0], *([row[0], "", *row[2:]] for row in expected[1:])]
            assert got.headers["content-type"] == twin.headers["content-type"], path3
            assert list(csv.reader(io.StringIO(got.text))) == expected, path3


def test_totals_of_a_day_without_entries(client: TestClient, db: Session) -> None:
    """The edge the properties found: a one-day range with nothing in it tracks 0 days, as v2 shows no row."""
    user = make_user(db, fullname="Ada Quint")
    ws = make_workspace(db, admin=user)
    make_entry(db, user=user, workspace_id=ws.id, start=datetime(2023, 10, 28, 10, tzinfo=UTC), seconds=600)
    ids = Ids(ws=ws.id, users=[user.id], headers=token_auth(user))
    for day, seconds, days in (("2023-10-27", 0, 0), ("2023-10-28", 600, 1)):
        first, rows = v2_details(client, ids, {"since": day, "until": day})
        totals = v3(client, ids, "search/time_entries/totals", {"start_date": day, "end_date": day}).json()
        assert ((first["total_grand"] or 0) // 1000, len(rows)) == (seconds, days)
        assert (totals["seconds"], totals["tracked_days"]) == (seconds, days), day
