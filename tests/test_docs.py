"""The project's documentation (docs/) stays true where a test can check it: settings, commands, table and
ratio ids, measures, the database contract, the import contracts; and a clone needs nothing outside it."""

from __future__ import annotations

import argparse
import re
import tomllib
from pathlib import Path

from aggregation.registry import RATIOS, TABLES, TableDeclaration
from core.settings import SETTINGS
from data_access.schema import metadata
from publishing.cli import build_parser

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def declared_tables() -> set[str]:
    ids = set()
    for declaration in TABLES:
        current: TableDeclaration | None = declaration
        while current is not None:
            ids.add(current.id)
            current = current.pooled_fallback
    return ids


def section(text: str, heading: str) -> str:
    return text.split(heading, 1)[1].split("\n## ", 1)[0]


def test_every_setting_is_documented_in_operations():
    operations = read("operations.md")
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in operations]
    missing += [s.secrets_key for s in SETTINGS if s.secrets_key and s.secrets_key.split(".")[-1] not in operations]
    assert not missing, f"settings missing from docs/operations.md: {missing}"


def test_every_command_is_documented_in_operations():
    subcommands = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    commands = subcommands.choices
    operations = read("operations.md")
    assert set(commands) == {"demo-db", "demo-archive", "check-db", "publish", "release", "withdraw", "audit"}
    missing = [name for name in commands if f"lead-dashboard {name}" not in operations]
    assert not missing, f"commands missing from docs/operations.md: {missing}"
    assert "--debug" in operations


def test_formats_lists_exactly_the_declared_tables_ratios_and_measures():
    formats = read("formats.md")
    listed = set(re.findall(r"^\| `([a-z0-9_]+)`", section(formats, "## Every table"), re.M))
    assert listed == declared_tables()
    ratios = set(re.findall(r"^\| `([a-z0-9_]+)`", section(formats, "## Every ratio"), re.M))
    assert ratios == {r.id for r in RATIOS}
    measures = section(formats, "## Measures")
    missing = sorted({t.measure for t in TABLES} - set(re.findall(r"`([a-z0-9_]+)`", measures)))
    statistics = {t.measure for t in TABLES if t.statistic}
    assert set(missing) <= statistics, f"measures missing from docs/formats.md: {missing}"


def test_database_names_exactly_the_contract_tables_and_columns():
    rows = re.findall(r"^\| (`[a-z_]+`)? *\| `([a-z_]+)` \|", section(read("database.md"), "## Tables"), re.M)
    documented: dict[str, set[str]] = {}
    table = ""
    for table_cell, column in rows:
        table = table_cell.strip("`") or table
        documented.setdefault(table, set()).add(column)
    contract = {name: {c.name for c in t.columns} for name, t in metadata.tables.items()}
    assert documented == contract


def test_architecture_names_every_import_contract():
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    architecture = read("architecture.md")
    missing = [c["name"] for c in contracts if f"**{c['name']}**" not in architecture]
    assert not missing, f"import contracts not described in docs/architecture.md: {missing}"


def test_a_clone_needs_nothing_outside_the_repository():
    texts = {path: path.read_text(encoding="utf-8") for path in [ROOT / "README.md", *DOCS.glob("*.md")]}
    outside = [str(path) for path, text in texts.items() if "../shared" in text or "DESIGN" in text]
    assert not outside, f"documents that send readers outside the repository: {outside}"
    readme = texts[ROOT / "README.md"]
    assert "docs/README.md" in readme
    for path, text in texts.items():  # every relative link points at a file of the repository
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text):
            assert (path.parent / target).exists(), f"{path.name} links to a missing {target}"
