"""Choosing the grain: a table pools to its coarser fallback when more than half of its cells would be
withheld, counting the partner a lone sensitive cell needs where its period's total is published."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggregation.protection import CountTable, primary_sensitivity
from aggregation.publication import would_be_suppressed
from aggregation.rules import Rule
from tests.synthetic import declaration, publish_units, structure
from tests.test_protection import units_from_table

MONTHS = ("2024-01", "2024-02", "2024-03", "2024-04")
PATHWAYS = ("a", "b", "c", "unknown")


def frame(values: dict[tuple[str, str], int]) -> pd.DataFrame:
    return pd.DataFrame([{"month": m, "pathway": p, "value": v} for (m, p), v in values.items()])


def test_a_lone_sensitive_cell_in_a_period_counts_its_partner():
    cells = frame(
        {
            ("2024-01", "a"): 30,
            ("2024-01", "b"): 3,
            ("2024-01", "c"): 40,
            ("2024-02", "a"): 2,
            ("2024-02", "b"): 4,
            ("2024-02", "c"): 50,
            ("2024-03", "a"): 30,
            ("2024-03", "b"): 30,
            ("2024-03", "c"): 30,
        }
    )
    sensitive = [v in (2, 3, 4) for v in cells["value"]]
    assert sum(sensitive) == 3
    # January: 1 sensitive + 1 partner; February: 2 sensitive, each the other's partner; March: none
    assert would_be_suppressed(cells, sensitive, ("month", "pathway")) == 4
    # no breakdown (a period's own total) or no time dimension: just the sensitive cells
    assert would_be_suppressed(cells, sensitive, ("month",)) == 3
    assert would_be_suppressed(cells, sensitive, ("pathway",)) == 3


def test_a_period_of_one_cell_has_no_partner_to_count():
    cells = pd.DataFrame([{"month": "2024-01", "pathway": "a", "value": 3}])
    assert would_be_suppressed(cells, [True], ("month", "pathway")) == 1


counts = st.lists(st.integers(0, 40), min_size=len(MONTHS) * len(PATHWAYS), max_size=len(MONTHS) * len(PATHWAYS))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(counts)
def test_the_estimate_never_exceeds_what_protection_withholds_when_period_totals_are_published(values):
    """Attack the estimate: random month x pathway tables whose month totals are published (each at least
    k); the engine must withhold at least as many cells as the pooling rule counted."""
    table = {(m, p): values[i * len(PATHWAYS) + j] for i, m in enumerate(MONTHS) for j, p in enumerate(PATHWAYS)}
    for m in MONTHS:  # every month's total at least k, so it is published
        table[(m, "c")] += max(0, 11 - sum(table[(m, p)] for p in PATHWAYS))
    s = structure(MONTHS)
    units = units_from_table({cell: n for cell, n in table.items() if n})
    by_month_pathway = declaration("by_month_pathway", ["month", "pathway"])
    publication, _, _ = publish_units(units, [by_month_pathway, declaration("by_month", ["month"])], s)
    published = publication.by_id
    assert not any(c.suppressed for c in published["by_month"].cells)
    cells = pd.DataFrame([{**c.where, "value": c.value} for c in published["by_month_pathway"].cells])
    cells["value"] = [table[(m, p)] for m, p in zip(cells["month"], cells["pathway"], strict=False)]
    cells["people"] = cells["value"]
    cells["top1"] = np.minimum(cells["value"], 1)
    cells["top2"] = np.minimum(cells["value"], 2) - cells["top1"]
    sensitive = [r is not None for r in primary_sensitivity(CountTable(by_month_pathway, cells), Rule(11))]
    withheld = sum(c.suppressed for c in published["by_month_pathway"].cells)
    estimate = would_be_suppressed(cells, sensitive, by_month_pathway.dimensions)
    assert sum(sensitive) <= estimate <= withheld, (table, sensitive, withheld)
