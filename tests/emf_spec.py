"""A checker of CloudWatch Embedded Metric Format documents, written from the
specification ("Specification: Embedded metric format"), independent of the code under
test: every document the runtime writes (built-in or through Powertools) goes
through it in the tests."""

from __future__ import annotations

import json
import math
from typing import Any

UNITS = {
    "Seconds", "Microseconds", "Milliseconds", "Bytes", "Kilobytes", "Megabytes", "Gigabytes",
    "Terabytes", "Bits", "Kilobits", "Megabits", "Gigabits", "Terabits", "Percent", "Count",
    "Bytes/Second", "Kilobytes/Second", "Megabytes/Second", "Gigabytes/Second",
    "Terabytes/Second", "Bits/Second", "Kilobits/Second", "Megabits/Second",
    "Gigabits/Second", "Terabits/Second", "Count/Second", "None",
}  # fmt: skip


def _name(value: Any, where: str) -> list[str]:
    if not isinstance(value, str) or not 1 <= len(value) <= 1024 or not value.strip():
        return [f"{where}: must be a string of 1-1024 characters, not blank ({value!r})"]
    return []


def emf_problems(document: Any) -> list[str]:
    """Every way ``document`` breaks the EMF specification (empty: it conforms)."""
    if not isinstance(document, dict):
        return ["the document is not a JSON object"]
    meta = document.get("_aws")
    if not isinstance(meta, dict):
        return ["`_aws` is missing or not an object"]
    out: list[str] = []
    stamp = meta.get("Timestamp")
    if isinstance(stamp, bool) or not isinstance(stamp, int) or stamp < 0:
        out.append("`_aws.Timestamp` must be a non-negative integer (ms since the epoch)")
    directives = meta.get("CloudWatchMetrics")
    if not isinstance(directives, list) or not directives:
        return [*out, "`_aws.CloudWatchMetrics` must be a non-empty array"]
    for i, d in enumerate(directives):
        where = f"CloudWatchMetrics[{i}]"
        if not isinstance(d, dict):
            out.append(f"{where} is not an object")
            continue
        out += _name(d.get("Namespace"), f"{where}.Namespace")
        dims = d.get("Dimensions")
        if not isinstance(dims, list):
            out.append(f"{where}.Dimensions must be an array of dimension sets")
            dims = []
        for j, dim_set in enumerate(dims):
            if not isinstance(dim_set, list) or len(dim_set) > 30:
                out.append(f"{where}.Dimensions[{j}] must be an array of at most 30 names")
                continue
            for name in dim_set:
                out += _name(name, f"{where}.Dimensions[{j}] name")
                if isinstance(name, str):
                    value = document.get(name)
                    if name not in document:
                        out.append(f"dimension `{name}` has no member in the document")
                    else:
                        out += _name(value, f"the value of dimension `{name}`")
        metrics = d.get("Metrics")
        if not isinstance(metrics, list) or len(metrics) > 100:
            out.append(f"{where}.Metrics must be an array of at most 100 definitions")
            continue
        for k, m in enumerate(metrics):
            mw = f"{where}.Metrics[{k}]"
            if not isinstance(m, dict):
                out.append(f"{mw} is not an object")
                continue
            out += _name(m.get("Name"), f"{mw}.Name")
            if "Unit" in m and m["Unit"] not in UNITS:
                out.append(f"{mw}.Unit `{m['Unit']}` is not a CloudWatch unit")
            if "StorageResolution" in m and m["StorageResolution"] not in (1, 60):
                out.append(f"{mw}.StorageResolution must be 1 or 60")
            name = m.get("Name")
            if not isinstance(name, str):
                continue
            if name not in document:
                out.append(f"metric `{name}` has no member in the document")
                continue
            value = document[name]
            values = value if isinstance(value, list) else [value]
            if len(values) > 100:
                out.append(f"metric `{name}` has more than 100 values")
            for v in values:
                if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                    out.append(f"metric `{name}` has a value that is not a finite number: {v!r}")
    return out


def emf_documents(text: str) -> list[dict[str, Any]]:
    """The EMF documents among the lines of ``text`` (other lines are ignored)."""
    docs = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{") and '"_aws"' in line:
            docs.append(json.loads(line))
    return docs


def assert_emf(document: Any) -> dict[str, Any]:
    problems = emf_problems(document)
    assert not problems, (problems, document)
    return dict(document)
