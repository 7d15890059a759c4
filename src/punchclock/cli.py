"""The ``punchclock`` command: serve, migrate, user create, workspace premium, demo.

Every command reads its settings from the PUNCHCLOCK_* environment variables (``punchclock.config``).
"""

from __future__ import annotations

import copy
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from punchclock import __version__
from punchclock.config import Settings
from punchclock.db.engine import is_sqlite, make_engine, normalize_url
from punchclock.domain.errors import DomainError

app = typer.Typer(
    help="punchclock: a self-hosted time-tracking server compatible with the Toggl API v8 and Reports API v2.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
user_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
workspace_app = typer.Typer(help="Manage workspaces.", no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(workspace_app, name="workspace")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def fail(message: str) -> typer.Exit:
    err.print(message, markup=False)
    return typer.Exit(code=1)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        lines = [f"  PUNCHCLOCK_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()]
        raise fail("Invalid configuration:\n" + "\n".join(lines)) from None


def shown_url(url: str) -> str:
    return make_url(normalize_url(url)).render_as_string(hide_password=True)


def workers_problem(settings: Settings, workers: int) -> str | None:
    """Why ``workers`` processes would be unsafe with these settings, or None.

    Several workers on SQLite are fine (writers queue on the database lock); several workers with
    per-process rate-limit buckets are not, since every worker would allow the full rate.
    """
    if workers < 1:
        return "--workers must be at least 1."
    if workers > 1 and settings.rate_limit and not settings.redis_url:
        return (
            f"Refusing to start {workers} workers: rate limiting is on but PUNCHCLOCK_REDIS_URL is not set, "
            f"so every worker would keep its own buckets and allow {workers} times the configured rate. "
            "Set PUNCHCLOCK_REDIS_URL (for example redis://127.0.0.1:6379/0), set PUNCHCLOCK_RATE_LIMIT=false, "
            "or run a single worker."
        )
    return None


def redis_problem(settings: Settings) -> str | None:
    if not (settings.rate_limit and settings.redis_url):
        return None
    from punchclock.http.ratelimit import RedisLimiter

    try:
        RedisLimiter(settings.redis_url).ping()
    except Exception as exc:
        return f"Cannot reach Redis at {shown_url(settings.redis_url)} (PUNCHCLOCK_REDIS_URL): {exc}"
    return None


def schema_problem(engine: Engine, url: str) -> str | None:
    """None when the database is migrated to the newest revision this version ships."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from punchclock.db.migrate import alembic_config

    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    with engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
    if current == head:
        return None
    return (
        f"The database {shown_url(url)} is not migrated (revision {current or 'none'}, this version needs {head}). "
        "Run `punchclock migrate` first."
    )


@contextmanager
def write_session(settings: Settings) -> Iterator[Session]:
    """A session on a migrated database; writes take SQLite's lock up front (BEGIN IMMEDIATE)."""
    engine = make_engine(settings.database_url, pool_size=1)
    try:
        problem = schema_problem(engine, settings.database_url)
        if problem:
            raise fail(problem)
        with Session(engine.execution_options(sqlite_immediate=True), expire_on_commit=False) as db:
            yield db
    finally:
        engine.dispose()


def domain_message(exc: DomainError) -> str:
    from punchclock.http.v8.errors import render

    return "; ".join(render(exc)[1])


def valid_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(f"Unknown time zone {name!r}: use an IANA name such as Europe/Berlin or Etc/UTC.") from None
    return name


# -- commands -----------------------------------------------------------------------------------------


@app.command()
def version() -> None:
    """Print the version."""
    out.print(f"punchclock {__version__}")


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (PUNCHCLOCK_DATABASE_URL)."""
    from punchclock.db.migrate import upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    out.print(f"Database {shown_url(settings.database_url)} is up to date.", markup=False)


def log_config() -> dict[str, Any]:
    """uvicorn's logging set-up plus ours: JSON access lines as they are, other punchclock logs as uvicorn's."""
    from uvicorn.config import LOGGING_CONFIG

    config = copy.deepcopy(LOGGING_CONFIG)
    config["formatters"]["message"] = {"format": "%(message)s"}
    config["handlers"]["punchclock_access"] = {"class": "logging.StreamHandler", "formatter": "message",
                                               "stream": "ext://sys.stdout"}
    config["loggers"]["punchclock"] = {"handlers": ["default"], "level": "INFO", "propagate": False}
    config["loggers"]["punchclock.access"] = {"handlers": ["punchclock_access"], "level": "INFO",
                                              "propagate": False}
    return config


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8080,
    workers: Annotated[int, typer.Option(help="Worker processes (more than 1 needs Redis for rate limits).")] = 1,
    run_migrations: Annotated[
        bool, typer.Option("--migrate/--no-migrate", help="Run database migrations before starting.")
    ] = True,
    access_log: Annotated[
        bool | None, typer.Option("--access-log/--no-access-log", help="JSON access log (PUNCHCLOCK_ACCESS_LOG).")
    ] = None,
    http: Annotated[str, typer.Option(help="HTTP parser: auto (httptools when installed), h11 or httptools.")] = "auto",
    loop: Annotated[str, typer.Option(help="Event loop: auto (uvloop when installed), asyncio or uvloop.")] = "auto",
) -> None:
    """Run the HTTP server (uvicorn)."""
    settings = load_settings()
    for problem in (workers_problem(settings, workers), redis_problem(settings)):
        if problem:
            raise fail(problem)
    if run_migrations:
        from punchclock.db.migrate import upgrade

        upgrade(settings.database_url)
    import uvicorn

    backend = "SQLite" if is_sqlite(normalize_url(settings.database_url)) else "PostgreSQL"
    out.print(f"punchclock {__version__} on http://{host}:{port} ({backend}, {workers} worker(s))", markup=False)
    if access_log is not None:
        os.environ["PUNCHCLOCK_ACCESS_LOG"] = "true" if access_log else "false"  # workers read the env
    uvicorn.run(
        "punchclock.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        # uvicorn's own access log prints query strings (invitation codes): ours replaces it.
        access_log=False,
        log_config=log_config(),
        http=http,  # type: ignore[arg-type]
        loop=loop,  # type: ignore[arg-type]
    )


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
        out.print(f"Created user {user.email} (id {user.id}) with workspace {user.default_workspace_id}.",
                  markup=False)
        if generated:
            out.print(f"Password: {password}", markup=False)
        out.print(f"API token: {user.api_token}", markup=False)


class Switch(StrEnum):
    on = "on"
    off = "off"


@workspace_app.command("premium")
def workspace_premium(
    workspace_id: Annotated[int, typer.Argument(help="Workspace id.")],
    state: Annotated[Switch, typer.Argument(help="on = paid features available, off = emulate a free plan.")],
) -> None:
    """Turn the paid features of a workspace on or off."""
    from punchclock.models import Workspace

    settings = load_settings()
    with write_session(settings) as db:
        ws = db.get(Workspace, workspace_id)
        if ws is None:
            raise fail(f"No workspace with id {workspace_id}.")
        ws.premium = state is Switch.on
        db.commit()
        out.print(f"Workspace {ws.id} ({ws.name}) is {'now' if ws.premium else 'no longer'} premium.", markup=False)


@app.command()
def demo(
    days: Annotated[int, typer.Option(min=1, max=3660, help="Calendar days to fill (weekdays only).")] = 90,
    until: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Last day to fill [default: yesterday].")
    ] = None,
    email: Annotated[str, typer.Option(help="Login of the demo user.")] = "demo@example.org",
    timezone: Annotated[str, typer.Option(help="Time zone of a newly created demo user.")] = "Etc/UTC",
) -> None:
    """Create (or reuse) a demo user and fill its workspace with clients, projects, tags and time entries."""
    from punchclock import demo as demodata

    settings = load_settings()
    valid_zone(timezone)
    with write_session(settings) as db:
        try:
            user, created = demodata.ensure_user(db, email, demodata.DEMO_PASSWORD, timezone)
        except DomainError as exc:
            raise fail(f"Cannot create {email}: {domain_message(exc)}") from None
        db.commit()
        last = until.date() if until else datetime.now(ZoneInfo(user.timezone)).date() - timedelta(days=1)
        todo = demodata.weekdays(last, days)
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                      console=out) as progress:
            task = progress.add_task("Time entries", total=len(todo))

            def advance(_day: date) -> None:
                progress.advance(task)

            filled = demodata.fill(db, user, end=last, days=days, on_day=advance)
        first = last - timedelta(days=days - 1)
        out.print(f"Workspace {user.default_workspace_id}: {filled.clients} clients, {filled.projects} projects, "
                  f"{filled.tags} tags.", markup=False)
        out.print(f"Created {filled.entries} time entries on {filled.days} weekdays from {first} to {last} "
                  f"({len(todo) - filled.days} weekdays were already filled).", markup=False)
        out.print(f"Login: {user.email}", markup=False)
        out.print(f"Password: {demodata.DEMO_PASSWORD if created else '(unchanged: the user already existed)'}",
                  markup=False)
        out.print(f"API token: {user.api_token}", markup=False)
