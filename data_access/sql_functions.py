"""Portable date expressions compiled per dialect (SQLite, PostgreSQL, MySQL/MariaDB).

Each expression renders constant SQL only; values are always bound parameters.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ColumnElement
from sqlalchemy.sql.functions import FunctionElement


class month_key(FunctionElement):
    """``YYYY-MM`` of a date."""

    type = String()
    inherit_cache = True
    name = "month_key"


class quarter_key(FunctionElement):
    """``YYYY-Qn`` of a date."""

    type = String()
    inherit_cache = True
    name = "quarter_key"


class year_key(FunctionElement):
    """``YYYY`` of a date, as text."""

    type = String()
    inherit_cache = True
    name = "year_key"


class year_number(FunctionElement):
    """Calendar year of a date, as an integer."""

    type = Integer()
    inherit_cache = True
    name = "year_number"


class days_between(FunctionElement):
    """Whole days from the first date to the second (second minus first)."""

    type = Integer()
    inherit_cache = True
    name = "days_between"


def _arg(compiler: SQLCompiler, element: FunctionElement[Any], index: int, **kw: Any) -> str:
    return compiler.process(list(element.clauses)[index], **kw)


@compiles(month_key, "sqlite")
def _month_sqlite(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return f"strftime('%Y-%m', {_arg(compiler, element, 0, **kw)})"


@compiles(month_key, "postgresql")
def _month_pg(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({_arg(compiler, element, 0, **kw)}, 'YYYY-MM')"


@compiles(month_key, "mysql")
def _month_mysql(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return f"date_format({_arg(compiler, element, 0, **kw)}, '%%Y-%%m')"


@compiles(quarter_key, "sqlite")
def _quarter_sqlite(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    d = _arg(compiler, element, 0, **kw)
    return f"(strftime('%Y', {d}) || '-Q' || ((CAST(strftime('%m', {d}) AS INTEGER) + 2) / 3))"


@compiles(quarter_key, "postgresql")
def _quarter_pg(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({_arg(compiler, element, 0, **kw)}, 'YYYY-\"Q\"Q')"


@compiles(quarter_key, "mysql")
def _quarter_mysql(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    d = _arg(compiler, element, 0, **kw)
    return f"concat(year({d}), '-Q', quarter({d}))"


@compiles(year_key, "sqlite")
def _year_sqlite(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return f"strftime('%Y', {_arg(compiler, element, 0, **kw)})"


@compiles(year_key, "postgresql")
def _year_pg(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char({_arg(compiler, element, 0, **kw)}, 'YYYY')"


@compiles(year_key, "mysql")
def _year_mysql(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return f"cast(year({_arg(compiler, element, 0, **kw)}) as char)"


@compiles(year_number, "sqlite")
def _year_number_sqlite(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(strftime('%Y', {_arg(compiler, element, 0, **kw)}) AS INTEGER)"


@compiles(year_number)
def _year_number_default(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return f"CAST(EXTRACT(YEAR FROM {_arg(compiler, element, 0, **kw)}) AS INTEGER)"


@compiles(year_number, "mysql")
def _year_number_mysql(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    return f"year({_arg(compiler, element, 0, **kw)})"


@compiles(days_between, "sqlite")
def _days_sqlite(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _arg(compiler, element, 0, **kw), _arg(compiler, element, 1, **kw)
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_pg(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _arg(compiler, element, 0, **kw), _arg(compiler, element, 1, **kw)
    return f"({end} - {start})"


@compiles(days_between, "mysql")
def _days_mysql(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> str:
    start, end = _arg(compiler, element, 0, **kw), _arg(compiler, element, 1, **kw)
    return f"datediff({end}, {start})"


PERIOD_KEYS = {"month": month_key, "quarter": quarter_key, "year": year_key}


def period_key(grain: str, date_expr: ColumnElement) -> ColumnElement:
    """Return the period key of ``date_expr`` at ``grain`` (month, quarter or year)."""
    return PERIOD_KEYS[grain](date_expr)
