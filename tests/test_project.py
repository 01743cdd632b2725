"""Project rules: the README's two commands, settings, the hardened Streamlit config. (The import graph is
tests/test_layers.py; the documentation, tests/test_docs.py.)"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from core.settings import SettingsError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_readme_opens_with_the_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"```bash\n(.*?)```", readme, re.S)
    assert found is not None, "README.md has no bash block"
    first_block = found.group(1)
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
    served = load_settings({}, tmp_path / "absent.toml").served_archive
    assert served is not None and served.name == "demo-2-archive"  # beside demo-2.sqlite
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
