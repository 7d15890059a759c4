"""The v8 project body becomes typed domain inputs: wire names mapped, absent UNSET, explicit null kept."""

from __future__ import annotations

from decimal import Decimal

from punchclock.domain.inputs import UNSET, given
from punchclock.domain.projects import ProjectChanges, ProjectCreate
from punchclock.http.v8.schemas.projects import ProjectIn


def test_wire_names_become_domain_names() -> None:
    create = ProjectIn.model_validate({"name": "Ferry", "wid": "4", "cid": 7, "template_id": 9, "rate": 12.5,
                                       "currency": "EUR", "color": "6", "is_private": False}).create()
    assert create == ProjectCreate(name="Ferry", workspace_id=4, client_id=7, template_id=9, rate=Decimal("12.5"),
                                   currency="EUR", color="6", is_private=False)


def test_absent_fields_stay_unset_and_nulls_stay_null() -> None:
    changes = ProjectIn.model_validate({"cid": None, "estimated_hours": None, "active": None}).changes()
    assert given(changes) == {"client_id": None, "active": None, "estimated_hours": None}
    assert changes.name is UNSET and changes.rate is UNSET and changes.color is UNSET


def test_an_update_ignores_workspace_and_template() -> None:
    """``wid`` cannot change and ``template_id`` is create-only (O-17); read-only fields are dropped too."""
    changes = ProjectIn.model_validate({"wid": 3, "template_id": 5, "id": 8, "hex_color": "#000000",
                                        "name": "x"}).changes()
    assert changes == ProjectChanges(name="x")


def test_colour_is_handed_over_as_sent() -> None:
    """The domain reads the colour (number or numeric string) after the rules v8 checks first."""
    assert ProjectIn.model_validate({"color": 14}).changes().color == 14
    assert ProjectIn.model_validate({"color": [1]}).changes().color == [1]
