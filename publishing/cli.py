"""The ``lead-dashboard`` command line: demo-db, demo-archive, check-db, publish, release, withdraw, audit.

Every failure is one clear line on stderr and a non-zero exit; ``--debug`` adds the traceback
of an unexpected error (a programming error rather than bad input or an outage).
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import traceback
from pathlib import Path

from core.facts import MINIMUM_THRESHOLD

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
    parser.add_argument(
        "--debug",
        action="store_true",
        help="on an unexpected error, print its traceback as well as the one-line reason",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo-db", help="build the seeded demo program database")
    target = demo.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, help="SQLite file to create (replaced if it exists)")
    target.add_argument("--db", help="SQLAlchemy URL of a PostgreSQL database to fill instead")
    demo.add_argument("--seed", type=_positive, default=2011, help="random seed (default 2011)")
    demo.add_argument(
        "--scale",
        choices=("small", "large"),
        default="small",
        help="small: a few thousand participants (default); large: benchmark size",
    )
    demo.add_argument(
        "--as-of", type=_date, default=None, help="last date of the data (default today); fixes the content for a seed"
    )

    demo_archive = commands.add_parser(
        "demo-archive", help="in demo mode, build (once) the demo database and an archive of its last monthly releases"
    )
    demo_archive.add_argument("--releases", type=_positive, default=2, help="how many monthly releases (default 2)")

    check = commands.add_parser("check-db", help="validate a program database against the contract")
    check.add_argument("--db", help="SQLAlchemy URL (default: LEAD_DB_URL, secrets.toml, or the demo database)")
    check.add_argument("--boundaries", type=Path, help="GeoJSON file to compare with the neighborhoods")
    check.add_argument(
        "--boundaries-key", default=None, help="property holding the neighborhood_id (default from settings)"
    )

    publish = commands.add_parser(
        "publish", help="build, protect, audit and write a one-off publication (not part of an archive: see release)"
    )
    publish.add_argument("--db", help="SQLAlchemy URL (default: LEAD_DB_URL, secrets.toml, or the demo database)")
    publish.add_argument("--out", type=Path, required=True, help="directory to write (replaced atomically)")
    publish.add_argument("--as-of", type=_date, default=None, help="data as of this date (default today)")
    publish.add_argument("--threshold", type=_positive, default=None, help="threshold k (default from settings)")

    release = commands.add_parser("release", help="add one frozen, protected release to an archive")
    release.add_argument("--db", help="SQLAlchemy URL (default: LEAD_DB_URL, secrets.toml, or the demo database)")
    release.add_argument("--archive", type=Path, required=True, help="the archive directory (created when new)")
    release.add_argument("--as-of", type=_date, default=None, help="data as of this date (default today)")
    release.add_argument(
        "--revision",
        action="store_true",
        help="declare a revision: a second release for a period, or changed figures of closed periods",
    )

    withdraw = commands.add_parser("withdraw", help="mark a release withdrawn (it stays in the archive)")
    withdraw.add_argument("--archive", type=Path, required=True, help="the archive directory")
    withdraw.add_argument("id", help="the release id (its as-of date, YYYY-MM-DD)")
    withdraw.add_argument("--reason", required=True, help="why, in one sentence (shown on About)")

    audit = commands.add_parser("audit", help="re-check a publication or a whole archive; exit non-zero on failure")
    audit.add_argument("directory", type=Path, help="a directory written by publish, or an archive written by release")
    audit.add_argument("--db", help="the database: also checks sensitive cells and values against today's truth")
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


def run_demo_archive(args) -> int:
    """Build the demo archive the app serves in demo mode, once; do nothing in other modes."""
    import time

    from core.archive import ArchiveError, read_index
    from core.settings import load_settings
    from publishing.release import make_release
    from publishing.source import ensure_demo_database

    settings = load_settings()
    if settings.mode != "demo":
        return EXIT_OK
    archive = settings.demo_archive_dir
    wanted = max(args.releases, 1)
    try:
        have = [e["id"] for e in read_index(archive)["releases"]] if archive.is_dir() else []
    except ArchiveError as error:
        print(f"the demo archive cannot be read ({error}); building its releases again", file=sys.stderr)
        have = []
    if len(have) >= wanted:
        return EXIT_OK
    started = time.perf_counter()
    print(f"building the demo archive in {archive} (first run only; about four minutes per release on two cores)")
    url = f"sqlite:///{ensure_demo_database(settings).resolve()}"
    from data_access.periods import month_ends

    last_month_end = dt.date.today().replace(day=1) - dt.timedelta(days=1)
    for as_of in month_ends(last_month_end, wanted):
        if have and as_of.isoformat() <= have[-1]:
            continue
        print(f"release as of {as_of.isoformat()}...")
        progress = _Progress()
        try:
            outcome = make_release(
                url,
                archive,
                as_of=as_of,
                threshold=settings.threshold,
                cadence=settings.release_cadence,
                source="demo",
                first_month=settings.first_month,
                progress=progress,
            )
        except ArchiveError as error:
            return _fail(str(error))
        finally:
            progress.close()
        print(f"  released {outcome.entry['id']} in {sum(outcome.seconds.values()):.0f} s")
    print(f"demo archive ready in {time.perf_counter() - started:.0f} s")
    return EXIT_OK


def run_check_db(args) -> int:
    """Validate a database and print the report; exit 0 when usable."""
    from core.settings import load_settings
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
    from core.settings import load_settings
    from publishing.source import database_url

    if args_db:
        return args_db
    return database_url(load_settings())


def run_publish(args) -> int:
    """Build the publication, audit it, and write it only when the audit passes."""
    from aggregation.audit import audit_publication
    from core.publication_files import PublicationError, check_output, write_publication
    from core.settings import load_settings
    from data_access.engine import redact
    from publishing.build import build_from_database, truth_for

    try:
        check_output(args.out)  # before the minute of work, not after
    except PublicationError as error:
        return _fail(str(error), EXIT_USAGE)
    settings = load_settings()
    url = _database_url(args.db)
    threshold = args.threshold if args.threshold is not None else settings.threshold
    if threshold < MINIMUM_THRESHOLD:
        return _fail(f"the threshold must be at least {MINIMUM_THRESHOLD}", EXIT_USAGE)
    source = "demo" if args.db is None and settings.mode == "demo" else "database"
    print(f"publishing from {redact(url)} (threshold {threshold})")
    progress = _Progress()
    try:
        publication, report, seconds = build_from_database(
            url,
            as_of=args.as_of,
            threshold=threshold,
            source=source,
            first_month=settings.first_month,
            progress=progress,
        )
        print(f"built in {seconds:.1f} s")
        print(report.render())
        audit = audit_publication(
            publication, truth_for(url, publication), progress=lambda d, t: progress("audit", d, t)
        )
    finally:
        progress.close()
    print(
        f"audit: {audit.checked_cells:,} suppressed cells checked in {audit.seconds:.1f} s, "
        f"{len(audit.failures)} failure(s)"
    )
    if not audit.passed:
        for failure in audit.failures[:50]:
            print(f"  FAIL {failure.table_id} {failure.cell}: {failure.problem}")
        for mismatch in audit.value_mismatches[:20]:
            print(f"  MISMATCH {mismatch}")
        return _fail("the publication failed its own audit: nothing was written")
    write_publication(publication, args.out)
    print(f"wrote {args.out} ({len(publication.tables)} tables)")
    print(
        "note: a one-off publication, not part of an archive: two of them together are not protected; "
        "publish regularly with `lead-dashboard release --archive DIR`"
    )
    return EXIT_OK


def run_release(args) -> int:
    """Add one release to an archive; refuse (non-zero, nothing written) when it cannot be made safely."""
    from core.archive import ArchiveError
    from core.settings import load_settings
    from data_access.engine import redact
    from publishing.release import make_release

    settings = load_settings()
    url = _database_url(args.db)
    source = "demo" if args.db is None and settings.mode == "demo" else "database"
    as_of = args.as_of or dt.date.today()
    print(
        f"releasing {as_of.isoformat()} from {redact(url)} into {args.archive} "
        f"(threshold {settings.threshold}, {settings.release_cadence} cadence{', revision' if args.revision else ''})"
    )
    progress = _Progress()
    try:
        outcome = make_release(
            url,
            args.archive,
            as_of=as_of,
            revision=args.revision,
            threshold=settings.threshold,
            cadence=settings.release_cadence,
            source=source,
            first_month=settings.first_month,
            progress=progress,
        )
    except ArchiveError as error:
        return _fail(str(error))
    finally:
        progress.close()
    print(outcome.report.render())
    audit = outcome.archive_audit
    print(
        f"archive audit: {len(audit.version_releases)} version(s), {sum(map(len, audit.version_releases))} "
        f"release(s), {audit.checked_cells:,} withheld cells checked, 0 failures"
    )
    print("timings: " + ", ".join(f"{step} {seconds:.1f} s" for step, seconds in outcome.seconds.items()))
    revised = ", ".join(f"{r['table']} {r['cells']}" for r in outcome.entry["revised"]) or "none"
    print(f"wrote release {outcome.entry['id']} (months to {outcome.entry['last_month']}); revised cells: {revised}")
    return EXIT_OK


def run_withdraw(args) -> int:
    """Mark a release withdrawn in the archive's index."""
    from core.archive import ArchiveError, withdraw

    try:
        entry = withdraw(args.archive, args.id, args.reason)
    except ArchiveError as error:
        return _fail(str(error))
    print(f"withdrew release {entry['id']} on {entry['withdrawn']['on']}: {entry['withdrawn']['reason']}")
    print("its files stay in the archive (it was public); the app no longer offers it")
    return EXIT_OK


def run_audit(args) -> int:
    """Audit a publication directory or an archive, with the database when given."""
    from aggregation.audit import audit_publication
    from core.archive import is_archive
    from core.publication_files import PublicationError, read_publication
    from publishing.build import truth_for

    if is_archive(args.directory):
        return _audit_archive(args)
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


def _audit_archive(args) -> int:
    """Audit the union of every release of an archive (and, with --db, against today's truth)."""
    from aggregation.audit_archive import audit_archive
    from core.archive import ArchiveError, read_releases
    from publishing.release import stored_as_audited

    try:
        stored = read_releases(args.directory)
    except ArchiveError as error:
        return _fail(str(error), EXIT_USAGE)
    if not stored:
        return _fail(f"{args.directory} holds no release yet", EXIT_USAGE)
    from data_access.recount import truth_from_recount

    truth = (lambda union: truth_from_recount(args.db, union)) if args.db else None
    progress = _Progress()
    try:
        report = audit_archive(stored_as_audited(stored), truth, progress=lambda d, t: progress("audit", d, t))
    finally:
        progress.close()
    scope = "with the database" if args.db else "from the public files alone"
    print(
        f"archive audit {scope}: {len(stored)} release(s) in {len(report.version_releases)} version(s), "
        f"{report.checked_cells:,} withheld cells checked in {report.seconds:.1f} s"
    )
    for number, (releases, version) in enumerate(zip(report.version_releases, report.versions, strict=False), 1):
        print(f"version {number}: releases {', '.join(releases)}: {len(version.failures)} failure(s)")
        for failure in version.failures:
            print(f"FAIL {failure.table_id} {failure.cell}: {failure.problem}")
    for problem in report.problems:
        print(f"FAIL {problem}")
    for revision in report.revisions:
        print(
            f"REVISED {revision.table_id} {dict(revision.cell)}: {revision.old:g} in {revision.old_release}, "
            f"{revision.new:g} in {revision.new_release}"
        )
    for mismatch in report.truth_revisions:
        print(f"CHANGED SINCE RELEASE {mismatch}")
    if report.passed:
        print(
            "PASSED: no withheld cell of any release, alone or together, can be determined or narrowed below "
            "the threshold"
        )
        return EXIT_OK
    print(f"FAILED: {len(report.failures)} cell(s), {len(report.problems)} problem(s)")
    return EXIT_UNUSABLE


COMMANDS = {
    "demo-db": run_demo_db,
    "demo-archive": run_demo_archive,
    "check-db": run_check_db,
    "publish": run_publish,
    "release": run_release,
    "withdraw": run_withdraw,
    "audit": run_audit,
}


def _apply_timeouts() -> None:
    """Make every engine of this command wait at most the configured times for the database."""
    from core.settings import load_settings
    from data_access.engine import set_role_policy, set_timeouts

    settings = load_settings()
    set_timeouts(settings.db_connect_timeout, settings.db_statement_timeout)
    set_role_policy(strict=not settings.allow_writable_role)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = build_parser().parse_args(argv)
    try:
        _apply_timeouts()
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        return _fail("interrupted", 130)
    except Exception as error:  # the last line of defence: one sentence; the traceback with --debug
        from data_access.validate import describe_database_error

        if args.debug:
            traceback.print_exc(file=sys.stderr)
        return _fail(
            f"{args.command} failed: {describe_database_error(error)}"
            + ("" if args.debug else " (run with --debug for the traceback)")
        )


if __name__ == "__main__":
    sys.exit(main())
