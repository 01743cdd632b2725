"""Shared fixtures: the small demo database (SQLite) and a PostgreSQL server."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.postgres_server import PostgresUnavailable, create_database, postgres_admin_url

DEMO_AS_OF = dt.date(2026, 10, 31)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def postgres_admin():
    """An admin URL of a PostgreSQL server; fails in CI, skips elsewhere, when none is available."""
    try:
        with postgres_admin_url() as url:
            yield url
    except PostgresUnavailable as error:
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI: {error}")
        pytest.skip(f"PostgreSQL unavailable: {error}")


@pytest.fixture()
def postgres_url(postgres_admin):
    """A fresh, empty PostgreSQL database for one test."""
    return create_database(postgres_admin)
