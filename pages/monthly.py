"""Monthly results: the home page, for neighborhood leaders."""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import locale, places
from dashboard.catalog import message
from dashboard.data import current_publication
from dashboard.published import month_label
from dashboard.sections import monthly


def render() -> None:
    language = locale.current()
    pub = current_publication()
    st.title(message("monthly.title", language), anchor=False)
    if not ui.section(pub, "referrals_by_month", language=language):
        return
    place_column, month_column = st.columns(2)  # side by side on a wide screen, stacked on a phone
    with place_column:
        place = monthly.choose_place(pub, language)
    with month_column:
        month = monthly.choose_month(pub, language)
    ui.as_of_line(pub, language)
    if place != places.CITY:
        monthly.place(pub, place, language)
        st.header(message("monthly.city_header", language), anchor=False)
        st.write(message("monthly.city_only", language))
    st.write(message("monthly.intro", language, month=month_label(month)))
    monthly.headline(pub, month, language)
    if ui.section(pub, "referrals_by_month_pathway", language=language):
        monthly.pathways(pub, month, language)
    if ui.section(pub, "referrals_by_month_source", "referrals_by_quarter", language=language):
        monthly.sources(pub, language)
    if ui.section(pub, "referrals_by_month_outcome", "referrals_by_quarter", language=language):
        monthly.funnel(pub, month, language)
    ui.footnotes(pub, language)
