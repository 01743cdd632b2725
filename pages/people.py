"""People served: who enrolls (gender, race and ethnicity, age, housing at intake) and who meets them
(contacts by staff role), for accountability on cultural competency and peer outreach."""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import locale
from dashboard.catalog import message
from dashboard.data import current_publication
from dashboard.sections import people


def render() -> None:
    language = locale.current()
    pub = current_publication()
    st.title(message("people.title", language), anchor=False)
    st.write(message("people.intro", language))
    ui.as_of_line(pub, language)
    if ui.section(pub, "enrollments_by_year", language=language):
        year = people.choose_year(pub, language)
        people.breakdowns(pub, year, language)
    if ui.section(pub, "contacts_by_month_staff_role", language=language):
        people.contacts(pub, language)
    ui.footnotes(pub, language)
