"""The import graph holds (import-linter's contracts in pyproject.toml), the checker catches a lazy import,
and the Streamlit process never loads SQLAlchemy, the database layer, the engine or the wiring."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("core", "data_access", "aggregation", "publishing", "dashboard", "pages")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    if not LINT_IMPORTS.exists():
        pytest.fail("import-linter is not installed: scripts/setup-env test installs it")
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(cwd)},
    )


def test_the_import_contracts_hold():
    done = lint_imports(ROOT)
    assert done.returncode == 0, done.stdout[-3000:]


@pytest.mark.parametrize(
    "module, statement",
    [
        ("dashboard/charts_extra.py", "def later():\n    import sqlalchemy  # a lazy import\n"),
        ("pages/extra.py", "def later():\n    from publishing import build  # the wiring, lazily\n"),
        ("aggregation/audit_solve.py", "\ndef later():\n    from aggregation import family_model\n"),
        ("core/extra.py", "from dashboard import catalog\n"),
        ("aggregation/extra_io.py", "def later():\n    from core.settings import load_settings\n"),
    ],
)
def test_the_checker_catches_a_forbidden_import_even_inside_a_function(tmp_path, module, statement):
    for package in PACKAGES:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.geojson"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / module
    target.write_text((target.read_text() if target.exists() else "") + statement)
    done = lint_imports(tmp_path)
    assert done.returncode != 0 and "BROKEN" in done.stdout, done.stdout[-2000:]


SERVE = """
import json, sys
from streamlit.testing.v1 import AppTest

script = '''
from dashboard.components import reader_language
from dashboard.data import settings
reader_language(settings().language)
from pages import {page}
{page}.render()
'''
for page in ("monthly", "neighborhoods", "resources", "retail_theft", "people", "briefing", "about"):
    at = AppTest.from_string(script.format(page=page), default_timeout=180)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
at = AppTest.from_file("dashboard/app.py", default_timeout=180)
at.run()
assert not at.exception, [e.value for e in at.exception]
roots = {name.split(".")[0] for name in sys.modules}
print(json.dumps(sorted(roots & {"sqlalchemy", "psycopg", "data_access", "aggregation", "publishing", "highspy"})))
"""


@pytest.mark.slow
@pytest.mark.parametrize("mode", ["snapshot", "demo without its archive", "live without an archive"])
def test_serving_never_loads_sqlalchemy_into_the_streamlit_process(demo_publication, tmp_path, mode):
    directory, _, _ = demo_publication
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEAD_")}
    env.update(HOME=str(tmp_path), PYTHONPATH=str(ROOT))
    if mode == "snapshot":
        env["LEAD_PUBLICATION"] = str(directory)
    elif mode.startswith("live"):
        env["LEAD_DB_URL"] = f"sqlite:///{tmp_path / 'program.sqlite'}"
    done = subprocess.run([sys.executable, "-c", SERVE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
