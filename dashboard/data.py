"""Where the app gets its figures: a release of an archive, or one snapshot publication.

Reads published files only: nothing is built, queried or audited in the web process
(``lead-dashboard release`` does that, on a schedule). ``index.json`` is re-read when it
changes. Must not import ``data_access``, ``publishing.build`` or SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from core.release_model import Release
from core.settings import Settings, SettingsError, load_settings
from dashboard import releases
from dashboard.published import Publication, month_label

log = logging.getLogger(__name__)

RELEASE_PARAM = "release"


class PublicationUnavailable(RuntimeError):
    """The figures cannot be shown right now (no archive yet, unreadable files)."""


@dataclass(frozen=True)
class Served:
    """What the app shows: the publication, and the archive it comes from (None in snapshot mode)."""

    publication: Release
    index: dict | None = None
    choice: releases.Choice | None = None
    archive: Path | None = None


# Releases are shared, frozen objects (st.cache_resource): one copy per release in memory, at most
# four releases, never a copy per page view.
@st.cache_resource(max_entries=4, show_spinner=False)
def _index(archive: str, stamp: tuple[int, int]) -> dict:
    return releases.load_index(Path(archive))


@st.cache_resource(max_entries=4, show_spinner=False)
def _release(archive: str, entry_id: str, sha256: str | None, _entry: dict) -> Release:
    return releases.load_release(Path(archive), _entry)  # keyed by id and checksum: a withdrawal reloads nothing


@st.cache_resource(max_entries=2, show_spinner=False)
def _snapshot(directory: str, stamp: int) -> Release:
    from core.publication_files import read_publication

    return read_publication(Path(directory))


def settings() -> Settings:
    """Return the settings, or stop the page with one calm sentence."""
    from dashboard.catalog import message

    try:
        return load_settings()
    except SettingsError:
        log.exception("bad settings")
        st.error(message("app.misconfigured"))
        st.stop()


def load_archive_index(archive: Path) -> dict:
    """Return the archive's index (cached until index.json changes)."""
    try:
        stamp = releases.index_stamp(archive)
    except OSError as error:
        raise PublicationUnavailable(f"{archive}: {error}") from None
    return _index(str(archive), stamp)


def _served(configured: Settings) -> Served:
    if configured.mode == "snapshot":
        assert configured.publication_dir is not None  # snapshot mode: LEAD_PUBLICATION is set
        path = Path(configured.publication_dir) / "publication.json"
        try:
            stamp = path.stat().st_mtime_ns
        except OSError as error:
            raise PublicationUnavailable(f"{path}: {error}") from None
        return Served(_snapshot(str(configured.publication_dir), stamp))
    archive = configured.served_archive
    if archive is None:  # a database URL alone: the app never builds a publication itself
        raise PublicationUnavailable("no archive")
    index = load_archive_index(archive)
    choice = releases.choose(index, st.query_params.get(RELEASE_PARAM))
    if choice is None:
        raise PublicationUnavailable(f"{archive} offers no release")
    return Served(load_release(Path(archive), choice.entry), index, choice, Path(archive))


def load_release(archive: Path, entry: dict) -> Release:
    """Return another release's publication from the same archive (cached)."""
    return _release(str(archive), entry["id"], entry.get("sha256"), entry)


@functools.lru_cache(maxsize=8)
def _log_late(release_id: str, due: dt.date) -> None:
    """Log once, not on every page view, that the newest release is late."""
    log.warning("the newest release %s is late: the next was due by %s", release_id, due.isoformat())


def current() -> Served:
    """Return what the app serves, or stop the page with one calm sentence (details in the log only)."""
    from dashboard.catalog import message

    configured = settings()
    try:
        served = _served(configured)
    except PublicationUnavailable as error:
        if configured.mode == "live":
            log.warning(
                "LEAD_DB_URL is set but the app serves archives only: run `lead-dashboard release --db URL "
                "--archive DIR` on a schedule and set LEAD_ARCHIVE=DIR"
            )
            st.info(message("app.no_archive"))
        elif configured.mode == "demo":
            log.warning(
                "the demo archive %s is not built: start the app with scripts/run-dashboard (%s)",
                configured.demo_archive_dir,
                error,
            )
            st.info(message("app.no_demo_archive"))
        else:
            log.warning("publication unavailable: %s", error)
            st.warning(message("app.unavailable"))
        st.stop()
    except Exception:  # any failure becomes one sentence; details go to the server log only
        log.exception("publication unavailable")
        st.warning(message("app.unavailable"))
        st.stop()
    if served.choice is not None and served.choice.note:
        st.info(message(served.choice.note, **dict(served.choice.note_fields)))
        st.query_params[RELEASE_PARAM] = served.choice.entry["id"]
    if served.index is not None:
        newest = releases.offered(served.index)[-1]
        cadence = served.publication.release.cadence or configured.release_cadence
        due = releases.stale(newest, cadence, dt.date.today(), configured.stale_grace_days)
        if due is not None:
            _log_late(newest["id"], due)
            st.warning(message("app.stale", month=month_label(newest["last_month"]), due=due.isoformat()))
    return served


def current_publication() -> Publication:
    """Return the publication to show, or stop the page with one calm sentence."""
    return Publication(current().publication)
