"""``punchclock user list / set-password / disable / enable / reset-token``, checked through the HTTP API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from punchclock import cli
from punchclock.cli import users as user_commands
from punchclock.models import AuthSession, User
from tests.factories import PASSWORD, add_invitation, add_member, basic, make_user, make_workspace
from tests.test_cli import (  # noqa: F401  (fixtures used by name)
    any_db_fixture,
    clean_env_fixture,
    db_line,
    http_fixture,
    invoke,
    session_for_fixture,
)

NEW = "brand-new-pass"


def cells(output: str) -> list[list[str]]:
    """The body rows of a Rich table: one list of stripped cells per line with cell borders."""
    return [[c.strip() for c in line.split("│")[1:-1]] for line in output.splitlines() if line.startswith("│")]


def loaded(db: Any, *users: User) -> None:
    """Read the users' columns, then end the session: the objects stay usable, no transaction stays open."""
    for user in users:
        db.refresh(user)
    db.close()


@pytest.fixture
def ada(any_db: str, session_for: Any) -> User:
    db = session_for(any_db)
    user = make_user(db, email="ada@example.org", fullname="Ada Lovelace")
    loaded(db, user)
    return user


def me(client: Any, *auth: str) -> int:
    return int(client.get("/api/v8/me", headers=basic(*auth)).status_code)


def sessions(session_for: Any, url: str, user_id: int) -> int:
    db = session_for(url)
    try:
        return int(db.scalar(select(func.count()).select_from(AuthSession).where(AuthSession.user_id == user_id)))
    finally:
        db.close()


def open_session(client: Any, email: str, password: str) -> None:
    assert client.post("/api/v8/sessions", headers=basic(email, password)).status_code == 200


class TestList:
    def test_exact_rows(self, any_db: str, session_for: Any) -> None:
        db = session_for(any_db)
        ada = make_user(db, email="ada@example.org", fullname="Ada Lovelace",
                        last_login_at=datetime(2024, 5, 1, 12, 34, 56, tzinfo=UTC))
        bob = make_user(db, email="bob@example.org", fullname="Bob", disabled_at=datetime(2024, 6, 1, tzinfo=UTC))
        team = make_workspace(db, admin=ada, name="Team")
        add_member(db, team, bob)
        carol = make_user(db, email="carol@example.org", fullname="Carol")
        add_invitation(db, team, carol)  # pending: not a workspace of hers yet
        team_id = team.id
        loaded(db, ada, bob, carol)
        result = CliRunner().invoke(cli.app, ["user", "list"], env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        assert result.stdout.splitlines()[0] == f"Database: {any_db}"
        assert result.stdout.splitlines()[2].split() == ["┃", "id", "┃", "e-mail", "┃", "name", "┃", "workspaces",
                                                         "┃", "last", "login", "┃", "disabled", "┃"]
        assert cells(result.stdout) == [
            [str(ada.id), "ada@example.org", "Ada Lovelace", f"{ada.default_workspace_id}, {team_id}",
             "2024-05-01 12:34 UTC", "no"],
            [str(bob.id), "bob@example.org", "Bob", f"{bob.default_workspace_id}, {team_id}", "never", "yes"],
            [str(carol.id), "carol@example.org", "Carol", str(carol.default_workspace_id), "never", "no"],
        ]
        assert result.stdout.endswith("3 user(s).\n")


class TestSetPassword:
    def test_from_stdin_new_password_logs_in_old_does_not(
        self, ada: User, any_db: str, http: Any, session_for: Any
    ) -> None:
        c = http(any_db)
        open_session(c, "ada@example.org", PASSWORD)
        result = invoke("user", "set-password", "ADA@example.org", input=f"{NEW}\n")
        assert result.exit_code == 0, result.output
        assert result.stdout == db_line(any_db) + \
            f"Set the password of ada@example.org (id {ada.id}); 1 session(s) ended.\n"
        assert sessions(session_for, any_db, ada.id) == 0
        assert (me(c, "ada@example.org", NEW), me(c, "ada@example.org", PASSWORD)) == (200, 403)

    def test_terminal_prompts_twice_without_echo(
        self, ada: User, any_db: str, http: Any, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(user_commands, "stdin_is_terminal", lambda: True)
        result = invoke("user", "set-password", "ada@example.org", input=f"{NEW}\nother-one\n{NEW}\n{NEW}\n")
        assert result.exit_code == 0, result.output
        assert NEW not in result.output
        assert result.output.count("New password:") == 2  # asked again after the mismatch
        assert "Repeat for confirmation:" in result.output
        assert me(http(any_db), "ada@example.org", NEW) == 200

    def test_password_stdin_flag(self, ada: User, any_db: str, http: Any) -> None:
        result = invoke("user", "set-password", "--password-stdin", "ada@example.org", input=f"{NEW}\r\n")
        assert result.exit_code == 0, result.output
        assert me(http(any_db), "ada@example.org", NEW) == 200

    def test_short_password_is_refused_by_the_api_rule(self, ada: User, any_db: str, http: Any) -> None:
        result = invoke("user", "set-password", "ada@example.org", input="12345\n")
        assert result.exit_code == 1
        assert result.stderr == "Cannot set the password of ada@example.org: Password should be at least 6 characters\n"
        assert me(http(any_db), "ada@example.org", PASSWORD) == 200

    def test_empty_stdin(self, ada: User) -> None:
        result = invoke("user", "set-password", "ada@example.org", input="")
        assert result.exit_code == 1
        assert result.stderr.startswith("No password on stdin: ")
        assert len(result.stderr.splitlines()) == 1


class TestDisable:
    def test_disable_ends_sessions_and_refuses_token_then_enable(
        self, ada: User, any_db: str, http: Any, session_for: Any
    ) -> None:
        c = http(any_db)
        open_session(c, "ada@example.org", PASSWORD)
        open_session(c, "ada@example.org", PASSWORD)
        result = invoke("user", "disable", "ada@example.org")
        assert result.exit_code == 0, result.output
        assert result.stdout == db_line(any_db) + \
            f"User ada@example.org (id {ada.id}) is now disabled; 2 session(s) ended.\n"
        db = session_for(any_db)
        assert db.get(User, ada.id).disabled_at is not None  # type: ignore[union-attr]
        db.close()
        assert sessions(session_for, any_db, ada.id) == 0
        # Authentication refuses a disabled user (http/auth.py): token and password alike.
        assert (me(c, ada.api_token, "api_token"), me(c, "ada@example.org", PASSWORD)) == (403, 403)

        again = invoke("user", "disable", "ada@example.org")
        assert again.stdout.endswith(f"User ada@example.org (id {ada.id}) was already disabled; 0 session(s) ended.\n")

        result = invoke("user", "enable", "ada@example.org")
        assert result.stdout == db_line(any_db) + f"User ada@example.org (id {ada.id}) is enabled again.\n"
        db = session_for(any_db)
        assert db.get(User, ada.id).disabled_at is None  # type: ignore[union-attr]
        db.close()
        assert me(c, ada.api_token, "api_token") == 200

    def test_enable_a_user_who_is_not_disabled(self, ada: User) -> None:
        result = invoke("user", "enable", "ada@example.org")
        assert (result.exit_code, result.stdout.splitlines()[-1]) == (
            0, f"User ada@example.org (id {ada.id}) was not disabled.")


class TestResetToken:
    def test_new_token_works_old_does_not(self, ada: User, any_db: str, http: Any) -> None:
        result = invoke("user", "reset-token", "ada@example.org")
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert lines[:2] == [f"Database: {any_db}",
                             f"Reset the API token of ada@example.org (id {ada.id}); the old token no longer works."]
        new = lines[2].removeprefix("API token: ")
        assert len(new) == 32 and new != ada.api_token
        c = http(any_db)
        assert (me(c, new, "api_token"), me(c, ada.api_token, "api_token")) == (200, 403)


@pytest.mark.parametrize("command", ["set-password", "disable", "enable", "reset-token"])
def test_unknown_email_is_one_line(command: str, ada: User) -> None:
    result = invoke("user", command, "nobody@example.org", input="whatever-1\n")
    assert result.exit_code == 1
    assert result.stderr == "No user with e-mail nobody@example.org: `punchclock user list` shows every user.\n"
