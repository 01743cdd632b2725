"""The sections of Resources and obstacles: services requested and connected, waits, obstacles, wait lists and
caseloads, each with its plain sentence, and the list of bottlenecks those sentences name.

Must not import ``pages``, ``data_access``, ``aggregation`` or SQLAlchemy.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import components as ui
from dashboard import locale, summaries, views
from dashboard.catalog import message
from dashboard.data import settings
from dashboard.published import format_number, month_label

REQUESTED, CONNECTED = "services_requested_by_quarter_type", "services_connected_by_quarter_type"
MEDIANS = "median_days_to_connection_by_year_type"
OBSTACLES, OPEN, WAITING = (
    "obstacles_reported_by_quarter_type",
    "obstacles_open_by_month_type",
    "services_waiting_by_quarter_type",
)
GROUPED = {  # each table by codes -> the same by coarser groups of the codes (docs/formats.md)
    REQUESTED: "services_requested_by_quarter_service_group",
    CONNECTED: "services_connected_by_quarter_service_group",
    MEDIANS: "median_days_to_connection_by_year_service_group",
    OBSTACLES: "obstacles_reported_by_quarter_obstacle_group",
    OPEN: "obstacles_open_by_month_obstacle_group",
    WAITING: "services_waiting_by_quarter_service_group",
}


def choose_period(pub, language: str) -> str:
    """Return the period chosen for the services (``?period=``): the latest whole one by default."""
    grain = pub.grain(REQUESTED)
    assert grain is not None  # a published table of services by period
    return ui.choose(
        message(f"common.{grain}", language),
        pub.periods(REQUESTED),
        "period",
        pub.periods(REQUESTED, complete_only=True)[-1],
        lambda p: pub.label(grain, p),
    )


def services(pub, period: str, language: str) -> None:
    """Chart services requested and connected in the chosen period, by type (or by group of types)."""
    grain = pub.grain(REQUESTED)
    requested_id = pub.least_withheld(REQUESTED, GROUPED[REQUESTED], **{grain: period})
    connected_id = CONNECTED if requested_id == REQUESTED else GROUPED[CONNECTED]
    dimension = pub.breakdown(requested_id)
    requested = pub.frame(requested_id, **{grain: period})
    parts = [requested.assign(kind="requested")]
    connected = pub.frame(connected_id)
    if pub.grain(connected_id) == grain:
        parts.append(connected[connected[grain] == period].assign(kind="connected"))
    both = pd.concat(parts, ignore_index=True)
    ui.chart_with_table(
        message("resources.requested_connected", language),
        ui.line_chart(both, dimension, "kind", pub, message("axis.services"), kind="bar"),
        ui.largest_line(pub, requested, dimension, grain, period, language) or "",
        both,
        pub,
        {dimension: message("column.service"), "kind": message("column.kind"), "value": message("column.services")},
        pub.table_id(requested_id),
        "services",
        note=ui.grouped_note(pub, REQUESTED, requested_id),
    )


def medians(pub, language: str) -> str | None:
    """Chart median days to connection in the latest whole year; return the bottleneck sentence."""
    years = pub.periods(MEDIANS, complete_only=True)
    if not years:
        return None
    table = pub.least_withheld(MEDIANS, GROUPED[MEDIANS], year=years[-1])
    dimension = pub.breakdown(table)
    medians = pub.frame(table)
    latest = medians[medians["year"] == years[-1]]
    published = latest.dropna(subset=["value"])
    sentence = None
    if not published.empty:
        slowest = published.sort_values(["value", dimension], ascending=[False, True]).iloc[0]
        sentence = message(
            "resources.bottleneck_wait",
            language,
            service=pub.label(dimension, slowest[dimension]).lower(),
            days=format_number(slowest["value"]),
            year=years[-1],
        )
    ui.chart_with_table(
        message("resources.median_days", language),
        ui.bar_chart(latest, dimension, pub, message("axis.days")),
        sentence or message("summary.no_data", language, what=message("resources.median_days", language)),
        latest,
        pub,
        {"year": message("common.year"), dimension: message("column.service"), "value": message("column.median_days")},
        pub.table_id(table),
        "median",
        note=ui.grouped_note(pub, MEDIANS, table),
    )
    return sentence


def obstacles(pub, period: str | None, language: str) -> str | None:
    """Chart obstacles reported in the chosen (or latest) period; return the bottleneck sentence."""
    grain = pub.grain(OBSTACLES)
    shown_period = period if period in pub.periods(OBSTACLES) else pub.periods(OBSTACLES)[-1]
    table = pub.least_withheld(OBSTACLES, GROUPED[OBSTACLES], **{grain: shown_period})
    dimension = pub.breakdown(table)
    obstacles = pub.frame(table)
    shown = obstacles[obstacles[grain] == shown_period]
    published = shown.dropna(subset=["value"])
    sentence = None
    if not published.empty:
        top = published.sort_values(["value", dimension], ascending=[False, True]).iloc[0]
        sentence = message(
            "resources.bottleneck_obstacle",
            language,
            period=pub.label(grain, shown_period),
            obstacle=pub.label(dimension, top[dimension]).lower(),
            value=format_number(top["value"]),
        )
    ui.chart_with_table(
        message("resources.obstacles", language),
        ui.bar_chart(shown, dimension, pub, message("column.obstacles")),
        sentence or "",
        shown,
        pub,
        {dimension: message("column.obstacle"), "value": message("column.obstacles")},
        pub.table_id(table),
        "obstacles",
        note=ui.grouped_note(pub, OBSTACLES, table),
    )
    return sentence


def open_obstacles(pub, language: str) -> None:
    """Chart obstacles still open over the last two years."""
    grain = pub.grain(OPEN)
    recent = pub.periods(OPEN)[-24:]
    table = pub.least_withheld(OPEN, GROUPED[OPEN], **{grain: recent})
    codes = set(pub.frame(OPEN)[pub.breakdown(OPEN)])
    if table == OPEN and pub.table(GROUPED[OPEN]) is not None and len(codes) > ui.MAX_SERIES:
        table = GROUPED[OPEN]  # more types than a chart can tell apart: their groups
    dimension = pub.breakdown(table)
    cells = pub.frame(table, **{grain: recent})
    ui.chart_with_table(
        message("resources.obstacles_open", language),
        ui.line_chart(cells, grain, dimension, pub, message("axis.open_obstacles")),
        "",
        cells,
        pub,
        {
            grain: message(f"common.{grain}", language),
            dimension: message("column.obstacle"),
            "value": message("column.open"),
        },
        pub.table_id(table),
        "open",
        note=ui.grouped_note(pub, OPEN, table),
    )


def waiting(pub, language: str) -> str | None:
    """Chart services on a wait list at the end of the latest period; return the bottleneck sentence."""
    grain = pub.grain(WAITING)
    period = pub.periods(WAITING)[-1]
    table = pub.least_withheld(WAITING, GROUPED[WAITING], **{grain: period})
    dimension = pub.breakdown(table)
    waiting = pub.frame(table, **{grain: period})
    published = waiting.dropna(subset=["value"])
    sentence = None
    if not published.empty:
        top = published.sort_values(["value", dimension], ascending=[False, True]).iloc[0]
        sentence = message(
            "resources.bottleneck_waiting",
            language,
            period=pub.label(grain, period),
            value=format_number(top["value"]),
            service=pub.label(dimension, top[dimension]).lower(),
        )
    ui.chart_with_table(
        message("resources.waiting", language),
        ui.bar_chart(waiting, dimension, pub, message("column.waiting")),
        sentence or "",
        waiting,
        pub,
        {dimension: message("column.service"), "value": message("column.waiting")},
        pub.table_id(table),
        "waiting",
        note=ui.grouped_note(pub, WAITING, table),
    )
    return sentence


def caseload(pub, language: str) -> str | None:
    """Chart people active per case manager against the recommended band; return the bottleneck sentence."""
    band = settings().caseload_band
    caseload, ratios = views.caseload_by_month(pub)
    figure = ui.ratio_chart(
        caseload,
        "month",
        "per_case_manager",
        pub,
        message("resources.caseload", language),
        band=band,
        band_label=message("resources.ceiling", language, low=locale.number(band[0]), high=locale.number(band[1])),
    )
    latest = next(
        ((m, r) for m, r in zip(reversed(list(caseload["month"])), reversed(ratios), strict=False) if r), None
    )
    sentence = None
    if latest:
        sentence = summaries.caseload(month_label(latest[0]), latest[1].value, band, language)
    ui.chart_with_table(
        message("resources.caseload", language),
        figure,
        sentence or "",
        caseload,
        pub,
        {
            "month": message("common.month"),
            "value": message("column.people_active"),
            "case_managers": message("column.case_managers"),
            "per_case_manager": message("resources.caseload", language),
        },
        pub.table_id("case_managers_by_month"),
        "caseload",
    )
    return sentence


def bottlenecks(sentences: list[str | None]) -> None:
    """List the bottlenecks the sections above named, if any."""
    named = [b for b in sentences if b]
    if named:
        st.header(message("resources.bottlenecks"), anchor=False)
        for sentence in named:
            st.markdown(f"- {sentence}")
