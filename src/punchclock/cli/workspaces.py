"""``punchclock workspace …``."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from punchclock.cli.apps import workspace_app
from punchclock.cli.console import fail, load_settings, say
from punchclock.cli.database import write_session


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
        say(f"Workspace {ws.id} ({ws.name}) is {'now' if ws.premium else 'no longer'} premium.")
