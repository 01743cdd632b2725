"""Entry script of the Streamlit app: settings, navigation, and the pages.

Until the protected publication exists, it shows one page saying the dashboard
is being built, and no figure. Must not import ``data_access`` or SQLAlchemy.
"""

from __future__ import annotations

import streamlit as st

from dashboard.settings import SettingsError, load_settings

st.set_page_config(page_title="LEAD public dashboard", page_icon=None, layout="wide")


@st.cache_resource(show_spinner="Preparing the demo database (first run only)...")
def _prepare_source(settings) -> str:
    from publishing.source import database_url

    database_url(settings)
    return settings.mode


def being_built() -> None:
    """Say that the dashboard is being built; show no figure."""
    st.title("LEAD public dashboard")
    st.write(
        "This dashboard is being built. It will show referrals, people served, services and "
        "obstacles of the Law Enforcement Assisted Diversion program, by month and neighborhood, "
        "with every small count protected. No figure is shown until it is protected."
    )


def main() -> None:
    try:
        settings = load_settings()
    except SettingsError as error:
        st.error(f"The dashboard is misconfigured: {error}")
        return
    if settings.mode != "snapshot":
        try:
            _prepare_source(settings)
        except Exception:
            st.warning("The program database cannot be reached right now. Please try again later.")
    page = st.navigation([st.Page(being_built, title="Welcome", url_path="welcome", default=True)])
    page.run()


main()
