"""Helpers of the deployed-lint tests: lint one template or plan against the bundled
catalogue (JSON report), read a tier's deployed status, write a one-resource plan."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from policy_engine.catalog import load_catalog
from policy_engine.cli import run


def lint_json(tmp_path: Path, document: dict[str, Any], name: str = "t.json") -> dict[str, Any]:
    """``lint --format json --catalog <bundled> FILE`` on ``document`` written to a file."""
    path = tmp_path / name
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    run(argv, out, io.StringIO())
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def deployed_status(doc: dict[str, Any], tier: str = "basic") -> str:
    """The summary's deployed status of ``tier``."""
    tiers = doc["summary"]["deployed"][0]["tiers"]
    status: str = {t["tier"]: t["status"] for t in tiers}[tier]
    return status


def one_resource_plan(kind: str, after: dict[str, Any], unknown: dict[str, Any]) -> dict[str, Any]:
    """A Terraform plan that creates one resource of ``kind`` (``after``, ``after_unknown``)."""
    change = {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown}
    return {
        "format_version": "1.2",
        "resource_changes": [
            {"address": f"{kind}.it", "mode": "managed", "type": kind, "name": "it",
             "change": change},
        ],
    }  # fmt: skip
