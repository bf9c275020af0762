"""The command a stale certificate's error gives, run as written, writes the
certificate the vendor then accepts: it names the catalogue (before, it left out
`--catalog`, so it would have proved and certified the bundled example instead)."""

from __future__ import annotations

import io
import re
import shlex
from pathlib import Path

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.certificate import CertificateError, tier_status
from policy_engine.cli import run


def _cli(argv: list[str]) -> int:
    return run(argv, io.StringIO(), io.StringIO())


def test_the_hint_of_a_stale_certificate_is_the_command_that_fixes_it(
    catalog_copy: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv("POLICY_ENGINE_CATALOG", raising=False)
    monkeypatch.delenv("POLICY_ENGINE_CERTIFICATE", raising=False)
    cert = catalog_copy / "isolation-certificate.json"
    assert (
        _cli(["check-isolation", "--catalog", str(catalog_copy), "--certificate", str(cert)]) == 0
    )
    jobs = catalog_copy / "session" / "jobs.json.j2"
    jobs.write_text(jobs.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    catalog = load_catalog(catalog_copy)
    with pytest.raises(CertificateError, match="stale") as info:
        tier_status(catalog, "basic")
    command = re.search(r"`(policy-engine check-isolation [^`]+)`", str(info.value))
    assert command is not None
    argv = shlex.split(command.group(1))[1:]
    assert "--catalog" in argv
    monkeypatch.chdir(tmp_path)  # the command does not depend on where it runs
    assert _cli(argv) == 0
    assert tier_status(load_catalog(catalog_copy), "basic") == "proved"
