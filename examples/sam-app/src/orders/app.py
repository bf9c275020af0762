"""Orders service: every AWS call goes through the tenant's scoped session."""

import json

from policy_engine.catalog import default_catalog
from policy_engine.lambda_ import tenant_handler
from policy_engine.vend import CredentialVendor

VENDOR = CredentialVendor(default_catalog())  # module scope: credentials are cached
TABLE = str(default_catalog().constants["orders_table"])


@tenant_handler(VENDOR)
def handler(event, context, tenant):
    table = tenant.session.resource("dynamodb").Table(TABLE)
    if event.get("httpMethod") == "POST":
        order = json.loads(event.get("body") or "{}")
        table.put_item(Item={"tenant_id": tenant.context.tenant_id, **order})
        tenant.logger.info("order created")
        return {"statusCode": 201, "body": json.dumps(order)}
    items = table.query(
        KeyConditionExpression="tenant_id = :t",
        ExpressionAttributeValues={":t": tenant.context.tenant_id},
    )["Items"]
    return {"statusCode": 200, "body": json.dumps(items, default=str)}
