"""The ``lead-dashboard`` command line: demo-db, check-db (publish and audit follow).

Every failure is one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

EXIT_OK, EXIT_UNUSABLE, EXIT_USAGE = 0, 1, 2


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative number, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every subcommand."""
    parser = argparse.ArgumentParser(
        prog="lead-dashboard",
        description="LEAD public dashboard: demo database, database checks, protected publications.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo-db", help="build the seeded demo program database")
    target = demo.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, help="SQLite file to create (replaced if it exists)")
    target.add_argument("--db", help="SQLAlchemy URL of a PostgreSQL database to fill instead")
    demo.add_argument("--seed", type=_positive, default=2011, help="random seed (default 2011)")
    demo.add_argument("--scale", choices=("small", "large"), default="small",
                      help="small: a few thousand participants (default); large: benchmark size")
    demo.add_argument("--as-of", type=_date, default=None,
                      help="last date of the data (default today); fixes the content for a seed")

    check = commands.add_parser("check-db", help="validate a program database against the contract")
    check.add_argument("--db", help="SQLAlchemy URL (default: LEAD_DB_URL, secrets.toml, or the demo database)")
    check.add_argument("--boundaries", type=Path, help="GeoJSON file to compare with the neighborhoods")
    check.add_argument("--boundaries-key", default=None,
                       help="property holding the neighborhood_id (default from settings)")

    publish = commands.add_parser("publish", help="build, protect, audit and write the publication")
    publish.add_argument("--db", help="SQLAlchemy URL (default: LEAD_DB_URL, secrets.toml, or the demo database)")
    publish.add_argument("--out", type=Path, required=True, help="directory to write (replaced atomically)")
    publish.add_argument("--as-of", type=_date, default=None, help="data as of this date (default today)")
    publish.add_argument("--threshold", type=_positive, default=None, help="threshold k (default from settings)")

    audit = commands.add_parser("audit", help="re-check a publication; exit non-zero on any failure")
    audit.add_argument("directory", type=Path, help="directory written by publish")
    audit.add_argument("--db", help="the database it was built from: also checks sensitive cells and values")
    return parser


def _fail(message: str, code: int = EXIT_UNUSABLE) -> int:
    print(f"lead-dashboard: {message}", file=sys.stderr)
    return code


def run_demo_db(args) -> int:
    """Build the demo database into a SQLite file or a PostgreSQL URL."""
    from data_access.demo import build_demo_database
    from data_access.engine import DatabaseURLError, normalise_url, redact

    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{args.out.resolve()}"
    else:
        try:
            url = normalise_url(args.db).render_as_string(hide_password=False)
        except DatabaseURLError as error:
            return _fail(str(error), EXIT_USAGE)
    summary = build_demo_database(url, seed=args.seed, scale=args.scale, as_of=args.as_of, progress=True)
    rows = ", ".join(f"{name} {count:,}" for name, count in summary.row_counts().items())
    print(f"demo database ({args.scale}, seed {args.seed}) written to {args.out or redact(url)}")
    print(f"rows: {rows}; built in {summary.elapsed_seconds:.1f} s")
    return EXIT_OK


def run_check_db(args) -> int:
    """Validate a database and print the report; exit 0 when usable."""
    from dashboard.settings import load_settings
    from data_access.engine import DatabaseURLError, read_only_engine, redact
    from data_access.validate import validate

    settings = load_settings()
    url = args.db or settings.db_url
    if url is None:
        url = f"sqlite:///{settings.demo_db_path}"
    key = args.boundaries_key or (settings.neighborhood_key if args.db is None else "neighborhood_id")
    try:
        engine = read_only_engine(url)
    except DatabaseURLError as error:
        return _fail(str(error), EXIT_USAGE)
    print(f"checking {redact(url)}")
    report = validate(engine, boundaries=args.boundaries, boundaries_key=key)
    engine.dispose()
    print(report.render())
    return EXIT_OK if report.usable else EXIT_UNUSABLE


class _Progress:
    """A tqdm bar per stage, on stderr."""

    def __init__(self):
        self.bars = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        from tqdm import tqdm

        bar = self.bars.get(stage)
        if bar is None:
            bar = self.bars[stage] = tqdm(total=total, desc=stage, unit="cell", leave=False, file=sys.stderr)
        bar.total = max(total, bar.total or 0)
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def _database_url(args_db: str | None) -> str:
    from dashboard.settings import load_settings
    from publishing.source import database_url

    if args_db:
        return args_db
    return database_url(load_settings())


def run_publish(args) -> int:
    """Build the publication, audit it, and write it only when the audit passes."""
    from aggregation.audit import audit_publication
    from dashboard.settings import load_settings
    from data_access.engine import redact
    from publishing.build import build_from_database, truth_for
    from publishing.files import write_publication

    settings = load_settings()
    url = _database_url(args.db)
    threshold = args.threshold if args.threshold is not None else settings.threshold
    if threshold < 5:
        return _fail("the threshold must be at least 5", EXIT_USAGE)
    source = "demo" if args.db is None and settings.mode == "demo" else "database"
    print(f"publishing from {redact(url)} (threshold {threshold})")
    progress = _Progress()
    try:
        publication, report, seconds = build_from_database(
            url, as_of=args.as_of, threshold=threshold, source=source, progress=progress
        )
        print(f"built in {seconds:.1f} s")
        print(report.render())
        audit = audit_publication(publication, truth_for(url, publication), progress=lambda d, t: progress("audit", d, t))
    finally:
        progress.close()
    print(f"audit: {audit.checked_cells:,} suppressed cells checked in {audit.seconds:.1f} s, "
          f"{len(audit.failures)} failure(s)")
    if not audit.passed:
        for failure in audit.failures[:50]:
            print(f"  FAIL {failure.table_id} {failure.cell}: {failure.problem}")
        for mismatch in audit.value_mismatches[:20]:
            print(f"  MISMATCH {mismatch}")
        return _fail("the publication failed its own audit: nothing was written")
    write_publication(publication, args.out)
    print(f"wrote {args.out} ({len(publication['tables'])} tables)")
    return EXIT_OK


def run_audit(args) -> int:
    """Audit a publication directory, with the database when given."""
    from aggregation.audit import audit_publication
    from publishing.build import truth_for
    from publishing.files import PublicationError, read_publication

    try:
        publication = read_publication(args.directory)
    except PublicationError as error:
        return _fail(str(error), EXIT_USAGE)
    truth = truth_for(args.db, publication) if args.db else None
    progress = _Progress()
    try:
        report = audit_publication(publication, truth, progress=lambda d, t: progress("audit", d, t))
    finally:
        progress.close()
    scope = "with the database" if truth is not None else "from the public file alone"
    print(f"audit {scope}: {report.checked_cells:,} suppressed cells checked in {report.seconds:.1f} s")
    for failure in report.failures:
        print(f"FAIL {failure.table_id} {failure.cell}: {failure.problem}")
    for mismatch in report.value_mismatches:
        print(f"MISMATCH {mismatch}")
    if report.passed:
        print("PASSED: no suppressed cell can be determined or narrowed below the threshold")
        return EXIT_OK
    print(f"FAILED: {len(report.failures)} cell(s), {len(report.value_mismatches)} mismatch(es)")
    return EXIT_UNUSABLE


COMMANDS = {"demo-db": run_demo_db, "check-db": run_check_db, "publish": run_publish, "audit": run_audit}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as error:  # the last line of defence: one sentence, no traceback
        from data_access.validate import describe_database_error

        return _fail(f"{args.command} failed: {describe_database_error(error)}")


if __name__ == "__main__":
    sys.exit(main())
