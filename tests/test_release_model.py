"""The release file model: what the engine builds reads back as the same model and writes back byte for byte,
and a document out of shape is refused with a reason that names where."""

from __future__ import annotations

import copy
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.publication_files import read_publication, write_publication
from core.release_model import (
    Cell,
    CellRef,
    DeclaredRatio,
    Hierarchy,
    Measure,
    PublicationError,
    Release,
    ReleaseInfo,
    Table,
)
from tests import synthetic


def dumped(document: object) -> str:
    return json.dumps(document, indent=1, ensure_ascii=False)


# --------------------------------------------------------------------------------------------
# What the engine builds.


def test_the_demo_release_reads_and_writes_back_byte_for_byte(demo_publication, tmp_path):
    directory, publication, _ = demo_publication
    text = (directory / "publication.json").read_text(encoding="utf-8")
    model = read_publication(directory)
    assert isinstance(model, Release)
    assert model == publication
    assert dumped(model.to_json()) == text
    write_publication(model, tmp_path / "again")
    for name in ("publication.json", "datapackage.json"):
        assert (tmp_path / "again" / name).read_bytes() == (directory / name).read_bytes()
    for path in sorted((directory / "tables").glob("*.csv")):
        assert (tmp_path / "again" / "tables" / path.name).read_bytes() == path.read_bytes()


def test_a_built_release_holds_every_kind_of_cell_and_round_trips():
    s = synthetic.structure([f"2025-{m:02d}" for m in range(1, 13)])
    units = synthetic.make_units(np.random.default_rng(7), 400, s)
    declarations = [
        synthetic.declaration("by_month", ("month",)),
        synthetic.declaration("by_month_hood", ("month", "neighborhood")),
        synthetic.declaration("shoplifting_by_month", ("month",), filters={"offense_category": ("shoplifting",)}),
    ]
    model, _, _ = synthetic.publish_units(units, declarations, s)
    cells = [cell for _, cell in model.cells()]
    assert any(c.published for c in cells) and any(c.suppressed for c in cells)
    assert all((c.value is None) == c.suppressed for c in cells)
    assert Release.from_json(json.loads(dumped(model.to_json()))) == model
    hood = model.table("by_month_hood")
    assert hood is not None and hood.dimensions == ("month", "neighborhood")
    assert all(list(c.where) == list(hood.dimensions) for c in hood.cells)


# --------------------------------------------------------------------------------------------
# Any model: written, then read, it is the same model; a document read, then written, is the same text.

names = st.text(alphabet="abcdefghij_", min_size=1, max_size=6)
values = st.text(alphabet="ABCxyz019-/", min_size=1, max_size=7)
numbers = st.one_of(st.integers(0, 10**6), st.floats(0, 1e6, allow_nan=False, allow_infinity=False))


@st.composite
def tables(draw) -> Table:
    dimensions = tuple(draw(st.lists(names, min_size=0, max_size=3, unique=True)))
    statistic = draw(st.sampled_from([None, "median_days"]))
    cells = []
    for _ in range(draw(st.integers(0, 4))):
        where = {d: draw(values) for d in dimensions}
        withheld = draw(st.booleans())
        people = None if withheld or statistic is None else draw(st.integers(0, 500))
        cells.append(Cell(where, None if withheld else draw(numbers), withheld, people))
    filters = draw(st.dictionaries(names, st.one_of(values, st.lists(values, max_size=3).map(tuple)), max_size=2))
    return Table(
        id=draw(names),
        title=draw(st.text(max_size=20)),
        measure=draw(names),
        unit=draw(st.text(max_size=10)),
        additive=draw(st.booleans()),
        dimensions=dimensions,
        filters=filters,
        cells=tuple(cells),
        pooled_from=draw(st.one_of(st.none(), names)),
        statistic=statistic,
        of_measure=draw(names) if statistic else None,
    )


@st.composite
def releases(draw) -> Release:
    whole = draw(st.booleans())
    info = ReleaseInfo(
        as_of=draw(values),
        first_month=draw(values),
        last_month=draw(values),
        threshold=draw(st.integers(5, 30)),
        p_percent=draw(st.one_of(st.none(), st.integers(0, 50), st.floats(0, 50))),
        partial_periods=tuple(draw(st.lists(values, max_size=2))),
        generated_at=draw(st.one_of(st.none(), values)),
        source=draw(st.one_of(st.none(), values)),
        whole_periods=whole,
        cadence=draw(st.sampled_from(["monthly", "quarterly"])) if whole else None,
    )
    refs = st.builds(CellRef, names, st.dictionaries(names, values, max_size=2))
    return Release(
        release=info,
        tables=tuple(draw(st.lists(tables(), max_size=3))),
        hierarchies=draw(
            st.dictionaries(
                names,
                st.builds(
                    Hierarchy,
                    names,
                    st.dictionaries(values, st.one_of(st.none(), values), max_size=3),
                    st.one_of(st.none(), names),
                ),
                max_size=2,
            )
        ),
        domains=draw(st.dictionaries(names, st.lists(values, max_size=3).map(tuple), max_size=2)),
        measures=draw(
            st.dictionaries(
                names,
                st.one_of(
                    st.builds(Measure, st.booleans(), st.booleans()),
                    st.builds(
                        Measure,
                        st.booleans(),
                        st.booleans(),
                        names,
                        st.dictionaries(names, st.lists(values, max_size=2).map(tuple), max_size=2),
                    ),
                ),
                max_size=2,
            )
        ),
        labels=draw(st.dictionaries(names, st.dictionaries(values, st.text(max_size=8), max_size=2), max_size=2)),
        ratios=tuple(
            draw(
                st.lists(
                    st.builds(
                        DeclaredRatio, names, st.text(max_size=8), st.integers(1, 1000), refs, refs, st.booleans()
                    ),
                    max_size=2,
                )
            )
        ),
    )


@settings(max_examples=150, deadline=None)
@given(releases())
def test_any_release_written_then_read_is_the_same_release(model):
    text = dumped(model.to_json())
    again = Release.from_json(json.loads(text))
    assert again == model
    assert dumped(again.to_json()) == text


# --------------------------------------------------------------------------------------------
# A document out of shape is refused, naming where.

GOOD = {
    "format": "lead-publication/1",
    "release": {"as_of": "2026-10-31", "first_month": "2026-01", "last_month": "2026-10", "threshold": 11},
    "hierarchies": {"neighborhood": {"parent": "precinct", "members": {"a": "N"}}},
    "domains": {"month": ["2026-01"]},
    "measures": {"referrals": {"additive": True, "people": True}},
    "labels": {"neighborhood": {"a": "A"}},
    "tables": [
        {
            "id": "t",
            "title": "T",
            "measure": "referrals",
            "unit": "referrals",
            "additive": True,
            "dimensions": ["month"],
            "filters": {},
            "cells": [{"month": "2026-01", "value": 12}, {"month": "2026-02", "value": None, "suppressed": True}],
        }
    ],
    "ratios": [],
}


def damaged(change) -> dict:
    document = copy.deepcopy(GOOD)
    change(document)
    return document


@pytest.mark.parametrize(
    ("change", "named"),
    [
        (lambda d: d.update(format="lead-publication/0"), "not a lead-publication/1 publication"),
        (lambda d: d.pop("labels"), "has no 'labels'"),
        (lambda d: d.update(extra=1), "unknown key 'extra'"),
        (lambda d: d["release"].pop("threshold"), "publication['release'] has no 'threshold'"),
        (lambda d: d["release"].update(threshold="11"), "['threshold'] should be a whole number"),
        (lambda d: d["release"].update(threshold=True), "['threshold'] should be a whole number"),
        (lambda d: d["tables"][0]["cells"][0].update(value="12"), "['cells'][0]['value'] should be a finite number"),
        (lambda d: d["tables"][0]["cells"][0].update(value=True), "['cells'][0]['value'] should be a finite number"),
        (lambda d: d["tables"][0]["cells"][1].pop("month"), "['cells'][1] has no 'month'"),
        (lambda d: d["tables"][0]["cells"][1].update(month=3), "['month'] should be text"),
        (lambda d: d["tables"][0]["cells"][1].update(suppressed="yes"), "['suppressed'] should be true or false"),
        (lambda d: d["tables"][0]["cells"][0].update(people=3), "unknown key 'people'"),
        (lambda d: d["tables"][0]["cells"][0].update(people=None), "unknown key 'people'"),
        (lambda d: d["tables"][0]["cells"][0].update(extra=None), "unknown key 'extra'"),
        (lambda d: d["tables"][0]["cells"][0].update(value=float("nan")), "should be a finite number or null"),
        (lambda d: d["tables"][0]["cells"][0].update(value=float("inf")), "should be a finite number or null"),
        (lambda d: d["release"].update(p_percent=float("nan")), "['p_percent'] should be a finite number"),
        (lambda d: d["tables"][0].update(dimensions=["month", "month"]), "names a dimension twice"),
        (lambda d: d["tables"][0].update(filters={"x": 3}), "['filters']['x'] should be a list"),
        (lambda d: d["tables"][0].pop("cells"), "has no 'cells'"),
        (lambda d: d["tables"].append("t"), "['tables'][1] should be an object"),
        (lambda d: d["hierarchies"]["neighborhood"].pop("parent"), "has no 'parent'"),
        (lambda d: d["measures"]["referrals"].update(people="no"), "['people'] should be true or false"),
        (lambda d: d["domains"].update(month="2026-01"), "['month'] should be a list"),
        (
            lambda d: d["ratios"].append(
                {"id": "r", "title": "R", "per": 100, "numerator": ["t"], "denominator": ["t", {}], "unstable": False}
            ),
            "['numerator'] should be a table id and a cell",
        ),
    ],
)
def test_a_document_out_of_shape_is_refused_naming_where(change, named):
    assert Release.from_json(copy.deepcopy(GOOD)).table("t") is not None  # the undamaged document reads
    with pytest.raises(PublicationError) as refused:
        Release.from_json(damaged(change))
    assert named in str(refused.value)


def test_a_withheld_cell_that_carries_a_value_still_reads_so_the_audit_can_fail_it():
    document = damaged(lambda d: d["tables"][0]["cells"][1].update(value=3))
    cell = Release.from_json(document).tables[0].cells[1]
    assert cell.suppressed and cell.value == 3 and not cell.published


def test_reading_a_damaged_file_names_the_file_and_the_place(tmp_path):
    (tmp_path / "publication.json").write_text(json.dumps(damaged(lambda d: d["release"].update(as_of=20261031))))
    with pytest.raises(
        PublicationError, match=r"publication\.json: publication\['release'\]\['as_of'\] should be text"
    ):
        read_publication(tmp_path)
