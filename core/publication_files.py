"""Read and write a publication directory: publication.json, tables/<id>.csv, datapackage.json.

Writes atomically (a temporary directory renamed into place), so a reader never
sees half a publication. Must not import Streamlit.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from core.release_model import PublicationError, Release, Table

__all__ = ["PublicationError", "read_publication", "write_publication", "table_csv", "datapackage"]

MARKER = ".lead-publication"  # marks a directory that publish wrote (and may replace)
OWN_FILES = {"publication.json", "datapackage.json", MARKER}


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """Return a CSV cell that a spreadsheet will not run as a formula (text starting =, +, -, @ gets a ')."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def table_csv(table: Table) -> str:
    """Return one table's cells as CSV: dimensions, value (empty when suppressed), suppressed."""
    buffer = io.StringIO()
    columns = [*table.dimensions, "value", "suppressed"]
    if table.statistic:
        columns.append("people")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for cell in table.cells:
        row = [csv_cell(cell.where[d]) for d in table.dimensions]
        row.append("" if cell.value is None else cell.value)
        row.append("true" if cell.suppressed else "false")
        if table.statistic:
            row.append("" if cell.people is None else cell.people)
        writer.writerow(row)
    return buffer.getvalue()


DIMENSION_NOTES = {
    "twelve_months": "12 whole months, first/last (2025-10/2026-09): each unit counts in every window that "
    "holds its month, so windows overlap and do not add up",
    "district": "a second grouping of neighborhoods beside precincts (a council district); it need not nest "
    "in precincts",
}


def _dimension_notes(publication: Release) -> dict[str, str]:
    """Return each dimension's note: the fixed ones, and one per grouping of codes the hierarchies declare."""
    notes = dict(DIMENSION_NOTES)
    for key, hierarchy in publication.hierarchies.items():
        child, parent = hierarchy.child or key, hierarchy.parent
        if parent not in notes and child != "neighborhood":
            notes[parent] = (
                f"a coarser grouping of the {child} codes; the publication's hierarchy "
                f"{key!r} lists the group of each code"
            )
    return notes


def datapackage(publication: Release) -> dict:
    """Return a Frictionless data package describing every table's CSV."""
    resources: list[dict[str, Any]] = []
    notes = _dimension_notes(publication)
    for table in publication.tables:
        fields = [
            {"name": d, "type": "string", **({"description": notes[d]} if d in notes else {})} for d in table.dimensions
        ]
        fields.append(
            {
                "name": "value",
                "type": "number" if table.statistic else "integer",
                "description": f"{table.unit}; empty when suppressed",
            }
        )
        fields.append(
            {
                "name": "suppressed",
                "type": "boolean",
                "description": "true when the value is withheld to protect small counts",
            }
        )
        if table.statistic:
            fields.append({"name": "people", "type": "integer"})
        resources.append(
            {
                "name": table.id.replace("_", "-"),
                "path": f"tables/{table.id}.csv",
                "profile": "tabular-data-resource",
                "title": table.title,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": fields, "missingValues": [""], "primaryKey": list(table.dimensions) or None},
            }
        )
    for resource in resources:
        if resource["schema"]["primaryKey"] is None:
            del resource["schema"]["primaryKey"]
    release = publication.release
    return {
        "profile": "tabular-data-package",
        "name": "lead-dashboard-publication",
        "title": "LEAD program: protected public figures",
        "description": (
            f"Aggregated figures from {release.first_month} to {release.last_month}, "
            f"data as of {release.as_of}. Counts from 1 to {release.threshold - 1}, and any cell that "
            "would let one be worked out, are suppressed."
        ),
        "version": release.generated_at or "",
        "resources": resources,
    }


def write_publication_files(publication: Release, directory: Path) -> None:
    """Write publication.json, tables/<id>.csv and datapackage.json into an existing empty directory.

    Files are 0644 and directories 0755, so a server running as another user can read them.
    """
    directory = Path(directory)
    (directory / "tables").mkdir()
    (directory / "publication.json").write_text(
        json.dumps(publication.to_json(), indent=1, ensure_ascii=False), encoding="utf-8"
    )
    for table in publication.tables:
        (directory / "tables" / f"{table.id}.csv").write_text(table_csv(table), encoding="utf-8")
    (directory / "datapackage.json").write_text(json.dumps(datapackage(publication), indent=1), encoding="utf-8")
    for path in directory.rglob("*"):
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    os.chmod(directory, 0o755)


def foreign_entries(out: Path) -> list[str]:
    """Return what in ``out`` publish did not write (empty when it is new, empty, or a publication)."""
    out = Path(out)
    if not out.exists():
        return []
    if not out.is_dir() or out.is_symlink():
        return [out.name]
    found = []
    for path in sorted(out.rglob("*")):
        relative = path.relative_to(out)
        if relative.parts[0] == "tables" and (
            len(relative.parts) == 1
            or (len(relative.parts) == 2 and path.suffix == ".csv" and path.is_file() and not path.is_symlink())
        ):
            continue
        if len(relative.parts) == 1 and relative.name in OWN_FILES and path.is_file() and not path.is_symlink():
            continue
        found.append(relative.as_posix())
    return found


def check_output(out: Path) -> None:
    """Refuse, before any work, an output that is a file or a directory holding anything publish did not write."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or out.is_symlink()):
        raise PublicationError(f"{out} is a file (or a link), not a publication directory: choose a new directory")
    foreign = foreign_entries(out)
    if foreign:
        raise PublicationError(
            f"{out} holds files publish did not write ({', '.join(foreign[:3])}"
            f"{', ...' if len(foreign) > 3 else ''}): nothing was changed; choose an empty or "
            "new directory"
        )


def write_publication(publication: Release, out: Path) -> None:
    """Write the publication directory atomically (replacing only a publication publish wrote at ``out``)."""
    out = Path(out)
    check_output(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-", dir=out.parent))
    try:
        write_publication_files(publication, staging)
        (staging / MARKER).write_text(
            "A LEAD dashboard publication, written by `lead-dashboard publish`.\n", encoding="utf-8"
        )
        os.chmod(staging / MARKER, 0o644)
        if out.exists():
            old = out.with_name(f".{out.name}-old-{os.urandom(6).hex()}")  # a name nobody else uses
            os.replace(out, old)
            os.replace(staging, out)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def read_publication(directory: Path) -> Release:
    """Read ``directory/publication.json``; raise PublicationError with a clear reason."""
    path = Path(directory) / "publication.json"
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PublicationError(f"no publication.json in {directory}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise PublicationError(f"{path} is not readable JSON: {error}") from None
    try:
        return Release.from_json(document)
    except PublicationError as error:
        raise PublicationError(f"{path}: {error}") from None
