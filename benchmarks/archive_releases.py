"""Benchmark releases over time: the demo's consecutive monthly releases into one archive.

Run from the project root::

    .venv/bin/python -m benchmarks.archive_releases                 # 13 releases (12 earlier + 1), fresh baselines
    .venv/bin/python -m benchmarks.archive_releases --releases 4 --out /tmp/archive.json

For each month end, in the same run and on the same demo database:

``release``  ``make_release``: the archive's audit, the build with every earlier release's
             history, the release's own audit with the recount, the archive audit with it, writing;
``fresh``    what ``lead-dashboard publish`` does for the same as-of date: build without history
             (periods "to date" included), audit with the recount, write;
``alone``    the same whole-period release built without history: the information a release
             would lose against being published alone is its suppressed-value share against this.

Then ``lead-dashboard audit`` of the whole archive (public files) and with the database.
Prints per release: seconds (release, fresh, ratio), cells, suppressed cells, suppressed-value
shares (archive and alone); then medians, worst cases, the year's shares and the archive audit.
Exits 1 when the archive audit fails. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from aggregation.audit import audit_publication
from aggregation.audit_archive import audit_archive
from core import archive
from core.publication_files import write_publication
from data_access.demo import build_demo_database
from data_access.periods import month_ends
from data_access.recount import truth_from_recount
from publishing.build import build_from_database, truth_for
from publishing.release import make_release, stored_as_audited


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return 0 when the archive audit passes."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--releases", type=int, default=13, help="month ends to release (default 13: 12 earlier + 1)")
    parser.add_argument("--last", default="2026-11-30", help="the last month end (default 2026-11-30)")
    parser.add_argument("--seed", type=int, default=2011)
    parser.add_argument("--no-fresh", action="store_true", help="skip the fresh and alone baselines")
    parser.add_argument("--out", type=Path, help="write every figure as JSON")
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="lead-archive-bench-"))
    last = dt.date.fromisoformat(args.last)
    url = f"sqlite:///{work / 'demo.sqlite'}"
    build_demo_database(url, seed=args.seed, scale="small", as_of=last)
    directory = work / "archive"
    rows: list[dict[str, Any]] = []
    print(f"demo database (small, seed {args.seed}, as of {last}); {args.releases} monthly releases into {directory}")
    print(
        f"{'as of':<11} {'release s':>9} {'fresh s':>8} {'ratio':>6} {'cells':>7} {'suppr.':>7} "
        f"{'archive share':>13} {'alone share':>11} {'kept':>6} {'revised':>7}"
    )
    for day in month_ends(last, args.releases):
        started = time.perf_counter()
        outcome = make_release(url, directory, as_of=day, source="demo")
        release_seconds = time.perf_counter() - started
        row: dict[str, Any] = {
            "as_of": day.isoformat(),
            "release_seconds": release_seconds,
            "steps": outcome.seconds,
            "cells": outcome.report.cells,
            "suppressed": outcome.report.primary + outcome.report.secondary,
            "primary": outcome.report.primary,
            "secondary": outcome.report.secondary,
            "suppressed_value": outcome.report.suppressed_value,
            "total_value": outcome.report.total_value,
            "kept": outcome.report.kept,
            "revised": len(outcome.report.revised),
        }
        if not args.no_fresh:
            started = time.perf_counter()
            publication, _, _ = build_from_database(url, as_of=day, source="demo")
            fresh_audit = audit_publication(publication, truth_for(url, publication))
            write_publication(publication, work / "fresh")
            row["fresh_seconds"] = time.perf_counter() - started
            row["fresh_audit_passed"] = fresh_audit.passed
            _, alone, _ = build_from_database(url, as_of=day, source="demo", whole_periods=True)
            row.update(
                alone_suppressed_value=alone.suppressed_value,
                alone_total_value=alone.total_value,
                alone_suppressed=alone.primary + alone.secondary,
            )
        rows.append(row)
        archive_share = row["suppressed_value"] / row["total_value"]
        alone_share = row.get("alone_suppressed_value", float("nan")) / row.get("alone_total_value", float("nan"))
        ratio = row["release_seconds"] / row["fresh_seconds"] if "fresh_seconds" in row else float("nan")
        print(
            f"{row['as_of']:<11} {release_seconds:>9.1f} {row.get('fresh_seconds', float('nan')):>8.1f} "
            f"{ratio:>6.2f} {row['cells']:>7,} {row['suppressed']:>7,} {archive_share:>13.2%} {alone_share:>11.2%} "
            f"{row['kept']:>6,} {row['revised']:>7}"
        )
        sys.stdout.flush()

    started = time.perf_counter()
    stored = archive.read_releases(directory)
    public = audit_archive(stored_as_audited(stored))
    public_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with_truth = audit_archive(stored_as_audited(stored), lambda union: truth_from_recount(url, union))
    truth_seconds = time.perf_counter() - started

    def median_worst(key: str) -> tuple[float, float]:
        values = [r[key] for r in rows if key in r]
        return statistics.median(values), max(values)

    print()
    later = rows[1:] or rows
    med, worst = median_worst("release_seconds")
    print(
        f"release: median {med:.1f} s, worst {worst:.1f} s (first, empty archive: {rows[0]['release_seconds']:.1f} s; "
        f"with earlier releases: median {statistics.median(r['release_seconds'] for r in later):.1f} s)"
    )
    if not args.no_fresh:
        med_f, worst_f = median_worst("fresh_seconds")
        ratios = [r["release_seconds"] / r["fresh_seconds"] for r in rows]
        print(f"fresh publish: median {med_f:.1f} s, worst {worst_f:.1f} s")
        print(
            f"release / fresh publish: last release ({len(rows) - 1} earlier) {ratios[-1]:.2f}, "
            f"median {statistics.median(ratios):.2f}, worst {max(ratios):.2f}"
        )
        year = rows[-12:]
        archive_year = sum(r["suppressed_value"] for r in year) / sum(r["total_value"] for r in year)
        alone_year = sum(r["alone_suppressed_value"] for r in year) / sum(r["alone_total_value"] for r in year)
        print(
            f"the year's suppressed-value share ({len(year)} releases): archive {archive_year:.2%}, each alone "
            f"{alone_year:.2%}, ratio {archive_year / alone_year:.2f} (goal at most 1.5)"
        )
    print(
        f"archive audit, public files: {'PASSED' if public.passed else 'FAILED'} in {public_seconds:.1f} s "
        f"({public.checked_cells:,} withheld cells, {len(public.failures)} failures, {len(public.problems)} problems)"
    )
    print(
        f"archive audit with the database: {'PASSED' if with_truth.passed else 'FAILED'} in {truth_seconds:.1f} s "
        f"({len(with_truth.failures)} failures, {len(with_truth.truth_revisions)} changed since release)"
    )
    if args.out:
        args.out.write_text(
            json.dumps(
                {
                    "machine": platform.platform(),
                    "python": platform.python_version(),
                    "rows": rows,
                    "public_audit_seconds": public_seconds,
                    "truth_audit_seconds": truth_seconds,
                    "public_passed": public.passed,
                    "truth_passed": with_truth.passed,
                },
                indent=1,
            )
        )
    shutil.rmtree(work, ignore_errors=True)
    return 0 if public.passed and with_truth.passed else 1


if __name__ == "__main__":
    sys.exit(main())
