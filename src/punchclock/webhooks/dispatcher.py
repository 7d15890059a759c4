"""The delivery loop (being written by the delivery work; ``notify`` and ``Dispatcher`` keep their shape)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: Wake-up callbacks of this process's running dispatchers (thread-safe callables).
_wakers: list[Callable[[], None]] = []


def notify() -> None:
    """Called after a commit that queued deliveries: wake this process's loop now (70- §8.1)."""
    for wake in list(_wakers):
        wake()


class Dispatcher:
    def __init__(self, state: Any) -> None:
        self.state = state

    def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass
