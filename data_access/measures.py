"""What each published measure counts, declared as data (docs/formats.md).

Declarations only: the SQL is built in ``data_access.aggregate``. Must not
connect to a database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import Table
from sqlalchemy.sql.expression import ColumnElement

from . import schema
from .sql_functions import days_between

EVENT = "event"  # a row counted in the period of one of its dates
STOCK = "stock"  # a row counted in every period during which it is open

ACTIVE_IN_PERIOD = "active_in_period"  # open on some day of the period
OPEN_AT_PERIOD_END = "open_at_period_end"  # still open on the period's last day


@dataclass(frozen=True)
class Measure:
    """One measure: which rows it counts, in which period, and who stands behind each unit."""

    name: str
    table: Table
    kind: str
    description: str
    date_column: str | None = None  # EVENT: the date that places a row in a period
    start_column: str | None = None  # STOCK: the date a row opens
    end_column: str | None = None  # STOCK: the date a row closes (NULL: still open)
    open_rule: str = ACTIVE_IN_PERIOD
    conditions: Callable[[Table], list[ColumnElement]] = field(default=lambda t: [])
    unit_column: str = "participant_id"  # whose contributions the p%-rule weighs
    fallback_unit_column: str | None = None  # row id standing in for a NULL unit (its own person)
    counts_people: bool = True  # False for staff and focus areas: never suppressed
    distinct_units: bool = False  # value counts distinct units, not rows

    @property
    def anchor_date(self) -> str:
        """Return the column whose date places a row in time (for age and the release window)."""
        anchor = self.date_column if self.kind == EVENT else self.start_column
        assert anchor is not None, f"measure {self.name!r} declares no date placing its rows in time"
        return anchor


r, p, c, s, o = schema.referrals, schema.participants, schema.contacts, schema.services, schema.obstacles

MEASURES: dict[str, Measure] = {
    m.name: m
    for m in [
        Measure(
            "referrals",
            r,
            EVENT,
            "A referral, in the month it was made.",
            date_column="referred_on",
            fallback_unit_column="referral_id",
        ),
        Measure(
            "enrollments",
            p,
            EVENT,
            "A participant, in the month they enrolled.",
            date_column="enrolled_on",
        ),
        Measure(
            "active_participants",
            p,
            STOCK,
            "A participant enrolled on or before the period's last day and not exited before its first day.",
            start_column="enrolled_on",
            end_column="exited_on",
            open_rule=ACTIVE_IN_PERIOD,
        ),
        Measure(
            "contacts",
            c,
            EVENT,
            "A contact with a participant, in the month it happened.",
            date_column="contact_on",
        ),
        Measure(
            "services_requested",
            s,
            EVENT,
            "A service request, in the month it was made.",
            date_column="requested_on",
        ),
        Measure(
            "services_connected",
            s,
            EVENT,
            "A service the participant was connected to (connected or completed), in the month of connection.",
            date_column="connected_on",
            conditions=lambda t: [t.c.status.in_(["connected", "completed"])],
        ),
        Measure(
            "obstacles_reported",
            o,
            EVENT,
            "An obstacle, in the month it was reported.",
            date_column="reported_on",
            fallback_unit_column="obstacle_id",
        ),
        Measure(
            "handoffs_within_30_min",
            r,
            EVENT,
            "An arrest diversion handed to a case manager within 30 minutes, in the month of referral.",
            date_column="referred_on",
            fallback_unit_column="referral_id",
            conditions=lambda t: [t.c.pathway == "arrest_diversion", t.c.handoff_minutes <= 30],
        ),
        Measure(
            "intakes_within_7_days",
            r,
            EVENT,
            "A referral whose intake happened within 7 days, in the month of referral.",
            date_column="referred_on",
            fallback_unit_column="referral_id",
            conditions=lambda t: [
                t.c.intake_on.is_not(None),
                days_between(t.c.referred_on, t.c.intake_on) <= 7,
            ],
        ),
        Measure(
            "obstacles_open",
            o,
            STOCK,
            "An obstacle reported on or before the period's last day and not resolved by then.",
            start_column="reported_on",
            end_column="resolved_on",
            open_rule=OPEN_AT_PERIOD_END,
            fallback_unit_column="obstacle_id",
        ),
        Measure(
            "services_waiting",
            s,
            STOCK,
            "A wait-listed service requested on or before the period's last day and not connected by then.",
            start_column="requested_on",
            end_column="connected_on",
            open_rule=OPEN_AT_PERIOD_END,
            conditions=lambda t: [t.c.status == "waitlisted"],
        ),
        Measure(
            "case_managers",
            schema.case_assignments,
            STOCK,
            "A case manager with an assignment active in the period.",
            start_column="assigned_on",
            end_column="ended_on",
            open_rule=ACTIVE_IN_PERIOD,
            unit_column="case_manager_id",
            counts_people=False,
            distinct_units=True,
        ),
        Measure(
            "focus_areas",
            schema.focus_areas,
            EVENT,
            "A community-suggested focus area, in the month it was suggested.",
            date_column="suggested_on",
            unit_column="focus_area_id",
            counts_people=False,
        ),
    ]
}


def measure(name: str) -> Measure:
    """Return the measure called ``name`` or raise a ValueError listing the known ones."""
    try:
        return MEASURES[name]
    except KeyError:
        raise ValueError(f"unknown measure {name!r}; known measures: {', '.join(MEASURES)}") from None
