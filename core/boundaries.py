"""The boundaries file: GeoJSON polygons of the neighborhoods, each carrying its id in one property.

Reads the file; checks nothing against the database or the publication. Must not import
Streamlit, SQLAlchemy or any project layer above ``core``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


class BoundaryFileError(ValueError):
    """A boundaries file cannot be read as GeoJSON polygons with the expected key."""


def read_boundaries(path: Path | str, key: str) -> list[tuple[str, dict[str, Any] | None]]:
    """Return each feature's neighborhood id (property ``key``, as text) and geometry (None: it has none), in
    file order."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BoundaryFileError("boundaries file not found") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise BoundaryFileError(f"boundaries file is not readable GeoJSON: {error}") from None
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise BoundaryFileError("boundaries file has no GeoJSON 'features' list")
    found = []
    for feature in features:
        properties = (feature or {}).get("properties") or {}
        if key not in properties:
            raise BoundaryFileError(f"a feature has no property {key!r} (set LEAD_BOUNDARIES_KEY)")
        geometry = (feature or {}).get("geometry")
        found.append((str(properties[key]), geometry if isinstance(geometry, dict) else None))
    return found


def boundary_keys(path: Path | str, key: str) -> set[str]:
    """Return the neighborhood ids that polygons of a GeoJSON file carry in property ``key``."""
    return {neighborhood for neighborhood, _ in read_boundaries(path, key)}
