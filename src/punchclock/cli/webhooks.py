"""``punchclock webhooks …``: list subscriptions, show a subscription's recent deliveries, retry one (70-)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from punchclock.cli.apps import app
from punchclock.cli.console import fail, load_settings, say
from punchclock.cli.database import migrated_engine, write_session
from punchclock.domain.errors import DomainError

webhooks_app = typer.Typer(help="Inspect webhook subscriptions and their deliveries.", no_args_is_help=True)
app.add_typer(webhooks_app, name="webhooks")


def _when(moment: datetime | None) -> str:
    return "-" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _print(table: Table) -> None:
    # A console made now reads COLUMNS now: the table uses the terminal's (or the caller's) width.
    Console(highlight=False).print(table)


@webhooks_app.command("list")
def webhooks_list(
    workspace: Annotated[int | None, typer.Option("--workspace", help="Only this workspace's subscriptions.")] = None,
) -> None:
    """Show the live subscriptions: callback, state, pending deliveries."""
    from punchclock.webhooks import subscriptions

    settings = load_settings()
    with migrated_engine(settings) as engine, Session(engine) as db:
        rows = subscriptions.every_live(db, workspace)
    table = Table("id", "workspace", "creator", "description", "callback", "enabled", "validated", "pending",
                  "disabled because")
    for sub, email, pending in rows:
        table.add_row(str(sub.id), str(sub.workspace_id), email, sub.description, sub.url_callback,
                      "yes" if sub.enabled else "no", _when(sub.validated_at) if sub.validated_at else "no",
                      str(pending), sub.disabled_reason or "-")
    _print(table)
    say(f"{len(rows)} subscription(s).")


@webhooks_app.command("deliveries")
def webhooks_deliveries(
    subscription_id: Annotated[int, typer.Argument(help="Subscription id (`punchclock webhooks list`).")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=1000, help="How many, newest first.")] = 20,
) -> None:
    """Show a subscription's recent deliveries, newest event first."""
    from punchclock.webhooks import deliveries

    settings = load_settings()
    with migrated_engine(settings) as engine, Session(engine) as db:
        try:
            rows = deliveries.recent(db, subscription_id, limit)
        except DomainError:
            raise fail(f"No subscription with id {subscription_id}.") from None
    table = Table("delivery", "event", "entity", "action", "status", "attempts", "last error", "event time",
                  "last attempt", "next attempt", "delivered")
    for d in rows:
        table.add_row(str(d.delivery_id), str(d.event_id), d.entity, d.action, d.status, str(d.attempts),
                      d.last_error or "-", _when(d.event_created_at), _when(d.last_attempt_at),
                      _when(d.next_attempt_at) if d.status == "pending" else "-", _when(d.delivered_at))
    _print(table)
    say(f"{len(rows)} deliver{'y' if len(rows) == 1 else 'ies'}.")


@webhooks_app.command("retry")
def webhooks_retry(
    delivery_id: Annotated[int, typer.Argument(help="Delivery id (`punchclock webhooks deliveries`).")],
) -> None:
    """Queue one delivery again, due now (its subscription's order still applies)."""
    from punchclock.webhooks import deliveries

    settings = load_settings()
    with write_session(settings) as db:
        try:
            retried = deliveries.retry(db, delivery_id)
        except DomainError:
            raise fail(f"No delivery with id {delivery_id} of a live subscription.") from None
        db.commit()
    say(f"Delivery {retried.delivery_id} (event {retried.event_id}, was {retried.previous_status}) is pending again.")
    if not retried.subscription_active:
        say(f"Subscription {retried.subscription_id} is disabled or not validated: nothing is sent until it is "
            "enabled and validated.")
