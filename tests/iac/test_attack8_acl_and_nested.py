"""Round 8: access granted or deployed outside any policy document the lint reads.

1. An S3 ACL on the pooled documents bucket. CloudFormation::

       Docs:
         Type: AWS::S3::Bucket
         Properties:
           BucketName: saas-documents-111122223333
           AccessControl: AuthenticatedRead
           OwnershipControls: {Rules: [{ObjectOwnership: ObjectWriter}]}

   (Terraform: ``aws_s3_bucket_acl`` with ``acl = "authenticated-read"``, or an
   ``access_control_policy`` granting another canonical user.) Deployed effect: the
   ACL grants the AuthenticatedUsers group (any AWS account's principal) ``READ`` on
   the bucket, which lists every key of every tenant; ``public-read-write`` and
   ``log-delivery-write`` grant ``WRITE``, which writes over any tenant's objects (S3
   User Guide, "Access control list (ACL) overview": S3 checks a bucket's ACL beside
   its policies unless Object Ownership disables ACLs). Why the lint must not pass it:
   ACLs are no policy document, so the reader skipped them and `lint --catalog` said 0
   errors with the catalogue's bucket policy in place. Now any ACL that grants others
   is PE115 (warning) and, on a model bucket, PE091: the proof reads policies only.

2. A nested stack (``AWS::CloudFormation::Stack``, SAM's ``AWS::Serverless::Application``,
   a ``StackSet``), a macro ``Transform`` or ``Fn::Transform`` (``AWS::Include``).
   Deployed effect: whatever the other template holds (a bucket policy on the pooled
   bucket, a policy on a tier role) is deployed; none of it was read, and nothing said
   so. Now each is PE115, naming what was not read (the lint cannot know its content).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run
from policy_engine.isolation import resource_documents

from .test_deployment import _template

BUCKET = "saas-documents-111122223333"


def _lint(path: Path) -> tuple[int, list[dict[str, Any]]]:
    out = io.StringIO()
    argv = ["lint", "--format", "json", "--catalog", str(load_catalog().root), str(path)]
    code = run(argv, out, io.StringIO())
    return code, json.loads(out.getvalue())["findings"]


def _bucket(acl: str | None) -> dict[str, Any]:
    """The tier role, the pooled bucket with its catalogue policy, and an ACL."""
    template = _template("basic")
    props: dict[str, Any] = {"BucketName": BUCKET}
    if acl is not None:
        props["AccessControl"] = acl
        props["OwnershipControls"] = {"Rules": [{"ObjectOwnership": "ObjectWriter"}]}
    template["Resources"]["Docs"] = {"Type": "AWS::S3::Bucket", "Properties": props}
    template["Resources"]["DocsPolicy"] = {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": {"Ref": "Docs"},
            "PolicyDocument": dict(resource_documents(load_catalog())["documents"]),
        },
    }
    return template


@pytest.mark.parametrize("acl", ["AuthenticatedRead", "PublicRead", "LogDeliveryWrite"])
def test_an_acl_on_the_pooled_bucket_is_not_passed(tmp_path: Path, acl: str) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(_bucket(acl), indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    unknown = [f for f in findings if f["rule"] == "PE091"]
    assert unknown, findings
    assert f"`{acl}`" in unknown[0]["message"]
    assert "`documents`" in unknown[0]["message"]


def _plan(kind: str, after: dict[str, Any]) -> dict[str, Any]:
    change = {"actions": ["create"], "after": after, "after_unknown": {}}
    return {
        "format_version": "1.2",
        "resource_changes": [
            {"address": f"{kind}.x", "mode": "managed", "type": kind, "name": "x", "change": change}
        ],
    }


@pytest.mark.parametrize(
    "after",
    [
        {"bucket": BUCKET, "acl": "authenticated-read"},
        {
            "bucket": BUCKET,
            "access_control_policy": [
                {
                    "owner": [{"id": "owner-id"}],
                    "grant": [
                        {
                            "grantee": [{"type": "CanonicalUser", "id": "owner-id"}],
                            "permission": "FULL_CONTROL",
                        },
                        {
                            "grantee": [{"type": "CanonicalUser", "id": "another-account"}],
                            "permission": "READ",
                        },
                    ],
                }
            ],
        },
    ],
    ids=["canned", "grant"],
)
def test_a_terraform_acl_on_the_pooled_bucket_is_not_passed(
    tmp_path: Path, after: dict[str, Any]
) -> None:
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(_plan("aws_s3_bucket_acl", after), indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 1, findings
    assert any(f["rule"] == "PE091" and "`documents`" in f["message"] for f in findings)


@pytest.mark.parametrize(
    ("resource", "transform"),
    [
        ({"Type": "AWS::CloudFormation::Stack",
          "Properties": {"TemplateURL": "https://example.invalid/child.yaml"}}, None),
        ({"Type": "AWS::Serverless::Application",
          "Properties": {"Location": "https://example.invalid/app.yaml"}},
         "AWS::Serverless-2016-10-31"),
        ({"Type": "AWS::SQS::Queue"}, "MyOrgMacro"),
    ],
    ids=["nested-stack", "sam-application", "macro"],
)  # fmt: skip
def test_what_another_template_deploys_is_said(
    tmp_path: Path, resource: dict[str, Any], transform: str | None
) -> None:
    template = _template("basic")
    template["Resources"]["Child"] = resource
    if transform is not None:
        template["Transform"] = transform
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    _, findings = _lint(path)
    assert [f["rule"] for f in findings if f["severity"] != "info"] == ["PE115"], findings


def test_an_include_transform_is_said(tmp_path: Path) -> None:
    template = _template("basic")
    template["Resources"]["Fn::Transform"] = {
        "Name": "AWS::Include",
        "Parameters": {"Location": "s3://bucket/snippet.yaml"},
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    _, findings = _lint(path)
    found = [f for f in findings if f["rule"] == "PE115"]
    assert len(found) == 1, findings
    assert "AWS::Include" in found[0]["message"]


@pytest.mark.parametrize("acl", [None, "Private", "BucketOwnerFullControl"])
def test_twin_the_pooled_bucket_without_acl_grants_stays_clean(
    tmp_path: Path, acl: str | None
) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(_bucket(acl), indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 0, findings
    assert [f for f in findings if f["severity"] != "info"] == []
    plan = _plan("aws_s3_bucket_acl", {"bucket": BUCKET, "acl": "private"})
    path.write_text(json.dumps(plan), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 0, findings
    assert [f for f in findings if f["rule"] in ("PE115", "PE091")] == []


def test_twin_a_public_site_bucket_with_a_generated_name_is_only_said(tmp_path: Path) -> None:
    """A static website bucket with a public-read ACL and no BucketName: CloudFormation
    names it (never a model bucket), so the ACL is said (PE115) and is no error."""
    template = _template("basic")
    template["Resources"]["Site"] = {
        "Type": "AWS::S3::Bucket",
        "Properties": {"AccessControl": "PublicRead",
                       "WebsiteConfiguration": {"IndexDocument": "index.html"}},
    }  # fmt: skip
    path = tmp_path / "t.json"
    path.write_text(json.dumps(template, indent=2), encoding="utf-8")
    code, findings = _lint(path)
    assert code == 0, findings
    assert [f["rule"] for f in findings if f["severity"] != "info"] == ["PE115"]
