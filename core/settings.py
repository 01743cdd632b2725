"""One settings object, read from environment variables, ``.streamlit/secrets.toml`` or defaults.

Settings are declared as data (``SETTINGS``); the README documents each one
and a test fails when one is missing there. Must not import Streamlit,
SQLAlchemy or ``data_access``: it only reads configuration.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from core.facts import DEFAULT_THRESHOLD, LANGUAGES, MINIMUM_THRESHOLD

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SECRETS = PROJECT_ROOT / ".streamlit" / "secrets.toml"
BUNDLED_BOUNDARIES = PROJECT_ROOT / "data_access" / "seattle" / "mcpp-areas.geojson"
BUNDLED_DISTRICTS = PROJECT_ROOT / "data_access" / "seattle" / "council-districts.geojson"
DEMO_DB_NAME = "demo-2.sqlite"  # the demo's generation: a new name when its tables change (2: districts)


DEFAULT_CASELOAD_BAND = (20.0, 25.0)  # LEAD's recommended people per case manager


def low_high(text: str) -> tuple[float, float]:
    """Parse ``20-25`` (a low and a high number, low first)."""
    if isinstance(text, (list, tuple)) and len(text) == 2:
        low, high = (float(v) for v in text)
    else:
        low, high = (float(v) for v in str(text).split("-"))
    if not 0 <= low <= high:
        raise ValueError(f"expected low-high with 0 <= low <= high, got {text!r}")
    return low, high


class SettingsError(ValueError):
    """A setting has a value the dashboard cannot use."""


@dataclass(frozen=True)
class SettingSpec:
    """One setting: its environment variable, its key in secrets.toml, its default and meaning."""

    name: str
    env: str
    secrets_key: str | None
    default: Any
    description: str
    parse: Any = str


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec(
        "db_url",
        "LEAD_DB_URL",
        "connections.program_db",
        None,
        "SQLAlchemy URL of the program database (read-only). Unset: the bundled demo database.",
    ),
    SettingSpec(
        "publication_dir",
        "LEAD_PUBLICATION",
        None,
        None,
        "Directory written by `lead-dashboard publish`: snapshot mode, no database settings at all.",
        Path,
    ),
    SettingSpec(
        "archive_dir",
        "LEAD_ARCHIVE",
        None,
        None,
        "Directory written by `lead-dashboard release`: archive mode, serves its newest release (and any by "
        "`?release=`), no database settings at all.",
        Path,
    ),
    SettingSpec(
        "release_cadence",
        "LEAD_RELEASE_CADENCE",
        "lead.release_cadence",
        "monthly",
        "How often `release` publishes: `monthly` (default) or `quarterly`; a release covers whole "
        "months (or quarters) only.",
    ),
    SettingSpec(
        "first_month",
        "LEAD_FIRST_MONTH",
        "lead.first_month",
        None,
        "First month (YYYY-MM) a release covers. Unset: the program's first month in the data (its "
        "earliest referral, enrollment, contact, service or obstacle). An archive keeps the first release's.",
    ),
    SettingSpec(
        "db_connect_timeout",
        "LEAD_DB_CONNECT_TIMEOUT",
        "lead.db_connect_timeout",
        10.0,
        "Seconds the command line (release, publish, check-db) waits to connect to the database.",
        float,
    ),
    SettingSpec(
        "db_statement_timeout",
        "LEAD_DB_STATEMENT_TIMEOUT",
        "lead.db_statement_timeout",
        600.0,
        "Seconds one query of the command line may run before the database cancels it.",
        float,
    ),
    SettingSpec(
        "allow_writable_role",
        "LEAD_ALLOW_WRITABLE_ROLE",
        "lead.allow_writable_role",
        False,
        "1 lets the command line use a PostgreSQL role that could write (a loud warning instead of a "
        "refusal): for a local demo only.",
        lambda v: str(v).strip().lower() in ("1", "true", "yes"),
    ),
    SettingSpec(
        "stale_grace_days",
        "LEAD_STALE_GRACE_DAYS",
        "lead.stale_grace_days",
        7,
        "Days after a release was due before the app says the figures may be out of date.",
        int,
    ),
    SettingSpec(
        "threshold",
        "LEAD_THRESHOLD",
        "lead.threshold",
        DEFAULT_THRESHOLD,
        f"Suppression threshold k: counts 1 to k-1 are protected. Never below {MINIMUM_THRESHOLD}.",
        int,
    ),
    SettingSpec(
        "caseload_band",
        "LEAD_CASELOAD_BAND",
        "lead.caseload_band",
        DEFAULT_CASELOAD_BAND,
        "People active per case manager that the program aims for, `low-high` (default "
        "`20-25`, LEAD's recommendation): the band on the caseload chart; above `high` is reported as a bottleneck.",
        low_high,
    ),
    SettingSpec(
        "language",
        "LEAD_LANGUAGE",
        "lead.language",
        "en",
        "The site's default language: en (English) or es (Spanish); a reader's ?lang= overrides it.",
    ),
    SettingSpec(
        "boundaries",
        "LEAD_BOUNDARIES",
        "lead.boundaries",
        BUNDLED_BOUNDARIES,
        "GeoJSON file of neighborhood polygons for the map.",
        Path,
    ),
    SettingSpec(
        "boundaries_key",
        "LEAD_BOUNDARIES_KEY",
        "lead.boundaries_key",
        None,
        "GeoJSON property holding the neighborhood_id (default `neighborhood_id`; `NAME` in demo mode).",
    ),
    SettingSpec(
        "program_name",
        "LEAD_PROGRAM_NAME",
        "lead.program_name",
        "Law Enforcement Assisted Diversion (LEAD)",
        "The program's name, spelled out on the printed briefing.",
    ),
    SettingSpec(
        "city",
        "LEAD_CITY",
        "lead.city",
        None,
        "The city or county the program serves, named on the printed briefing. Unset: not named (the demo "
        "says it shows demo data).",
    ),
    SettingSpec(
        "public_url",
        "LEAD_PUBLIC_URL",
        "lead.public_url",
        None,
        "The dashboard's public web address, printed on the briefing. Unset: the address the page was opened at.",
    ),
    SettingSpec(
        "district_boundaries",
        "LEAD_DISTRICT_BOUNDARIES",
        "lead.district_boundaries",
        BUNDLED_DISTRICTS,
        "GeoJSON file of district polygons (property `district`) for the map's district view.",
        Path,
    ),
    SettingSpec(
        "contact",
        "LEAD_CONTACT",
        "lead.contact",
        "data@lead-program.example",
        "Where viewers send questions and data problems.",
    ),
    SettingSpec(
        "demo_db_path",
        "LEAD_DEMO_DB_PATH",
        "lead.demo_db_path",
        Path.home() / ".cache" / "lead-dashboard" / DEMO_DB_NAME,
        "Where the demo database is created on first run.",
        Path,
    ),
    SettingSpec("demo_seed", "LEAD_DEMO_SEED", "lead.demo_seed", 2011, "Seed of the demo database.", int),
)


@dataclass(frozen=True)
class Settings:
    """Every setting the dashboard and the command line read."""

    db_url: str | None = None
    publication_dir: Path | None = None
    archive_dir: Path | None = None
    release_cadence: str = "monthly"
    first_month: str | None = None
    db_connect_timeout: float = 10.0
    db_statement_timeout: float = 600.0
    stale_grace_days: int = 7
    allow_writable_role: bool = False
    threshold: int = DEFAULT_THRESHOLD
    caseload_band: tuple[float, float] = DEFAULT_CASELOAD_BAND
    language: str = "en"
    boundaries: Path = BUNDLED_BOUNDARIES
    boundaries_key: str | None = None
    district_boundaries: Path = BUNDLED_DISTRICTS
    program_name: str = "Law Enforcement Assisted Diversion (LEAD)"
    city: str | None = None
    public_url: str | None = None
    contact: str = "data@lead-program.example"
    demo_db_path: Path = field(default_factory=lambda: Path.home() / ".cache" / "lead-dashboard" / DEMO_DB_NAME)
    demo_seed: int = 2011

    @property
    def mode(self) -> str:
        """Return ``snapshot``, ``live`` or ``demo``."""
        if self.publication_dir is not None:
            return "snapshot"
        if self.archive_dir is not None:
            return "archive"
        return "live" if self.db_url else "demo"

    @property
    def demo_archive_dir(self) -> Path:
        """Return where the demo's release archive is built (beside the demo database)."""
        return self.demo_db_path.with_name(self.demo_db_path.stem + "-archive")

    @property
    def served_archive(self) -> Path | None:
        """Return the archive the app serves: LEAD_ARCHIVE, or the demo archive in demo mode."""
        if self.mode == "archive":
            return self.archive_dir
        return self.demo_archive_dir if self.mode == "demo" else None

    @property
    def neighborhood_key(self) -> str:
        """Return the GeoJSON property that holds the neighborhood id."""
        if self.boundaries_key:
            return self.boundaries_key
        bundled = Path(self.boundaries).resolve() == BUNDLED_BOUNDARIES.resolve()
        return "NAME" if self.mode == "demo" or bundled else "neighborhood_id"


def _lookup(secrets: dict, dotted: str) -> Any:
    node: Any = secrets
    for part in dotted.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def connection_url(section: Any) -> str | None:
    """Return a URL from a ``[connections.program_db]`` table (``url``, or its parts)."""
    if isinstance(section, str):
        return section
    if not isinstance(section, dict):
        return None
    if section.get("url"):
        return str(section["url"])
    dialect = section.get("dialect")
    if not dialect:
        return None
    driver = f"+{section['driver']}" if section.get("driver") else ""
    user = quote(str(section.get("username", "")), safe="")
    password = f":{quote(str(section['password']), safe='')}" if section.get("password") else ""
    credentials = f"{user}{password}@" if user else ""
    host = section.get("host", "")
    port = f":{section['port']}" if section.get("port") else ""
    database = section.get("database", "")
    return f"{dialect}{driver}://{credentials}{host}{port}/{database}"


def load_settings(environ: dict[str, str] | None = None, secrets_path: Path | None = None) -> Settings:
    """Read every setting: environment first, then secrets.toml, then the default."""
    environ = dict(os.environ if environ is None else environ)
    path = secrets_path or Path(environ.get("LEAD_SECRETS", DEFAULT_SECRETS))
    secrets: dict = {}
    if path.is_file():
        try:
            secrets = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
            raise SettingsError(f"{path} is not valid TOML: {error}") from error
    values: dict[str, Any] = {}
    for spec in SETTINGS:
        raw = environ.get(spec.env)
        if raw in (None, "") and spec.secrets_key:
            found = _lookup(secrets, spec.secrets_key)
            raw = connection_url(found) if spec.name == "db_url" else found
        if raw in (None, ""):
            values[spec.name] = spec.default
            continue
        try:
            values[spec.name] = spec.parse(raw)
        except (TypeError, ValueError) as error:
            raise SettingsError(f"{spec.env} must be {spec.parse.__name__}, got {raw!r}") from error
    if values["threshold"] < MINIMUM_THRESHOLD:
        raise SettingsError(f"LEAD_THRESHOLD must be at least {MINIMUM_THRESHOLD}, got {values['threshold']}")
    if values["db_connect_timeout"] <= 0 or values["db_statement_timeout"] <= 0 or values["stale_grace_days"] < 0:
        raise SettingsError(
            "LEAD_DB_CONNECT_TIMEOUT and LEAD_DB_STATEMENT_TIMEOUT must be positive, LEAD_STALE_GRACE_DAYS not negative"
        )
    if values["release_cadence"] not in ("monthly", "quarterly"):
        raise SettingsError(f"LEAD_RELEASE_CADENCE must be monthly or quarterly, got {values['release_cadence']!r}")
    if values["language"] not in LANGUAGES:
        raise SettingsError(f"LEAD_LANGUAGE must be one of {', '.join(LANGUAGES)}, got {values['language']!r}")
    first = values["first_month"]
    if first is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", str(first)):
        raise SettingsError(f"LEAD_FIRST_MONTH must be a month YYYY-MM, got {first!r}")
    if values["publication_dir"] is not None and values["archive_dir"] is not None:
        raise SettingsError("set LEAD_PUBLICATION (one publication) or LEAD_ARCHIVE (an archive), not both")
    if values["publication_dir"] is not None or values["archive_dir"] is not None:
        values["db_url"] = None  # snapshot mode reads the publication and nothing else
    return Settings(**values)
