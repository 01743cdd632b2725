"""Schema validation: check a database against the contract and report clearly.

Missing tables and columns are errors; codes outside the contract, NULL codes,
odd dates and dangling neighborhood references are warnings (those rows count
as ``unknown``). Only counts and code values are read, never people's rows.
Must not raise for bad data and must not write.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import String, Table, cast, func, inspect, literal, or_, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.sql.expression import ColumnElement

from core.boundaries import BoundaryFileError, boundary_keys

from . import schema

ERROR, WARNING, INFO = "error", "warning", "info"
EARLIEST_PLAUSIBLE_DATE = dt.date(2000, 1, 1)
MAX_VALUES_SHOWN = 20


@dataclass(frozen=True)
class Finding:
    """One line of a validation report."""

    level: str
    where: str
    message: str
    rows: int | None = None

    def __str__(self) -> str:
        return f"{self.level.upper():8}{self.where}: {self.message}"


@dataclass
class ValidationReport:
    """Everything a check found; usable when it holds no error."""

    findings: list[Finding] = field(default_factory=list)

    def add(self, level: str, where: str, message: str, rows: int | None = None) -> None:
        self.findings.append(Finding(level, where, message, rows))

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == WARNING]

    @property
    def usable(self) -> bool:
        return not self.errors

    def render(self) -> str:
        """Return the report as plain text, errors first."""
        order = {ERROR: 0, WARNING: 1, INFO: 2}
        lines = [str(f) for f in sorted(self.findings, key=lambda f: order[f.level])]
        verdict = "usable" if self.usable else "NOT usable"
        lines.append(f"\n{len(self.errors)} error(s), {len(self.warnings)} warning(s): the database is {verdict}.")
        return "\n".join(lines)


def _present_columns(connection: Connection, report: ValidationReport) -> dict[str, set[str]]:
    inspector = inspect(connection)
    names = set(inspector.get_table_names()) | set(inspector.get_view_names())
    present: dict[str, set[str]] = {}
    for table in schema.metadata.sorted_tables:
        if table.name not in names:
            report.add(ERROR, table.name, "table (or view) is missing")
            continue
        columns = {c["name"] for c in inspector.get_columns(table.name)}
        present[table.name] = columns
        for column in table.columns:
            if column.name in columns:
                continue
            if column.info.get("optional"):
                report.add(INFO, f"{table.name}.{column.name}", "optional column absent: no grouping by it")
            else:
                report.add(ERROR, f"{table.name}.{column.name}", "column is missing")
    return present


def _complete_tables(present: dict[str, set[str]]) -> Iterator[Table]:
    for table in schema.metadata.sorted_tables:
        if table.name in present and all(
            c.name in present[table.name] or c.info.get("optional") for c in table.columns
        ):
            yield table


def _check_codes(connection: Connection, table: Table, report: ValidationReport) -> None:
    for (table_name, column_name), codes in schema.CODE_COLUMNS.items():
        if table_name != table.name:
            continue
        column = table.c[column_name]
        null_allowed = (table_name, column_name) in schema.NULL_CODE
        outside: ColumnElement[bool]
        if null_allowed:
            outside = column.is_not(None) & ~column.in_(list(codes))
        else:
            outside = or_(column.is_(None), ~column.in_(list(codes)))
        query = select(column, func.count().label("rows")).where(outside).group_by(column).order_by(func.count().desc())
        found = connection.execute(query).all()
        where = f"{table_name}.{column_name}"
        for value, rows in found[:MAX_VALUES_SHOWN]:
            if value is None:
                report.add(
                    WARNING, where, f"{rows} row(s) with NULL where a code is expected (counted as unknown)", rows
                )
            else:
                report.add(
                    WARNING, where, f"{rows} row(s) with code {value!r} outside the contract (counted as unknown)", rows
                )
        if len(found) > MAX_VALUES_SHOWN:
            rest = sum(rows for _, rows in found[MAX_VALUES_SHOWN:])
            report.add(WARNING, where, f"{len(found) - MAX_VALUES_SHOWN} more unknown code(s) in {rest} row(s)", rest)


def _check_required(connection: Connection, table: Table, report: ValidationReport) -> None:
    required = [c for c in table.columns if not c.nullable and not c.primary_key]
    if not required:
        return
    counts = connection.execute(select(*[func.count().filter(c.is_(None)).label(c.name) for c in required])).one()
    for column, nulls in zip(required, counts, strict=False):
        if nulls and (table.name, column.name) not in schema.CODE_COLUMNS:
            report.add(WARNING, f"{table.name}.{column.name}", f"{nulls} row(s) with NULL in a NOT NULL column", nulls)


def _check_keys(connection: Connection, table: Table, report: ValidationReport) -> None:
    keys = list(table.primary_key.columns)
    if len(keys) != 1:
        return
    key = keys[0]
    total, distinct, nulls = connection.execute(
        select(func.count(), func.count(func.distinct(key)), func.count().filter(key.is_(None)))
    ).one()
    if nulls:
        report.add(ERROR, f"{table.name}.{key.name}", f"{nulls} row(s) with a NULL identifier", nulls)
    if total - nulls != distinct:
        report.add(ERROR, f"{table.name}.{key.name}", f"{total - nulls - distinct} duplicate identifier(s)")


def _check_dates(connection: Connection, table: Table, report: ValidationReport, today: dt.date) -> None:
    for name in schema.DATE_COLUMNS[table.name]:
        column = table.c[name]
        future, early = connection.execute(
            select(
                func.count().filter(column > literal(today, column.type)),
                func.count().filter(column < literal(EARLIEST_PLAUSIBLE_DATE, column.type)),
            )
        ).one()
        where = f"{table.name}.{name}"
        if future:
            report.add(WARNING, where, f"{future} date(s) in the future (after {today})", future)
        if early:
            report.add(WARNING, where, f"{early} date(s) before {EARLIEST_PLAUSIBLE_DATE}", early)


def _check_neighborhood_references(connection: Connection, complete: set[str], report: ValidationReport) -> None:
    if "neighborhoods" not in complete:
        return
    n = schema.neighborhoods
    for table in (schema.referrals, schema.focus_areas):
        if table.name not in complete:
            continue
        column = table.c.neighborhood_id
        dangling = (
            select(func.count())
            .select_from(table.outerjoin(n, n.c.neighborhood_id == column))
            .where(column.is_not(None), n.c.neighborhood_id.is_(None))
        )
        missing = connection.execute(dangling).scalar_one()
        nulls = connection.execute(select(func.count()).where(column.is_(None)).select_from(table)).scalar_one()
        where = f"{table.name}.neighborhood_id"
        if missing:
            report.add(WARNING, where, f"{missing} row(s) name no known neighborhood (counted as unknown)", missing)
        if nulls:
            report.add(WARNING, where, f"{nulls} row(s) with NULL neighborhood (counted as unknown)", nulls)
    precincts = connection.execute(select(func.count()).select_from(n).where(n.c.precinct.is_(None))).scalar_one()
    if precincts:
        report.add(
            WARNING,
            "neighborhoods.precinct",
            f"{precincts} neighborhood(s) without a precinct (counted as unknown)",
            precincts,
        )


def _check_boundaries(connection: Connection | None, path: Path, key: str, report: ValidationReport) -> None:
    try:
        keys = boundary_keys(path, key)
    except BoundaryFileError as error:
        report.add(ERROR, str(path), str(error))
        return
    if connection is None:
        return
    ids = {str(i) for (i,) in connection.execute(select(cast(schema.neighborhoods.c.neighborhood_id, String)))}
    for missing in sorted(ids - keys):
        report.add(WARNING, "boundaries", f"neighborhood {missing!r} has no polygon in {path.name}")
    for extra in sorted(keys - ids):
        report.add(WARNING, "boundaries", f"polygon {extra!r} in {path.name} matches no neighborhood")
    if not ids - keys and not keys - ids:
        report.add(INFO, "boundaries", f"every neighborhood has a polygon in {path.name}")


def validate(
    bind: Engine | Connection,
    *,
    today: dt.date | None = None,
    boundaries: Path | None = None,
    boundaries_key: str = "neighborhood_id",
) -> ValidationReport:
    """Check a database against the contract; never raises for database problems."""
    report = ValidationReport()
    today = today or dt.date.today()
    try:
        if isinstance(bind, Engine):
            with bind.connect() as connection:
                return _validate(connection, report, today, boundaries, boundaries_key)
        return _validate(bind, report, today, boundaries, boundaries_key)
    except SQLAlchemyError as error:
        report.add(ERROR, "database", f"cannot read the database: {describe_database_error(error)}")
        return report


def _validate(
    connection: Connection, report: ValidationReport, today: dt.date, boundaries: Path | None, boundaries_key: str
) -> ValidationReport:
    present = _present_columns(connection, report)
    complete = {t.name for t in _complete_tables(present)}
    for table in _complete_tables(present):
        _check_keys(connection, table, report)
        _check_required(connection, table, report)
        _check_codes(connection, table, report)
        _check_dates(connection, table, report, today)
    _check_neighborhood_references(connection, complete, report)
    if boundaries is not None:
        _check_boundaries(connection if "neighborhoods" in complete else None, boundaries, boundaries_key, report)
    return report


def describe_database_error(error: BaseException) -> str:
    """Return one safe line about a database error: its kind and first line, no SQL, no secrets."""
    original = getattr(error, "orig", None) or error
    first_line = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    return f"{type(original).__name__}: {first_line[:300]}"
