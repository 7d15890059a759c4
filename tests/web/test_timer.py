"""The timer on /timer: start with description, project and tags; it ticks in the page and the tab title;
stop; continue a past entry; the keyboard shortcut; starting while another runs stops that one."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import httpx
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from punchclock.models import TimeEntry, TimeEntryTag, User
from tests.factories import make_entry, make_project, make_tag, make_task
from tests.web.browser import WebServer, check_a11y, shoot, sign_up

BERLIN = ZoneInfo("Europe/Berlin")


def _user(server: WebServer, email: str) -> tuple[int, int]:
    """(user id, default workspace id) of a signed-up user."""
    with server.session() as db:
        user = db.execute(select(User).where(User.email == email)).scalar_one()
        assert user.default_workspace_id is not None
        return user.id, user.default_workspace_id


def _today_at(hour: int, minute: int = 0) -> datetime:
    return datetime.combine(datetime.now(BERLIN).date(), time(hour, minute), tzinfo=BERLIN).astimezone(UTC)


def _running(server: WebServer, user_id: int) -> list[TimeEntry]:
    with server.session() as db:
        return list(db.execute(select(TimeEntry).where(
            TimeEntry.user_id == user_id, TimeEntry.stop.is_(None), TimeEntry.deleted_at.is_(None))).scalars())


def test_start_tick_stop_then_the_entry_is_listed_under_today(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    user_id, ws = _user(server, email)
    with server.session() as db:
        make_project(db, workspace_id=ws, name="Apollo")
        user = db.get(User, user_id)
        assert user is not None
        make_entry(db, user=user, start=_today_at(0, 5), seconds=45 * 60, description="Morning mail")
    page.goto(server.url("/timer"))
    timer = page.get_by_role("region", name="Timer")
    timer.get_by_label("What are you working on?").fill("Writing report")
    timer.get_by_label("Project").select_option(label="Apollo")
    timer.get_by_label("Tags").fill("focus, deep work")
    timer.get_by_role("button", name="Start timer").click()
    expect(page.get_by_role("status")).to_have_text("Timer started.")
    running = page.locator("[data-running]")
    expect(running).to_contain_text("Writing report")
    expect(running).to_contain_text("Apollo")
    expect(running.locator(".badge")).to_have_text(["deep work", "focus"])
    elapsed = page.locator("#elapsed")
    expect(elapsed).to_have_text(re.compile(r"^0:00:0\d$"))
    first = elapsed.text_content()
    expect(elapsed).not_to_have_text(first or "", timeout=3000)
    expect(page).to_have_title(re.compile(r"^0:00:0\d · Writing report$"))
    check_a11y(page)
    shoot(page, server, "timer-running")

    page.get_by_role("button", name="Stop timer").click()
    expect(page.get_by_role("status")).to_have_text("Timer stopped.")
    expect(page.get_by_role("button", name="Start timer")).to_be_visible()
    day = page.locator(f'section.day[data-day="{datetime.now(BERLIN).date().isoformat()}"]')
    row = day.locator("li.entry").first
    expect(row.locator('[data-show="description"]')).to_have_text("Writing report")
    expect(row.locator('[data-show="project"]')).to_have_text("Apollo")
    expect(row.locator('[data-show="duration"]')).to_have_text(re.compile(r"^0:00:0\d$"))
    # An exact duration: type 1:30 into the stopped entry, then the day holds 1:30:00 + 0:45:00.
    row.get_by_text("Edit").click()
    row.get_by_label("Duration").fill("1:30")
    row.get_by_label("Duration").press("Tab")
    expect(row.locator('[data-show="duration"]')).to_have_text("1:30:00")
    expect(day.locator("[data-day-total]")).to_have_text("2:15:00")
    expect(page.locator(f'[data-week-total="{_this_week()}"]')).to_have_text("2:15:00")
    assert _running(server, user_id) == []


def _this_week() -> str:
    """The Monday of this week in Berlin (new users' weeks start on Monday)."""
    local = datetime.now(BERLIN).date()
    return (local - timedelta(days=local.weekday())).isoformat()


def test_the_s_key_starts_and_stops_the_timer(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    user_id, _ = _user(server, email)
    page.goto(server.url("/timer"))
    page.locator("body").press("s")
    expect(page.get_by_role("status")).to_have_text("Timer started.")
    expect(page.get_by_role("button", name="Stop timer")).to_be_visible()
    assert len(_running(server, user_id)) == 1
    # Typing an "s" into a field is not a shortcut.
    page.locator("body").press("s")
    expect(page.get_by_role("status")).to_have_text("Timer stopped.")
    assert _running(server, user_id) == []
    page.get_by_label("What are you working on?").type("ss")
    expect(page.get_by_label("What are you working on?")).to_have_value("ss")
    assert _running(server, user_id) == []
    expect(page.get_by_text("Keyboard: s start/stop, n new entry")).to_be_visible()


def test_continue_starts_a_new_running_entry_like_the_old_one(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    user_id, ws = _user(server, email)
    with server.session() as db:
        project = make_project(db, workspace_id=ws, name="Hermes")
        tag = make_tag(db, workspace_id=ws, name="calls")
        user = db.get(User, user_id)
        assert user is not None
        old = make_entry(db, user=user, start=_today_at(0, 10), seconds=600, description="Support calls",
                         project_id=project.id, billable=True, tags=[tag])
        old_id = old.id
    page.goto(server.url("/timer"))
    page.locator(f"#entry-{old_id}").get_by_role("button", name="Continue").click()
    expect(page.get_by_role("status")).to_have_text("Timer started.")
    expect(page.locator("[data-running]")).to_contain_text("Support calls")
    expect(page.locator("[data-running]")).to_contain_text("Hermes")
    [running] = _running(server, user_id)
    assert (running.description, running.project_id, running.billable) == ("Support calls", project.id, True)
    assert running.id != old_id
    with server.session() as db:
        tags = db.execute(select(TimeEntryTag.tag_id).where(TimeEntryTag.time_entry_id == running.id)).scalars()
        assert list(tags) == [tag.id]
    # Continuing another entry while this one runs stops it (as the APIs do).
    page.locator(f"#entry-{old_id}").get_by_role("button", name="Continue").click()
    expect(page.get_by_role("status")).to_have_text("Timer started.")
    assert [e.id for e in _running(server, user_id)] != [running.id]
    assert len(_running(server, user_id)) == 1


def test_start_with_a_task_and_billable_stops_the_running_entry(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    user_id, ws = _user(server, email)
    with server.session() as db:
        apollo = make_project(db, workspace_id=ws, name="Apollo")
        hermes = make_project(db, workspace_id=ws, name="Hermes")
        design = make_task(db, project=apollo, name="Design")
        make_task(db, project=hermes, name="Build")
        user = db.get(User, user_id)
        assert user is not None
        earlier = make_entry(db, user=user, start=datetime.now(UTC) - timedelta(minutes=20), seconds=None,
                             description="Earlier").id
    page.goto(server.url("/timer"))
    # The running entry (started elsewhere) shows its elapsed time at render: stop it and start another.
    expect(page.locator("#elapsed")).to_have_text(re.compile(r"^0:20:0\d$"))
    page.get_by_role("button", name="Stop timer").click()
    timer = page.get_by_role("region", name="Timer")
    timer.get_by_label("Project").select_option(label="Apollo")
    # Only the chosen project's tasks are offered.
    expect(timer.get_by_label("Task").locator("optgroup:not([hidden]) option")).to_have_text(["Design"])
    timer.get_by_label("Task").select_option(label="Design")
    timer.get_by_label("Billable").check()
    timer.get_by_label("What are you working on?").fill("Mockups")
    timer.get_by_role("button", name="Start timer").click()
    expect(page.get_by_role("status")).to_have_text("Timer started.")
    [running] = _running(server, user_id)
    assert (running.description, running.project_id, running.task_id, running.billable, running.created_with) == (
        "Mockups", apollo.id, design.id, True, "punchclock web")
    with server.session() as db:
        stopped = db.get(TimeEntry, earlier)
        assert stopped is not None and stopped.stop is not None
        assert 1200 <= stopped.duration <= 1260
    # A plain form post (no script) while one runs stops the running one (as the APIs do).
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "punchclock")
    with httpx.Client(base_url=server.base, cookies={"punchclock": cookie}) as client:
        token = re.search(r'name="csrf-token" content="([0-9a-f]{64})"', client.get("/timer").text)
        assert token is not None
        answer = client.post("/timer/start", data={"csrf": token[1], "description": "Next"})
        assert (answer.status_code, answer.headers["location"]) == (303, "/timer")
    [now_running] = _running(server, user_id)
    assert now_running.description == "Next" and now_running.id != running.id


def test_without_script_the_page_shows_the_elapsed_time_and_a_stop_button(browser: Browser, server: WebServer
                                                                          ) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, timezone_id="Europe/Berlin",
                                  java_script_enabled=False)
    page = context.new_page()
    email = sign_up(page, server)
    user_id, _ = _user(server, email)
    with server.session() as db:
        user = db.get(User, user_id)
        assert user is not None
        make_entry(db, user=user, start=datetime.now(UTC) - timedelta(hours=2, minutes=5), seconds=None,
                   description="Long call")
    page.goto(server.url("/timer"))
    expect(page.locator("#elapsed")).to_have_text(re.compile(r"^2:05:0\d$"))
    expect(page).to_have_title(re.compile(r"^2:05:0\d · Long call · punchclock$"))
    page.get_by_role("button", name="Stop timer").click()
    expect(page.get_by_role("status")).to_have_text("Timer stopped.")
    row = page.locator("li.entry").first
    expect(row.locator('[data-show="duration"]')).to_have_text(re.compile(r"^2:05:0\d$"))
    assert _running(server, user_id) == []
    context.close()


def test_the_running_entry_can_be_edited(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    user_id, ws = _user(server, email)
    with server.session() as db:
        make_project(db, workspace_id=ws, name="Apollo")
    page.goto(server.url("/timer"))
    timer = page.get_by_role("region", name="Timer")
    timer.get_by_label("What are you working on?").fill("Typo descriptoin")
    timer.get_by_role("button", name="Start timer").click()
    timer.get_by_text("Edit running entry").click()
    timer.get_by_label("Description").fill("Fixed description")
    timer.get_by_label("Project").select_option(label="Apollo")
    timer.get_by_label("Tags").fill("late")
    started = datetime.now(BERLIN) - timedelta(minutes=30)
    timer.get_by_label("Start date").fill(started.date().isoformat())
    timer.get_by_label("Start time").fill(f"{started:%H:%M}")
    timer.get_by_role("button", name="Save running entry").click()
    expect(page.get_by_role("status")).to_have_text("Time entry saved.")
    running = page.locator("[data-running]")
    expect(running.locator(".running-desc")).to_have_text("Fixed description")
    expect(running).to_contain_text("Apollo")
    expect(running.locator(".badge")).to_have_text(["late"])
    expect(page.locator("#elapsed")).to_have_text(re.compile(r"^0:(29|30):\d\d$"))
    expect(page).to_have_title(re.compile(r"^0:(29|30):\d\d · Fixed description$"))
    [entry] = _running(server, user_id)
    assert entry.description == "Fixed description"
    assert entry.start == started.replace(second=0, microsecond=0).astimezone(UTC)
