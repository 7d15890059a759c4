"""SQL functions that each dialect spells its own way: one place for every ``@compiles`` of the project.

SQLite and PostgreSQL disagree on string aggregation, epoch arithmetic, time formatting and (for
SQLite) lower-casing beyond ASCII; the statements name these elements and each dialect compiles them.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import Integer, String, Text


class lower_text(FunctionElement[str]):
    """``lower(x)`` folding every script: SQLite's own lower() folds ASCII only (``É`` stays ``É``)."""

    type = Text()
    name = "lower_text"
    inherit_cache = True


@compiles(lower_text)
def _lower_default(element: lower_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"lower({compiler.process(element.clauses, **kw)})"


@compiles(lower_text, "sqlite")
def _lower_sqlite(element: lower_text, compiler: SQLCompiler, **kw: Any) -> str:
    return f"unicode_lower({compiler.process(element.clauses, **kw)})"  # registered in db/engine.py


class epoch_seconds(FunctionElement[int]):
    """Whole seconds since 1970 of a ``UTCDateTime`` column, computed by the database."""

    type = Integer()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_sqlite(element: epoch_seconds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_postgresql(element: epoch_seconds, compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


class UtcText(FunctionElement[str]):
    """A UTC instant as text, ``YYYY-MM-DD HH:MM:SS`` (SQLite: as stored, microseconds following)."""

    type = String()
    inherit_cache = True


@compiles(UtcText, "postgresql")
def _utc_text_pg(element: UtcText, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')"


@compiles(UtcText)
def _utc_text_sqlite(element: UtcText, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(element.clauses, **kw)


#: Between tag names in ``TagNames``: a control character, which no name may hold.
NAME_SEPARATOR = "\x1f"


class TagNames(FunctionElement[str]):
    """The names of a group's rows joined by ``NAME_SEPARATOR``, in no particular order."""

    type = String()
    inherit_cache = True


@compiles(TagNames, "postgresql")
def _tag_names_pg(element: TagNames, compiler: SQLCompiler, **kw: Any) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, chr(31))"


@compiles(TagNames)
def _tag_names_sqlite(element: TagNames, compiler: SQLCompiler, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, char(31))"


class IdList(FunctionElement[str]):
    """Comma-separated ids of the grouped rows, ascending (string_agg / group_concat per dialect)."""

    type = String()
    inherit_cache = True


@compiles(IdList, "postgresql")
def _id_list_pg(element: IdList, compiler: SQLCompiler, **kw: Any) -> str:
    col = compiler.process(element.clauses, **kw)
    return f"string_agg(CAST({col} AS TEXT), ',' ORDER BY {col})"


@compiles(IdList)
def _id_list_sqlite(element: IdList, compiler: SQLCompiler, **kw: Any) -> str:
    col = compiler.process(element.clauses, **kw)
    # ORDER BY inside an aggregate needs SQLite 3.44; older versions concatenate in any order and
    # the ids are sorted when read (``_split``).
    if tuple(compiler.dialect.server_version_info or ()) >= (3, 44):
        return f"group_concat({col}, ',' ORDER BY {col})"
    return f"group_concat({col}, ',')"
