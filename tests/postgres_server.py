"""A throwaway PostgreSQL cluster for the tests, or the server named by LEAD_TEST_POSTGRES_URL.

In CI (CI=true) a missing server fails the run instead of skipping tests.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import sqlalchemy as sa


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be found or started."""


def _binary(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_postgres_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    try:
        pwd.getpwnam("postgres")
    except KeyError as error:
        raise PostgresUnavailable("running as root and there is no 'postgres' user for initdb") from error
    return ["runuser", "-u", "postgres", "--"]


@contextlib.contextmanager
def throwaway_cluster() -> Iterator[str]:
    """Start a private cluster on a free port; yield its admin URL; remove it afterwards."""
    initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
    if not initdb or not pg_ctl:
        raise PostgresUnavailable("initdb/pg_ctl not found (install the postgresql package)")
    prefix = _as_postgres_user()
    directory = Path(tempfile.mkdtemp(prefix="lead-pg-"))
    data, socket_dir = directory / "data", directory / "socket"
    socket_dir.mkdir()
    if prefix:
        shutil.chown(directory, "postgres")
        shutil.chown(socket_dir, "postgres")
    port = _free_port()
    user = "postgres" if prefix else pwd.getpwuid(os.geteuid()).pw_name
    try:
        subprocess.run(
            prefix + [initdb, "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {socket_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        subprocess.run(
            prefix + [pg_ctl, "-D", str(data), "-o", options, "-w", "-t", "60", "-l", str(directory / "log"), "start"],
            check=True,
            capture_output=True,
        )
    except subprocess.CalledProcessError as error:
        shutil.rmtree(directory, ignore_errors=True)
        raise PostgresUnavailable(f"could not start a throwaway cluster: {error.stderr.decode()[-500:]}") from error
    try:
        yield f"postgresql+psycopg://{user}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(prefix + [pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(directory, ignore_errors=True)


def _reachable(url: str) -> bool:
    try:
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            connection.execute(sa.text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@contextlib.contextmanager
def postgres_admin_url() -> Iterator[str]:
    """Yield an admin URL: LEAD_TEST_POSTGRES_URL, else a throwaway cluster, else 127.0.0.1:5432."""
    configured = os.environ.get("LEAD_TEST_POSTGRES_URL")
    if configured:
        if not _reachable(configured):
            raise PostgresUnavailable("LEAD_TEST_POSTGRES_URL is set but unreachable")
        yield configured
        return
    try:
        with throwaway_cluster() as url:
            yield url
            return
    except PostgresUnavailable as cluster_error:
        local = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        if _reachable(local):
            yield local
            return
        raise cluster_error


def create_database(admin_url: str) -> str:
    """Create an empty database with a unique name and return its URL."""
    name = f"lead_test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return str(sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False))


def wait_for(predicate, timeout: float = 30.0) -> bool:
    """Poll ``predicate`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def reader_url(database_url: str, grants: tuple[str, ...] = ()) -> str:
    """Create a login role that may only read one database (as the README's), plus ``grants``; return its URL."""
    name = f"lead_reader_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        database = connection.execute(sa.text("SELECT current_database()")).scalar_one()
        for statement in (
            f'CREATE ROLE "{name}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT',
            f'REVOKE ALL ON DATABASE "{database}" FROM PUBLIC',
            f'GRANT CONNECT ON DATABASE "{database}" TO "{name}"',
            "REVOKE CREATE ON SCHEMA public FROM PUBLIC",
            f'GRANT USAGE ON SCHEMA public TO "{name}"',
            f'GRANT SELECT ON ALL TABLES IN SCHEMA public TO "{name}"',
            *(grant.format(role=f'"{name}"') for grant in grants),
        ):
            connection.execute(sa.text(statement))
    engine.dispose()
    return sa.engine.make_url(database_url).set(username=name, password=None).render_as_string(hide_password=False)
