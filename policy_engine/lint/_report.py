"""Reporters: text (by file and template, tiers merged), JSON and SARIF 2.1.0."""

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
    """Grouped by file and template; a finding repeated for several tiers is one line
    naming the tiers."""
    lines: list[str] = []
    groups: dict[tuple[str, str], dict[tuple[Any, ...], list[str]]] = {}
    for f in findings:
        rows = groups.setdefault((f.file, f.template or ""), {})
        key = (f.line or 0, f.rule, f.severity, f.path, f.message, f.suppressed)
        tiers = rows.setdefault(key, [])
        if f.tier and f.tier not in tiers:
            tiers.append(f.tier)
    for (file, template), rows in sorted(groups.items()):
        lines.append(f"{file} (template {template})" if template else file)
        for (line, rule, severity, path, message, suppressed), tiers in sorted(
            rows.items(), key=lambda item: item[0][:2]
        ):
            where = f":{line}" if line else "-"
            tier = f" [{', '.join(tiers)}]" if tiers else ""
            state = f" (suppressed: {suppressed})" if suppressed else ""
            lines.append(f"  {where} {severity} {rule}{tier} {path}: {message}{state}")
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
