"""Reading an API v9 (+ Reports v3) server — Toggl Track or any compatible one — into ``WorkspaceSource`` records.

Two phases, so an interruption costs nothing already fetched: ``pull`` copies everything the token can
read into a spool folder (resumable, see ``spool``); ``sources`` then maps each pulled workspace to records
for ``transfer.apply``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from punchclock.transfer.pull.client import ApiClient, Interrupted, PullError, origin_of
from punchclock.transfer.pull.entries import pull_own, pull_reports, windows
from punchclock.transfer.pull.fetch import Fetcher, PageProgress
from punchclock.transfer.pull.mapping import Mapped, workspace_source
from punchclock.transfer.pull.spool import Spool, SpoolMismatch

__all__ = [
    "EARLIEST",
    "ApiClient",
    "Interrupted",
    "Mapped",
    "PullError",
    "SpoolMismatch",
    "default_spool",
    "open_spool",
    "origin_of",
    "pull",
    "sources",
]

#: Where history starts when neither --since nor the workspace tells (Toggl was launched in 2006).
EARLIEST = date(2006, 1, 1)
#: Rows per Reports v3 page (servers clamp larger values).
PAGE_SIZE = 1000


def default_spool(base_url: str) -> Path:
    """``./punchclock-import-<host>`` (port appended when given)."""
    host = origin_of(base_url).split("://", 1)[1].replace(":", "-").strip("[]")
    return Path(f"punchclock-import-{host}")


def open_spool(folder: Path, base_url: str, token: str, since: date | None, page_size: int = PAGE_SIZE,
               workspace_id: int | None = None) -> Spool:
    """The spool for these arguments: a new one, or the one an interrupted run left (same arguments only).
    ``workspace_id``: pull only that source workspace (None: all the token reads).

    The token is kept only as a short digest, to tell two accounts' pulls apart."""
    arguments = {"origin": origin_of(base_url), "since": since.isoformat() if since else None,
                 "workspace": workspace_id, "page_size": page_size,
                 "token_digest": hashlib.sha256(token.encode()).hexdigest()[:12]}
    spool = Spool(folder, arguments)
    if "until" not in spool.state:
        # Fixed at the first run, so a resumed pull walks the same windows (tomorrow: zones ahead of UTC).
        spool.state["until"] = (date.today() + timedelta(days=1)).isoformat()
        spool.save()
    return spool


def _start(ws: dict[str, Any], since: date | None) -> date:
    if since:
        return since
    created = ws.get("created_at")
    return date.fromisoformat(created[:10]) if isinstance(created, str) else EARLIEST


def pull(client: ApiClient, spool: Spool, *, progress: PageProgress | None = None) -> list[dict[str, Any]]:
    """Fetch everything into the spool (skipping what it already holds); returns the workspaces pulled."""
    fetcher = Fetcher(client, spool, progress)
    fetcher.account()
    since = spool.state["arguments"]["since"]
    until = date.fromisoformat(spool.state["until"])
    workspaces = _chosen(spool)
    for ws in workspaces:
        fetcher.catalog(ws["id"])
        spans = windows(_start(ws, date.fromisoformat(since) if since else None), until)
        if ws.get("admin"):
            pull_reports(fetcher, ws["id"], spans, spool.state["arguments"]["page_size"])
        else:
            pull_own(fetcher, ws["id"], spans)
    return workspaces


def _chosen(spool: Spool) -> list[dict[str, Any]]:
    only = spool.state["arguments"]["workspace"]
    return [ws for ws in spool.rows("workspaces") if only is None or ws["id"] == only]


def sources(spool: Spool) -> Iterator[Mapped]:
    """One mapped source per pulled workspace, in the order the server listed them."""
    origin = spool.state["arguments"]["origin"]
    for ws in _chosen(spool):
        yield workspace_source(spool, origin, next(spool.rows(f"ws{ws['id']}/workspace"), ws))
