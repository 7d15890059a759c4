"""Decorator arguments for v8 operations: the 200 answer and the request body.

FastAPI publishes a model in ``components/schemas`` only when a field it can see refers to it. No
field refers to a request body here (handlers read it by hand), so ``ok(..., body=...)`` hangs the
body components on the 200 response model as ``Annotated`` metadata: FastAPI's model collection walks
type arguments, metadata included, while pydantic ignores the marker. ``tests/api/test_openapi_v8.py``
fails if a FastAPI upgrade stops collecting them.
"""

from __future__ import annotations

import copy
from typing import Annotated, Any, ClassVar, Generic, TypedDict, TypeVar

from pydantic import BaseModel, GetJsonSchemaHandler, create_model
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

REF = "#/components/schemas/"
JSON = "application/json"

T = TypeVar("T")


class Publish(Generic[T]):
    """``Annotated`` marker: publish model ``T`` (and the models its fields name) as components."""


class SchemaComponent(BaseModel):
    """A component whose JSON Schema is a fixed dict (request fields derived in validation mode).

    FastAPI renders response-side models in serialization mode, where a ``Decimal`` reads as a string
    and validation aliases vanish; a dict computed from the input model keeps what the server accepts.
    """

    fixed_schema: ClassVar[dict[str, Any]] = {}

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
                                     ) -> JsonSchemaValue:
        return copy.deepcopy(cls.fixed_schema)


def component(name: str, schema: dict[str, Any]) -> type[SchemaComponent]:
    """A named component with the given JSON Schema (no ``$ref`` inside: use ``wrapper`` for those)."""
    return type(name, (SchemaComponent,), {"__module__": __name__, "__doc__": schema.get("description"),
                                           "fixed_schema": schema})


class Wrapper(BaseModel):
    """``{"<key>": <fields>}`` with what the operation requires of the inner object.

    A real model, so that pydantic itself writes (and FastAPI publishes) the ``$ref`` to the fields.
    """

    wrapper_key: ClassVar[str] = ""
    #: JSON Schema keywords added to the inner object (``required``, ``anyOf``).
    inner_rules: ClassVar[dict[str, Any]] = {}

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
                                     ) -> JsonSchemaValue:
        json_schema = handler(core_schema)
        target = handler.resolve_ref_schema(json_schema)
        target.pop("title", None)
        if cls.inner_rules:
            props = target["properties"]
            props[cls.wrapper_key] = {"allOf": [props[cls.wrapper_key]], **copy.deepcopy(cls.inner_rules)}
        return json_schema


def wrapper(name: str, key: str, fields: type[BaseModel], description: str,
            rules: dict[str, Any] | None = None) -> type[Wrapper]:
    field_definitions: dict[str, Any] = {key: (fields, ...)}
    model = create_model(name, __base__=Wrapper, __module__=__name__, **field_definitions)
    model.__doc__ = description
    model.wrapper_key = key
    model.inner_rules = rules or {}
    return model


def ref(model: type[BaseModel] | str) -> dict[str, str]:
    return {"$ref": REF + (model if isinstance(model, str) else model.__name__)}


def ok(model: Any = None, *, body: type[BaseModel] | None = None, schema: dict[str, Any] | None = None,
       description: str = "Success") -> dict[int | str, dict[str, Any]]:
    """``responses=`` of an operation: its 200 answer as ``model`` (or a literal ``schema``).

    ``body`` (the operation's request-body component) is published through the same answer.
    """
    assert schema is None or body is None, "a literal schema cannot publish a body component"
    answer: dict[str, Any] = {"description": description}
    if schema is not None:
        answer["content"] = {JSON: {"schema": schema}}
        return {200: answer}
    if body is not None:
        # A type form built at run time for FastAPI to walk; mypy accepts only static type expressions.
        model = Annotated[model, Publish[body]]  # type: ignore[valid-type]
    answer["model"] = model
    return {200: answer}


def request_body(model: type[BaseModel], *, required: bool = True, description: str | None = None
                 ) -> dict[str, Any]:
    """``openapi_extra=`` content describing the JSON request body by reference."""
    body: dict[str, Any] = {"required": required, "content": {JSON: {"schema": ref(model)}}}
    if description:
        body["description"] = description
    return {"requestBody": body}


def op(answer: Any = None, body: type[BaseModel] | None = None, *, body_required: bool = True,
       schema: dict[str, Any] | None = None, description: str = "Success") -> dict[str, Any]:
    """Decorator arguments (``responses``, ``openapi_extra``) of one operation."""
    kwargs: dict[str, Any] = {"responses": ok(answer, body=body, schema=schema, description=description)}
    if body is not None:
        kwargs["openapi_extra"] = request_body(body, required=body_required)
    return kwargs


class LiteralAnswer(TypedDict):
    """``op(**...)`` arguments of an operation whose 200 answer is a literal JSON Schema."""

    schema: dict[str, Any]
    description: str


#: ``DELETE`` answers: the ids removed, in a list.
DELETED: LiteralAnswer = {"schema": {"type": "array", "items": {"type": "integer", "format": "int64", "minimum": 1}},
           "description": "The ids deleted, in a list."}
