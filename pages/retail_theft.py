"""Retail theft: shoplifting and other theft diversions, for business associations."""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import locale
from dashboard.catalog import message
from dashboard.data import current_publication
from dashboard.sections import retail_theft
from dashboard.sections.retail_theft import BUSINESS_DISTRICTS_TOGETHER


def render() -> None:
    language = locale.current()
    pub = current_publication()
    st.title(message("retail.title", language), anchor=False)
    st.write(message("retail.intro", language))
    period = retail_theft.choose_period(pub, language)  # one choice, at the top, drives the districts and outcomes
    ui.as_of_line(pub, language)
    if ui.section(pub, "theft_referrals_by_month", language=language):
        retail_theft.theft_trend(pub, language)
    if ui.section(pub, BUSINESS_DISTRICTS_TOGETHER, language=language):
        retail_theft.business_districts_trend(pub, language)
    if period and ui.section(pub, "theft_referrals_by_business_district_quarter", language=language):
        retail_theft.by_district(pub, period, language)
    if period and ui.section(pub, "theft_referrals_by_quarter_outcome", language=language):
        retail_theft.by_outcome(pub, period, language)
    if ui.section(pub, "focus_areas_by_neighborhood", language=language):
        retail_theft.business_focus(pub, language)
    ui.footnotes(pub, language)
