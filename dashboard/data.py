"""Where the app gets its publication: a snapshot directory, or one built from the database.

Built once and cached with a lifetime (``st.cache_data``), never per viewer.
Live publications are audited before they are shown. Must not import
``data_access`` or SQLAlchemy.
"""

from __future__ import annotations

import logging
from pathlib import Path

import streamlit as st

from dashboard.published import Publication
from dashboard.settings import Settings, SettingsError, load_settings

log = logging.getLogger(__name__)


class PublicationUnavailable(RuntimeError):
    """The figures cannot be shown right now (no database, failed validation or audit)."""


def _build_live(settings: Settings) -> dict:
    from aggregation.audit import audit_publication
    from publishing.build import build_from_database, truth_for
    from publishing.files import PublicationError, read_publication, write_publication
    from publishing.source import database_url

    url = database_url(settings)
    cached = None
    if settings.mode == "demo":
        cached = settings.demo_db_path.with_name(settings.demo_db_path.stem + "-publication")
        database = settings.demo_db_path
        if (cached / "publication.json").is_file() and (cached / "publication.json").stat().st_mtime >= database.stat().st_mtime:
            try:
                document = read_publication(cached)
                if document["release"]["threshold"] == settings.threshold:
                    return document
            except PublicationError:
                pass
    publication, _, _ = build_from_database(url, threshold=settings.threshold,
                                            source="demo" if settings.mode == "demo" else "database")
    audit = audit_publication(publication, truth_for(url, publication))
    if not audit.passed:
        raise PublicationUnavailable("the publication failed its audit")
    if cached is not None:
        write_publication(publication, cached)
    return publication


def _load(settings: Settings) -> dict:
    if settings.mode == "snapshot":
        from publishing.files import read_publication

        return read_publication(settings.publication_dir)
    return _build_live(settings)


def _ttl_seconds() -> int:
    try:
        return load_settings().cache_ttl_seconds
    except SettingsError:
        return 3600


_cached_document = st.cache_data(ttl=_ttl_seconds(), max_entries=2, show_spinner=False)(_load)


def settings() -> Settings:
    """Return the settings, or stop the page with one calm sentence."""
    from dashboard.catalog import message

    try:
        return load_settings()
    except SettingsError:
        log.exception("bad settings")
        st.error(message("app.misconfigured"))
        st.stop()


def current_publication() -> Publication:
    """Return the publication, or stop the page with one calm sentence (no traceback)."""
    from dashboard.catalog import message

    configured = settings()
    try:
        with st.spinner(message("app.building")):
            document = _cached_document(configured)
    except Exception:  # any failure becomes one sentence; details go to the server log only
        log.exception("publication unavailable")
        st.warning(message("app.unavailable"))
        st.stop()
    return Publication(document)
