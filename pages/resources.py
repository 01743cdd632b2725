"""Resources and obstacles: services, waits, obstacles and caseloads, with plain sentences."""

from __future__ import annotations

import streamlit as st

from dashboard import components as ui
from dashboard import locale
from dashboard.catalog import message
from dashboard.data import current_publication
from dashboard.sections import resources
from dashboard.sections.resources import MEDIANS, OBSTACLES, OPEN, REQUESTED, WAITING


def render() -> None:
    language = locale.current()
    pub = current_publication()
    st.title(message("resources.title", language), anchor=False)
    st.write(message("resources.intro", language))
    bottlenecks: list[str | None] = []
    period = None
    if ui.section(pub, REQUESTED, language=language):
        period = resources.choose_period(pub, language)
        resources.services(pub, period, language)
    if ui.section(pub, MEDIANS, language=language):
        bottlenecks.append(resources.medians(pub, language))
    if ui.section(pub, OBSTACLES, language=language):
        bottlenecks.append(resources.obstacles(pub, period, language))
    if ui.section(pub, OPEN, language=language):
        resources.open_obstacles(pub, language)
    if ui.section(pub, WAITING, language=language):
        bottlenecks.append(resources.waiting(pub, language))
    if ui.section(pub, "case_managers_by_month", "active_participants_by_month", language=language):
        bottlenecks.append(resources.caseload(pub, language))
    resources.bottlenecks(bottlenecks)
    ui.footnotes(pub, language)
