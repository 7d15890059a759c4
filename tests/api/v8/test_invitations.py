"""Accepting invitations (/user/accept_invitation, O-29, O-88) and the mail senders."""

from __future__ import annotations

import base64
import email
import logging
import re
import socketserver
import ssl
import threading
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from punchclock.app import create_app
from punchclock.config import Settings
from punchclock.domain import mail as mail_module
from punchclock.domain.mail import LogMailSender, Mail, SmtpMailSender, sender_for
from punchclock.domain.security import verify_password
from punchclock.models import User, Workspace, WorkspaceMember
from punchclock.models._common import utcnow
from tests.factories import (
    PASSWORD,
    add_invitation,
    add_member,
    basic,
    make_placeholder,
    make_user,
    make_workspace,
    token_auth,
)

PATH = "/user/accept_invitation"
URL = "http://testserver" + PATH + "?code="
JSON = {"Accept": "application/json"}
GONE = ["Invitation not found, already used or expired"]
BAD_LOGIN = ["Incorrect username and/or password"]
OTHER = ["This invitation is for another account"]


def fresh(db: Session) -> None:
    """See what the app wrote: end the session's transaction (a SQLite snapshot hides later commits)."""
    db.commit()
    db.expire_all()


def ts(value: Any) -> str:
    return str(value.isoformat(timespec="seconds"))


def studio(db: Session, name: str = "Quint Studio") -> tuple[User, Workspace]:
    admin = make_user(db, fullname="Mara Quint")
    return admin, make_workspace(db, admin=admin, name=name)


def member_row(db: Session, member_id: int) -> WorkspaceMember:
    fresh(db)
    return db.get_one(WorkspaceMember, member_id)


def pending(db: Session, member_id: int) -> bool:
    m = member_row(db, member_id)
    return m.active is False and m.invite_code is not None


class TestEndToEnd:
    def test_new_address_from_invitation_to_a_working_token(self, client: TestClient, db: Session) -> None:
        admin, ws = studio(db)
        r = client.post(f"/api/v8/workspaces/{ws.id}/invite", headers=token_auth(admin),
                        json={"emails": ["lea.brandt@example.org"]})
        [invited] = r.json()["data"]
        invite_url = invited["invite_url"]
        assert invite_url.startswith(URL)
        path = invite_url.removeprefix("http://testserver")

        page = client.get(path)
        assert page.status_code == 200
        assert page.headers["content-type"] == "text/html; charset=utf-8"
        assert "<title>Join Quint Studio</title>" in page.text
        assert "invited to the workspace <strong>Quint Studio</strong> as lea.brandt@example.org" in page.text
        assert 'name="password"' in page.text and 'name="fullname"' in page.text

        r = client.post(path, data={"password": "correct-horse-9", "fullname": " Lea B. "}, headers=JSON)
        assert r.status_code == 200
        m = member_row(db, invited["id"])
        lea = db.get_one(User, invited["uid"])
        assert r.json() == {"data": {"id": invited["id"], "uid": lea.id, "wid": ws.id, "admin": False,
                                     "active": True, "email": "lea.brandt@example.org", "name": "Lea B.",
                                     "at": ts(m.updated_at)}}
        assert (m.active, m.invite_code) == (True, None)
        assert verify_password(lea.password_hash, "correct-horse-9")
        assert (lea.fullname, lea.default_workspace_id) == ("Lea B.", ws.id)

        me = client.get("/api/v8/me", headers=basic("lea.brandt@example.org", "correct-horse-9"))
        assert me.status_code == 200
        client.cookies.clear()
        token = me.json()["data"]["api_token"]
        assert (token, me.json()["data"]["default_wid"]) == (lea.api_token, ws.id)
        r = client.get("/api/v8/workspaces", headers=basic(token, "api_token"))
        assert [(w["id"], w["admin"]) for w in r.json()] == [(ws.id, False)]

        listed = client.get(f"/api/v8/workspaces/{ws.id}/workspace_users", headers=token_auth(admin)).json()
        assert [(u["email"], u["active"], "invite_url" in u) for u in listed] == [
            (admin.email, True, False), ("lea.brandt@example.org", True, False)]

        r = client.post(path, data={"password": "correct-horse-9"}, headers=JSON)
        assert (r.status_code, r.json()) == (404, GONE)
        r = client.post(path, headers={**JSON, **basic(token, "api_token")})
        assert (r.status_code, r.json()) == (404, GONE)
        assert client.get(path).status_code == 404


class TestAcceptPage:
    def test_placeholder_gets_the_new_account_form(self, client: TestClient, db: Session) -> None:
        _, ws = studio(db)
        lea = make_placeholder(db, email="lea.brandt@example.org")
        add_invitation(db, ws, lea, code="code-for-lea")
        r = client.get(PATH + "?code=code-for-lea")
        assert r.status_code == 200
        assert '<form method="post" action="/user/accept_invitation?code=code-for-lea">' in r.text
        assert '<input id="fullname" name="fullname" maxlength="100" value="Lea Brandt">' in r.text
        assert 'autocomplete="new-password"' in r.text
        assert r.headers["referrer-policy"] == "no-referrer"
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["content-security-policy"].startswith("default-src 'none';")

    def test_existing_account_is_asked_to_sign_in(self, client: TestClient, db: Session) -> None:
        _, ws = studio(db)
        ines = make_user(db, email="ines.rocha@example.org")
        add_invitation(db, ws, ines, code="code-for-ines")
        r = client.get(PATH + "?code=code-for-ines")
        assert r.status_code == 200
        assert "<p>Sign in as ines.rocha@example.org to accept.</p>" in r.text
        assert 'autocomplete="current-password"' in r.text and 'name="fullname"' not in r.text

    def test_everything_shown_is_escaped(self, client: TestClient, db: Session) -> None:
        _, ws = studio(db, name='<script>alert("x")</script> & Co')
        who = make_placeholder(db, email="o'neil@example.org", fullname='"><b>x</b>')
        add_invitation(db, ws, who, code="esc")
        r = client.get(PATH + "?code=esc")
        assert r.status_code == 200
        assert "<script>" not in r.text and "<b>" not in r.text
        assert "<title>Join &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co</title>" in r.text
        assert "as o&#x27;neil@example.org" in r.text
        assert 'value="&quot;&gt;&lt;b&gt;x&lt;/b&gt;"' in r.text

    def test_unknown_missing_overlong_used_and_expired_codes_are_404(self, client: TestClient,
                                                                       db: Session) -> None:
        _, ws = studio(db)
        add_invitation(db, ws, make_user(db), code="expired", invited_at=utcnow() - timedelta(days=7, seconds=1))
        add_invitation(db, ws, make_user(db), code="almost", invited_at=utcnow() - timedelta(days=6, hours=23))
        used = add_member(db, ws, make_user(db))
        used.invite_code = "used"
        db.commit()
        for query in ("?code=nope", "", "?code=", "?code=" + "x" * 65, "?code=expired", "?code=used"):
            r = client.get(PATH + query)
            assert r.status_code == 404, query
            assert r.headers["content-type"] == "text/html; charset=utf-8"
            assert '<p class="error">Invitation not found, already used or expired</p>' in r.text
            r = client.get(PATH + query, headers=JSON)
            assert (r.status_code, r.json()) == (404, GONE)
        assert client.get(PATH + "?code=almost").status_code == 200

    def test_invite_days_setting_sets_the_expiry(self, settings: Settings, db: Session) -> None:
        app = create_app(settings.model_copy(update={"invite_days": 30}))
        try:
            with TestClient(app) as c:
                _, ws = studio(db)
                add_invitation(db, ws, make_user(db), code="old", invited_at=utcnow() - timedelta(days=29))
                assert c.get(PATH + "?code=old").status_code == 200
        finally:
            app.state.engine.dispose()


class TestAcceptWithCredentials:
    def test_existing_user_with_own_token_and_an_empty_json_body(self, client: TestClient, db: Session) -> None:
        _, ws = studio(db)
        ines = make_user(db, email="ines.rocha@example.org", fullname="Ines Rocha")
        inv = add_invitation(db, ws, ines, code="c1")
        r = client.post(PATH + "?code=c1", content=b"",
                        headers={**token_auth(ines), **JSON, "Content-Type": "application/json"})
        assert r.status_code == 200
        m = member_row(db, inv.id)
        assert r.json() == {"data": {"id": inv.id, "uid": ines.id, "wid": ws.id, "admin": False, "active": True,
                                     "email": "ines.rocha@example.org", "name": "Ines Rocha",
                                     "at": ts(m.updated_at)}}
        assert m.invite_code is None
        fresh(db)
        assert db.get_one(User, ines.id).default_workspace_id != ws.id  # an existing default stays
        assert client.get(f"/api/v8/workspaces/{ws.id}", headers=token_auth(ines)).status_code == 200

    def test_basic_password_gets_an_html_confirmation(self, client: TestClient, db: Session) -> None:
        _, ws = studio(db)
        ines = make_user(db, email="ines.rocha@example.org")
        inv = add_invitation(db, ws, ines, code="c2")
        r = client.post(PATH + "?code=c2", headers=basic("INES.ROCHA@example.org", PASSWORD))
        assert r.status_code == 200
        assert r.headers["content-type"] == "text/html; charset=utf-8"
        assert "<h1>Welcome to Quint Studio</h1>" in r.text
        assert not pending(db, inv.id)

    def test_session_cookie(self, client: TestClient, db: Session) -> None:
        _, ws = studio(db)
        ines = make_user(db, email="ines.rocha@example.org")
        inv = add_invitation(db, ws, ines, code="c3")
        login = client.post("/api/v8/sessions", headers=basic(ines.email, PASSWORD))
        client.cookies.clear()
        match = re.match(r"^__Host-timer-session=([A-Za-z0-9_-]+);", login.headers["set-cookie"])
        assert match
        r = client.post(PATH + "?code=c3", headers={**JSON, "Cookie": f"__Host-timer-session={match.group(1)}"})
        assert (r.status_code, r.json()["data"]["active"]) == (200, True)
        assert not pending(db, inv.id)

    def test_someone_elses_credentials_are_403_and_change_nothing(self, client: TestClient, db: Session) -> None:
        admin, ws = studio(db)
        ines = make_user(db, email="ines.rocha@example.org")
        lea = make_placeholder(db, email="lea.brandt@example.org")
        inv_ines = add_invitation(db, ws, ines, code="for-ines")
        inv_lea = add_invitation(db, ws, lea, code="for-lea")
        for code, who in (("for-ines", token_auth(admin)), ("for-ines", basic(make_user(db).email, PASSWORD)),
                          ("for-lea", token_auth(ines))):
            r = client.post(f"{PATH}?code={code}", headers={**JSON, **who})
            assert (r.status_code, r.json()) == (403, OTHER)
        r = client.post(PATH + "?code=for-ines", headers=token_auth(admin))
        assert r.status_code == 403 and "This invitation is for another account" in r.text
        assert pending(db, inv_ines.id) and pending(db, inv_lea.id)
        fresh(db)
        assert db.get_one(User, lea.id).password_hash is None

    def test_missing_or_wrong_credentials_are_403(self, client: TestClient, db: Session) -> None:
        _, ws = studio(db)
        ines = make_user(db, email="ines.rocha@example.org")
        inv = add_invitation(db, ws, ines, code="c4")
        for headers in ({}, basic(ines.email, "wrong-password"), basic("0" * 32, "api_token"),
                        {"Authorization": "Bearer x"}, {"Cookie": "__Host-timer-session=forged"}):
            r = client.post(PATH + "?code=c4", headers={**JSON, **headers})
            assert (r.status_code, r.json()) == (403, BAD_LOGIN), headers
        assert pending(db, inv.id)

    def test_authorization_header_decides_over_form_fields(self, client: TestClient, db: Session) -> None:
        admin, ws = studio(db)
        lea = make_placeholder(db, email="lea.brandt@example.org")
        inv = add_invitation(db, ws, lea, code="c5")
        r = client.post(PATH + "?code=c5", data={"password": "correct-horse-9"}, headers={**JSON, **token_auth(admin)})
        assert (r.status_code, r.json()) == (403, OTHER)
        assert pending(db, inv.id)

    def test_unknown_code_with_good_credentials_is_404(self, client: TestClient, db: Session) -> None:
        _, ws = studio(db)
        ines = make_user(db, email="ines.rocha@example.org")
        add_invitation(db, ws, ines, code="expired-one", invited_at=utcnow() - timedelta(days=8))
        for query in ("?code=expired-one", "?code=unknown", ""):
            r = client.post(PATH + query, headers={**JSON, **token_auth(ines)})
            assert (r.status_code, r.json()) == (404, GONE)


class TestAcceptWithForm:
    def test_placeholder_rules_are_checked_before_anything_changes(self, client: TestClient, db: Session) -> None:
        _, ws = studio(db)
        lea = make_placeholder(db, email="lea.brandt@example.org")
        inv = add_invitation(db, ws, lea, code="f1")
        url = PATH + "?code=f1"
        for form, messages in (
            ({"password": ""}, ["Password can't be blank"]),
            ({"password": "12345"}, ["Password should be at least 6 characters"]),
            ({"password": "12345", "fullname": "x" * 101},
             ["Password should be at least 6 characters", "Fullname is too long (maximum 100 characters)"]),
        ):
            r = client.post(url, data=form, headers=JSON)
            assert (r.status_code, r.json()) == (404, messages), form
        r = client.post(url, data={"password": "123"})
        assert r.status_code == 404 and "<p class=\"error\">Password should be at least 6 characters</p>" in r.text
        assert '<a href="/user/accept_invitation?code=f1">Back to the invitation</a>' in r.text
        assert pending(db, inv.id)
        fresh(db)
        assert (db.get_one(User, lea.id).password_hash, db.get_one(User, lea.id).fullname) == (None, "Lea Brandt")

    def test_placeholder_with_json_body_and_no_fullname_keeps_the_derived_name(self, client: TestClient,
                                                                              db: Session) -> None:
        _, ws = studio(db)
        lea = make_placeholder(db, email="lea.brandt@example.org")
        inv = add_invitation(db, ws, lea, code="f2")
        r = client.post(PATH + "?code=f2", json={"password": "correct-horse-9", "fullname": "  "})
        assert r.status_code == 200 and "<h1>Welcome to Quint Studio</h1>" in r.text
        fresh(db)
        user = db.get_one(User, lea.id)
        assert (user.fullname, user.default_workspace_id) == ("Lea Brandt", ws.id)
        assert verify_password(user.password_hash, "correct-horse-9")
        assert not pending(db, inv.id)

    def test_existing_account_signs_in_with_the_form(self, client: TestClient, db: Session) -> None:
        _, ws = studio(db)
        ines = make_user(db, email="ines.rocha@example.org", fullname="Ines Rocha")
        inv = add_invitation(db, ws, ines, code="f3")
        url = PATH + "?code=f3"
        r = client.post(url, data={"password": "not-it", "fullname": "Hacker"}, headers=JSON)
        assert (r.status_code, r.json()) == (403, BAD_LOGIN)
        assert pending(db, inv.id)
        r = client.post(url, data={"password": PASSWORD, "fullname": "Ignored", "email": "x@example.org"},
                        headers=JSON)
        assert (r.status_code, r.json()["data"]["name"]) == (200, "Ines Rocha")
        assert not pending(db, inv.id)
        fresh(db)
        assert verify_password(db.get_one(User, ines.id).password_hash, PASSWORD)

    def test_unreadable_bodies(self, client: TestClient, db: Session) -> None:
        _, ws = studio(db)
        lea = make_placeholder(db, email="lea.brandt@example.org")
        inv = add_invitation(db, ws, lea, code="f4")
        url = PATH + "?code=f4"
        r = client.post(url, content=b'{"password": ', headers={**JSON, "Content-Type": "application/json"})
        assert (r.status_code, r.json()) == (400, ["Invalid JSON"])
        r = client.post(url, files={"password": ("p", b"correct-horse-9")}, headers=JSON)
        assert (r.status_code, r.json()) == (400, ["Invalid form data"])
        r = client.post(url, content=b"password=%ff%fe", headers={**JSON,
                                                                  "Content-Type": "application/x-www-form-urlencoded"})
        assert (r.status_code, r.json()) == (400, ["Invalid form data"])
        r = client.post(url, content="&".join(f"f{i}=1" for i in range(30)).encode(),
                        headers={**JSON, "Content-Type": "application/x-www-form-urlencoded"})
        assert (r.status_code, r.json()) == (400, ["Invalid form data"])
        r = client.post(url, json={"password": 123456}, headers=JSON)
        assert (r.status_code, r.json()) == (404, ["Invalid password"])
        r = client.post(url, json=["password"], headers=JSON)  # not an object: no fields, no credentials
        assert (r.status_code, r.json()) == (403, BAD_LOGIN)
        assert pending(db, inv.id)

    def test_expired_code_with_form_is_404(self, client: TestClient, db: Session) -> None:
        _, ws = studio(db)
        lea = make_placeholder(db, email="lea.brandt@example.org")
        add_invitation(db, ws, lea, code="f5", invited_at=utcnow() - timedelta(days=30))
        r = client.post(PATH + "?code=f5", data={"password": "correct-horse-9"}, headers=JSON)
        assert (r.status_code, r.json()) == (404, GONE)
        fresh(db)
        assert db.get_one(User, lea.id).password_hash is None


# -- mail senders ----------------------------------------------------------------------------------------

class TestLogSender:
    def test_default_sender_logs_recipient_and_subject_never_the_code(
        self, client: TestClient, db: Session, app: Any, caplog: pytest.LogCaptureFixture
    ) -> None:
        assert isinstance(app.state.mail_sender, LogMailSender)
        admin, ws = studio(db)
        with caplog.at_level(logging.DEBUG):
            r = client.post(f"/api/v8/workspaces/{ws.id}/invite", headers=token_auth(admin),
                            json={"emails": ["lea.brandt@example.org"]})
        code = r.json()["data"][0]["invite_url"].removeprefix(URL)
        assert len(code) == 43
        assert [rec.getMessage() for rec in caplog.records if rec.name == "punchclock.mail"] == [
            "mail not sent (no SMTP server configured): to=lea.brandt@example.org "
            "subject=Invitation to Quint Studio on punchclock"
        ]
        assert code not in caplog.text and "accept_invitation" not in caplog.text

    def test_subject_is_logged_on_one_line(self, caplog: pytest.LogCaptureFixture) -> None:
        with caplog.at_level(logging.INFO, logger="punchclock.mail"):
            LogMailSender().send(Mail(to="a@example.org", subject="Line\nbreak\r\nhere", text="secret body"))
        assert caplog.messages == ["mail not sent (no SMTP server configured): to=a@example.org "
                                   "subject=Line break here"]
        assert "secret body" not in caplog.text


class FakeSmtpServer(socketserver.ThreadingTCPServer):
    """A tiny in-process SMTP server: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, QUIT (no TLS)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        self.messages: list[dict[str, Any]] = []
        self.logins: list[str] = []


class SmtpHandler(socketserver.StreamRequestHandler):
    server: FakeSmtpServer

    def reply(self, text: str) -> None:
        self.wfile.write(text.encode() + b"\r\n")

    def handle(self) -> None:
        self.reply("220 fake.smtp ESMTP")
        envelope: dict[str, Any] = {"rcpt": []}
        while line := self.rfile.readline():
            command = line.decode().rstrip("\r\n")
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-fake.smtp\r\n250-AUTH PLAIN\r\n250 8BITMIME\r\n")
            elif verb == "AUTH":
                self.server.logins.append(base64.b64decode(command.split()[2]).decode())
                self.reply("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                envelope["from"] = command[10:]
                self.reply("250 OK")
            elif verb == "RCPT":
                envelope["rcpt"].append(command[8:])
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = b""
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                self.server.messages.append({**envelope, "data": data})
                envelope = {"rcpt": []}
                self.reply("250 OK queued")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("250 OK")


@pytest.fixture
def smtp_server() -> Iterator[FakeSmtpServer]:
    server = FakeSmtpServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


class TestSmtpSender:
    def test_delivers_through_a_real_smtp_conversation(self, smtp_server: FakeSmtpServer) -> None:
        port = smtp_server.server_address[1]
        sender = SmtpMailSender("127.0.0.1", port, sender="punchclock@example.org", username="mailer",
                                password="s3cret", starttls=False)
        sender.send(Mail(to="lea.brandt@example.org", subject="Hello\nthere", text="Line one\n.\nLine three\n"))
        [msg] = smtp_server.messages
        assert (msg["from"], msg["rcpt"]) == ("<punchclock@example.org>", ["<lea.brandt@example.org>"])
        parsed = email.message_from_bytes(msg["data"])
        assert (parsed["From"], parsed["To"], parsed["Subject"]) == (
            "punchclock@example.org", "lea.brandt@example.org", "Hello there")
        assert parsed.get_payload(decode=True).decode() == "Line one\n.\nLine three\n".replace("\n", "\r\n")
        assert smtp_server.logins == ["\0mailer\0s3cret"]

    def test_invitation_mail_sent_through_smtp_from_settings(self, settings: Settings, db: Session,
                                                             smtp_server: FakeSmtpServer) -> None:
        configured = settings.model_copy(update={
            "smtp_host": "127.0.0.1", "smtp_port": smtp_server.server_address[1], "smtp_starttls": False,
            "smtp_from": "Punchclock <noreply@example.org>", "smtp_username": None,
        })
        app = create_app(configured)
        try:
            assert isinstance(app.state.mail_sender, SmtpMailSender)
            with TestClient(app) as c:
                admin, ws = studio(db)
                r = c.post(f"/api/v8/workspaces/{ws.id}/invite", headers=token_auth(admin),
                           json={"emails": ["lea.brandt@example.org", "ola.nord@example.org"]})
                urls = [d["invite_url"] for d in r.json()["data"]]
        finally:
            app.state.engine.dispose()
        assert [m["rcpt"] for m in smtp_server.messages] == [["<lea.brandt@example.org>"], ["<ola.nord@example.org>"]]
        assert smtp_server.logins == []
        for msg, url in zip(smtp_server.messages, urls, strict=True):
            parsed = email.message_from_bytes(msg["data"])
            assert parsed["Subject"] == "Invitation to Quint Studio on punchclock"
            assert parsed["From"] == "Punchclock <noreply@example.org>"
            assert url in parsed.get_payload(decode=True).decode()

    def test_starttls_then_login(self, monkeypatch: pytest.MonkeyPatch) -> None:
        calls: list[Any] = []

        class FakeSMTP:
            def __init__(self, host: str, port: int, timeout: float) -> None:
                calls.append(("connect", host, port, timeout))

            def __enter__(self) -> FakeSMTP:
                return self

            def __exit__(self, *exc: object) -> None:
                calls.append(("quit",))

            def ehlo(self) -> None:
                calls.append(("ehlo",))

            def starttls(self, context: ssl.SSLContext) -> None:
                calls.append(("starttls", context.verify_mode, context.check_hostname))

            def login(self, user: str, password: str) -> None:
                calls.append(("login", user, password))

            def send_message(self, msg: EmailMessage) -> None:
                calls.append(("send", msg["From"], msg["To"], msg["Subject"], msg.get_content()))

        monkeypatch.setattr(mail_module.smtplib, "SMTP", FakeSMTP)
        sender = sender_for(Settings(smtp_host="mail.example.org", smtp_username="mailer", smtp_password="pw",
                                     smtp_from="noreply@example.org"))
        sender.send(Mail(to="lea.brandt@example.org", subject="Hi", text="Body\n"))
        assert calls == [
            ("connect", "mail.example.org", 587, 10.0), ("ehlo",),
            ("starttls", ssl.CERT_REQUIRED, True), ("ehlo",),
            ("login", "mailer", "pw"),
            ("send", "noreply@example.org", "lea.brandt@example.org", "Hi", "Body\n"),
            ("quit",),
        ]

    def test_settings_choose_the_sender_and_hide_the_password(self) -> None:
        assert isinstance(sender_for(Settings()), LogMailSender)
        s = Settings(smtp_host="mail.example.org", smtp_port=2525, smtp_password="pw", smtp_starttls=False)
        assert "pw" not in repr(s)
        sender = sender_for(s)
        assert isinstance(sender, SmtpMailSender)
        assert (sender.host, sender.port, sender.sender, sender.username, sender.password, sender.starttls) == (
            "mail.example.org", 2525, "punchclock@localhost", None, "pw", False)
        assert Settings().invite_days == 7
        with pytest.raises(ValueError):
            Settings(invite_days=0)
