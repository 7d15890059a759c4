"""API v9 objects to records: the kinds whose object is the same in a workspace export's JSON and in a
server's answer (client, project, tag). Shared by the ZIP reader and the pull; a malformed field raises
``BadObject``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from punchclock.transfer.files.jsonfields import currency, flag, ident, integer, money, text
from punchclock.transfer.records import ClientRecord, ProjectRecord, TagRecord

Obj = Mapping[str, Any]


def client(obj: Obj) -> ClientRecord:
    return ClientRecord(external_id=ident(obj, "id"), name=text(obj, "name", required=True) or "",
                        archived=flag(obj, "archived", False), notes=text(obj, "notes", max_len=None),
                        rate=money(obj, "rate"), currency=currency(obj, "currency"))


def tag(obj: Obj) -> TagRecord:
    return TagRecord(external_id=ident(obj, "id"), name=text(obj, "name", required=True) or "")


def project(obj: Obj, client_name: str | None) -> ProjectRecord:
    """``client_name``: the caller resolves ``client_id`` (a reference it knows how to check)."""
    color = text(obj, "color")
    return ProjectRecord(
        external_id=ident(obj, "id"), name=text(obj, "name", required=True) or "", client=client_name,
        active=flag(obj, "active", True), is_private=flag(obj, "is_private", True),
        billable=flag(obj, "billable", False),
        color=color if color is not None and color.startswith("#") else None, rate=money(obj, "rate"),
        currency=currency(obj, "currency"), estimated_hours=integer(obj, "estimated_hours"),
        template=flag(obj, "template", False), auto_estimates=flag(obj, "auto_estimates", False),
    )
