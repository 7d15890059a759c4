"""The settings pages' forms: what they offer (choices) and how a submitted form becomes the services' changes.

Only what the user and workspace services accept is offered; the services validate every value again.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from punchclock.domain import users, workspaces
from punchclock.domain.actor import UserRecord
from punchclock.domain.errors import Invalid
from punchclock.domain.users_inputs import UserChanges
from punchclock.domain.workspaces import WorkspaceChanges
from punchclock.http.web.common import Form
from punchclock.models import Workspace

#: The profile fields of the form, as the user object names them.
PROFILE_FIELDS = ("fullname", "email", "timezone", "date_format", "timeofday_format", "duration_format",
                  "beginning_of_week")
#: Toggl numbering: 0 is Sunday.
WEEKDAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
TIMEOFDAY_LABELS = {"H:mm": "24-hour (13:45)", "h:mm A": "12-hour (1:45 PM)"}
DURATION_LABELS = {"improved": "Improved (0:47:06)", "classic": "Classic (47:06 min)", "decimal": "Decimal (0.79 h)"}
ROUNDING_LABELS = {-1: "Round down", 0: "Round to nearest", 1: "Round up"}
#: Workspace switches, with the label the form shows.
FLAG_LABELS = {
    "only_admins_may_create_projects": "Only admins may create projects",
    "only_admins_may_create_tags": "Only admins may create tags",
    "only_admins_see_billable_rates": "Only admins see billable rates",
    "only_admins_see_team_dashboard": "Only admins see the team dashboard",
    "projects_billable_by_default": "New projects are billable",
    "projects_private_by_default": "New projects are private",
}


@lru_cache(maxsize=1)
def zones() -> list[str]:
    """The zones the time-zone field suggests (``users.valid_timezone`` has the last word)."""
    from zoneinfo import available_timezones

    return ["UTC", *sorted(z for z in available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))]


def profile_values(user: UserRecord) -> dict[str, Any]:
    return {name: getattr(user, name) for name in PROFILE_FIELDS}


def profile_choices() -> dict[str, Any]:
    return {
        "zones": zones(),
        "date_formats": users.DATE_FORMATS,
        "timeofday_formats": TIMEOFDAY_LABELS,
        "duration_formats": DURATION_LABELS,
        "weekdays": list(enumerate(WEEKDAYS)),
    }


def profile_submitted(form: Form) -> dict[str, Any]:
    """The typed values (to show again after an error): text as typed, the weekday as a number when it is one."""
    values: dict[str, Any] = {name: form.text(name) for name in PROFILE_FIELDS}
    day = values["beginning_of_week"]
    values["beginning_of_week"] = int(day) if day.isdigit() else day
    return values


def profile_changes(values: dict[str, Any]) -> UserChanges:
    """Blank fields are left out (no user field can be emptied: the service ignores them)."""
    day = values["beginning_of_week"]
    if day != "" and not isinstance(day, int):
        raise Invalid("invalid_beginning_of_week")
    given = {name: value for name, value in values.items() if value != ""}
    return UserChanges(**given)


def password_changes(form: Form) -> UserChanges:
    """As sign-in reads passwords (trimmed); an empty new password is still a request, so it gets its message."""
    return UserChanges(current_password=form.text("current_password"), password=form.text("password"))


def workspace_choices() -> dict[str, Any]:
    return {"rounding": ROUNDING_LABELS, "rounding_minutes": workspaces.ROUNDING_MINUTES, "flags": FLAG_LABELS}


def workspace_values(ws: Workspace) -> dict[str, Any]:
    values: dict[str, Any] = {name: getattr(ws, name) for name in FLAG_LABELS}
    values.update(name=ws.name, rounding=ws.rounding, rounding_minutes=ws.rounding_minutes,
                  default_hourly_rate=f"{ws.default_hourly_rate:.2f}", default_currency=ws.default_currency)
    return values


def workspace_submitted(form: Form) -> dict[str, Any]:
    """The form as typed, to show again after an error."""
    values: dict[str, Any] = {name: form.checkbox(name) for name in FLAG_LABELS}
    for name in ("name", "default_hourly_rate", "default_currency"):
        values[name] = form.text(name)
    for name in ("rounding", "rounding_minutes"):
        text = form.text(name)
        values[name] = int(text) if text.lstrip("-").isdigit() else text
    return values


def workspace_changes(form: Form) -> WorkspaceChanges:
    """Every setting of the form; unticked boxes are not sent, so they read as off."""
    flags: dict[str, Any] = {name: form.checkbox(name) for name in FLAG_LABELS}
    return WorkspaceChanges(
        name=form.text("name"),
        rounding=_integer(form, "rounding"),
        rounding_minutes=_integer(form, "rounding_minutes"),
        default_hourly_rate=_rate(form.text("default_hourly_rate")),
        default_currency=form.text("default_currency").upper(),
        **flags,
    )


def _integer(form: Form, name: str) -> int:
    text = form.text(name)
    try:
        return int(text)
    except ValueError:
        raise Invalid("invalid_param", name=name) from None


def _rate(text: str) -> Decimal:
    """``120``, ``120.5``, ``1,200.50`` (thousands separators as ``show_money`` writes them)."""
    try:
        value = Decimal(text.replace(",", "") or "0")
    except InvalidOperation:
        raise Invalid("invalid_param", name="default hourly rate") from None
    return value
