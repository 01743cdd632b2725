"""About the data: definitions, protection, coverage, research elsewhere, downloads, contact."""

from __future__ import annotations

import streamlit as st

from dashboard import locale
from dashboard.catalog import message
from dashboard.data import current, settings
from dashboard.published import Publication
from dashboard.sections import about


def render() -> None:
    configured = settings()
    language = locale.current()
    served = current()
    pub = Publication(served.publication)
    st.title(message("about.title", language), anchor=False)
    about.glossary(pub)
    about.protection_and_coverage(pub, language)
    if served.index is not None:
        about.releases(served, language, pub.threshold)
    about.definitions(pub, language)
    about.research(language)
    about.downloads(pub, language)
    about.boundaries(pub, configured, language)
    st.write(message("about.contact", language, contact=configured.contact))
