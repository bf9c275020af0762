"""Orders service: every AWS call goes through the tenant's scoped session.

The tenant is the one the authorizer verified (``tenant.context.tenant_id``), never
one the request names: the request body is written by the caller, so a body that
names another tenant is refused, and the verified tenant is set on the item last.
"""

import json
from decimal import Decimal

from policy_engine.catalog import default_catalog
from policy_engine.lambda_ import tenant_handler
from policy_engine.vend import CredentialVendor

VENDOR = CredentialVendor(default_catalog())  # module scope: credentials are cached
TABLE = str(default_catalog().constants["orders_table"])
PARTITION_KEY = "tenant_id"


def _answer(status, body):
    return {"statusCode": status, "body": json.dumps(body, default=str)}


@tenant_handler(VENDOR)
def handler(event, context, tenant):
    tenant_id = tenant.context.tenant_id
    table = tenant.session.resource("dynamodb").Table(TABLE)
    if event.get("httpMethod") == "POST":
        try:
            order = json.loads(event.get("body") or "{}", parse_float=Decimal)  # DynamoDB numbers
        except ValueError:
            return _answer(400, {"message": "the body is not JSON"})
        if not isinstance(order, dict):
            return _answer(400, {"message": "the body is not a JSON object"})
        if order.get(PARTITION_KEY, tenant_id) != tenant_id:
            tenant.logger.warning("order refused: the body names another tenant")
            return _answer(403, {"message": f"`{PARTITION_KEY}` is not the caller's tenant"})
        item = {**order, PARTITION_KEY: tenant_id}  # the verified tenant, set last
        table.put_item(Item=item)
        tenant.logger.info("order created")
        return _answer(201, item)
    items = table.query(
        KeyConditionExpression=f"{PARTITION_KEY} = :t",
        ExpressionAttributeValues={":t": tenant_id},
    )["Items"]
    return _answer(200, items)
