"""Benchmark ``data_access.aggregate`` against hand-written SQL and a naive pandas group-by.

Run from the project root::

    .venv/bin/python -m benchmarks.aggregate_queries --backend both --scale large --repeats 3 --out results.json

For each declaration (together they cover every measure) and each backend, three approaches
compute the same cells (count, distinct people -- a referral or obstacle with no participant
is its own person --, and the two largest per-person contributions):

``ours``   ``aggregate(engine, declaration, window)``, the code under test;
``hand``   the same GROUP BY written by hand as literal SQL for the backend (the floor);
``naive``  the raw rows read into pandas (``pd.read_sql``) and grouped there.

All three are checked to give identical non-zero cells before any timing counts; a mismatch
is printed loudly and the script exits 1. Timings are medians of ``--repeats`` runs with the
approaches interleaved (their order rotates each round) so they share the machine's noise.
Peak memory is measured twice, outside the timed runs: with ``tracemalloc`` (Python
allocations during the call) and as the peak RSS growth of a fresh child process that makes
just that one call (everything in the client process: Python, numpy, Arrow, SQLite's own
allocations). See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import hashlib
import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa

from data_access import schema
from data_access.aggregate import CountRequest, aggregate
from data_access.engine import read_only_engine
from data_access.measures import measure as lookup_measure
from data_access.periods import ReleaseWindow

ROOT = Path(__file__).resolve().parent.parent
SEED = 2011
AS_OF = dt.date(2026, 10, 31)
WINDOW = ReleaseWindow.ending(AS_OF, "2019-01")
APPROACHES = ("ours", "hand", "naive")
GOAL_RATIO = 1.2
DEFAULT_CACHE = Path.home() / ".cache" / "lead-dashboard" / "bench"
POSTGRES_ENV = "LEAD_BENCH_POSTGRES_URL"
UNKNOWN = schema.UNKNOWN


# =============================================================================================
# Hand-written SQL: dialect fragments
# =============================================================================================


class Dialect:
    """The few places where hand-written SQLite and PostgreSQL differ."""

    name = ""
    materialized = ""  # "MATERIALIZED " where a CTE must not be inlined

    def date(self, day: dt.date) -> str:
        raise NotImplementedError

    def month(self, column: str) -> str:
        raise NotImplementedError

    def quarter(self, column: str) -> str:
        raise NotImplementedError

    def year(self, column: str) -> str:
        raise NotImplementedError

    def days(self, start: str, end: str) -> str:
        raise NotImplementedError

    def calendar(self, grain: str) -> str:
        """Return ``WITH periods(period, first_day, last_day) AS (VALUES ...)``: the window's periods.

        Written out from ``ReleaseWindow.periods`` (as a person would type them), so it follows
        whatever periods the window defines, clipped partial ones included.
        """
        rows = ",\n    ".join(
            f"('{p.key}', {self.date(p.first_day)}, {self.date(p.last_day)})" for p in WINDOW.periods(grain)
        )
        return f"WITH periods(period, first_day, last_day) AS {self.materialized}(VALUES\n    {rows})"


class SQLiteDialect(Dialect):
    name = "sqlite"
    # Without it SQLite flattens the CTE and may pick a poor join order (3.35+ only).
    materialized = "MATERIALIZED " if sqlite3.sqlite_version_info >= (3, 35) else ""

    def date(self, day):
        return f"'{day.isoformat()}'"

    def month(self, column):
        return f"strftime('%Y-%m', {column})"

    def quarter(self, column):
        return f"(strftime('%Y', {column}) || '-Q' || ((CAST(strftime('%m', {column}) AS INTEGER) + 2) / 3))"

    def year(self, column):
        return f"strftime('%Y', {column})"

    def days(self, start, end):
        return f"(julianday({end}) - julianday({start}))"


class PostgresDialect(Dialect):
    name = "postgresql"

    def date(self, day):
        return f"DATE '{day.isoformat()}'"

    def month(self, column):
        return f"to_char({column}, 'YYYY-MM')"

    def quarter(self, column):
        return f"to_char({column}, 'YYYY-\"Q\"Q')"

    def year(self, column):
        return f"to_char({column}, 'YYYY')"

    def days(self, start, end):
        return f"({end} - {start})"


DIALECTS = {"sqlite": SQLiteDialect(), "postgresql": PostgresDialect()}


def code(column: str, table: str, name: str) -> str:
    """CASE mapping a code column onto its contract codes, anything else to 'unknown'."""
    codes = ", ".join(f"'{c}'" for c in schema.CODE_COLUMNS[(table, name)])
    return f"CASE WHEN {column} IN ({codes}) THEN {column} ELSE '{UNKNOWN}' END"


def bounds(grain: str | None) -> tuple[dt.date, dt.date]:
    """First and last day an event measure counts: the complete periods of the window."""
    if grain is None:
        return WINDOW.first_day, WINDOW.last_day
    periods = WINDOW.periods(grain)
    return periods[0].first_day, periods[-1].last_day


def between(d: Dialect, column: str, grain: str | None) -> str:
    first, last = bounds(grain)
    return f"{column} BETWEEN {d.date(first)} AND {d.date(last)}"


@dataclass(frozen=True)
class HandSQL:
    """A hand-written inner GROUP BY (cell + unit -> n), wrapped in the ranking and outer GROUP BY."""

    inner: str
    dimensions: int
    distinct_units: bool = False
    with_clause: str = ""

    def text(self) -> str:
        dims = ", ".join(f"d{i}" for i in range(self.dimensions))
        value = "COUNT(*)" if self.distinct_units else "SUM(n)"
        return (
            f"{self.with_clause}\n"
            f"SELECT {dims}, {value} AS value, COUNT(*) AS people,\n"
            "       MAX(CASE WHEN rk = 1 THEN n END) AS top1, MAX(CASE WHEN rk = 2 THEN n END) AS top2\n"
            f"FROM (SELECT {dims}, n, ROW_NUMBER() OVER (PARTITION BY {dims} ORDER BY n DESC) AS rk\n"
            f"      FROM ({self.inner}) AS per_unit) AS ranked\n"
            f"GROUP BY {dims}"
        )


REFERRAL_UNIT = "participant_id, CASE WHEN participant_id IS NULL THEN referral_id END"
OBSTACLE_UNIT = "participant_id, CASE WHEN participant_id IS NULL THEN obstacle_id END"


# =============================================================================================
# Naive: rows into pandas, grouped there
# =============================================================================================


def _dates(values: pd.Series) -> pd.Series:
    """Dates as read (SQLite text, PostgreSQL datetime.date) -> datetime64."""
    first = values.dropna().head(1)
    if len(first) and isinstance(first.iloc[0], str):
        return pd.to_datetime(values, format="%Y-%m-%d")
    return pd.to_datetime(values)


def _period_index(days: pd.Series, grain: str) -> pd.Series:
    year, month = days.dt.year, days.dt.month
    if grain == "month":
        return year * 12 + month - 1
    if grain == "quarter":
        return year * 4 + (month - 1) // 3
    return year


def _period_key(index: int, grain: str) -> str:
    index = int(index)
    if grain == "month":
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    if grain == "quarter":
        return f"{index // 4:04d}-Q{index % 4 + 1}"
    return f"{index:04d}"


def _codes(values: pd.Series, table: str, name: str) -> pd.Series:
    return values.where(values.isin(schema.CODE_COLUMNS[(table, name)]), UNKNOWN)


def _read_event(conn, sql: str, date_column: str, grain: str | None) -> pd.DataFrame:
    """Read the rows, keep those in the window's complete periods, add their period ``p``."""
    frame = pd.read_sql(sql, conn)
    rows_read = len(frame)
    frame[date_column] = _dates(frame[date_column])
    first, last = bounds(grain)
    frame = frame[(frame[date_column] >= pd.Timestamp(first)) & (frame[date_column] <= pd.Timestamp(last))].copy()
    if grain is not None:
        frame["p"] = _period_index(frame[date_column], grain)
    frame.attrs["rows_read"] = rows_read
    return frame


def _read_stock(conn, sql: str, start: str, end: str, grain: str, open_at_end: bool) -> pd.DataFrame:
    """Read the rows and repeat each in every period it is open in (``p`` = period key)."""
    frame = pd.read_sql(sql, conn)
    rows_read = len(frame)
    frame[start], frame[end] = _dates(frame[start]), _dates(frame[end])
    parts = []
    for period in WINDOW.periods(grain):
        first, last = pd.Timestamp(period.first_day), pd.Timestamp(period.last_day)
        still_open = frame[end].isna() | ((frame[end] > last) if open_at_end else (frame[end] >= first))
        parts.append(frame[(frame[start] <= last) & still_open].assign(p=period.key))
    rows = pd.concat(parts, ignore_index=True)
    rows.attrs["rows_read"] = rows_read
    return rows


def _unit_with_fallback(frame: pd.DataFrame, fallback: str) -> pd.Series:
    """The participant, or for a row without one the row itself (negative id: never a participant)."""
    return frame["participant_id"].fillna(-frame[fallback])


def _cells(
    frame: pd.DataFrame, dims: list[str], unit: str, distinct: bool = False, grain_dim: tuple[str, str] | None = None
) -> pd.DataFrame:
    """Group rows by cell and unit, then per cell: value, people, top1, top2 (columns d0.., ...)."""
    rows_read = frame.attrs.get("rows_read", len(frame))
    per_unit = frame.groupby(dims + [unit], sort=False).size().rename("n").reset_index()
    per_unit = per_unit.sort_values("n", ascending=False, kind="stable")
    rank = per_unit.groupby(dims, sort=False).cumcount()
    by_cell = per_unit.groupby(dims, sort=False)["n"]
    out = pd.DataFrame(
        {
            "value": by_cell.size() if distinct else by_cell.sum(),
            "people": by_cell.size(),
            "top1": by_cell.max(),
        }
    )
    out["top2"] = per_unit[rank == 1].set_index(dims)["n"]
    out = out.reset_index()
    if grain_dim is not None:
        column, grain = grain_dim
        out[column] = out[column].map(lambda i: _period_key(i, grain))
    out = out.rename(columns={d: f"d{i}" for i, d in enumerate(dims)})
    out.attrs["rows_read"] = rows_read
    return out


# =============================================================================================
# The declarations: request, hand-written SQL, naive pandas
# =============================================================================================


@dataclass(frozen=True)
class Bench:
    name: str
    request: CountRequest
    hand: Callable[[Dialect], HandSQL]
    naive: Callable[[sa.Connection], pd.DataFrame]

    @property
    def counts_people(self) -> bool:
        return lookup_measure(self.request.measure).counts_people


def _referrals_month_pathway(d: Dialect) -> HandSQL:
    return HandSQL(
        f"""
        SELECT {d.month("referred_on")} AS d0, {code("pathway", "referrals", "pathway")} AS d1, COUNT(*) AS n
        FROM referrals
        WHERE {between(d, "referred_on", "month")}
        GROUP BY 1, 2, {REFERRAL_UNIT}""",
        2,
    )


def _naive_referrals_month_pathway(conn) -> pd.DataFrame:
    f = _read_event(
        conn, "SELECT referral_id, participant_id, referred_on, pathway FROM referrals", "referred_on", "month"
    )
    f["pathway"] = _codes(f["pathway"], "referrals", "pathway")
    f["unit"] = _unit_with_fallback(f, "referral_id")
    return _cells(f, ["p", "pathway"], "unit", grain_dim=("p", "month"))


def _referrals_hood_quarter(d: Dialect) -> HandSQL:
    return HandSQL(
        f"""
        SELECT COALESCE(h.neighborhood_id, '{UNKNOWN}') AS d0, {d.quarter("r.referred_on")} AS d1, COUNT(*) AS n
        FROM referrals r LEFT JOIN neighborhoods h ON h.neighborhood_id = r.neighborhood_id
        WHERE {between(d, "r.referred_on", "quarter")}
        GROUP BY 1, 2, r.participant_id, CASE WHEN r.participant_id IS NULL THEN r.referral_id END""",
        2,
    )


def _naive_referrals_hood_quarter(conn) -> pd.DataFrame:
    f = _read_event(
        conn,
        "SELECT r.referral_id, r.participant_id, r.referred_on, h.neighborhood_id AS hood "
        "FROM referrals r LEFT JOIN neighborhoods h ON h.neighborhood_id = r.neighborhood_id",
        "referred_on",
        "quarter",
    )
    f["hood"] = f["hood"].fillna(UNKNOWN).astype(str)
    f["unit"] = _unit_with_fallback(f, "referral_id")
    return _cells(f, ["hood", "p"], "unit", grain_dim=("p", "quarter"))


def _theft_quarter_outcome(d: Dialect) -> HandSQL:
    return HandSQL(
        f"""
        SELECT {d.quarter("referred_on")} AS d0, {code("outcome", "referrals", "outcome")} AS d1, COUNT(*) AS n
        FROM referrals
        WHERE {between(d, "referred_on", "quarter")} AND offense_category IN ('shoplifting', 'other_theft')
        GROUP BY 1, 2, {REFERRAL_UNIT}""",
        2,
    )


def _naive_theft_quarter_outcome(conn) -> pd.DataFrame:
    f = _read_event(
        conn,
        "SELECT referral_id, participant_id, referred_on, offense_category, outcome FROM referrals",
        "referred_on",
        "quarter",
    )
    f = f[f["offense_category"].isin(["shoplifting", "other_theft"])].copy()
    f["outcome"] = _codes(f["outcome"], "referrals", "outcome")
    f["unit"] = _unit_with_fallback(f, "referral_id")
    return _cells(f, ["p", "outcome"], "unit", grain_dim=("p", "quarter"))


def _enrollments_year_gender(d: Dialect) -> HandSQL:
    return HandSQL(
        f"""
        SELECT {d.year("enrolled_on")} AS d0, {code("gender", "participants", "gender")} AS d1, COUNT(*) AS n
        FROM participants
        WHERE {between(d, "enrolled_on", "year")}
        GROUP BY 1, 2, participant_id""",
        2,
    )


def _naive_enrollments_year_gender(conn) -> pd.DataFrame:
    f = _read_event(conn, "SELECT participant_id, enrolled_on, gender FROM participants", "enrolled_on", "year")
    f["gender"] = _codes(f["gender"], "participants", "gender")
    return _cells(f, ["p", "gender"], "participant_id", grain_dim=("p", "year"))


def _active_month(d: Dialect) -> HandSQL:
    return HandSQL(
        """
        SELECT c.period AS d0, COUNT(*) AS n
        FROM periods c JOIN participants p
          ON p.enrolled_on <= c.last_day AND (p.exited_on IS NULL OR p.exited_on >= c.first_day)
        GROUP BY 1, p.participant_id""",
        1,
        with_clause=d.calendar("month"),
    )


def _naive_active_month(conn) -> pd.DataFrame:
    f = _read_stock(
        conn,
        "SELECT participant_id, enrolled_on, exited_on FROM participants",
        "enrolled_on",
        "exited_on",
        "month",
        open_at_end=False,
    )
    return _cells(f, ["p"], "participant_id")


def _contacts_month_role(d: Dialect) -> HandSQL:
    return HandSQL(
        f"""
        SELECT {d.month("contact_on")} AS d0, {code("staff_role", "contacts", "staff_role")} AS d1, COUNT(*) AS n
        FROM contacts
        WHERE {between(d, "contact_on", "month")}
        GROUP BY 1, 2, participant_id""",
        2,
    )


def _naive_contacts_month_role(conn) -> pd.DataFrame:
    f = _read_event(conn, "SELECT participant_id, contact_on, staff_role FROM contacts", "contact_on", "month")
    f["staff_role"] = _codes(f["staff_role"], "contacts", "staff_role")
    return _cells(f, ["p", "staff_role"], "participant_id", grain_dim=("p", "month"))


def _services_requested(d: Dialect) -> HandSQL:
    return HandSQL(
        f"""
        SELECT {d.quarter("requested_on")} AS d0, {code("service_type", "services", "service_type")} AS d1,
               COUNT(*) AS n
        FROM services
        WHERE {between(d, "requested_on", "quarter")}
        GROUP BY 1, 2, participant_id""",
        2,
    )


def _naive_services_requested(conn) -> pd.DataFrame:
    f = _read_event(conn, "SELECT participant_id, requested_on, service_type FROM services", "requested_on", "quarter")
    f["service_type"] = _codes(f["service_type"], "services", "service_type")
    return _cells(f, ["p", "service_type"], "participant_id", grain_dim=("p", "quarter"))


def _services_connected(d: Dialect) -> HandSQL:
    return HandSQL(
        f"""
        SELECT {d.quarter("connected_on")} AS d0, {code("service_type", "services", "service_type")} AS d1,
               COUNT(*) AS n
        FROM services
        WHERE status IN ('connected', 'completed') AND {between(d, "connected_on", "quarter")}
        GROUP BY 1, 2, participant_id""",
        2,
    )


def _naive_services_connected(conn) -> pd.DataFrame:
    f = _read_event(
        conn, "SELECT participant_id, connected_on, service_type, status FROM services", "connected_on", "quarter"
    )
    f = f[f["status"].isin(["connected", "completed"])].copy()
    f["service_type"] = _codes(f["service_type"], "services", "service_type")
    return _cells(f, ["p", "service_type"], "participant_id", grain_dim=("p", "quarter"))


def _services_waiting(d: Dialect) -> HandSQL:
    # Driven from the table (CROSS JOIN fixes SQLite's join order): its status filter keeps ~3% of
    # the rows, while a calendar-first plan re-reads the start-date index once per period.
    return HandSQL(
        f"""
        SELECT c.period AS d0, {code("s.service_type", "services", "service_type")} AS d1, COUNT(*) AS n
        FROM services s CROSS JOIN periods c
        WHERE s.status = 'waitlisted'
          AND s.requested_on <= c.last_day AND (s.connected_on IS NULL OR s.connected_on > c.last_day)
        GROUP BY 1, 2, s.participant_id""",
        2,
        with_clause=d.calendar("quarter"),
    )


def _naive_services_waiting(conn) -> pd.DataFrame:
    f = _read_stock(
        conn,
        "SELECT participant_id, requested_on, connected_on, service_type, status FROM services",
        "requested_on",
        "connected_on",
        "quarter",
        open_at_end=True,
    )
    f = f[f["status"] == "waitlisted"].copy()
    f["service_type"] = _codes(f["service_type"], "services", "service_type")
    return _cells(f, ["p", "service_type"], "participant_id")


def _obstacles_reported(d: Dialect) -> HandSQL:
    return HandSQL(
        f"""
        SELECT {d.quarter("reported_on")} AS d0, {code("obstacle_type", "obstacles", "obstacle_type")} AS d1,
               COUNT(*) AS n
        FROM obstacles
        WHERE {between(d, "reported_on", "quarter")}
        GROUP BY 1, 2, {OBSTACLE_UNIT}""",
        2,
    )


def _naive_obstacles_reported(conn) -> pd.DataFrame:
    f = _read_event(
        conn, "SELECT obstacle_id, participant_id, reported_on, obstacle_type FROM obstacles", "reported_on", "quarter"
    )
    f["obstacle_type"] = _codes(f["obstacle_type"], "obstacles", "obstacle_type")
    f["unit"] = _unit_with_fallback(f, "obstacle_id")
    return _cells(f, ["p", "obstacle_type"], "unit", grain_dim=("p", "quarter"))


def _obstacles_open(d: Dialect) -> HandSQL:
    return HandSQL(
        f"""
        SELECT c.period AS d0, {code("o.obstacle_type", "obstacles", "obstacle_type")} AS d1, COUNT(*) AS n
        FROM periods c JOIN obstacles o
          ON o.reported_on <= c.last_day AND (o.resolved_on IS NULL OR o.resolved_on > c.last_day)
        GROUP BY 1, 2, o.participant_id, CASE WHEN o.participant_id IS NULL THEN o.obstacle_id END""",
        2,
        with_clause=d.calendar("month"),
    )


def _naive_obstacles_open(conn) -> pd.DataFrame:
    f = _read_stock(
        conn,
        "SELECT obstacle_id, participant_id, reported_on, resolved_on, obstacle_type FROM obstacles",
        "reported_on",
        "resolved_on",
        "month",
        open_at_end=True,
    )
    f["obstacle_type"] = _codes(f["obstacle_type"], "obstacles", "obstacle_type")
    f["unit"] = _unit_with_fallback(f, "obstacle_id")
    return _cells(f, ["p", "obstacle_type"], "unit")


def _case_managers(d: Dialect) -> HandSQL:
    return HandSQL(
        """
        SELECT c.period AS d0, COUNT(*) AS n
        FROM periods c JOIN case_assignments a
          ON a.assigned_on <= c.last_day AND (a.ended_on IS NULL OR a.ended_on >= c.first_day)
        GROUP BY 1, a.case_manager_id""",
        1,
        distinct_units=True,
        with_clause=d.calendar("month"),
    )


def _naive_case_managers(conn) -> pd.DataFrame:
    f = _read_stock(
        conn,
        "SELECT case_manager_id, assigned_on, ended_on FROM case_assignments",
        "assigned_on",
        "ended_on",
        "month",
        open_at_end=False,
    )
    return _cells(f, ["p"], "case_manager_id", distinct=True)


def _handoffs(d: Dialect) -> HandSQL:
    return HandSQL(
        f"""
        SELECT {d.quarter("referred_on")} AS d0, COUNT(*) AS n
        FROM referrals
        WHERE {between(d, "referred_on", "quarter")} AND pathway = 'arrest_diversion' AND handoff_minutes <= 30
        GROUP BY 1, {REFERRAL_UNIT}""",
        1,
    )


def _naive_handoffs(conn) -> pd.DataFrame:
    f = _read_event(
        conn,
        "SELECT referral_id, participant_id, referred_on, pathway, handoff_minutes FROM referrals",
        "referred_on",
        "quarter",
    )
    f = f[(f["pathway"] == "arrest_diversion") & (f["handoff_minutes"] <= 30)].copy()
    f["unit"] = _unit_with_fallback(f, "referral_id")
    return _cells(f, ["p"], "unit", grain_dim=("p", "quarter"))


def _intakes(d: Dialect) -> HandSQL:
    return HandSQL(
        f"""
        SELECT {d.quarter("referred_on")} AS d0, COUNT(*) AS n
        FROM referrals
        WHERE {between(d, "referred_on", "quarter")} AND intake_on IS NOT NULL
          AND {d.days("referred_on", "intake_on")} <= 7
        GROUP BY 1, {REFERRAL_UNIT}""",
        1,
    )


def _naive_intakes(conn) -> pd.DataFrame:
    f = _read_event(
        conn, "SELECT referral_id, participant_id, referred_on, intake_on FROM referrals", "referred_on", "quarter"
    )
    f["intake_on"] = _dates(f["intake_on"])
    f = f[(f["intake_on"] - f["referred_on"]).dt.days <= 7].copy()
    f["unit"] = _unit_with_fallback(f, "referral_id")
    return _cells(f, ["p"], "unit", grain_dim=("p", "quarter"))


def _focus_areas(d: Dialect) -> HandSQL:
    return HandSQL(
        f"""
        SELECT COALESCE(h.neighborhood_id, '{UNKNOWN}') AS d0, {code("f.topic", "focus_areas", "topic")} AS d1,
               COUNT(*) AS n
        FROM focus_areas f LEFT JOIN neighborhoods h ON h.neighborhood_id = f.neighborhood_id
        WHERE {between(d, "f.suggested_on", None)}
        GROUP BY 1, 2, f.focus_area_id""",
        2,
    )


def _naive_focus_areas(conn) -> pd.DataFrame:
    f = _read_event(
        conn,
        "SELECT f.focus_area_id, f.suggested_on, f.topic, h.neighborhood_id AS hood "
        "FROM focus_areas f LEFT JOIN neighborhoods h ON h.neighborhood_id = f.neighborhood_id",
        "suggested_on",
        None,
    )
    f["hood"] = f["hood"].fillna(UNKNOWN).astype(str)
    f["topic"] = _codes(f["topic"], "focus_areas", "topic")
    return _cells(f, ["hood", "topic"], "focus_area_id")


C = CountRequest
BENCHES = [
    Bench(
        "referrals month×pathway",
        C("referrals", ("month", "pathway")),
        _referrals_month_pathway,
        _naive_referrals_month_pathway,
    ),
    Bench(
        "referrals neighborhood×quarter",
        C("referrals", ("neighborhood", "quarter")),
        _referrals_hood_quarter,
        _naive_referrals_hood_quarter,
    ),
    Bench(
        "referrals[theft] quarter×outcome",
        C("referrals", ("quarter", "outcome"), {"offense_category": ["shoplifting", "other_theft"]}),
        _theft_quarter_outcome,
        _naive_theft_quarter_outcome,
    ),
    Bench(
        "enrollments year×gender",
        C("enrollments", ("year", "gender")),
        _enrollments_year_gender,
        _naive_enrollments_year_gender,
    ),
    Bench("active_participants month", C("active_participants", ("month",)), _active_month, _naive_active_month),
    Bench(
        "contacts month×staff_role",
        C("contacts", ("month", "staff_role")),
        _contacts_month_role,
        _naive_contacts_month_role,
    ),
    Bench(
        "services_requested quarter×type",
        C("services_requested", ("quarter", "service_type")),
        _services_requested,
        _naive_services_requested,
    ),
    Bench(
        "services_connected quarter×type",
        C("services_connected", ("quarter", "service_type")),
        _services_connected,
        _naive_services_connected,
    ),
    Bench(
        "services_waiting quarter×type",
        C("services_waiting", ("quarter", "service_type")),
        _services_waiting,
        _naive_services_waiting,
    ),
    Bench(
        "obstacles_reported quarter×type",
        C("obstacles_reported", ("quarter", "obstacle_type")),
        _obstacles_reported,
        _naive_obstacles_reported,
    ),
    Bench(
        "obstacles_open month×type",
        C("obstacles_open", ("month", "obstacle_type")),
        _obstacles_open,
        _naive_obstacles_open,
    ),
    Bench("case_managers month", C("case_managers", ("month",)), _case_managers, _naive_case_managers),
    Bench("handoffs_within_30_min quarter", C("handoffs_within_30_min", ("quarter",)), _handoffs, _naive_handoffs),
    Bench("intakes_within_7_days quarter", C("intakes_within_7_days", ("quarter",)), _intakes, _naive_intakes),
    Bench(
        "focus_areas neighborhood×topic", C("focus_areas", ("neighborhood", "topic")), _focus_areas, _naive_focus_areas
    ),
]


# =============================================================================================
# Running the approaches and comparing their cells
# =============================================================================================

Cells = dict[tuple[str, ...], tuple]


def _maybe_int(value):
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    return int(value)


def run_approach(approach: str, bench: Bench, engine: sa.Engine, dialect: Dialect):
    if approach == "ours":
        return aggregate(engine, bench.request, WINDOW)
    if approach == "hand":
        with engine.connect() as conn:
            return conn.exec_driver_sql(bench.hand(dialect).text()).all()
    with engine.connect() as conn:
        return bench.naive(conn)


def cells_of(approach: str, bench: Bench, result) -> Cells:
    """Normalise any approach's result to {cell: (value, people, top1, top2)}, non-zero cells only."""
    k = len(bench.request.dimensions)
    cells: Cells = {}
    if approach == "ours":
        frame = result[result["value"] > 0]
        dims = list(bench.request.dimensions)
        for row in frame[dims + ["value", "people", "top1", "top2"]].itertuples(index=False):
            cells[tuple(str(v) for v in row[:k])] = tuple(_maybe_int(v) for v in row[k:])
    elif approach == "hand":
        for row in result:
            cells[tuple(str(v) for v in row[:k])] = tuple(_maybe_int(v) for v in row[k:])
    else:
        for row in result[[f"d{i}" for i in range(k)] + ["value", "people", "top1", "top2"]].itertuples(index=False):
            cells[tuple(str(v) for v in row[:k])] = tuple(_maybe_int(v) for v in row[k:])
    return cells


def compare(bench: Bench, cells: dict[str, Cells]) -> list[str]:
    """Return the differences between the approaches (empty when they agree)."""
    problems = []
    reference = cells["hand"]
    if not reference:
        problems.append("hand-written SQL returned no cells")
    for approach in ("ours", "naive"):
        other = cells[approach]
        if approach == "ours" and not bench.counts_people:
            # aggregate() hides people/top1/top2 for measures that count no people: compare values.
            mine = {c: v[:1] for c, v in other.items()}
            ref = {c: v[:1] for c, v in reference.items()}
        else:
            mine, ref = other, reference
        if mine != ref:
            only_ref = sorted(set(ref) - set(mine))[:3]
            only_mine = sorted(set(mine) - set(ref))[:3]
            differ = [(c, ref[c], mine[c]) for c in sorted(set(ref) & set(mine)) if ref[c] != mine[c]][:3]
            problems.append(
                f"{approach} != hand: {len(set(ref) ^ set(mine))} cells in one only "
                f"(hand only {only_ref}, {approach} only {only_mine}); differing {differ}"
            )
    if len(problems) == 2:
        width = 4 if bench.counts_people else 1
        if {c: v[:width] for c, v in cells["ours"].items()} == {c: v[:width] for c, v in cells["naive"].items()}:
            problems.append("ours and naive agree with each other: suspect the hand-written SQL")
    return problems


def _timed(function: Callable[[], object]) -> float:
    gc.collect()
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def _traced_peak(function: Callable[[], object]) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        function()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# =============================================================================================
# Child process: peak RSS of one call
# =============================================================================================


def _status_kb(field: str) -> int | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return None


def child_main(spec: dict) -> None:
    """Make one call (then, where VmHWM can be reset, the same call again): print RSS before and peak (kB)."""
    bench = next(b for b in BENCHES if b.name == spec["bench"])
    engine = read_only_engine(spec["url"])
    dialect = DIALECTS[engine.dialect.name]
    with engine.connect() as conn:  # open the pooled connection before the baseline
        conn.exec_driver_sql("SELECT 1").all()
    gc.collect()
    reset = False
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
        reset = True
    before = _status_kb("VmRSS")
    baseline_hwm = _status_kb("VmHWM")
    run_approach(spec["approach"], bench, engine, dialect)
    peak = _status_kb("VmHWM")
    found: dict[str, Any] = {"rss_before_kb": before, "hwm_before_kb": baseline_hwm, "peak_kb": peak, "reset": reset}
    if reset:  # the same call again, warm: one-time costs (lazy imports, compiled SQL) already paid
        gc.collect()
        Path("/proc/self/clear_refs").write_text("5")
        found["warm_rss_before_kb"] = _status_kb("VmRSS")
        run_approach(spec["approach"], bench, engine, dialect)
        found["warm_peak_kb"] = _status_kb("VmHWM")
        found["warm_growth_kb"] = max(0, found["warm_peak_kb"] - found["warm_rss_before_kb"])
    engine.dispose()
    print(json.dumps(found))


def child_rss(url: str, bench: Bench, approach: str) -> dict:
    spec = json.dumps({"url": url, "bench": bench.name, "approach": approach})
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.aggregate_queries", "--child", spec],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        return {"error": done.stderr[-500:]}
    found = json.loads(done.stdout.strip().splitlines()[-1])
    base = found["rss_before_kb"] if found["reset"] else found["hwm_before_kb"]
    found["growth_kb"] = max(0, found["peak_kb"] - base)
    return found


# =============================================================================================
# Databases
# =============================================================================================


def demo_key(scale: str) -> str:
    """Cache key: scale, seed, as_of and a hash of the generator and schema sources."""
    source = hashlib.sha256()
    for module in ("demo.py", "schema.py"):
        source.update((ROOT / "data_access" / module).read_bytes())
    return f"demo-{scale}-seed{SEED}-asof{AS_OF.isoformat()}-{source.hexdigest()[:10]}"


def sqlite_database(cache: Path, scale: str) -> str:
    from data_access.demo import build_demo_database

    path = cache / f"{demo_key(scale)}.sqlite"
    if path.is_file():
        print(f"[sqlite] reusing {path}", file=sys.stderr)
    else:
        print(f"[sqlite] building the {scale} demo database at {path} ...", file=sys.stderr)
        cache.mkdir(parents=True, exist_ok=True)
        summary = build_demo_database(
            f"sqlite:///{path}", seed=SEED, scale=scale, as_of=AS_OF, progress=sys.stderr.isatty()
        )
        print(f"[sqlite] built in {summary.elapsed_seconds:.1f} s", file=sys.stderr)
    return f"sqlite:///{path}"


def load_postgres(url: str, scale: str) -> None:
    """Load the demo into ``url`` unless it already holds this exact demo (a marker table says so)."""
    from data_access.demo import build_demo_database

    key = demo_key(scale)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE IF NOT EXISTS lead_bench_demo (key text)")
        held = conn.exec_driver_sql("SELECT key FROM lead_bench_demo").scalar()
    if held == key:
        print(f"[postgresql] reusing the {scale} demo already loaded", file=sys.stderr)
    else:
        print(f"[postgresql] loading the {scale} demo database ...", file=sys.stderr)
        summary = build_demo_database(url, seed=SEED, scale=scale, as_of=AS_OF, progress=sys.stderr.isatty())
        print(f"[postgresql] loaded in {summary.elapsed_seconds:.1f} s", file=sys.stderr)
        with engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM lead_bench_demo")
            conn.exec_driver_sql(f"INSERT INTO lead_bench_demo VALUES ('{key}')")
    engine.dispose()


@contextlib.contextmanager
def postgres_databases(scales: list[str]) -> Iterator[dict[str, str]]:
    """Yield {scale: database URL}: LEAD_BENCH_POSTGRES_URL (reloaded per scale) or a throwaway cluster."""
    configured = os.environ.get(POSTGRES_ENV)
    if configured:
        yield {scale: configured for scale in scales}
        return
    from tests.postgres_server import create_database, throwaway_cluster

    with throwaway_cluster() as admin:
        yield {scale: create_database(admin) for scale in scales}


# =============================================================================================
# Machine description
# =============================================================================================


def machine(postgres_urls: list[str]) -> dict:
    info: dict = {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "pandas": pd.__version__,
        "sqlalchemy": sa.__version__,
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    with contextlib.suppress(OSError):
        info["loadavg_start"] = Path("/proc/loadavg").read_text().split()[:3]
    with contextlib.suppress(Exception):
        import psycopg

        info["psycopg"] = psycopg.__version__
    for url in postgres_urls[:1]:
        with contextlib.suppress(Exception):
            engine = sa.create_engine(url)
            with engine.connect() as conn:
                info["postgresql"] = conn.exec_driver_sql("SHOW server_version").scalar()
                info["postgresql_settings"] = {
                    name: conn.exec_driver_sql(f"SHOW {name}").scalar()
                    for name in ("shared_buffers", "work_mem", "jit", "max_parallel_workers_per_gather")
                }
            engine.dispose()
    return info


# =============================================================================================
# The run
# =============================================================================================


def geomean(values: list[float]) -> float | None:
    values = [v for v in values if v and v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else None


def bench_backend(backend: str, url: str, scale: str, benches: list[Bench], args) -> dict:
    engine = read_only_engine(url)
    dialect = DIALECTS[backend]
    results: dict = {}
    for bench in benches:
        functions = {a: (lambda a=a, bench=bench: run_approach(a, bench, engine, dialect)) for a in APPROACHES}
        print(f"[{backend}/{scale}] {bench.name}: verifying ...", file=sys.stderr, flush=True)
        first = {a: functions[a]() for a in APPROACHES}  # also a warm-up of caches
        cells = {a: cells_of(a, bench, first[a]) for a in APPROACHES}
        problems = compare(bench, cells)
        if problems:
            print("\n" + "!" * 100, file=sys.stderr)
            print(f"!!! MISMATCH [{backend}/{scale}] {bench.name}:", file=sys.stderr)
            for problem in problems:
                print(f"!!!   {problem}", file=sys.stderr)
            print("!" * 100 + "\n", file=sys.stderr)
        entry: dict = {
            "request": {
                "measure": bench.request.measure,
                "dimensions": list(bench.request.dimensions),
                "filters": dict(bench.request.filters),
            },
            "cells": len(cells["hand"]),
            "rows_read_by_naive": first["naive"].attrs.get("rows_read"),
            "match": not problems,
            "problems": problems,
            "seconds": {a: [] for a in APPROACHES},
        }
        del first, cells
        for round_ in range(args.repeats):
            order = APPROACHES[round_ % 3 :] + APPROACHES[: round_ % 3]
            for approach in order:
                entry["seconds"][approach].append(_timed(functions[approach]))
            print(
                f"[{backend}/{scale}] {bench.name}: round {round_ + 1}/{args.repeats} "
                + " ".join(f"{a}={entry['seconds'][a][-1] * 1000:.0f}ms" for a in APPROACHES),
                file=sys.stderr,
                flush=True,
            )
        median = {a: statistics.median(entry["seconds"][a]) for a in APPROACHES}
        entry["median_seconds"] = median
        entry["ours_over_hand"] = median["ours"] / median["hand"]
        entry["naive_over_hand"] = median["naive"] / median["hand"]
        paired = [o / h for o, h in zip(entry["seconds"]["ours"], entry["seconds"]["hand"], strict=False)]
        entry["ours_over_hand_paired_range"] = [min(paired), max(paired)]
        entry["tracemalloc_peak_bytes"] = {a: _traced_peak(functions[a]) for a in APPROACHES}
        if not args.no_rss:
            entry["child_rss"] = {a: child_rss(url, bench, a) for a in APPROACHES}
        results[bench.name] = entry
    engine.dispose()
    return results


def print_timings(backend: str, scale: str, results: dict, repeats: int) -> dict:
    title = f"{backend} · scale {scale} · medians of {repeats} (ms)"
    print(f"\n== {title} " + "=" * max(0, 100 - len(title)))
    head = (
        f"{'declaration':36} {'cells':>5} {'rows read':>10} {'ours':>9} {'hand':>9} {'naive':>9} "
        f"{'ours/hand':>9} {'[paired range]':>14} {'naive/hand':>10}  ok"
    )
    print(head)
    print("-" * len(head))
    for name, e in results.items():
        m = e["median_seconds"]
        lo, hi = e["ours_over_hand_paired_range"]
        flag = "ok" if e["match"] else "MISMATCH"
        if e["match"] and e["ours_over_hand"] > GOAL_RATIO:
            flag = f"> {GOAL_RATIO}x"
        rows = e["rows_read_by_naive"]
        print(
            f"{name:36} {e['cells']:>5} {rows if rows is not None else '-':>10,} "
            f"{m['ours'] * 1000:>9,.1f} {m['hand'] * 1000:>9,.1f} {m['naive'] * 1000:>9,.1f} "
            f"{e['ours_over_hand']:>8.2f}x {f'[{lo:.2f}–{hi:.2f}]':>14} {e['naive_over_hand']:>9.1f}x  {flag}"
        )
    summary = {
        "geomean_ours_over_hand": geomean([e["ours_over_hand"] for e in results.values()]),
        "geomean_naive_over_hand": geomean([e["naive_over_hand"] for e in results.values()]),
        "max_ours_over_hand": max(e["ours_over_hand"] for e in results.values()),
        "total_seconds": {a: sum(e["median_seconds"][a] for e in results.values()) for a in APPROACHES},
    }
    print("-" * len(head))
    t = summary["total_seconds"]
    print(
        f"{'geometric mean / sum of medians':36} {'':>5} {'':>10} {t['ours'] * 1000:>9,.0f} "
        f"{t['hand'] * 1000:>9,.0f} {t['naive'] * 1000:>9,.0f} {summary['geomean_ours_over_hand']:>8.2f}x "
        f"{'':>14} {summary['geomean_naive_over_hand']:>9.1f}x"
    )
    slow = [n for n, e in results.items() if e["ours_over_hand"] > GOAL_RATIO]
    verdict = "met" if not slow else f"NOT met on {len(slow)}: {', '.join(slow)}"
    print(f"goal ours/hand <= {GOAL_RATIO}x per declaration: {verdict}")
    return summary


MEMORY_KINDS = (
    ("tracemalloc", "tracemalloc peak: Python allocations during the call (in-process, after warm-up)"),
    ("cold", "RSS growth, cold: peak RSS of a fresh child process during its first call, minus its RSS before"),
    ("warm", "RSS growth, warm: the same child process making the same call a second time"),
)


def _memory_mb(entry: dict, kind: str, approach: str) -> float | None:
    if kind == "tracemalloc":
        return entry["tracemalloc_peak_bytes"][approach] / 1024 / 1024
    found = (entry.get("child_rss") or {}).get(approach) or {}
    kb = found.get("growth_kb" if kind == "cold" else "warm_growth_kb")
    return None if kb is None else kb / 1024


def print_memory(backend: str, by_scale: dict[str, dict]) -> None:
    scales = list(by_scale)
    names = list(next(iter(by_scale.values())))
    for kind, title in MEMORY_KINDS:
        if kind != "tracemalloc" and not any(e.get("child_rss") for r in by_scale.values() for e in r.values()):
            continue
        print(f"\n== {backend} · peak memory (MB) · {title}")
        line = f"{'declaration':36} " + " ".join(f"{'scale ' + s + ': ours / hand / naive':>36}" for s in scales)
        print(line)
        print("-" * len(line))
        for name in names:
            parts = []
            for scale in scales:
                e = by_scale[scale].get(name)
                values = [None if e is None else _memory_mb(e, kind, a) for a in APPROACHES]
                parts.append(" / ".join("-" if v is None else f"{v:,.1f}" for v in values))
            print(f"{name:36} " + " ".join(f"{p:>36}" for p in parts))
        print("-" * len(line))
        parts = []
        for scale in scales:
            maxima = []
            for a in APPROACHES:
                values = [_memory_mb(e, kind, a) for e in by_scale[scale].values()]
                known = [v for v in values if v is not None]
                maxima.append(f"{max(known):,.1f}" if known else "-")
            parts.append(" / ".join(maxima))
        print(f"{'largest':36} " + " ".join(f"{p:>36}" for p in parts))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=f"PostgreSQL: a throwaway cluster, or the database named by {POSTGRES_ENV} (its contract "
        "tables are dropped and reloaded). See benchmarks/README.md.",
    )
    parser.add_argument(
        "--backend",
        choices=("sqlite", "postgresql", "both"),
        default="both",
        help="where the demo database lives (default: both)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per approach; medians are reported")
    parser.add_argument(
        "--db-cache",
        type=Path,
        default=DEFAULT_CACHE,
        help=f"where the SQLite demo databases are kept (default: {DEFAULT_CACHE})",
    )
    parser.add_argument(
        "--scale",
        choices=("large", "small", "both"),
        default="large",
        help="demo scale; 'both' runs small then large and prints memory side by side",
    )
    parser.add_argument("--out", type=Path, help="write all results (every sample) as JSON here")
    parser.add_argument(
        "--only", action="append", default=[], help="run only declarations whose name contains this text (repeatable)"
    )
    parser.add_argument("--no-rss", action="store_true", help="skip the child-process peak-RSS measurements")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child_main(json.loads(args.child))
        return 0
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    benches = [b for b in BENCHES if not args.only or any(o in b.name for o in args.only)]
    if not benches:
        parser.error("--only matched no declaration")
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    scales = ["small", "large"] if args.scale == "both" else [args.scale]

    started = time.perf_counter()
    output: dict = {
        "config": {
            "seed": SEED,
            "as_of": AS_OF.isoformat(),
            "window": [WINDOW.first_month, WINDOW.last_month],
            "repeats": args.repeats,
            "scales": scales,
            "backends": backends,
        },
        "results": {},
        "summary": {},
    }
    with contextlib.ExitStack() as stack:
        urls: dict[str, dict[str, str]] = {}
        if "sqlite" in backends:
            urls["sqlite"] = {scale: sqlite_database(args.db_cache.expanduser(), scale) for scale in scales}
        if "postgresql" in backends:
            urls["postgresql"] = stack.enter_context(postgres_databases(scales))
        output["machine"] = machine(list(urls.get("postgresql", {}).values()))
        for backend in backends:
            for scale in scales:
                if backend == "postgresql":
                    load_postgres(urls[backend][scale], scale)
                output["results"].setdefault(backend, {})[scale] = bench_backend(
                    backend, urls[backend][scale], scale, benches, args
                )

    info = output["machine"]
    with contextlib.suppress(OSError):
        info["loadavg_end"] = Path("/proc/loadavg").read_text().split()[:3]
    print("\n== machine " + "=" * 90)
    print(
        f"nproc {info.get('nproc')} · CPU {info.get('cpu_model', '?')} · RAM {info.get('ram_gb', '?')} GB · "
        f"{info['platform']}"
    )
    print(
        f"Python {info['python']} · SQLite {info['sqlite']} · PostgreSQL {info.get('postgresql', '-')} "
        f"{info.get('postgresql_settings', '')} · pandas {info['pandas']} · SQLAlchemy {info['sqlalchemy']} · "
        f"psycopg {info.get('psycopg', '-')}"
    )
    print(
        f"load average at start {' '.join(info.get('loadavg_start', []))}, "
        f"at end {' '.join(info.get('loadavg_end', []))}"
    )
    print(f"seed {SEED}, as_of {AS_OF}, window {WINDOW.first_month}..{WINDOW.last_month}, repeats {args.repeats}")
    for backend in backends:
        for scale in scales:
            output["summary"].setdefault(backend, {})[scale] = print_timings(
                backend, scale, output["results"][backend][scale], args.repeats
            )
        print_memory(backend, output["results"][backend])
    mismatches = [
        (b, s, n) for b in backends for s in scales for n, e in output["results"][b][s].items() if not e["match"]
    ]
    output["mismatches"] = mismatches
    output["elapsed_seconds"] = time.perf_counter() - started
    print(f"\nelapsed {output['elapsed_seconds']:.0f} s")
    if args.out:
        args.out.write_text(json.dumps(output, indent=2, default=str))
        print(f"wrote {args.out}")
    if mismatches:
        print("\n" + "!" * 100)
        print(
            f"!!! {len(mismatches)} DECLARATION(S) GAVE DIFFERENT CELLS: "
            + "; ".join(f"{b}/{s}: {n}" for b, s, n in mismatches)
        )
        print("!" * 100)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
