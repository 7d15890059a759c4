"""The result of an import: counts per kind of object and every rejected line, for every caller alike."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from punchclock.transfer.records import Rejection

#: Rejections kept in the list; the rest are only counted (``rejected_total``).
MAX_REJECTIONS = 1000

KINDS = ("workspaces", "users", "members", "groups", "clients", "projects", "project_users", "tasks", "tags",
         "time_entries")
Verdict = Literal["created", "matched", "skipped"]


@dataclass
class Counts:
    created: int = 0
    matched: int = 0
    skipped: int = 0


@dataclass
class Outcome:
    """``created``: new rows (or rows a dry run would create); ``matched``: already here (by import link,
    e-mail or name); ``skipped``: read but deliberately not written (a duplicate line, a running entry)."""

    dry_run: bool = False
    workspace_id: int | None = None
    counts: dict[str, Counts] = field(default_factory=lambda: {k: Counts() for k in KINDS})
    rejections: list[Rejection] = field(default_factory=list)
    #: Every rejection, including those beyond the ``MAX_REJECTIONS`` kept in ``rejections``.
    rejected_total: int = 0
    #: Users created as placeholders (no password) with a pending membership: whom ``--invite`` mails.
    invited_user_ids: list[int] = field(default_factory=list)

    def reject(self, rejection: Rejection) -> None:
        """Record a rejection: kept in the list up to ``MAX_REJECTIONS``, counted always."""
        self.rejected_total += 1
        if len(self.rejections) < MAX_REJECTIONS:
            self.rejections.append(rejection)

    def count(self, kind: str, verdict: Verdict, n: int = 1) -> None:
        c = self.counts[kind]
        setattr(c, verdict, getattr(c, verdict) + n)

    @property
    def clean(self) -> bool:
        """Nothing rejected: the only state in which an import may be committed (unless told to skip)."""
        return not self.rejections and not self.rejected_total

    def as_dict(self) -> dict[str, object]:
        """The JSON form the HTTP endpoint returns and the CLI's ``--json`` prints."""
        return {
            "dry_run": self.dry_run,
            "workspace_id": self.workspace_id,
            "counts": {k: vars(c) for k, c in self.counts.items()},
            "rejected_total": max(self.rejected_total, len(self.rejections)),
            "rejections": [{"file": r.where.file, "line": r.where.line, "reason": r.reason} for r in self.rejections],
        }
