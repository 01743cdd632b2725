"""A write through the dashboard's engine is refused, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from data_access import schema
from data_access.engine import DatabaseURLError, read_only_engine
from tests.edge_case_db import load_edge_case_database
from tests.postgres_server import reader_url

WRITES = [
    "INSERT INTO neighborhoods (neighborhood_id, name, business_district) VALUES ('X', 'X', false)",
    "UPDATE referrals SET outcome = 'enrolled'",
    "DELETE FROM contacts",
    "CREATE TABLE stolen (x integer)",
    "DROP TABLE focus_areas",
]


def _assert_unchanged(url):
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(schema.contacts)).scalar_one() == 6
        assert "stolen" not in sa.inspect(connection).get_table_names()
        assert "focus_areas" in sa.inspect(connection).get_table_names()
    engine.dispose()


@pytest.fixture()
def sqlite_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'program.sqlite'}"
    load_edge_case_database(url)
    return url


@pytest.mark.parametrize("statement", WRITES)
def test_sqlite_engine_refuses_writes(sqlite_url, statement):
    engine = read_only_engine(sqlite_url)
    with (
        pytest.raises(
            DBAPIError, match="not authorized|authorization denied|readonly|read-only|query_only|attempt to write"
        ),
        engine.begin() as connection,
    ):
        connection.execute(sa.text(statement))
    engine.dispose()
    _assert_unchanged(sqlite_url)


def test_sqlite_engine_refuses_to_lift_its_own_guard(sqlite_url):
    engine = read_only_engine(sqlite_url)
    with pytest.raises(DBAPIError, match="not authorized|authorization denied"), engine.begin() as connection:
        connection.exec_driver_sql("PRAGMA query_only = OFF")
    with (
        pytest.raises(DBAPIError, match="not authorized|authorization denied|readonly"),
        engine.begin() as connection,
    ):
        connection.execute(sa.text(WRITES[2]))
    engine.dispose()
    _assert_unchanged(sqlite_url)


@pytest.mark.parametrize(
    "statement",
    [
        "VACUUM INTO '{copy}'",
        "ATTACH DATABASE '{copy}' AS stolen",
        "PRAGMA writable_schema = ON",
        "PRAGMA journal_mode = DELETE",
    ],
)
def test_sqlite_engine_refuses_copies_attachments_and_pragmas_that_write(sqlite_url, tmp_path, statement):
    copy = tmp_path / "copy.sqlite"
    engine = read_only_engine(sqlite_url)
    with pytest.raises(DBAPIError, match="not authorized|authorization denied"), engine.connect() as connection:
        connection.exec_driver_sql(statement.format(copy=copy))
    engine.dispose()
    assert not copy.exists()
    _assert_unchanged(sqlite_url)


def test_sqlite_engine_still_reads_and_reflects(sqlite_url):
    engine = read_only_engine(sqlite_url)
    with engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(schema.contacts)).scalar_one() == 6
        assert {c["name"] for c in sa.inspect(connection).get_columns("referrals")} >= {"referral_id", "pathway"}
    engine.dispose()


def test_sqlite_engine_never_creates_a_missing_file(tmp_path):
    with pytest.raises(DatabaseURLError, match="no SQLite database file"):
        read_only_engine(f"sqlite:///{tmp_path / 'absent.sqlite'}")
    assert not (tmp_path / "absent.sqlite").exists()


@pytest.mark.postgres
@pytest.mark.parametrize(
    "statement",
    WRITES
    + [
        "SET TRANSACTION READ WRITE; INSERT INTO neighborhoods "
        "(neighborhood_id, name, business_district) VALUES ('Y', 'Y', false)",
        "COPY referrals TO '/tmp/lead-stolen.csv'",
    ],
)
def test_postgres_engine_refuses_writes(postgres_url, statement):
    load_edge_case_database(postgres_url)
    engine = read_only_engine(reader_url(postgres_url))
    with (
        pytest.raises(DBAPIError, match="read-only transaction|permission denied|must be superuser|privilege"),
        engine.begin() as connection,
    ):
        connection.exec_driver_sql(statement)
    engine.dispose()
    _assert_unchanged(postgres_url)


@pytest.mark.postgres
@pytest.mark.parametrize(
    "grants, named",
    [
        ((), "superuser"),
        (("GRANT INSERT ON referrals TO {role}",), "may INSERT referrals"),
        (("GRANT TRUNCATE ON contacts TO {role}",), "may TRUNCATE contacts"),
        (("GRANT TEMPORARY ON DATABASE {database} TO {role}",), "TEMPORARY"),
        (("GRANT CREATE ON SCHEMA public TO {role}",), "may CREATE in schema public"),
        (("GRANT pg_read_server_files TO {role}",), "member of pg_read_server_files"),
        (("ALTER TABLE focus_areas OWNER TO {role}",), "owns focus_areas"),
    ],
)
def test_postgres_roles_that_could_write_are_refused(postgres_url, grants, named, caplog):
    from data_access.engine import UnsafeRole, set_role_policy

    load_edge_case_database(postgres_url)
    database = sa.engine.make_url(postgres_url).database
    url = (
        postgres_url
        if not grants
        else reader_url(postgres_url, tuple(g.replace("{database}", f'"{database}"') for g in grants))
    )
    with pytest.raises(UnsafeRole, match=named):
        read_only_engine(url)
    set_role_policy(strict=False)  # LEAD_ALLOW_WRITABLE_ROLE=1: a loud warning for a local demo
    try:
        with caplog.at_level("WARNING", logger="lead.database"):
            read_only_engine(url).dispose()
        assert any(named in r.getMessage() for r in caplog.records)
    finally:
        set_role_policy(strict=True)


@pytest.mark.postgres
def test_postgres_engine_reads(postgres_url):
    load_edge_case_database(postgres_url)
    engine = read_only_engine(reader_url(postgres_url))
    with engine.connect() as connection:
        assert connection.execute(sa.text("SHOW transaction_read_only")).scalar_one() == "on"
        assert connection.execute(sa.select(sa.func.count()).select_from(schema.referrals)).scalar_one() == 11
    engine.dispose()


def test_unsupported_and_malformed_urls_are_clear_errors():
    with pytest.raises(DatabaseURLError, match="unsupported database 'oracle'"):
        read_only_engine("oracle://scott:tiger@host/db")
    with pytest.raises(DatabaseURLError, match="not a database URL"):
        read_only_engine("definitely not a url")
