"""Round 10: a policy of the templates that the lint cannot read as written.

Template (CloudFormation; the bundled catalogue's `basic` role, plus)::

    DocumentsPolicy:
      Type: AWS::S3::BucketPolicy
      Properties:
        Bucket: saas-documents-111122223333
        PolicyDocument:
          Statement:
            - Effect: allow            # lower case
              Principal: "*"
              Action: s3:GetObject
              Resource: arn:aws:s3:::saas-documents-111122223333/*

Deployed effect: not known. The IAM grammar has `Allow` and `Deny`; what a service
does with `allow` is not documented (it may refuse the policy, or read it as an
Allow: then anyone reads every tenant's documents).

Why the lint must not pass it: the schema check said PE001, but the deployed proof
read the statement anyway, as a Deny (the checker takes whatever is not `Allow` for
`Deny`), so every tier was `proved` beside the PE001. The same statement on a tier
role's own policy or trust policy stopped the whole lint (exit 2, no findings: the
proof's parser refused it), and on the credential vendor's trust policy (`allow` to
`"*"`) it was passed over (every tier proved). Now a policy the schema refuses is not
read by the proof as if it were valid: on a tier role it is PE091 (the tier's
isolation is unknown), a tier role's trust policy is read as admitting anyone (as one
the lint cannot read), the vendor's as admitting an unknown principal (PE091), a model
resource's as unknown (PE091); and the summary counts every PE001 error (and a
template that cannot be read at all, PE000) as `unknown`, never `proved`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.isolation import resource_documents

from ._lint_helpers import deployed_status, lint_json
from .test_deployment import _template, _with_bucket_policy

BUCKET = "saas-documents-111122223333"
READ_ALL = {"Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{BUCKET}/*"}
OPEN = {"Principal": "*", **READ_ALL}
ANYONE = {"Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}


def _rules(doc: dict[str, Any], tier: str | None = None) -> set[str]:
    return {
        f["rule"]
        for f in doc["findings"]
        if f["severity"] == "error" and (tier is None or tier in (f.get("tiers") or []))
    }


def _bucket(effect: str) -> dict[str, Any]:
    catalogue = list(resource_documents(load_catalog())["documents"]["Statement"])
    return _with_bucket_policy("basic", [*catalogue, {"Effect": effect, **OPEN}])


def _role_policy(effect: str) -> dict[str, Any]:
    return _template("basic", extra_statement={"Effect": effect, **READ_ALL})


def _role_trust(effect: str) -> dict[str, Any]:
    template = _template("basic")
    trust = template["Resources"]["TierRole"]["Properties"]["AssumeRolePolicyDocument"]
    trust["Statement"].append({"Effect": effect, **ANYONE})
    return template


def _vendor_trust(effect: str) -> dict[str, Any]:
    template = _template("basic")
    statements = [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"},
         "Action": "sts:AssumeRole"},
        {"Effect": effect, **ANYONE},
    ]  # fmt: skip
    template["Resources"]["Vendor"] = {
        "Type": "AWS::IAM::Role",
        "Properties": {
            "RoleName": "saas-orders-service",
            "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": statements},
        },
    }
    return template


CASES = {
    "model-bucket-policy": _bucket,
    "tier-role-policy": _role_policy,
    "tier-role-trust": _role_trust,
    "vendor-trust": _vendor_trust,
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("effect", ["allow", "ALLOW", "deny"])
def test_an_effect_the_schema_refuses_is_never_proved(
    tmp_path: Path, case: str, effect: str
) -> None:
    doc = lint_json(tmp_path, CASES[case](effect))
    assert "PE001" in _rules(doc)
    assert deployed_status(doc) in ("unknown", "violation")
    assert doc["summary"]["every_tier_proved"] is False
    if case in ("tier-role-policy", "vendor-trust"):  # named by the deployed proof
        assert "PE091" in _rules(doc, "basic") | _rules(doc), doc["findings"]
    if case == "tier-role-trust":  # read as admitting anyone, as a trust it cannot read
        (note,) = [f for f in doc["findings"] if f["rule"] == "PE101" and f["severity"] == "warning"
                   and "cannot read as written" in f["message"]]  # fmt: skip
        assert note["tiers"] == ["basic"]
    if case == "model-bucket-policy":
        assert any(
            f["rule"] == "PE091" and "cannot be read as written" in f["message"]
            for f in doc["findings"]
        )


def test_a_policy_the_schema_refuses_on_a_tier_role_is_named_with_its_line(
    tmp_path: Path,
) -> None:
    doc = lint_json(tmp_path, _role_policy("allow"))
    (unknown,) = [f for f in doc["findings"] if f["rule"] == "PE091"]
    assert "cannot be read as written" in unknown["message"]
    assert "Effect" in unknown["message"]
    assert unknown["line"] is not None


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_same_policies_written_right_still_prove(tmp_path: Path, case: str) -> None:
    doc = lint_json(tmp_path, CASES[case]("Deny"))
    assert "PE001" not in _rules(doc)
    assert deployed_status(doc) == "proved", doc["findings"]


def test_a_template_that_cannot_be_read_leaves_the_summary_unknown(tmp_path: Path) -> None:
    broken = tmp_path / "more.yaml"
    broken.write_text(
        "Resources:\n  Extra:\n    Type: AWS::IAM::Policy\n"
        "    Properties: {PolicyName: x, Roles: [saas-tenant-basic]\n",
        encoding="utf-8",
    )
    doc = _lint_two(tmp_path, broken)
    assert "PE000" in _rules(doc)
    assert deployed_status(doc) == "unknown"
    assert doc["summary"]["every_tier_proved"] is False


def test_a_second_template_that_reads_keeps_the_proof(tmp_path: Path) -> None:
    fine = tmp_path / "more.yaml"
    fine.write_text(
        "Resources:\n  Extra:\n    Type: AWS::SNS::Topic\n    Properties: {TopicName: x}\n",
        encoding="utf-8",
    )
    doc = _lint_two(tmp_path, fine)
    assert deployed_status(doc) == "proved", doc["findings"]


def _lint_two(tmp_path: Path, second: Path) -> dict[str, Any]:
    import io
    import json

    from policy_engine.cli import run

    first = tmp_path / "stack.json"
    first.write_text(json.dumps(_template("basic")), encoding="utf-8")
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(first)]
    run([*argv, str(second)], out, io.StringIO())
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


@pytest.mark.parametrize("kind", ["missing", "utf-16"])
def test_a_file_that_cannot_be_read_at_all_leaves_the_summary_unknown(
    tmp_path: Path, kind: str
) -> None:
    """A file of the run that cannot be read (missing, not UTF-8) may be a template:
    it was linted as a plain policy file (PE000) and the deployed summary, made of the
    templates read, said `proved`."""
    other = tmp_path / "more.yaml"
    if kind == "utf-16":
        other.write_bytes("Resources: {}\n".encode("utf-16"))
    doc = _lint_two(tmp_path, other)
    assert "PE000" in _rules(doc)
    assert deployed_status(doc) == "unknown"
