"""An independent recount of the published cells, in plain Python over the contract's rows.

The audit's truth (``audit --db``, and the check ``publish`` and ``release`` run before
writing): written apart from ``data_access.aggregate`` (no shared SQL, no shared measure
definitions), so that a mistake in an aggregate query shows as a published figure that
differs from the recount. Reads whole contract tables (never free text: the contract has
none) and returns grouped counts only. Must not import ``data_access.aggregate`` or
``data_access.measures``.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Connection

from core.release_model import Release, Table
from data_access import schema
from data_access.engine import read_only_engine
from data_access.periods import ReleaseWindow

CODES = schema.CODE_COLUMNS
# A contract table's rows, each a dict of column name to value, by table name.
ContractRows = Mapping[str, Sequence[Mapping[str, Any]]]
# A non-empty cell: (value, people, top1, top2).
CellCounts = tuple[int, int, int, int | None]


def _code(table: str, column: str, value: Any) -> Any:
    if (table, column) in schema.NULL_CODE and value is None:
        return schema.NULL_CODE[(table, column)]
    return value if value in CODES[(table, column)] else "unknown"


def _age_band(birth_year: int | None, on: dt.date) -> str:
    if birth_year is None:
        return "unknown"
    age = on.year - birth_year
    for limit, band in ((25, "under_25"), (35, "25_34"), (45, "35_44"), (55, "45_54")):
        if age < limit:
            return band
    return "55_and_over"


def _windows_holding(day: dt.date, window: ReleaseWindow) -> list[str]:
    """Return the keys "first/last" of every run of 12 months inside ``window`` that holds ``day``."""
    index = day.year * 12 + day.month - 1
    first = int(window.first_month[:4]) * 12 + int(window.first_month[5:]) - 1
    last = int(window.last_month[:4]) * 12 + int(window.last_month[5:]) - 1

    def key(i: int) -> str:
        return f"{i // 12:04d}-{i % 12 + 1:02d}"

    return [f"{key(end - 11)}/{key(end)}" for end in range(max(index, first + 11), min(index + 11, last) + 1)]


def _period(grain: str, day: dt.date) -> str:
    if grain == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if grain == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}"


RowFilter = Callable[[Mapping[str, Any]], bool]
MEASURE_ROWS: dict[str, tuple[str, str | tuple[str, str, str], RowFilter | None, str, str | None, bool]] = {
    # measure: (table, event date or (start, end, rule), row filter, unit, fallback, distinct units)
    "referrals": ("referrals", "referred_on", None, "participant_id", "referral_id", False),
    "enrollments": ("participants", "enrolled_on", None, "participant_id", None, False),
    "contacts": ("contacts", "contact_on", None, "participant_id", None, False),
    "services_requested": ("services", "requested_on", None, "participant_id", None, False),
    "services_connected": (
        "services",
        "connected_on",
        lambda r: r["status"] in ("connected", "completed"),
        "participant_id",
        None,
        False,
    ),
    "obstacles_reported": ("obstacles", "reported_on", None, "participant_id", "obstacle_id", False),
    "handoffs_within_30_min": (
        "referrals",
        "referred_on",
        lambda r: (
            r["pathway"] == "arrest_diversion" and r["handoff_minutes"] is not None and r["handoff_minutes"] <= 30
        ),
        "participant_id",
        "referral_id",
        False,
    ),
    "intakes_within_7_days": (
        "referrals",
        "referred_on",
        lambda r: r["intake_on"] is not None and (r["intake_on"] - r["referred_on"]).days <= 7,
        "participant_id",
        "referral_id",
        False,
    ),
    "focus_areas": ("focus_areas", "suggested_on", None, "focus_area_id", None, False),
    "active_participants": (
        "participants",
        ("enrolled_on", "exited_on", "active"),
        None,
        "participant_id",
        None,
        False,
    ),
    "obstacles_open": (
        "obstacles",
        ("reported_on", "resolved_on", "end"),
        None,
        "participant_id",
        "obstacle_id",
        False,
    ),
    "services_waiting": (
        "services",
        ("requested_on", "connected_on", "end"),
        lambda r: r["status"] == "waitlisted",
        "participant_id",
        None,
        False,
    ),
    "case_managers": ("case_assignments", ("assigned_on", "ended_on", "active"), None, "case_manager_id", None, True),
}


def recount(
    rows: ContractRows,
    measure: str,
    dimensions: Sequence[str],
    filters: Mapping[str, Any],
    window: ReleaseWindow,
) -> dict[tuple[Any, ...], CellCounts]:
    """Return {cell tuple: (value, people, top1, top2)} for non-empty cells."""
    _, _, _, unit, fallback, distinct = MEASURE_ROWS[measure]
    contributions: dict[tuple[Any, ...], Counter[tuple[Any, Any]]] = defaultdict(Counter)
    for cell, row in placed_rows(rows, measure, dimensions, filters, window):
        if row[unit] is not None:
            who = (row[unit], None)
        else:
            assert fallback is not None, f"measure {measure!r} counts a row without {unit} and has no fallback"
            who = (None, row[fallback])
        contributions[cell][who] += 1
    result: dict[tuple[Any, ...], CellCounts] = {}
    for cell, counter in contributions.items():
        ranked = sorted(counter.values(), reverse=True)
        value = len(counter) if distinct else sum(ranked)
        result[cell] = (value, len(counter), ranked[0], ranked[1] if len(ranked) > 1 else None)
    return result


def placed_rows(
    rows: ContractRows,
    measure: str,
    dimensions: Sequence[str],
    filters: Mapping[str, Any],
    window: ReleaseWindow,
) -> Iterator[tuple[tuple[Any, ...], Mapping[str, Any]]]:
    """Yield (cell, row) for every row the measure counts in the window, within the filters."""
    table, dating, keep, _, _, _ = MEASURE_ROWS[measure]
    hoods: dict[str | None, Mapping[str, Any]] = {str(n["neighborhood_id"]): n for n in rows["neighborhoods"]}
    people = {p["participant_id"]: p for p in rows["participants"]}
    grains = [d for d in list(dimensions) + list(filters) if d in ("month", "quarter", "year", "twelve_months")]
    grain = grains[0] if grains else None
    periods = window.periods(grain) if grain and grain != "twelve_months" else None

    def value_of(row: Mapping[str, Any], dimension: str, on: dt.date, period_key: str | None) -> Any:
        if dimension in ("month", "quarter", "year", "twelve_months"):
            return period_key
        if dimension in schema.CODE_GROUPS:
            return schema.code_group(dimension, value_of(row, schema.CODE_GROUPS[dimension][0], on, period_key))
        if dimension in ("gender", "race_ethnicity", "housing_at_intake", "age_band"):
            person = row if table == "participants" else people.get(row.get("participant_id"), {})
            if dimension == "age_band":
                return _age_band(person.get("birth_year"), on)
            return _code("participants", dimension, person.get(dimension))
        if dimension in ("neighborhood", "precinct", "district", "business_district"):
            hood = hoods.get(None if row["neighborhood_id"] is None else str(row["neighborhood_id"]))
            if hood is None:
                return "unknown"
            if dimension == "neighborhood":
                return str(hood["neighborhood_id"])
            if dimension in ("precinct", "district"):
                return str(hood[dimension]) if hood.get(dimension) is not None else "unknown"
            return "true" if hood["business_district"] else "false"
        if dimension == "handoff_within_30_min":
            return "true" if row["handoff_minutes"] is not None and row["handoff_minutes"] <= 30 else "false"
        if dimension == "intake_within_7_days":
            return (
                "true"
                if row["intake_on"] is not None and (row["intake_on"] - row["referred_on"]).days <= 7
                else "false"
            )
        if dimension == "substantive":
            return "true" if row["substantive"] else "false"
        return _code(table, dimension, row[dimension])

    placed: list[tuple[Mapping[str, Any], dt.date, str | None]] = []  # (row, anchor date, period key)
    for row in rows[table]:
        if keep and not keep(row):
            continue
        if isinstance(dating, str):
            day = row[dating]
            if day is None:
                continue
            first = periods[0].first_day if periods else window.first_day
            last = periods[-1].last_day if periods else window.last_day
            if not first <= day <= last:
                continue
            if grain == "twelve_months":
                placed += [(row, day, key) for key in _windows_holding(day, window)]
                continue
            placed.append((row, day, _period(grain, day) if grain else None))
        else:
            start_col, end_col, rule = dating
            assert periods is not None, f"measure {measure!r} is a stock: it needs a calendar grain"
            for period in periods:
                start, end = row[start_col], row[end_col]
                if start is None or start > period.last_day:
                    continue
                if rule == "active" and end is not None and end < period.first_day:
                    continue
                if rule == "end" and end is not None and end <= period.last_day:
                    continue
                placed.append((row, period.last_day, period.key))

    for row, on, key in placed:
        if any(
            value_of(row, name, on, key) not in ([v] if isinstance(v, str) else [str(x) for x in v])
            for name, v in filters.items()
        ):
            continue
        yield tuple(value_of(row, d, on, key) for d in dimensions), row


def read_rows(connection: Connection) -> dict[str, list[dict[str, Any]]]:
    """Return every row of the contract tables as dicts (dates as dates, ids as read)."""
    from sqlalchemy import inspect

    present = inspect(connection)
    rows: dict[str, list[dict[str, Any]]] = {}
    for table in schema.metadata.sorted_tables:
        have = {c["name"] for c in present.get_columns(table.name)}
        columns = [c for c in table.columns if c.name in have]
        rows[table.name] = [dict(r._mapping) for r in connection.execute(select(*columns))]
    for row in rows.get("referrals", []):
        for column in ("referred_on", "intake_on"):
            row[column] = _as_date(row.get(column))
    for table_name, date_columns in (
        ("participants", ("enrolled_on", "exited_on")),
        ("contacts", ("contact_on",)),
        ("services", ("requested_on", "connected_on")),
        ("obstacles", ("reported_on", "resolved_on")),
        ("focus_areas", ("suggested_on",)),
        ("case_assignments", ("assigned_on", "ended_on")),
    ):
        for row in rows.get(table_name, []):
            for column in date_columns:
                row[column] = _as_date(row.get(column))
    return rows


def _as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.datetime):
        return value.date()
    return dt.date.fromisoformat(str(value)[:10])


def _window_of(publication: Release, filters: Mapping[str, Any]) -> ReleaseWindow:
    """Return the release window, narrowed to a table's month filter (a period "to date")."""
    first, last = publication.release.first_month, publication.release.last_month
    months = filters.get("month")
    if months:
        months = [months] if isinstance(months, str) else list(months)
        first, last = max(first, min(months)), min(last, max(months))
    return ReleaseWindow(first, last)


def _medians(
    rows: ContractRows, table: Table, window: ReleaseWindow, filters: Mapping[str, Any]
) -> dict[tuple[Any, ...], float]:
    """Return {cell: median days from request to connection} for a statistic table."""
    days: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for cell, row in placed_rows(rows, "services_connected", list(table.dimensions), filters, window):
        days[cell].append((row["connected_on"] - row["requested_on"]).days)
    return {cell: float(statistics.median(values)) for cell, values in days.items()}


def truth_from_recount(url: str, publication: Release) -> dict[str, pd.DataFrame]:
    """Return the recounted true cells of every table of ``publication`` (the audit's truth)."""
    engine = read_only_engine(url)
    try:
        with engine.connect() as connection:
            rows = read_rows(connection)
    finally:
        engine.dispose()
    truth = {}
    for table in publication.tables:
        given = {k: (v if isinstance(v, str) else list(v)) for k, v in table.filters.items()}
        filters = {k: v for k, v in given.items() if k not in ("month", "quarter", "year")}
        window = _window_of(publication, given)
        measure = (table.of_measure or table.measure) if table.statistic else table.measure
        dims = list(table.dimensions)
        found = recount(rows, measure, dims, filters, window)
        medians = _medians(rows, table, window, filters) if table.statistic else {}
        records = []
        for cell in table.cells:
            key = cell.key(dims)
            value: float | None
            value, people, top1, top2 = found.get(key, (0, 0, None, None))
            if table.statistic:
                value = medians.get(key)
            records.append(
                {**dict(zip(dims, key, strict=False)), "value": value, "people": people, "top1": top1, "top2": top2}
            )
        frame = pd.DataFrame(records, columns=dims + ["value", "people", "top1", "top2"])
        for column in ("people", "top1", "top2"):
            frame[column] = frame[column].astype("Int64")
        truth[table.id] = frame
    return truth
