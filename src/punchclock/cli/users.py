"""``punchclock user …``: create, list, set-password, disable, enable, reset-token."""

from __future__ import annotations

import secrets
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from punchclock.cli.apps import user_app
from punchclock.cli.console import fail, load_settings, say
from punchclock.cli.database import migrated_engine, write_session
from punchclock.domain.errors import DomainError

if TYPE_CHECKING:
    from punchclock.models import User

Email = Annotated[str, typer.Argument(help="E-mail address of the user (any case).")]


def domain_message(exc: DomainError) -> str:
    from punchclock.http.v8.errors import render

    return "; ".join(render(exc)[1])


def valid_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(f"Unknown time zone {name!r}: use an IANA name such as Europe/Berlin or Etc/UTC.") from None
    return name


def existing_user(db: Session, email: str) -> User:
    from punchclock.domain import admin

    user = admin.find_user(db, email)
    if user is None:
        raise fail(f"No user with e-mail {email}: `punchclock user list` shows every user.")
    return user


@user_app.command("create")
def user_create(
    email: Annotated[str, typer.Argument(help="E-mail address, used to log in.")],
    password: Annotated[
        str | None, typer.Option(help="Password (at least 6 characters); generated if omitted.")
    ] = None,
    fullname: Annotated[str | None, typer.Option(help="Full name; derived from the e-mail if omitted.")] = None,
    timezone: Annotated[str, typer.Option(help="IANA time zone of the user.")] = "Etc/UTC",
) -> None:
    """Create a user with a personal workspace and print the API token."""
    from punchclock.domain import users

    settings = load_settings()
    valid_zone(timezone)
    generated = password is None
    password = password if password is not None else secrets.token_urlsafe(12)
    with write_session(settings) as db:
        try:
            user = users.register(db, email=email, password=password, fullname=fullname, timezone=timezone)
        except DomainError as exc:
            raise fail(f"Cannot create {email}: {domain_message(exc)}") from None
        db.commit()
        say(f"Created user {user.email} (id {user.id}) with workspace {user.default_workspace_id}.")
        if generated:
            say(f"Password: {password}")
        say(f"API token: {user.api_token}")


def _when(moment: datetime | None) -> str:
    return "never" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


@user_app.command("list")
def user_list() -> None:
    """Show every user: workspaces (active memberships), last login, disabled."""
    from punchclock.domain import admin

    settings = load_settings()
    with migrated_engine(settings) as engine, Session(engine) as db:
        rows = admin.user_rows(db)
    table = Table("id", "e-mail", "name", "workspaces", "last login", "disabled")
    for row in rows:
        table.add_row(str(row.id), row.email, row.fullname, ", ".join(map(str, row.workspace_ids)) or "none",
                      _when(row.last_login_at), "yes" if row.disabled_at else "no")
    # A console made now reads COLUMNS now: the table uses the terminal's (or the caller's) width.
    Console(highlight=False).print(table)
    say(f"{len(rows)} user(s).")


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def read_new_password(from_stdin: bool) -> str:
    """Prompt twice without echo on a terminal; otherwise the first line of stdin (for scripts)."""
    if not from_stdin and stdin_is_terminal():
        return str(typer.prompt("New password", hide_input=True, confirmation_prompt=True))
    line = sys.stdin.readline().rstrip("\r\n")
    if not line:
        raise fail("No password on stdin: pipe it in (printf '%s\\n' \"$PASSWORD\" | punchclock user set-password …).")
    return line


@user_app.command("set-password")
def user_set_password(
    email: Email,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin (automatic when not a terminal).")
    ] = False,
) -> None:
    """Set a user's password (asked twice, not shown) and end their sessions."""
    from punchclock.domain import admin

    settings = load_settings()
    with write_session(settings) as db:
        user = existing_user(db, email)
        password = read_new_password(password_stdin)
        try:
            ended = admin.set_password(db, user, password)
        except DomainError as exc:
            raise fail(f"Cannot set the password of {user.email}: {domain_message(exc)}") from None
        db.commit()
        say(f"Set the password of {user.email} (id {user.id}); {ended} session(s) ended.")


@user_app.command("disable")
def user_disable(email: Email) -> None:
    """Stop a user from logging in or using their API token; ends their sessions."""
    from punchclock.domain import admin

    settings = load_settings()
    with write_session(settings) as db:
        user = existing_user(db, email)
        was_disabled = user.disabled_at is not None
        ended = admin.disable(db, user)
        db.commit()
        state = "was already disabled" if was_disabled else "is now disabled"
        say(f"User {user.email} (id {user.id}) {state}; {ended} session(s) ended.")


@user_app.command("enable")
def user_enable(email: Email) -> None:
    """Let a disabled user log in again."""
    from punchclock.domain import admin

    settings = load_settings()
    with write_session(settings) as db:
        user = existing_user(db, email)
        changed = admin.enable(db, user)
        db.commit()
        say(f"User {user.email} (id {user.id}) {'is enabled again' if changed else 'was not disabled'}.")


@user_app.command("reset-token")
def user_reset_token(email: Email) -> None:
    """Give a user a new API token and print it; the old token stops working."""
    from punchclock.domain import users

    settings = load_settings()
    with write_session(settings) as db:
        user = existing_user(db, email)
        token = users.reset_token(db, user)
        db.commit()
        say(f"Reset the API token of {user.email} (id {user.id}); the old token no longer works.")
        say(f"API token: {token}")
