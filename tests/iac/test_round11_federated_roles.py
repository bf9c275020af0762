"""Round 11: a role an identity provider's users take on, reading pooled data.

Catalogue ``catalogs/abac`` (tiers ``web`` and ``ops``, reports bucket pooled by key
prefix). Template: the clean deployment (both tier roles, the vendor) and one more role,
``app-auth``, whose trust policy is an identity pool's authenticated (or guest) role::

    {"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
     "Action": "sts:AssumeRoleWithWebIdentity",
     "Condition": {"StringEquals": {"cognito-identity.amazonaws.com:aud": "eu-west-1:..."},
                   "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr":
                                              "authenticated"}}}

(or an OIDC provider's, or a SAML provider's with ``sts:AssumeRoleWithSAML``), and an
inline policy reading every report (``saas-reports/*``).

Deployed effect: an identity pool gives its users (and, with guest access, anyone)
credentials of that role (Amazon Cognito Developer Guide, "IAM roles" and "Identity
pools": "temporary AWS credentials for users who are guests (unauthenticated) and for
users who have authenticated"); an OIDC / SAML provider's users call
``AssumeRoleWithWebIdentity`` / ``AssumeRoleWithSAML`` with no AWS credentials at all.
A tenant's user who signs in (or anyone, as a guest) reads every tenant's reports.

Why the lint must not pass it: the deployed proof reads another role's trust only for
whether a tenant's vended session may assume it, and read ``Federated`` statements as
granting no session (round 10, left open): every tier `proved`. Now a role (no tier's,
not the vendor's) that an identity provider's users take on and whose policies may
reach a resource of the model is PE091 for every tier: who holds the provider's tokens,
and with what session tags, is not in the catalogue. A role scoped by
``${aws:PrincipalTag/TenantId}`` is no better: the provider chooses the tags.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ._abac import ABAC, LAMBDA_TRUST, READ_ALL, clean, lint, role, statuses

COGNITO = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Federated": "cognito-identity.amazonaws.com"},
         "Action": "sts:AssumeRoleWithWebIdentity",
         "Condition": {
             "StringEquals": {"cognito-identity.amazonaws.com:aud": "eu-west-1:pool"},
             "ForAnyValue:StringLike": {"cognito-identity.amazonaws.com:amr": "authenticated"},
         }},
    ],
}  # fmt: skip
OIDC = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow",
         "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/idp.example.com"},
         "Action": "sts:AssumeRoleWithWebIdentity"},
    ],
}  # fmt: skip
SAML = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow",
         "Principal": {"Federated": "arn:aws:iam::111122223333:saml-provider/idp"},
         "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"]},
    ],
}  # fmt: skip
OTHER = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
                   "Resource": "arn:aws:s3:::app-assets/*"}],
}  # fmt: skip


def _template(trust: dict[str, Any], policy: dict[str, Any]) -> dict[str, Any]:
    template = clean()
    template["Resources"]["AppAuth"] = role("app-auth", trust, policy)
    return template


@pytest.mark.parametrize(
    ("trust", "policy", "expected"),
    [
        (COGNITO, READ_ALL, "unknown"),
        (OIDC, READ_ALL, "unknown"),
        (SAML, READ_ALL, "unknown"),
        (COGNITO, ABAC, "unknown"),  # the provider chooses the session tags
        # twins: a provider's role reading nothing of the model; a service's role
        (COGNITO, OTHER, "proved"),
        (SAML, OTHER, "proved"),
        (LAMBDA_TRUST, READ_ALL, "proved"),
    ],
)  # fmt: skip
def test_a_role_an_identity_provider_grants_reading_pooled_data(
    tmp_path: Path, trust: dict[str, Any], policy: dict[str, Any], expected: str
) -> None:
    doc = lint(tmp_path, _template(trust, policy))
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]
    if expected == "unknown":
        assert any(f["rule"] == "PE091" and "identity provider" in f["message"]
                   for f in doc["findings"])  # fmt: skip


def test_a_managed_policy_the_lint_cannot_see(tmp_path: Path) -> None:
    template = _template(COGNITO, OTHER)
    props = template["Resources"]["AppAuth"]["Properties"]
    props["ManagedPolicyArns"] = ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]
    assert statuses(lint(tmp_path, template)) == {"web": "unknown", "ops": "unknown"}


def test_a_policy_attached_by_name(tmp_path: Path) -> None:
    template = _template(COGNITO, OTHER)
    template["Resources"]["Read"] = {
        "Type": "AWS::IAM::Policy",
        "Properties": {"PolicyName": "read", "PolicyDocument": READ_ALL, "Roles": ["app-auth"]},
    }
    assert statuses(lint(tmp_path, template)) == {"web": "unknown", "ops": "unknown"}


def _plan(trust: dict[str, Any], policy: dict[str, Any]) -> dict[str, Any]:
    def change(kind: str, name: str, after: dict[str, Any]) -> dict[str, Any]:
        body = {"actions": ["create"], "before": None, "after": after, "after_unknown": {}}
        return {"address": f"{kind}.{name}", "mode": "managed", "type": kind, "name": name,
                "change": body}  # fmt: skip

    changes = []
    for name in ("saas-web", "saas-ops"):
        changes.append(change("aws_iam_role", name.split("-")[1], {
            "name": name, "path": "/",
            "assume_role_policy": json.dumps(clean()["Resources"]["WebRole"]["Properties"]
                                             ["AssumeRolePolicyDocument"]),
            "inline_policy": [{"name": "abac", "policy": json.dumps(ABAC)}]}))  # fmt: skip
    changes.append(
        change(
            "aws_iam_role",
            "auth",
            {"name": "app-auth", "path": "/", "assume_role_policy": json.dumps(trust)},
        )
    )
    changes.append(change("aws_iam_role_policy", "read", {
        "name": "read", "role": "app-auth", "policy": json.dumps(policy)}))  # fmt: skip
    return {"format_version": "1.2", "resource_changes": changes}


@pytest.mark.parametrize(("policy", "expected"), [(READ_ALL, "unknown"), (OTHER, "proved")])
def test_the_terraform_form(tmp_path: Path, policy: dict[str, Any], expected: str) -> None:
    doc = lint(tmp_path, _plan(OIDC, policy))
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]


def _invoke(resource: str) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "lambda:InvokeFunction", "Resource": resource}]}  # fmt: skip


FUNCTION = "arn:aws:lambda:eu-west-1:111122223333:function:"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        (_invoke("*"), "unknown"),
        (_invoke(FUNCTION + "vend"), "unknown"),
        (_invoke(FUNCTION + "vend:live"), "unknown"),
        (_invoke(FUNCTION + "thumbnails"), "proved"),
    ],
)  # fmt: skip
def test_a_provider_role_that_may_invoke_the_vendor(
    tmp_path: Path, policy: dict[str, Any], expected: str
) -> None:
    """The credential vendor's function (``vend``, running as ``saas-vendor``) trusts the
    event's ``requestContext.authorizer`` tenant; a principal of the account whose
    identity policy allows ``lambda:InvokeFunction`` on it needs no resource permission
    (Lambda Developer Guide, "Identity-based IAM policies for Lambda": identity-based
    policies "grant users in your account access to Lambda"; resource-based ones are for
    other accounts and services) and names any tenant. An identity provider's
    users so reach every tenant's data without touching the model's resources."""
    template = _template(COGNITO, policy)
    template["Resources"]["Vend"] = {
        "Type": "AWS::Lambda::Function",
        "Properties": {"FunctionName": "vend", "Runtime": "python3.12", "Handler": "a.h",
                       "Code": {"ZipFile": "x"},
                       "Role": {"Fn::GetAtt": ["VendorRole", "Arn"]}},
    }  # fmt: skip
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]


@pytest.mark.parametrize(("reader", "expected"), [(READ_ALL, "unknown"), (OTHER, "proved")])
def test_a_provider_role_that_may_invoke_a_function_reading_pooled_data(
    tmp_path: Path, reader: dict[str, Any], expected: str
) -> None:
    """Through a function: the provider's role may invoke ``report-reader`` (its
    identity policy suffices in the account), whose own role reads every report (or,
    the twin, another bucket) whatever the event says."""
    template = _template(COGNITO, _invoke(FUNCTION + "report-reader"))
    template["Resources"]["ReaderRole"] = role("report-reader-role", LAMBDA_TRUST, reader)
    template["Resources"]["Reader"] = {
        "Type": "AWS::Lambda::Function",
        "Properties": {"FunctionName": "report-reader", "Runtime": "python3.12",
                       "Handler": "a.h", "Code": {"ZipFile": "x"},
                       "Role": {"Fn::GetAtt": ["ReaderRole", "Arn"]}},
    }  # fmt: skip
    doc = lint(tmp_path, template)
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]
