"""toggl-api-wrapper 2.2.0, unmodified, against a live server: its Reports v3 classes (60-reports-v3).

The wrapper (import name ``toggl_api``) runs in its own venv and is redirected by assigning its
``ReportEndpoint.BASE_ENDPOINT`` class attribute at run time (drivers/toggl_api_wrapper_reports.py). The
test arranges one user's two days through our v9 API — two projects at different rates, a client, a tag,
an entry without project — then runs the wrapper's summary, detailed report (every page, following the
``X-Next-*`` headers the way the wrapper does), totals with a graph, weekly report, project summaries and
the CSV/PDF exports, and checks every figure to the second and the cent.
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.clients.support import PASSWORD, ClientError, Driver, Live, client_env, http, signup

#: The second day; the first is the day before. Both lie within the default one-year window.
DAY = (datetime.now(UTC) - timedelta(days=2)).date()
FIRST = DAY - timedelta(days=1)
RANGE = {"start_date": FIRST.isoformat(), "end_date": DAY.isoformat()}


def at(day: date, hhmm: str) -> str:
    return f"{day.isoformat()}T{hhmm}+00:00"


def z(day: date, hhmm: str) -> str:
    return f"{day.isoformat()}T{hhmm}Z"


@pytest.fixture
def driver(live: Live, toggl_api_wrapper_python: Path, tmp_path: Path) -> Iterator[Driver]:
    env = client_env(tmp_path, PUNCHCLOCK_CLIENT_BASE=live.base)
    d = Driver(toggl_api_wrapper_python, "toggl_api_wrapper_reports.py", env, tmp_path / "toggl_api_wrapper.err")
    yield d
    d.close()


class Week:
    """Ada's two days (UTC): 80.00/h on "Website relaunch" (client Northwind), the workspace's 50.00/h on
    "Bakery app", and a non-billable entry without project. Amounts per entry, half-up (../50- §4.3)."""

    def __init__(self, base: str) -> None:
        user = signup(base)
        self.uid, self.wid, self.token, self.email = user["id"], user["default_wid"], user["api_token"], user["email"]
        ws = f"/api/v9/workspaces/{self.wid}"
        http(base, "PUT", ws, {"default_hourly_rate": 50}, self.token)
        self.cid = http(base, "POST", f"{ws}/clients", {"name": "Northwind Bakery"}, self.token)["id"]
        self.web = http(base, "POST", f"{ws}/projects", {"name": "Website relaunch", "client_id": self.cid,
                                                         "billable": True, "rate": 80}, self.token)["id"]
        self.app = http(base, "POST", f"{ws}/projects", {"name": "Bakery app", "billable": True}, self.token)["id"]
        self.ids: dict[str, int] = {}
        for name, day, start, stop, pid, billable, tags in (
                ("Standup", DAY, "08:00:00", "09:30:00", self.web, True, ["meeting"]),   # 5400 s, 120.00
                ("Coding", DAY, "10:00:00", "11:15:00", self.web, True, []),             # 4500 s, 100.00
                ("Review", DAY, "13:00:00", "13:20:05", self.app, True, []),             # 1205 s, 16.736 → 16.74
                ("Email", DAY, "15:00:00", "15:45:00", None, False, []),                 # 2700 s, not billable
                ("Planning", FIRST, "09:00:00", "10:00:00", self.app, True, [])):        # 3600 s, 50.00
            body = {"workspace_id": self.wid, "description": name, "start": at(day, start), "stop": at(day, stop),
                    "project_id": pid, "billable": billable, "tags": tags, "created_with": "pytest"}
            self.ids[name] = http(base, "POST", f"{ws}/time_entries", body, self.token)["id"]
        self.tag = next(t["id"] for t in http(base, "GET", f"{ws}/tags", token=self.token) if t["name"] == "meeting")

    def call(self, driver: Driver, fn: str, **kwargs: Any) -> Any:
        return driver.call(fn, token=self.token, workspace_id=self.wid, **kwargs)


@pytest.fixture
def week(live: Live) -> Week:
    return Week(live.base)


# -- summary ---------------------------------------------------------------------------------------------

def test_summary_by_projects_and_descriptions(week: Week, driver: Driver) -> None:
    """60- §6: groups by project title (null last), sub-groups by description; the wrapper asks for ids."""
    got = week.call(driver, "summary", body=RANGE)
    e = week.ids

    def sub(title: str, seconds: int, rate: int | None, entry: str) -> dict[str, Any]:
        rates = [] if rate is None else [{"billable_seconds": seconds, "hourly_rate_in_cents": rate,
                                          "currency": "USD"}]
        return {"id": None, "title": title, "seconds": seconds, "rates": rates, "ids": [e[entry]]}

    assert got == {"groups": [
        {"id": week.app, "sub_groups": [sub("Planning", 3600, 5000, "Planning"), sub("Review", 1205, 5000, "Review")]},
        {"id": week.web, "sub_groups": [sub("Coding", 4500, 8000, "Coding"), sub("Standup", 5400, 8000, "Standup")]},
        {"id": None, "sub_groups": [sub("Email", 2700, None, "Email")]}]}


def test_summary_by_clients_and_projects_without_project_filter(week: Week, driver: Driver) -> None:
    """``[None]`` is the wrapper's documented "without project" (60- §3, V-30)."""
    by_client = week.call(driver, "summary", body={**RANGE, "grouping": "clients", "sub_grouping": "projects",
                                                   "include_time_entry_ids": False})
    # include_time_entry_ids=False: the wrapper leaves the key out (it sends only a true value), so no ids.
    assert [(g["id"], [(s["id"], s["title"], s["seconds"], s["ids"]) for s in g["sub_groups"]])
            for g in by_client["groups"]] == [
        (week.cid, [(week.web, None, 9900, None)]),
        (None, [(week.app, None, 4805, None), (None, None, 2700, None)])]
    e = week.ids
    without = week.call(driver, "summary", body={**RANGE, "project_ids": [None]})
    assert without == {"groups": [{"id": None, "sub_groups": [
        {"id": None, "title": "Email", "seconds": 2700, "rates": [], "ids": [e["Email"]]}]}]}


def test_email_and_password_and_wrong_credentials(week: Week, driver: Driver) -> None:
    """60- §2: v3 also takes e-mail and password (unlike v2); a wrong password is the wrapper's HTTP error."""
    got = driver.call("summary", token=week.email, password=PASSWORD, workspace_id=week.wid,
                      body={**RANGE, "project_ids": [week.web]})
    assert [(g["id"], [(s["title"], s["seconds"]) for s in g["sub_groups"]]) for g in got["groups"]] == [
        (week.web, [("Coding", 4500), ("Standup", 5400)])]
    with pytest.raises(ClientError) as denied:
        driver.call("summary", token=week.email, password="wrong-password", workspace_id=week.wid, body=RANGE)
    assert (denied.value.kind, denied.value.message) == ("ApiError", '403: "Incorrect username and/or password"')


# -- detailed: every page, then the totals -----------------------------------------------------------------

def expected_rows(week: Week) -> list[dict[str, Any]]:
    """Newest first (60- §4.1), one entry per row, amounts per entry in cents."""
    common = {"user_id": week.uid, "username": "Ada Lovelace", "task_id": None, "task_name": None, "currency": "USD"}
    web = {"project_id": week.web, "project_name": "Website relaunch", "client_name": "Northwind Bakery",
           "hourly_rate_in_cents": 8000}
    app = {"project_id": week.app, "project_name": "Bakery app", "client_name": None, "hourly_rate_in_cents": 5000}
    none = {"project_id": None, "project_name": None, "client_name": None, "hourly_rate_in_cents": 5000}
    rows = [("Email", none, False, None, [], DAY, "15:00:00", "15:45:00", 2700),
            ("Review", app, True, 1674, [], DAY, "13:00:00", "13:20:05", 1205),
            ("Coding", web, True, 10000, [], DAY, "10:00:00", "11:15:00", 4500),
            ("Standup", web, True, 12000, ["meeting"], DAY, "08:00:00", "09:30:00", 5400),
            ("Planning", app, True, 5000, [], FIRST, "09:00:00", "10:00:00", 3600)]
    return [{**common, **project, "row_number": n, "description": name, "billable": billable,
             "billable_amount_in_cents": cents, "tag_names": tags, "tag_ids": [week.tag] if tags else [],
             "entries": [(week.ids[name], seconds, z(day, start), z(day, stop))]}
            for n, (name, project, billable, cents, tags, day, start, stop, seconds) in enumerate(rows, 1)]


def row_view(row: dict[str, Any]) -> dict[str, Any]:
    keys = ("row_number", "user_id", "username", "project_id", "project_name", "client_name", "task_id",
            "task_name", "description", "billable", "billable_amount_in_cents", "hourly_rate_in_cents", "currency",
            "tag_names", "tag_ids")
    entries = [(t["id"], t["seconds"], utc_z(t["start"]), utc_z(t["stop"])) for t in row["time_entries"]]
    return {**{k: row[k] for k in keys}, "entries": entries}


def utc_z(text: str) -> str:
    """A date-time as the same instant in UTC, ``…Z``: the contract allows any rendering of UTC."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_detailed_pages_follow_next_headers(week: Week, driver: Driver) -> None:
    """60- §4.3: pages of 2 rows; the wrapper reads X-Next-ID/X-Next-Row-Number and sends them back."""
    pages = week.call(driver, "detailed_pages", body=RANGE, page_size=2)
    e = week.ids
    assert [(p["next_id"], p["next_row"]) for p in pages] == [(e["Coding"], 3), (e["Planning"], 5), (None, None)]
    assert [row_view(r) for p in pages for r in p["rows"]] == expected_rows(week)
    assert [len(p["rows"]) for p in pages] == [2, 2, 1]


def test_detailed_one_page_hidden_amounts_and_filters(week: Week, driver: Driver) -> None:
    [page] = week.call(driver, "detailed_pages", body=RANGE, page_size=50)
    assert [row_view(r) for r in page["rows"]] == expected_rows(week)
    assert (page["next_id"], page["next_row"]) == (None, None)

    [hidden] = week.call(driver, "detailed_pages", body=RANGE, page_size=50, hide_amounts=True)
    assert [(r["billable_amount_in_cents"], r["hourly_rate_in_cents"], r["currency"]) for r in hidden["rows"]] == [
        (None, None, "USD")] * 5
    [tagged] = week.call(driver, "detailed_pages", body={**RANGE, "tag_ids": [week.tag], "description": "STAND"},
                         page_size=50)
    assert [(r["row_number"], r["time_entries"][0]["id"]) for r in tagged["rows"]] == [(1, week.ids["Standup"])]


def test_totals_with_graph(week: Week, driver: Driver) -> None:
    """60- §5: 17405 s; 120.00 + 100.00 + 16.74 + 50.00 = 286.74; a day graph of the two days."""
    got = week.call(driver, "totals", body=RANGE, granularity="day", with_graph=True)
    assert {k: got[k] for k in ("seconds", "tracked_days", "billable_amount_in_cents", "labour_cost_in_cents",
                                "resolution")} == {
        "seconds": 17405, "tracked_days": 2, "billable_amount_in_cents": 28674, "labour_cost_in_cents": None,
        "resolution": "day"}
    assert got["graph"] == [
        {"seconds": 3600, "billable_amount_in_cents": 5000, "labour_cost_in_cents": None, "by_rate": {"5000": 3600}},
        {"seconds": 13805, "billable_amount_in_cents": 23674, "labour_cost_in_cents": None,
         "by_rate": {"5000": 1205, "8000": 9900}}]
    assert len(got["rates"]) == 2
    billable = week.call(driver, "totals", body={**RANGE, "project_ids": [week.web]})
    assert (billable["seconds"], billable["billable_amount_in_cents"], billable["graph"]) == (9900, 22000, None)
    # V-31: rounding on, the body's 15-minute step, the workspace's direction (up): Review 1205 s -> 1800 s, 25.00.
    rounded = week.call(driver, "totals", body={**RANGE, "rounding": 1, "rounding_minutes": 15})
    assert (rounded["seconds"], rounded["billable_amount_in_cents"]) == (18000, 29500)


def test_detailed_grouped(live: Live, week: Week, driver: Driver) -> None:
    """60- §4.4: ``grouped`` merges entries alike in all but time into one row, sorted by its latest start."""
    late = {"workspace_id": week.wid, "description": "Coding", "start": at(DAY, "16:00:00"),
            "stop": at(DAY, "16:30:00"), "project_id": week.web, "billable": True, "created_with": "pytest"}
    again = http(live.base, "POST", f"/api/v9/workspaces/{week.wid}/time_entries", late, week.token)["id"]
    [page] = week.call(driver, "detailed_pages", body={**RANGE, "grouped": True}, page_size=50)
    e = week.ids
    assert [(r["row_number"], r["description"], [t["id"] for t in r["time_entries"]],
             [t["seconds"] for t in r["time_entries"]], r["billable_amount_in_cents"]) for r in page["rows"]] == [
        (1, "Coding", [e["Coding"], again], [4500, 1800], 14000),
        (2, "Email", [e["Email"]], [2700], None),
        (3, "Review", [e["Review"]], [1205], 1674),
        (4, "Standup", [e["Standup"]], [5400], 12000),
        (5, "Planning", [e["Planning"]], [3600], 5000)]


# -- weekly and the project summaries ------------------------------------------------------------------------

def test_weekly(week: Week, driver: Driver) -> None:
    """60- §7: rows per (owner, project, rate, currency), by project name with no project last."""
    got = week.call(driver, "weekly", body=RANGE)
    rest = [0] * 5

    def row(pid: int | None, name: str | None, client: str | None, seconds: list[int], billable: list[int],
            cents: list[int], rate: int) -> dict[str, Any]:
        return {"user_id": week.uid, "user_name": "Ada Lovelace", "project_id": pid, "project_name": name,
                "client_name": client, "seconds": seconds + rest, "billable_seconds": billable + rest,
                "billable_amounts_in_cents": cents + rest, "hourly_rate_in_cents": rate, "currency": "USD"}

    keys = ("user_id", "user_name", "project_id", "project_name", "client_name", "seconds", "billable_seconds",
            "billable_amounts_in_cents", "hourly_rate_in_cents", "currency")
    assert [{k: r[k] for k in keys} for r in got] == [
        row(week.app, "Bakery app", None, [3600, 1205], [3600, 1205], [5000, 1674], 5000),
        row(week.web, "Website relaunch", "Northwind Bakery", [0, 9900], [0, 9900], [0, 22000], 8000),
        row(None, None, None, [0, 2700], [0, 0], [0, 0], 5000)]
    assert all(r["project_color"] == r["project_hex_color"] for r in got)


def test_project_summaries(week: Week, driver: Driver) -> None:
    """60- §8: one line per (owner, project) with a project; the single-project form is the §5 object."""
    got = week.call(driver, "project_summaries", start_date=FIRST.isoformat(), end_date=DAY.isoformat())
    assert got == [{"user_id": week.uid, "project_id": p, "tracked_seconds": s, "billable_seconds": s}
                   for p, s in sorted(((week.web, 9900), (week.app, 4805)))]
    one = week.call(driver, "project_summary", project_id=week.app, start_date=FIRST.isoformat(),
                    end_date=DAY.isoformat())
    assert (one["seconds"], one["billable_amount_in_cents"], one["tracked_days"], one["graph"]) == (
        4805, 6674, 2, None)


# -- exports --------------------------------------------------------------------------------------------------

def content(answer: dict[str, Any]) -> bytes:
    return base64.b64decode(answer["content"])


def csv_rows(answer: dict[str, Any]) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content(answer).decode("utf-8-sig"))))


def pdf_text(answer: dict[str, Any]) -> str:
    data = content(answer)
    assert data.startswith(b"%PDF-")
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


def test_detailed_exports_hold_every_row(week: Week, driver: Driver) -> None:
    """60- §9: the wrapper sends its paging (page_size 2) to the export too; the export ignores it."""
    answer = week.call(driver, "export", report="detailed", extension="csv", body=RANGE, page_size=2)
    assert (answer["next_id"], answer["next_row"]) == (None, None)
    email = week.email
    assert csv_rows(answer) == [
        ["User", "Email", "Client", "Project", "Task", "Description", "Billable", "Start date", "Start time",
         "End date", "End time", "Duration", "Tags", "Amount", "Currency"],
        ["Ada Lovelace", email, "", "", "", "Email", "No", DAY.isoformat(), "15:00:00", DAY.isoformat(),
         "15:45:00", "00:45:00", "", "", ""],
        ["Ada Lovelace", email, "", "Bakery app", "", "Review", "Yes", DAY.isoformat(), "13:00:00", DAY.isoformat(),
         "13:20:05", "00:20:05", "", "16.74", "USD"],
        ["Ada Lovelace", email, "Northwind Bakery", "Website relaunch", "", "Coding", "Yes", DAY.isoformat(),
         "10:00:00", DAY.isoformat(), "11:15:00", "01:15:00", "", "100.00", "USD"],
        ["Ada Lovelace", email, "Northwind Bakery", "Website relaunch", "", "Standup", "Yes", DAY.isoformat(),
         "08:00:00", DAY.isoformat(), "09:30:00", "01:30:00", "meeting", "120.00", "USD"],
        ["Ada Lovelace", email, "", "Bakery app", "", "Planning", "Yes", FIRST.isoformat(), "09:00:00",
         FIRST.isoformat(), "10:00:00", "01:00:00", "", "50.00", "USD"]]
    text = pdf_text(week.call(driver, "export", report="detailed", extension="pdf", body=RANGE))
    for name in ("Standup", "Coding", "Review", "Email", "Planning", "Website relaunch", "Bakery app", "286.74"):
        assert name in text, name


def test_summary_and_weekly_exports(week: Week, driver: Driver) -> None:
    summary = csv_rows(week.call(driver, "export", report="summary", extension="csv", body=RANGE))
    assert summary[1:] == [
        ["Bakery app", "", "Planning", "01:00:00", "50.00", "USD"],
        ["Bakery app", "", "Review", "00:20:05", "16.74", "USD"],
        ["Website relaunch", "Northwind Bakery", "Coding", "01:15:00", "100.00", "USD"],
        ["Website relaunch", "Northwind Bakery", "Standup", "01:30:00", "120.00", "USD"],
        ["", "", "Email", "00:45:00", "0.00", "USD"]]
    weekly = csv_rows(week.call(driver, "export", report="weekly", extension="csv", body=RANGE))
    days = [(FIRST + timedelta(days=i)).isoformat() for i in range(7)]
    assert weekly[0][-8:] == [*days, "Total"]
    assert [r[-8:] for r in weekly[1:]] == [
        ["01:00:00", "00:20:05", "", "", "", "", "", "01:20:05"],
        ["", "02:45:00", "", "", "", "", "", "02:45:00"],
        ["", "00:45:00", "", "", "", "", "", "00:45:00"]]
    for report in ("summary", "weekly"):
        text = pdf_text(week.call(driver, "export", report=report, extension="pdf", body=RANGE))
        assert "Website relaunch" in text and "Bakery app" in text, report
