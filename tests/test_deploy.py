"""The scheduling examples parse, run `release` with arguments the command line accepts, and agree."""

from __future__ import annotations

import configparser
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from publishing.cli import build_parser

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
SCHEDULE = "15 3 5 * *"
RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def _release_args(argv: list[str]) -> list[str]:
    """Return the arguments after the program, checking that the parser accepts them as a release."""
    assert Path(argv[0]).name == "lead-dashboard", argv
    args = build_parser().parse_args(argv[1:])
    assert args.command == "release" and str(args.archive) == "/srv/lead/archive" and not args.revision
    return argv[1:]


def _check_field(field: str, low: int, high: int) -> None:
    for part in field.split(","):
        if part == "*":
            continue
        values = part.split("-")
        assert all(v.isdigit() and low <= int(v) <= high for v in values), (field, low, high)


def test_cron_line():
    lines = [
        line
        for line in (DEPLOY / "cron" / "lead-release").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    jobs = [line for line in lines if line[0].isdigit() or line[0] == "*"]
    assert len(jobs) == 1
    fields = jobs[0].split(None, 6)
    assert " ".join(fields[:5]) == SCHEDULE
    for field, (low, high) in zip(fields[:5], RANGES, strict=False):
        _check_field(field, low, high)
    assert fields[5] == "lead"  # /etc/cron.d lines name the user
    command = shlex.split(fields[6].split(">>")[0])
    _release_args(command)
    assignments = dict(
        line.split("=", 1) for line in lines if "=" in line and not (line[0].isdigit() or line[0] == "*")
    )
    assert assignments["LEAD_DB_URL"].startswith("postgresql://") and assignments["LEAD_RELEASE_CADENCE"] == "monthly"


class _CaseKeepingParser(configparser.ConfigParser):
    """A ConfigParser that keeps option names as written (systemd's are case-sensitive)."""

    def optionxform(self, optionstr: str) -> str:
        return optionstr


def _unit(name: str) -> configparser.ConfigParser:
    parser = _CaseKeepingParser(strict=True, interpolation=None)
    parser.read_string((DEPLOY / "systemd" / name).read_text())
    return parser


def test_systemd_service_and_timer():
    service, timer = _unit("lead-release.service"), _unit("lead-release.timer")
    assert service["Service"]["Type"] == "oneshot"
    _release_args(shlex.split(service["Service"]["ExecStart"]))
    assert service["Service"]["ReadWritePaths"] == "/srv/lead/archive"
    assert timer["Timer"]["Unit"] == "lead-release.service" and timer["Timer"]["Persistent"] == "true"
    assert timer["Install"]["WantedBy"] == "timers.target"
    if shutil.which("systemd-analyze"):
        result = subprocess.run(
            ["systemd-analyze", "calendar", timer["Timer"]["OnCalendar"]], capture_output=True, text=True, timeout=30
        )
        assert result.returncode == 0, result.stderr
        assert "*-*-05 03:15:00" in result.stdout


def test_kubernetes_cronjob():
    document = yaml.safe_load((DEPLOY / "kubernetes" / "lead-release-cronjob.yaml").read_text())
    assert document["apiVersion"] == "batch/v1" and document["kind"] == "CronJob"
    spec = document["spec"]
    assert spec["schedule"] == SCHEDULE and spec["concurrencyPolicy"] == "Forbid"
    pod = spec["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["restartPolicy"] == "Never"
    (container,) = pod["containers"]
    _release_args(container["command"])
    env = {e["name"]: e for e in container["env"]}
    assert env["LEAD_DB_URL"]["valueFrom"]["secretKeyRef"]["key"] == "url"
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts == {"archive": "/srv/lead/archive"}
    assert {v["name"] for v in pod["volumes"]} == {"archive"}


def test_the_app_unit_listens_on_loopback_and_reads_the_archive_only():
    service = _unit("lead-dashboard.service")["Service"]
    argv = shlex.split(service["ExecStart"])
    assert argv[argv.index("--server.address") + 1] == "127.0.0.1"
    assert service["Environment"] == "LEAD_ARCHIVE=/srv/lead/archive" and "LEAD_DB_URL" not in service.get(
        "Environment", ""
    )
    assert service["ProtectSystem"] == "strict" and service["ReadOnlyPaths"] == "/srv/lead/archive"


@pytest.mark.parametrize("name", ["lead-release.service", "lead-release.timer", "lead-dashboard.service"])
def test_systemd_units_have_no_duplicate_keys(name):
    _unit(name)  # strict parsing refuses duplicated sections and keys
