"""Password reset by e-mail in the browser: ask, follow the mailed link once, sign in with the new password."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import httpx
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from punchclock.domain.security import digest
from punchclock.models import PasswordReset
from punchclock.models._common import utcnow
from tests.factories import basic
from tests.web.browser import PASSWORD, WebServer, check_a11y, shoot
from tests.web.people import http_client, person, signed_in_client

NEW_PASSWORD = "a brand new secret"
SENT = ("If an account exists for that address, we sent a link to it. "
        "The link can be used once and is valid for 60 minutes.")
GONE = "This link has expired or was already used"


def _ask(page: Page, server: WebServer, email: str) -> None:
    page.goto(server.url("/login"))
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Forgot your password?")
    page.get_by_label("E-mail").fill(email)
    page.get_by_role("button", name="Send me a link").click()
    expect(page).to_have_url(server.url("/password/forgot/sent"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your mail")
    expect(page.get_by_text(SENT)).to_be_visible()


def test_reset_link_sets_the_password_once_and_ends_other_sessions(page: Page, server: WebServer) -> None:
    ann = person(server, "ann", "Ann Reset")
    elsewhere = signed_in_client(server, ann.email)
    assert elsewhere.get("/").headers["location"] == "/timer"

    _ask(page, server, ann.email.upper())
    mail = server.mail.last_to(ann.email)
    assert mail.subject == "Reset your punchclock password"
    link = server.mail.link_in(mail)
    secret = link.removeprefix(server.url("/password/reset/"))
    assert link.startswith(server.url("/password/reset/")) and len(secret) == 43
    assert "valid for 60 minutes" in mail.text
    db = server.session()
    stored = db.scalars(select(PasswordReset).where(PasswordReset.user_id == ann.id)).one()
    db.close()
    assert stored.token_hash == digest(secret) and stored.used_at is None
    assert timedelta(minutes=59) < stored.expires_at - utcnow() <= timedelta(minutes=60)

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose a new password")
    expect(page.get_by_text(f"For the account {ann.email}.")).to_be_visible()
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page).to_have_url(server.url("/timer"))

    assert elsewhere.get("/").headers["location"] == "/login"  # the other session ended
    assert httpx.get(server.url("/api/v9/me"), headers=basic(ann.email, PASSWORD)).status_code == 403
    me = httpx.get(server.url("/api/v9/me"), headers=basic(ann.email, NEW_PASSWORD))
    assert (me.status_code, me.json()["email"]) == (200, ann.email)
    assert page.request.get(server.url("/"), max_redirects=0).headers["location"] == "/timer"  # signed in

    answer = page.goto(link)
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(GONE)
    expect(page.get_by_role("link", name="Ask for a new link")).to_have_attribute("href", "/password/forgot")


def test_a_short_password_is_refused_and_the_link_still_works(page: Page, server: WebServer) -> None:
    bo = person(server, "bo", "Bo Short")
    _ask(page, server, bo.email)
    page.goto(server.mail.link_in(server.mail.last_to(bo.email)))
    page.get_by_label("New password").fill("12345")
    page.get_by_label("New password").evaluate("el => el.removeAttribute('minlength')")
    with page.expect_response(lambda r: r.request.method == "POST") as refused:
        page.get_by_role("button", name="Set password and sign in").click()
    assert refused.value.status == 400
    expect(page.get_by_role("alert")).to_have_text("Password should be at least 6 characters")
    page.get_by_label("New password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set password and sign in").click()
    expect(page).to_have_url(server.url("/timer"))
    assert httpx.get(server.url("/api/v9/me"), headers=basic(bo.email, NEW_PASSWORD)).status_code == 200


def test_an_expired_link_is_refused(page: Page, server: WebServer) -> None:
    cy = person(server, "cy", "Cy Late")
    _ask(page, server, cy.email)
    link = server.mail.link_in(server.mail.last_to(cy.email))
    db = server.session()
    db.execute(update(PasswordReset).where(PasswordReset.user_id == cy.id)
               .values(expires_at=utcnow() - timedelta(seconds=1)))
    db.commit()
    db.close()
    answer = page.goto(link)
    assert answer is not None and answer.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(GONE)
    with http_client(server) as c:
        token = re.search(r'name="csrf" value="([0-9a-f]{64})"', c.get("/password/forgot").text)
        assert token is not None
        refused = c.post(link.removeprefix(server.base), data={"csrf": token[1], "password": NEW_PASSWORD})
    assert refused.status_code == 404 and GONE in refused.text
    assert httpx.get(server.url("/api/v9/me"), headers=basic(cy.email, PASSWORD)).status_code == 200


def test_an_unknown_address_gets_the_same_page_and_no_mail(page: Page, server: WebServer) -> None:
    nobody = server.email("nobody")
    _ask(page, server, nobody)
    time.sleep(0.5)  # mails go out after the answer
    assert [m for m in server.mail.sent if m.to == nobody] == []


def test_recovery_pages_look_right_and_pass_axe(page: Page, server: WebServer) -> None:
    dee = person(server, "dee", "Dee Shot")
    page.goto(server.url("/password/forgot"))
    check_a11y(page)
    shoot(page, server, "password-forgot")
    _ask(page, server, dee.email)
    check_a11y(page)
    shoot(page, server, "password-sent")
    page.goto(server.mail.link_in(server.mail.last_to(dee.email)))
    check_a11y(page)
    shoot(page, server, "password-reset")
    page.goto(server.url("/password/reset/not-a-link"))
    check_a11y(page)
    shoot(page, server, "password-link-gone")
