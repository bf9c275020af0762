"""Attack review 11b of the isolation proof (branch h11-blind).

01. A CloudFront origin access identity in its ARN form
    (``arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ID``) granted by a
    bucket policy was read as a known principal that is not the tier's session
    (``_search._KNOWN_AWS``) and dropped, so a policy letting the OAI read every
    tenant's objects proved, while the same identity written as ``CanonicalUser`` (and
    the OAC form, ``Service: cloudfront.amazonaws.com``) was ``unknown``. CloudFront
    reads with the OAI for every viewer of its distribution (CloudFront Developer
    Guide, "Restricting access to an Amazon S3 origin", legacy OAI bucket policy): any
    tenant fetches ``/globex/contract.pdf``. Such a grant is now ``unknown`` naming the
    statement; on a ``shared`` resource a read granted to it still proves.

02. A resource-policy Allow to everyone (``"Principal": "*"``) whose conditions on the
    caller's fixed principal keys the tier's sessions fail was dropped
    (``_Search._fixed_conditions_hold``) as no grant to them, while callers every
    tenant can be meet them: ``"Null": {"aws:PrincipalArn": "true"}`` holds for an
    anonymous (unsigned) request, ``StringNotEquals aws:PrincipalAccount`` for a
    principal of the tenant's own AWS account. S3 User Guide, "Principals": ``*``
    grants "everyone, also referred as anonymous access"; IAM User Guide, "AWS global
    condition context keys" (an anonymous request carries no principal ARN or
    account) and "Condition operators" (``Null`` true and negated operators hold on
    an absent key). Likewise a grant to ``*`` that reads the caller's principal tags
    (``docs/${aws:PrincipalTag/TenantId}/*``, a ``Tier`` condition): the search took the
    vended session's tags, while a principal of another account sets its own (session
    tags of its own AssumeRole; IAM User Guide, "Passing session tags in AWS STS" and
    "Cross-account policy evaluation logic"). Such a grant is now ``unknown`` naming
    the statement; one pinned to this account, another role or a partner account
    still proves.

Each leaky case has a sound twin the proof must still prove. 01's request passes
through CloudFront, and 02's are anonymous or from another account, which the project's
evaluator does not model (it takes no anonymous caller): the leaky tests show the tier
is never ``proved``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _attack_helpers import ACCT, DOCS, DOCS_OBJECTS, REGION, check, doc, said, stmt

from policy_engine.catalog import Partition, ResourceSpec, load_catalog
from policy_engine.isolation import check_catalog
from policy_engine.render import TENANT_MARKER as T

CASES = Path(__file__).resolve().parents[1] / "cases" / "attack11b"

# -- 01: a CloudFront origin access identity in its ARN form --------------------------------

OAI = "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL"
OWN_DOCS = doc(stmt("s3:GetObject", f"{DOCS}/{T}/*"))
ROLE_DOCS = doc(stmt("s3:GetObject", f"{DOCS}/*"))
PUBLIC = "arn:aws:s3:::public-assets"
ASSETS = ResourceSpec("assets", "s3", PUBLIC + "/*", (), shared=True)


def oai_grant(resource: str) -> dict[str, Any]:
    return doc(
        {
            "Sid": "CdnReads",
            "Effect": "Allow",
            "Principal": {"AWS": OAI},
            "Action": "s3:GetObject",
            "Resource": resource,
        }
    )


def test_01_an_origin_access_identity_reading_every_tenant_is_not_proved() -> None:
    result = check(
        OWN_DOCS,
        [DOCS_OBJECTS],
        roles=[ROLE_DOCS],
        resource_policies={"documents": oai_grant(f"{DOCS}/*")},
    )
    assert result.status == "unknown", said(result)
    assert any(
        u.statement is not None and u.statement.sid == "CdnReads" and "origin access" in u.construct
        for u in result.unknown
    ), said(result)


def test_01_twin_an_origin_access_identity_on_a_shared_bucket_is_proved() -> None:
    result = check(
        OWN_DOCS,
        [DOCS_OBJECTS, ASSETS],
        roles=[ROLE_DOCS],
        resource_policies={"assets": oai_grant(f"{PUBLIC}/*")},
    )
    assert result.status == "proved", said(result)


# -- 02: a grant to `*` that the sessions fail and outsiders meet ----------------------


def public_grant(condition: dict[str, Any], principal: Any = "*") -> dict[str, Any]:
    return doc(
        {
            "Sid": "Outsiders",
            "Effect": "Allow",
            "Principal": principal,
            "Action": "s3:GetObject",
            "Resource": f"{DOCS}/*",
            "Condition": condition,
        }
    )


LEAKY_02 = {
    "unsigned requests": {"Null": {"aws:PrincipalArn": "true"}},
    "no principal account": {"Null": {"aws:PrincipalAccount": "true"}},
    "other accounts": {"StringNotEquals": {"aws:PrincipalAccount": ACCT}},
    "any ARN but this account's": {"ArnNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCT}:*"}},
    "a partner account, if any": {"StringEqualsIfExists": {"aws:PrincipalAccount": "444455556666"}},
    # another account's principal sets its own `Tier` tag (session tags of its AssumeRole)
    "another tier's tag": {"StringEquals": {"aws:PrincipalTag/Tier": "premium"}},
    "a tier the catalogue lacks": {"StringEquals": {"aws:PrincipalTag/Tier": "ops"}},
}


@pytest.mark.parametrize("label", sorted(LEAKY_02))
def test_02_a_grant_to_everyone_the_sessions_do_not_meet_is_not_proved(label: str) -> None:
    for principal in ("*", {"AWS": "*"}):
        result = check(
            OWN_DOCS,
            [DOCS_OBJECTS],
            roles=[ROLE_DOCS],
            resource_policies={"documents": public_grant(LEAKY_02[label], principal)},
        )
        assert result.status == "unknown", (label, said(result))
        assert any(
            u.statement is not None and u.statement.sid == "Outsiders" and "`*`" in u.construct
            for u in result.unknown
        ), (label, said(result))


SOUND_02 = {
    "another role": {"StringEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCT}:role/auditor"}},
    "a partner account": {"StringEquals": {"aws:PrincipalAccount": "444455556666"}},
    "this account's sessions of another tier": {
        "StringEquals": {"aws:PrincipalTag/Tier": "premium", "aws:PrincipalAccount": ACCT}
    },
}


@pytest.mark.parametrize("label", sorted(SOUND_02))
def test_02_twin_a_grant_to_everyone_pinned_to_named_principals_is_proved(label: str) -> None:
    result = check(
        OWN_DOCS,
        [DOCS_OBJECTS],
        roles=[ROLE_DOCS],
        resource_policies={"documents": public_grant(SOUND_02[label])},
    )
    assert result.status == "proved", (label, said(result))


TAGGED_PREFIX = f"{DOCS}/${{aws:PrincipalTag/TenantId}}/*"


def tag_keyed(condition: dict[str, Any] | None) -> dict[str, Any]:
    grant: dict[str, Any] = {
        "Sid": "OwnPrefix",
        "Effect": "Allow",
        "Principal": "*",
        "Action": "s3:GetObject",
        "Resource": TAGGED_PREFIX,
    }
    if condition:
        grant["Condition"] = condition
    return doc(grant)


@pytest.mark.parametrize(
    "condition",
    [
        None,
        {"StringEquals": {"aws:PrincipalTag/Tier": "t"}},
        # a role of the tier role's name in any account: the tenant creates one
        {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/tenant-role"}},
        # an account pattern other accounts match
        {"StringLike": {"aws:PrincipalAccount": "1111*"}},
    ],
    ids=["unconditioned", "tier-tag", "role-name-any-account", "account-pattern"],
)
def test_02_variant_a_grant_to_everyone_keyed_on_the_callers_tags_is_not_proved(
    condition: dict[str, Any] | None,
) -> None:
    # Each vended session reaches its own prefix only, but a principal of another
    # account (the tenant's own) carries the `TenantId` tag it chooses: `globex`.
    result = check(
        OWN_DOCS,
        [DOCS_OBJECTS],
        roles=[ROLE_DOCS],
        resource_policies={"documents": tag_keyed(condition)},
    )
    assert result.status == "unknown", said(result)
    assert "principal tags, which that caller sets" in said(result)


@pytest.mark.parametrize(
    "condition",
    [
        {"StringEquals": {"aws:PrincipalAccount": ACCT}},
        {"ArnEquals": {"aws:PrincipalArn": f"arn:aws:iam::{ACCT}:role/tenant-role"}},
    ],
    ids=["this-account", "the-tier-role"],
)
def test_02_twin_a_tag_keyed_grant_pinned_to_the_account_is_proved(
    condition: dict[str, Any],
) -> None:
    result = check(
        OWN_DOCS,
        [DOCS_OBJECTS],
        roles=[ROLE_DOCS],
        resource_policies={"documents": tag_keyed(condition)},
    )
    assert result.status == "proved", said(result)


KEY = f"arn:aws:kms:{REGION}:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
POOLED_KEY = ResourceSpec(
    "kms",
    "kms",
    KEY,
    (Partition(condition_key="kms:EncryptionContext:tenant_id", value="{tenant}"),),
)


@pytest.mark.parametrize("pinned", [False, True], ids=["any-account", "kms-caller-account"])
def test_02_variant_a_key_policy_grant_to_everyone_keyed_on_tags(pinned: bool) -> None:
    # A key policy granting `{"AWS": "*"}` decrypt under the caller's own `TenantId`
    # context: a principal of another account decrypts any tenant's data keys (KMS
    # cross-account use needs the key policy and the caller's own policy) unless
    # `kms:CallerAccount` pins it to this account (KMS Developer Guide, "AWS KMS
    # condition keys": kms:CallerAccount).
    condition: dict[str, Any] = {
        "StringEquals": {"kms:EncryptionContext:tenant_id": "${aws:PrincipalTag/TenantId}"}
    }
    if pinned:
        condition["StringEquals"]["kms:CallerAccount"] = ACCT
    policy = doc(
        {
            "Sid": "TenantContext",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "kms:Decrypt",
            "Resource": KEY,
            "Condition": condition,
        }
    )
    own = {"StringEquals": {"kms:EncryptionContext:tenant_id": T}}
    result = check(
        doc(stmt("kms:Decrypt", KEY, own)),
        [POOLED_KEY],
        roles=[doc(stmt("kms:Decrypt", KEY))],
        resource_policies={"kms": policy},
    )
    assert result.status == ("proved" if pinned else "unknown"), said(result)


def test_02_twin_unsigned_reads_of_a_shared_bucket_are_proved() -> None:
    grant = doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": f"{PUBLIC}/*",
            "Condition": {"Null": {"aws:PrincipalArn": "true"}},
        }
    )
    result = check(
        OWN_DOCS, [DOCS_OBJECTS, ASSETS], roles=[ROLE_DOCS], resource_policies={"assets": grant}
    )
    assert result.status == "proved", said(result)


# -- the reproducers ----------------------------------------------------------------------

FOLDERS = sorted(str(p.parent.relative_to(CASES)) for p in CASES.rglob("catalog.toml"))


def test_the_reproducers_are_all_here() -> None:
    assert len(FOLDERS) >= 1
    tops = {f.split("/")[0] for f in FOLDERS}
    assert tops == {p.name for p in CASES.iterdir() if p.is_dir()}


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_reproducer_under_attack11b_is_proved(folder: str) -> None:
    results = check_catalog(load_catalog(CASES / folder))
    assert results, folder
    assert any(r.status != "proved" for r in results.values()), folder
