"""Round 9: presigned URLs of regional services skipped the region check.

The attack: the guard refuses clients of DynamoDB, SQS, Secrets Manager and KMS in
another region than the session's (README: "Clients of DynamoDB, SQS, Secrets
Manager or KMS in another region than the session's" are refused before anything is
sent), because the guard decides ARNs of the session's region: a table or key of the
same name elsewhere is not the one decided. It read the client's region from the
request context botocore builds for a call, which a presigned URL's context does not
carry, so ``generate_presigned_url`` on a client of another region was signed with
the decision made for the session's region, and whoever holds the URL performs it
there.

Why: the region was taken from one place that only some requests fill in. Fixed at
the root: the region a request is signed for (``before-sign``, which every request and
every presigned URL passes) must be the session's for these services.
"""

from __future__ import annotations

from typing import Any

import pytest

from policy_engine.catalog import default_catalog
from policy_engine.vend import CredentialVendor

from ._fakes import OkSts, outcome

CATALOG = default_catalog()
KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"


def session() -> Any:
    v = CredentialVendor(CATALOG, sts_client=OkSts(), role_chaining=False, region="eu-west-1")
    return v.session_for("acme", "basic", guard=True)


PRESIGNS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "kms-encrypt": (
        "kms",
        "encrypt",
        {"KeyId": KEY, "Plaintext": b"x", "EncryptionContext": {"tenant_id": "acme"}},
    ),
    "dynamodb-get": (
        "dynamodb",
        "get_item",
        {"TableName": "saas-orders", "Key": {"tenant_id": {"S": "acme"}, "order_id": {"S": "1"}}},
    ),
    "secret-get": ("secretsmanager", "get_secret_value", {"SecretId": "saas/tenants/acme/db"}),
}


@pytest.mark.parametrize("name", sorted(PRESIGNS))
def test_a_presigned_url_for_another_region_is_refused(name: str) -> None:
    service, method, params = PRESIGNS[name]
    client = session().client(service, region_name="us-east-1")
    assert outcome(lambda: client.generate_presigned_url(method, Params=params)) == "denied"


@pytest.mark.parametrize("name", sorted(PRESIGNS))
def test_twin_a_presigned_url_in_the_sessions_region_is_signed(name: str) -> None:
    service, method, params = PRESIGNS[name]
    client = session().client(service, region_name="eu-west-1")
    assert outcome(lambda: client.generate_presigned_url(method, Params=params)) == "returned"


def test_twin_s3_presigned_urls_are_not_regional() -> None:
    client = session().client("s3", region_name="us-east-1")
    params = {"Bucket": "saas-documents-111122223333", "Key": "acme/x"}
    assert outcome(lambda: client.generate_presigned_url("get_object", Params=params)) == "returned"
