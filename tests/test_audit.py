"""The independent audit (aggregation/audit.py): hand-built publications it must pass or fail,
mutations it must catch, and a property test against brute-force integer programming."""

from __future__ import annotations

import ast
import itertools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp

from aggregation.audit import AuditReport, CellInterval, audit_publication
from core.release_model import Release

ROOT = Path(__file__).resolve().parent.parent
K = 11


# --------------------------------------------------------------------------------------------
# Builders.


def table(table_id, dims, values, suppressed=(), *, measure="referrals", filters=None, additive=True):
    """A table dict from ``values``: {tuple of dimension values: count}; ``suppressed``: keys."""
    suppressed = set(suppressed)
    cells = []
    for key, v in values.items():
        cell = dict(zip(dims, key, strict=False))
        if key in suppressed:
            cell.update(value=None, suppressed=True)
        else:
            cell["value"] = int(v)
        cells.append(cell)
    return {
        "id": table_id,
        "title": table_id,
        "measure": measure,
        "unit": "referrals",
        "additive": additive,
        "dimensions": list(dims),
        "filters": dict(filters or {}),
        "cells": cells,
    }


def publication(tables, domains, *, k=K, hierarchies=None, measures=None, ratios=None) -> Release:
    """The model of a hand-built publication document of ``tables`` (the cells' "true" values left out)."""
    tables = [{**t, "cells": [{key: v for key, v in c.items() if key != "true"} for c in t["cells"]]} for t in tables]
    return Release.from_json(
        {
            "format": "lead-publication/1",
            "release": {
                "as_of": "2026-10-31",
                "first_month": "2026-01",
                "last_month": "2026-06",
                "threshold": k,
                "p_percent": 10,
            },
            "hierarchies": hierarchies or {},
            "domains": domains,
            "measures": measures or {"referrals": {"additive": True, "people": True}},
            "labels": {},
            "tables": tables,
            "ratios": ratios or [],
        }
    )


def grid(arr, suppressed=(), prefix="t", rows="age_band", cols="gender"):
    """A two-way table (rows x cols, cells r<i> x c<j>) with its row totals, column totals and
    grand total, all published but the ``suppressed`` (i, j) cells."""
    arr = np.asarray(arr)
    r = [f"r{i}" for i in range(arr.shape[0])]
    c = [f"c{j}" for j in range(arr.shape[1])]
    inner = {(r[i], c[j]): arr[i, j] for i in range(arr.shape[0]) for j in range(arr.shape[1])}
    sup = {(r[i], c[j]) for i, j in suppressed}
    return (
        [
            table(f"{prefix}_{rows}_{cols}", (rows, cols), inner, sup),
            table(f"{prefix}_{rows}", (rows,), {(r[i],): arr[i].sum() for i in range(len(r))}),
            table(f"{prefix}_{cols}", (cols,), {(c[j],): arr[:, j].sum() for j in range(len(c))}),
            table(f"{prefix}_total", (), {(): arr.sum()}),
        ],
        {rows: r, cols: c},
    )


def truth_of(tables, *, people=None):
    """Truth frames of ``tables`` (their cells' "true" or published values; people = value and
    each person contributing one unit, so only the value rule applies unless a test edits them)."""
    out = {}
    for t in tables:
        rows = []
        for cell in t["cells"]:
            v = cell["true"] if "true" in cell else cell["value"]
            rows.append(
                {
                    **{d: cell[d] for d in t["dimensions"]},
                    "value": v,
                    "people": v if people is None else people,
                    "top1": 1 if v else 0,
                    "top2": 1 if v > 1 else 0,
                }
            )
        out[t["id"]] = pd.DataFrame(rows, columns=[*t["dimensions"], "value", "people", "top1", "top2"])
    return out


def with_truth(t, values):
    """Record the true values (``values`` like ``table``'s) in the cells, for ``truth_of``."""
    dims = t["dimensions"]
    for cell in t["cells"]:
        cell["true"] = int(values[tuple(cell[d] for d in dims)])
    return t


def problem_of(failure: CellInterval) -> str:
    """Return a failure's reason (every failure has one)."""
    assert failure.problem is not None
    return failure.problem


def failing(report: AuditReport, table_id=None, **cell):
    return [
        f
        for f in report.failures
        if (table_id is None or f.table_id == table_id) and all(f.cell.get(d) == v for d, v in cell.items())
    ]


def interval(report: AuditReport, table_id, **cell) -> CellInterval:
    hits = [i for i in report.intervals if i.table_id == table_id and i.cell == cell]
    assert len(hits) == 1, (table_id, cell, hits)
    return hits[0]


def truth_from_grid(arr):
    """Truth frames of ``grid(arr)`` (every cell's true value, people = value)."""
    return truth_of(grid(arr)[0])


# --------------------------------------------------------------------------------------------
# The module's rules.


def test_module_is_pure_and_independent():
    """No I/O, no database or UI layer, and nothing of the suppression engine: only the registry."""
    audit_modules = {
        "aggregation.audit",
        "aggregation.audit_model",
        "aggregation.audit_solve",
        "aggregation.audit_archive",
    }
    for module in sorted(audit_modules):
        tree = ast.parse((ROOT / (module.replace(".", "/") + ".py")).read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                assert node.level == 0, "no relative imports"
                assert node.module is not None  # an absolute import names its module
                imported |= {
                    f"{node.module}.{a.name}" if node.module == "aggregation" else node.module for a in node.names
                }
        forbidden = {"data_access", "sqlalchemy", "streamlit", "dashboard", "pages", "publishing"}
        assert not {i for i in imported if i.split(".")[0] in forbidden}, (module, imported)
        own = {i for i in imported if i.startswith("aggregation")}
        assert own <= {"aggregation.registry", "aggregation.solver"} | audit_modules, (module, own)
        calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert not {"open", "print", "input"} & calls, module
    # The one module it shares with the engine is solver plumbing, importing nothing of the project.
    solver = ast.parse((ROOT / "aggregation" / "solver.py").read_text(encoding="utf-8"))
    shared: set[str | None] = {a.name for n in ast.walk(solver) if isinstance(n, ast.Import) for a in n.names}
    shared |= {n.module for n in ast.walk(solver) if isinstance(n, ast.ImportFrom)}
    assert shared <= {"__future__", "os", "sys", "threading", "highspy"}, shared


# --------------------------------------------------------------------------------------------
# 1. The classic trap: two suppressed blocks joined by one cell.

TRAP = [[12, 13, 15, 20], [14, 12, 20, 30], [20, 25, 12, 16], [30, 20, 14, 12]]
# Rows 0-1 x columns 0-1 and rows 2-3 x columns 2-3 are closed cycles; (0, 2) joins them. Every row
# and column holds two or three suppressed cells, yet (0, 2) is a bridge: it equals the suppressed
# total of rows 0-1 minus that of columns 0-1, all published.
TRAP_CELLS = [(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (0, 2)]


def test_trap_cell_exactly_determined_by_the_totals():
    tables, domains = grid(TRAP, TRAP_CELLS)
    report = audit_publication(publication(tables, domains))
    assert not report.passed
    exact = [f for f in report.failures if problem_of(f).startswith("exactly determined")]
    assert [(f.table_id, f.cell) for f in exact] == [("t_age_band_gender", {"age_band": "r0", "gender": "c2"})]
    assert exact[0].low == exact[0].high == 15
    assert exact[0].problem == "exactly determined: [15, 15]"
    # The cells on cycles are not determined.
    assert interval(report, "t_age_band_gender", age_band="r0", gender="c0").low == 0
    assert report.checked_cells == len(TRAP_CELLS)


def test_trap_closed_by_a_second_bridge_passes():
    tables, domains = grid(TRAP, [*TRAP_CELLS, (1, 3)])
    report = audit_publication(publication(tables, domains))
    assert report.passed, report.failures
    for i, j in [*TRAP_CELLS, (1, 3)]:
        ci = interval(report, "t_age_band_gender", age_band=f"r{i}", gender=f"c{j}")
        assert ci.low < ci.high and (ci.low == 0 or ci.high >= K) and ci.problem is None


# --------------------------------------------------------------------------------------------
# 2. A sensitive cell whose attacker interval is [1, 9] (k = 5, so the public check alone passes).

NARROW = [[3, 6], [6, 2]]
WIDE = [[3, 6, 20], [6, 2, 20]]


def test_sensitive_cell_provable_between_1_and_9_fails_with_truth():
    tables, domains = grid(NARROW, [(0, 0), (0, 1), (1, 0), (1, 1)])
    pub = publication(tables, domains, k=5)
    assert audit_publication(pub).passed  # [1, 9] reaches k = 5: the public file alone cannot tell
    report = audit_publication(pub, truth_from_grid(NARROW))
    assert not report.passed and not report.value_mismatches
    [f] = failing(report, "t_age_band_gender", age_band="r0", gender="c0")
    assert (f.low, f.high, f.value, f.sensitive) == (1, 9, 3, True)
    assert f.problem == "sensitive cell provable in [1, 9]"
    g = interval(report, "t_age_band_gender", age_band="r1", gender="c1")  # the 2 reaches 0 and 8 >= k
    assert (g.low, g.high, g.value, g.sensitive, g.problem) == (0, 8, 2, True, None)
    assert len(report.failures) == 1


def test_widened_pattern_passes_with_truth():
    cells = [(0, 0), (0, 1), (1, 0), (1, 1), (0, 2), (1, 2)]
    tables, domains = grid(WIDE, cells)
    report = audit_publication(publication(tables, domains, k=5), truth_from_grid(WIDE))
    assert report.passed, report.failures
    ci = interval(report, "t_age_band_gender", age_band="r0", gender="c0")
    assert (ci.low, ci.high, ci.value, ci.sensitive) == (0, 9, 3, True)


# --------------------------------------------------------------------------------------------
# 3. Mutations of a passing publication.


def test_mutation_publishing_a_secondary_cell_exposes_the_sensitive_one():
    cells = [(0, 0), (0, 1), (1, 0), (1, 1), (0, 2), (1, 2)]
    tables, domains = grid(WIDE, [c for c in cells if c != (0, 2)])
    report = audit_publication(publication(tables, domains, k=5), truth_from_grid(WIDE))
    assert not report.passed
    [f] = failing(report, "t_age_band_gender", age_band="r0", gender="c0")
    assert f.problem == "sensitive cell provable in [1, 9]" and f.value == 3
    assert failing(report, "t_age_band_gender", age_band="r1", gender="c2")[0].problem == "exactly determined: [20, 20]"


def test_mutation_changing_a_total_by_one_is_inconsistent():
    cells = [(0, 0), (0, 1), (1, 0), (1, 1), (0, 2), (1, 2)]
    tables, domains = grid(WIDE, cells)
    truth = truth_from_grid(WIDE)
    tables[3]["cells"][0]["value"] += 1  # the grand total
    report = audit_publication(publication(tables, domains, k=5), truth)
    assert not report.passed
    assert any(problem_of(f).startswith("published figures are inconsistent") for f in report.failures)
    assert report.value_mismatches == ["t_total {}: published 58, true 57"]
    # Without the truth too.
    report = audit_publication(publication(tables, domains, k=5))
    assert any(problem_of(f).startswith("published figures are inconsistent") for f in report.failures)


def test_mutation_changing_a_column_total_by_one_is_inconsistent():
    tables, domains = grid(TRAP, [*TRAP_CELLS, (1, 3)])
    assert audit_publication(publication(tables, domains)).passed
    tables[2]["cells"][0]["value"] += 1  # column c0's total: the column totals no longer add up
    report = audit_publication(publication(tables, domains))
    inconsistent = [f for f in report.failures if problem_of(f).startswith("published figures are inconsistent")]
    assert inconsistent and not report.passed
    assert all(problem_of(f).startswith("not audited") for f in report.failures if f not in inconsistent)


def test_inconsistent_figures_without_any_suppressed_cell_are_reported():
    tables, domains = grid(TRAP)
    assert audit_publication(publication(tables, domains)).passed
    tables[3]["cells"][0]["value"] -= 1
    report = audit_publication(publication(tables, domains))
    assert report.checked_cells == 0 and not report.passed
    assert [problem_of(f).split(":")[0] for f in report.failures] == ["published figures are inconsistent"]


def test_a_table_must_list_every_value_its_units_can_take():
    # Every unit is counted in one listed cell: a table listing two of three pathways whose cells
    # do not add up to the total is inconsistent (the contract lists every combination).
    tables = [
        table("by_pathway", ("pathway",), {("arrest_diversion",): 20, ("social_contact",): 25}),
        table("total", (), {(): 50}),
    ]
    report = audit_publication(
        publication(tables, {"pathway": ["arrest_diversion", "social_contact", "community_referral"]})
    )
    assert any(problem_of(f).startswith("published figures are inconsistent") for f in report.failures)


def test_file_level_mistakes():
    tables = [table("by_band", ("age_band",), {("r0",): 30, ("r1",): 40}, [("r1",)]), table("total", (), {(): 70})]
    tables[0]["cells"][1]["value"] = 40  # a suppressed cell that still carries its value
    truth = truth_of([table("by_band", ("age_band",), {("r0",): 30, ("r1",): 40})])
    truth["by_band"] = truth["by_band"].iloc[1:]  # and the truth lacks a published cell
    report = audit_publication(publication(tables, {"age_band": ["r0", "r1"]}), truth)
    assert [f.problem for f in report.failures] == [
        "suppressed cell carries a value in the file",
        "exactly determined: [40, 40]",
    ]
    assert report.value_mismatches == ["by_band {'age_band': 'r0'}: published 30, no true value"]


# --------------------------------------------------------------------------------------------
# 4. Linked tables: neighborhood by quarter, precinct by month, city by month.

MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
QUARTERS = ["2026-Q1", "2026-Q2"]


def quarter_of(month):
    return f"{month[:4]}-Q{(int(month[5:]) - 1) // 3 + 1}"


def linked(members, monthly, suppressed_nq):
    """monthly: {neighborhood: [6 monthly counts]}; members: {neighborhood: precinct}."""
    precincts = sorted(set(members.values()))
    nq = {
        (n, q): sum(v for m, v in zip(MONTHS, monthly[n], strict=False) if quarter_of(m) == q)
        for n in members
        for q in QUARTERS
    }
    pm = {
        (p, m): sum(monthly[n][i] for n in members if members[n] == p) for p in precincts for i, m in enumerate(MONTHS)
    }
    mt = {(m,): sum(monthly[n][i] for n in members) for i, m in enumerate(MONTHS)}
    tables = [
        table("by_neighborhood_quarter", ("neighborhood", "quarter"), nq, suppressed_nq),
        table("by_precinct_month", ("precinct", "month"), pm),
        table("by_month", ("month",), mt),
    ]
    hier = {"neighborhood": {"parent": "precinct", "members": members}}
    domains = {"month": MONTHS, "quarter": QUARTERS, "neighborhood": sorted(members), "precinct": precincts}
    return publication(tables, domains, hierarchies=hier)


def test_neighborhood_cells_not_recoverable_from_precinct_months():
    members = {"ALKI": "SW", "DELRIDGE": "SW", "BELLTOWN": "W", "DOWNTOWN": "W"}
    monthly = {
        "ALKI": [7, 7, 7, 6, 6, 6],
        "DELRIDGE": [5, 5, 5, 8, 8, 8],
        "BELLTOWN": [9, 9, 9, 9, 9, 9],
        "DOWNTOWN": [4, 5, 6, 7, 8, 9],
    }
    sup = [("ALKI", "2026-Q1"), ("ALKI", "2026-Q2"), ("DELRIDGE", "2026-Q1"), ("DELRIDGE", "2026-Q2")]
    report = audit_publication(linked(members, monthly, sup))
    assert report.passed, report.failures
    ci = interval(report, "by_neighborhood_quarter", neighborhood="ALKI", quarter="2026-Q1")
    assert (ci.low, ci.high) == (0, 36)  # the precinct's quarter total (21 + 15), known from its months


def test_neighborhood_cell_recovered_when_it_is_its_precincts_only_neighborhood():
    members = {"ALKI": "SW", "DELRIDGE": "SW", "BELLTOWN": "W", "MAGNOLIA": "MAG"}
    monthly = {
        "ALKI": [7, 7, 7, 6, 6, 6],
        "DELRIDGE": [5, 5, 5, 8, 8, 8],
        "BELLTOWN": [9, 9, 9, 9, 9, 9],
        "MAGNOLIA": [12, 12, 12, 13, 13, 13],
    }
    sup = [("ALKI", "2026-Q1"), ("DELRIDGE", "2026-Q1"), ("MAGNOLIA", "2026-Q1"), ("BELLTOWN", "2026-Q1")]
    report = audit_publication(linked(members, monthly, sup))
    assert not report.passed
    [f] = failing(report, "by_neighborhood_quarter", neighborhood="MAGNOLIA", quarter="2026-Q1")
    assert f.problem == "exactly determined: [36, 36]"
    assert failing(report, "by_neighborhood_quarter", neighborhood="BELLTOWN")  # its precinct alone too
    assert not failing(report, "by_neighborhood_quarter", neighborhood="ALKI")


# --------------------------------------------------------------------------------------------
# 5. Filters and their complements.

OFFENSES = ["shoplifting", "other_theft", "trespass"]


def filtered(all_q, shop_q, suppressed_all=(), year=None):
    tables = [
        with_truth(table("by_quarter", ("quarter",), all_q, suppressed_all), all_q),
        with_truth(
            table("shoplifting_by_quarter", ("quarter",), shop_q, filters={"offense_category": "shoplifting"}), shop_q
        ),
    ]
    if year is not None:
        tables.append(with_truth(table("by_year", ("year",), year), year))
    domains = {"quarter": QUARTERS, "year": ["2026"], "month": MONTHS, "offense_category": OFFENSES}
    return publication(tables, domains), truth_of(tables)


def test_filter_complement_of_two_is_exposed():
    pub, truth = filtered({("2026-Q1",): 40, ("2026-Q2",): 50}, {("2026-Q1",): 38, ("2026-Q2",): 20})
    assert audit_publication(pub).passed  # nothing is suppressed; the public file alone is fine
    report = audit_publication(pub, truth)
    assert not report.passed
    [f] = report.failures
    assert f.table_id == "shoplifting_by_quarter"
    assert f.cell == {"quarter": "2026-Q1", "complement_without": "offense_category"}
    assert (f.low, f.high, f.value) == (2, 2, 2)
    assert "exactly determined: [2, 2]" in problem_of(f)


def test_filter_complement_protected_by_suppressing_both_quarters():
    pub, truth = filtered(
        {("2026-Q1",): 40, ("2026-Q2",): 50},
        {("2026-Q1",): 38, ("2026-Q2",): 20},
        suppressed_all=[("2026-Q1",), ("2026-Q2",)],
        year={("2026",): 90},
    )
    report = audit_publication(pub, truth)
    assert report.passed, report.failures
    comp = interval(report, "shoplifting_by_quarter", quarter="2026-Q1", complement_without="offense_category")
    assert (comp.low, comp.high, comp.value) == (0, 32, 2)
    assert (
        interval(report, "by_quarter", quarter="2026-Q1").low,
        interval(report, "by_quarter", quarter="2026-Q1").high,
    ) == (38, 70)


# --------------------------------------------------------------------------------------------
# 6. A subset measure: hand-offs within 30 minutes among arrest diversions.

SUBSET_MEASURES = {
    "referrals": {"additive": True, "people": True},
    "handoffs_within_30_min": {
        "additive": True,
        "people": True,
        "subset_of": "referrals",
        "where": {"pathway": ["arrest_diversion"], "handoff_within_30_min": ["true"]},
    },
}


def subset_publication(ad, handoffs, all_referrals, suppressed_handoffs=(), measures=SUBSET_MEASURES):
    tables = [
        with_truth(
            table("arrest_diversions_by_quarter", ("quarter",), ad, filters={"pathway": "arrest_diversion"}), ad
        ),
        with_truth(
            table("handoffs_by_quarter", ("quarter",), handoffs, suppressed_handoffs, measure="handoffs_within_30_min"),
            handoffs,
        ),
        with_truth(table("referrals_by_quarter", ("quarter",), all_referrals), all_referrals),
    ]
    domains = {
        "quarter": QUARTERS,
        "month": MONTHS,
        "pathway": ["arrest_diversion", "social_contact", "community_referral"],
    }
    return publication(tables, domains, measures=measures), truth_of(tables)


@pytest.mark.parametrize(
    "measures", [SUBSET_MEASURES, {"referrals": {"additive": True, "people": True}}], ids=["declared", "from-registry"]
)
def test_subset_measure_complement_exposed(measures):
    # Without the file's description, the release plan (registry) still says what a hand-off is.
    pub, truth = subset_publication(
        {("2026-Q1",): 42, ("2026-Q2",): 30},
        {("2026-Q1",): 40, ("2026-Q2",): 15},
        {("2026-Q1",): 90, ("2026-Q2",): 80},
        measures=measures,
    )
    report = audit_publication(pub, truth)
    assert not report.passed
    [f] = report.failures
    assert (f.table_id, f.cell) == (
        "handoffs_by_quarter",
        {"quarter": "2026-Q1", "complement_without": "handoff_within_30_min"},
    )
    assert (f.low, f.high, f.value, f.sensitive) == (2, 2, 2, True)


def test_subset_measure_bounded_by_its_parent():
    # A suppressed hand-off count is at most the arrest diversions of its quarter: with 42 arrest
    # diversions, 30 published hand-offs in Q2 and a suppressed Q1 next to a total, the bound holds.
    pub, _ = subset_publication(
        {("2026-Q1",): 12, ("2026-Q2",): 30},
        {("2026-Q1",): 11, ("2026-Q2",): 15},
        {("2026-Q1",): 90, ("2026-Q2",): 80},
        suppressed_handoffs=[("2026-Q1",)],
    )
    report = audit_publication(pub)
    ci = interval(report, "handoffs_by_quarter", quarter="2026-Q1")
    assert (ci.low, ci.high) == (0, 12)


# --------------------------------------------------------------------------------------------
# 7. Stocks: periods are not linked.

STOCK = {"active_participants": {"additive": False, "people": True}}


def stock_publication(additive):
    measures = {"active_participants": {"additive": additive, "people": True}}
    by_month = {(m,): v for m, v in zip(MONTHS[:3], [40, 45, 50], strict=False)}
    tables = [
        table(
            "active_by_month", ("month",), by_month, [("2026-02",)], measure="active_participants", additive=additive
        ),
        table(
            "active_by_quarter",
            ("quarter",),
            {("2026-Q1",): 60, ("2026-Q2",): 62},
            measure="active_participants",
            additive=additive,
        ),
    ]
    domains = {"month": MONTHS[:3], "quarter": QUARTERS}
    return publication(tables, domains, measures=measures)


def test_stock_months_are_not_linked_across_periods_or_grains():
    report = audit_publication(stock_publication(additive=False))
    assert report.passed, report.failures
    ci = interval(report, "active_by_month", month="2026-02")
    assert ci.low == 0 and ci.high == math.inf


def test_same_figures_as_an_additive_measure_are_determined():
    # (Inconsistent as flows: 40 + x + 50 = 60 has no solution; the audit says so.)
    report = audit_publication(stock_publication(additive=True))
    assert any(problem_of(f).startswith("published figures are inconsistent") for f in report.failures)


def test_stock_tables_of_one_grain_are_additive_within_a_period():
    total = {(m,): v for m, v in zip(MONTHS[:3], [40, 45, 50], strict=False)}
    by_gender = {
        (m, g): v
        for m, vs in zip(MONTHS[:3], [(25, 15), (30, 15), (20, 30)], strict=False)
        for g, v in zip(("woman", "man"), vs, strict=False)
    }
    tables = [
        table("active_by_month", ("month",), total, measure="active_participants", additive=False),
        table(
            "active_by_month_gender",
            ("month", "gender"),
            by_gender,
            [("2026-02", "man")],
            measure="active_participants",
            additive=False,
        ),
    ]
    pub = publication(tables, {"month": MONTHS[:3], "gender": ["woman", "man"]}, measures=STOCK)
    [f] = audit_publication(pub).failures
    assert f.cell == {"month": "2026-02", "gender": "man"} and f.problem == "exactly determined: [15, 15]"


# --------------------------------------------------------------------------------------------
# Integer reasoning: the attacker knows counts are integers, which proves more than the LP.

TOPICS = ["a", "b", "c", "d", "e", "f", "p", "q", "r", "s", "t", "u", "v"]


def test_integer_reasoning_beyond_the_linear_relaxation():
    # Two odd cycles: a+b+p = b+c+q = a+c+r = 1 (and d, e, f likewise), joined by the published
    # total of all topics (7). Over the reals a..f = 1/2 gives a+b+c+d+e+f = 3, an integral LP
    # optimum; over the integers each triangle holds at most 1, so at most 2.
    triples = ["abp", "bcq", "acr", "des", "eft", "dfu"]
    tables = [table(f"slice_{t}", (), {(): 1}, filters={"topic": list(t)}, measure="focus_contacts") for t in triples]
    tables.append(table("all_topics", (), {(): 7}, measure="focus_contacts"))
    tables.append(table("slice_abcdef", (), {(): 2}, [()], filters={"topic": list("abcdef")}, measure="focus_contacts"))
    pub = publication(tables, {"topic": TOPICS}, measures={"focus_contacts": {"additive": True, "people": True}})
    report = audit_publication(pub)
    ci = interval(report, "slice_abcdef")
    assert (ci.low, ci.high) == (0, 2)
    # Over the integers these figures admit no table at all: a+b = b+c = a+c = 1.
    odd = [
        table(f"pair_{t}", (), {(): 1}, filters={"topic": list(t)}, measure="focus_contacts")
        for t in ["ab", "bc", "ac"]
    ]
    odd.append(table("pair_total", (), {(): 3}, [()], measure="focus_contacts"))
    report = audit_publication(
        publication(odd, {"topic": TOPICS}, measures={"focus_contacts": {"additive": True, "people": True}})
    )
    assert any(problem_of(f).startswith("published figures are inconsistent") for f in report.failures)


# --------------------------------------------------------------------------------------------
# Other rules: published small cells, geographic zeros, statistics, ratios, people-free measures.


def test_public_file_rules_for_published_cells_statistics_and_ratios():
    geo = {("BELLTOWN",): 0, ("ALKI",): 30}
    tables = [
        table("by_neighborhood", ("neighborhood",), geo),
        table("by_pathway", ("pathway",), {("arrest_diversion",): 4, ("social_contact",): 26}),
        {
            "id": "median_days",
            "title": "m",
            "measure": "services_connected",
            "unit": "days",
            "additive": False,
            "statistic": "median_days_to_connection",
            "dimensions": ["year"],
            "filters": {},
            "cells": [{"year": "2026", "value": 12.5, "people": 9}],
        },
        table("case_managers_by_month", ("month",), {(m,): 3 for m in MONTHS}, measure="case_managers", additive=False),
        table("focus_areas", ("neighborhood",), {("BELLTOWN",): 1, ("ALKI",): 0}, measure="focus_areas"),
    ]
    ratios = [
        {
            "id": "share",
            "title": "share",
            "per": 100,
            "numerator": ["by_pathway", {"pathway": "arrest_diversion"}],
            "denominator": ["by_pathway", {"pathway": "arrest_diversion"}],
            "unstable": False,
        },
        {
            "id": "missing",
            "title": "missing",
            "per": 100,
            "numerator": ["by_pathway", {"pathway": "social_contact"}],
            "denominator": ["nowhere", {}],
            "unstable": False,
        },
        {
            "id": "per_case_manager",
            "title": "per case manager",
            "per": 1,
            "numerator": ["by_pathway", {"pathway": "social_contact"}],
            "denominator": ["case_managers_by_month", {"month": "2026-01"}],
            "unstable": False,
        },
    ]
    measures = {
        "referrals": {"additive": True, "people": True},
        "case_managers": {"additive": False, "people": False},
        "focus_areas": {"additive": True, "people": False},
    }
    domains = {
        "neighborhood": ["ALKI", "BELLTOWN"],
        "pathway": ["arrest_diversion", "social_contact"],
        "month": MONTHS,
        "year": ["2026"],
    }
    report = audit_publication(publication(tables, domains, measures=measures, ratios=ratios))
    problems = {(f.table_id, tuple(f.cell.items()), f.problem) for f in report.failures}
    assert problems == {
        (
            "by_neighborhood",
            (("neighborhood", "BELLTOWN"),),
            "sensitive cell published: a zero in a geographic table that no published zero implies",
        ),
        ("by_pathway", (("pathway", "arrest_diversion"),), "sensitive cell published: value 4 under k=11"),
        ("median_days", (("year", "2026"),), "statistic published with 9 people (k=11)"),
        ("by_pathway", (("pathway", "arrest_diversion"),), "ratio share: denominator 4 is under k=11"),
        ("nowhere", (), "ratio missing: denominator names a missing table"),
    }


def test_geographic_zero_implied_by_a_published_zero_total_may_be_published():
    tables = [
        table(
            "by_neighborhood_quarter",
            ("neighborhood", "quarter"),
            {("ALKI", "2026-Q1"): 0, ("BELLTOWN", "2026-Q1"): 0, ("ALKI", "2026-Q2"): 20, ("BELLTOWN", "2026-Q2"): 25},
        ),
        table("by_quarter", ("quarter",), {("2026-Q1",): 0, ("2026-Q2",): 45}),
    ]
    domains = {"neighborhood": ["ALKI", "BELLTOWN"], "quarter": QUARTERS, "month": MONTHS}
    report = audit_publication(publication(tables, domains))
    assert report.passed, report.failures


def test_truth_rules_people_and_dominance():
    values = {("r0",): 30, ("r1",): 40, ("r2",): 50}
    tables = [table("by_band", ("age_band",), values)]
    truth = truth_of(tables)
    truth["by_band"].loc[0, "people"] = 4  # 30 referrals from 4 people
    truth["by_band"].loc[1, ["top1", "top2"]] = [38, 1]  # one person dominates: 40 - 38 - 1 < 3.8
    report = audit_publication(publication(tables, {"age_band": ["r0", "r1", "r2"]}), truth)
    assert {f.cell["age_band"] for f in report.failures} == {"r0", "r1"}
    assert all(problem_of(f).startswith("sensitive cell published") and f.sensitive for f in report.failures)


def test_progress_and_report_fields():
    tables, domains = grid(TRAP, [*TRAP_CELLS, (1, 3)])
    calls = []
    report = audit_publication(publication(tables, domains), progress=lambda d, t: calls.append((d, t)))
    assert calls[0] == (0, 10) and calls[-1] == (10, 10) and len(calls) == 11
    assert report.checked_cells == 10 and report.seconds >= 0 and report.passed
    assert all(i.value is None and i.sensitive is None for i in report.intervals)


def test_unconstrained_cell_is_unbounded():
    tables = [table("by_band", ("age_band",), {("r0",): 30, ("r1",): 4}, [("r1",)])]
    report = audit_publication(publication(tables, {"age_band": ["r0", "r1"]}))
    assert report.passed
    ci = interval(report, "by_band", age_band="r1")
    assert (ci.low, ci.high) == (0, math.inf)


# --------------------------------------------------------------------------------------------
# 8. Property: the audit's intervals equal brute-force integer programming on the full joint table.


def brute_force(n_vars, constraints, target):
    """min and max of target . x over non-negative integer x with A x = b (upper bound 10^4)."""
    A = np.array([a for a, _ in constraints], dtype=float) if constraints else np.zeros((0, n_vars))
    b = np.array([v for _, v in constraints], dtype=float)
    cons = [LinearConstraint(A, b, b)] if constraints else []
    out = []
    for sign in (1, -1):
        res = milp(
            sign * np.asarray(target, float), constraints=cons, integrality=np.ones(n_vars), bounds=Bounds(0, 10_000)
        )
        assert res.status == 0, res.message
        out.append(float(round(sign * res.fun)))  # an integer optimum, without the solver's float noise
    low, high = out
    return low, (math.inf if high > 5_000 else high)


@st.composite
def two_way(draw):
    nr, nc = draw(st.integers(2, 4)), draw(st.integers(2, 4))
    arr = np.array(draw(st.lists(st.integers(0, 15), min_size=nr * nc, max_size=nr * nc))).reshape(nr, nc)
    sup = draw(st.lists(st.booleans(), min_size=nr * nc, max_size=nr * nc))
    margins = draw(st.lists(st.booleans(), min_size=nr + nc + 1, max_size=nr + nc + 1))
    hierarchy = draw(st.booleans())
    return arr, np.array(sup).reshape(nr, nc), margins, hierarchy


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(two_way())
def test_property_two_way_tables_with_margins_and_a_hierarchy(case):
    arr, sup, margins, hierarchy = case
    nr, nc = arr.shape
    rows = [f"n{i}" for i in range(nr)]
    cols = [f"c{j}" for j in range(nc)]
    members = {n: ("P0" if i < (nr + 1) // 2 else "P1") for i, n in enumerate(rows)}
    inner = {(rows[i], cols[j]): arr[i, j] for i in range(nr) for j in range(nc)}
    tables = [
        table(
            "inner",
            ("neighborhood", "gender"),
            inner,
            {(rows[i], cols[j]) for i in range(nr) for j in range(nc) if sup[i, j]},
        ),
        table(
            "rows",
            ("neighborhood",),
            {(r,): arr[i].sum() for i, r in enumerate(rows)},
            {(r,) for i, r in enumerate(rows) if margins[i]},
        ),
        table(
            "cols",
            ("gender",),
            {(c,): arr[:, j].sum() for j, c in enumerate(cols)},
            {(c,) for j, c in enumerate(cols) if margins[nr + j]},
        ),
        table("total", (), {(): arr.sum()}, {()} if margins[-1] else set()),
    ]
    if hierarchy:
        prec = {
            (p, c): sum(arr[i, j] for i, r in enumerate(rows) if members[r] == p)
            for p in ("P0", "P1")
            for j, c in enumerate(cols)
        }
        tables.append(table("precincts", ("precinct", "gender"), prec, {k for k in prec if k[1] == "c0"}))
    domains = {"neighborhood": rows, "gender": cols, "precinct": ["P0", "P1"]}
    hier = {"neighborhood": {"parent": "precinct", "members": members}}
    report = audit_publication(publication(tables, domains, hierarchies=hier))

    # Brute force on the joint (neighborhood x gender).
    def vec(pred):
        return [1 if pred(rows[i], cols[j]) else 0 for i in range(nr) for j in range(nc)]

    def selector(t, cell):
        conds = []
        for d in t["dimensions"]:
            v = cell[d]
            conds.append(
                {
                    "neighborhood": lambda r, c, v=v: r == v,
                    "gender": lambda r, c, v=v: c == v,
                    "precinct": lambda r, c, v=v: members[r] == v,
                }[d]
            )
        return vec(lambda r, c: all(f(r, c) for f in conds))

    constraints = [
        (selector(t, cell), cell["value"]) for t in tables for cell in t["cells"] if not cell.get("suppressed")
    ]
    checked = 0
    for t in tables:
        for cell in t["cells"]:
            if not cell.get("suppressed"):
                continue
            expected = brute_force(nr * nc, constraints, selector(t, cell))
            got = interval(report, t["id"], **{d: cell[d] for d in t["dimensions"]})
            assert (got.low, got.high) == expected, (t["id"], cell, expected, got)
            checked += 1
    assert report.checked_cells == checked


NB = ["n0", "n1", "n2"]
MEMBERS3 = {"n0": "P0", "n1": "P0", "n2": "P1"}
PATHS = ["arrest_diversion", "social_contact"]
OFF2 = ["shoplifting", "trespass"]
JOINT = list(itertools.product(MONTHS, PATHS, NB, OFF2))


@st.composite
def joint_case(draw):
    counts = draw(st.lists(st.integers(0, 3), min_size=len(JOINT), max_size=len(JOINT)))
    sup_seed = draw(st.integers(0, 2**31 - 1))
    density = draw(st.sampled_from([0.2, 0.4, 0.6]))
    return np.array(counts), sup_seed, density


def against_brute_force(joint, preds, specs, domains, counts, seed, density, hierarchies=None):
    """Publish ``specs`` [(id, dims, filters)] of the joint table ``counts`` over ``joint`` units,
    suppress at random, and compare every suppressed cell's interval with brute force."""
    rng = np.random.default_rng(seed)
    tables, selectors = [], {}
    for tid, dims, filters in specs:
        values = {}
        for key in itertools.product(*(domains[d] for d in dims)):
            sel = np.array(
                [
                    int(
                        all(preds[d](u, v) for d, v in zip(dims, key, strict=False))
                        and all(preds[f](u, x) for f, x in filters.items())
                    )
                    for u in joint
                ]
            )
            selectors[(tid, key)] = sel
            values[key] = int(sel @ counts)
        sup = {key for key in values if rng.random() < density}
        tables.append(table(tid, dims, values, sup, filters=filters))
    report = audit_publication(publication(tables, domains, hierarchies=hierarchies))
    constraints = [
        (selectors[(t["id"], tuple(c[d] for d in t["dimensions"]))], c["value"])
        for t in tables
        for c in t["cells"]
        if not c.get("suppressed")
    ]
    checked = 0
    for t in tables:
        for c in t["cells"]:
            if c.get("suppressed"):
                key = tuple(c[d] for d in t["dimensions"])
                expected = brute_force(len(joint), constraints, selectors[(t["id"], key)])
                got = interval(report, t["id"], **dict(zip(t["dimensions"], key, strict=False)))
                assert (got.low, got.high) == expected, (t["id"], key, expected, got)
                checked += 1
    assert report.checked_cells == checked


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(joint_case())
def test_property_linked_tables_over_a_four_way_joint(case):
    """month x pathway, neighborhood x quarter, precinct x month, shoplifting by quarter (a filter),
    month totals: the audit's junction-tree model (with coarsened cliques) against the full joint."""
    counts, seed, density = case
    preds = {
        "month": lambda u, v: u[0] == v,
        "quarter": lambda u, v: quarter_of(u[0]) == v,
        "pathway": lambda u, v: u[1] == v,
        "neighborhood": lambda u, v: u[2] == v,
        "precinct": lambda u, v: MEMBERS3[u[2]] == v,
        "offense_category": lambda u, v: u[3] == v,
    }
    specs = [
        ("by_month_pathway", ("month", "pathway"), {}),
        ("by_neighborhood_quarter", ("neighborhood", "quarter"), {}),
        ("by_precinct_month", ("precinct", "month"), {}),
        ("by_month", ("month",), {}),
        ("shoplifting_by_quarter", ("quarter",), {"offense_category": "shoplifting"}),
    ]
    domains = {
        "month": MONTHS,
        "quarter": QUARTERS,
        "pathway": PATHS,
        "neighborhood": NB,
        "precinct": ["P0", "P1"],
        "offense_category": OFF2,
    }
    against_brute_force(
        JOINT,
        preds,
        specs,
        domains,
        counts,
        seed,
        density,
        {"neighborhood": {"parent": "precinct", "members": MEMBERS3}},
    )


GENDERS, BANDS = ["woman", "man"], ["under_25", "25_34"]
JOINT3 = list(itertools.product(MONTHS, GENDERS, BANDS))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.integers(0, 4), min_size=len(JOINT3), max_size=len(JOINT3)),
    st.integers(0, 2**31 - 1),
    st.sampled_from([0.3, 0.5, 0.7]),
)
def test_property_partitions_that_do_not_nest(counts, seed, density):
    """Quarters on one side, a March-April slice on the other: the model must refine the time
    classes where the two cliques meet (neither partition refines the other)."""
    preds = {
        "month": lambda u, v: u[0] in (v if isinstance(v, list) else [v]),
        "quarter": lambda u, v: quarter_of(u[0]) == v,
        "year": lambda u, v: u[0][:4] == v,
        "gender": lambda u, v: u[1] == v,
        "age_band": lambda u, v: u[2] == v,
    }
    specs = [
        ("by_quarter_gender", ("quarter", "gender"), {}),
        ("march_april_by_age", ("age_band",), {"month": ["2026-03", "2026-04"]}),
        ("by_year_age", ("year", "age_band"), {}),
        ("by_gender", ("gender",), {}),
    ]
    domains = {"month": MONTHS, "quarter": QUARTERS, "year": ["2026"], "gender": GENDERS, "age_band": BANDS}
    against_brute_force(JOINT3, preds, specs, domains, np.array(counts), seed, density)
