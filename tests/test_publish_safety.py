"""Writing is safe: publish never deletes or replaces what it did not write, and checks --out first."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from core.publication_files import PublicationError, check_output, write_publication
from core.release_model import Release
from publishing.cli import main

TINY = Release.from_json(
    {
        "format": "lead-publication/1",
        "release": {"as_of": "2026-10-31", "first_month": "2026-01", "last_month": "2026-10", "threshold": 11},
        "hierarchies": {},
        "labels": {},
        "domains": {},
        "measures": {},
        "ratios": [],
        "tables": [
            {
                "id": "t",
                "title": "t",
                "measure": "referrals",
                "unit": "referrals",
                "additive": True,
                "dimensions": ["month"],
                "filters": {},
                "cells": [{"month": "2026-10", "value": 12}],
            }
        ],
    }
)


def _tree(root):
    return sorted((p.relative_to(root).as_posix(), p.read_bytes() if p.is_file() else None) for p in root.rglob("*"))


def test_publish_refuses_a_folder_of_someone_elses_files_before_any_work(tmp_path, monkeypatch, capsys):
    import publishing.build as build

    out = tmp_path / "mine"
    (out / "sub").mkdir(parents=True)
    (out / "thesis.txt").write_text("four years of work")
    (out / "sub" / "notes.md").write_text("notes")
    before = _tree(out)
    monkeypatch.setattr(build, "build_from_database", lambda *a, **k: pytest.fail("publish started work"))
    assert main(["publish", "--db", "sqlite:////nonexistent.sqlite", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "publish did not write" in err and "thesis.txt" in err
    assert _tree(out) == before


def test_publish_refuses_a_file_and_a_link(tmp_path, monkeypatch):
    import publishing.build as build

    monkeypatch.setattr(build, "build_from_database", lambda *a, **k: pytest.fail("publish started work"))
    target = tmp_path / "report.pdf"
    target.write_bytes(b"%PDF")
    assert main(["publish", "--db", "sqlite:////nonexistent.sqlite", "--out", str(target)]) == 2
    assert target.read_bytes() == b"%PDF"
    link = tmp_path / "link"
    link.symlink_to(tmp_path)
    with pytest.raises(PublicationError, match="link"):
        check_output(link)


def test_write_publication_replaces_only_its_own_output_and_files_are_readable(tmp_path):
    out = tmp_path / "release"
    write_publication(TINY, out)
    assert (out / ".lead-publication").is_file()
    for path in [out, *out.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o755 if path.is_dir() else 0o644), (path, oct(mode))
    write_publication(TINY, out)  # its own output: replaced
    (out / "notes.txt").write_text("mine")
    with pytest.raises(PublicationError, match="notes.txt"):
        write_publication(TINY, out)
    assert (out / "notes.txt").read_text() == "mine"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".release")]  # no staging left behind


def test_home_is_never_a_publication(tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_ed25519").write_text("secret")
    monkeypatch.setenv("HOME", str(home))
    with pytest.raises(PublicationError):
        check_output(Path(os.path.expanduser("~")))
    assert (home / ".ssh" / "id_ed25519").read_text() == "secret"
