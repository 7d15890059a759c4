"""The v8 wire models hand the domain typed inputs: absent stays UNSET, explicit null stays null."""

from __future__ import annotations

from decimal import Decimal

from punchclock.domain.clients import ClientChanges, ClientCreate
from punchclock.domain.inputs import UNSET, given
from punchclock.http.v8.schemas.clients import ClientIn
from punchclock.http.v8.schemas.members import WorkspaceUserIn
from punchclock.http.v8.schemas.project_users import ProjectUserIn
from punchclock.http.v8.schemas.tasks import TaskIn


def test_absent_fields_stay_unset_and_nulls_stay_null() -> None:
    changes = ClientIn.model_validate({"name": "Acme", "notes": None}).changes()
    assert changes == ClientChanges(name="Acme", notes=None)
    assert changes.hourly_rate is UNSET
    assert given(changes) == {"name": "Acme", "notes": None}


def test_wire_names_become_domain_names() -> None:
    create = ClientIn.model_validate({"wid": "7", "hrate": 12.5, "cur": "EUR"}).create()
    assert create == ClientCreate(workspace_id=7, hourly_rate=Decimal("12.5"), currency="EUR")


def test_an_update_ignores_what_cannot_change() -> None:
    """``wid`` and ``pid`` count on create only (O-17); ``fields`` is a response option."""
    changes = TaskIn.model_validate({"pid": 3, "wid": 4, "name": "x", "fields": "uname"}).changes()
    assert given(changes) == {"name": "x"}


def test_explicit_null_estimate_reads_as_zero() -> None:
    assert TaskIn.model_validate({"estimated_seconds": None}).changes().estimated_seconds == 0


def test_mass_create_ids_come_from_the_wire_list() -> None:
    create, is_list = ProjectUserIn.model_validate({"pid": 1, "uid": "5,6,5", "manager": True}).create()
    assert (create.project_id, create.user_ids, create.manager, create.rate, is_list) == (1, (5, 6), True, UNSET, True)


def test_group_ids_null_empties_and_absent_leaves_alone() -> None:
    assert WorkspaceUserIn.model_validate({"group_ids": None}).changes().group_ids is None
    assert WorkspaceUserIn.model_validate({"admin": False}).changes().group_ids is UNSET
