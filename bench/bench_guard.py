"""Per-call overhead of the client-side guard (mapping the call, deciding it against
the policies, checking it lies in the tenant's partitions of the resource model), as
the vendor installs it."""

from __future__ import annotations

from bench._harness import Result, benchmark, median_us


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
    query = {
        "TableName": "saas-orders",
        "KeyConditionExpression": "#t = :t AND order_id > :o",
        "ExpressionAttributeNames": {"#t": "tenant_id"},
        "ExpressionAttributeValues": {":t": {"S": "acme-corp"}, ":o": {"S": "2026"}},
    }
    get = {"Bucket": "saas-documents-111122223333", "Key": "acme-corp/reports/q3.pdf"}
    guard.check("dynamodb", "Query", query)
    guard.check("s3", "GetObject", get)
    return [
        Result(
            "guard overhead, DynamoDB Query",
            median_us(lambda: guard.check("dynamodb", "Query", query), batch=1000),
            "us",
            "<= 20 us",
        ),
        Result(
            "guard overhead, S3 GetObject",
            median_us(lambda: guard.check("s3", "GetObject", get), batch=1000),
            "us",
            "<= 20 us",
        ),
    ]
