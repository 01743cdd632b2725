"""Monthly results: the home page, for neighborhood leaders."""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui, text
from dashboard.catalog import message
from dashboard.data import current_publication, settings
from dashboard.published import (
    difference, month_label, previous_month, same_month_last_year, short_month_label,
)
from dashboard.summaries import largest_group, trend

KPIS = (
    ("kpi.referrals", "referrals_by_month"),
    ("kpi.enrollments", "enrollments_by_month"),
    ("kpi.active", "active_participants_by_month"),
    ("kpi.connected", "services_connected_by_month"),
)
WINDOW_MONTHS = 24


def render() -> None:
    language = settings().language
    pub = current_publication()
    st.title(message("monthly.title", language))
    if not ui.section(pub, "referrals_by_month", language=language):
        return
    months = pub.periods("referrals_by_month")
    month = ui.choose(message("monthly.choose_month", language), months, "month", months[-1], month_label)
    st.write(message("monthly.intro", language, month=month_label(month)))
    ui.as_of_line(pub, language)

    _headline(pub, month, language)
    if ui.section(pub, "referrals_by_month_pathway", language=language):
        _pathways(pub, months, month, language)
    if ui.section(pub, "referrals_by_month_source", "referrals_by_quarter", language=language):
        _sources(pub, language)
    if ui.section(pub, "referrals_by_month_outcome", "referrals_by_quarter", language=language):
        _funnel(pub, month, language)
    if ui.section(pub, "referrals_by_neighborhood_quarter", "referrals_by_quarter", "referrals_by_year",
                  language=language):
        _neighborhood(pub, language)
    ui.footnotes(pub, language)


def _headline(pub, month: str, language: str) -> None:
    """Write the four headline figures of the month with their changes."""
    columns = st.columns(len(KPIS))
    for column, (label, table) in zip(columns, KPIS):
        grain = pub.grain(table)
        if grain != "month":
            column.metric(message(label, language), "—", help=message("common.not_published", language), border=True)
            continue
        now = pub.figure(table, month=month)
        before = pub.figure(table, month=previous_month(month))
        year_ago = pub.figure(table, month=same_month_last_year(month))
        change = difference(now, year_ago)
        ui.kpi(column, message(label, language), now.value, difference(now, before),
               message("kpi.vs_previous", language, period=short_month_label(previous_month(month))),
               help_text=message("kpi.vs_last_year", language,
                                 change="—" if change is None else f"{change:+,.0f}",
                                 period=short_month_label(same_month_last_year(month))))



def _pathways(pub, months: list[str], month: str, language: str) -> None:
    """Chart referrals by pathway over the two years to the chosen month, with the city total."""
    shown = [m for m in months if m <= month][-WINDOW_MONTHS:]
    totals = pub.frame("referrals_by_month")
    totals = totals[totals["month"].isin(shown)]
    by_pathway = pub.frame("referrals_by_month_pathway")
    grain = pub.grain("referrals_by_month_pathway")
    if grain == "month":
        by_pathway = by_pathway[by_pathway["month"].isin(shown)]
    figure = ui.line_chart(by_pathway, grain, "pathway", pub, message("kpi.referrals", language))
    if grain == "month":
        ui.add_total_line(figure, totals, "month", pub, message("common.city_total", language))
    ui.chart_with_table(
        message("monthly.referrals_by_pathway", language), figure,
        trend(message("kpi.referrals", language), list(totals["month"]), ui.series(totals, "month")[1],
              month_label, language),
        by_pathway, pub, {grain: message(f"common.{grain}", language), "pathway": "Pathway", "value": "Referrals"},
        pub.table_id("referrals_by_month_pathway"), "pathway",
    )



def _sources(pub, language: str) -> None:
    """Chart who referred people in the last eight periods."""
    sources = pub.frame("referrals_by_month_source")
    source_grain = pub.grain("referrals_by_month_source")
    source_periods = pub.periods("referrals_by_month_source")
    recent = source_periods[-8:]
    sources_shown = sources[sources[source_grain].isin(recent)]
    latest = sources_shown[sources_shown[source_grain] == recent[-1]]
    latest_total = pub.figure("referrals_by_quarter" if source_grain == "quarter" else "referrals_by_month",
                              **{source_grain: recent[-1]}).value
    ui.chart_with_table(
        message("monthly.referrals_by_source", language),
        ui.line_chart(sources_shown, source_grain, "source", pub, message("kpi.referrals", language), kind="bar"),
        largest_group(pub.label(source_grain, recent[-1]), [pub.label("source", s) for s in latest["source"]],
                      ui.series(latest, "source")[1], latest_total, language) or "",
        sources_shown, pub, {source_grain: message(f"common.{source_grain}", language), "source": "Source",
                             "value": "Referrals"},
        pub.table_id("referrals_by_month_source"), "source",
    )



def _funnel(pub, month: str, language: str) -> None:
    """Chart what happened to the period's referrals."""
    outcomes = pub.frame("referrals_by_month_outcome")
    outcome_grain = pub.grain("referrals_by_month_outcome")
    period = month if outcome_grain == "month" else f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}"
    funnel = outcomes[outcomes[outcome_grain] == period]
    total = pub.figure("referrals_by_month" if outcome_grain == "month" else "referrals_by_quarter",
                       **{outcome_grain: period})
    enrolled = pub.figure("referrals_by_month_outcome", **{outcome_grain: period, "outcome": "enrolled"})
    period_label = pub.label(outcome_grain, period)
    ui.chart_with_table(
        message("monthly.funnel", language),
        ui.bar_chart(funnel, "outcome", pub, message("kpi.referrals", language)),
        message("summary.funnel", language, total=ui.format_number(total.value), period=period_label,
                enrolled=ui.format_number(enrolled.value)),
        funnel, pub, {"outcome": "Outcome", "value": "Referrals"}, pub.table_id("referrals_by_month_outcome"),
        "funnel",
    )



def _neighborhood(pub, language: str) -> None:
    """Chart the chosen neighborhood against the city."""
    hood_table = "referrals_by_neighborhood_quarter"
    hood_grain = pub.grain(hood_table)
    hoods = pub.frame(hood_table)
    names = sorted({h for h in hoods["neighborhood"] if h != "unknown"}, key=lambda h: pub.label("neighborhood", h))
    default = "BELLTOWN" if "BELLTOWN" in names else names[0]
    hood = ui.choose(message("monthly.choose_neighborhood", language), names, "neighborhood", default,
                     lambda h: pub.label("neighborhood", h))
    mine = hoods[hoods["neighborhood"] == hood]
    city_table = "referrals_by_year" if hood_grain == "year" else "referrals_by_quarter"
    city = pub.frame(city_table)
    figure = ui.part_against_whole(mine, city, hood_grain, pub, pub.label("neighborhood", hood),
                                   message("common.city", language), message("kpi.referrals", language))
    latest_period = pub.periods(hood_table, complete_only=True)[-1]
    mine_latest = pub.figure(hood_table, neighborhood=hood, **{hood_grain: latest_period})
    city_latest = pub.figure(city_table, **{hood_grain: latest_period})
    summary = message("summary.neighborhood", language, hood=text.markdown(pub.label("neighborhood", hood)),
                      value=ui.format_number(mine_latest.value), period=pub.label(hood_grain, latest_period),
                      total=ui.format_number(city_latest.value))
    ui.chart_with_table(
        message("monthly.neighborhood_vs_city", language), figure, summary, mine, pub,
        {"neighborhood": "Neighborhood", hood_grain: message(f"common.{hood_grain}", language), "value": "Referrals"},
        pub.table_id(hood_table), "neighborhood",
    )
