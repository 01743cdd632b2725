"""Project rules: layering, documented settings, the hardened Streamlit config."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from core.settings import SETTINGS, SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN_IN_UI = ("data_access", "sqlalchemy", "psycopg")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_pages_and_dashboard_never_import_the_database_layer():
    files = list((ROOT / "dashboard").rglob("*.py")) + list((ROOT / "pages").rglob("*.py"))
    assert files
    offenders = {str(f.relative_to(ROOT)): _imports(f) & set(FORBIDDEN_IN_UI) for f in files}
    assert not {f: i for f, i in offenders.items() if i}, offenders


def test_layer_rule_detects_an_offending_import(tmp_path):
    offending = tmp_path / "page.py"
    offending.write_text("from data_access.aggregate import aggregate\nimport sqlalchemy as sa\n")
    assert _imports(offending) & set(FORBIDDEN_IN_UI) == {"data_access", "sqlalchemy"}


def test_lower_layers_never_import_the_upper_ones():
    for package, forbidden in (
        ("data_access", {"aggregation", "dashboard", "pages", "publishing", "streamlit"}),
        ("aggregation", {"data_access", "dashboard", "pages", "publishing", "streamlit", "sqlalchemy"}),
    ):
        for path in (ROOT / package).rglob("*.py"):
            assert not _imports(path) & forbidden, f"{path} imports {_imports(path) & forbidden}"


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.env for s in SETTINGS if f"`{s.env}`" not in readme]
    missing += [s.secrets_key for s in SETTINGS if s.secrets_key and s.secrets_key.split(".")[-1] not in readme]
    assert not missing, f"settings missing from README.md: {missing}"


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = re.search(r"```bash\n(.*?)```", readme, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in first_block.strip().splitlines()]
    assert commands == ["scripts/run-dashboard", "scripts/run-tests"]
    for command in commands:
        assert (ROOT / command).stat().st_mode & 0o111
    assert "scripts/run-tests" in (ROOT / ".ci" / "run").read_text()


def test_streamlit_config_is_hardened():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "minimal"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["enableXsrfProtection"] is True
    assert config["server"]["address"] == "127.0.0.1"  # behind the proxy, never on a public interface


def test_settings_precedence_and_validation(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[connections.program_db]\ndialect = "postgresql"\nhost = "db"\nport = 5432\n'
        'database = "program"\nusername = "reader"\npassword = "p@ss"\n[lead]\nthreshold = 15\n'
    )
    settings = load_settings({}, secrets)
    assert settings.db_url == "postgresql://reader:p%40ss@db:5432/program"
    assert settings.threshold == 15 and settings.mode == "live"
    settings = load_settings({"LEAD_DB_URL": "sqlite:///x.sqlite", "LEAD_THRESHOLD": "12"}, secrets)
    assert settings.db_url == "sqlite:///x.sqlite" and settings.threshold == 12
    assert load_settings({}, tmp_path / "absent.toml").mode == "demo"
    assert load_settings({"LEAD_PUBLICATION": str(tmp_path)}, secrets).db_url is None
    archive = load_settings({"LEAD_ARCHIVE": str(tmp_path), "LEAD_DB_URL": "sqlite:///x.sqlite"}, secrets)
    assert archive.mode == "archive" and archive.db_url is None and archive.served_archive == tmp_path
    assert load_settings({}, tmp_path / "absent.toml").served_archive.name == "demo-2-archive"  # beside demo-2.sqlite
    for bad in (
        {"LEAD_THRESHOLD": "4"},
        {"LEAD_THRESHOLD": "eleven"},
        {"LEAD_RELEASE_CADENCE": "weekly"},
        {"LEAD_PUBLICATION": str(tmp_path), "LEAD_ARCHIVE": str(tmp_path)},
    ):
        try:
            load_settings(bad, tmp_path / "absent.toml")
        except SettingsError:
            continue
        raise AssertionError(f"{bad} was accepted")


def test_the_web_process_reads_files_and_never_builds():
    """dashboard/ and pages/ may read publications and archives, never build, release or query."""
    allowed = {"core.archive", "core.publication_files"}
    for path in list((ROOT / "dashboard").rglob("*.py")) + list((ROOT / "pages").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        used = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
        used |= {a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names}
        assert {m for m in used if m.split(".")[0] == "publishing"} <= allowed, path
        assert not {m for m in used if m.startswith("aggregation.")} - {"aggregation.registry"}, path
