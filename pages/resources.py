"""Resources and obstacles: services, waits, obstacles and caseloads, with plain sentences."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import components as ui
from dashboard.catalog import message
from dashboard.data import current_publication, settings
from dashboard.published import format_number, month_label
from dashboard.summaries import largest_group


def render() -> None:
    language = settings().language
    pub = current_publication()
    st.title(message("resources.title", language))
    st.write(message("resources.intro", language))
    requested_table, connected_table = "services_requested_by_quarter_type", "services_connected_by_quarter_type"
    grain = pub.grain(requested_table)
    periods = pub.periods(requested_table)
    period = ui.choose(message(f"common.{grain}", language), periods, "period",
                       pub.periods(requested_table, complete_only=True)[-1], lambda p: pub.label(grain, p))
    bottlenecks = []

    requested = pub.frame(requested_table)
    requested = requested[requested[grain] == period]
    parts = [requested.assign(kind="requested")]
    connected = pub.frame(connected_table)
    if pub.grain(connected_table) == grain:
        parts.append(connected[connected[grain] == period].assign(kind="connected"))
    both = pd.concat(parts, ignore_index=True)
    values = ui.series(requested, "service_type")[1]
    ui.chart_with_table(
        message("resources.requested_connected", language),
        ui.line_chart(both, "service_type", "kind", pub, "Services", kind="bar"),
        largest_group(pub.label(grain, period), [pub.label("service_type", s) for s in requested["service_type"]],
                      values, None, language) or "",
        both, pub, {"service_type": "Service", "kind": "Requested or connected", "value": "Services"},
        pub.table_id(requested_table), "services",
    )

    medians = pub.frame("median_days_to_connection_by_year_type")
    years = pub.periods("median_days_to_connection_by_year_type", complete_only=True)
    if years:
        latest = medians[medians["year"] == years[-1]]
        published = latest.dropna(subset=["value"])
        if not published.empty:
            slowest = published.sort_values(["value", "service_type"], ascending=[False, True]).iloc[0]
            bottlenecks.append(message("resources.bottleneck_wait", language,
                                       service=pub.label("service_type", slowest["service_type"]).lower(),
                                       days=format_number(slowest["value"]), year=years[-1]))
        ui.chart_with_table(
            message("resources.median_days", language),
            ui.bar_chart(latest, "service_type", pub, "Days", horizontal=True),
            bottlenecks[-1] if bottlenecks else message("summary.no_data", language, what=message("resources.median_days", language)),
            latest, pub, {"year": "Year", "service_type": "Service", "value": "Median days"},
            pub.table_id("median_days_to_connection_by_year_type"), "median",
        )

    obstacles = pub.frame("obstacles_reported_by_quarter_type")
    obstacle_grain = pub.grain("obstacles_reported_by_quarter_type")
    obstacle_period = period if obstacle_grain == grain else pub.periods("obstacles_reported_by_quarter_type")[-1]
    shown = obstacles[obstacles[obstacle_grain] == obstacle_period]
    published = shown.dropna(subset=["value"])
    if not published.empty:
        top = published.sort_values(["value", "obstacle_type"], ascending=[False, True]).iloc[0]
        bottlenecks.append(message("resources.bottleneck_obstacle", language, period=pub.label(obstacle_grain, obstacle_period),
                                   obstacle=pub.label("obstacle_type", top["obstacle_type"]).lower(),
                                   value=format_number(top["value"])))
    ui.chart_with_table(
        message("resources.obstacles", language), ui.bar_chart(shown, "obstacle_type", pub, "Obstacles", horizontal=True),
        bottlenecks[-1] if not published.empty else "", shown, pub, {"obstacle_type": "Obstacle", "value": "Obstacles"},
        pub.table_id("obstacles_reported_by_quarter_type"), "obstacles",
    )

    open_table = "obstacles_open_by_month_type"
    open_grain = pub.grain(open_table)
    open_cells = pub.frame(open_table)
    recent = pub.periods(open_table)[-24:]
    open_cells = open_cells[open_cells[open_grain].isin(recent)]
    ui.chart_with_table(
        message("resources.obstacles_open", language),
        ui.line_chart(open_cells, open_grain, "obstacle_type", pub, "Open obstacles"),
        "", open_cells, pub, {open_grain: message(f"common.{open_grain}", language), "obstacle_type": "Obstacle",
                              "value": "Open"}, pub.table_id(open_table), "open",
    )

    waiting_table = "services_waiting_by_quarter_type"
    waiting_grain = pub.grain(waiting_table)
    waiting = pub.frame(waiting_table)
    waiting_period = pub.periods(waiting_table)[-1]
    waiting = waiting[waiting[waiting_grain] == waiting_period]
    published = waiting.dropna(subset=["value"])
    if not published.empty:
        top = published.sort_values(["value", "service_type"], ascending=[False, True]).iloc[0]
        bottlenecks.append(message("resources.bottleneck_waiting", language, period=pub.label(waiting_grain, waiting_period),
                                   value=format_number(top["value"]),
                                   service=pub.label("service_type", top["service_type"]).lower()))
    ui.chart_with_table(
        message("resources.waiting", language), ui.bar_chart(waiting, "service_type", pub, "Waiting", horizontal=True),
        bottlenecks[-1] if not published.empty else "", waiting, pub, {"service_type": "Service", "value": "Waiting"},
        pub.table_id(waiting_table), "waiting",
    )

    months = pub.periods("case_managers_by_month")[-36:]
    caseload = pub.frame("case_managers_by_month")
    caseload = caseload[caseload["month"].isin(months)].rename(columns={"value": "case_managers"})
    active = pub.frame("active_participants_by_month").set_index("month")["value"]
    caseload["value"] = [active.get(m, float("nan")) for m in caseload["month"]]
    ratios = [pub.ratio("participants_per_case_manager", month=m) for m in caseload["month"]]
    caseload["per_case_manager"] = [r.value if r else float("nan") for r in ratios]
    figure = ui.ratio_chart(caseload, "month", "per_case_manager", pub, message("resources.caseload", language),
                            band=(20, 25), band_label=message("resources.ceiling", language))
    latest = next(((m, r) for m, r in zip(reversed(list(caseload["month"])), reversed(ratios)) if r), None)
    if latest:
        key = "resources.bottleneck_caseload_over" if latest[1].value > 25 else "resources.bottleneck_caseload_ok"
        bottlenecks.append(message(key, language, month=month_label(latest[0]), value=f"{latest[1].value:.1f}"))
    ui.chart_with_table(message("resources.caseload", language), figure, bottlenecks[-1] if latest else "",
                        caseload, pub, {"month": "Month", "value": "People active", "case_managers": "Case managers",
                                        "per_case_manager": message("resources.caseload", language)},
                        pub.table_id("case_managers_by_month"), "caseload")
    if bottlenecks:
        st.subheader("Where the bottlenecks are")
        for sentence in bottlenecks:
            st.markdown(f"- {sentence}")
    ui.footnotes(pub, language)
