"""The same declarations give the same cells on SQLite and PostgreSQL, on the demo database."""

from __future__ import annotations

import pandas as pd
import pytest

from data_access.aggregate import CountRequest, aggregate
from data_access.demo import build_demo_database
from data_access.engine import read_only_engine
from data_access.periods import ReleaseWindow
from tests.declarations import COVERING_DECLARATIONS
from tests.environment import DEMO_AS_OF
from tests.postgres_server import create_database, reader_url

WINDOW = ReleaseWindow.ending(DEMO_AS_OF, "2019-01")
EXTRA = [
    CountRequest("referrals", ("neighborhood", "month")),
    CountRequest("referrals", ("year", "business_district", "offense_category")),
    CountRequest("contacts", ("year", "gender")),
    CountRequest("services_requested", ("year", "age_band")),
]


@pytest.fixture(scope="module")
def demo_sqlite(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite"
    build_demo_database(f"sqlite:///{path}", seed=7, scale="small", as_of=DEMO_AS_OF)
    engine = read_only_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def demo_postgres(postgres_admin):
    url = create_database(postgres_admin)
    build_demo_database(url, seed=7, scale="small", as_of=DEMO_AS_OF)
    engine = read_only_engine(reader_url(url))
    yield engine
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "declaration",
    COVERING_DECLARATIONS + EXTRA,
    ids=lambda d: f"{d.measure}[{'x'.join(d.dimensions)}]{d.filters or ''}",
)
def test_sqlite_and_postgres_agree_cell_for_cell(demo_sqlite, demo_postgres, declaration):
    lite = aggregate(demo_sqlite, declaration, WINDOW)
    pg = aggregate(demo_postgres, declaration, WINDOW)
    pd.testing.assert_frame_equal(lite, pg)
    assert lite["value"].sum() > 0 or declaration.filters, "a covering declaration counted nothing"


@pytest.mark.postgres
def test_demo_has_the_edge_cases_the_parity_test_relies_on(demo_sqlite):
    hoods = aggregate(demo_sqlite, CountRequest("referrals", ("neighborhood",)), WINDOW).set_index("neighborhood")
    assert hoods["value"]["unknown"] > 0  # NULL and unmatched neighborhoods
    codes = aggregate(demo_sqlite, CountRequest("enrollments", ("gender",)), WINDOW).set_index("gender")
    assert codes["value"]["unknown"] > 0  # codes outside the contract
    months = aggregate(demo_sqlite, CountRequest("referrals", ("neighborhood", "month")), WINDOW)
    assert (months["value"] == 0).any()  # empty periods
