"""Signing up, out and in through the browser; sessions, cookies, CSRF and the security headers."""

from __future__ import annotations

import re

import httpx
from playwright.sync_api import Page, expect

from tests.web.browser import PASSWORD, WebServer, check_a11y, shoot, sign_in, sign_out, sign_up


def test_sign_up_lands_on_the_timer_signed_in(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    expect(page.get_by_role("status")).to_have_text("Welcome to punchclock.")
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["punchclock"]["httpOnly"] is True
    assert cookies["punchclock"]["sameSite"] == "Lax"
    assert "punchclock-pre" not in cookies
    sign_out(page)
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    page.goto(server.url("/timer"))
    expect(page).to_have_url(server.url("/login?next=%2Ftimer"))
    sign_in(page, server, email)
    expect(page).to_have_url(server.url("/timer"))


def test_wrong_password_is_refused_on_the_page(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    sign_out(page)
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill("not " + PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_have_text("Wrong e-mail or password.")
    expect(page.get_by_label("E-mail")).to_have_value(email)


def test_sign_up_errors_are_shown_and_keep_the_fields(page: Page, server: WebServer) -> None:
    page.goto(server.url("/signup"))
    page.get_by_label("Full name").fill("Bo")
    page.get_by_label("E-mail").fill(server.email())
    page.get_by_label("Password").fill("12345")
    page.get_by_label("Password").evaluate("el => el.removeAttribute('minlength')")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("alert")).to_contain_text("Password should be at least 6 characters")
    expect(page.get_by_label("Full name")).to_have_value("Bo")


def test_login_replaces_the_session_the_browser_brought(page: Page, server: WebServer) -> None:
    """Session fixation: whatever session cookie a browser holds, signing in makes a new one."""
    email = sign_up(page, server)
    before = next(c["value"] for c in page.context.cookies() if c["name"] == "punchclock")
    page.goto(server.url("/login"))
    sign_in(page, server, email)
    after = next(c["value"] for c in page.context.cookies() if c["name"] == "punchclock")
    assert after != before
    page.context.add_cookies([{"name": "punchclock", "value": before, "url": server.base}])
    page.goto(server.url("/timer"))
    expect(page).to_have_url(re.compile(r"/login"))


def test_state_changes_need_the_pages_csrf_token(page: Page, server: WebServer) -> None:
    sign_up(page, server)
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "punchclock")
    with httpx.Client(base_url=server.base, cookies={"punchclock": cookie}) as c:
        assert c.post("/logout", data={"csrf": "0" * 64}).status_code == 403
        token = re.search(r'name="csrf-token" content="([0-9a-f]{64})"', c.get("/settings/profile").text)
        assert token is not None
        assert c.post("/logout", data={"csrf": token[1]}, headers={"Origin": "https://evil.example"}).status_code == 403
        assert c.post("/logout", data={"csrf": token[1]}, follow_redirects=False).status_code == 303


def test_pages_carry_a_strict_content_security_policy(server: WebServer) -> None:
    answer = httpx.get(server.url("/login"))
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "unsafe-inline" not in csp
    assert answer.headers["x-frame-options"] == "DENY"
    assert "<script>" not in answer.text and " style=" not in answer.text and " onclick=" not in answer.text


def test_unknown_pages_are_an_html_404(server: WebServer) -> None:
    answer = httpx.get(server.url("/no-such-page"))
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "There is no such page." in answer.text
    assert httpx.get(server.url("/api/v9/no-such-thing")).json() == "Not found"


def test_sign_in_and_sign_up_pages_look_right_and_pass_axe(page: Page, server: WebServer) -> None:
    page.goto(server.url("/login"))
    check_a11y(page)
    shoot(page, server, "login")
    page.goto(server.url("/signup"))
    check_a11y(page)
    shoot(page, server, "signup")
