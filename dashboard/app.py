"""Entry script of the Streamlit app: page setup, navigation and the seven pages.

Must not import ``data_access`` or SQLAlchemy; pages get published figures
from ``dashboard.data``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # `streamlit run dashboard/app.py` puts only dashboard/ on the path
    sys.path.insert(0, str(ROOT))

import streamlit as st  # noqa: E402

from dashboard.catalog import message  # noqa: E402
from dashboard.components import language_switch, reader_language  # noqa: E402
from dashboard.data import settings  # noqa: E402
from dashboard.style import apply_style  # noqa: E402
from pages import about, briefing, monthly, neighborhoods, people, resources, retail_theft  # noqa: E402

st.set_page_config(page_title=message("app.title"), layout="wide", initial_sidebar_state="auto")
language = reader_language(settings().language)  # first: every text below is in the reader's language
apply_style()

PAGES = [
    # The home page answers at the site's root and at its own path, /monthly, which links and shared
    # URLs use; the second entry is hidden from the menu by dashboard/style.py.
    st.Page(monthly.render, title=message("nav.monthly"), url_path="home", default=True),
    st.Page(monthly.render, title=message("nav.monthly"), url_path="monthly"),
    st.Page(neighborhoods.render, title=message("nav.neighborhoods"), url_path="neighborhoods"),
    st.Page(resources.render, title=message("nav.resources"), url_path="resources"),
    st.Page(retail_theft.render, title=message("nav.retail"), url_path="retail-theft"),
    st.Page(people.render, title=message("nav.people"), url_path="people"),
    st.Page(briefing.render, title=message("nav.briefing"), url_path="briefing"),
    st.Page(about.render, title=message("nav.about"), url_path="about"),
]

current = st.navigation(PAGES, position="top")
language_switch(current, language)
current.run()
