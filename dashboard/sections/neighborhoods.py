"""The sections of Neighborhoods: the period and view chosen, the neighborhoods' map and ranked table, the
districts' map, the precincts' chart, and the community focus areas.

Must not import ``pages``, ``data_access``, ``aggregation`` or SQLAlchemy.
"""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard.catalog import message


def referrals_by_place(pub, configured, language: str) -> None:
    """Map and rank the neighborhoods, or chart the precincts, for the chosen period."""
    table = "referrals_by_neighborhood_quarter"
    grain = pub.grain(table)
    periods = pub.periods(table)
    default = pub.periods(table, complete_only=True)[-1]
    period = ui.choose(message(f"common.{grain}", language), periods, grain, default, lambda p: pub.label(grain, p))
    views = ["neighborhoods", *(["districts"] if pub.periods("referrals_by_district_12_months") else []), "precincts"]
    view = ui.choose(
        message("neighborhoods.view", language),
        views,
        "view",
        "neighborhoods",
        lambda v: message(f"neighborhoods.by_{v[:-1]}", language),
        horizontal=True,
    )
    if view == "districts":
        _districts(pub, configured, language)
    elif view == "neighborhoods":
        _neighborhood_map(pub, configured, table, grain, period, language)
    else:
        _precincts(pub, grain, period, language)


def _neighborhood_map(pub, configured, table: str, grain: str, period: str, language: str) -> None:
    """Map the neighborhoods' figures for the period, ranked in a table beside the map (its text alternative)."""
    cells = pub.frame(table, **{grain: period})
    values = {
        h: (None if s else float(v))
        for h, v, s in zip(cells["neighborhood"], cells["value"], cells["suppressed"], strict=False)
    }
    labels = {h: pub.label("neighborhood", h) for h in values}
    map_column, table_column = st.columns([3, 2])
    with map_column:
        ui.neighborhood_map(
            values,
            labels,
            configured.boundaries,
            configured.neighborhood_key,
            message("neighborhoods.map_caption", language, period=pub.label(grain, period)),
            element_key="map",
            language=language,
        )
    ranked = cells.assign(
        _published=~cells["suppressed"], _name=[pub.label("neighborhood", h) for h in cells["neighborhood"]]
    ).sort_values(["_published", "value", "_name"], ascending=[False, False, True])
    ranked = ranked.drop(columns=["_published", "_name"])
    with table_column:
        ui.chart_with_table(
            message("neighborhoods.ranked", language),
            None,
            message(
                "summary.latest_only",
                language,
                what=message("kpi.referrals", language),
                last=ui.format_number(
                    pub.figure(
                        "referrals_by_year" if grain == "year" else "referrals_by_quarter", **{grain: period}
                    ).value
                ),
                last_period=pub.label(grain, period),
            ),
            ranked,
            pub,
            {"neighborhood": message("common.neighborhood"), "value": message("column.referrals")},
            pub.table_id(table),
            "ranked",
        )


def _precincts(pub, grain: str, period: str, language: str) -> None:
    """Chart the precincts' figures for the period."""
    precinct_table = "referrals_by_precinct_year" if grain == "year" else "referrals_by_precinct_quarter"
    if not ui.section(pub, precinct_table, language=language):
        return
    precincts = pub.frame(precinct_table, **{grain: period})
    ui.chart_with_table(
        message("neighborhoods.precincts", language),
        ui.bar_chart(precincts, "precinct", pub, message("kpi.referrals", language)),
        _largest_precinct(pub, precincts, grain, period, language),
        precincts,
        pub,
        {"precinct": message("common.precinct"), "value": message("column.referrals")},
        pub.table_id(precinct_table),
        "precincts",
    )


def _districts(pub, configured, language: str) -> None:
    """Map the districts (a layer of their own polygons) over the latest 12 months, their figures beside."""
    table = "referrals_by_district_12_months"
    window = pub.periods(table)[-1]
    cells = pub.frame(table)
    cells = cells[cells["twelve_months"] == window]
    values = {
        d: (None if s else float(v))
        for d, v, s in zip(cells["district"], cells["value"], cells["suppressed"], strict=False)
    }
    map_column, table_column = st.columns([3, 2])
    with map_column:
        ui.neighborhood_map(
            values,
            {d: pub.label("district", d) for d in values},
            configured.district_boundaries,
            "district",
            message("neighborhoods.map_caption", language, period=pub.label("twelve_months", window)),
            element_key="district_map",
            language=language,
        )
    with table_column:
        ui.chart_with_table(
            message("neighborhoods.districts", language),
            ui.bar_chart(cells, "district", pub, message("kpi.referrals", language)),
            ui.largest_line(pub, cells, "district", "twelve_months", window, language) or "",
            cells,
            pub,
            {"district": message("column.district"), "value": message("column.referrals")},
            pub.table_id(table),
            "districts",
        )


def focus_areas(pub, language: str) -> None:
    """List the community-suggested focus areas."""
    focus = pub.frame("focus_areas_by_neighborhood")
    focus = focus[focus["value"] > 0]
    st.header(message("neighborhoods.focus", language), anchor=False)
    st.dataframe(
        ui.display_table(
            focus,
            pub,
            {
                "neighborhood": message("common.neighborhood"),
                "topic": message("column.topic"),
                "suggested_by": message("column.suggested_by"),
                "status": message("column.status"),
                "value": message("column.focus_areas"),
            },
        ),
        hide_index=True,
        key="focus",
    )


def _largest_precinct(pub, frame, grain, period, language) -> str:
    """Return the sentence naming the largest published precinct of the period (out of the city's referrals)."""
    total = pub.figure("referrals_by_year" if grain == "year" else "referrals_by_quarter", **{grain: period}).value
    return ui.largest_line(pub, frame, "precinct", grain, period, language, total) or ""
