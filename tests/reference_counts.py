"""Plain-Python recomputation of grouped counts, independent of the SQL, to check it.

Works on rows (dicts) of the contract tables; used only by tests.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from data_access import schema
from data_access.periods import ReleaseWindow

CODES = schema.CODE_COLUMNS


def _code(table, column, value):
    if (table, column) in schema.NULL_CODE and value is None:
        return schema.NULL_CODE[(table, column)]
    return value if value in CODES[(table, column)] else "unknown"


def _age_band(birth_year, on):
    if birth_year is None:
        return "unknown"
    age = on.year - birth_year
    for limit, band in ((25, "under_25"), (35, "25_34"), (45, "35_44"), (55, "45_54")):
        if age < limit:
            return band
    return "55_and_over"


def _period(grain, day):
    if grain == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if grain == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year:04d}"


MEASURE_ROWS = {
    # measure: (table, event date or (start, end, rule), row filter, unit, fallback, distinct units)
    "referrals": ("referrals", "referred_on", None, "participant_id", "referral_id", False),
    "enrollments": ("participants", "enrolled_on", None, "participant_id", None, False),
    "contacts": ("contacts", "contact_on", None, "participant_id", None, False),
    "services_requested": ("services", "requested_on", None, "participant_id", None, False),
    "services_connected": ("services", "connected_on",
                           lambda r: r["status"] in ("connected", "completed"), "participant_id", None, False),
    "obstacles_reported": ("obstacles", "reported_on", None, "participant_id", "obstacle_id", False),
    "handoffs_within_30_min": ("referrals", "referred_on",
                               lambda r: r["pathway"] == "arrest_diversion" and r["handoff_minutes"] is not None
                               and r["handoff_minutes"] <= 30, "participant_id", "referral_id", False),
    "intakes_within_7_days": ("referrals", "referred_on",
                              lambda r: r["intake_on"] is not None and (r["intake_on"] - r["referred_on"]).days <= 7,
                              "participant_id", "referral_id", False),
    "focus_areas": ("focus_areas", "suggested_on", None, "focus_area_id", None, False),
    "active_participants": ("participants", ("enrolled_on", "exited_on", "active"), None, "participant_id", None, False),
    "obstacles_open": ("obstacles", ("reported_on", "resolved_on", "end"), None, "participant_id", "obstacle_id", False),
    "services_waiting": ("services", ("requested_on", "connected_on", "end"),
                         lambda r: r["status"] == "waitlisted", "participant_id", None, False),
    "case_managers": ("case_assignments", ("assigned_on", "ended_on", "active"), None, "case_manager_id", None, True),
}


def reference_counts(rows: dict, measure: str, dimensions, filters, window: ReleaseWindow) -> dict:
    """Return {cell tuple: (value, people, top1, top2)} for non-empty cells."""
    table, dating, keep, unit, fallback, distinct = MEASURE_ROWS[measure]
    hoods = {str(n["neighborhood_id"]): n for n in rows["neighborhoods"]}
    people = {p["participant_id"]: p for p in rows["participants"]}
    grains = [d for d in list(dimensions) + list(filters) if d in ("month", "quarter", "year")]
    grain = grains[0] if grains else None
    periods = window.periods(grain) if grain else None

    def value_of(row, dimension, on, period_key):
        if dimension in ("month", "quarter", "year"):
            return period_key
        if dimension in ("gender", "race_ethnicity", "housing_at_intake", "age_band"):
            person = row if table == "participants" else people.get(row.get("participant_id"), {})
            if dimension == "age_band":
                return _age_band(person.get("birth_year"), on)
            return _code("participants", dimension, person.get(dimension))
        if dimension in ("neighborhood", "precinct", "business_district"):
            hood = hoods.get(None if row["neighborhood_id"] is None else str(row["neighborhood_id"]))
            if hood is None:
                return "unknown"
            if dimension == "neighborhood":
                return str(hood["neighborhood_id"])
            if dimension == "precinct":
                return hood["precinct"] or "unknown"
            return "true" if hood["business_district"] else "false"
        if dimension == "handoff_within_30_min":
            return "true" if row["handoff_minutes"] is not None and row["handoff_minutes"] <= 30 else "false"
        if dimension == "intake_within_7_days":
            return "true" if row["intake_on"] is not None and (row["intake_on"] - row["referred_on"]).days <= 7 else "false"
        if dimension == "substantive":
            return "true" if row["substantive"] else "false"
        return _code(table, dimension, row[dimension])

    placed = []  # (row, anchor date, period key)
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
            placed.append((row, day, _period(grain, day) if grain else None))
        else:
            start_col, end_col, rule = dating
            for period in periods:
                start, end = row[start_col], row[end_col]
                if start is None or start > period.last_day:
                    continue
                if rule == "active" and end is not None and end < period.first_day:
                    continue
                if rule == "end" and end is not None and end <= period.last_day:
                    continue
                placed.append((row, period.last_day, period.key))

    contributions: dict = defaultdict(Counter)
    for row, on, key in placed:
        if any(
            value_of(row, name, on, key) not in ([v] if isinstance(v, str) else [str(x) for x in v])
            for name, v in filters.items()
        ):
            continue
        cell = tuple(value_of(row, d, on, key) for d in dimensions)
        who = (row[unit], None) if row[unit] is not None else (None, row[fallback])
        contributions[cell][who] += 1

    result = {}
    for cell, counter in contributions.items():
        ranked = sorted(counter.values(), reverse=True)
        value = len(counter) if distinct else sum(ranked)
        result[cell] = (value, len(counter), ranked[0], ranked[1] if len(ranked) > 1 else None)
    return result
