"""Aggregate queries: grouped counts per cell, computed by GROUP BY in the database.

For each cell of a declared table (measure, dimensions, filters) the query
returns the count, the number of distinct people behind it and the two largest
per-person contributions (for the p%-rule). Row-level data never comes back to
Python; every value in the SQL is a bound parameter. Must not import
``aggregation``, ``dashboard`` or Streamlit.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, overload

import numpy as np
import pandas as pd
from sqlalchemy import (
    Date,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql.expression import ColumnElement, FromClause, Select, Subquery

from core.facts import GEOGRAPHY as PLACE_DIMENSIONS
from core.facts import TIME_DIMENSIONS, WINDOW

from . import schema
from .measures import ACTIVE_IN_PERIOD, EVENT, Measure
from .measures import measure as lookup_measure
from .periods import Period, ReleaseWindow
from .sql_functions import days_between, period_key, year_number

AGE_BANDS = ("under_25", "25_34", "35_44", "45_54", "55_and_over", schema.UNKNOWN)
BOOLEAN_VALUES = ("true", "false")
PARTICIPANT_DIMENSIONS = ("gender", "race_ethnicity", "housing_at_intake", "age_band")
BOOLEAN_COLUMNS = {("contacts", "substantive")}
# Yes/no facts about a row, usable as dimensions and filters ('true' or 'false').
DERIVED_FLAGS = {
    ("referrals", "handoff_within_30_min"): lambda t: t.c.handoff_minutes <= 30,
    ("referrals", "intake_within_7_days"): lambda t: and_(
        t.c.intake_on.is_not(None), days_between(t.c.referred_on, t.c.intake_on) <= 7
    ),
}
RESULT_COLUMNS = ("value", "people", "top1", "top2")


class CountDeclaration(Protocol):
    """Anything that names a measure, its dimensions and its filters (a table declaration)."""

    @property
    def measure(self) -> str: ...

    @property
    def dimensions(self) -> tuple[str, ...] | list[str]: ...

    @property
    def filters(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class CountRequest:
    """A plain declaration of grouped counts: a measure by dimensions, within filters."""

    measure: str
    dimensions: tuple[str, ...] = ()
    filters: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReferenceData:
    """The neighborhoods a database declares: non-personal reference data used for domains."""

    neighborhoods: tuple[str, ...]
    precincts: tuple[str, ...]
    districts: tuple[str, ...] = ()  # empty: the database has no district grouping

    def domain(self, dimension: str) -> tuple[str, ...]:
        """Return the values ``dimension`` can take, ``unknown`` included (none for a missing grouping)."""
        if dimension == "neighborhood":
            return self.neighborhoods + (schema.UNKNOWN,)
        if dimension == "precinct":
            return self.precincts + (schema.UNKNOWN,)
        if dimension == "district":
            return self.districts + (schema.UNKNOWN,) if self.districts else ()
        raise KeyError(dimension)


def has_districts(connection: Connection) -> bool:
    """Return whether ``neighborhoods`` has the optional ``district`` column (docs/database.md)."""
    from sqlalchemy import inspect

    return any(c["name"] == "district" for c in inspect(connection).get_columns("neighborhoods"))


def read_reference_data(connection: Connection) -> ReferenceData:
    """Read neighborhood ids, precincts and districts (no participant data)."""
    n = schema.neighborhoods
    rows = connection.execute(
        select(cast(n.c.neighborhood_id, String), n.c.precinct).order_by(n.c.neighborhood_id)
    ).all()
    ids = tuple(str(i) for i, _ in rows if i is not None and str(i) != schema.UNKNOWN)
    precincts = tuple(sorted({str(p) for _, p in rows if p is not None and str(p) != schema.UNKNOWN}))
    districts: tuple[str, ...] = ()
    if has_districts(connection):
        found = connection.execute(select(cast(n.c.district, String)).distinct()).scalars()
        districts = tuple(
            sorted({str(d) for d in found if d is not None and str(d) != schema.UNKNOWN}, key=lambda d: (len(d), d))
        )
    return ReferenceData(ids, precincts, districts)


# The dates that show the program at work: its first month in the data is the first of these.
ACTIVITY_DATES = (
    ("referrals", "referred_on"),
    ("participants", "enrolled_on"),
    ("contacts", "contact_on"),
    ("services", "requested_on"),
    ("obstacles", "reported_on"),
)


def first_activity_month(connection: Connection) -> str | None:
    """Return the month (YYYY-MM) of the program's earliest referral, enrollment, contact, service or
    obstacle, or None when the database holds none."""
    earliest = []
    for table_name, column in ACTIVITY_DATES:
        table = schema.metadata.tables[table_name]
        found = connection.execute(select(func.min(table.c[column]))).scalar()
        if found is not None:
            earliest.append(found if isinstance(found, dt.date) else dt.date.fromisoformat(str(found)[:10]))
    if not earliest:
        return None
    first = min(earliest)
    return f"{first.year:04d}-{first.month:02d}"


def available_dimensions(measure: Measure) -> tuple[str, ...]:
    """Return every dimension (and filter) ``measure`` can be broken down by."""
    table = measure.table
    names: list[str] = list(TIME_DIMENSIONS)
    names += [col for (tname, col) in schema.CODE_COLUMNS if tname == table.name]
    names += [col for (tname, col) in BOOLEAN_COLUMNS if tname == table.name]
    names += [col for (tname, col) in DERIVED_FLAGS if tname == table.name]
    if "participant_id" in table.c and measure.counts_people:
        names += PARTICIPANT_DIMENSIONS
    if "neighborhood_id" in table.c:
        names += PLACE_DIMENSIONS
    names += [grouping for grouping, (base, _) in schema.CODE_GROUPS.items() if base in names]
    return tuple(names)


def dimension_domain(
    measure: Measure, dimension: str, window: ReleaseWindow, reference: ReferenceData
) -> tuple[str, ...]:
    """Return the values a dimension takes in a dense table (every cell, zero or not)."""
    if dimension in TIME_DIMENSIONS:
        return tuple(p.key for p in window.periods(dimension))
    if dimension in ("neighborhood", "precinct", "district"):
        return reference.domain(dimension)
    if dimension == "business_district":
        return BOOLEAN_VALUES + (schema.UNKNOWN,)
    if dimension == "age_band":
        return AGE_BANDS
    if dimension in schema.CODE_GROUPS:
        base = dimension_domain(measure, schema.CODE_GROUPS[dimension][0], window, reference)
        found = {schema.code_group(dimension, code) for code in base}  # in the grouping's order, then the rest
        return tuple(g for g in dict.fromkeys([*schema.CODE_GROUPS[dimension][1], *base]) if g in found)
    if (measure.table.name, dimension) in BOOLEAN_COLUMNS or (measure.table.name, dimension) in DERIVED_FLAGS:
        return BOOLEAN_VALUES
    if dimension in ("gender", "race_ethnicity", "housing_at_intake"):
        return schema.codes_with_unknown("participants", dimension)
    return schema.codes_with_unknown(measure.table.name, dimension)


class _Sources:
    """The FROM clause of one measure's rows: its table and the joins dimensions need."""

    def __init__(self, measure: Measure, needed: set[str], periods: list[Period] | None):
        """``periods``: the calendar a stock (or an event counted in overlapping windows) is joined with."""
        self.measure = measure
        self.calendar = _calendar(periods) if periods is not None else None
        self.table: FromClause
        conditions = list(measure.conditions(measure.table))
        if self.calendar is not None and conditions:
            # A stock with row conditions: select its rows once, before the calendar join.
            # Left to themselves, both planners drive the join from the calendar through the
            # start-date index and reread the table once per period (10x slower).
            self.table = (
                select(measure.table)
                .where(*conditions)
                .cte(f"{measure.name}_rows")
                .prefix_with("MATERIALIZED", dialect="postgresql")
                .prefix_with("MATERIALIZED", dialect="sqlite")
            )
            self.conditions = []
        else:
            self.table = measure.table
            self.conditions = conditions
        needed = needed | {schema.CODE_GROUPS[d][0] for d in needed if d in schema.CODE_GROUPS}
        needs_person = bool(needed & set(PARTICIPANT_DIMENSIONS)) and measure.table is not schema.participants
        needs_place = bool(needed & set(PLACE_DIMENSIONS))
        self.people: FromClause = schema.participants.alias("person") if needs_person else self.table
        self.place: FromClause | None = schema.neighborhoods.alias("place") if needs_place else None

    def from_clause(self) -> FromClause:
        t = self.table
        joined: FromClause
        if self.calendar is not None and self.measure.kind == EVENT:  # each window holds the events inside it
            m, cal = self.measure, self.calendar
            assert m.date_column is not None, f"event measure {m.name!r} declares no date column"
            date = t.c[m.date_column]
            joined = cal.join(t, and_(date >= cal.c.first_day, date <= cal.c.last_day))
        elif self.calendar is not None:
            m, cal = self.measure, self.calendar
            assert m.start_column is not None and m.end_column is not None, f"stock {m.name!r} declares no dates"
            start, end = t.c[m.start_column], t.c[m.end_column]
            if m.open_rule == ACTIVE_IN_PERIOD:
                still_open = or_(end.is_(None), end >= cal.c.first_day)
            else:
                still_open = or_(end.is_(None), end > cal.c.last_day)
            joined = cal.join(t, and_(start <= cal.c.last_day, still_open))
        else:
            joined = t
        if self.people is not self.table:
            joined = joined.outerjoin(self.people, self.people.c.participant_id == t.c.participant_id)
        if self.place is not None:
            joined = joined.outerjoin(self.place, self.place.c.neighborhood_id == t.c.neighborhood_id)
        return joined

    def anchor_date(self) -> ColumnElement:
        if self.calendar is not None and self.measure.kind != EVENT:
            return self.calendar.c.last_day
        assert self.measure.date_column is not None, f"event measure {self.measure.name!r} declares no date column"
        return self.table.c[self.measure.date_column]


def _calendar(periods: list[Period]) -> Subquery:
    if not periods:
        raise ValueError("the release window holds no complete period at this grain")
    rows = [
        select(
            literal(p.key, String).label("period"),
            literal(p.first_day, Date).label("first_day"),
            literal(p.last_day, Date).label("last_day"),
        )
        for p in periods
    ]
    query = rows[0] if len(rows) == 1 else union_all(*rows)
    return query.subquery("periods")


def _code(column: ColumnElement, codes: Iterable[str], null_code: str | None = None) -> ColumnElement:
    whens: list[tuple[ColumnElement[bool], ColumnElement[Any]]] = []
    if null_code is not None:
        whens.append((column.is_(None), literal(null_code, String)))
    whens.append((column.in_(list(codes)), column))
    return case(*whens, else_=literal(schema.UNKNOWN, String))


def _age_band(birth_year: ColumnElement, on: ColumnElement) -> ColumnElement:
    age = year_number(on) - birth_year
    return case(
        (birth_year.is_(None), literal(schema.UNKNOWN, String)),
        (age < 25, literal("under_25", String)),
        (age < 35, literal("25_34", String)),
        (age < 45, literal("35_44", String)),
        (age < 55, literal("45_54", String)),
        else_=literal("55_and_over", String),
    )


def _dimension_expression(dimension: str, sources: _Sources) -> ColumnElement:
    m, t = sources.measure, sources.table
    table_name = m.table.name
    if dimension in TIME_DIMENSIONS:
        if sources.calendar is not None:
            return sources.calendar.c.period
        assert m.date_column is not None, f"event measure {m.name!r} declares no date column"
        return period_key(dimension, t.c[m.date_column])
    if dimension in schema.CODE_GROUPS:  # a coarser grouping: the codes' expression, mapped to groups
        base, groups = schema.CODE_GROUPS[dimension]
        codes = _dimension_expression(base, sources)
        return case(
            *((codes.in_(list(members)), literal(group, String)) for group, members in groups.items()), else_=codes
        )
    if dimension in ("gender", "race_ethnicity", "housing_at_intake"):
        person_codes = schema.CODE_COLUMNS[("participants", dimension)]
        return _code(sources.people.c[dimension], person_codes)
    if dimension == "age_band":
        return _age_band(sources.people.c.birth_year, sources.anchor_date())
    if dimension in PLACE_DIMENSIONS:
        place = sources.place
        assert place is not None, f"dimension {dimension!r} needs the neighborhoods joined"
        if dimension == "neighborhood":
            return case(
                (place.c.neighborhood_id.is_(None), literal(schema.UNKNOWN, String)),
                else_=cast(place.c.neighborhood_id, String),
            )
        if dimension == "precinct":
            return func.coalesce(cast(place.c.precinct, String), literal(schema.UNKNOWN, String))
        if dimension == "district":
            return func.coalesce(cast(place.c.district, String), literal(schema.UNKNOWN, String))
        if dimension == "business_district":
            return case(
                (place.c.neighborhood_id.is_(None), literal(schema.UNKNOWN, String)),
                (place.c.business_district == true(), literal("true", String)),
                else_=literal("false", String),
            )
    if (table_name, dimension) in BOOLEAN_COLUMNS:
        return case((t.c[dimension] == true(), literal("true", String)), else_=literal("false", String))
    if (table_name, dimension) in DERIVED_FLAGS:
        flag = DERIVED_FLAGS[(table_name, dimension)](t)
        return case((flag, literal("true", String)), else_=literal("false", String))
    key = (table_name, dimension)
    return _code(t.c[dimension], schema.CODE_COLUMNS[key], schema.NULL_CODE.get(key))


def _time_grain(measure: Measure, dimensions: Iterable[str], filters: Mapping[str, Any]) -> str | None:
    grains = [d for d in list(dimensions) + list(filters) if d in TIME_DIMENSIONS]
    if len(set(grains)) > 1:
        raise ValueError(f"a table can have one time dimension, got {', '.join(grains)}")
    if not grains and measure.kind != EVENT:
        raise ValueError(f"measure {measure.name!r} is a stock: it needs a month, quarter or year dimension")
    return grains[0] if grains else None


def _filter_values(name: str, value: Any) -> list[str]:
    values = [value] if isinstance(value, (str, int, bool)) else list(value)
    if not values:
        raise ValueError(f"filter {name!r} has no values")
    return [str(v).lower() if isinstance(v, bool) else str(v) for v in values]


@overload
def build_query(
    declaration: CountDeclaration,
    window: ReleaseWindow,
    reference: ReferenceData | None = None,
    extra: None = None,
) -> Select[Any]: ...


@overload
def build_query(
    declaration: CountDeclaration,
    window: ReleaseWindow,
    reference: ReferenceData | None,
    extra: ColumnElement,
) -> Subquery: ...


@overload
def build_query(
    declaration: CountDeclaration,
    window: ReleaseWindow,
    reference: ReferenceData | None = None,
    *,
    extra: ColumnElement,
) -> Subquery: ...


def build_query(
    declaration: CountDeclaration,
    window: ReleaseWindow,
    reference: ReferenceData | None = None,
    extra: ColumnElement | None = None,
) -> Select[Any] | Subquery:
    """Return the SELECT computing value, people, top1 and top2 per non-empty cell.

    With ``extra``, return instead the subquery of selected rows (dimension
    labels and units) carrying ``extra`` as column ``quantity``.
    """
    m = lookup_measure(declaration.measure)
    dimensions = tuple(declaration.dimensions)
    filters = dict(declaration.filters or {})
    allowed = available_dimensions(m)
    for name in dimensions + tuple(filters):
        if name not in allowed:
            raise ValueError(f"measure {m.name!r} cannot be broken down by {name!r}; it can by: {', '.join(allowed)}")
    if len(set(dimensions)) != len(dimensions):
        raise ValueError(f"dimensions repeat: {dimensions}")
    grain = _time_grain(m, dimensions, filters)
    periods = window.periods(grain) if grain else None
    sources = _Sources(m, set(dimensions) | set(filters), periods if m.kind != EVENT or grain == WINDOW else None)
    t = sources.table

    conditions = list(sources.conditions)
    if m.kind == EVENT:
        if periods == []:
            raise ValueError(f"the release window holds no complete {grain}")
        assert m.date_column is not None, f"event measure {m.name!r} declares no date column"
        date = t.c[m.date_column]
        first = periods[0].first_day if periods else window.first_day
        last = periods[-1].last_day if periods else window.last_day
        conditions += [date >= literal(first, Date), date <= literal(last, Date)]
    for name, value in filters.items():
        values = _filter_values(name, value)
        if reference is not None:
            domain = dimension_domain(m, name, window, reference)
            unknown = [v for v in values if v not in domain]
            if unknown:
                raise ValueError(f"filter {name!r} has values outside its domain: {', '.join(unknown)}")
        conditions.append(_dimension_expression(name, sources).in_(values))

    labels = [f"d{i}" for i in range(len(dimensions))]
    unit = t.c[m.unit_column]
    unit_columns = [unit.label("unit")]
    if m.fallback_unit_column:
        fallback = case((unit.is_(None), t.c[m.fallback_unit_column]))
        unit_columns.append(fallback.label("unit_fallback"))
    rows = (
        select(
            *[_dimension_expression(d, sources).label(label) for d, label in zip(dimensions, labels, strict=False)],
            *unit_columns,
            *([extra.label("quantity")] if extra is not None else []),
        )
        .select_from(sources.from_clause())
        .where(*conditions)
        .subquery("unit_rows")
    )
    if extra is not None:
        return rows
    dims = [rows.c[label] for label in labels]
    per_unit = (
        select(*dims, func.count().label("n"))
        .select_from(rows)
        .group_by(*dims, *[rows.c[c.name] for c in unit_columns])
        .subquery("per_unit")
    )
    unit_dims = [per_unit.c[label] for label in labels]
    ranked = select(
        *unit_dims,
        per_unit.c.n,
        func.row_number().over(partition_by=unit_dims or None, order_by=per_unit.c.n.desc()).label("rank"),
    ).subquery("ranked")
    rank_dims = [ranked.c[label] for label in labels]
    value = func.count() if m.distinct_units else func.sum(ranked.c.n)
    return select(
        *rank_dims,
        value.label("value"),
        func.count().label("people"),
        func.max(case((ranked.c.rank == 1, ranked.c.n))).label("top1"),
        func.max(case((ranked.c.rank == 2, ranked.c.n))).label("top2"),
    ).group_by(*rank_dims)


def aggregate(
    bind: Engine | Connection,
    declaration: CountDeclaration,
    window: ReleaseWindow,
    reference: ReferenceData | None = None,
) -> pd.DataFrame:
    """Return one row per cell of the declared table (every combination, zeros included).

    Columns: the dimensions, then ``value``, ``people`` (distinct persons, or NA
    for measures that do not count people), ``top1`` and ``top2`` (the two
    largest per-person contributions, NA when absent).
    """
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return aggregate(connection, declaration, window, reference)
    if reference is None:
        reference = read_reference_data(bind)
    m = lookup_measure(declaration.measure)
    dimensions = list(declaration.dimensions)
    query = build_query(declaration, window, reference)
    found = bind.execute(query).all()
    domains = [dimension_domain(m, d, window, reference) for d in dimensions]
    return _densify(found, dimensions, domains, counts_people=m.counts_people)


def _densify(
    found: Iterable[Sequence[Any]], dimensions: list[str], domains: list[tuple[str, ...]], counts_people: bool
) -> pd.DataFrame:
    """Return every cell of the domains' product in order, zeros where ``found`` has no row."""
    width = len(dimensions)
    by_cell = {tuple(str(label) for label in row[:width]): row[width:] for row in found}
    cells = list(itertools.product(*domains))
    outside = by_cell.keys() - set(cells)
    if outside:
        raise RuntimeError(f"cells outside the declared domains: {sorted(outside)[:5]}")
    empty = (None, None, None, None)
    results = [by_cell.get(cell, empty) for cell in cells]
    value, people, top1, top2 = zip(*results, strict=False) if results else ((), (), (), ())
    labels_by_dimension = list(zip(*cells, strict=False)) if cells else [()] * width
    columns: dict[str, Any] = {
        d: pd.array(labels, dtype="str") for d, labels in zip(dimensions, labels_by_dimension, strict=False)
    }
    columns["value"] = np.fromiter((int(v) if v else 0 for v in value), dtype="int64", count=len(cells))
    if counts_people:
        columns["people"] = pd.array([int(p) if p else 0 for p in people], dtype="Int64")
        columns["top1"] = pd.array(top1, dtype="Int64")
        columns["top2"] = pd.array(top2, dtype="Int64")
    else:
        missing = pd.array([pd.NA] * len(cells), dtype="Int64")
        columns.update(people=missing, top1=missing.copy(), top2=missing.copy())
    return pd.DataFrame(columns, index=range(len(cells)))


# Quantities whose distribution a statistic (a median) summarises, per measure.
QUANTITIES = {
    ("services_connected", "days_to_connection"): lambda t: days_between(t.c.requested_on, t.c.connected_on),
}


def aggregate_distribution(
    bind: Engine | Connection,
    declaration: CountDeclaration,
    quantity: str,
    window: ReleaseWindow,
    reference: ReferenceData | None = None,
) -> pd.DataFrame:
    """Return, per cell, how many rows take each value of ``quantity`` (a histogram, grouped in SQL)."""
    if isinstance(bind, Engine):
        with bind.connect() as connection:
            return aggregate_distribution(connection, declaration, quantity, window, reference)
    if reference is None:
        reference = read_reference_data(bind)
    m = lookup_measure(declaration.measure)
    try:
        expression = QUANTITIES[(m.name, quantity)](m.table)
    except KeyError:
        raise ValueError(f"no quantity {quantity!r} for measure {m.name!r}") from None
    rows = build_query(declaration, window, reference, extra=expression)
    dims = [rows.c[f"d{i}"] for i in range(len(declaration.dimensions))]
    query = (
        select(*dims, rows.c.quantity, func.count().label("rows"))
        .where(rows.c.quantity.is_not(None))
        .group_by(*dims, rows.c.quantity)
        .order_by(*dims, rows.c.quantity)
    )
    found = bind.execute(query).all()
    frame = pd.DataFrame(found, columns=list(declaration.dimensions) + [quantity, "rows"])
    for dimension in declaration.dimensions:
        frame[dimension] = frame[dimension].astype(str)
    return frame
