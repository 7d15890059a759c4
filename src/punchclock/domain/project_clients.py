"""A project's client given by name (v9 ``client_name``, V-21): found case-insensitively, or created."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from punchclock.db.functions import lower_text
from punchclock.domain import clients, validation
from punchclock.domain.actor import Actor
from punchclock.domain.errors import Invalid
from punchclock.domain.inputs import UNSET
from punchclock.models import Client

if TYPE_CHECKING:
    from punchclock.domain.projects import ProjectChanges

C = TypeVar("C", bound="ProjectChanges")


def _named(db: Session, workspace_id: int, name: str) -> int | None:
    return db.scalar(
        select(Client.id).where(Client.workspace_id == workspace_id, Client.deleted_at.is_(None),
                                lower_text(Client.name) == lower_text(name)).order_by(Client.id).limit(1)
    )


def resolve(db: Session, actor: Actor, workspace_id: int, changes: C) -> C:
    """``changes`` with ``client_name`` turned into ``client_id``.

    The name counts only when no client id is sent (a null one counts as absent); an id together with
    another client's name is a contradiction (400).
    """
    if changes.client_name is UNSET or changes.client_name is None:
        return changes
    if changes.client_id is not UNSET and changes.client_id is not None:
        if _named(db, workspace_id, validation.clean_name(changes.client_name)) != changes.client_id:
            raise Invalid("client_name_mismatch")
        return changes
    return replace(changes, client_id=clients.find_or_create(db, actor, workspace_id, changes.client_name).id)
