"""Settings through the browser: profile and formats, time zone, password, API token, workspace settings, the
workspace switcher; plain-HTTP checks of what a form without JavaScript or a non-admin may do."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from playwright.sync_api import Page, expect
from sqlalchemy import select

from punchclock.models import User
from tests import factories
from tests.factories import PASSWORD
from tests.web.browser import WebServer, check_a11y, shoot


def _start(page: Page, server: WebServer, fullname: str = "Ada Lovelace") -> User:
    """A new user (zone Europe/Berlin), signed in on their profile page (not the timer: another area's)."""
    with server.session() as db:
        user = factories.make_user(db, email=server.email(), fullname=fullname, timezone="Europe/Berlin")
        db.expunge(user)
    _sign_in(page, server, user.email)
    return user


def _sign_in(page: Page, server: WebServer, email: str) -> None:
    page.goto(server.url("/login?next=/settings/profile"))
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(server.url("/settings/profile"))


def _me(server: WebServer, user: str, password: str = "api_token") -> httpx.Response:
    return httpx.get(server.url("/api/v9/me"), auth=(user, password))


def _flash(page: Page) -> Any:
    return page.locator(".flash")


@contextmanager
def _browser_client(page: Page, server: WebServer) -> Iterator[tuple[httpx.Client, str]]:
    """A plain HTTP client (no JavaScript) with this browser's session cookie, and a CSRF token of its session."""
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "punchclock")
    with httpx.Client(base_url=server.base, cookies={"punchclock": cookie}) as client:
        token = re.search(r'name="csrf-token" content="([0-9a-f]{64})"', client.get("/settings/profile").text)
        assert token is not None
        yield client, token[1]


def _user(server: WebServer, email: str) -> User:
    with server.session() as db:
        user = db.scalar(select(User).where(User.email == email))
        assert user is not None
        db.expunge(user)
        return user


def test_profile_formats_are_saved_and_answered_by_the_api(page: Page, server: WebServer) -> None:
    email = _start(page, server).email
    expect(page.get_by_role("link", name="Settings")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")
    expect(page.get_by_label("Full name")).to_have_value("Ada Lovelace")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Berlin")
    page.get_by_label("Full name").fill("Grace Hopper")
    page.get_by_label("Date format").select_option("DD.MM.YYYY")
    page.get_by_label("Time format").select_option(label="12-hour (1:45 PM)")
    page.get_by_label("Duration format").select_option("decimal")
    page.get_by_label("First day of the week").select_option(label="Sunday")
    page.get_by_role("button", name="Save profile").click()
    expect(_flash(page)).to_have_text("Your profile is saved.")
    expect(page.get_by_label("Full name")).to_have_value("Grace Hopper")
    expect(page.get_by_label("Date format")).to_have_value("DD.MM.YYYY")
    expect(page.get_by_label("Time format")).to_have_value("h:mm A")
    expect(page.get_by_label("Duration format")).to_have_value("decimal")
    expect(page.get_by_label("First day of the week")).to_have_value("0")
    me = _me(server, email, PASSWORD).json()
    assert (me["fullname"], me["beginning_of_week"]) == ("Grace Hopper", 0)
    prefs = httpx.get(server.url("/api/v9/me/preferences"), auth=(email, PASSWORD)).json()
    assert (prefs["date_format"], prefs["timeofday_format"], prefs["duration_format"]) == (
        "DD.MM.YYYY", "h:mm A", "decimal")
    check_a11y(page)
    shoot(page, server, "settings-profile")


def test_time_zone_is_checked_by_the_domain(page: Page, server: WebServer) -> None:
    email = _start(page, server).email
    page.get_by_label("Time zone").fill("America/New_York")
    page.get_by_role("button", name="Save profile").click()
    expect(_flash(page)).to_have_text("Your profile is saved.")
    expect(page.get_by_label("Time zone")).to_have_value("America/New_York")
    assert _me(server, email, PASSWORD).json()["timezone"] == "America/New_York"

    page.get_by_label("Full name").fill("Someone Else")
    page.get_by_label("Time zone").fill("Mars/Olympus_Mons")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_role("alert")).to_have_text("Invalid timezone")
    expect(page.get_by_label("Time zone")).to_have_value("Mars/Olympus_Mons")  # kept to correct it
    expect(page.get_by_label("Full name")).to_have_value("Someone Else")
    me = _me(server, email, PASSWORD).json()
    assert (me["timezone"], me["fullname"]) == ("America/New_York", "Ada Lovelace")  # nothing changed


def test_password_change_keeps_this_browser_and_ends_other_sessions(page: Page, server: WebServer) -> None:
    email = _start(page, server).email
    assert page.context.browser is not None
    other = page.context.browser.new_context()
    other_page = other.new_page()
    _sign_in(other_page, server, email)

    page.get_by_label("Current password").fill("not the password")
    page.get_by_label("New password").fill("a brand new secret")
    page.get_by_role("button", name="Change password").click()
    expect(_flash(page)).to_have_text("Current password is not valid")
    assert _me(server, email, PASSWORD).status_code == 200

    page.get_by_label("Current password").fill(PASSWORD)
    page.get_by_label("New password").fill("a brand new secret")
    page.get_by_role("button", name="Change password").click()
    expect(_flash(page)).to_have_text(
        "Your password is changed. Other browsers and apps that used it are signed out.")
    assert _me(server, email, PASSWORD).status_code == 403
    assert _me(server, email, "a brand new secret").status_code == 200
    page.goto(server.url("/settings/workspace"))
    expect(page).to_have_url(server.url("/settings/workspace"))  # this browser stays signed in
    other_page.goto(server.url("/settings/profile"))
    expect(other_page).to_have_url(re.compile(r"/login\?next="))  # the other one is signed out
    other.close()


def test_api_token_is_shown_copied_and_reset(page: Page, server: WebServer) -> None:
    email = _start(page, server).email
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.base)
    token = _me(server, email, PASSWORD).json()["api_token"]
    expect(page.get_by_label("Your API token")).to_have_value(token)
    expect(page.get_by_text("Point a client at this server")).to_have_text(
        f"Point a client at this server: base URL {server.base}/api/v9 (Reports: {server.base}/reports/api/v3) "
        "with this token as the user name and api_token as the password.")
    page.get_by_role("button", name="Copy").click()
    expect(page.locator("#copy-status")).to_have_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == token

    page.get_by_role("button", name="Reset API token").click()
    expect(_flash(page)).to_have_text("Your API token is reset: the old one no longer works.")
    new = page.get_by_label("Your API token").input_value()
    assert re.fullmatch(r"[0-9a-f]{32}", new) and new != token
    assert _me(server, token).status_code == 403
    assert _me(server, new).json()["api_token"] == new


def test_admin_changes_the_workspace_settings(page: Page, server: WebServer) -> None:
    email = _start(page, server).email
    page.get_by_role("navigation", name="Settings").get_by_role("link", name="Workspace").click()
    expect(page).to_have_url(server.url("/settings/workspace"))
    page.get_by_label("Workspace name").fill("Acme Time")
    page.get_by_label("Direction").select_option(label="Round down")
    page.get_by_label("To a multiple of").select_option(label="15 minutes")
    page.get_by_label("Hourly rate").fill("120.00")
    page.get_by_label("Currency").fill("USD")
    page.get_by_label("Only admins may create projects").check()
    page.get_by_label("Only admins see billable rates").check()
    page.get_by_role("button", name="Save workspace settings").click()
    expect(_flash(page)).to_have_text("The workspace settings are saved.")
    expect(page.get_by_label("Workspace name")).to_have_value("Acme Time")
    expect(page.get_by_label("Hourly rate")).to_have_value("120.00")
    expect(page.get_by_label("Only admins may create projects")).to_be_checked()
    expect(page.get_by_label("Only admins may create tags")).not_to_be_checked()
    expect(page.locator(".ws-name")).to_have_text("Acme Time")  # the menu names the workspace anew
    user = _user(server, email)
    ws = httpx.get(server.url(f"/api/v9/workspaces/{user.default_workspace_id}"),
                   auth=(user.api_token, "api_token")).json()
    assert (ws["name"], ws["rounding"], ws["rounding_minutes"], ws["default_hourly_rate"],
            ws["default_currency"]) == ("Acme Time", -1, 15, 120, "USD")
    assert ws["only_admins_may_create_projects"] is True and ws["only_admins_see_billable_rates"] is True
    assert ws["only_admins_may_create_tags"] is False
    check_a11y(page)
    shoot(page, server, "settings-workspace")


def test_admin_switches_premium_features_off_and_on(page: Page, server: WebServer) -> None:
    email = _start(page, server).email
    user = _user(server, email)
    page.goto(server.url("/settings/workspace"))
    premium = page.get_by_label("Premium features")
    expect(premium).to_be_checked()  # new workspaces have them
    premium.uncheck()
    page.get_by_role("button", name="Save workspace settings").click()
    expect(_flash(page)).to_have_text("The workspace settings are saved.")
    expect(page.get_by_label("Premium features")).not_to_be_checked()
    wid = user.default_workspace_id
    answer = httpx.get(server.url(f"/api/v9/workspaces/{wid}"), auth=(user.api_token, "api_token")).json()
    assert answer["premium"] is False
    page.get_by_label("Premium features").check()
    page.get_by_role("button", name="Save workspace settings").click()
    answer = httpx.get(server.url(f"/api/v9/workspaces/{wid}"), auth=(user.api_token, "api_token")).json()
    assert answer["premium"] is True


def test_workspace_form_errors_are_shown_and_change_nothing(page: Page, server: WebServer) -> None:
    email = _start(page, server).email
    with _browser_client(page, server) as (client, csrf):
        form = {"csrf": csrf, "name": "Renamed", "rounding": "0", "rounding_minutes": "7",
                "default_hourly_rate": "50", "default_currency": "EUR"}
        answer = client.post("/settings/workspace", data=form)
        assert answer.status_code == 200
        assert "Rounding minutes must be one of 0, 1, 5, 6, 10, 12, 15, 30, 60, 240" in answer.text
        assert 'value="Renamed"' in answer.text  # what was typed is shown again
        answer = client.post("/settings/workspace", data={**form, "rounding_minutes": "5",
                                                          "default_hourly_rate": "-3"})
        assert "Default hourly rate can&#39;t be negative" in answer.text
        answer = client.post("/settings/workspace", data={**form, "rounding_minutes": "5",
                                                          "default_hourly_rate": "lots"})
        assert answer.status_code == 200 and "Invalid default hourly rate" in answer.text
    user = _user(server, email)
    ws = httpx.get(server.url(f"/api/v9/workspaces/{user.default_workspace_id}"),
                   auth=(user.api_token, "api_token")).json()
    assert (ws["name"], ws["rounding_minutes"], ws["default_currency"]) == ("Ada Lovelace's workspace", 0, "USD")


def _team(server: WebServer, name: str = "Beta Team") -> tuple[User, int]:
    """A workspace of another admin with a new member (not admin) whose default it is: (member, workspace id)."""
    with server.session() as db:
        owner = factories.make_user(db, email=server.email("owner"))
        ws = factories.make_workspace(db, admin=owner, name=name)
        member = factories.make_user(db, email=server.email("member"), fullname="Mia Member")
        factories.add_member(db, ws, member)
        member.default_workspace_id = ws.id
        db.commit()
        db.expunge(member)
        return member, ws.id


def test_members_see_the_workspace_settings_read_only_and_cannot_post(page: Page, server: WebServer) -> None:
    member, wid = _team(server)
    _sign_in(page, server, member.email)
    page.goto(server.url("/settings/workspace"))
    expect(page.get_by_role("heading", level=2)).to_have_text("Workspace: Beta Team")
    expect(page.get_by_text("Only the workspace's admins can change these settings.")).to_be_visible()
    expect(page.get_by_label("Workspace name")).to_be_disabled()
    expect(page.get_by_role("button", name="Save workspace settings")).to_have_count(0)
    with _browser_client(page, server) as (client, csrf):
        answer = client.post("/settings/workspace", data={
            "csrf": csrf, "name": "Taken over", "rounding": "0", "rounding_minutes": "0",
            "default_hourly_rate": "1", "default_currency": "EUR"},
            headers={"Referer": server.url("/settings/workspace")})
        assert answer.status_code == 303 and answer.headers["location"] == "/settings/workspace"
        assert "Only workspace admins can do this" in client.get("/settings/workspace").text
    ws = httpx.get(server.url(f"/api/v9/workspaces/{wid}"), auth=(member.api_token, "api_token")).json()
    assert ws["name"] == "Beta Team" and ws["default_currency"] == "USD"


def test_the_switcher_makes_another_workspace_the_current_one(page: Page, server: WebServer) -> None:
    user = _start(page, server)
    with server.session() as db:
        owner = factories.make_user(db, email=server.email("owner"))
        ws = factories.make_workspace(db, admin=owner, name="Beta Team")
        factories.add_member(db, ws, db.get_one(User, user.id))
        wid = ws.id
    page.reload()
    switcher = page.get_by_label("Workspace", exact=True)
    expect(switcher.locator("option:checked")).to_have_text("Ada Lovelace's workspace")
    switcher.select_option(label="Beta Team")
    expect(_flash(page)).to_have_text("You are now in Beta Team.")
    expect(page).to_have_url(server.url("/settings/profile"))  # back where the switch was made
    expect(page.get_by_label("Workspace", exact=True).locator("option:checked")).to_have_text("Beta Team")
    assert _me(server, user.api_token).json()["default_workspace_id"] == wid
    page.goto(server.url("/settings/workspace"))
    expect(page.get_by_role("heading", level=2)).to_have_text("Workspace: Beta Team")
    expect(page.get_by_label("Workspace name")).to_be_disabled()  # a member there, not an admin


def test_switching_to_a_workspace_one_is_not_in_is_refused(page: Page, server: WebServer) -> None:
    user = _start(page, server)
    _, foreign = _team(server, "Elsewhere")
    with _browser_client(page, server) as (client, csrf):
        answer = client.post("/settings/workspace/switch", data={"csrf": csrf, "workspace_id": str(foreign)},
                             headers={"Referer": server.url("/timer")})
        assert answer.status_code == 303 and answer.headers["location"] == "/timer"
        assert "Invalid default workspace" in client.get("/settings/profile").text
        # a plain form without JavaScript: the page's own switch button posts the same way
        answer = client.post("/settings/workspace/switch", data={"csrf": csrf, "workspace_id": "x"})
        assert answer.status_code == 303
    assert _me(server, user.api_token).json()["default_workspace_id"] == user.default_workspace_id


def test_settings_need_a_signed_in_browser(server: WebServer) -> None:
    answer = httpx.get(server.url("/settings/profile"))
    assert answer.status_code == 303 and answer.headers["location"] == "/login?next=%2Fsettings%2Fprofile"
    assert httpx.get(server.url("/settings")).headers["location"] == "/settings/profile"
