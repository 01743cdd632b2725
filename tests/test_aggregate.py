"""Aggregate queries against an independent Python recount, on SQLite and PostgreSQL."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from sqlalchemy.dialects import postgresql

from data_access.aggregate import CountRequest, aggregate, build_query, read_reference_data
from data_access.engine import read_only_engine
from data_access.measures import MEASURES
from tests.declarations import COVERING_DECLARATIONS
from tests.edge_case_db import ROWS, WINDOW, load_edge_case_database
from tests.reference_counts import reference_counts


def _ids(declaration):
    filters = ",".join(f"{k}={v}" for k, v in declaration.filters.items())
    return f"{declaration.measure}[{'x'.join(declaration.dimensions)}]{filters}"


@pytest.fixture(scope="module")
def sqlite_edge(tmp_path_factory):
    path = tmp_path_factory.mktemp("edge") / "edge.sqlite"
    load_edge_case_database(f"sqlite:///{path}")
    engine = read_only_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def postgres_edge(postgres_admin):
    from tests.postgres_server import create_database, reader_url

    url = create_database(postgres_admin)
    load_edge_case_database(url)
    engine = read_only_engine(reader_url(url))
    yield engine
    engine.dispose()


def _as_cells(frame: pd.DataFrame, dimensions) -> dict:
    cells = {}
    for record in frame.to_dict("records"):
        key = tuple(record[d] for d in dimensions)
        cells[key] = tuple(None if pd.isna(record[c]) else int(record[c]) for c in ("value", "people", "top1", "top2"))
    return cells


def test_covering_declarations_cover_every_measure():
    assert {d.measure for d in COVERING_DECLARATIONS} == set(MEASURES)


def _check_against_reference(engine, declaration):
    frame = aggregate(engine, declaration, WINDOW)
    dims = list(declaration.dimensions)
    expected = reference_counts(ROWS, declaration.measure, dims, declaration.filters, WINDOW)
    cells = _as_cells(frame, dims)
    counts_people = MEASURES[declaration.measure].counts_people
    for key, (value, people, top1, top2) in cells.items():
        want = expected.get(key)
        if want is None:
            assert value == 0, f"{key}: expected an empty cell, got {value}"
            continue
        assert value == want[0], f"{key}: value {value} != {want[0]}"
        if counts_people:
            assert (people, top1, top2) == want[1:], f"{key}: {people, top1, top2} != {want[1:]}"
    missing = set(expected) - set(cells)
    assert not missing, f"cells counted in Python but absent from the dense table: {missing}"
    return frame


@pytest.mark.parametrize("declaration", COVERING_DECLARATIONS, ids=_ids)
def test_sqlite_matches_python_recount(sqlite_edge, declaration):
    frame = _check_against_reference(sqlite_edge, declaration)
    assert len(frame) == math.prod(frame[d].nunique() for d in declaration.dimensions)


@pytest.mark.postgres
@pytest.mark.parametrize("declaration", COVERING_DECLARATIONS, ids=_ids)
def test_postgres_matches_python_recount(postgres_edge, declaration):
    _check_against_reference(postgres_edge, declaration)


def test_edge_cases_land_in_unknown_and_none(sqlite_edge):
    frame = aggregate(sqlite_edge, CountRequest("referrals", ("pathway", "offense_category")), WINDOW)
    cells = _as_cells(frame, ["pathway", "offense_category"])
    assert cells[("unknown", "unknown")][0] == 1  # the 'teleport' referral with a 'jaywalking' offence
    assert cells[("social_contact", "none")][0] == 2  # NULL offence counts as none
    hoods = _as_cells(aggregate(sqlite_edge, CountRequest("referrals", ("neighborhood",)), WINDOW), ["neighborhood"])
    assert hoods[("unknown",)][0] == 2  # one NULL neighborhood, one matching no neighborhood
    precincts = _as_cells(aggregate(sqlite_edge, CountRequest("referrals", ("precinct",)), WINDOW), ["precinct"])
    assert precincts[("unknown",)][0] == 3  # plus the neighborhood without a precinct


def test_people_count_each_unenrolled_referral_as_its_own_person(sqlite_edge):
    frame = aggregate(sqlite_edge, CountRequest("referrals", ("month",)), WINDOW)
    january = _as_cells(frame, ["month"])[("2024-01",)]
    # participant 1 referred 3 times, two referrals without a participant
    assert january == (5, 3, 3, 1)


def test_empty_periods_are_zero_cells(sqlite_edge):
    frame = aggregate(sqlite_edge, CountRequest("referrals", ("month",)), WINDOW)
    assert list(frame["month"]) == [p.key for p in WINDOW.months()]
    assert frame.set_index("month").loc["2024-02", "value"] == 0
    assert frame.set_index("month").loc["2024-02", "people"] == 0


def test_staff_and_focus_areas_carry_no_people(sqlite_edge):
    frame = aggregate(sqlite_edge, CountRequest("case_managers", ("month",)), WINDOW)
    assert frame["people"].isna().all()
    assert frame.set_index("month").loc["2024-03", "value"] == 3  # managers 100 (till 1 March), 101, 102


def test_unknown_dimension_and_filter_values_are_clear_errors(sqlite_edge):
    with pytest.raises(ValueError, match="cannot be broken down by 'neighborhood'"):
        aggregate(sqlite_edge, CountRequest("contacts", ("neighborhood",)), WINDOW)
    with pytest.raises(ValueError, match="outside its domain: burglary"):
        aggregate(sqlite_edge, CountRequest("referrals", ("month",), {"offense_category": "burglary"}), WINDOW)
    with pytest.raises(ValueError, match="unknown measure"):
        aggregate(sqlite_edge, CountRequest("arrests", ("month",)), WINDOW)
    with pytest.raises(ValueError, match="needs a month, quarter or year"):
        aggregate(sqlite_edge, CountRequest("active_participants", ("gender",)), WINDOW)


@pytest.mark.parametrize("declaration", COVERING_DECLARATIONS, ids=_ids)
def test_queries_group_and_bind_every_value(sqlite_edge, declaration):
    with sqlite_edge.connect() as connection:
        reference = read_reference_data(connection)
    query = build_query(declaration, WINDOW, reference)
    compiled = query.compile(dialect=postgresql.dialect())
    sql = str(compiled)
    assert "GROUP BY" in sql
    for value in list(declaration.filters.values()) + ["2024-01-01", "arrest_diversion", "unknown"]:
        for text in [value] if isinstance(value, str) else value:
            assert f"'{text}'" not in sql, f"{text!r} formatted into the SQL instead of bound"
    # the outer query yields at most one row per cell
    with sqlite_edge.connect() as connection:
        rows = connection.execute(query).all()
    cells = [tuple(row[: len(declaration.dimensions)]) for row in rows]
    assert len(cells) == len(set(cells))
