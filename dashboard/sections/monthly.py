"""The sections of Monthly results: the place and month chosen, the chosen neighborhood's figures, the month's
headline figures, referrals by pathway and by source, and what became of the referrals.

Must not import ``pages``, ``data_access``, ``aggregation`` or SQLAlchemy.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.facts import previous_month, same_month_last_year, time_parent
from dashboard import components as ui
from dashboard import locale, places, text
from dashboard.catalog import message
from dashboard.published import month_label, short_month_label

KPIS = (
    ("kpi.referrals", "referrals_by_month"),
    ("kpi.enrollments", "enrollments_by_month"),
    ("kpi.active", "active_participants_by_month"),
    ("kpi.connected", "services_connected_by_month"),
)
PERIODS_SHOWN = {"month": 24, "quarter": 8, "year": 4}  # about two years at month and quarter grain


def choose_place(pub, language: str) -> str:
    """Return the place chosen at the top (``?place=``): the whole city, or one neighborhood."""
    hoods = pub.domain("neighborhood")
    hoods.sort(key=lambda h: pub.label("neighborhood", h))
    return ui.choose(
        message("monthly.choose_place", language),
        [places.CITY, *hoods],
        "place",
        places.CITY,
        lambda h: message("place.city_option", language) if h == places.CITY else pub.label("neighborhood", h),
    )


def choose_month(pub, language: str) -> str:
    """Return the month chosen at the top (``?month=``): the latest published by default."""
    months = pub.periods("referrals_by_month")
    return ui.choose(message("monthly.choose_month", language), months, "month", months[-1], month_label)


def place(pub, hood: str, language: str) -> None:
    """Write the chosen neighborhood's figures, each from the smallest published grouping that holds it."""
    name = pub.label("neighborhood", hood)
    st.header(text.markdown(name), anchor=False)
    columns = st.columns(3)
    found_by_grain = {grain: places.smallest_published(pub, hood, grain) for grain in ("twelve_months", "year")}
    for column, (grain, found) in zip(columns, found_by_grain.items(), strict=False):
        if found is None:
            continue
        where = places.grouping_name(pub, found.grouping, language)
        column.metric(
            message(f"place.referrals_{grain}", language, period=pub.label(grain, found.period)),
            ui.format_number(found.figure.value),
            border=True,
            help=message("place.level_help", language, where=where),
        )
        column.caption(_level_sentence(pub, hood, found, language))
    latest_grain, latest = next(((g, f) for g, f in found_by_grain.items() if f is not None), (None, None))
    if latest_grain is not None and latest is not None and latest.grouping.level != places.CITY:
        share = places.share_of_city(pub, latest.grouping, latest_grain, latest.period)
        if share is not None:
            columns[2].metric(
                message("place.share", language, where=places.grouping_name(pub, latest.grouping, language)),
                locale.percent(share.value),
                border=True,
            )
    _share_trend(pub, hood, language)


def _level_sentence(pub, hood: str, found: places.PlaceFigure, language: str) -> str:
    """Say which grouping a figure is for ("Columbia City is counted with the rest of District 2")."""
    name, where = (
        text.markdown(pub.label("neighborhood", hood)),
        text.markdown(places.grouping_name(pub, found.grouping, language)),
    )
    if found.grouping.level == "neighborhood":
        return message("place.own_figure", language, hood=name)
    return message("place.counted_with", language, hood=name, where=where)


def _share_trend(pub, hood: str, language: str) -> None:
    """Chart the area's share of the city's referrals by year, for one grouping (a declared ratio, one axis)."""
    years = [y for y in pub.periods("referrals_by_year", complete_only=True)]
    grouping = places.trend_grouping(pub, hood, "year", years)
    if grouping is None:
        return
    rows = []
    for year in years:
        share = places.share_of_city(pub, grouping, "year", year)
        rows.append({"year": year, "share": None if share is None else share.value, "suppressed": share is None})
    frame = pd.DataFrame(rows)
    frame["share"] = pd.to_numeric(frame["share"]).astype("float64")
    where = places.grouping_name(pub, grouping, language)
    figure = ui.ratio_chart(frame, "year", "share", pub, message("place.share_axis", language))
    shown = frame.dropna(subset=["share"])
    summary = (
        message(
            "place.share_summary",
            language,
            where=text.markdown(where),
            first=locale.percent(shown["share"].iloc[0]),
            first_period=shown["year"].iloc[0],
            last=locale.percent(shown["share"].iloc[-1]),
            last_period=shown["year"].iloc[-1],
        )
        if len(shown)
        else ""
    )
    ui.chart_with_table(
        message("place.share_title", language, where=where),
        figure,
        summary,
        frame.rename(columns={"share": "value"}),
        pub,
        {"year": message("common.year", language), "value": message("place.share_axis", language)},
        f"{grouping.level}_share_of_referrals_by_year",
        "place_share",
    )


def headline(pub, month: str, language: str) -> None:
    """Write the four headline figures of the month, each a number: a coarser or earlier whole period
    where the month's figure is not published."""
    columns = st.columns(len(KPIS))
    for column, (label, table) in zip(columns, KPIS, strict=False):
        now = pub.figure(table, month=month) if pub.grain(table) == "month" else None
        if now is None or now.suppressed:
            found = places.latest_published(pub, table, month)
            if found is None:
                column.metric(
                    message(label, language), "—", help=message("common.not_published", language), border=True
                )
                continue
            period, figure = found
            column.metric(
                message(
                    "kpi.in_period", language, what=message(label, language), period=pub.label(pub.grain(table), period)
                ),
                ui.format_number(figure.value),
                border=True,
            )
            continue
        before = pub.figure(table, month=previous_month(month))
        year_ago = pub.figure(table, month=same_month_last_year(month))
        change = ui.shown_change(now, year_ago)
        ui.kpi(
            column,
            message(label, language),
            now,
            before,
            message("kpi.vs_previous", language, period=short_month_label(previous_month(month))),
            help_text=message(
                "kpi.vs_last_year",
                language,
                change="—" if change is None else locale.signed(change),
                period=short_month_label(same_month_last_year(month)),
            ),
        )


def pathways(pub, month: str, language: str) -> None:
    """Chart referrals by pathway, with the city total, over two years to the chosen month at the grain
    the table is published at (month, or a coarser one where months would be mostly withheld)."""
    months = pub.periods("referrals_by_month")
    grain = pub.grain("referrals_by_month_pathway")
    periods = sorted({time_parent(m, grain) for m in months if m <= month})
    shown = [p for p in periods if p not in pub.partial_periods][-PERIODS_SHOWN[grain] :]
    totals = pub.frame(f"referrals_by_{grain}", **{grain: shown})
    by_pathway = pub.frame("referrals_by_month_pathway", **{grain: shown})
    figure = ui.line_chart(by_pathway, grain, "pathway", pub, message("kpi.referrals", language))
    ui.add_total_line(figure, totals, grain, pub, message("common.city_total", language))
    ui.chart_with_table(
        message("monthly.referrals_by_pathway", language),
        figure,
        ui.trend_line(pub, totals, grain, message("kpi.referrals", language), language),
        by_pathway,
        pub,
        {
            grain: message(f"common.{grain}", language),
            "pathway": message("column.pathway"),
            "value": message("column.referrals"),
        },
        pub.table_id("referrals_by_month_pathway"),
        "pathway",
    )


def sources(pub, language: str) -> None:
    """Chart who referred people in the last eight periods."""
    by_source = pub.frame("referrals_by_month_source")
    source_grain = pub.grain("referrals_by_month_source")
    source_periods = pub.periods("referrals_by_month_source", complete_only=True) or pub.periods(
        "referrals_by_month_source"
    )
    recent = source_periods[-8:]
    sources_shown = by_source[by_source[source_grain].isin(recent)]
    latest = sources_shown[sources_shown[source_grain] == recent[-1]]
    latest_total = pub.figure(f"referrals_by_{source_grain}", **{source_grain: recent[-1]}).value
    ui.chart_with_table(
        message("monthly.referrals_by_source", language),
        ui.line_chart(sources_shown, source_grain, "source", pub, message("kpi.referrals", language), kind="bar"),
        ui.largest_line(pub, latest, "source", source_grain, recent[-1], language, latest_total) or "",
        sources_shown,
        pub,
        {
            source_grain: message(f"common.{source_grain}", language),
            "source": message("column.source"),
            "value": message("column.referrals"),
        },
        pub.table_id("referrals_by_month_source"),
        "source",
        coarser=ui.coarser_figure(
            pub, f"referrals_by_{source_grain}", message("common.referrals", language), source_grain, recent[-1]
        ),
    )


def funnel(pub, month: str, language: str) -> None:
    """Chart what happened to the period's referrals."""
    outcomes = pub.frame("referrals_by_month_outcome")
    outcome_grain = pub.grain("referrals_by_month_outcome")
    period = time_parent(month, outcome_grain)
    period_outcomes = outcomes[outcomes[outcome_grain] == period]
    total = pub.figure(f"referrals_by_{outcome_grain}", **{outcome_grain: period})
    enrolled = pub.figure("referrals_by_month_outcome", **{outcome_grain: period, "outcome": "enrolled"})
    period_label = pub.label(outcome_grain, period)
    ui.chart_with_table(
        message("monthly.funnel", language),
        ui.bar_chart(period_outcomes, "outcome", pub, message("kpi.referrals", language)),
        message(
            "summary.funnel",
            language,
            total=ui.format_number(total.value),
            period=period_label,
            enrolled=ui.format_number(enrolled.value),
        ),
        period_outcomes,
        pub,
        {"outcome": message("column.outcome"), "value": message("column.referrals")},
        pub.table_id("referrals_by_month_outcome"),
        "funnel",
        coarser=ui.coarser_figure(
            pub, f"referrals_by_{outcome_grain}", message("common.referrals", language), outcome_grain, period
        ),
    )
