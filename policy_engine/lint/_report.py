"""Reporters: text (grouped by file), JSON (one document) and SARIF 2.1.0."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ._model import Finding


def render_report(findings: Sequence[Finding], fmt: str, rules: list[tuple[str, str, str]]) -> str:
    if fmt == "json":
        return json.dumps(
            {"findings": [f.to_json() for f in findings], "counts": _counts(findings)}, indent=2
        )
    if fmt == "sarif":
        return json.dumps(_sarif(findings, rules), indent=2)
    return _text(findings)


def _counts(findings: Sequence[Finding]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0, "suppressed": 0}
    for f in findings:
        counts["suppressed" if f.suppressed else f.severity] += 1
    return counts


def _text(findings: Sequence[Finding]) -> str:
    lines: list[str] = []
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        by_file.setdefault(f.file, []).append(f)
    for file, group in sorted(by_file.items()):
        lines.append(file)
        for f in sorted(group, key=lambda x: (x.line or 0, x.rule)):
            where = f":{f.line}" if f.line else ""
            tier = f" [{f.tier}]" if f.tier else ""
            state = f" (suppressed: {f.suppressed})" if f.suppressed else ""
            lines.append(
                f"  {where or '-'} {f.severity} {f.rule}{tier} {f.path}: {f.message}{state}"
            )
    c = _counts(findings)
    lines.append(
        f"{c['error']} errors, {c['warning']} warnings, {c['info']} info, "
        f"{c['suppressed']} suppressed"
    )
    return "\n".join(lines)


def _sarif(findings: Sequence[Finding], rules: list[tuple[str, str, str]]) -> dict[str, Any]:
    level = {"error": "error", "warning": "warning", "info": "note"}
    results = []
    for f in findings:
        location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": f.file}}}
        if f.line:
            location["physicalLocation"]["region"] = {"startLine": f.line}
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": level[f.severity],
            "message": {"text": f.message},
            "locations": [location],
            "properties": {"jsonPath": f.path, "tier": f.tier, "template": f.template},
        }
        if f.suppressed:
            result["suppressions"] = [{"kind": "external", "justification": f.suppressed}]
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "policy-engine",
                        "informationUri": "https://example.invalid/policy-engine",
                        "rules": [
                            {
                                "id": rid,
                                "shortDescription": {"text": summary},
                                "defaultConfiguration": {"level": level[sev]},
                            }
                            for rid, sev, summary in rules
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
