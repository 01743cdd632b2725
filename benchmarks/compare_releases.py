"""Compare two archives (or two publication directories) file by file and cell by cell.

    python -m benchmarks.compare_releases BEFORE AFTER

Prints, per release, whether every file is byte-for-byte the same and, where a publication.json
differs, which fields, cells and ratios differ. Build both with the same seed, as-of dates and
SOURCE_DATE_EPOCH for a byte-for-byte comparison (see benchmarks/README.md). Reads files only.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def publication_differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Return one line per difference between two publication documents."""
    lines = [
        f"field {key!r} differs"
        for key in sorted(set(before) | set(after))
        if key not in ("tables", "ratios") and before.get(key) != after.get(key)
    ]
    tables_before = {t["id"]: t for t in before.get("tables", [])}
    tables_after = {t["id"]: t for t in after.get("tables", [])}
    lines += [f"table {name} only before" for name in sorted(set(tables_before) - set(tables_after))]
    lines += [f"table {name} only after" for name in sorted(set(tables_after) - set(tables_before))]
    for name in sorted(set(tables_before) & set(tables_after)):
        old, new = tables_before[name], tables_after[name]
        lines += [
            f"table {name}: {key!r} differs"
            for key in sorted(set(old) | set(new))
            if key != "cells" and old.get(key) != new.get(key)
        ]
        changed = [(a, b) for a, b in zip(old["cells"], new["cells"], strict=False) if a != b]
        if changed or len(old["cells"]) != len(new["cells"]):
            published = sum(1 for a, b in changed if a.get("value") is None and b.get("value") is not None)
            withheld = sum(1 for a, b in changed if a.get("value") is not None and b.get("value") is None)
            lines.append(
                f"table {name}: {len(changed)} cells differ ({published} newly published, {withheld} newly "
                f"withheld); {len(old['cells'])} -> {len(new['cells'])} cells"
            )
    ratios_before = {json.dumps(r, sort_keys=True) for r in before.get("ratios", [])}
    ratios_after = {json.dumps(r, sort_keys=True) for r in after.get("ratios", [])}
    if ratios_before != ratios_after:
        added, removed = ratios_after - ratios_before, ratios_before - ratios_after
        ids = sorted({json.loads(r)["id"] for r in added | removed})
        lines.append(f"ratios: {len(added)} added, {len(removed)} removed ({', '.join(ids)})")
    return lines


def compare(before: Path, after: Path) -> list[str]:
    """Return the report of two release directories or archives."""
    files_before = {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
    files_after = {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    lines = [f"only in {before}: {p}" for p in sorted(files_before - files_after)]
    lines += [f"only in {after}: {p}" for p in sorted(files_after - files_before)]
    same = 0
    for path in sorted(files_before & files_after):
        if (before / path).read_bytes() == (after / path).read_bytes():
            same += 1
            continue
        lines.append(f"differs: {path}")
        if path.name == "publication.json":
            old = json.loads((before / path).read_text(encoding="utf-8"))
            new = json.loads((after / path).read_text(encoding="utf-8"))
            lines += [f"  {line}" for line in publication_differences(old, new)]
    lines.append(f"{same} of {len(files_before | files_after)} files byte-for-byte the same")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args()
    print("\n".join(compare(args.before, args.after)))


if __name__ == "__main__":
    main()
