"""Reports in the browser: every figure on the summary, detailed and weekly pages equals the Reports v2 API's
answer for the same filters; the charts show the per-day and per-project figures; the downloads are the API's
exports; no one reads another workspace's report.

The module's workspace (``arrange``), relative to today in Europe/Berlin: two users (Ada, the admin who
looks, and Ben), three projects (Apollo and Borealis of client Acme, Cosmos of client Zenith), entries
without project, tags, a group, billable rates in EUR and USD, over this week and last week, one entry
crossing local midnight.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
import pypdf
import pytest
from playwright.sync_api import Page, expect

from punchclock.http.web import formats
from punchclock.http.web.report_ranges import week_start
from punchclock.reports.days import local_today
from tests.factories import (
    add_member,
    add_project_user,
    make_client,
    make_entry,
    make_group,
    make_project,
    make_tag,
    make_user,
    make_workspace,
)
from tests.web.browser import PASSWORD, WebServer, check_a11y, shoot, sign_in

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass
class World:
    ws: int
    ada_email: str
    ada_token: str
    ada_id: int
    ben_id: int
    otto_email: str
    otto_id: int
    otto_ws: int
    projects: dict[str, int]
    clients: dict[str, int]
    tags: dict[str, int]
    group: int
    this_week: date
    last_week: date
    ben_email: str = ""
    ben_token: str = ""


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN).astimezone(UTC)


def arrange(server: WebServer) -> World:
    db = server.session()
    ada = make_user(db, email=server.email("ada"), password=PASSWORD, fullname="Ada Lovelace",
                    timezone="Europe/Berlin", date_format="DD.MM.YYYY")
    ben = make_user(db, email=server.email("ben"), password=PASSWORD, fullname="Ben Ruiz", timezone="Europe/Berlin")
    otto = make_user(db, email=server.email("otto"), password=PASSWORD, fullname="Otto Out", timezone="Europe/Berlin")
    ws = make_workspace(db, admin=ada, name="Studio", default_currency="EUR")
    ben_member = add_member(db, ws, ben)
    night = make_group(db, workspace_id=ws.id, name="Night shift", members=[ben_member])
    ada.default_workspace_id = ws.id
    db.commit()
    acme, zenith = (make_client(db, workspace_id=ws.id, name=n) for n in ("Acme", "Zenith"))
    # The rate chain (50-reports §4): Apollo 50 EUR/h, Ben on Apollo 40 EUR/h, Cosmos 30 USD/h.
    apollo = make_project(db, workspace_id=ws.id, name="Apollo", client_id=acme.id, color=3, rate=Decimal("50"))
    borealis = make_project(db, workspace_id=ws.id, name="Borealis", client_id=acme.id, color=7)
    cosmos = make_project(db, workspace_id=ws.id, name="Cosmos", client_id=zenith.id, color=11, rate=Decimal("30"),
                          currency="USD")
    add_project_user(db, apollo, ben, rate=Decimal("40"))
    urgent, meeting = (make_tag(db, workspace_id=ws.id, name=n) for n in ("urgent", "meeting"))
    this_week = week_start(local_today("Europe/Berlin"), 1)
    last = this_week - timedelta(days=7)

    def entry(user: Any, day: date, hour: int, minute: int, seconds: int, **fields: Any) -> None:
        make_entry(db, user=user, workspace_id=ws.id, start=_at(day, hour, minute), seconds=seconds, **fields)

    entry(ada, last, 9, 0, 7200, project_id=apollo.id, description="Design review", tags=[urgent], billable=True)
    entry(ada, last + timedelta(days=1), 10, 0, 5400, project_id=borealis.id, description="Standup", tags=[meeting])
    entry(ben, last + timedelta(days=2), 14, 0, 2700, project_id=apollo.id, description="Design review", billable=True)
    # 23:30 to 00:30 in Berlin: counted on the day it starts.
    entry(ben, last + timedelta(days=3), 23, 30, 3600, description="Night deploy")
    entry(ada, last + timedelta(days=4), 8, 0, 10800, project_id=cosmos.id, description="Planning", billable=True)
    entry(ada, last + timedelta(days=4), 13, 0, 1234, project_id=cosmos.id, description="", tags=[urgent, meeting])
    entry(ada, this_week, 9, 0, 4500, project_id=apollo.id, description="Design review", billable=True)
    entry(ben, this_week + timedelta(days=1), 11, 0, 7200, project_id=borealis.id, description="Client call",
          tags=[meeting])
    # Otto's own workspace: never in Studio's reports.
    make_entry(db, user=otto, start=_at(last, 12, 0), seconds=999, description="Otto's secret")
    world = World(ws.id, ada.email, ada.api_token, ada.id, ben.id, otto.email, otto.id, otto.default_workspace_id or 0,
                  {"Apollo": apollo.id, "Borealis": borealis.id, "Cosmos": cosmos.id},
                  {"Acme": acme.id, "Zenith": zenith.id}, {"urgent": urgent.id, "meeting": meeting.id}, night.id,
                  this_week, last)
    world.ben_email, world.ben_token = ben.email, ben.api_token
    db.close()
    return world


def api(server: WebServer, world: World, path: str, query: list[tuple[str, str]], token: str = "") -> httpx.Response:
    """``/reports/api/v2/<path>`` as Ada (or the owner of ``token``), with the API token."""
    params: list[tuple[str, str | int | float | bool | None]] = [("user_agent", "tests"),
                                                                  ("workspace_id", str(world.ws)), *query]
    answer = httpx.get(server.url(f"/reports/api/v2/{path}"), params=params,
                       auth=(token or world.ada_token, "api_token"))
    assert answer.status_code == 200, answer.text
    return answer


def hms(ms: int | None) -> str:
    return formats.show_duration((ms or 0) // 1000)


def money(amount: Any, currency: str | None) -> str:
    return formats.show_money(Decimal(str(amount)), currency)


def totals_texts(body: dict[str, Any]) -> dict[str, str]:
    """What the page's totals line must say for an API answer."""
    billed = [c for c in body["total_currencies"] if c["currency"]]
    return {
        "#total-time": hms(body["total_grand"]),
        "#billable-time": hms(body["total_billable"]),
        "#amounts": "".join(money(c["amount"], c["currency"]) for c in billed) or "0.00",
    }


DASH = "\u2013"
ROWS = ("table => Array.from(table.querySelectorAll('tbody tr, tfoot tr'))"
        ".map(r => [r.className, ...Array.from(r.cells).map(c => c.innerText.trim())])")


@pytest.fixture(scope="module")
def world(server: WebServer) -> World:
    return arrange(server)


def _week(world: World, which: str = "last") -> list[tuple[str, str]]:
    first = world.last_week if which == "last" else world.this_week
    return [("since", first.isoformat()), ("until", (first + timedelta(days=6)).isoformat())]


def _open(page: Page, server: WebServer, world: World, path: str) -> None:
    if "ada" not in ((page.context.cookies() and "signed") or ""):
        pass
    page.goto(server.url(path))
    if "/login" in page.url:
        sign_in(page, server, world.ada_email)
        page.goto(server.url(path))


def _query(items: list[tuple[str, str]]) -> str:
    return urlencode(items)


def _expect_totals(page: Page, body: dict[str, Any]) -> None:
    for selector, text in totals_texts(body).items():
        expect(page.locator(selector)).to_have_text(text)


# -- summary ------------------------------------------------------------------------------------------

def _title(t: dict[str, Any], with_client: bool = True) -> str:
    if "project" in t:
        name = t["project"] or "(no project)"
        return f"{name} · {t['client']}" if with_client and t.get("client") else name
    if "client" in t:
        return t["client"] or "(no client)"
    if "time_entry" in t:
        return t["time_entry"] or "(no description)"
    return t.get("user") or t.get("task") or "(no task)"


def _group_money(items: list[dict[str, Any]]) -> str:
    sums: dict[str, Any] = {}
    for i in items:
        if i["sum"]:
            sums[i["cur"]] = sums.get(i["cur"], 0) + i["sum"]
    return "".join(money(sums[c], c) for c in sorted(sums))


def _summary_rows(body: dict[str, Any]) -> list[list[str]]:
    rows = []
    for g in body["data"]:
        rows.append(["group-row", _title(g["title"]), hms(g["time"]), _group_money(g["items"])])
        rows += [["item-row", _title(i["title"]), hms(i["time"]), money(i["sum"], i["cur"]) if i["sum"] else ""]
                 for i in g["items"]]
    return rows


def _check_summary(page: Page, server: WebServer, world: World, query: list[tuple[str, str]]) -> dict[str, Any]:
    _open(page, server, world, "/reports/summary?range=custom&" + _query(query))
    body: dict[str, Any] = api(server, world, "summary", query).json()
    _expect_totals(page, body)
    if body["data"]:
        assert page.locator("table.summary-table").evaluate(ROWS) == _summary_rows(body), query
    else:
        expect(page.get_by_text("No time entries match these filters.")).to_be_visible()
    return body


def test_summary_of_last_week_equals_the_api(page: Page, server: WebServer, world: World) -> None:
    page.goto(server.url("/reports/summary?range=last_week"))
    sign_in(page, server, world.ada_email)
    page.goto(server.url("/reports/summary?range=last_week"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Summary report")
    expect(page.get_by_label("Period")).to_have_value("last_week")
    expect(page.get_by_label("From")).to_have_value(world.last_week.isoformat())
    body = api(server, world, "summary", _week(world)).json()
    _expect_totals(page, body)
    # 2 h + 1.5 h + 0.75 h + 1 h + 3 h + 20:34 = 8:35:34; billable 2 h + 0.75 h + 3 h.
    expect(page.locator("#total-time")).to_have_text("8:35:34")
    expect(page.locator("#billable-time")).to_have_text("5:45:00")
    expect(page.locator("#amounts")).to_have_text("130.00 EUR90.00 USD")
    assert page.locator("table.summary-table").evaluate(ROWS) == _summary_rows(body)
    assert page.locator("table.summary-table").evaluate(ROWS)[0] == ["group-row", "Apollo · Acme", "2:45:00",
                                                                      "130.00 EUR"]
    check_a11y(page)
    shoot(page, server, "reports-summary")


@pytest.mark.parametrize("query", [
    [("project_ids", "apollo")],
    [("project_ids", "0")],
    [("project_ids", "cosmos"), ("project_ids", "0")],
    [("client_ids", "acme")],
    [("client_ids", "0")],
    [("user_ids", "ben")],
    [("members_of_group_ids", "night")],
    [("tag_ids", "urgent")],
    [("tag_ids", "0")],
    [("billable", "yes")],
    [("billable", "no")],
    [("description", "design")],
    [("grouping", "users"), ("subgrouping", "projects")],
    [("grouping", "clients"), ("subgrouping", "users")],
], ids=lambda q: "-".join(f"{k}={v}" for k, v in q))
def test_summary_filters_equal_the_api(page: Page, server: WebServer, world: World,
                                       query: list[tuple[str, str]]) -> None:
    _check_summary(page, server, world, _week(world) + _resolve(world, query))


def test_a_custom_range_across_two_weeks_equals_the_api(page: Page, server: WebServer, world: World) -> None:
    since, until = world.last_week + timedelta(days=3), world.this_week + timedelta(days=1)
    body = _check_summary(page, server, world, [("since", since.isoformat()), ("until", until.isoformat())])
    # Ben's night deploy, Ada's planning and 20:34, this week's two entries.
    assert body["total_grand"] == (3600 + 10800 + 1234 + 4500 + 7200) * 1000
    expect(page.locator("rect.bar")).to_have_count(6)


def _resolve(world: World, query: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Names in the parametrized queries -> this module's ids."""
    names = {**{k.lower(): v for k, v in world.projects.items()}, **{k.lower(): v for k, v in world.clients.items()},
             **world.tags, "ben": world.ben_id, "night": world.group, "ada": world.ada_id}
    return [(k, str(names.get(v, v))) for k, v in query]


# -- charts -------------------------------------------------------------------------------------------

def test_charts_show_the_time_per_day_and_the_share_per_project(page: Page, server: WebServer,
                                                                 world: World) -> None:
    _open(page, server, world, "/reports/summary?range=last_week")
    week = api(server, world, "weekly", [("since", world.last_week.isoformat())]).json()
    per_day = [hms(ms) for ms in week["week_totals"][:7]]
    expect(page.locator("svg.bars rect.bar")).to_have_count(7)
    titles = page.locator("svg.bars rect.bar title").all_text_contents()
    days = [world.last_week + timedelta(days=i) for i in range(7)]
    assert titles == [f"{formats.show_date(d, 'DD.MM.YYYY')}: {t}" for d, t in zip(days, per_day, strict=True)]
    assert page.locator("table.time-table").evaluate(ROWS) == [
        ["", formats.show_date(d, "DD.MM.YYYY"), t] for d, t in zip(days, per_day, strict=True)]
    assert per_day == ["2:00:00", "1:30:00", "0:45:00", "1:00:00", "3:20:34", "0:00:00", "0:00:00"]
    # The bars' heights follow the seconds: the longest day is full height, an empty day has none.
    heights = page.locator("svg.bars rect.bar").evaluate_all("rs => rs.map(r => Number(r.getAttribute('height')))")
    assert heights[4] == 100 and heights[5] == 0 and heights[0] == pytest.approx(7200 * 100 / 12034, abs=0.001)
    by_project = api(server, world, "summary", _week(world)).json()
    total = by_project["total_grand"]
    expected = sorted(([_title(g["title"], False), g["time"]] for g in by_project["data"]), key=lambda r: -r[1])
    legend = page.locator("table.legend").evaluate(ROWS)
    assert [[r[1].split(" · ")[0], r[2], r[3]] for r in legend] == [
        [name, hms(ms), f"{_percent(ms, total)}%"] for name, ms in expected]
    assert [r[1:] for r in legend] == [["Cosmos · Zenith", "3:20:34", "38.9%"], ["Apollo · Acme", "2:45:00", "32.0%"],
                                       ["Borealis · Acme", "1:30:00", "17.5%"], ["(no project)", "1:00:00", "11.6%"]]


def _percent(part: int, whole: int) -> str:
    return str((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# -- detailed -----------------------------------------------------------------------------------------

def _detailed_rows(body: dict[str, Any]) -> list[list[str]]:
    rows = []
    for r in body["data"]:
        start, end = (datetime.fromisoformat(r[k]).astimezone(BERLIN) for k in ("start", "end"))
        span = f"{start:%H:%M} {DASH} {end:%H:%M}" + (f" (+{(end.date() - start.date()).days} d)"
                                                   if end.date() != start.date() else "")
        project = f"{r['project']} · {r['client']}" if r["client"] else (r["project"] or "(no project)")
        rows.append(["", formats.show_date(start.date(), "DD.MM.YYYY"), r["description"] or "(no description)",
                     project, r["user"], " ".join(r["tags"]), span, hms(r["dur"]),
                     money(r["billable"], r["cur"]) if r["is_billable"] else ""])
    return rows


def test_detailed_of_last_week_equals_the_api(page: Page, server: WebServer, world: World) -> None:
    _open(page, server, world, "/reports/detailed?range=last_week")
    body = api(server, world, "details", _week(world)).json()
    _expect_totals(page, body)
    rows = page.locator("table.detailed-table").evaluate(ROWS)
    assert rows == _detailed_rows(body)
    night = next(r for r in rows if r[2] == "Night deploy")
    assert night[1:] == [formats.show_date(world.last_week + timedelta(days=3), "DD.MM.YYYY"), "Night deploy",
                         "(no project)", "Ben Ruiz", "", f"23:30 {DASH} 00:30 (+1 d)", "1:00:00", ""]
    expect(page.get_by_text(f"Entries 1{DASH}6 of 6 · page 1 of 1")).to_be_visible()
    check_a11y(page)
    shoot(page, server, "reports-detailed")


@pytest.mark.parametrize("query", [[("project_ids", "cosmos")], [("tag_ids", "meeting")], [("user_ids", "ada")],
                                   [("billable", "yes"), ("client_ids", "acme")]],
                         ids=lambda q: "-".join(f"{k}={v}" for k, v in q))
def test_detailed_filters_equal_the_api(page: Page, server: WebServer, world: World,
                                        query: list[tuple[str, str]]) -> None:
    q = _week(world) + _resolve(world, query)
    _open(page, server, world, "/reports/detailed?range=custom&" + _query(q))
    body = api(server, world, "details", q).json()
    _expect_totals(page, body)
    assert page.locator("table.detailed-table").evaluate(ROWS) == _detailed_rows(body)


# -- weekly -------------------------------------------------------------------------------------------

def _week_cells(totals: list[Any]) -> list[str]:
    return [hms(ms) if ms is not None else "" for ms in totals]


def _weekly_rows(body: dict[str, Any]) -> list[list[str]]:
    rows = []
    for row in body["data"]:
        rows.append(["group-row", _title(row["title"]), *_week_cells(row["totals"])])
        rows += [["item-row", _title(d["title"]), *_week_cells(d["totals"])] for d in row["details"]]
    rows.append(["total-row", "Total", *_week_cells(body["week_totals"])])
    return rows


@pytest.mark.parametrize("grouping", ["projects", "users"])
def test_weekly_equals_the_api(page: Page, server: WebServer, world: World, grouping: str) -> None:
    _open(page, server, world, f"/reports/weekly?range=last_week&grouping={grouping}")
    body = api(server, world, "weekly", [("since", world.last_week.isoformat()), ("grouping", grouping)]).json()
    _expect_totals(page, body)
    rows = page.locator("table.weekly-table").evaluate(ROWS)
    assert rows == _weekly_rows(body)
    assert rows[-1] == ["total-row", "Total", "2:00:00", "1:30:00", "0:45:00", "1:00:00", "3:20:34", "", "", "8:35:34"]
    if grouping == "projects":
        check_a11y(page)
        shoot(page, server, "reports-weekly")


# -- downloads ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,api_path", [("summary", "summary"), ("detailed", "details"), ("weekly", "weekly")])
def test_downloads_are_the_api_exports(page: Page, server: WebServer, world: World, kind: str,
                                       api_path: str) -> None:
    acme = str(world.clients["Acme"])
    _open(page, server, world, f"/reports/{kind}?range=last_week&client_ids={acme}&client_ids=0")
    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download CSV").click()
    path = csv_download.value.path()
    query = [*_week(world), ("client_ids", acme), ("client_ids", "0")]
    expected = api(server, world, f"{api_path}.csv", query).content
    assert path is not None and path.read_bytes() == expected
    assert b"Night deploy" in expected or kind != "detailed"
    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF").click()
    pdf_path = pdf_download.value.path()
    assert pdf_path is not None
    data = pdf_path.read_bytes()
    assert data.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    body = api(server, world, "details", query).json()
    assert hms(body["total_grand"]) in text  # 2 h + 1.5 h + 0.75 h + 1 h
    assert body["total_grand"] == 18900 * 1000


def test_downloads_over_plain_http_read_the_preset_and_refuse_bad_dates(page: Page, server: WebServer,
                                                                        world: World) -> None:
    """Without the page: a preset period in the link is resolved as on the page; a bad range is a 400."""
    _open(page, server, world, "/reports/summary")
    answer = page.request.get(server.url("/reports/weekly.csv?range=last_week&grouping=users"))
    assert answer.status == 200 and answer.headers["content-type"] == "text/csv; charset=utf-8"
    expected = api(server, world, "weekly.csv", [("since", world.last_week.isoformat()), ("grouping", "users")])
    assert answer.body() == expected.content
    assert answer.headers["content-disposition"] == expected.headers["content-disposition"]
    decimal = page.request.get(server.url("/reports/summary.csv?range=last_week&display_hours=decimal"))
    assert decimal.body() == api(server, world, "summary.csv", [*_week(world), ("display_hours", "decimal")]).content
    assert b"Apollo,Acme,Design review,2.75,130.00,EUR" in decimal.body()  # 2:45:00 in hours
    bad = page.request.get(server.url("/reports/detailed.csv?range=custom&since=2026-03-10&until=2026-03-01"))
    assert bad.status == 400 and "<h1>Something went wrong</h1>" in bad.text()
    assert page.request.get(server.url("/reports/detailed.xlsx?range=last_week")).status == 404


# -- permissions --------------------------------------------------------------------------------------

def test_an_outsider_cannot_read_the_workspace(page: Page, server: WebServer, world: World) -> None:
    page.goto(server.url("/login"))
    sign_in(page, server, world.otto_email)
    # Through the page's cookies, outside the page: the browser logs a 403 document as a console error.
    answer = page.request.get(server.url(f"/reports/summary?workspace_id={world.ws}&range=last_week"))
    assert answer.status == 403
    assert "<h1>Not allowed</h1>" in answer.text() and "User is not a member of this workspace" in answer.text()
    assert "Design review" not in answer.text()
    for path in ("summary.csv", "detailed.pdf", "weekly"):
        assert page.request.get(server.url(f"/reports/{path}?workspace_id={world.ws}")).status == 403
    # Otto's own workspace, filtered on Ada: nothing of hers.
    page.goto(server.url(f"/reports/detailed?range=last_week&user_ids={world.ada_id}"))
    expect(page.locator("#total-time")).to_have_text("0:00:00")
    expect(page.get_by_text("No time entries match these filters.")).to_be_visible()


def test_a_foreign_user_filter_yields_nothing(page: Page, server: WebServer, world: World) -> None:
    for kind in ("summary", "detailed", "weekly"):
        _open(page, server, world, f"/reports/{kind}?range=last_week&user_ids={world.otto_id}")
        expect(page.locator("#total-time")).to_have_text("0:00:00")
        expect(page.locator("#entry-count")).to_have_text("0")
        expect(page.get_by_text("Otto's secret")).to_have_count(0)


def test_a_member_sees_what_the_api_shows_them(page: Page, server: WebServer, world: World) -> None:
    page.goto(server.url("/login"))
    sign_in(page, server, world.ben_email)
    page.goto(server.url(f"/reports/summary?range=last_week&workspace_id={world.ws}"))
    body = api(server, world, "summary", _week(world), world.ben_token).json()
    _expect_totals(page, body)
    assert page.locator("table.summary-table").evaluate(ROWS) == _summary_rows(body)
    # The group list is for admins, as in the API.
    expect(page.locator("details.filter-list > summary", has_text=re.compile("^Groups"))).to_have_count(0)
    expect(page.locator("details.filter-list > summary", has_text=re.compile("^Projects"))).to_have_count(1)


def test_signed_out_the_reports_ask_to_sign_in(page: Page, server: WebServer) -> None:
    page.goto(server.url("/reports/weekly?range=last_week"))
    expect(page).to_have_url(re.compile(r"/login\?next=%2Freports%2Fweekly%3Frange%3Dlast_week$"))


# -- the form -----------------------------------------------------------------------------------------

def _open_list(page: Page, name: str) -> None:
    page.locator("details.filter-list > summary", has_text=re.compile(f"^{name}")).click()


def test_the_form_presets_and_tabs_keep_the_filters(page: Page, server: WebServer, world: World) -> None:
    _open(page, server, world, "/reports/summary")
    expect(page.get_by_label("Period")).to_have_value("this_week")
    expect(page.get_by_label("From")).to_have_value(world.this_week.isoformat())
    expect(page.locator("#total-time")).to_have_text("3:15:00")
    page.get_by_label("Period").select_option("last_week")  # the script shows it at once
    expect(page).to_have_url(re.compile(r"range=last_week"))
    expect(page.locator("#total-time")).to_have_text("8:35:34")
    _open_list(page, "Clients")
    page.get_by_label("Acme", exact=True).check()
    _open_list(page, "Tags")
    page.get_by_label("urgent", exact=True).check()
    page.get_by_role("button", name="Show report").click()
    query = [*_week(world), ("client_ids", str(world.clients["Acme"])), ("tag_ids", str(world.tags["urgent"]))]
    body = api(server, world, "summary", query).json()
    expect(page.locator("#total-time")).to_have_text(hms(body["total_grand"]))
    assert body["total_grand"] == 7200 * 1000
    page.get_by_role("link", name="Detailed").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Detailed report")
    expect(page.locator("#total-time")).to_have_text("2:00:00")
    _open_list(page, "Clients")
    expect(page.get_by_label("Acme", exact=True)).to_be_checked()
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Summary report")
    page.get_by_label("From").fill((world.last_week + timedelta(days=1)).isoformat())
    expect(page.get_by_label("Period")).to_have_value("custom")


def test_a_start_after_the_end_is_shown_on_the_form(page: Page, server: WebServer, world: World) -> None:
    _open(page, server, world, "/reports/summary?range=custom&since=2026-03-10&until=2026-03-01")
    expect(page.get_by_role("alert")).to_have_text("The start date is after the end date.")
    expect(page.get_by_label("From")).to_have_value("2026-03-10")
    expect(page.locator("#total-time")).to_have_count(0)


def test_the_detailed_report_pages_by_fifty(page: Page, server: WebServer) -> None:
    db = server.session()
    pat = make_user(db, email=server.email("pat"), password=PASSWORD, fullname="Pat Page", timezone="Europe/Berlin")
    day = date(2026, 2, 2)
    for i in range(52):
        make_entry(db, user=pat, start=f"{day.isoformat()}T{6 + i // 4:02d}:{(i % 4) * 15:02d}:00Z", seconds=600,
                   description=f"Entry {i:02d}")
    db.close()
    page.goto(server.url("/login"))
    sign_in(page, server, pat.email)
    page.goto(server.url("/reports/detailed?range=custom&since=2026-02-02&until=2026-02-02"))
    expect(page.locator("table.detailed-table tbody tr")).to_have_count(50)
    expect(page.locator("#total-time")).to_have_text("8:40:00")
    page.get_by_role("link", name="Next page").click()
    expect(page.locator("table.detailed-table tbody tr")).to_have_count(2)
    expect(page.get_by_text(f"Entries 51{DASH}52 of 52 · page 2 of 2")).to_be_visible()
    assert page.locator("table.detailed-table").evaluate(ROWS)[-1][2] == "Entry 00"
    page.get_by_role("link", name="Previous page").click()
    expect(page.locator("table.detailed-table tbody tr").first).to_contain_text("Entry 51")
