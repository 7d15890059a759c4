"""Password reset over plain HTTP and in the domain: no enumeration, throttling, single use, digests only."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from datetime import timedelta

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.domain import password_resets, security
from punchclock.models import AuthSession, PasswordReset, User
from punchclock.models._common import utcnow
from tests.factories import PASSWORD, make_placeholder, make_user
from tests.web.browser import RecordingMail

pytestmark = pytest.mark.filterwarnings("ignore")


def _client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings)
    app.state.mail_sender = RecordingMail()
    with TestClient(app, follow_redirects=False) as c:
        yield c
    app.state.engine.dispose()


@pytest.fixture
def web(settings: Settings) -> Iterator[TestClient]:
    yield from _client(settings)


def _mails(c: TestClient) -> RecordingMail:
    mail: RecordingMail = c.app.state.mail_sender  # type: ignore[attr-defined]
    return mail


def _db(c: TestClient) -> Session:
    session: Session = c.app.state.sessionmaker()  # type: ignore[attr-defined]
    return session


def _token(c: TestClient, path: str = "/password/forgot") -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]{64})"', c.get(path).text)
    assert match, path
    return match[1]


def _flash(answer: object) -> list[str] | None:
    for value in answer.headers.get_list("set-cookie"):  # type: ignore[attr-defined]
        if value.startswith("punchclock-flash="):
            raw = value.split(";")[0].split("=", 1)[1].strip('"')
            return list(orjson.loads(base64.urlsafe_b64decode(raw)))
    return None


def _ask(c: TestClient, email: str) -> object:
    return c.post("/password/forgot", data={"csrf": _token(c), "email": email})


def test_known_unknown_and_placeholder_addresses_get_the_same_answer(web: TestClient) -> None:
    db = _db(web)
    known = make_user(db, email="known@example.com")
    make_placeholder(db, email="invited@example.com")
    db.close()
    answers = [_ask(web, email) for email in ("Known@Example.com", "nobody@example.com", "invited@example.com")]
    assert {(a.status_code, a.headers["location"]) for a in answers} == {(303, "/password/forgot/sent")}  # type: ignore[attr-defined]
    assert [m.to for m in _mails(web).sent] == ["known@example.com"]
    sent = web.get("/password/forgot/sent")
    assert sent.status_code == 200 and "If an account exists for that address, we sent a link to it." in sent.text
    db = _db(web)
    rows = db.scalars(select(PasswordReset)).all()
    secret = _mails(web).link_in(_mails(web).sent[0]).rsplit("/", 1)[1]
    assert [(r.user_id, r.token_hash) for r in rows] == [(known.id, security.digest(secret))]
    db.close()


def test_a_blank_address_is_asked_for_again(web: TestClient) -> None:
    answer = web.post("/password/forgot", data={"csrf": _token(web), "email": " "})
    assert answer.status_code == 400 and "Enter the e-mail address of your account." in answer.text


def test_forms_need_the_csrf_token(web: TestClient) -> None:
    db = _db(web)
    make_user(db, email="ann@example.com")
    db.close()
    _token(web)
    assert web.post("/password/forgot", data={"email": "ann@example.com"}).status_code == 403
    assert web.post("/password/reset/whatever", data={"password": "x" * 8}).status_code == 403
    assert _mails(web).sent == []


def test_asking_is_throttled_per_ip(settings: Settings) -> None:
    for c in _client(settings.model_copy(update={"rate_limit": True, "v9_burst": 2, "v9_rate_per_second": 0.001})):
        db = _db(c)
        make_user(db, email="ann@example.com")
        db.close()
        token = _token(c)
        for _ in range(2):
            assert c.post("/password/forgot", data={"csrf": token, "email": "ann@example.com"}).status_code == 303
        refused = c.post("/password/forgot", data={"csrf": token, "email": "ann@example.com"},
                         headers={"Referer": "http://testserver/password/forgot"})
        assert (refused.status_code, refused.headers["location"]) == (303, "/password/forgot")
        assert _flash(refused) == ["error", "Too Many Requests"]
        assert len(_mails(c).sent) == 2


def test_at_most_three_live_links_per_account(web: TestClient) -> None:
    db = _db(web)
    make_user(db, email="ann@example.com")
    db.close()
    for _ in range(5):
        _ask(web, "ann@example.com")
    assert len(_mails(web).sent) == password_resets.MAX_LIVE == 3


def test_reset_sets_the_password_spends_every_link_and_ends_every_session(web: TestClient) -> None:
    db = _db(web)
    ann = make_user(db, email="ann@example.com")
    db.close()
    api = web.post("/api/v8/sessions", auth=("ann@example.com", PASSWORD))
    assert api.status_code == 200
    web.cookies.clear()
    _ask(web, "ann@example.com")
    _ask(web, "ann@example.com")
    first, second = (_mails(web).link_in(m).removeprefix("http://testserver") for m in _mails(web).sent)
    page = web.get(first)
    assert page.status_code == 200 and "For the account <strong>ann@example.com</strong>." in page.text
    done = web.post(first, data={"csrf": _token(web, first), "password": "a new one"})
    assert (done.status_code, done.headers["location"]) == (303, "/timer")
    assert _flash(done) == ["ok", "Your password was changed. You are signed in."]
    db = _db(web)
    user = db.get_one(User, ann.id)
    assert security.verify_password(user.password_hash, "a new one")
    assert db.scalar(select(func.count()).select_from(PasswordReset).where(PasswordReset.used_at.is_(None))) == 0
    sessions = db.scalars(select(AuthSession.token_hash).where(AuthSession.user_id == ann.id)).all()
    assert sessions == [security.digest(web.cookies["punchclock"])]  # only the browser's new one
    db.close()
    for link in (first, second):
        gone = web.get(link)
        assert gone.status_code == 404 and "This link has expired or was already used" in gone.text


def test_domain_links(db: Session) -> None:
    ann = make_user(db, email="ann@example.com")
    now = utcnow()
    link = password_resets.request_link(db, " ANN@example.com ", now=now)
    assert link is not None and (link.user_id, link.email, link.expires_at) == (
        ann.id, "ann@example.com", now + timedelta(minutes=60))
    assert password_resets.find(db, link.secret, now=now + timedelta(minutes=59)) is not None
    assert password_resets.find(db, link.secret, now=now + timedelta(minutes=60)) is None
    assert password_resets.find(db, link.secret + "x") is None
    assert password_resets.find(db, "x" * 65) is None and password_resets.find(db, "") is None
    assert password_resets.complete(db, link.secret, "hash", now=now + timedelta(minutes=61)) is None
    assert password_resets.complete(db, link.secret, "hash", now=now) == ann.id
    assert password_resets.complete(db, link.secret, "other", now=now) is None
    db.commit()
    assert db.get_one(User, ann.id).password_hash == "hash"
    assert password_resets.request_link(db, "nobody@example.com") is None
    mail = password_resets.reset_mail(link, password_resets.reset_url("https://t.example/", "s3cret"))
    assert (mail.to, mail.subject) == ("ann@example.com", "Reset your punchclock password")
    assert "https://t.example/password/reset/s3cret\n" in mail.text and "valid for 60 minutes" in mail.text
