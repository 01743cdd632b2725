"""How much each page answers under protection, before and after: chart points and table cells shown and
withheld, headline figures with a number, and a number for every neighborhood on the home page.

    python benchmarks/answers.py [--baseline REV] [--as-of 2026-10-31]

Builds the demo database, publishes it with this tree's code and with the baseline's (a git worktree
of ``REV``, default the commit before issue 10), then opens every page with no URL parameters and the
home page for every neighborhood, in the same run, each tree reading its own publication. Also
reports the share of suppressed value (recounted) of the tables both publications hold, and of the
new tables apart, and of all the tables each holds (a table pooled to a coarser grain has a new id, so it
counts among the new ones). Prints a table; ``--json`` writes the figures too. Slow: about 10 minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from core.publication_files import read_publication
from core.release_model import Release

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PAGES = ("monthly", "neighborhoods", "resources", "retail_theft", "people", "briefing", "about")
BASELINE = "ebcda7f"  # the last commit before issue 10's work

# Run in a subprocess with the tree under test first on sys.path; prints one JSON line.
RUNNER = r"""
import json, math, sys
from streamlit.testing.v1 import AppTest
sys.path.insert(0, sys.argv[1])
page, params = sys.argv[2], json.loads(sys.argv[3])
at = AppTest.from_string(f"from pages import {page}\n{page}.render()", default_timeout=300)
for key, value in params.items():
    at.query_params[key] = value
at.run()
def decode(array):
    if isinstance(array, dict) and "bdata" in array:
        import base64, numpy as np
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=np.dtype(array["dtype"])).tolist()
    return array if isinstance(array, list) else []
shown = withheld = 0
for chart in at.get("plotly_chart"):
    for trace in json.loads(chart.proto.spec).get("data", []):
        if trace.get("mode") == "text":
            continue  # the marks on withheld points
        key = "x" if trace.get("orientation") == "h" else "y"
        for v in decode(trace.get(key)):
            if v is None or (isinstance(v, float) and math.isnan(v)):
                withheld += 1
            else:
                shown += 1
cells_shown = cells_withheld = 0
for frame in at.dataframe:
    for column in frame.value.columns:
        values = [str(v) for v in frame.value[column].tolist()]
        if column in DIMENSIONS:
            continue
        for v in values:
            if v == "‡":
                cells_withheld += 1
            elif v.replace(",", "").replace(".", "", 1).replace("%", "").lstrip("-").isdigit():
                cells_shown += 1
metrics = [(m.label, str(m.value)) for m in at.metric]
texts = [m.value for m in at.markdown] + [c.value for c in at.caption]
print(json.dumps({"points": [shown, withheld], "cells": [cells_shown, cells_withheld], "metrics": metrics,
                  "texts": texts, "errors": [str(e.value) for e in at.exception]}))
"""


def run_page(tree: Path, publication: Path, page: str, params: dict) -> dict:
    from tests.leak import DIMENSION_COLUMNS

    script = f"DIMENSIONS = {sorted(DIMENSION_COLUMNS | {'Year', 'Quarter', 'Month', 'Period'})!r}\n" + RUNNER
    env = {**os.environ, "LEAD_PUBLICATION": str(publication), "PYTHONPATH": str(tree)}
    env.pop("LEAD_ARCHIVE", None)
    done = subprocess.run(
        [sys.executable, "-c", script, str(tree), page, json.dumps(params)],
        env=env,
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def publish(tree: Path, url: str, as_of: str, out: Path) -> float:
    started = time.perf_counter()
    env = {**os.environ, "PYTHONPATH": str(tree)}
    subprocess.run(
        [sys.executable, "-m", "publishing.cli", "publish", "--db", url, "--out", str(out), "--as-of", as_of],
        env=env,
        cwd=tree,
        check=True,
        capture_output=True,
        text=True,
    )
    return time.perf_counter() - started


def suppressed_shares(url: str, publication: Release, table_ids: set[str]) -> tuple[int, int]:
    """Return (suppressed value, total value) over ``table_ids``, recounted from the database."""
    from data_access.recount import truth_from_recount

    truth = truth_from_recount(url, publication)
    hidden = total = 0
    for table in publication.tables:
        if table.id not in table_ids or table.statistic or table.measure in ("case_managers", "focus_areas"):
            continue
        for cell, value in zip(table.cells, truth[table.id]["value"], strict=False):
            total += int(value)
            hidden += int(value) if cell.suppressed else 0
    return hidden, total


def neighborhood_answer(result: dict, after: bool) -> bool:
    """Return whether the home page gave the neighborhood a number for its area."""
    if after:
        return any(
            label.startswith("Referrals in the 12 months") and value not in ("‡", "—")
            for label, value in result["metrics"]
        )
    return any(" had " in t and " referrals in " in t and " had ‡ " not in t for t in result["texts"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", default=BASELINE, help=f"git revision to compare with (default {BASELINE})")
    parser.add_argument("--as-of", default="2026-10-31")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="answers-"))
    base_tree = work / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", "-q", str(base_tree), args.baseline], cwd=ROOT, check=True)
    try:
        db = work / "demo.sqlite"
        subprocess.run(
            [sys.executable, "-m", "publishing.cli", "demo-db", "--out", str(db), "--as-of", args.as_of],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        url = f"sqlite:///{db}"
        trees = {"before": base_tree, "after": ROOT}
        pubs, seconds = {}, {}
        for name, tree in trees.items():
            seconds[name] = publish(tree, url, args.as_of, work / f"pub-{name}")
            pubs[name] = read_publication(work / f"pub-{name}")
            print(f"published {name} in {seconds[name]:.0f} s", flush=True)
        results: dict[str, Any] = {"publish_seconds": seconds, "pages": {}, "neighborhoods": {}}
        for page in PAGES:
            for name, tree in trees.items():
                if not (tree / "pages" / f"{page}.py").is_file():
                    continue  # a page the baseline did not have
                found = run_page(tree, work / f"pub-{name}", page, {})
                results["pages"].setdefault(page, {})[name] = found
        hoods = [h for h in pubs["after"].domains["neighborhood"] if h != "unknown"]
        for name, tree in trees.items():
            answered = 0
            for hood in hoods:
                params = {"place": hood} if name == "after" else {"neighborhood": hood}
                answered += neighborhood_answer(
                    run_page(tree, work / f"pub-{name}", "monthly", params), name == "after"
                )
            results["neighborhoods"][name] = [answered, len(hoods)]
        old_ids = {t.id for t in pubs["before"].tables} & {t.id for t in pubs["after"].tables}
        new_ids = {t.id for t in pubs["after"].tables} - old_ids
        results["suppressed_value"] = {
            "before (shared tables)": suppressed_shares(url, pubs["before"], old_ids),
            "after (shared tables)": suppressed_shares(url, pubs["after"], old_ids),
            "after (new tables)": suppressed_shares(url, pubs["after"], new_ids),
            "before (all tables)": suppressed_shares(url, pubs["before"], {t.id for t in pubs["before"].tables}),
            "after (all tables)": suppressed_shares(url, pubs["after"], {t.id for t in pubs["after"].tables}),
        }
        report(results)
        if args.json:
            args.json.write_text(json.dumps(results, indent=1))
    finally:
        subprocess.run(["git", "worktree", "remove", "--force", str(base_tree)], cwd=ROOT, check=False)
    return 0


def report(results: dict) -> None:
    def share(pair):
        shown, withheld = pair
        return f"{shown:>4} / {withheld:<4} ({withheld / max(shown + withheld, 1):5.1%} withheld)"

    print(
        f"\n{'page':<14} {'':6} {'chart points shown / withheld':<34} {'table cells shown / withheld':<34} "
        f"headline withheld"
    )
    for page, found in results["pages"].items():
        for name in ("before", "after"):
            if name not in found:
                print(f"{page:<14} {name:<6} (no such page)")
                continue
            r = found[name]
            headline = sum(v in ("‡", "—") for _, v in r["metrics"])
            print(
                f"{page:<14} {name:<6} {share(r['points']):<34} {share(r['cells']):<34} "
                f"{headline} of {len(r['metrics'])}{'  ERRORS: ' + str(r['errors']) if r['errors'] else ''}"
            )
    for name, (answered, total) in results["neighborhoods"].items():
        print(f"neighborhoods with a number on the home page, {name}: {answered} of {total}")
    for name, (hidden, total) in results["suppressed_value"].items():
        print(f"suppressed value, {name}: {hidden:,} of {total:,} ({hidden / max(total, 1):.2%})")
    print("publish seconds: " + ", ".join(f"{k} {v:.0f}" for k, v in results["publish_seconds"].items()))


if __name__ == "__main__":
    sys.exit(main())
