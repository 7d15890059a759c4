"""Pulling the catalog into the spool: the account, its workspaces, and each workspace's objects.

Every resource is fetched at most once per spool: a finished one is skipped on a re-run, a paged one
continues at its next page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from punchclock.transfer.pull.client import ApiClient
from punchclock.transfer.pull.spool import Spool

V9 = "/api/v9"
PER_PAGE = 200
#: (phase, pages fetched so far)
PageProgress = Callable[[str, int], None]


class Fetcher:
    def __init__(self, client: ApiClient, spool: Spool, progress: PageProgress | None = None) -> None:
        self.client = client
        self.spool = spool
        self.progress = progress
        self.pages = 0

    def page_done(self, phase: str) -> None:
        self.pages += 1
        if self.progress:
            self.progress(phase, self.pages)

    def single(self, resource: str, path: str, params: dict[str, Any] | None = None) -> None:
        """A resource answered in one response: an object (spooled as one row; none for null) or an array."""
        if self.spool.done(resource):
            return
        self.spool.cursor(resource)
        body = self.client.get(path, params).json()
        rows = body if isinstance(body, list) else ([] if body is None else [body])
        self.spool.append(resource, rows, None)
        self.spool.finish(resource)
        self.page_done(resource)

    def paged(self, resource: str, path: str, params: dict[str, Any] | None = None, *, envelope: bool = False) -> None:
        """``page``/``per_page`` pages until an empty one (a server may clamp ``per_page`` lower than asked)."""
        if self.spool.done(resource):
            return
        page = self.spool.cursor(resource) or 1
        while True:
            body = self.client.get(path, {**(params or {}), "page": page, "per_page": PER_PAGE}).json()
            rows = (body.get("data") or []) if envelope else body
            if not rows:
                break
            page += 1
            self.spool.append(resource, rows, page)
            self.page_done(resource)
        self.spool.finish(resource)

    def account(self) -> None:
        self.single("me", V9 + "/me")
        self.single("organizations", V9 + "/me/organizations")
        self.single("workspaces", V9 + "/me/workspaces")
        self.single("current", V9 + "/me/time_entries/current")

    def catalog(self, workspace_id: int) -> None:
        """Settings, members, groups, clients (archived too), projects and tasks (all states), tags."""
        ws, prefix = f"{V9}/workspaces/{workspace_id}", f"ws{workspace_id}/"
        self.single(prefix + "workspace", ws)
        self.single(prefix + "workspace_users", ws + "/workspace_users")
        self.single(prefix + "groups", ws + "/groups")
        self.single(prefix + "clients", ws + "/clients", {"status": "both"})
        self.paged(prefix + "projects", ws + "/projects", {"active": "both"})
        self.single(prefix + "project_users", ws + "/project_users")
        self.paged(prefix + "tasks", ws + "/tasks", {"active": "both"}, envelope=True)
        self.paged(prefix + "tags", ws + "/tags")
