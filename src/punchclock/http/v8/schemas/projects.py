from __future__ import annotations

from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, Field

from punchclock.domain.access import View
from punchclock.domain.colors import hex_color
from punchclock.http.v8.schemas import Bool, WireId, WireIn, WireRate
from punchclock.http.wire import compact, render_ts
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


def project_out(p: Project, view: View, tz: ZoneInfo, *, actual_hours: int | None = None,
                estimated_hours: int | None = None, deleted: bool = False) -> dict[str, Any]:
    return compact({
        "id": p.id,
        "wid": p.workspace_id,
        "cid": p.client_id,
        "name": p.name,
        "billable": p.billable,
        "is_private": p.is_private,
        "active": p.active,
        "template": p.template,
        "template_id": p.template_id,
        "auto_estimates": p.auto_estimates,
        "estimated_hours": estimated_hours if estimated_hours is not None else p.estimated_hours,
        "rate": p.rate if view.show_rates else None,
        "currency": p.currency,
        "color": str(p.color),
        "hex_color": hex_color(p.color),
        "at": render_ts(p.updated_at, tz),
        "created_at": render_ts(p.created_at, tz),
        "actual_hours": actual_hours,
        "server_deleted_at": render_ts(p.deleted_at, tz) if deleted else None,
    })
