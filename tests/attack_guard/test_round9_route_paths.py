"""Round 9: a route path with dot segments matched the tenant's wildcard routes.

The attack: the tier's route policy grants wildcard routes under the tenant's own
segment (``.../GET/tenants/acme/orders/*``; premium: ``.../GET/tenants/acme/*``), and
in an ARN ``*`` also matches ``/`` and ``..``. A request path such as
``/tenants/acme/orders/../../globex/orders`` (or its percent-encoded spellings) is
under acme's prefix as a string but names globex's orders once a path is normalised,
which an HTTP integration, a proxy or a framework behind a greedy route does. The
authorizer decided it as acme's own route: ``isAuthorized: true`` for HTTP APIs, and
for REST a policy that allows that method ARN (API Gateway matches it against the
same wildcard). The route policy, the layer the isolation proof checks for the API,
let acme's token reach a path of globex.

Why: the decision read the route as a string, not as the path it stands for. Fixed at
the root: a route whose path has a dot segment (``.``, ``..``), an empty segment, a
backslash or a percent-encoded ``.``, ``/``, ``\\`` or ``%`` is no route of any tenant:
HTTP APIs get ``isAuthorized: false``, logged as ``route_denied``; REST policies
(which API Gateway caches per token and applies to the token's later requests) deny
every such method ARN, whatever route was asked first.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("jwt")

from authorizer.jwt_helpers import NOW, Keys, make_signer

from policy_engine.authorizer import make_authorizer
from policy_engine.catalog import default_catalog
from policy_engine.evaluate import Evaluator, Request, compile_policy
from policy_engine.parse import parse_policy

CATALOG = default_catalog()
API = "arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod"

ODD = [
    "GET/tenants/acme/orders/../../globex/orders",
    "GET/tenants/acme/orders/..%2F..%2Fglobex%2Forders",
    "GET/tenants/acme/orders/%2e%2e/%2e%2e/globex/orders",
    "GET/tenants/acme/orders/./x",
    "GET/tenants/acme/orders//x",
    "GET/tenants/acme/orders/..\\..\\globex\\orders",
]


def handler_and_token(tier: str = "basic") -> tuple[Any, str]:
    keys = Keys()
    sign = make_signer(keys, CATALOG)
    handler = make_authorizer(CATALOG, jwks=keys.jwks(), api_keys={}, clock=lambda: NOW)
    return handler, sign(changes={"custom:tenantId": "acme", "custom:tier": tier})


def rest(handler: Any, token: str, route: str, asked: str | None = None) -> bool:
    """Whether the REST answer's policy allows ``route`` (as API Gateway decides it):
    the answer to a request for ``asked`` (default: ``route`` itself), since API Gateway
    caches the answer to a token's first request and applies it to its later ones."""
    arn = f"{API}/{route}"
    event = {
        "type": "TOKEN",
        "authorizationToken": f"Bearer {token}",
        "methodArn": f"{API}/{asked or route}",
    }
    policy = compile_policy(parse_policy(handler(event)["policyDocument"]), name="answer")
    return Evaluator((policy,)).evaluate(Request("execute-api:Invoke", arn, {})).allowed


def http(handler: Any, token: str, route: str) -> bool:
    answer = handler(
        {
            "version": "2.0",
            "type": "REQUEST",
            "routeArn": f"{API}/{route}",
            "identitySource": [f"Bearer {token}"],
            "headers": {"authorization": f"Bearer {token}"},
            "routeKey": "GET /tenants/{tenant}/{proxy+}",
        }
    )
    return bool(answer["isAuthorized"])


@pytest.mark.parametrize("route", ODD)
@pytest.mark.parametrize("tier", ["basic", "premium"])
def test_a_route_with_dot_segments_is_not_the_tenants_route(route: str, tier: str) -> None:
    handler, token = handler_and_token(tier)
    assert http(handler, token, route) is False
    assert rest(handler, token, route) is False
    # the policy cached from an ordinary first request does not allow it either
    assert rest(handler, token, route, asked="GET/tenants/acme/orders") is False


def test_twin_the_tenants_routes_are_allowed_and_the_policy_is_unchanged() -> None:
    handler, token = handler_and_token("premium")
    routes = (
        "GET/tenants/acme/orders",
        "GET/tenants/acme/orders/o-1",
        "PUT/tenants/acme/x",
        "GET/tenants/acme/documents/a.b..c/report.v2.pdf",  # dots inside segments
        "GET/products",
    )
    for route in routes:
        assert http(handler, token, route) is True
        assert rest(handler, token, route) is True
        assert rest(handler, token, route, asked="GET/products") is True
    for route in ("GET/tenants/globex/orders", "GET/tenants/acme-corp/orders"):
        assert http(handler, token, route) is False
        assert rest(handler, token, route) is False
