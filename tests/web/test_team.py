"""Team administration in the browser: invitations accepted through the mailed link, roles, removal, groups."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import select

from punchclock.models import User, WorkspaceMember
from tests.factories import add_invitation, add_member, basic, make_placeholder
from tests.web.browser import PASSWORD, WebServer, check_a11y, shoot, sign_in
from tests.web.people import Person, person

NEW_PASSWORD = "joined and tracking"


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """Pages in further fresh browser contexts (an invitee's own browser); console errors fail the test."""
    contexts, errors = [], []

    def make() -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US",
                                      timezone_id="Europe/Berlin")
        contexts.append(context)
        p = context.new_page()
        p.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        p.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
        return p

    yield make
    for context in contexts:
        context.close()
    assert not errors, errors


def _admin_on_team(page: Page, server: WebServer, workspace: str) -> Person:
    admin = person(server, "admin", "Mara Quint", workspace=workspace)
    sign_in(page, server, admin.email)
    page.goto(server.url("/team"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Team of {workspace}")
    return admin


def _rows(where: Locator) -> list[list[str]]:
    """The body rows of the table in ``where``, as the text of each cell."""
    cells: list[list[str]] = where.locator("table").evaluate(
        "t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.innerText.trim().replace(/\\s+/g, ' ')))")
    return cells


def _invite(page: Page, addresses: str) -> None:
    page.get_by_label("E-mail addresses").fill(addresses)
    page.get_by_role("button", name="Send invitations").click()


def _member(server: WebServer, workspace_id: int, email: str) -> WorkspaceMember:
    db = server.session()
    try:
        return db.scalars(select(WorkspaceMember).join(User, User.id == WorkspaceMember.user_id).where(
            WorkspaceMember.workspace_id == workspace_id, User.email == email)).one()
    finally:
        db.close()


def _tracks_time_in(server: WebServer, email: str, password: str, workspace_id: int) -> None:
    """The account works over the API, defaults to the workspace, and can add an entry there."""
    auth = basic(email, password)
    me = httpx.get(server.url("/api/v9/me"), headers=auth)
    assert (me.status_code, me.json()["default_workspace_id"]) == (200, workspace_id)
    entry = httpx.post(server.url(f"/api/v9/workspaces/{workspace_id}/time_entries"), headers=auth, json={
        "workspace_id": workspace_id, "start": "2026-03-02T08:00:00Z", "duration": 5400, "created_with": "test",
        "description": "First day"})
    assert (entry.status_code, entry.json()["duration"], entry.json()["workspace_id"]) == (200, 5400, workspace_id)


def test_a_new_person_accepts_sets_a_password_and_lands_signed_in(page: Page, server: WebServer,
                                                                   new_page: Callable[[], Page]) -> None:
    admin = _admin_on_team(page, server, "Quint Studio")
    xena = server.email("x")
    _invite(page, xena)
    expect(page.get_by_role("status")).to_have_text(f"Invitation sent to {xena}.")
    today = datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()  # the default format, YYYY-MM-DD
    pending = page.get_by_role("region", name="Pending invitations (1)")
    assert _rows(pending) == [[xena, today, "Invited", "Cancel invitation"]]
    mail = server.mail.last_to(xena)
    assert mail.subject == "Invitation to Quint Studio on punchclock"
    link = server.mail.link_in(mail)
    assert link.startswith(server.url("/user/accept_invitation?code="))

    invitee = new_page()
    invitee.goto(link)
    expect(invitee.get_by_role("heading", level=1)).to_have_text("Join Quint Studio")
    expect(invitee.get_by_label("Full name")).to_have_value(xena.split("@")[0].capitalize())
    check_a11y(invitee)
    shoot(invitee, server, "invite-accept")
    invitee.get_by_label("Full name").fill("Xena Newcomer")
    invitee.get_by_label("Password (at least 6 characters)").fill(NEW_PASSWORD)
    invitee.get_by_role("button", name="Create account and join").click()
    expect(invitee).to_have_url(server.url("/timer"))
    assert invitee.request.get(server.url("/"), max_redirects=0).headers["location"] == "/timer"  # signed in
    _tracks_time_in(server, xena, NEW_PASSWORD, admin.workspace_id)
    assert _member(server, admin.workspace_id, xena).active is True

    page.reload()
    members = page.get_by_role("region", name="Members (2)")
    assert [row[:2] + row[3:] for row in _rows(members)] == [
        ["Mara Quint you", admin.email, "none", "Remove"], ["Xena Newcomer", xena, "none", "Remove"]]
    expect(members.get_by_label("Role of Xena Newcomer")).to_have_value("user")
    expect(members.get_by_label("Role of Mara Quint")).to_have_value("admin")
    expect(page.get_by_role("region", name="Pending invitations (0)")).to_contain_text("No pending invitations.")
    spent = httpx.get(link)
    assert spent.status_code == 404 and "Invitation not found, already used or expired" in spent.text


def test_an_existing_account_signs_in_to_accept(page: Page, server: WebServer,
                                                new_page: Callable[[], Page]) -> None:
    admin = _admin_on_team(page, server, "Weber Works")
    ines = person(server, "ines", "Ines Rocha")
    _invite(page, ines.email)
    expect(page.get_by_role("status")).to_have_text(f"Invitation sent to {ines.email}.")

    invitee = new_page()
    invitee.goto(server.mail.link_in(server.mail.last_to(ines.email)))
    expect(invitee.get_by_text(f"Sign in as {ines.email} to accept.")).to_be_visible()
    invitee.get_by_label("Password").fill(PASSWORD)
    invitee.get_by_role("button", name="Sign in and join").click()
    expect(invitee).to_have_url(server.url("/timer"))
    _tracks_time_in(server, ines.email, PASSWORD, admin.workspace_id)  # now her current workspace


def test_a_signed_in_invitee_joins_with_one_click(page: Page, server: WebServer,
                                                  new_page: Callable[[], Page]) -> None:
    admin = _admin_on_team(page, server, "Click Co")
    otto = person(server, "otto", "Otto Click")
    _invite(page, otto.email)
    expect(page.get_by_role("status")).to_have_text(f"Invitation sent to {otto.email}.")
    invitee = new_page()
    sign_in(invitee, server, otto.email)
    invitee.goto(server.mail.link_in(server.mail.last_to(otto.email)))
    expect(invitee.get_by_text(f"You are signed in as {otto.email}.")).to_be_visible()
    expect(invitee.get_by_label("Password")).to_have_count(0)
    invitee.get_by_role("button", name="Join Click Co").click()
    expect(invitee).to_have_url(server.url("/timer"))
    assert _member(server, admin.workspace_id, otto.email).active is True


def test_roles_change_and_the_last_admin_stays(page: Page, server: WebServer) -> None:
    admin = _admin_on_team(page, server, "Role Play")
    lena = person(server, "lena", "Lena Berg")
    db = server.session()
    add_member(db, admin.workspace_id, db.get_one(User, lena.id))
    db.close()
    page.reload()
    page.get_by_label("Role of Lena Berg").select_option("admin")
    expect(page.get_by_role("status")).to_have_text("Lena Berg is now an admin.")
    expect(page.get_by_label("Role of Lena Berg")).to_have_value("admin")
    assert _member(server, admin.workspace_id, lena.email).admin is True
    page.get_by_label("Role of Lena Berg").select_option("user")
    expect(page.get_by_role("status")).to_have_text("Lena Berg is now a member.")
    assert _member(server, admin.workspace_id, lena.email).admin is False

    page.get_by_label("Role of Mara Quint").select_option("user")
    expect(page.get_by_role("alert")).to_have_text("Workspace needs at least one admin")
    expect(page.get_by_label("Role of Mara Quint")).to_have_value("admin")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove Mara Quint").click()
    expect(page.get_by_role("alert")).to_have_text("Workspace needs at least one admin")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove Lena Berg").click()
    expect(page.get_by_role("status")).to_have_text("Removed Lena Berg from the workspace.")
    expect(page.get_by_role("region", name="Members (1)").get_by_role("row")).to_have_count(2)
    check_a11y(page)


def test_groups_are_created_filled_renamed_and_deleted(page: Page, server: WebServer) -> None:
    admin = _admin_on_team(page, server, "Group Works")
    db = server.session()
    for who, name in (("jonas", "Jonas Weber"), ("lena", "Lena Berg"), ("paul", "Paul Aside")):
        add_member(db, admin.workspace_id, db.get_one(User, person(server, who, name).id))
    db.close()
    page.get_by_role("link", name="Groups (0)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Groups of Group Works")
    expect(page.get_by_text("No groups yet.")).to_be_visible()
    page.get_by_label("Group name").fill("Design")
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_role("status")).to_have_text("Created the group Design. Choose its members.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Group Design")
    page.get_by_role("checkbox", name=re.compile("^Lena Berg")).check()
    page.get_by_role("checkbox", name=re.compile("^Jonas Weber")).check()
    page.get_by_role("button", name="Save group").click()
    expect(page.get_by_role("status")).to_have_text("Saved the group Design (2 members).")
    assert _rows(page.get_by_role("region", name="Groups (1)")) == [["Design", "Jonas Weber, Lena Berg", "Edit"]]
    check_a11y(page)
    shoot(page, server, "team-groups")

    page.get_by_role("link", name="Edit the group Design").click()
    check_a11y(page)
    shoot(page, server, "team-group")
    page.get_by_label("Group name").fill("Design Team")
    page.get_by_role("checkbox", name=re.compile("^Jonas Weber")).uncheck()
    page.get_by_role("button", name="Save group").click()
    expect(page.get_by_role("status")).to_have_text("Saved the group Design Team (1 member).")
    page.goto(server.url("/team"))
    groups_column = {row[0]: row[3] for row in _rows(page.get_by_role("region", name="Members (4)"))}
    assert groups_column == {"Jonas Weber": "none", "Lena Berg": "Design Team", "Mara Quint you": "none",
                             "Paul Aside": "none"}

    page.goto(server.url("/team/groups"))
    page.get_by_role("link", name="Edit the group Design Team").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Delete group").click()
    expect(page.get_by_role("status")).to_have_text("Deleted the group Design Team.")
    expect(page.get_by_text("No groups yet.")).to_be_visible()


def test_pending_invitations_are_listed_sent_again_and_cancelled(page: Page, server: WebServer) -> None:
    admin = _admin_on_team(page, server, "Pending Place")
    lena = person(server, "lena", "Lena Berg")
    old = server.email("old")
    db = server.session()
    add_member(db, admin.workspace_id, db.get_one(User, lena.id))
    add_invitation(db, admin.workspace_id, make_placeholder(db, email=old),
                   invited_at=datetime(2026, 1, 5, 23, 30, tzinfo=UTC))  # 6 January in Berlin
    db.close()
    fresh = server.email("new")
    page.reload()
    _invite(page, f"{fresh}, {lena.email}\nnot-an-address; {fresh.upper()}")
    expect(page.get_by_role("status")).to_have_text(
        f"Invitation sent to {fresh}. {lena.email} is already a member of this workspace. "
        "not-an-address is not a valid e-mail address.")
    today = datetime.now(ZoneInfo("Europe/Berlin")).date().isoformat()
    pending = page.get_by_role("region", name="Pending invitations (2)")
    assert _rows(pending) == [[fresh, today, "Invited", "Cancel invitation"],
                              [old, "2026-01-06", "Expired", "Invite again Cancel invitation"]]
    check_a11y(page)
    shoot(page, server, "team")

    page.get_by_role("button", name=f"Invite {old} again").click()
    expect(page.get_by_role("status")).to_have_text(f"Invitation sent to {old} again.")
    assert server.mail.link_in(server.mail.last_to(old)).startswith(server.url("/user/accept_invitation?code="))
    link = server.mail.link_in(server.mail.last_to(fresh))
    page.get_by_role("button", name=f"Cancel the invitation of {fresh}").click()
    expect(page.get_by_role("status")).to_have_text(f"Cancelled the invitation of {fresh}.")
    assert _rows(page.get_by_role("region", name="Pending invitations (1)")) == [
        [old, today, "Invited", "Cancel invitation"]]
    assert httpx.get(link).status_code == 404
    _invite(page, old)
    expect(page.get_by_role("alert")).to_have_text(f"{old} has already been invited to this workspace.")
