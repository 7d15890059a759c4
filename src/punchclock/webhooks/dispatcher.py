"""The delivery loop (being written)."""

from __future__ import annotations

from typing import Any


class Dispatcher:
    def __init__(self, state: Any) -> None:
        self.state = state

    def start(self) -> None:
        pass

    async def stop(self) -> None:
        pass
