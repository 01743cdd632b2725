"""The sections of Retail theft: the period chosen, theft referrals over time (all, and in the business
districts together), by business district, their outcomes, and the focus areas businesses suggested.

Must not import ``pages``, ``data_access``, ``aggregation`` or SQLAlchemy.
"""

from __future__ import annotations

import streamlit as st

from core.facts import period_at_grain
from dashboard import components as ui
from dashboard.catalog import message

BUSINESS_DISTRICTS_TOGETHER = "theft_referrals_in_business_districts_by_year"  # declared by year only


def choose_period(pub, language: str) -> str | None:
    """Return the period chosen once for the page: a whole period of the coarser of its tables' grains."""
    tables = [
        t
        for t in ("theft_referrals_by_business_district_quarter", "theft_referrals_by_quarter_outcome")
        if pub.table(t) is not None
    ]
    if not tables:
        return None
    grain = "year" if any(pub.grain(t) == "year" for t in tables) else "quarter"
    periods = sorted(
        {p if grain == pub.grain(t) else p[:4] for t in tables for p in pub.periods(t, complete_only=True)}
    )
    if not periods:
        return None
    return ui.choose(message(f"common.{grain}", language), periods, grain, periods[-1], lambda p: pub.label(grain, p))


def theft_trend(pub, language: str) -> None:
    """Chart theft referrals over time."""
    table = "theft_referrals_by_month"
    grain = pub.grain(table)
    cells = pub.frame(table)
    ui.chart_with_table(
        message("retail.by_period", language),
        ui.line_chart(cells, grain, None, pub, message("kpi.referrals", language)),
        ui.trend_line(pub, cells, grain, message("retail.by_period", language), language),
        cells,
        pub,
        {grain: message(f"common.{grain}", language), "value": message("column.referrals")},
        pub.table_id(table),
        "theft",
    )


def business_districts_trend(pub, language: str) -> None:
    """Chart theft referrals in the business districts together, year by year: single districts are too small."""
    grain = pub.grain(BUSINESS_DISTRICTS_TOGETHER)
    cells = pub.frame(BUSINESS_DISTRICTS_TOGETHER)
    cells = cells[~cells[grain].isin(pub.partial_periods)]
    ui.chart_with_table(
        message("retail.districts_together", language),
        ui.line_chart(cells, grain, None, pub, message("kpi.referrals", language), kind="bar"),
        ui.trend_line(pub, cells, grain, message("retail.districts_together_what", language), language),
        cells,
        pub,
        {grain: message(f"common.{grain}", language), "value": message("column.referrals")},
        pub.table_id(BUSINESS_DISTRICTS_TOGETHER),
        "theft_business_districts",
    )


def by_district(pub, chosen: str, language: str) -> None:
    """Chart theft referrals by business district for the chosen period."""
    district_table = "theft_referrals_by_business_district_quarter"
    district_grain = pub.grain(district_table)
    period = period_at_grain(chosen, district_grain)
    districts = pub.frame(district_table, **{district_grain: period})
    ui.chart_with_table(
        message("retail.by_district", language),
        ui.bar_chart(districts, "neighborhood", pub, message("kpi.referrals", language)),
        ui.largest_line(pub, districts, "neighborhood", district_grain, period, language, _together_figure(pub, period))
        or message("summary.no_data", language, what=message("retail.by_district", language)),
        districts,
        pub,
        {"neighborhood": message("column.business_district"), "value": message("column.referrals")},
        pub.table_id(district_table),
        "districts",
        coarser=ui.coarser_figure(
            pub, BUSINESS_DISTRICTS_TOGETHER, message("common.theft_referrals", language), "year", period[:4]
        ),
    )


def _together_figure(pub, period: str) -> float | None:
    """Return the published figure for the business districts together in ``period``, if it is a whole year."""
    return None if "-Q" in period else pub.figure(BUSINESS_DISTRICTS_TOGETHER, year=period).value


def by_outcome(pub, chosen: str, language: str) -> None:
    """Chart what became of theft referrals in the chosen period."""
    outcome_table = "theft_referrals_by_quarter_outcome"
    outcome_grain = pub.grain(outcome_table)
    period = period_at_grain(chosen, outcome_grain)
    outcomes = pub.frame(outcome_table)
    latest = outcomes[outcomes[outcome_grain] == period]
    ui.chart_with_table(
        message("retail.outcomes", language),
        ui.bar_chart(latest, "outcome", pub, message("kpi.referrals", language)),
        ui.largest_line(pub, latest, "outcome", outcome_grain, period, language) or "",
        latest,
        pub,
        {"outcome": message("column.outcome"), "value": message("column.referrals")},
        pub.table_id(outcome_table),
        "theft_outcomes",
    )


def business_focus(pub, language: str) -> None:
    """List the focus areas businesses suggested."""
    focus = pub.frame("focus_areas_by_neighborhood")
    focus = focus[(focus["suggested_by"] == "business") & (focus["value"] > 0)]
    st.header(message("retail.focus", language), anchor=False)
    st.dataframe(
        ui.display_table(
            focus,
            pub,
            {
                "neighborhood": message("common.neighborhood"),
                "topic": message("column.topic"),
                "status": message("column.status"),
                "value": message("column.focus_areas"),
            },
        ),
        hide_index=True,
        key="business_focus",
    )
