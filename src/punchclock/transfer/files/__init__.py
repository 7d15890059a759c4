"""Toggl Track's export files as a ``WorkspaceSource``: the workspace ZIP (catalog) and time-entry CSVs."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import BinaryIO

from punchclock.transfer.files.archive import read_catalog
from punchclock.transfer.files.entries_csv import read_entries
from punchclock.transfer.records import EntryRecord, Rejection, WorkspaceSource

#: ``ImportLink.origin`` of ids read from export files.
FILES_ORIGIN = "files"


@dataclass(frozen=True)
class NamedFile:
    """An uploaded or opened file: its name (for messages) and a binary, seekable stream."""

    name: str
    stream: BinaryIO


def _all_entries(files: Sequence[NamedFile], timezone: str) -> Iterator[EntryRecord | Rejection]:
    for f in files:
        yield from read_entries(f.name, f.stream, timezone)


def read_source(archive: NamedFile | None, entry_files: Sequence[NamedFile], *, timezone: str,
                origin: str = FILES_ORIGIN) -> WorkspaceSource:
    """The catalog is read now; ``entries`` is a lazy iterator over every CSV in turn (flat memory).

    ``timezone`` (an IANA name) is the zone the CSV times are written in: the exporting person's.
    """
    source = read_catalog(archive.name, archive.stream, origin) if archive is not None else WorkspaceSource(origin)
    source.entries = _all_entries(entry_files, timezone)
    return source
