"""End to end on the demo database: publish writes a publication that audit passes, figures are true."""

from __future__ import annotations

import csv
import json

import pytest

from aggregation.audit import audit_publication
from aggregation.registry import TABLES
from core.release_model import Release
from publishing.build import truth_for
from publishing.cli import main

pytestmark = pytest.mark.slow


def test_every_declared_table_is_present_or_pooled(demo_publication):
    _, publication, report = demo_publication
    ids = {t.id for t in publication.tables}
    pooled_from = {t.pooled_from for t in publication.tables}
    for declaration in TABLES:
        assert declaration.id in ids or declaration.id in pooled_from, declaration.id
    assert report.cells > 10_000 and report.primary > 0 and report.secondary > 0


def test_the_audit_passes_with_the_database_and_published_figures_are_true(demo_database, demo_publication):
    _, publication, _ = demo_publication
    report = audit_publication(publication, truth_for(demo_database, publication))
    assert report.passed, [(f.table_id, f.cell, f.problem) for f in report.failures[:10]]
    assert not report.value_mismatches
    assert report.checked_cells > 1000


def test_the_files_match_the_publication(demo_publication):
    directory, publication, _ = demo_publication
    on_disk = json.loads((directory / "publication.json").read_text())
    assert on_disk["tables"] == publication.to_json()["tables"]  # the file is the model's JSON document
    assert Release.from_json(on_disk) == publication  # and reads back as the same model
    package = json.loads((directory / "datapackage.json").read_text())
    assert {r["path"] for r in package["resources"]} == {f"tables/{t.id}.csv" for t in publication.tables}
    table = publication.tables[0]
    with open(directory / "tables" / f"{table.id}.csv") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(table.cells)
    for row, cell in zip(rows, table.cells, strict=False):
        assert row["suppressed"] == ("true" if cell.suppressed else "false")
        assert row["value"] == ("" if cell.value is None else str(cell.value))


def test_private_figures_never_reach_the_public_files(demo_publication):
    directory, _, report = demo_publication
    text = (directory / "publication.json").read_text()
    for secret in ("primary", "secondary", "sensitive", "top1", "top2", "dominance"):
        assert secret not in text
    document = json.loads(text)
    k = document["release"]["threshold"]
    for table in document["tables"]:
        for cell in table["cells"]:
            assert set(cell) <= set(table["dimensions"]) | {"value", "suppressed", "people"}
            if "people" in cell and cell["people"] is not None:
                assert table.get("statistic") and cell["people"] >= k


def test_audit_command_passes_and_fails_on_a_tampered_copy(demo_publication, tmp_path, capsys):
    directory, publication, _ = demo_publication
    assert main(["audit", str(directory)]) == 0
    tampered = json.loads(json.dumps(publication.to_json()))  # the JSON document, edited as a file would be
    # publish back one suppressed cell of a fully linked table: it becomes exactly determined or exposes another
    table = next(t for t in tampered["tables"] if "referrals_by_month_pathway" in (t["id"], t.get("pooled_from")))
    cell = next(c for c in table["cells"] if c.get("suppressed"))
    cell.pop("suppressed")
    cell["value"] = 3
    copy = tmp_path / "tampered"
    copy.mkdir()
    (copy / "publication.json").write_text(json.dumps(tampered))
    assert main(["audit", str(copy)]) == 1
    assert "FAIL" in capsys.readouterr().out


@pytest.mark.parametrize("as_of", ["2026-11-27", "2025-06-30"])
def test_the_demo_as_of_other_dates_publishes_and_passes_the_audit(tmp_path, as_of):
    """Another date gives other data and another pooling; the engine must still satisfy the audit.

    2026-11-27 is the day the README's run command found a publication that failed its audit
    (monthly cliques linked only through a quarterly one).
    """
    import datetime as dt

    from data_access.demo import build_demo_database
    from publishing.build import build_from_database

    day = dt.date.fromisoformat(as_of)
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    build_demo_database(url, seed=2011, scale="small", as_of=day)
    publication, report, _ = build_from_database(url, as_of=day, source="demo")
    audit = audit_publication(publication, truth_for(url, publication))
    assert audit.passed, [(f.table_id, f.cell, f.problem) for f in audit.failures[:10]]
    assert not audit.value_mismatches
    assert report.secondary > 0
