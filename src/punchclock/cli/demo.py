"""``punchclock demo``: a demo user with realistic clients, projects, tags and time entries."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from punchclock.cli.apps import app
from punchclock.cli.console import fail, load_settings, out, say
from punchclock.cli.database import write_session
from punchclock.cli.users import domain_message, valid_zone
from punchclock.domain.errors import DomainError


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
        say(f"Workspace {user.default_workspace_id}: {filled.clients} clients, {filled.projects} projects, "
            f"{filled.tags} tags.")
        say(f"Created {filled.entries} time entries on {filled.days} weekdays from {first} to {last} "
            f"({len(todo) - filled.days} weekdays were already filled).")
        say(f"Login: {user.email}")
        say(f"Password: {demodata.DEMO_PASSWORD if created else '(unchanged: the user already existed)'}")
        say(f"API token: {user.api_token}")
