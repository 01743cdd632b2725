"""Functions stay short: none of the project's code runs past 60 lines, except those allowed below, each with
its reason. A function on the list that gets shorter must leave it, so the list only ever shrinks."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "data_access", "aggregation", "publishing", "dashboard", "pages", "benchmarks")
LIMIT = 60
SEEDED_DEMO = "one step of the seeded demo generator: its random draws must keep their order, so the demo stays "
SEEDED_DEMO += "byte-for-byte the same for a seed"
BENCHMARK_MAIN = "a benchmark script's main: its arguments, the runs and the printed report of one measurement"
AUDIT_MODEL = "one step of the independent audit's junction-tree construction (atoms, cliques and their blocks, "
AUDIT_MODEL += "rows), whose locals index one another; kept apart from the engine's own on purpose"
ALLOWED = {
    "aggregation/audit.py:audit_publication": "the audit's entry point: it owns the failure recorder every check "
    "writes to, and each check is a function of its own",
    "aggregation/audit_model.py:_build_tree": AUDIT_MODEL,
    "aggregation/audit_model.py:_build_rows": AUDIT_MODEL,
    "aggregation/audit_model.py:_atoms_of": AUDIT_MODEL,
    "aggregation/protection.py:_protect_family": "the secondary-suppression loop of one family: its queue and the "
    "model's state move together",
    "data_access/demo.py:_obstacles": SEEDED_DEMO,
    "data_access/demo.py:_referrals_and_participants": SEEDED_DEMO,
    "data_access/demo.py:_case_assignments": SEEDED_DEMO,
    "data_access/aggregate.py:build_query": "one SQL statement per declaration, joins and grouping built in order",
    "data_access/recount.py:placed_rows": "the audit's independent recount: plain and whole on purpose, so that it "
    "shares nothing with the aggregate queries",
    "dashboard/components.py:neighborhood_map": "one map's pydeck layers (areas, withheld marks, labels, outline) "
    "built from the same lists",
    "publishing/release.py:make_release": "a release's steps in order with their timings: read, build, audit, write",
    "publishing/build.py:build_from_database": "the build's steps in order with their timings: plan, query, protect",
    "publishing/cli.py:build_parser": "declares every subcommand's arguments: a list, not logic",
    "benchmarks/archive_releases.py:main": BENCHMARK_MAIN,
    "benchmarks/aggregate_queries.py:main": BENCHMARK_MAIN,
}


def long_functions() -> dict[str, int]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    length = (node.end_lineno or node.lineno) - node.lineno + 1
                    if length > LIMIT:
                        found[f"{path.relative_to(ROOT)}:{node.name}"] = length
    return found


def test_no_function_runs_past_sixty_lines_unless_allowed_with_a_reason():
    found = long_functions()
    unexplained = {name: length for name, length in found.items() if name not in ALLOWED}
    assert not unexplained, f"functions over {LIMIT} lines: split them or allow them with a reason: {unexplained}"
    shorter = sorted(set(ALLOWED) - set(found))
    assert not shorter, f"now {LIMIT} lines or fewer: take them off the allow-list: {shorter}"
    assert all(len(reason) > 40 for reason in ALLOWED.values())


PAGE_LINES = 80
DATA_WORK = {"merge", "join", "groupby", "concat", "pivot", "pivot_table", "sum", "mean", "isin", "apply", "map"}


def page_problems(source: str) -> list[str]:
    """Return what a page does that belongs in dashboard/: arithmetic, subscripting data, or data work."""
    problems = []
    tree = ast.parse(source)
    annotations = {
        id(inner)
        for node in ast.walk(tree)
        for annotation in (getattr(node, "annotation", None), getattr(node, "returns", None))
        if annotation is not None
        for inner in ast.walk(annotation)
    }  # types (``list[str | None]``) are not data
    for node in ast.walk(tree):
        if id(node) in annotations:
            continue
        if isinstance(node, ast.BinOp | ast.AugAssign):
            problems.append(f"line {node.lineno}: arithmetic")
        elif isinstance(node, ast.Subscript):
            problems.append(f"line {node.lineno}: subscript (filters a frame or reads raw data)")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in DATA_WORK:
            problems.append(f"line {node.lineno}: .{node.func.attr}()")
    return problems


def test_pages_are_thin_they_call_their_sections_and_compute_nothing():
    for path in sorted((ROOT / "pages").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert len(source.splitlines()) < PAGE_LINES, f"{path.name}: {len(source.splitlines())} lines"
        assert not page_problems(source), (path.name, page_problems(source))


def test_the_page_check_catches_arithmetic_a_filter_and_a_join():
    page = (ROOT / "pages" / "monthly.py").read_text(encoding="utf-8")
    assert not page_problems(page)
    for injected in (
        "    total = figure.value + 1\n",
        "    latest = frame[frame['month'] == month]\n",
        "    both = frame.merge(other, on='month')\n",
    ):
        assert page_problems(page + "\n\ndef extra(figure, frame, other, month):\n" + injected), injected
