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

Each leaky case has a sound twin the proof must still prove. 01's request passes
through CloudFront, which the project's evaluator does not model: the leaky test shows
the tier is never ``proved``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _attack_helpers import DOCS, DOCS_OBJECTS, check, doc, said, stmt

from policy_engine.catalog import ResourceSpec, load_catalog
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
