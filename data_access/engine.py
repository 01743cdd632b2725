"""Read-only database engines for the dashboard and the command line.

SQLite files open with ``mode=ro``; PostgreSQL sessions default to read-only
transactions. Those two are the supported databases (PostgreSQL the reference server);
others are refused with a clear error. Must not write, and
must not import ``aggregation``, ``dashboard`` or Streamlit.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError


class DatabaseURLError(ValueError):
    """The database URL cannot be used (malformed, unsupported, or a missing file)."""


SUPPORTED_BACKENDS = ("sqlite", "postgresql")
# How long a command waits for the database: to connect, and for one statement (seconds).
# The command line sets them from the settings (LEAD_DB_CONNECT_TIMEOUT, LEAD_DB_STATEMENT_TIMEOUT).
TIMEOUTS = {"connect": 10.0, "statement": 600.0}


ROLE_POLICY = {"strict": True}  # False: a role that could write is a loud warning, not a refusal (a local demo)
SERVER_FILE_ROLES = ("pg_write_server_files", "pg_read_server_files", "pg_execute_server_program")
WRITE_PRIVILEGES = ("INSERT", "UPDATE", "DELETE", "TRUNCATE")
log = logging.getLogger("lead.database")


class UnsafeRole(DatabaseURLError):
    """The database role could write, or reach the server's files: refused before any query."""


def set_role_policy(strict: bool) -> None:
    """Refuse (strict) or only warn about a PostgreSQL role that could write."""
    ROLE_POLICY["strict"] = bool(strict)


def role_problems(connection: Connection, tables: tuple[str, ...]) -> list[str]:
    """Return why the connected PostgreSQL role is more than a reader of ``tables`` (empty when it is not)."""
    from sqlalchemy import text

    problems: list[str] = []
    members = ", ".join(f"pg_has_role(current_user, '{role}', 'MEMBER')" for role in SERVER_FILE_ROLES)
    superuser, create, temporary, *server_files = connection.execute(
        text(
            "SELECT r.rolsuper, has_database_privilege(current_database(), 'CREATE'), "
            f"has_database_privilege(current_database(), 'TEMPORARY'), {members} "
            "FROM pg_roles r WHERE r.rolname = current_user"
        )
    ).one()
    if superuser:
        problems.append("it is a superuser")
    problems += [
        f"it is a member of {role}" for role, member in zip(SERVER_FILE_ROLES, server_files, strict=False) if member
    ]
    if create:
        problems.append("it may CREATE in the database")
    if temporary:
        problems.append("it may create TEMPORARY tables")
    privileges = ", ".join(f"has_table_privilege(c.oid, '{p}')" for p in WRITE_PRIVILEGES)
    for table in tables:
        found = connection.execute(
            text(
                f"SELECT n.nspname, pg_has_role(c.relowner, 'USAGE'), has_schema_privilege(n.oid, 'CREATE'), "
                f"{privileges} "
                "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass(:t)"
            ),
            {"t": table},
        ).one_or_none()
        if found is None:
            continue
        schema_name, owns, schema_create, *held = found
        if owns:
            problems.append(f"it owns {table}")
        problems += [f"it may {p} {table}" for p, granted in zip(WRITE_PRIVILEGES, held, strict=False) if granted]
        if schema_create:
            problems.append(f"it may CREATE in schema {schema_name}")
    return list(dict.fromkeys(problems))


def _check_role(engine: Engine) -> None:
    """Refuse (or, when allowed, loudly warn about) a PostgreSQL role that is more than a reader."""
    from data_access.schema import metadata

    with engine.connect() as connection:
        problems = role_problems(connection, tuple(t.name for t in metadata.sorted_tables))
    if not problems:
        return
    message = (
        f"the database role {engine.url.username or '(default)'} is not read-only: "
        + "; ".join(problems[:6])
        + ". Connect as the SELECT-only role of the README"
    )
    if ROLE_POLICY["strict"]:
        raise UnsafeRole(message + " (LEAD_ALLOW_WRITABLE_ROLE=1 downgrades this to a warning, for a local demo)")
    log.warning("%s. Continuing because LEAD_ALLOW_WRITABLE_ROLE is set.", message)


def set_timeouts(connect: float, statement: float) -> None:
    """Set how long engines made from now on wait to connect and for one statement (seconds)."""
    TIMEOUTS.update(connect=float(connect), statement=float(statement))


def normalise_url(url: str | URL) -> URL:
    """Parse ``url`` and pick our driver for it (psycopg 3 for PostgreSQL)."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError as error:
        raise DatabaseURLError(f"not a database URL: {redact(str(url))}") from error
    backend = parsed.get_backend_name()
    if backend not in SUPPORTED_BACKENDS:
        raise DatabaseURLError(f"unsupported database {backend!r}; use one of: {', '.join(SUPPORTED_BACKENDS)}")
    if backend == "postgresql" and parsed.get_driver_name() in ("psycopg2", "psycopg", None, ""):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def redact(url: str | URL) -> str:
    """Return ``url`` with any password hidden, safe to print."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
        return parsed.render_as_string(hide_password=True)
    except ArgumentError:
        return "<malformed URL>"


def sqlite_path(url: URL) -> Path | None:
    """Return the file a SQLite URL names (None for an in-memory database)."""
    database = url.database or ""
    if database in ("", ":memory:"):
        return None
    if database.startswith("file:"):
        database = database[len("file:") :].split("?", 1)[0]
    return Path(database)


_SQLITE_READS = {
    sqlite3.SQLITE_SELECT,
    sqlite3.SQLITE_READ,
    sqlite3.SQLITE_FUNCTION,
    sqlite3.SQLITE_RECURSIVE,
    sqlite3.SQLITE_TRANSACTION,
    sqlite3.SQLITE_SAVEPOINT,
}
_SQLITE_READ_PRAGMAS = {"table_info", "table_xinfo", "index_list", "index_info", "index_xinfo", "foreign_key_list"}


def _sqlite_reads_only(
    action: int, first: str | None, second: str | None, database: str | None, trigger: str | None
) -> int:
    """Authorize SQLite statements that only read: no write, ATTACH (nor VACUUM INTO) or setting pragma."""
    if action in _SQLITE_READS:
        return sqlite3.SQLITE_OK
    if action == sqlite3.SQLITE_PRAGMA and first in _SQLITE_READ_PRAGMAS:
        return sqlite3.SQLITE_OK
    return sqlite3.SQLITE_DENY


def read_only_engine(url: str | URL, **engine_options: Any) -> Engine:
    """Return an engine through which no write can succeed."""
    parsed = normalise_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        path = sqlite_path(parsed)
        if path is None:
            raise DatabaseURLError("an in-memory SQLite database cannot be opened read-only")
        if not path.is_file():
            raise DatabaseURLError(f"no SQLite database file at {path}")
        ro_url = URL.create(
            "sqlite+pysqlite",
            database=f"file:{path.resolve()}",
            query={"mode": "ro", "uri": "true"},
        )
        options = dict(engine_options)
        connect_args = dict(options.pop("connect_args", {}))
        connect_args.setdefault("timeout", TIMEOUTS["connect"])  # waiting for a lock held by a writer
        engine = create_engine(ro_url, connect_args=connect_args, **options)

        @event.listens_for(engine, "connect")
        def _query_only(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA query_only = ON")
            dbapi_connection.set_authorizer(_sqlite_reads_only)

        return engine
    if backend == "postgresql":
        options = dict(engine_options)
        connect_args = dict(options.pop("connect_args", {}))
        connect_args["options"] = (
            connect_args.get("options", "") + " -c default_transaction_read_only=on"
            f" -c statement_timeout={int(TIMEOUTS['statement'] * 1000)}"
        ).strip()
        connect_args.setdefault("connect_timeout", max(1, round(TIMEOUTS["connect"])))
        # A server that accepts the connection and then never answers: keepalives find a dead peer.
        connect_args.setdefault("keepalives", 1)
        connect_args.setdefault("keepalives_idle", 30)
        connect_args.setdefault("keepalives_interval", 10)
        connect_args.setdefault("keepalives_count", 3)
        engine = create_engine(
            parsed,
            connect_args=connect_args,
            execution_options={"postgresql_readonly": True},
            pool_pre_ping=True,
            **options,
        )
        try:
            _check_role(engine)
        except BaseException:
            engine.dispose()
            raise
        return engine
    raise DatabaseURLError(f"unsupported database {backend!r}")  # normalise_url admits no other
