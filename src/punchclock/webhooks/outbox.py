"""The outbox (being written)."""

from __future__ import annotations


def install() -> None:
    """Register the session hooks once per process (idempotent)."""
