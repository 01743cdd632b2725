"""About the data: definitions, protection, coverage, research elsewhere, downloads, contact."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import components as ui, text
from dashboard.catalog import message
from dashboard.data import current, settings
from dashboard.published import Publication
from dashboard.published import month_label

RELEASE_QUERY = "release"
RESEARCH = Path(__file__).resolve().parent.parent / "dashboard" / "research" / "lead-published-figures.csv"


def _dictionary(pub) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["table", "title", "measure", "unit", "dimensions", "filters", "additive", "pooled_from"])
    for table in pub.tables:
        writer.writerow([table["id"], table["title"], table["measure"], table["unit"], " x ".join(table["dimensions"]),
                         json.dumps(table["filters"]), table["additive"], table.get("pooled_from", "")])
    return buffer.getvalue().encode()


def _archive(pub) -> bytes:
    from publishing.files import datapackage, table_csv

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("publication.json", json.dumps(pub.document, indent=1))
        archive.writestr("datapackage.json", json.dumps(datapackage(pub.document), indent=1))
        for table in pub.tables:
            archive.writestr(f"tables/{table['id']}.csv", table_csv(table))
    return buffer.getvalue()


def _releases(served, language: str, k: int) -> None:
    """List every release with its date and link, what changed since the previous one, and the policy."""
    from dashboard.data import load_release_document
    from dashboard.releases import changes, previous_entry

    st.header(message("about.releases", language))
    st.write(message("about.releases_text", language))
    entry = served.choice.entry
    st.write(message("about.release_viewing", language, id=entry["id"]))
    rows = []
    for item in reversed(served.index["releases"]):
        withdrawn = item.get("withdrawn") or {}
        rows.append({
            "Release": item["id"],
            "Months": f"{month_label(item['first_month'])} to {month_label(item['last_month'])}",
            "Kind": "revision" if item.get("revision") else "regular",
            "Revised figures": sum(r.get("cells", 0) for r in item.get("revised", [])),
            "Withdrawn": f"{withdrawn.get('on', '')}: {withdrawn.get('reason', '')}" if withdrawn else "",
        })
    st.subheader(message("about.release_list", language))
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="releases")
    for item in reversed(served.index["releases"]):
        if not item.get("withdrawn") and item["id"] != entry["id"]:
            # ids are dates checked against YYYY-MM-DD when the index is read: safe in a link
            st.markdown(f"[{message('about.release_link', language, id=item['id'])}](?{RELEASE_QUERY}={item['id']})")
    previous = previous_entry(served.index, entry)
    if previous is None:
        st.write(message("about.first_release", language))
    else:
        st.subheader(message("about.changed", language, previous=previous["id"]))
        periods, revised = changes(load_release_document(served.archive, previous), served.document)
        if periods:
            shown = Publication(served.document)
            st.write(message("about.changed_periods", language,
                             periods=", ".join(shown.label(grain, key) for grain, key in periods)))
        if revised:
            st.write(message("about.changed_revised", language))
            st.dataframe(pd.DataFrame([{"Table": r.table_title, "Cell": r.cell, "Before": r.old, "Now": r.new}
                                       for r in revised]), hide_index=True, key="revised")
        else:
            st.write(message("about.changed_none", language))
    st.subheader(message("about.revision_policy", language))
    st.write(message("about.revision_policy_text", language, k_minus_1=k - 1))


def render() -> None:
    configured = settings()
    language = configured.language
    served = current()
    pub = Publication(served.document)
    release = pub.release
    st.title(message("about.title", language))

    st.header(message("about.protection", language))
    k = pub.threshold
    st.write(message("about.protection_text", language, k=k, k_minus_1=k - 1))
    ui.footnotes(pub, language)

    st.header(message("about.coverage", language))
    st.write(message("about.coverage_text", language, as_of=release["as_of"], first=month_label(release["first_month"]),
                     last=month_label(release["last_month"])))

    if served.index is not None:
        _releases(served, language, k)

    st.header(message("about.what", language))
    rows = [{"Table": t["title"], "Counts": t["unit"], "By": ", ".join(t["dimensions"]) or "—",
             "Note": message("pooled.note", language, grain=" and ".join(t["dimensions"])) if t.get("pooled_from") else ""}
            for t in pub.tables]
    st.dataframe(pd.DataFrame(rows), hide_index=True, key="definitions")

    st.header(message("about.research", language))
    st.caption(message("about.research_note", language))
    try:
        research = pd.read_csv(RESEARCH)
        shown = research[["site", "metric", "value", "unit", "source_citation"]].rename(columns={
            "site": "Where", "metric": "What", "value": "Figure", "unit": "Unit", "source_citation": "Source"})
        shown["What"] = shown["What"].str.replace("_", " ")
        st.dataframe(shown, hide_index=True, key="research")
    except (OSError, KeyError, ValueError):
        st.caption(message("app.unavailable", language))

    st.header(message("about.downloads", language))
    st.download_button(message("about.download_all", language), _archive(pub), "lead-publication.zip",
                       "application/zip", key="download_all", on_click="ignore")
    st.download_button(message("about.dictionary", language), _dictionary(pub), "data-dictionary.csv", "text/csv",
                       key="download_dictionary", on_click="ignore")
    for table in pub.tables:
        frame = pub.frame(table["id"]).map(text.csv_cell)
        st.download_button(f"{table['title']} (CSV)", frame.to_csv(index=False).encode(), f"{table['id']}.csv",
                           "text/csv", key=f"download_{table['id']}", on_click="ignore")

    st.header(message("about.boundaries", language))
    keys = ui.boundary_keys(configured.boundaries, configured.neighborhood_key)
    hoods = {h for h in pub.document["domains"]["neighborhood"] if h != "unknown"}
    missing, extra = sorted(hoods - keys), sorted(keys - hoods)
    if not missing and not extra:
        st.write(message("about.boundaries_ok", language))
    if missing:
        st.write(message("about.no_polygon", language,
                         names=", ".join(text.markdown(pub.label("neighborhood", h)) for h in missing)))
    if extra:
        st.write(message("about.no_neighborhood", language, names=", ".join(text.markdown(k) for k in extra)))

    st.write(message("about.contact", language, contact=configured.contact))
