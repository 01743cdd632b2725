"""Resources and obstacles: services, waits, obstacles and caseloads, with plain sentences."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import components as ui
from dashboard.catalog import message
from dashboard.data import current_publication, settings
from dashboard.published import format_number, month_label
from dashboard.summaries import largest_group

REQUESTED, CONNECTED = "services_requested_by_quarter_type", "services_connected_by_quarter_type"
MEDIANS = "median_days_to_connection_by_year_type"
OBSTACLES, OPEN, WAITING = "obstacles_reported_by_quarter_type", "obstacles_open_by_month_type", "services_waiting_by_quarter_type"


def render() -> None:
    language = settings().language
    pub = current_publication()
    st.title(message("resources.title", language))
    st.write(message("resources.intro", language))
    bottlenecks: list[str | None] = []
    period = None
    if ui.section(pub, REQUESTED, language=language):
        grain = pub.grain(REQUESTED)
        period = ui.choose(message(f"common.{grain}", language), pub.periods(REQUESTED), "period",
                           pub.periods(REQUESTED, complete_only=True)[-1], lambda p: pub.label(grain, p))
        _services(pub, period, language)
    if ui.section(pub, MEDIANS, language=language):
        bottlenecks.append(_medians(pub, language))
    if ui.section(pub, OBSTACLES, language=language):
        bottlenecks.append(_obstacles(pub, period, language))
    if ui.section(pub, OPEN, language=language):
        _open_obstacles(pub, language)
    if ui.section(pub, WAITING, language=language):
        bottlenecks.append(_waiting(pub, language))
    if ui.section(pub, "case_managers_by_month", "active_participants_by_month", language=language):
        bottlenecks.append(_caseload(pub, language))
    bottlenecks = [b for b in bottlenecks if b]
    if bottlenecks:
        st.subheader("Where the bottlenecks are")
        for sentence in bottlenecks:
            st.markdown(f"- {sentence}")
    ui.footnotes(pub, language)


def _services(pub, period: str, language: str) -> None:
    """Chart services requested and connected in the chosen period, by type."""
    grain = pub.grain(REQUESTED)
    requested = pub.frame(REQUESTED)
    requested = requested[requested[grain] == period]
    parts = [requested.assign(kind="requested")]
    connected = pub.frame(CONNECTED)
    if pub.grain(CONNECTED) == grain:
        parts.append(connected[connected[grain] == period].assign(kind="connected"))
    both = pd.concat(parts, ignore_index=True)
    values = ui.series(requested, "service_type")[1]
    ui.chart_with_table(
        message("resources.requested_connected", language),
        ui.line_chart(both, "service_type", "kind", pub, "Services", kind="bar"),
        largest_group(pub.label(grain, period), [pub.label("service_type", s) for s in requested["service_type"]],
                      values, None, language) or "",
        both, pub, {"service_type": "Service", "kind": "Requested or connected", "value": "Services"},
        pub.table_id(REQUESTED), "services",
    )


def _medians(pub, language: str) -> str | None:
    """Chart median days to connection in the latest whole year; return the bottleneck sentence."""
    medians = pub.frame(MEDIANS)
    years = pub.periods(MEDIANS, complete_only=True)
    if not years:
        return None
    latest = medians[medians["year"] == years[-1]]
    published = latest.dropna(subset=["value"])
    sentence = None
    if not published.empty:
        slowest = published.sort_values(["value", "service_type"], ascending=[False, True]).iloc[0]
        sentence = message("resources.bottleneck_wait", language,
                           service=pub.label("service_type", slowest["service_type"]).lower(),
                           days=format_number(slowest["value"]), year=years[-1])
    ui.chart_with_table(
        message("resources.median_days", language),
        ui.bar_chart(latest, "service_type", pub, "Days", horizontal=True),
        sentence or message("summary.no_data", language, what=message("resources.median_days", language)),
        latest, pub, {"year": "Year", "service_type": "Service", "value": "Median days"},
        pub.table_id(MEDIANS), "median",
    )
    return sentence


def _obstacles(pub, period: str | None, language: str) -> str | None:
    """Chart obstacles reported in the chosen (or latest) period; return the bottleneck sentence."""
    obstacles = pub.frame(OBSTACLES)
    grain = pub.grain(OBSTACLES)
    shown_period = period if period in pub.periods(OBSTACLES) else pub.periods(OBSTACLES)[-1]
    shown = obstacles[obstacles[grain] == shown_period]
    published = shown.dropna(subset=["value"])
    sentence = None
    if not published.empty:
        top = published.sort_values(["value", "obstacle_type"], ascending=[False, True]).iloc[0]
        sentence = message("resources.bottleneck_obstacle", language, period=pub.label(grain, shown_period),
                           obstacle=pub.label("obstacle_type", top["obstacle_type"]).lower(),
                           value=format_number(top["value"]))
    ui.chart_with_table(
        message("resources.obstacles", language), ui.bar_chart(shown, "obstacle_type", pub, "Obstacles", horizontal=True),
        sentence or "", shown, pub, {"obstacle_type": "Obstacle", "value": "Obstacles"},
        pub.table_id(OBSTACLES), "obstacles",
    )
    return sentence


def _open_obstacles(pub, language: str) -> None:
    """Chart obstacles still open over the last two years."""
    grain = pub.grain(OPEN)
    cells = pub.frame(OPEN)
    recent = pub.periods(OPEN)[-24:]
    cells = cells[cells[grain].isin(recent)]
    ui.chart_with_table(
        message("resources.obstacles_open", language),
        ui.line_chart(cells, grain, "obstacle_type", pub, "Open obstacles"),
        "", cells, pub, {grain: message(f"common.{grain}", language), "obstacle_type": "Obstacle", "value": "Open"},
        pub.table_id(OPEN), "open",
    )


def _waiting(pub, language: str) -> str | None:
    """Chart services on a wait list at the end of the latest period; return the bottleneck sentence."""
    grain = pub.grain(WAITING)
    waiting = pub.frame(WAITING)
    period = pub.periods(WAITING)[-1]
    waiting = waiting[waiting[grain] == period]
    published = waiting.dropna(subset=["value"])
    sentence = None
    if not published.empty:
        top = published.sort_values(["value", "service_type"], ascending=[False, True]).iloc[0]
        sentence = message("resources.bottleneck_waiting", language, period=pub.label(grain, period),
                           value=format_number(top["value"]),
                           service=pub.label("service_type", top["service_type"]).lower())
    ui.chart_with_table(
        message("resources.waiting", language), ui.bar_chart(waiting, "service_type", pub, "Waiting", horizontal=True),
        sentence or "", waiting, pub, {"service_type": "Service", "value": "Waiting"}, pub.table_id(WAITING), "waiting",
    )
    return sentence


def _caseload(pub, language: str) -> str | None:
    """Chart people active per case manager against LEAD's 20 to 25; return the bottleneck sentence."""
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
    sentence = None
    if latest:
        key = "resources.bottleneck_caseload_over" if latest[1].value > 25 else "resources.bottleneck_caseload_ok"
        sentence = message(key, language, month=month_label(latest[0]), value=f"{latest[1].value:.1f}")
    ui.chart_with_table(message("resources.caseload", language), figure, sentence or "",
                        caseload, pub, {"month": "Month", "value": "People active", "case_managers": "Case managers",
                                        "per_case_manager": message("resources.caseload", language)},
                        pub.table_id("case_managers_by_month"), "caseload")
    return sentence
