"""The spool: what a pull fetched, on disk, so that an interrupted pull continues where it stopped.

Each resource (``me``, ``ws123/projects``, ``ws123/time_entries`` …) is a JSON-lines file, one object a line.
``state.json`` (replaced atomically) records the pull's arguments, the finished resources, and for the one
in progress its cursor and the file's length at that checkpoint: a resumed pull cuts the file back to that
length, so a page written just before a kill is neither lost nor doubled.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

STATE = "state.json"
SUFFIX = ".jsonl"


class SpoolMismatch(Exception):
    """The spool holds a pull made with other arguments."""


class Spool:
    def __init__(self, folder: Path, arguments: dict[str, Any]) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / STATE
        if path.exists():
            state = json.loads(path.read_text(encoding="utf-8"))
            if state.get("arguments") != arguments:
                raise SpoolMismatch(f"{folder} holds a pull made with other arguments "
                                    f"({_describe(state.get('arguments'))}); remove it or choose another --spool")
            self.state: dict[str, Any] = state
        else:
            self.state = {"arguments": arguments, "done": [], "cursors": {}}
            self.save()

    @property
    def resumed(self) -> bool:
        return bool(self.state["done"] or self.state["cursors"])

    def done(self, resource: str) -> bool:
        return resource in self.state["done"]

    def cursor(self, resource: str) -> Any:
        """The saved cursor of a resource in progress (None: start from the beginning); cuts off any rows
        written after that checkpoint."""
        saved = self.state["cursors"].get(resource)
        path = self._path(resource)
        size = saved["size"] if saved else 0
        if path.exists() and path.stat().st_size != size:
            with path.open("r+b") as f:
                f.truncate(size)
        return saved["cursor"] if saved else None

    def append(self, resource: str, rows: Iterable[Any], cursor: Any) -> None:
        """Write one page's rows, then checkpoint ``cursor`` (where the next page starts)."""
        path = self._path(resource)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as f:
            for row in rows:
                f.write(json.dumps(row, separators=(",", ":"), ensure_ascii=False).encode() + b"\n")
            f.flush()
            os.fsync(f.fileno())
            size = f.tell()
        self.state["cursors"][resource] = {"cursor": cursor, "size": size}
        self.save()

    def finish(self, resource: str) -> None:
        self._path(resource).parent.mkdir(parents=True, exist_ok=True)
        self._path(resource).touch()
        self.state["cursors"].pop(resource, None)
        self.state["done"].append(resource)
        self.save()

    def rows(self, resource: str) -> Iterator[Any]:
        """The rows of a finished resource, streamed."""
        path = self._path(resource)
        if not path.exists():
            return
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.strip():
                    yield json.loads(line)

    def remove(self) -> None:
        """Delete what the pull wrote (only our files), and the folder when that leaves it empty."""
        for resource in self.state["done"] + list(self.state["cursors"]):
            self._path(resource).unlink(missing_ok=True)
        (self.folder / STATE).unlink(missing_ok=True)
        for folder in [*sorted({p for p in self.folder.rglob("*") if p.is_dir()}, reverse=True), self.folder]:
            if folder.exists() and not any(folder.iterdir()):
                folder.rmdir()

    def _path(self, resource: str) -> Path:
        return self.folder / (resource + SUFFIX)

    def save(self) -> None:
        tmp = self.folder / (STATE + ".tmp")
        tmp.write_text(json.dumps(self.state, indent=1), encoding="utf-8")
        os.replace(tmp, self.folder / STATE)


def _describe(arguments: Any) -> str:
    if not isinstance(arguments, dict):
        return "unreadable"
    return ", ".join(f"{k} {v}" for k, v in arguments.items() if not k.startswith("token"))
