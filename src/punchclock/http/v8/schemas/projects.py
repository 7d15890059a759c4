from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, Field

from punchclock.domain.access import View
from punchclock.domain.colors import hex_color
from punchclock.domain.projects import ProjectChanges, ProjectCreate, ProjectRow
from punchclock.http.v8.schemas import Bool, WireId, WireIn, WireRate, inputs
from punchclock.http.wire import render_ts
from punchclock.models import Project

MAX_INT32 = 2**31 - 1


def _no_bool(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError("boolean is not a number")
    return value


Int32 = Annotated[int, BeforeValidator(_no_bool), Field(ge=-MAX_INT32, le=MAX_INT32)]
Rate = WireRate


class ProjectIn(WireIn):
    name: str | None = None
    workspace_id: WireId | None = Field(None, validation_alias="wid")
    client_id: WireId | None = Field(None, validation_alias="cid")
    active: Bool | None = None
    is_private: Bool | None = None
    template: Bool | None = None
    template_id: WireId | None = None
    billable: Bool | None = None
    auto_estimates: Bool | None = None
    estimated_hours: Int32 | None = None
    rate: Rate | None = None
    currency: str | None = None
    #: A palette id as number or numeric string; the domain checks it ("Invalid color").
    color: Any = None

    def create(self) -> ProjectCreate:
        return inputs(self, ProjectCreate)

    def changes(self) -> ProjectChanges:
        """``wid`` cannot change and ``template_id`` counts on create only (O-17): both are ignored."""
        return inputs(self, ProjectChanges)


def project_out(p: Project | ProjectRow, view: View, tz: ZoneInfo, *, deleted: bool = False) -> dict[str, Any]:
    """A project on the wire: a row of the read paths, or a model (``/me`` related data, tombstones).

    v8 omits null fields (``wire.compact``); done inline because this runs for every row of the lists.
    The fields tested here are the nullable columns; the others never hold null.
    """
    out: dict[str, Any] = {"id": p.id, "wid": p.workspace_id}
    if p.client_id is not None:
        out["cid"] = p.client_id
    out["name"] = p.name
    out["billable"] = p.billable
    out["is_private"] = p.is_private
    out["active"] = p.active
    out["template"] = p.template
    if p.template_id is not None:
        out["template_id"] = p.template_id
    out["auto_estimates"] = p.auto_estimates
    if p.estimated_hours is not None:
        out["estimated_hours"] = p.estimated_hours
    if p.rate is not None and view.show_rates:
        out["rate"] = p.rate
    if p.currency is not None:
        out["currency"] = p.currency
    out["color"] = str(p.color)
    out["hex_color"] = hex_color(p.color)
    out["at"] = render_ts(p.updated_at, tz)
    out["created_at"] = render_ts(p.created_at, tz)
    if isinstance(p, ProjectRow) and p.actual_hours is not None:
        out["actual_hours"] = p.actual_hours
    if deleted and p.deleted_at is not None:
        out["server_deleted_at"] = render_ts(p.deleted_at, tz)
    return out
