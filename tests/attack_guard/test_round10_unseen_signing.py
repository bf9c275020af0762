"""Round 10: botocore signs requests the guard never saw (database auth tokens).

The attack: ``rds.generate_db_auth_token(host, port, "globex_admin")`` on a client of
acme's guarded session returns a token signed with acme's credentials for
``rds-db:connect`` as any database user, and ``dsql.generate_db_connect_admin_auth_token``
an admin token for any cluster: botocore builds these requests itself and signs them
without ``before-parameter-build`` (no operation of the service model), so the guard
decided nothing. In strict mode, where every operation the guard cannot map is
refused (``describe_db_instances`` is), these were signed. With a catalogue that models
per-tenant database users (``rds-db`` partitioned by tenant, IAM database
authentication per tenant), they were signed in permissive mode too, where unmapped
operations of a partitioned service are refused.

Why: ``before-sign`` let through any request whose parameters the guard had not seen
(except SQS). Fixed at the root: a request that reaches signing undecided and unseen
is an unmapped operation: refused in strict mode, and in permissive mode when the
model partitions its service (by its botocore name or signing name); a request of a
service the guard maps is refused in both modes, as SQS already was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3

from policy_engine.catalog import Catalog, default_catalog, load_catalog
from policy_engine.guard import guard_session
from policy_engine.isolation import effective_evaluator

from ._fakes import ACCOUNT, DOCS, outcome

HOST = "db.cluster-x.eu-west-1.rds.amazonaws.com"
DSQL = "abcdefghijklmnopqrstuvwxyz.dsql.eu-west-1.on.aws"

TENANT_DB_USERS = """
[resources.tenant_db_users]
service = "rds-db"
description = "IAM database authentication: one database user per tenant"
arn = "arn:{partition}:rds-db:{region}:{account_id}:dbuser:cluster-ABCDEFGHIJKL/*"
partitions = [
  { arn = "arn:{partition}:rds-db:{region}:{account_id}:dbuser:cluster-ABCDEFGHIJKL/{tenant}" },
]
"""


def session(catalog: Catalog, *, strict: bool) -> Any:
    s = boto3.Session(region_name="eu-west-1", aws_access_key_id="AKIAX", aws_secret_access_key="x")
    guard_session(
        s,
        effective_evaluator(catalog, "basic", "acme"),
        tenant="acme",
        tier="basic",
        account=ACCOUNT,
        region="eu-west-1",
        strict=strict,
        catalog=catalog,
    )
    return s


def tokens(s: Any, user: str) -> dict[str, str]:
    rds, dsql = s.client("rds"), s.client("dsql")
    return {
        "rds": outcome(lambda: rds.generate_db_auth_token(HOST, 5432, user)),
        "dsql-admin": outcome(lambda: dsql.generate_db_connect_admin_auth_token(DSQL)),
        "dsql": outcome(lambda: dsql.generate_db_connect_auth_token(DSQL)),
    }


def test_strict_mode_signs_no_database_token_it_did_not_decide() -> None:
    s = session(default_catalog(), strict=True)
    assert outcome(lambda: s.client("rds").describe_db_instances()) == "denied"  # unmapped
    assert tokens(s, "globex_admin") == {"rds": "denied", "dsql-admin": "denied", "dsql": "denied"}


def test_permissive_mode_refuses_a_token_for_a_partitioned_service(
    catalogue_copy: Callable[[Callable[[str], str]], Path],
) -> None:
    catalog = load_catalog(catalogue_copy(lambda text: text + TENANT_DB_USERS))
    s = session(catalog, strict=False)
    assert tokens(s, "globex")["rds"] == "denied"
    assert tokens(s, "acme")["rds"] == "denied"  # the guard cannot place it: refused


def test_twin_permissive_mode_signs_tokens_of_services_the_model_does_not_partition() -> None:
    """Permissive mode keeps its promise for services outside the model (with a
    warning): the bundled catalogue models no database."""
    assert tokens(session(default_catalog(), strict=False), "app") == {
        "rds": "returned",
        "dsql-admin": "returned",
        "dsql": "returned",
    }


def test_twin_decided_calls_and_presigned_urls_are_signed_as_before() -> None:
    s = session(default_catalog(), strict=True)
    s3 = s.client("s3", region_name="eu-west-1")
    url = outcome(
        lambda: s3.generate_presigned_url("get_object", Params={"Bucket": DOCS, "Key": "acme/x"})
    )
    assert url == "returned"
    post = outcome(lambda: s3.generate_presigned_post(DOCS, "acme/${filename}"))
    assert post == "returned"
