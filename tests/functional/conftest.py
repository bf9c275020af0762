"""A real STS for the tests: a moto server on 127.0.0.1 at a free port."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from trust_helpers import vending_trust

ACCOUNT_ROLES = ("saas-tenant-basic", "saas-tenant-standard", "saas-tenant-premium")
TRUST = vending_trust("arn:aws:iam::123456789012:root")


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="session")
def aws_kwargs(moto_url: str) -> dict[str, Any]:
    return {
        "endpoint_url": moto_url,
        "region_name": "eu-west-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }


@pytest.fixture(scope="session")
def roles(aws_kwargs: dict[str, Any]) -> list[str]:
    import boto3

    iam = boto3.client("iam", **aws_kwargs)
    arns = []
    for name in ACCOUNT_ROLES:
        arns.append(
            iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST))["Role"][
                "Arn"
            ]
        )
    return arns


@pytest.fixture
def sts(aws_kwargs: dict[str, Any], roles: list[str]) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "sts", config=Config(retries={"mode": "standard", "total_max_attempts": 4}), **aws_kwargs
    )


@pytest.fixture(scope="session")
def catalogue_account(aws_kwargs: dict[str, Any], roles: list[str]) -> dict[str, Any]:
    """Client arguments for account 111122223333, where the catalogue's resources live
    (moto keeps one state per account)."""
    import boto3

    creds = boto3.client("sts", **aws_kwargs).assume_role(
        RoleArn="arn:aws:iam::111122223333:role/setup", RoleSessionName="setup"
    )["Credentials"]
    return {
        "endpoint_url": aws_kwargs["endpoint_url"],
        "region_name": "eu-west-1",
        "aws_access_key_id": creds["AccessKeyId"],
        "aws_secret_access_key": creds["SecretAccessKey"],
        "aws_session_token": creds["SessionToken"],
    }


@pytest.fixture(scope="session")
def orders_table(catalogue_account: dict[str, Any]) -> Any:
    """The pooled `saas-orders` table (partition key `tenant_id`, sort key `order_id`)."""
    import boto3

    dynamodb = boto3.resource("dynamodb", **catalogue_account)
    return dynamodb.create_table(
        TableName="saas-orders",
        KeySchema=[
            {"AttributeName": "tenant_id", "KeyType": "HASH"},
            {"AttributeName": "order_id", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "tenant_id", "AttributeType": "S"},
            {"AttributeName": "order_id", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
    )
