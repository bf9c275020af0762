"""Reporters: text (by file and template, tiers merged), JSON and SARIF 2.1.0."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._model import Finding
from ._summary import LintSummary


def render_report(
    findings: Sequence[Finding],
    fmt: str,
    rules: list[tuple[str, str, str]],
    summary: LintSummary | None = None,
    *,
    quiet: bool = False,
) -> str:
    """The report in ``text``, ``json`` or ``sarif``. A finding repeated for several
    tiers is one finding naming its tiers, counted once. ``summary`` (what was checked
    and proved) ends the text report (unless ``quiet``), is ``summary`` in JSON and
    the run's properties and invocation notifications in SARIF."""
    merged = merge_tiers(findings)
    if fmt == "json":
        doc: dict[str, Any] = {
            "findings": [{**f.to_json(), "tiers": tiers} for f, tiers in merged],
            "counts": _counts(merged),
        }
        if summary is not None:
            doc["summary"] = summary.to_json()
        return json.dumps(doc, indent=2)
    if fmt == "sarif":
        return json.dumps(_sarif(merged, rules, summary), indent=2)
    return _text(merged, None if quiet else summary)


def merge_tiers(findings: Sequence[Finding]) -> list[tuple[Finding, list[str]]]:
    """Findings that differ only in their tier, merged: (the first, every tier)."""
    groups: dict[tuple[Any, ...], tuple[Finding, list[str]]] = {}
    for f in findings:
        key: tuple[Any, ...] = (f.file, f.template, f.resource, f.line, f.rule, f.severity)
        key += (f.path, f.message, f.suppressed)
        tiers = groups.setdefault(key, (f, []))[1]
        if f.tier and f.tier not in tiers:
            tiers.append(f.tier)
    return list(groups.values())


def _counts(merged: Sequence[tuple[Finding, list[str]]]) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0, "suppressed": 0}
    for f, _ in merged:
        counts["suppressed" if f.suppressed else f.severity] += 1
    return counts


def _text(merged: Sequence[tuple[Finding, list[str]]], summary: LintSummary | None) -> str:
    """Grouped by file and template; a finding repeated for several tiers is one line
    naming the tiers."""
    lines: list[str] = []
    groups: dict[tuple[str, str], list[tuple[Finding, list[str]]]] = {}
    for f, tiers in merged:
        owner = f"template {f.template}" if f.template else ""
        owner = owner or (f"resource {f.resource}" if f.resource else "")
        groups.setdefault((f.file, owner), []).append((f, tiers))
    for (file, owner), rows in sorted(groups.items()):
        shown = _relative(file)
        lines.append(f"{shown} ({owner})" if owner else shown)
        for f, tiers in sorted(rows, key=lambda row: (row[0].line or 0, row[0].rule)):
            where = f":{f.line}" if f.line else "-"
            tier = f" [{', '.join(tiers)}]" if tiers else ""
            state = f" (suppressed: {f.suppressed})" if f.suppressed else ""
            lines.append(f"  {where} {f.severity} {f.rule}{tier} {f.path}: {f.message}{state}")
    c = _counts(merged)
    lines.append(
        f"{c['error']} errors, {c['warning']} warnings, {c['info']} info, "
        f"{c['suppressed']} suppressed"
    )
    if summary is not None:
        lines.append("")
        lines += [text for _, text in summary.notes()]
    return "\n".join(lines)


def _relative(file: str) -> str:
    """A file below the working directory as a relative path (text report only)."""
    try:
        return str(Path(file).resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return file


def _sarif(
    merged: Sequence[tuple[Finding, list[str]]],
    rules: list[tuple[str, str, str]],
    summary: LintSummary | None,
) -> dict[str, Any]:
    level = {"error": "error", "warning": "warning", "info": "note"}
    results = []
    for f, tiers in merged:
        location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": f.file}}}
        if f.line:
            location["physicalLocation"]["region"] = {"startLine": f.line}
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": level[f.severity],
            "message": {"text": f.message},
            "locations": [location],
            "properties": {
                "jsonPath": f.path,
                "tier": f.tier,
                "tiers": tiers,
                "template": f.template,
            },
        }
        if f.resource:
            result["properties"]["resource"] = f.resource
            location["logicalLocations"] = [{"fullyQualifiedName": f.resource}]
        if f.suppressed:
            result["suppressions"] = [{"kind": "external", "justification": f.suppressed}]
        results.append(result)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "policy-engine",
                "informationUri": "https://example.invalid/policy-engine",
                "rules": [
                    {
                        "id": rid,
                        "shortDescription": {"text": summary_text},
                        "defaultConfiguration": {"level": level[sev]},
                    }
                    for rid, sev, summary_text in rules
                ],
            }
        },
        "results": results,
    }
    if summary is not None:
        run["properties"] = {"summary": summary.to_json()}
        run["invocations"] = [
            {
                "executionSuccessful": True,
                "toolExecutionNotifications": [
                    {"level": note_level, "message": {"text": text.strip()}}
                    for note_level, text in summary.notes()
                ],
            }
        ]
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    }
