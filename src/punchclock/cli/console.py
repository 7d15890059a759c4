"""Output of the command line: results on stdout, notes and errors on stderr, settings loading."""

from __future__ import annotations

import typer
from pydantic import ValidationError
from rich.console import Console

from punchclock.config import Settings

# soft_wrap: a long line stays one line (scripts and tests read errors line by line).
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def say(message: str) -> None:
    out.print(message, markup=False)


def fail(message: str) -> typer.Exit:
    err.print(message, markup=False)
    return typer.Exit(code=1)


def load_settings() -> Settings:
    try:
        return Settings()
    except ValidationError as exc:
        lines = [f"  PUNCHCLOCK_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()]
        raise fail("Invalid configuration:\n" + "\n".join(lines)) from None
