"""Moving data in and out: import from Toggl Track export files or any API v9 server, and export.

Layers, each knowing only the one below:

- readers turn a source into ``records`` (plain dataclasses, no database): ``files/`` reads the
  workspace ZIP and the time-entry CSVs; ``pull/`` reads an API v9 (+ Reports v3) server into a spool;
- ``apply/`` writes one ``WorkspaceSource`` into one target workspace, in the caller's transaction,
  matching what exists (import links first, then e-mail or case-insensitive name in scope) and returning
  an ``Outcome`` (created / matched / skipped per kind, rejected lines with file and line);
- ``export/`` writes a workspace back out in the same file layout, so the two round-trip.

The callers (CLI, HTTP, web) own the transaction: commit only when the outcome is clean and not a dry run.
"""
