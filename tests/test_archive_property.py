"""Property tests of releases over time: random data, random sequences of releases, revisions and
registry changes keep the archive protected; on tiny tables the archive audit is exact."""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from aggregation.audit import audit_publication
from aggregation.audit_archive import ArchiveRelease, audit_archive
from aggregation.history import ClosedPeriodChanged
from aggregation.publication import build_publication, plan, without_periods
from aggregation.rules import Rule
from core.release_model import Cell, Release
from data_access.periods import ReleaseWindow
from publishing.release import history_from
from tests.synthetic import declaration, grouped_counts, make_units, structure, truth_of
from tests.test_audit import table as audit_table

EXAMPLES = int(os.environ.get("LEAD_PROPERTY_EXAMPLES", "25"))  # the CI profile; raise it for a longer hunt
MONTHS = tuple(f"2024-{m:02d}" for m in range(1, 10))


# -- 1. On tiny tables, the archive audit agrees with brute-force integer programming ------------


def _tiny_document(joint, months, suppress) -> dict:
    """A publication document of months x pathway (a, b) with month totals and quarter figures "to date"."""
    pathways = ("a", "b")
    by_month_pathway = {(m, p): joint[(m, p)] for m in months for p in pathways}
    by_month = {(m,): sum(joint[(m, p)] for p in pathways) for m in months}
    by_quarter_pathway = {("2024-Q1", p): sum(joint[(m, p)] for m in months) for p in pathways}
    by_quarter = {("2024-Q1",): sum(by_month.values())}
    tables: list[tuple[str, tuple[str, ...], dict]] = [
        ("by_month_pathway", ("month", "pathway"), by_month_pathway),
        ("by_month", ("month",), by_month),
        ("by_quarter_pathway", ("quarter", "pathway"), by_quarter_pathway),
        ("by_quarter", ("quarter",), by_quarter),
    ]
    out = []
    for number, (tid, dims, values) in enumerate(tables):
        hidden = {key for i, key in enumerate(values) if suppress[(number * 7 + i) % len(suppress)]}
        out.append(audit_table(tid, dims, values, hidden))
    return {
        "format": "lead-publication/1",
        "release": {"as_of": "x", "first_month": months[0], "last_month": months[-1], "threshold": 11, "p_percent": 10},
        "hierarchies": {},
        "domains": {"month": list(months), "quarter": ["2024-Q1"], "pathway": ["a", "b"]},
        "measures": {"referrals": {"additive": True, "people": True}},
        "labels": {},
        "tables": out,
        "ratios": [],
    }


def _tiny_release(joint, months, suppress) -> Release:
    """The model of ``_tiny_document``."""
    return Release.from_json(_tiny_document(joint, months, suppress))


def _cell_form(cell: Cell, months, order):
    """The cell as a 0/1 vector over the joint (month, pathway), restricted to the months it covered."""
    form = np.zeros(len(order))
    for i, (m, p) in enumerate(order):
        if m not in months:
            continue
        if "month" in cell.where and cell.where["month"] != m:
            continue
        if "pathway" in cell.where and cell.where["pathway"] != p:
            continue
        form[i] = 1
    return form


@settings(max_examples=EXAMPLES * 4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(0, 14), min_size=6, max_size=6),
    st.lists(st.booleans(), min_size=11, max_size=11),
    st.lists(st.booleans(), min_size=13, max_size=13),
)
def test_archive_audit_agrees_with_brute_force_on_tiny_tables(values, first_pattern, second_pattern):
    order = [(m, p) for m in MONTHS[:3] for p in ("a", "b")]
    joint = dict(zip(order, values, strict=False))
    releases = [
        ("r1", _tiny_release(joint, MONTHS[:2], first_pattern)),
        ("r2", _tiny_release(joint, MONTHS[:3], second_pattern)),
    ]
    report = audit_archive([ArchiveRelease(rid, pub) for rid, pub in releases])
    constraints, targets, published = [], [], set()
    for rid, pub in releases:
        months = set(pub.domains["month"])
        for table in pub.tables:
            partial = rid == "r1" and "quarter" in table.dimensions  # Q1 "to date": a quantity of its own
            union_id = f"{table.id}@{rid}" if partial else table.id
            for cell in table.cells:
                form = _cell_form(cell, months, order)
                key = (union_id, tuple(sorted((d, str(cell.where[d])) for d in table.dimensions)))
                if cell.suppressed:
                    targets.append((form, key))
                else:
                    constraints.append((form, cell.value))
                    published.add(key)
    A = np.array([f for f, _ in constraints])
    b = np.array([v for _, v in constraints], dtype=float)
    intervals = {
        (ci.table_id, tuple(sorted(ci.cell.items()))): (ci.low, ci.high)
        for ci in report.versions[-1].intervals
        if "complement_without" not in ci.cell
    }
    checked = set()
    for form, key in targets:
        if key in published:
            continue  # suppressed in one release, published in the other: known, not a withheld cell of the union
        bounds = []
        for sign in (1, -1):
            result = milp(
                sign * form,
                constraints=[LinearConstraint(A, b, b)],
                integrality=np.ones(len(order), dtype=int),
                bounds=Bounds(0, 1000),
            )
            assert result.status == 0
            bounds.append(round(sign * result.fun))
        low, high = bounds[0], (math.inf if bounds[1] > 500 else bounds[1])
        assert intervals[key] == (low, high), (key, intervals[key], (low, high))
        checked.add(key)
    assert checked <= set(intervals)


# -- 2. Random data, random sequences of releases: the archive always passes ---------------------

PATHWAY_MONTH = declaration(
    "pathway_month", ["month", "pathway"], fallback=declaration("pathway_quarter", ["quarter", "pathway"])
)
BASE = (
    declaration("total_month", ["month"]),
    declaration("total_quarter", ["quarter"]),
    PATHWAY_MONTH,
    declaration(
        "precinct_quarter", ["precinct", "quarter"], fallback=declaration("precinct_year", ["precinct", "year"])
    ),
)
GROWN = declaration("neighborhood_year", ["neighborhood", "year"])


def _release(units, months, declarations, history, revision):
    """Build one whole-period release of the units of ``months``."""
    window = ReleaseWindow(months[0], months[-1])
    s = structure(months)
    keys, _ = plan(tuple(declarations))
    inside = units[units["month"].isin(months)]
    counts = {key: grouped_counts(inside, key, s) for key in keys}
    counts, _, s = without_periods(counts, {}, s, set(window.unfinished_periods()))
    release = {
        "as_of": months[-1],
        "first_month": months[0],
        "last_month": months[-1],
        "generated_at": "test",
        "source": "test",
        "partial_periods": [],
    }
    publication, _ = build_publication(
        counts,
        {},
        s,
        Rule(11),
        release,
        declarations=tuple(declarations),
        ratio_declarations=(),
        history=history,
        revision=revision,
    )
    return publication, s


steps = st.lists(st.sampled_from(["release", "release", "revision", "grow"]), min_size=2, max_size=4)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.integers(60, 220), steps)
def test_random_sequences_of_releases_revisions_and_registry_changes_stay_protected(seed, n, plan_of_steps):
    rng = np.random.default_rng(seed)
    units = make_units(rng, n, structure(MONTHS))
    declarations = list(BASE)
    last = 3
    released: list[ArchiveRelease] = []
    publication, s = _release(units, MONTHS[:last], declarations, None, False)
    released.append(ArchiveRelease(MONTHS[last - 1], publication))
    for number, step in enumerate(plan_of_steps):
        revision = False
        if step == "grow" and GROWN not in declarations:
            declarations.append(GROWN)
        if step == "revision":
            # Late entries in a closed month, and one unit deleted from another.
            late = make_units(rng, int(rng.integers(1, 4)), structure(MONTHS[:1]))
            late["person"] = late["person"] + 10_000 + number * 100
            units = pd.concat([units, late], ignore_index=True)
            units = units.drop(index=units.index[units["month"] == MONTHS[1]][:1]).reset_index(drop=True)
        last = min(last + 1, len(MONTHS))
        audit = audit_archive(released)
        assert audit.passed
        history = history_from(audit, released[-1].publication)
        try:
            publication, s = _release(units, MONTHS[:last], declarations, history, False)
        except ClosedPeriodChanged:
            assert step == "revision"  # only changed data stops a regular release
            revision = True
            publication, s = _release(units, MONTHS[:last], declarations, history, True)
        released.append(ArchiveRelease(f"{MONTHS[last - 1]}-{number}", publication, revision=revision))
        alone = audit_publication(publication, truth_of(publication, units[units["month"].isin(MONTHS[:last])], s))
        assert alone.passed, [(f.table_id, f.cell, f.problem) for f in alone.failures[:5]]
    final = audit_archive(released)
    assert final.passed, (final.problems[:3], [(f.table_id, f.cell, f.problem) for f in final.failures[:5]])
    for revised in final.revisions:
        assert abs(revised.new - revised.old) >= 11


# -- 3. Hand-made archives the audit must refuse -----------------------------------------------


def _month_pathway(values: dict, suppressed=()) -> Release:
    pub = _tiny_document({(m, p): 0 for m in MONTHS[:3] for p in ("a", "b")}, MONTHS[:3], [False])
    table = next(t for t in pub["tables"] if t["id"] == "by_month_pathway")
    for cell in table["cells"]:
        key = (cell["month"], cell["pathway"])
        cell.pop("suppressed", None)
        cell["value"] = None if key in suppressed else values.get(key, 20)
        if key in suppressed:
            cell["suppressed"] = True
    pub["tables"] = [table]
    return Release.from_json(pub)


def test_a_small_revision_published_in_both_versions_is_refused():
    old = _month_pathway({})
    new = _month_pathway({("2024-01", "a"): 23})
    report = audit_archive([ArchiveRelease("v1", old), ArchiveRelease("v2", new, revision=True)])
    assert any("revised upward by a provable 3 to 3" in p for p in report.problems), report.problems
    assert [(r.old, r.new) for r in report.revisions] == [(20, 23)]
    large = _month_pathway({("2024-01", "a"): 31})  # a change of k or more is itself publishable
    assert audit_archive([ArchiveRelease("v1", old), ArchiveRelease("v2", large, revision=True)]).passed


def test_a_figure_that_changes_without_a_revision_is_refused():
    old = _month_pathway({})
    new = _month_pathway({("2024-01", "a"): 31})
    report = audit_archive([ArchiveRelease("r1", old), ArchiveRelease("r2", new)])
    assert any("published with different figures without a revision" in p for p in report.problems)
