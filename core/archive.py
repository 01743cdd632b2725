"""A release archive on disk (docs/releases.md): frozen releases, ``index.json``, checksums, a lock.

``DIR/releases/<id>/`` holds one publication (publication.json, tables/, datapackage.json)
and ``checksums.json``; it is written into a staging directory beside it, fsynced, and
renamed into place; ``DIR/index.json``, replaced atomically, then commits it. A listed
release is never changed or deleted. A lock file keeps two jobs from interleaving. Must not import Streamlit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from core.publication_files import PublicationError, read_publication, write_publication_files
from core.release_model import Release

ARCHIVE_FORMAT = "lead-archive/1"
MARKER = ".lead-archive"
LOCK = ".lock"
RELEASE_ID = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ArchiveError(ValueError):
    """The archive cannot be read or changed as asked; the message says why."""


@dataclass(frozen=True)
class StoredRelease:
    """One release as the index lists it, with its publication once read."""

    entry: dict
    publication: Release | None = None

    @property
    def id(self) -> str:
        """Return the release id."""
        return self.entry["id"]

    @property
    def withdrawn(self) -> bool:
        """Return whether the release was withdrawn."""
        return bool(self.entry.get("withdrawn"))

    @property
    def revision(self) -> bool:
        """Return whether the release declared a revision."""
        return bool(self.entry.get("revision"))


def _fsync_directory(path: Path) -> None:
    """Flush a directory's entries to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_tree(root: Path) -> None:
    """Flush every file and directory under ``root`` to disk."""
    for directory, _, files in os.walk(root):
        for name in files:
            with open(Path(directory) / name, "rb") as handle:
                os.fsync(handle.fileno())
        _fsync_directory(Path(directory))


def sha256_of(path: Path) -> str:
    """Return the hex sha256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def checksums(root: Path) -> dict[str, str]:
    """Return the sha256 of every file under ``root`` (but checksums.json), by relative path."""
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != "checksums.json":
            found[path.relative_to(root).as_posix()] = sha256_of(path)
    return found


def is_archive(directory: Path) -> bool:
    """Return whether ``directory`` holds a release archive."""
    return (Path(directory) / MARKER).is_file() or (Path(directory) / "index.json").is_file()


def prepare(directory: Path) -> None:
    """Make ``directory`` an empty archive, or check that it is one; refuse anything else."""
    directory = Path(directory)
    if directory.exists() and not directory.is_dir():
        raise ArchiveError(f"{directory} is a file, not an archive directory")
    if directory.is_dir() and any(directory.iterdir()) and not is_archive(directory):
        raise ArchiveError(
            f"{directory} holds other files and is not a release archive: choose an empty or new directory"
        )
    (directory / "releases").mkdir(parents=True, exist_ok=True)
    marker = directory / MARKER
    if not marker.exists():
        marker.write_text(
            "A LEAD dashboard release archive (lead-archive/1). Written by `lead-dashboard release`.\n",
            encoding="utf-8",
        )


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold the archive's lock for the duration; refuse at once when another job holds it."""
    path = Path(directory) / LOCK
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ArchiveError(
                f"another release job is working on {directory} (it holds {path}); try again when it has finished"
            ) from None
        yield


def read_index(directory: Path) -> dict:
    """Return ``index.json`` (an empty index when there is none yet)."""
    path = Path(directory) / "index.json"
    if not path.exists():
        return {"format": ARCHIVE_FORMAT, "releases": []}
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ArchiveError(f"{path} is not readable JSON: {error}") from None
    if (
        not isinstance(index, dict)
        or index.get("format") != ARCHIVE_FORMAT
        or not isinstance(index.get("releases"), list)
    ):
        raise ArchiveError(f"{path} is not a {ARCHIVE_FORMAT} index")
    for entry in index["releases"]:
        if not isinstance(entry, dict) or not RELEASE_ID.match(str(entry.get("id", ""))):
            raise ArchiveError(f"{path} lists a release without a valid id: {entry!r}")
    return index


def write_index(directory: Path, index: dict) -> None:
    """Replace ``index.json`` atomically (temporary file, fsync, rename, fsync of the directory)."""
    directory = Path(directory)
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115  (the file outlives the handle: renamed into place, or removed)
        "w", dir=directory, prefix=".index-", suffix=".json", delete=False, encoding="utf-8"
    )
    try:
        with handle:
            json.dump(index, handle, indent=1, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, directory / "index.json")
        _fsync_directory(directory)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def release_directory(directory: Path, release_id: str) -> Path:
    """Return where release ``release_id`` lives (checking the id's shape)."""
    if not RELEASE_ID.match(release_id):
        raise ArchiveError(f"a release id is a date YYYY-MM-DD, got {release_id!r}")
    return Path(directory) / "releases" / release_id


def read_release(directory: Path, entry: dict, verify: bool = True) -> StoredRelease:
    """Read one release's publication, checking its checksums."""
    root = release_directory(directory, entry["id"])
    if verify:
        try:
            expected = json.loads((root / "checksums.json").read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise ArchiveError(f"release {entry['id']} has no readable checksums.json: {error}") from None
        found = checksums(root)
        if found != expected.get("files"):
            changed = sorted(set(found.items()) ^ set((expected.get("files") or {}).items()))
            raise ArchiveError(f"release {entry['id']} does not match its checksums ({changed[0][0]} differs)")
        if entry.get("sha256") and entry["sha256"] != found.get("publication.json"):
            raise ArchiveError(f"release {entry['id']}: index.json names another publication.json")
    try:
        publication = read_publication(root)
    except PublicationError as error:
        raise ArchiveError(str(error)) from None
    return StoredRelease(entry, publication)


def read_releases(directory: Path, verify: bool = True) -> list[StoredRelease]:
    """Return every release of the index, oldest first, with its publication."""
    return [read_release(directory, entry, verify) for entry in read_index(directory)["releases"]]


def clear_staging(directory: Path) -> None:
    """Remove what a killed release job left behind; never a release the index lists, nor the index.

    A release exists once ``index.json`` lists it: a directory under releases/ that the index does not
    list was renamed into place by a job killed before it could commit the index, and was never offered.
    """
    directory = Path(directory)
    for leftover in directory.glob(".staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)
    for leftover in directory.glob(".index-*.json"):
        leftover.unlink(missing_ok=True)
    listed = {entry["id"] for entry in read_index(directory)["releases"]}
    for candidate in (directory / "releases").glob("*"):
        if candidate.is_dir() and RELEASE_ID.match(candidate.name) and candidate.name not in listed:
            shutil.rmtree(candidate)


def add_release(
    directory: Path, release_id: str, publication: Release, *, revision: bool, revised: dict[str, int]
) -> dict:
    """Write one release and list it in the index; return its index entry. Call while ``locked``."""
    directory = Path(directory)
    target = release_directory(directory, release_id)
    if target.exists():
        raise ArchiveError(f"release {release_id} already exists in {directory}; releases are never replaced")
    index = read_index(directory)
    staging = Path(tempfile.mkdtemp(prefix=f".staging-{release_id}-", dir=directory))
    try:
        write_publication_files(publication, staging)
        (staging / "checksums.json").write_text(
            json.dumps({"algorithm": "sha256", "files": checksums(staging)}, indent=1) + "\n", encoding="utf-8"
        )
        for path in staging.rglob("*"):
            os.chmod(path, 0o755 if path.is_dir() else 0o644)
        os.chmod(staging, 0o755)
        _fsync_tree(staging)
        os.rename(staging, target)
        _fsync_directory(target.parent)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    entry = {
        "id": release_id,
        "as_of": publication.release.as_of,
        "generated_at": publication.release.generated_at,
        "sha256": sha256_of(target / "publication.json"),
        "revision": revision,
        "revised": [{"table": table, "cells": cells} for table, cells in sorted(revised.items())],
        "withdrawn": None,
        "first_month": publication.release.first_month,
        "last_month": publication.release.last_month,
    }
    index["releases"].append(entry)
    write_index(directory, index)
    return entry


def withdraw(directory: Path, release_id: str, reason: str, today: dt.date | None = None) -> dict:
    """Mark a release withdrawn in the index (its files stay: it was public); return its entry."""
    directory = Path(directory)
    if not reason.strip():
        raise ArchiveError("say why the release is withdrawn (--reason)")
    with locked(directory):
        index = read_index(directory)
        entry = next((e for e in index["releases"] if e["id"] == release_id), None)
        if entry is None:
            known = ", ".join(e["id"] for e in index["releases"]) or "none"
            raise ArchiveError(f"no release {release_id!r} in {directory} (releases: {known})")
        if entry.get("withdrawn"):
            raise ArchiveError(f"release {release_id} was already withdrawn on {entry['withdrawn']['on']}")
        entry["withdrawn"] = {"on": (today or dt.date.today()).isoformat(), "reason": reason.strip()}
        write_index(directory, index)
    return entry
