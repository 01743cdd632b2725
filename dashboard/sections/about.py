"""The sections of About the data: the glossary, protection and coverage, the releases and what changed, the
tables' definitions, research elsewhere, the downloads and the map's boundaries.

Must not import ``pages``, ``data_access``, ``aggregation`` or SQLAlchemy.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import zipfile
from pathlib import Path

import pandas as pd
import streamlit as st

from core.settings import Settings
from dashboard import components as ui
from dashboard import text
from dashboard.catalog import (
    code_label,
    dimension_name,
    message,
    research_metric,
    research_unit,
    research_value,
    table_title,
    unit_name,
)
from dashboard.data import RELEASE_PARAM
from dashboard.published import SUPPRESSED, Publication, month_label

log = logging.getLogger(__name__)
RESEARCH = Path(__file__).resolve().parent.parent / "research" / "lead-published-figures.csv"


def glossary(pub) -> None:
    """Explain the words readers stumble on, with the precincts spelled out."""
    st.header(message("about.glossary"), anchor=False)
    precincts = pub.domain("precinct")
    named = ", ".join(
        text.markdown(
            f"{pub.label('precinct', p)} ({p})" if pub.label("precinct", p) != p else pub.label("precinct", p)
        )
        for p in precincts
    )
    for word in (
        "pathway",
        "arrest_diversion",
        "social_contact",
        "community_referral",
        "intake",
        "case_manager",
        "peer_outreach",
        "precinct",
        "district",
        "median",
        "to_date",
        "suppressed",
    ):
        st.markdown("- " + message(f"glossary.{word}", precincts=named or "—", symbol=SUPPRESSED, k=pub.threshold))


def protection_and_coverage(pub: Publication, language: str) -> None:
    """Say how small numbers are protected and which months the release covers."""
    st.header(message("about.protection", language), anchor=False)
    k = pub.threshold
    st.write(message("about.protection_text", language, k=k, k_minus_1=k - 1))
    ui.footnotes(pub, language)
    st.header(message("about.coverage", language), anchor=False)
    st.write(message("about.coverage_text", language, **ui.release_span(pub)))


def releases(served, language: str, k: int) -> None:
    """List every release with its date and link, what changed since the previous one, and the policy."""
    st.header(message("about.releases", language), anchor=False)
    st.write(message("about.releases_text", language))
    entry = served.choice.entry
    st.write(message("about.release_viewing", language, id=entry["id"]))
    rows = []
    for item in reversed(served.index["releases"]):
        withdrawn = item.get("withdrawn") or {}
        rows.append(
            {
                message("column.release"): item["id"],
                message("column.months"): message(
                    "period.range", first=month_label(item["first_month"]), last=month_label(item["last_month"])
                ),
                message("column.release_kind"): message(
                    "release.revision" if item.get("revision") else "release.regular"
                ),
                message("column.revised_figures"): sum(r.get("cells", 0) for r in item.get("revised", [])),
                message("column.withdrawn"): f"{withdrawn.get('on', '')}: {withdrawn.get('reason', '')}"
                if withdrawn
                else "",
            }
        )
    st.subheader(message("about.release_list", language), anchor=False)
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="releases")
    for item in reversed(served.index["releases"]):
        if not item.get("withdrawn") and item["id"] != entry["id"]:
            # ids are dates checked against YYYY-MM-DD when the index is read: safe in a link
            st.markdown(f"[{message('about.release_link', language, id=item['id'])}](?{RELEASE_PARAM}={item['id']})")
    _changes_since_previous(served, entry, language)
    st.subheader(message("about.revision_policy", language), anchor=False)
    st.write(message("about.revision_policy_text", language, k_minus_1=k - 1))


def _changes_since_previous(served, entry: dict, language: str) -> None:
    """Say which periods are new since the previous release and which published figures were revised."""
    from dashboard.data import load_release
    from dashboard.releases import changes, previous_entry

    previous = previous_entry(served.index, entry)
    if previous is None:
        st.write(message("about.first_release", language))
        return
    st.subheader(message("about.changed", language, previous=previous["id"]), anchor=False)
    periods, revised = changes(load_release(served.archive, previous), served.publication)
    if periods:
        shown = Publication(served.publication)
        st.write(
            message(
                "about.changed_periods",
                language,
                periods=", ".join(shown.label(grain, key) for grain, key in periods),
            )
        )
    if not revised:
        st.write(message("about.changed_none", language))
        return
    st.write(message("about.changed_revised", language))
    st.dataframe(
        pd.DataFrame(
            [
                {
                    message("column.table"): r.table_title,
                    message("column.cell"): r.cell,
                    message("column.before"): r.old,
                    message("column.now"): r.new,
                }
                for r in revised
            ]
        ),
        hide_index=True,
        key="revised",
    )


def definitions(pub: Publication, language: str) -> None:
    """List every table: what it counts, by what, and whether it is pooled to a coarser grain."""
    st.header(message("about.what", language), anchor=False)
    rows = [
        {
            message("column.table"): table_title(t.id, t.title),
            message("column.counts"): unit_name(t.unit),
            message("column.by"): ", ".join(dimension_name(d) for d in t.dimensions) or "—",
            message("column.note"): message(
                "pooled.note", language, grain=", ".join(dimension_name(d) for d in t.dimensions)
            )
            if t.pooled_from
            else "",
        }
        for t in pub.tables
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="definitions")


def research(language: str) -> None:
    """Show other LEAD sites' published figures, with their citations."""
    st.header(message("about.research", language), anchor=False)
    st.caption(message("about.research_note", language))
    try:
        research = pd.read_csv(RESEARCH)
        shown = pd.DataFrame(
            {
                message("column.where"): research["site"],
                message("column.what"): [research_metric(m) for m in research["metric"]],
                message("column.figure"): [research_value(v) for v in research["value"]],
                message("column.unit"): [research_unit(u) for u in research["unit"]],
                message("column.citation"): research["source_citation"],  # titles of published studies, as published
            }
        )
        st.dataframe(shown, hide_index=True, key="research")
    except (OSError, KeyError, ValueError):
        log.exception("the research figures %s cannot be read", RESEARCH)
        st.caption(message("app.unavailable", language))


def downloads(pub: Publication, language: str) -> None:
    """Offer the whole publication, the data dictionary and every table as CSV."""
    st.header(message("about.downloads", language), anchor=False)
    st.download_button(
        message("about.download_all", language),
        _archive(pub),
        "lead-publication.zip",
        "application/zip",
        key="download_all",
        on_click="ignore",
    )
    st.download_button(
        message("about.dictionary", language),
        _dictionary(pub),
        "data-dictionary.csv",
        "text/csv",
        key="download_dictionary",
        on_click="ignore",
    )
    titles = [table_title(t.id, t.title) for t in pub.tables]
    for table, title in zip(pub.tables, titles, strict=False):
        if titles.count(title) > 1 and table.pooled_from:  # a table and another pooled to its grain
            title = message("about.pooled_download", title=title)
        frame = pub.frame(table.id).map(text.csv_cell)
        st.download_button(
            message("common.download_csv_for", title=title),
            frame.to_csv(index=False).encode(),
            f"{table.id}.csv",
            "text/csv",
            key=f"download_{table.id}",
            on_click="ignore",
        )


def _archive(pub: Publication) -> bytes:
    from core.publication_files import datapackage, table_csv

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("publication.json", json.dumps(pub.model.to_json(), indent=1))
        archive.writestr("datapackage.json", json.dumps(datapackage(pub.model), indent=1))
        for table in pub.tables:
            archive.writestr(f"tables/{table.id}.csv", table_csv(table))
    return buffer.getvalue()


def _dictionary(pub: Publication) -> bytes:
    """Return the data dictionary: each table with its title, unit and dimensions in English and Spanish, then
    each code with its name in both (the CSV files keep codes and English column names: they are data)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "table",
            "title",
            "title_es",
            "measure",
            "unit",
            "unit_es",
            "dimensions",
            "dimensions_es",
            "filters",
            "additive",
            "pooled_from",
        ]
    )
    for table in pub.tables:
        writer.writerow(
            [
                table.id,
                text.csv_cell(table.title),
                table_title(table.id, table.title, "es"),
                table.measure,
                table.unit,
                unit_name(table.unit, "es"),
                " x ".join(table.dimensions),
                " x ".join(dimension_name(d, "es") for d in table.dimensions),
                json.dumps(dict(table.filters)),
                table.additive,
                table.pooled_from or "",
            ]
        )
    writer.writerow([])
    writer.writerow(["dimension", "code", "name", "name_es"])
    for dimension, codes in pub.labels.items():
        for code in codes:
            writer.writerow(
                [
                    dimension,
                    text.csv_cell(code),
                    text.csv_cell(code_label(dimension, code, "en") or pub.labels[dimension][code]),
                    text.csv_cell(code_label(dimension, code, "es") or pub.labels[dimension][code]),
                ]
            )
    return buffer.getvalue().encode()


def boundaries(pub: Publication, configured: Settings, language: str) -> None:
    """Say whether the map's boundaries file has a polygon for every neighborhood, and no other."""
    st.header(message("about.boundaries", language), anchor=False)
    keys = ui.boundary_keys(configured.boundaries, configured.neighborhood_key)
    hoods = set(pub.domain("neighborhood"))
    if keys is None:
        st.write(message("about.boundaries_unreadable", language))
        return
    missing, extra = sorted(hoods - keys), sorted(keys - hoods)
    if not missing and not extra:
        st.write(message("about.boundaries_ok", language))
    if missing:
        st.write(
            message(
                "about.no_polygon",
                language,
                names=", ".join(text.markdown(pub.label("neighborhood", h)) for h in missing),
            )
        )
    if extra:
        st.write(message("about.no_neighborhood", language, names=", ".join(text.markdown(k) for k in extra)))
