"""Neighborhoods: the map, precincts, a ranked table and community focus areas."""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import locale
from dashboard.catalog import message
from dashboard.data import current_publication, settings
from dashboard.sections import neighborhoods


def render() -> None:
    configured = settings()
    language = locale.current()
    pub = current_publication()
    st.title(message("neighborhoods.title", language), anchor=False)
    st.write(message("neighborhoods.intro", language))
    if ui.section(
        pub, "referrals_by_neighborhood_quarter", "referrals_by_quarter", "referrals_by_year", language=language
    ):
        neighborhoods.referrals_by_place(pub, configured, language)
    if ui.section(pub, "focus_areas_by_neighborhood", language=language):
        neighborhoods.focus_areas(pub, language)
    ui.footnotes(pub, language)
