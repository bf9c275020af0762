"""For any valid tenant and tier: the response policy allows exactly that tier's routes
for that tenant (none of another tenant's), and the context carries exactly that tenant.

The expected route table is written here by hand from the routes the example API
offers; the policy under test comes from the catalogue's template.
"""

from __future__ import annotations

import jwt
from hypothesis import given, settings
from hypothesis import strategies as st

from policy_engine.authorizer import Authorizer, make_authorizer
from policy_engine.catalog import default_catalog
from policy_engine.evaluate import Evaluator, Request, compile_policy
from policy_engine.model import policy_from_obj
from policy_engine.testing import tenant_pairs, tiers

from .jwt_helpers import NOW, Keys, claims_for

CATALOG = default_catalog()
KEYS = Keys()
AUTH: Authorizer = make_authorizer(CATALOG, jwks=KEYS.jwks(), api_keys={}, clock=lambda: NOW)
API = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod"
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD")
PATHS = (
    "orders", "orders/o-1", "orders/o-1/items", "documents/d.pdf", "documents/a/b.txt",
    "reports", "reports/2026-q3", "settings", "",
)  # fmt: skip


def expected(tier: str, method: str, path: str) -> bool:
    """The example API's route table: which tier may call what under /tenants/<self>/."""
    basic = {
        ("GET", "orders"),
        ("POST", "orders"),
    }
    if (method, path) in basic:
        return True
    head, _, rest = path.partition("/")
    if method == "GET" and head == "orders" and rest:
        return True
    if method in ("GET", "PUT") and head == "documents" and rest:
        return True
    if tier == "basic":
        return False
    if method == "GET" and head == "reports":
        return True
    if tier == "standard":
        return False
    # premium: every method but HEAD on anything below the tenant
    return method in ("GET", "POST", "PUT", "PATCH", "DELETE") and path != ""


@settings(deadline=None)
@given(pair=tenant_pairs(CATALOG), tier=tiers(CATALOG), data=st.data())
def test_policy_allows_exactly_the_tiers_routes_of_the_tenant(
    pair: tuple[str, str], tier: str, data: st.DataObject
) -> None:
    tenant, other = pair
    claims = claims_for(CATALOG, {"custom:tenantId": tenant, "custom:tier": tier})
    token = jwt.encode(claims, KEYS.rsa, algorithm="RS256", headers={"kid": "rsa-1"})
    method = data.draw(st.sampled_from(METHODS))
    path = data.draw(st.sampled_from(PATHS))
    route = f"{API}/{method}/tenants/{tenant}/{path}".rstrip("/")
    response = AUTH({"type": "TOKEN", "authorizationToken": f"Bearer {token}", "methodArn": route})
    assert response["context"] == {"tenantId": tenant, "tier": tier}
    policy = compile_policy(policy_from_obj(response["policyDocument"]))
    evaluator = Evaluator((policy,))

    def allows(arn: str) -> bool:
        return evaluator.evaluate(Request("execute-api:Invoke", arn, {})).allowed

    assert allows(route) == expected(tier, method, path), route
    foreign = f"{API}/{method}/tenants/{other}/{path}".rstrip("/")
    assert not allows(foreign), foreign
    # a tenant ID that embeds the other's as a path segment is not reached either
    assert not allows(f"{API}/{method}/tenants/{other}/{tenant}/{path}".rstrip("/"))
    assert allows(f"{API}/GET/products")  # the shared route
