"""Shared fixtures: the small demo database (SQLite) and a PostgreSQL server."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.environment import DEMO_AS_OF, IN_CI  # noqa: F401  (IN_CI: read by the fixtures' callers)
from tests.postgres_server import PostgresUnavailable, create_database, postgres_admin_url


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


@pytest.fixture(scope="session")
def demo_database(tmp_path_factory):
    """The small demo database as of DEMO_AS_OF (SQLite), built once per session."""
    from data_access.demo import build_demo_database

    path = tmp_path_factory.mktemp("demo-db") / "demo.sqlite"
    build_demo_database(f"sqlite:///{path}", seed=2011, scale="small", as_of=DEMO_AS_OF)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def demo_publication(demo_database, tmp_path_factory):
    """The demo database's publication, built and written once per session: (directory, Release, report)."""
    from core.publication_files import read_publication, write_publication
    from publishing.build import build_from_database

    reuse = os.environ.get("LEAD_TEST_REUSE_PUBLICATION")  # a developer's shortcut: a directory built by publish
    if reuse:
        from aggregation.publication import PublicationReport

        return Path(reuse), read_publication(Path(reuse)), PublicationReport(cells=1, primary=1, secondary=1)
    publication, report, seconds = build_from_database(demo_database, as_of=DEMO_AS_OF, source="demo")
    directory = tmp_path_factory.mktemp("publication") / "release"
    write_publication(publication, directory)
    return directory, publication, report


# Fixtures that several test modules share, defined beside the tests that need them most. Importing them here
# makes pytest offer them to every module, so no test module imports a fixture it then shadows.
from tests.test_browser import browser, server  # noqa: E402, F401  (fixtures: pytest finds them by name)
from tests.test_pages import snapshot  # noqa: E402, F401  (a fixture: pytest finds it by name)
