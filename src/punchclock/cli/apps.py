"""The Typer applications every command module attaches to, and the global ``--version`` option."""

from __future__ import annotations

from typing import Annotated

import typer

from punchclock import __version__
from punchclock.cli.console import say

app = typer.Typer(
    help="punchclock: a self-hosted time-tracking server compatible with the Toggl API v8 and Reports API v2.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
user_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
workspace_app = typer.Typer(help="Manage workspaces.", no_args_is_help=True)
app.add_typer(user_app, name="user")
import_app = typer.Typer(help="Bring data in from Toggl Track (export files or its API) or any API v9 server.",
                         no_args_is_help=True)
app.add_typer(user_app, name="user")
app.add_typer(workspace_app, name="workspace")
app.add_typer(import_app, name="import")


def _print_version(value: bool) -> None:
    if value:
        say(f"punchclock {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", is_eager=True, callback=_print_version, help="Print the version and exit.")
    ] = False,
) -> None:
    """punchclock: a self-hosted time-tracking server compatible with the Toggl API v8 and Reports API v2.

    Every command reads its settings from the PUNCHCLOCK_* environment variables.
    """


@app.command()
def version() -> None:
    """Print the version."""
    say(f"punchclock {__version__}")


@app.command()
def migrate() -> None:
    """Bring the database schema up to date (PUNCHCLOCK_DATABASE_URL)."""
    from punchclock.cli.console import load_settings
    from punchclock.cli.schema import migrate_database

    migrate_database(load_settings())
