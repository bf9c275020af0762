"""Per-call overhead of the client-side guard, as the vendor installs it: the decision
alone (mapping the call, deciding it against the policies, checking it lies in the
tenant's partitions of the resource model), and a whole boto3 call of a guarded
session against the same call of an unguarded one (the decision, the request check
at signing, the signer's check), both answered in process before anything is sent."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

from bench._harness import Result, benchmark, interleaved_us, median_us

DOCS = "saas-documents-111122223333"
QUERY = {
    "TableName": "saas-orders",
    "KeyConditionExpression": "#t = :t AND order_id > :o",
    "ExpressionAttributeNames": {"#t": "tenant_id"},
    "ExpressionAttributeValues": {":t": {"S": "acme-corp"}, ":o": {"S": "2026"}},
}
GET = {"Bucket": DOCS, "Key": "acme-corp/reports/q3.pdf"}


@benchmark("guard")
def guard_bench() -> list[Result]:
    from policy_engine._partitions import TenantPartitions
    from policy_engine.catalog import default_catalog
    from policy_engine.guard import Guard, Scope
    from policy_engine.isolation import effective_evaluator

    catalog = default_catalog()
    guard = Guard(
        effective_evaluator(catalog, "basic", "acme-corp"),
        Scope("eu-west-1", "111122223333"),
        "acme-corp",
        "basic",
        "arn:aws:sts::111122223333:assumed-role/saas-tenant-basic/acme-corp",
        partitions=TenantPartitions(catalog, "acme-corp"),
    )
    guard.check("dynamodb", "Query", QUERY)
    guard.check("s3", "GetObject", GET)
    return [
        Result(
            "guard decision per call, DynamoDB Query",
            median_us(lambda: guard.check("dynamodb", "Query", QUERY), batch=1000),
            "us",
            "<= 20 us",
        ),
        Result(
            "guard decision per call, S3 GetObject",
            median_us(lambda: guard.check("s3", "GetObject", GET), batch=1000),
            "us",
            "<= 20 us",
        ),
        *_whole_calls(catalog),
    ]


class _Empty:
    def stream(self, **kwargs: Any) -> Iterator[bytes]:
        yield b""


def _canned(request: Any, **kwargs: Any) -> Any:
    """The response of every request, at ``before-send`` (after signing): nothing is
    sent, so a call costs botocore's work and the guard's."""
    from botocore.awsrequest import AWSResponse

    return AWSResponse(request.url, 200, {}, _Empty())


def _whole_calls(catalog: Any) -> list[Result]:
    """A guarded and an unguarded client, the same calls in turn; the figure is the
    difference (the guard's part of a call), beside the unguarded call alone. Signed
    by botocore's own SigV4 (no awscrt, as the Lambda runtime's boto3)."""
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    import boto3
    from botocore import compat

    from policy_engine.vend import CredentialVendor

    if compat.HAS_CRT:
        return [Result("guard overhead per whole call: skipped (run with BOTO_DISABLE_CRT)", 0, "")]
    vendor = CredentialVendor(catalog, sts_client=object())
    plain = boto3.Session(region_name="eu-west-1")
    guarded = boto3.Session(region_name="eu-west-1")
    vendor._install_guard(guarded, "acme-corp", "basic", "tenant_id")

    def client(session: Any, service: str) -> Any:
        made = session.client(service, region_name="eu-west-1")
        made.meta.events.register("before-send", _canned)
        return made

    def query(made: Any) -> Callable[[], object]:
        return lambda: made.query(**QUERY)

    def head(made: Any) -> Callable[[], object]:
        return lambda: made.head_object(**GET)

    runs: list[tuple[Callable[[], object], int]] = [
        (query(client(plain, "dynamodb")), 200),
        (query(client(guarded, "dynamodb")), 200),
        (head(client(plain, "s3")), 200),
        (head(client(guarded, "s3")), 200),
    ]
    for run, _ in runs:
        run()  # a refused call would raise here
    plain_q, guarded_q, plain_h, guarded_h = interleaved_us(runs, batches=15)
    return [
        Result(
            "guard overhead per whole call, DynamoDB Query (guarded - plain)",
            guarded_q - plain_q,
            "us",
            "",
            "the boto3 call alone (in process, nothing sent)",
            plain_q,
        ),
        Result(
            "guard overhead per whole call, S3 HeadObject (guarded - plain)",
            guarded_h - plain_h,
            "us",
            "",
            "the boto3 call alone (in process, nothing sent)",
            plain_h,
        ),
    ]
