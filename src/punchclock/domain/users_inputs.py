"""Typed inputs of the user services: ``PUT /me`` and sign-up (see domain/inputs.py)."""

from __future__ import annotations

from dataclasses import dataclass

from punchclock.domain.inputs import UNSET, Unset


def or_none(value: str | Unset | None) -> str | None:
    """A text input with "not sent" read as null."""
    return None if value is UNSET else value


@dataclass(frozen=True, slots=True, kw_only=True)
class UserChanges:
    """The caller's own settings. A null is ignored: no user field can be emptied.

    ``password`` asks for a password change, which needs ``current_password``.
    """

    fullname: str | Unset | None = UNSET
    email: str | Unset | None = UNSET
    send_product_emails: bool | Unset | None = UNSET
    send_weekly_report: bool | Unset | None = UNSET
    send_timer_notifications: bool | Unset | None = UNSET
    store_start_and_stop_time: bool | Unset | None = UNSET
    sidebar_piechart: bool | Unset | None = UNSET
    beginning_of_week: int | Unset | None = UNSET
    timezone: str | Unset | None = UNSET
    timeofday_format: str | Unset | None = UNSET
    date_format: str | Unset | None = UNSET
    duration_format: str | Unset | None = UNSET
    default_workspace_id: int | Unset | None = UNSET
    language: str | Unset | None = UNSET
    current_password: str | Unset | None = UNSET
    password: str | Unset | None = UNSET

    @property
    def new_password(self) -> str | None:
        """The password asked for, or None when none is."""
        return or_none(self.password)


@dataclass(frozen=True, slots=True, kw_only=True)
class UserCreate:
    """A sign-up as sent; ``check_signup`` turns it into a checked ``Signup``."""

    email: str | Unset | None = UNSET
    password: str | Unset | None = UNSET
    timezone: str | Unset | None = UNSET
    fullname: str | Unset | None = UNSET
