"""The sections of People served: the year chosen, its enrollments by each characteristic (gender, race and
ethnicity, age, housing at intake), and contacts by staff role.

Must not import ``pages``, ``data_access``, ``aggregation`` or SQLAlchemy.
"""

from __future__ import annotations

from dashboard import components as ui
from dashboard.catalog import message

BREAKDOWNS = (  # (declared tables, codes first and then their coarser groups; title message)
    (("enrollments_by_year_gender", "enrollments_by_year_gender_group"), "people.by_gender"),
    (("enrollments_by_year_race_ethnicity", "enrollments_by_year_race_ethnicity_group"), "people.by_race"),
    (("enrollments_by_year_age_band",), "people.by_age"),
    (("enrollments_by_year_housing",), "people.by_housing"),
)


def choose_year(pub, language: str) -> str:
    """Return the year chosen (``?year=``): the latest whole one by default (the latest, when none is whole)."""
    years = pub.periods("enrollments_by_year", complete_only=True) or pub.periods("enrollments_by_year")
    return ui.choose(message("common.year", language), years, "year", years[-1], lambda y: pub.label("year", y))


def breakdowns(pub, year: str, language: str) -> None:
    """Chart the year's enrollments by each characteristic, from its codes or their coarser groups, whichever
    withholds less."""
    total = pub.figure("enrollments_by_year", year=year).value
    for tables, title in BREAKDOWNS:
        if ui.section(pub, tables[0], language=language):
            table = pub.least_withheld(*tables, year=year)
            dimension = pub.breakdown(table)
            assert dimension is not None  # each of these tables is broken down by one characteristic
            _breakdown(
                pub,
                table,
                dimension,
                title,
                year,
                total,
                language,
                note=ui.grouped_note(pub, tables[0], table),
            )


def _breakdown(
    pub, table: str, dimension: str, title: str, year: str, total: float | None, language: str, note: str = ""
) -> None:
    """Chart one year's enrollments by one characteristic (``note``: the note when by coarser groups),
    with the largest group in a sentence."""
    cells = pub.frame(table)
    cells = cells[cells["year"] == year]
    ui.chart_with_table(
        message(title, language),
        ui.bar_chart(cells, dimension, pub, message("people.enrollments", language)),
        ui.largest_line(pub, cells, dimension, "year", year, language, total)
        or message("summary.no_data", language, what=message(title, language)),
        cells,
        pub,
        {dimension: message(title, language), "value": message("people.enrollments", language)},
        pub.table_id(table),
        f"people_{dimension}",
        coarser=ui.coarser_figure(pub, "enrollments_by_year", message("common.enrollments", language), "year", year),
        note=note,
    )


def contacts(pub, language: str) -> None:
    """Chart contacts by staff role over the last eight periods of the published grain."""
    table = "contacts_by_month_staff_role"
    grain = pub.grain(table)
    periods = pub.periods(table, complete_only=True)[-8:]
    cells = pub.frame(table, **{grain: periods})
    peers = cells[cells["staff_role"] == "peer_outreach"]
    ui.chart_with_table(
        message("people.contacts", language),
        ui.line_chart(cells, grain, "staff_role", pub, message("people.contacts_axis", language), kind="bar"),
        ui.trend_line(pub, peers, grain, message("people.peer_contacts", language), language),
        cells,
        pub,
        {
            grain: message(f"common.{grain}", language),
            "staff_role": message("people.role", language),
            "value": message("people.contacts_axis", language),
        },
        pub.table_id(table),
        "contacts_by_role",
    )
