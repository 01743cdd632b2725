"""Where the figures come from: the configured database, or the demo database built on first run.

Must not import Streamlit.
"""

from __future__ import annotations

from pathlib import Path

from core.settings import Settings


def ensure_demo_database(settings: Settings) -> Path:
    """Build the seeded demo SQLite database once, at the configured path; return the path."""
    from data_access.demo import build_demo_database

    path = settings.demo_db_path
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        build_demo_database(f"sqlite:///{path.resolve()}", seed=settings.demo_seed, scale="small")
    return path


def database_url(settings: Settings) -> str:
    """Return the URL of the program database: the configured one, else the demo database."""
    if settings.db_url:
        return settings.db_url
    return f"sqlite:///{ensure_demo_database(settings).resolve()}"
