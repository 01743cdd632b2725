"""Briefing: a projector-friendly, printable page for elected officials."""

from __future__ import annotations

from dashboard import components as ui
from dashboard import locale
from dashboard.data import current_publication, settings
from dashboard.sections import briefing


def render() -> None:
    language = locale.current()
    pub = current_publication()
    if not ui.section(pub, "referrals_by_quarter", language=language):
        return
    period = briefing.choose_quarter(pub, language)
    configured = settings()
    briefing.heading(pub, period, configured, language)
    briefing.headline(pub, period, language)
    briefing.small_trend(pub, period, language)
    briefing.comparisons(pub, period, language)
    briefing.fixable(pub, period, configured, language)
    ui.footnotes(pub, language, unstable=True)
    briefing.closing(configured, language)
