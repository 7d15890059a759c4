"""Projects, clients, tags, tasks and project members through the browser (both databases)."""

from __future__ import annotations

import re
from decimal import Decimal

import httpx
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.models import Project, Task, TimeEntry, User
from tests import factories
from tests.web.browser import WebServer, check_a11y, shoot, sign_in, sign_up


def _workspace_of(server: WebServer, email: str) -> int:
    with server.session() as db:
        wid = db.scalar(select(User.default_workspace_id).where(User.email == email))
    assert wid is not None
    return int(wid)


def _flash(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_have_text(text)


def _row(page: Page, name: str) -> Locator:
    return page.get_by_role("row").filter(has=page.get_by_role("cell", name=name, exact=True))


def _look(page: Page, server: WebServer, name: str) -> None:
    """axe-core, then the screenshots from the top of the page (a full-page shot keeps the sticky bar)."""
    check_a11y(page)
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, server, name)


def _client(page: Page, server: WebServer) -> httpx.Client:
    """An HTTP client with the browser's session cookie (plain form posts, as without script)."""
    cookie = next(c["value"] for c in page.context.cookies() if c["name"] == "punchclock")
    return httpx.Client(base_url=server.base, cookies={"punchclock": cookie})


def _token(c: httpx.Client, path: str) -> dict[str, str]:
    token = re.search(r'name="csrf-token" content="([0-9a-f]{64})"', c.get(path).text)
    assert token is not None
    return {"X-CSRF-Token": token[1]}


def _create_project(page: Page, server: WebServer, name: str, *, client: str | None = None) -> int:
    page.goto(server.url("/projects"))
    page.get_by_label("Name", exact=True).fill(name)
    if client:
        page.get_by_label("Client").select_option(label=client)
    page.get_by_role("button", name="Create project").click()
    _flash(page, f"Project “{name}” created.")
    page.get_by_role("link", name=name, exact=True).click()
    match = re.search(r"/projects/(\d+)$", page.url)
    assert match, page.url
    return int(match[1])


def test_admin_creates_a_client_and_a_project_with_colour_and_rate(page: Page, server: WebServer) -> None:
    sign_up(page, server)
    page.goto(server.url("/clients"))
    page.get_by_label("Name", exact=True).fill("Acme GmbH")
    page.get_by_role("button", name="Create client").click()
    _flash(page, "Client “Acme GmbH” created.")
    expect(page.get_by_role("link", name="Acme GmbH")).to_be_visible()

    page.goto(server.url("/projects"))
    page.get_by_label("Name", exact=True).fill("Website")
    page.get_by_label("Client").select_option(label="Acme GmbH")
    page.get_by_label("Colour 7 (#14a88e)").check()
    page.get_by_label("Hourly rate").fill("75.50")
    page.get_by_label("Currency").fill("EUR")
    page.get_by_role("button", name="Create project").click()
    _flash(page, "Project “Website” created.")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Website"))
    expect(row.get_by_role("cell")).to_have_text(
        ["Website", "Acme GmbH", "Active", "Private", "Yes", "75.50 EUR", "1", "0:00:00", "Archive Website"])
    expect(row.locator("circle")).to_have_attribute("fill", "#14a88e")
    _look(page, server, "projects-list")

    row.get_by_role("link", name="Website").click()
    page.get_by_label("Name", exact=True).fill("Website relaunch")
    page.get_by_role("button", name="Save project").click()
    _flash(page, "Project “Website relaunch” saved.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Website relaunch")
    expect(page.get_by_label("Hourly rate")).to_have_value("75.50")
    expect(page.get_by_label("Currency")).to_have_value("EUR")
    expect(page.get_by_label("Colour 7 (#14a88e)")).to_be_checked()

    page.get_by_role("button", name="Archive project").click()
    _flash(page, "Project “Website relaunch” archived.")
    page.goto(server.url("/projects"))
    expect(page.get_by_role("cell", name="No active projects.")).to_be_visible()
    page.get_by_role("link", name="Archived", exact=True).click()
    archived = page.get_by_role("row").filter(has=page.get_by_role("link", name="Website relaunch"))
    expect(archived.get_by_role("cell").nth(2)).to_have_text("Archived")
    archived.get_by_role("button", name="Restore Website relaunch").click()
    _flash(page, "Project “Website relaunch” restored.")
    expect(page).to_have_url(server.url("/projects?status=archived"))
    expect(page.get_by_role("cell", name="No archived projects.")).to_be_visible()
    page.get_by_role("link", name="Active", exact=True).click()
    expect(page.get_by_role("link", name="Website relaunch")).to_be_visible()


def test_a_custom_colour_and_a_duplicate_name_on_the_project_form(page: Page, server: WebServer) -> None:
    sign_up(page, server)
    page.goto(server.url("/projects"))
    page.get_by_label("Name", exact=True).fill("Site")
    page.get_by_label("Custom colour").fill("#123456")
    page.get_by_role("button", name="Create project").click()
    _flash(page, "Project “Site” created.")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="Site"))
    expect(row.locator("circle")).to_have_attribute("fill", "#123456")
    page.get_by_label("Name", exact=True).fill("site")
    page.get_by_role("button", name="Create project").click()
    expect(page.get_by_role("alert")).to_have_text("Name has already been taken")
    expect(page.get_by_role("link", name=re.compile("^site$", re.I))).to_have_count(1)


def test_tasks_are_created_renamed_and_archived(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    pid = _create_project(page, server, "Tasks home")
    for name, estimate in (("Design", "2h"), ("Build", "1:30")):
        page.get_by_label("Task name").fill(name)
        page.get_by_label("Estimate", exact=True).last.fill(estimate)
        page.get_by_role("button", name="Add task").click()
        _flash(page, f"Task “{name}” added.")
    build = _row(page, "Build")
    build.get_by_text("Edit").click()
    build.get_by_label("Name").press("Escape")  # closes the form (catalog.js), focus back on its button
    expect(build.get_by_label("Name")).to_be_hidden()
    expect(build.get_by_text("Edit")).to_be_focused()
    build.get_by_text("Edit").click()
    build.get_by_label("Name").fill("Build site")
    build.get_by_label("Estimate").fill("45")
    build.get_by_role("button", name="Save task").click()
    _flash(page, "Task “Build site” saved.")
    _row(page, "Design").get_by_role("button", name="Archive task Design").click()
    _flash(page, "Task “Design” archived.")
    assert page.url == server.url(f"/projects/{pid}#tasks")

    with server.session() as db:  # time on the tasks: 1:30 on Design, 10 min on the project alone
        ada = db.scalars(select(User).where(User.email == email)).one()
        design = db.scalar(select(Task.id).where(Task.project_id == pid, Task.name == "Design"))
        factories.make_entry(db, user=ada, start="2026-03-02T08:00:00Z", seconds=5400, project_id=pid,
                             task_id=design)
        factories.make_entry(db, user=ada, start="2026-03-02T10:00:00Z", seconds=600, project_id=pid)
        bo = factories.make_user(db, fullname="Bo Berg", email=server.email("bo"))
        factories.add_member(db, ada.default_workspace_id, bo)
        factories.add_project_user(db, db.get_one(Project, pid), bo)
    page.reload()
    rows = page.locator("#tasks tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0).get_by_role("cell")).to_have_text(
        ["Build site", "0:45:00", "0:00:00", "Active", re.compile(r"^\s*Edit task Build site")])
    expect(rows.nth(1).get_by_role("cell").nth(0)).to_have_text("Design")
    expect(rows.nth(1).get_by_role("cell").nth(1)).to_have_text("2:00:00")
    expect(rows.nth(1).get_by_role("cell").nth(2)).to_have_text("1:30:00")
    expect(rows.nth(1).get_by_role("cell").nth(3)).to_have_text("Archived")
    expect(rows.nth(1).get_by_role("button", name="Restore task Design")).to_be_visible()
    expect(page.locator(".facts div").filter(has_text="Tracked").locator("dd")).to_have_text("1:40:00")
    _look(page, server, "project-detail")


def test_tags_are_created_renamed_refused_when_taken_and_deleted(page: Page, server: WebServer) -> None:
    sign_up(page, server)
    page.goto(server.url("/tags"))
    for name in ("urgent", "later"):
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_role("button", name="Create tag").click()
        _flash(page, f"Tag “{name}” created.")
    page.get_by_label("Name", exact=True).fill("URGENT")
    page.get_by_role("button", name="Create tag").click()
    expect(page.get_by_role("alert")).to_have_text("Tag name already taken")

    page.get_by_role("link", name="Rename urgent").click()  # inline, by script
    page.get_by_label("New name of tag urgent").fill("asap")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("td[data-tag-name]")).to_have_text(["later", "asap"])
    expect(page.get_by_role("link", name="Rename asap")).to_be_focused()
    page.reload()
    expect(page.locator("td[data-tag-name]")).to_have_text(["asap", "later"])

    later = page.get_by_role("link", name="Rename later").get_attribute("href")
    assert later is not None
    page.goto(server.url(later))  # the rename page, as without script
    page.get_by_label("New name").fill("ASAP")
    page.get_by_role("button", name="Rename tag").click()
    expect(page.get_by_role("alert")).to_have_text("Tag name already taken")
    expect(page).to_have_url(server.url(later))
    with _client(page, server) as c:
        answer = c.post(later, data={"name": "asap"}, headers={"Accept": "application/json", **_token(c, "/tags")})
        assert (answer.status_code, answer.json()) == (400, {"error": "Tag name already taken"})
    page.goto(server.url("/tags"))
    _look(page, server, "tags-list")

    page.get_by_role("link", name="Delete later").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete tag “later”?")
    page.get_by_role("button", name="Delete tag").click()
    _flash(page, "Tag “later” deleted.")
    expect(page.locator("td[data-tag-name]")).to_have_text(["asap"])


def test_project_members_are_added_made_manager_and_removed(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    wid = _workspace_of(server, email)
    with server.session() as db:
        bo = factories.make_user(db, fullname="Bo Berg", email=server.email("bo"))
        factories.add_member(db, wid, bo)
    _create_project(page, server, "Crew")
    members = page.locator("#members tbody tr")
    expect(members).to_have_count(1)
    expect(members.nth(0).get_by_role("cell").nth(0)).to_have_text("Ada Lovelace")
    page.get_by_label("Workspace member").select_option(label="Bo Berg")
    page.get_by_role("button", name="Add member").click()
    _flash(page, "Bo Berg added to the project.")
    bo_row = _row(page, "Bo Berg")
    expect(bo_row.get_by_role("cell").nth(2)).to_have_text("Member")
    bo_row.get_by_role("button", name="Make manager Bo Berg").click()
    _flash(page, "Bo Berg saved.")
    expect(_row(page, "Bo Berg").get_by_role("cell").nth(2)).to_have_text("Manager")
    _row(page, "Bo Berg").get_by_label("Rate of Bo Berg (USD)").fill("42")
    _row(page, "Bo Berg").get_by_role("button", name="Save rate of Bo Berg").click()
    _flash(page, "Bo Berg saved.")
    expect(_row(page, "Bo Berg").get_by_label("Rate of Bo Berg (USD)")).to_have_value("42.00")
    check_a11y(page)
    _row(page, "Bo Berg").get_by_role("button", name="Remove Bo Berg").click()
    _flash(page, "Bo Berg removed from the project.")
    expect(members).to_have_count(1)
    expect(page.get_by_label("Workspace member")).to_have_text("Bo Berg")


def test_clients_are_renamed_archived_restored_and_deleted(page: Page, server: WebServer) -> None:
    sign_up(page, server)
    page.goto(server.url("/clients"))
    page.get_by_label("Name", exact=True).fill("Globex")
    page.get_by_role("button", name="Create client").click()
    _create_project(page, server, "Globex site", client="Globex")
    page.goto(server.url("/clients"))
    page.get_by_role("link", name="Globex").click()
    page.get_by_label("Name", exact=True).fill("Globex Corp")
    page.get_by_label("Hourly rate").fill("120")
    page.get_by_label("Currency").fill("EUR")
    page.get_by_role("button", name="Save client").click()
    _flash(page, "Client “Globex Corp” saved.")
    expect(page.get_by_label("Hourly rate")).to_have_value("120.00")
    page.get_by_role("button", name="Archive client and its projects").click()
    _flash(page, "Client “Globex Corp” archived with 1 project.")
    page.get_by_role("link", name="Globex site").click()  # saving its project keeps the archived client
    expect(page.get_by_label("Client").locator("option:checked")).to_have_text("Globex Corp (archived)")
    page.get_by_role("button", name="Save project").click()
    _flash(page, "Project “Globex site” saved.")
    expect(page.locator(".facts div").filter(has_text="Client").locator("dd")).to_have_text("Globex Corp")
    page.goto(server.url("/clients?status=archived"))
    expect(_row(page, "Globex Corp").get_by_role("cell")).to_have_text(
        ["Globex Corp", "Archived", "120.00 EUR", "Restore Globex Corp"])
    _look(page, server, "clients-list")
    page.get_by_role("link", name="Globex Corp").click()
    projects = page.get_by_role("region", name="Projects").get_by_role("listitem")
    expect(projects).to_have_text(["Globex site Archived"])
    page.get_by_role("button", name="Restore client").click()
    _flash(page, "Client “Globex Corp” restored.")
    expect(projects).to_have_text(["Globex site"])
    page.get_by_role("link", name="Delete client…").click()
    page.get_by_role("button", name="Delete client").click()
    _flash(page, "Client “Globex Corp” deleted.")
    expect(page.get_by_role("cell", name="No active clients.")).to_be_visible()
    page.goto(server.url("/projects"))
    expect(page.get_by_role("row").filter(has=page.get_by_role("link", name="Globex site"))
           .get_by_role("cell").nth(1)).to_have_text("—")


def test_database_project_row_keeps_the_rate_in_cents(page: Page, server: WebServer) -> None:
    """The 75.50 EUR typed on the page is stored as the exact decimal (no float on the way)."""
    sign_up(page, server)
    page.goto(server.url("/projects"))
    page.get_by_label("Name", exact=True).fill("Cents")
    page.get_by_label("Hourly rate").fill("1,234.50")
    page.get_by_label("Currency").fill("eur")
    page.get_by_role("button", name="Create project").click()
    _flash(page, "Project “Cents” created.")
    with server.session() as db:
        rate, currency = db.execute(select(Project.rate, Project.currency).where(Project.name == "Cents")).one()
    assert (str(rate), currency) == ("1234.50", "EUR")
    expect(page.get_by_role("cell", name="1,234.50 EUR")).to_be_visible()


def test_a_member_gets_no_rate_fields_and_no_other_workspaces_ids(page: Page, server: WebServer) -> None:
    member_email = server.email("member")
    with server.session() as db:
        admin = factories.make_user(db, email=server.email("admin"), fullname="Mara Admin")
        member = factories.make_user(db, email=member_email, fullname="Mia Member", timezone="Europe/Berlin")
        ws = factories.make_workspace(db, admin=admin, name="Agency", only_admins_may_create_projects=True,
                                      only_admins_see_billable_rates=True)
        factories.add_member(db, ws, member)
        member.default_workspace_id = ws.id
        db.commit()
        mine = factories.make_project(db, workspace_id=ws.id, name="Shared", manager=member, rate=Decimal("80"),
                                      currency="EUR")
        elsewhere = factories.make_workspace(db, admin=admin, name="Elsewhere")
        other = factories.make_project(db, workspace_id=elsewhere.id, name="Secret")
        other_client = factories.make_client(db, workspace_id=elsewhere.id, name="Hidden client")
        other_tag = factories.make_tag(db, workspace_id=elsewhere.id, name="hidden")
        ids = {"mine": mine.id, "other": other.id, "client": other_client.id, "tag": other_tag.id}
    sign_in(page, server, member_email, password=factories.PASSWORD)

    page.goto(server.url("/projects"))
    expect(page.get_by_text("Only workspace admins can create projects in this workspace.")).to_be_visible()
    expect(page.get_by_role("button", name="Create project")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="Rate")).to_have_count(0)
    page.get_by_role("link", name="Shared").click()
    expect(page.get_by_role("button", name="Save project")).to_be_visible()  # a manager edits the project
    expect(page.get_by_label("Hourly rate")).to_have_count(0)
    expect(page.get_by_label("Currency")).to_have_count(0)
    expect(page.get_by_text("80.00")).to_have_count(0)
    expect(page.locator("input[name=rate]")).to_have_count(0)

    page.goto(server.url("/tags"))
    expect(page.get_by_role("link", name=re.compile("^(Rename|Delete)"))).to_have_count(0)
    page.goto(server.url("/clients"))
    expect(page.get_by_role("button", name=re.compile("^(Archive|Restore)"))).to_have_count(0)

    with _client(page, server) as c:
        headers = _token(c, "/projects")
        refused = c.post("/projects", data={"name": "Mine"}, headers={**headers, "Referer": server.url("/projects")},
                         follow_redirects=True)
        assert 'role="alert">Only workspace admins can create projects in this workspace</div>' in refused.text
        for path in (f"/projects/{ids['other']}", f"/projects/{ids['other']}/archive",
                     f"/projects/{ids['other']}/tasks", f"/projects/{ids['other']}/members",
                     f"/projects/{ids['other']}/delete", f"/clients/{ids['client']}/archive",
                     f"/tags/{ids['tag']}/delete"):
            answer = c.post(path, data={"name": "x", "user_id": "1"}, headers=headers, follow_redirects=False)
            assert answer.status_code == 404, (path, answer.status_code)
            assert "Not found" in answer.text
        assert c.get(f"/projects/{ids['other']}").status_code == 404
        kept = c.post(f"/projects/{ids['mine']}", data={"name": "Shared", "rate": "1", "currency": "USD"},
                      headers=headers, follow_redirects=False)
        assert kept.status_code == 303
    with server.session() as db:
        assert db.execute(select(Project.rate, Project.currency).where(Project.id == ids["mine"])).one() == (
            Decimal("80.00"), "EUR")


def _projects(db: Session, admin: User, first: int, last: int, client_id: int) -> None:
    for i in range(first, last):
        p = factories.make_project(db, workspace_id=admin.default_workspace_id, name=f"P{i:03d}", client_id=client_id,
                                   manager=admin)
        factories.make_entry(db, user=admin, start="2026-03-02T08:00:00Z", seconds=60 * (i + 1), project_id=p.id)


def test_lists_come_in_pages_and_in_the_same_queries_for_many_rows(page: Page, server: WebServer) -> None:
    email = server.email("many")
    with server.session() as db:
        admin = factories.make_user(db, email=email, fullname="Many Projects")
        client = factories.make_client(db, workspace_id=admin.default_workspace_id, name="Big client")
        _projects(db, admin, 0, 3, client.id)
        first = db.scalar(select(Project.id).where(Project.name == "P000", Project.client_id == client.id))
        assert first is not None
        factories.make_task(db, project=db.get_one(Project, first), name="T0")
    sign_in(page, server, email, password=factories.PASSWORD)
    with _client(page, server) as c:
        with factories.count_queries(server.app) as few:
            assert c.get("/projects").status_code == 200
            assert c.get(f"/projects/{first}").status_code == 200
        with server.session() as db:
            admin = db.scalars(select(User).where(User.email == email)).one()
            _projects(db, admin, 3, 60, client.id)
            project = db.get_one(Project, first)
            for i in range(1, 40):
                factories.make_task(db, project=project, name=f"T{i}")
            for n in range(5):
                other = factories.make_user(db, email=server.email("crew"), fullname=f"Crew {n}")
                factories.add_member(db, admin.default_workspace_id, other)
                factories.add_project_user(db, project, other)
        with factories.count_queries(server.app) as many:
            listed = c.get("/projects")
            detail = c.get(f"/projects/{first}")
        assert many[0] == few[0]
    assert listed.text.count('class="project-link"') == 50
    assert "P049" in listed.text and "P050" not in listed.text and "Next page" in listed.text
    assert detail.text.count('<td data-label="Role">') == 6 and detail.text.count("Edit<span") == 40
    with _client(page, server) as c:
        second = c.get("/projects?page=2&status=active").text
    assert second.count('class="project-link"') == 10 and "Previous page" in second and "Next page" not in second
    assert ">P059</a>" in second and ">0:60:00<" not in second and ">1:00:00<" in second


def test_deleting_a_project_asks_first_and_keeps_or_deletes_its_entries(page: Page, server: WebServer) -> None:
    email = sign_up(page, server)
    keep = _create_project(page, server, "Keep entries")
    drop = _create_project(page, server, "Drop entries")
    with server.session() as db:
        ada = db.scalars(select(User).where(User.email == email)).one()
        kept = factories.make_entry(db, user=ada, start="2026-03-02T08:00:00Z", project_id=keep).id
        dropped = factories.make_entry(db, user=ada, start="2026-03-02T10:00:00Z", project_id=drop).id
    for pid, name, choice in ((keep, "Keep entries", "Keep them, without project"),
                              (drop, "Drop entries", "Delete them too")):
        page.goto(server.url(f"/projects/{pid}"))
        page.get_by_role("link", name="Delete project…").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Delete project “{name}”?")
        page.get_by_label(choice).check()
        page.get_by_role("button", name="Delete project").click()
        _flash(page, f"Project “{name}” deleted.")
    expect(page.get_by_role("cell", name="No active projects.")).to_be_visible()
    with server.session() as db:
        rows = dict(db.execute(select(TimeEntry.id, TimeEntry.project_id).where(
            TimeEntry.id.in_([kept, dropped]), TimeEntry.deleted_at.is_(None))).all())
    assert rows == {kept: None}


def test_a_free_workspace_and_ids_of_the_admins_other_workspace(page: Page, server: WebServer) -> None:
    email = server.email("free")
    with server.session() as db:
        admin = factories.make_user(db, email=email, fullname="Fay Free")
        free = factories.make_workspace(db, admin=admin, name="Free", premium=False)
        admin.default_workspace_id = free.id
        db.commit()
        own = factories.make_project(db, workspace_id=free.id, name="Free one", manager=admin)
        paid = factories.make_workspace(db, admin=admin, name="Paid")
        other = factories.make_project(db, workspace_id=paid.id, name="Paid one", manager=admin)
        client = factories.make_client(db, workspace_id=paid.id, name="Paid client")
        ids = {"own": own.id, "other": other.id, "client": client.id}
    sign_in(page, server, email, password=factories.PASSWORD)
    page.goto(server.url("/projects"))
    expect(page.get_by_label("Billable")).to_have_count(0)
    expect(page.get_by_label("Hourly rate")).to_have_count(0)
    expect(page.get_by_label("Estimated hours")).to_have_count(0)
    expect(page.get_by_role("columnheader", name="Rate")).to_have_count(0)
    page.get_by_role("link", name="Free one").click()
    expect(page.locator("#tasks")).to_contain_text("Tasks are a feature of premium workspaces.")
    expect(page.get_by_role("button", name="Add task")).to_have_count(0)
    with _client(page, server) as c:
        headers = _token(c, "/projects")
        answer = c.post(f"/projects/{ids['own']}/tasks", data={"name": "T"}, follow_redirects=True,
                        headers={**headers, "Referer": server.url(f"/projects/{ids['own']}")})
        assert 'role="alert">Tasks are available for paid workspaces only</div>' in answer.text
        # The admin's other workspace is not the current one: its ids are unknown here.
        for path, data in ((f"/projects/{ids['other']}/archive", {}), (f"/projects/{ids['other']}", {"name": "X"}),
                           ("/projects", {"name": "New", "client_id": str(ids["client"])}),
                           (f"/clients/{ids['client']}", {"name": "Y"})):
            refused = c.post(path, data=data, headers=headers, follow_redirects=False)
            assert refused.status_code == 404, (path, refused.status_code)
    with server.session() as db:
        assert db.get_one(Project, ids["other"]).active is True
        assert db.scalar(select(Project.id).where(Project.name == "New")) is None
