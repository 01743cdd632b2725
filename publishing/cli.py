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
    rows = ", ".join(f"{name} {count:,}" for name, count in summary.rows.items())
    print(f"demo database ({args.scale}, seed {args.seed}) written to {args.out or redact(url)}")
    print(f"rows: {rows}; built in {summary.seconds:.1f} s")
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


COMMANDS = {"demo-db": run_demo_db, "check-db": run_check_db}


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
