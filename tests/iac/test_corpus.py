"""The IaC corpus: each template or plan with the (rule, line) findings it must give,
through the CLI's own path (format detection, readers, every rule)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from policy_engine.cli import run

CORPUS = Path(__file__).parent / "corpus"

#: file -> every finding as (rule, line), infos included.
EXPECTED: dict[str, set[tuple[str, int | None]]] = {
    "cfn_pooled_bad.yaml": {
        ("PE111", None),  # pseudo parameters read as stand-ins
        ("PE100", 28),  # trust: Principal "*"
        ("PE080", 36),  # Query / Scan on the pooled table, no tenant
        ("PE080", 40),  # GetObject on bucket/<TenantPrefix>/*: an opaque part never scopes
        ("PE111", 43),  # ... and the reader says so at the Resource line
        ("PE010", 44),
        ("PE080", 44),
        ("PE080", 55),  # bucket policy: public read of every object
        ("PE130", 55),  # ... to any principal with no condition on who calls
        ("PE111", 22),  # the role's policies read with DocumentsBucketName's default
        ("PE111", 49),  # ... and the bucket policy's (a deploy may give another bucket)
    },
    "cfn_scoped_good.json": {("PE111", None)},
    "sam_app.yaml": {
        ("PE111", None),
        ("PE112", 13),  # AWSLambdaBasicExecutionRole: not in the template
        ("PE080", 15),  # DynamoDBCrudPolicy grants Scan on the whole table
        ("PE111", 15),  # the SimpleTable's generated name
        ("PE080", 28),  # S3ReadPolicy: the whole bucket
        ("PE110", 30),  # no such SAM policy template
    },
    "sam_globals.yaml": {
        ("PE111", None),
        ("PE100", 14),  # Globals' trust, Principal "*": the function that inherits it
        # ... and the one with its own trust: SAM concatenates the statement lists
        ("PE080", 57),  # EventInvokeConfig S3 destination: SAM grants s3:ListBucket on it
        ("PE111", 55),  # the queue SAM creates for OnFailure has a generated name
        ("PE110", 65),  # Policies beside Role: SAM ignores them (a warning)
    },
    "tf_plan.json": {
        ("PE011", 15),
        ("PE080", 15),
        ("PE113", 27),  # policy known only after apply
        ("PE080", 44),  # inline_policy: GetSecretValue on *
    },
}


def _lint(*argv: str) -> tuple[int, dict[str, object]]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["lint", "--format", "json", *argv], out, err)
    return code, json.loads(out.getvalue())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file_gives_its_rules_at_its_lines(name: str) -> None:
    _, doc = _lint(str(CORPUS / name))
    found = {(f["rule"], f["line"]) for f in doc["findings"]}  # type: ignore[attr-defined]
    assert found == EXPECTED[name]


def test_every_corpus_file_is_listed() -> None:
    assert {p.name for p in CORPUS.iterdir()} == set(EXPECTED)


def test_findings_name_their_resource_in_json_text_and_sarif() -> None:
    path = str(CORPUS / "cfn_pooled_bad.yaml")
    _, doc = _lint(path)
    admin = [f for f in doc["findings"] if f["rule"] == "PE010"]  # type: ignore[attr-defined]
    assert admin[0]["resource"] == "ServiceRole Policies[0] data"
    out = io.StringIO()
    assert run(["lint", "--format", "sarif", path], out, io.StringIO()) == 1
    results = json.loads(out.getvalue())["runs"][0]["results"]
    hit = next(r for r in results if r["ruleId"] == "PE010")
    location = hit["locations"][0]
    assert location["physicalLocation"]["region"]["startLine"] == 44
    assert location["logicalLocations"][0]["fullyQualifiedName"] == "ServiceRole Policies[0] data"
    text = io.StringIO()
    run(["lint", "-q", path], text, io.StringIO())
    assert "(resource ServiceRole Policies[0] data)" in text.getvalue()
    assert "  :44 error PE010 $.Statement[2]" in text.getvalue()


def test_parameter_resolves_an_opaque_part() -> None:
    path = str(CORPUS / "cfn_pooled_bad.yaml")
    _, doc = _lint(path, "--parameter", "TenantPrefix=${aws:PrincipalTag/TenantId}")
    found = {(f["rule"], f["line"]) for f in doc["findings"]}  # type: ignore[attr-defined]
    assert ("PE080", 40) not in found
    assert ("PE111", 43) not in found


def test_bad_parameter_is_a_usage_error() -> None:
    err = io.StringIO()
    assert (
        run(["lint", "--parameter", "oops", str(CORPUS / "sam_app.yaml")], io.StringIO(), err) == 2
    )
    assert "NAME=VALUE" in err.getvalue()
