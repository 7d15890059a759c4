"""v9 projects on the wire (40-catalog §2): the input model, the object, the bulk ``PATCH`` document."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import fields
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool
from sqlalchemy.orm import Session

from punchclock.config import Settings
from punchclock.domain import access, project_lists
from punchclock.domain.access import View
from punchclock.domain.actor import Actor
from punchclock.domain.colors import is_hex, project_hex
from punchclock.domain.errors import DomainError, Invalid, Malformed
from punchclock.domain.project_lists import ProjectListRow, ProjectQuery
from punchclock.domain.projects import ProjectChanges, ProjectCreate, hours_half_up
from punchclock.http.v8.schemas import WireId, WireRate
from punchclock.http.v8.schemas.projects import Int32
from punchclock.http.v9 import errors as v9_errors
from punchclock.http.v9 import render
from punchclock.http.v9.deps import parse

HOUR = 3600
_CREATE_FIELDS = frozenset(f.name for f in fields(ProjectCreate))
_CHANGE_FIELDS = frozenset(f.name for f in fields(ProjectChanges))


class ProjectIn(BaseModel):
    """Create/update keys (40- §2.6); ``cid`` is the alias of ``client_id`` (the long name wins)."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    client_id: WireId | None = None
    cid: WireId | None = None
    client_name: str | None = None
    active: StrictBool | None = None
    is_private: StrictBool | None = None
    template: StrictBool | None = None
    template_id: WireId | None = None
    billable: StrictBool | None = None
    auto_estimates: StrictBool | None = None
    estimated_hours: Int32 | None = None
    rate: WireRate | None = None
    currency: str | None = None
    #: ``#rrggbb`` or a palette id (number or numeric string); checked by ``_color`` and the domain.
    color: Any = None
    start_date: date | None = None
    end_date: date | None = None
    recurring: StrictBool | None = None

    def _sent(self) -> dict[str, Any]:
        sent = {name: getattr(self, name) for name in self.model_fields_set}
        cid = sent.pop("cid", None)
        if "cid" in self.model_fields_set and "client_id" not in sent:
            sent["client_id"] = cid
        if sent.pop("recurring", None) is True:
            raise Invalid("recurring_unsupported")
        sent.update(_color(sent.pop("color", None)))
        return sent

    def create(self, workspace_id: int) -> ProjectCreate:
        sent = self._sent()
        return ProjectCreate(workspace_id=workspace_id, **{k: v for k, v in sent.items() if k in _CREATE_FIELDS})

    def changes(self) -> ProjectChanges:
        """The workspace cannot change and ``template_id`` counts on create only (O-17)."""
        return ProjectChanges(**{k: v for k, v in self._sent().items() if k in _CHANGE_FIELDS})


def _color(value: Any) -> dict[str, Any]:
    """A hex goes to ``color_hex``; anything else is read as a palette id by the domain (V-17)."""
    if value is None:
        return {}
    return {"color_hex": value} if is_hex(value) else {"color": value}


def project_out(p: ProjectListRow, view: View) -> dict[str, Any]:
    """The project object of 40- §2.1: every key, in the contract's order."""
    estimate = p.estimated_hours
    return {
        "id": p.id, "name": p.name, "workspace_id": p.workspace_id, "wid": p.workspace_id,
        "client_id": p.client_id, "cid": p.client_id, "client_name": p.client_name,
        "active": p.active, "is_private": p.is_private, "template": p.template, "template_id": p.template_id,
        "billable": p.billable, "auto_estimates": p.auto_estimates, "estimated_hours": estimate,
        "estimated_seconds": None if estimate is None else estimate * HOUR,
        "actual_seconds": p.actual_seconds, "actual_hours": hours_half_up(p.actual_seconds),
        "rate": render.money(p.rate) if view.show_rates else None, "currency": p.currency,
        "color": project_hex(p.color, p.color_hex), "start_date": render.day(p.start_date),
        "end_date": render.day(p.end_date), "status": p.status,
        "can_track_time": p.active and p.deleted_at is None,
        "at": render.utc(p.updated_at), "created_at": render.utc(p.created_at),
        "server_deleted_at": render.utc(p.deleted_at),
        "recurring": False, "pinned": False, "recurring_parameters": None, "fixed_fee": None,
        "rate_last_updated": None, "current_period": None, "permissions": None,
    }


def rows_out(db: Session, actor: Actor, rows: list[ProjectListRow]) -> list[dict[str, Any]]:
    views = access.views(db, actor)
    return [project_out(r, views[r.workspace_id]) for r in rows]


def related(db: Session, actor: Actor, settings: Settings) -> list[dict[str, Any]]:
    """Visible projects, active and archived, by id, for ``/me?with_related_data`` (20- §2 takes the
    selection of v8's related data, which lists archived projects too)."""
    query = ProjectQuery(today=project_lists.today_of(actor), active=None, sort_field="id")
    return rows_out(db, actor, project_lists.select_rows(db, actor, query))


# -- bulk PATCH (40- §2.7, V-20) ------------------------------------------------------------------------

PATCH_PATHS = ("name", "active", "is_private", "client_id", "color", "billable", "auto_estimates",
               "estimated_hours", "rate", "currency", "template", "start_date", "end_date")
NULLABLE_PATHS = frozenset({"client_id", "estimated_hours", "rate", "currency", "end_date"})


def patch_document(ops: list[Any], paths: tuple[str, ...], nullable: frozenset[str]) -> dict[str, Any]:
    """The RFC 6902 subset as ``{key: value}``; an unknown op or path is 400 for the whole request."""
    out: dict[str, Any] = {}
    for item in ops:
        if not isinstance(item, dict):
            raise Malformed("object_expected")
        op, path = item.get("op"), item.get("path")
        key = path[1:] if isinstance(path, str) and path.startswith("/") else None
        if op not in ("add", "replace", "remove"):
            raise Invalid("invalid_patch_op", op=op)
        if key not in paths or (op == "remove" and key not in nullable):
            raise Invalid("invalid_patch_path", path=path)
        out[key] = None if op == "remove" else item.get("value")
    return out


def patch_changes(ops: list[Any]) -> ProjectChanges:
    return parse(patch_document(ops, PATCH_PATHS, NULLABLE_PATHS), ProjectIn).changes()


def bulk(db: Session, ids: list[int], apply: Callable[[int], object]) -> dict[str, Any]:
    """``apply`` each id in its own savepoint: ids fail on their own (V-20), with the v9 message."""
    success: list[int] = []
    failure: list[dict[str, Any]] = []
    for item_id in ids:
        try:
            with db.begin_nested():
                apply(item_id)
        except DomainError as err:
            failure.append({"id": item_id, "message": v9_errors.render(err)[1]})
        else:
            success.append(item_id)
    return {"success": success, "failure": failure}
