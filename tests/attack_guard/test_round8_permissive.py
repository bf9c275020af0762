"""Round 8: permissive mode sent unmapped operations into the tenants' partitions.

The attack: ``guard_session(..., catalog=catalog, strict=False)`` promises that the
tenant's partitions of the resource model hold "whatever the policies say", in strict
*and* permissive mode. But an operation the guard has no mapping for was let through
in permissive mode before any partition check: it has no resource the check could
place. The operations left unmapped on the pooled resources are exactly the ones that
reach every tenant's partition of them by other means: PartiQL on the pooled table
(``ExecuteStatement``, ``BatchExecuteStatement``, ``ExecuteTransaction`` with a
``WHERE tenant_id = 'globex'``), S3 object ACLs and attributes, ``BatchGetSecretValue``.
Under the very mistake the partition check exists for (a session template widened by
mistake: a dropped ``LeadingKeys`` condition, ``{{ tenant }}*``), a request body that
reaches such a call reads or writes another tenant's data, and the guard sends it.

Why: permissive mode was decided per operation ("is it mapped?"), not per resource
("can it reach a partitioned resource?"). Fixed at the root: with the catalogue, an
unmapped operation of a service whose resources the model partitions by tenant is
refused in every mode (the service as botocore, IAM and the ARNs name it:
``apigatewaymanagementapi`` signs as ``execute-api``); permissive mode still lets
through unmapped operations of the services the model does not partition.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from policy_engine.catalog import default_catalog
from policy_engine.guard import guard_session
from policy_engine.isolation import effective_evaluator

from ._fakes import ACCOUNT, DEAD_ENDPOINT, DOCS, dead_client, outcome

CATALOG = default_catalog()


def permissive(with_catalog: bool = True) -> Any:
    session = boto3.Session(
        region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    guard_session(
        session,
        effective_evaluator(CATALOG, "basic", "acme"),
        tenant="acme",
        tier="basic",
        account=ACCOUNT,
        region="eu-west-1",
        strict=False,
        catalog=CATALOG if with_catalog else None,
    )
    return session


CROSS_TENANT: dict[str, tuple[str, str, dict[str, Any]]] = {
    "partiql-select": (
        "dynamodb",
        "execute_statement",
        {"Statement": "SELECT * FROM \"saas-orders\" WHERE tenant_id = 'globex'"},
    ),
    "partiql-batch-update": (
        "dynamodb",
        "batch_execute_statement",
        {
            "Statements": [
                {"Statement": "UPDATE \"saas-orders\" SET paid = true WHERE tenant_id = 'globex'"}
            ]
        },
    ),
    "partiql-transaction": (
        "dynamodb",
        "execute_transaction",
        {
            "TransactStatements": [
                {
                    "Statement": 'DELETE FROM "saas-orders" '
                    "WHERE tenant_id = 'globex' AND order_id = '1'"
                }
            ]
        },
    ),
    "s3-object-attributes": (
        "s3",
        "get_object_attributes",
        {"Bucket": DOCS, "Key": "globex/contract.pdf", "ObjectAttributes": ["ObjectSize"]},
    ),
    "s3-object-acl-write": (
        "s3",
        "put_object_acl",
        {"Bucket": DOCS, "Key": "globex/contract.pdf", "ACL": "public-read"},
    ),
    "secrets-batch-read": (
        "secretsmanager",
        "batch_get_secret_value",
        {"SecretIdList": ["saas/tenants/globex/db"]},
    ),
    "kms-data-key-pair": (
        "kms",
        "generate_data_key_pair",
        {
            "KeyId": "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "KeyPairSpec": "RSA_2048",
            "EncryptionContext": {"tenant_id": "globex"},
        },
    ),
}


@pytest.mark.parametrize("case", sorted(CROSS_TENANT))
def test_unmapped_operation_on_a_partitioned_service_is_refused_in_permissive_mode(
    case: str,
) -> None:
    service, method, params = CROSS_TENANT[case]
    client = dead_client(permissive(), service)
    assert outcome(lambda: getattr(client, method)(**params)) == "denied"


def test_variant_a_service_whose_botocore_name_is_not_its_iam_name() -> None:
    """API Gateway's management API is ``apigatewaymanagementapi`` to botocore and
    ``execute-api`` to IAM, whose resources the model partitions (the routes)."""
    client = dead_client(permissive(), "apigatewaymanagementapi")
    assert outcome(lambda: client.get_connection(ConnectionId="globex-conn")) == "denied"


def test_twin_permissive_mode_still_sends_what_the_model_does_not_partition() -> None:
    session = permissive()
    sns = dead_client(session, "sns")  # no SNS resource in the model
    assert outcome(lambda: sns.list_topics()) == "sent"
    s3 = dead_client(session, "s3")  # mapped own-tenant calls go through as before
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="acme/contract.pdf")) == "sent"
    assert outcome(lambda: s3.get_object(Bucket=DOCS, Key="globex/contract.pdf")) == "denied"


def test_twin_without_the_catalogue_permissive_mode_is_unchanged() -> None:
    """No resource model, no partitions to keep: unmapped operations are let through
    with a warning, as documented."""
    client = dead_client(permissive(with_catalog=False), "dynamodb")
    statement = "SELECT * FROM \"saas-orders\" WHERE tenant_id = 'acme'"
    assert outcome(lambda: client.execute_statement(Statement=statement)) == "sent"


def test_strict_mode_names_the_reason() -> None:
    session = boto3.Session(
        region_name="eu-west-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    guard_session(
        session,
        effective_evaluator(CATALOG, "basic", "acme"),
        tenant="acme",
        tier="basic",
        account=ACCOUNT,
        region="eu-west-1",
        catalog=CATALOG,
        endpoint_url=DEAD_ENDPOINT,
    )
    client = dead_client(session, "dynamodb")
    with pytest.raises(Exception, match="not mapped to IAM requests") as info:
        client.execute_statement(Statement='SELECT * FROM "saas-orders"')
    assert "partitions `dynamodb` resources" in str(info.value)
