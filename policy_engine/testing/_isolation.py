"""``assert_tenant_isolation``: the isolation property, run by Hypothesis."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..catalog import Catalog, load_catalog
from ..errors import PolicyEngineError
from ..evaluate import Decision, Evaluator, Request
from ..isolation import as_tenant, effective_evaluator, resource_documents
from ..isolation._confirm import scope_resource_policy
from ..model import policy_from_obj
from ..render import Renderer
from ..tenancy import session_name
from ._strategies import Shape, _check_catalog, _sweeps, shape_requests, tenant_pairs


class TenantIsolationError(PolicyEngineError, AssertionError):
    """A request of one tenant that reaches another tenant's data."""

    def __init__(self, counterexample: IsolationCounterexample, found_after: int = 0) -> None:
        self.counterexample = counterexample
        #: how many examples ran before the first failing one was found (before shrinking)
        self.found_after = found_after
        super().__init__(counterexample.describe())


@dataclass(frozen=True, slots=True)
class IsolationCounterexample:
    tier: str
    tenant_a: str
    tenant_b: str
    request: Request
    decision: Decision

    def describe(self) -> str:
        ctx = {k: v for k, v in self.request.context.items() if not k.startswith("aws:Principal")}
        statements = ", ".join(str(m) for m in self.decision.matched)
        return (
            f"tier `{self.tier}`: tenant `{self.tenant_a}` is allowed a request on tenant "
            f"`{self.tenant_b}`'s data (or on no tenant's partition):\n"
            f"  action:    {self.request.action}\n"
            f"  resource:  {self.request.resource}\n"
            f"  context:   {ctx}\n"
            f"  allowed by {statements}"
        )


class _Principals(dict[tuple[str, str], str]):
    """(tier, tenant) -> the ARN of the session vending gives the tenant in the tier:
    ``assumed-role/<tier role name>/<session name>`` in the role's partition and
    account."""

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.catalog = catalog

    def __missing__(self, key: tuple[str, str]) -> str:
        tier, tenant = key
        role_arn = self.catalog.tier(tier).role_arn
        head, _, path = role_arn.partition(":role/")
        _, partition, _, _, account = [*head.split(":"), "", "", "", "", ""][:5]
        name = path.rsplit("/", 1)[-1]
        arn = (
            f"arn:{partition}:sts::{account}:assumed-role/{name}/"
            f"{session_name(tenant, self.catalog.language)}"
        )
        if len(self) > 4096:
            self.clear()
        self[key] = arn
        return arn


def assert_tenant_isolation(
    catalog: Catalog | str | Path,
    tier: str | None = None,
    *,
    max_examples: int | None = None,
    shrink: bool = True,
) -> int:
    """Hunt, with Hypothesis, for a request one tenant may make on another tenant's data.

    For every tier (or ``tier``), tenants A != B are drawn from the catalogue's
    language and, in each example, one request of every shape of the resource model on
    B's partitions (and every key-less request on pooled resources; see
    :func:`cross_tenant_sweeps`) is decided against A's effective policy. The first
    allowed one, shrunk to a minimal example, raises :class:`TenantIsolationError` with
    a readable counterexample. Returns the number of examples tried. The active
    Hypothesis profile applies; ``max_examples`` overrides it; ``shrink=False`` reports
    the first failing example as found, without minimising it (faster when only "is it
    found?" matters).
    """
    if isinstance(catalog, str | Path):
        catalog = load_catalog(catalog)
    catalog = _check_catalog(catalog)
    if tier is not None and not isinstance(tier, str):
        raise InvalidArgument(f"tier must be a str or None, not {type(tier).__name__}")
    if tier is not None and tier not in catalog.tiers:
        raise InvalidArgument(
            f"unknown tier `{tier}`: the catalogue defines "
            + ", ".join(f"`{t}`" for t in sorted(catalog.tiers))
        )
    if max_examples is not None and (not isinstance(max_examples, int) or max_examples < 1):
        raise InvalidArgument(f"max_examples must be a positive int, not {max_examples!r}")
    renderer = Renderer(catalog)
    names = [tier] if tier is not None else sorted(catalog.tiers)
    pairs = tenant_pairs(catalog)
    principals = _Principals(catalog)
    api_policies = [
        (
            f"resource({res_name})",
            policy_from_obj(scope_resource_policy(doc, catalog.resources[res_name])),
        )
        for res_name, doc in resource_documents(catalog, renderer=renderer).items()
        if catalog.resources[res_name].service == "execute-api"
    ]
    tried = 0
    first_failure = 0
    failing: list[Shape] = []
    evaluators: dict[tuple[str, str, str], Evaluator] = {}

    def evaluator_for(kind: str, name: str, a: str) -> Evaluator:
        found = evaluators.get((kind, name, a))
        if found is None:
            if len(evaluators) > 256:
                evaluators.clear()
            if kind == "credentials":
                found = effective_evaluator(catalog, name, a, renderer=renderer)
            else:  # the route policy the tier's authorizer returns for tenant a, with
                # the API's resource policies: API Gateway allows a route the authorizer
                # is silent on when the API's resource policy allows it
                found = Evaluator.of(
                    identity=[("api", renderer.render_api(a, name))], resource=api_policies
                )
            evaluators[(kind, name, a)] = found
        return found

    def decide(name: str, a: str, b: str, shape: Shape, request: Request) -> None:
        nonlocal first_failure
        # The request as tenant a's vended session makes it: the tier role's session in
        # the catalogue's account, with the session tags.
        request = as_tenant(
            Request(
                request.action, request.resource, request.context, principal=principals[(name, a)]
            ),
            a,
            name,
        )
        decision = evaluator_for("credentials", name, a).evaluate(request)
        # API routes are reached through the authorizer's policy as well as through
        # credentials (IAM-authorised APIs): either allowing it is a leak.
        if (
            not decision.allowed
            and shape[1].service == "execute-api"
            and catalog.tier(name).api_templates
        ):
            decision = evaluator_for("api", name, a).evaluate(request)
        if decision.allowed:
            first_failure = first_failure or tried
            failing[:] = [shape]
            raise TenantIsolationError(
                IsolationCounterexample(name, a, b, request, decision), first_failure
            )

    # Each example sweeps every request shape; a failing sweep is reported unshrunk (a
    # list of requests shrinks slowly), then the failing shape alone is hunted again,
    # with shrinking, for a minimal counterexample.
    @given(name=st.sampled_from(names), pair=pairs, data=st.data())
    def sweep(name: str, pair: tuple[str, str], data: Any) -> None:
        nonlocal tried
        tried += 1
        a, b = pair
        for shape, request in data.draw(_sweeps(a, b, catalog), label="requests"):
            decide(name, a, b, shape, request)

    # the active profile's own suppressions are kept (a user's settings are respected)
    suppressed = [*settings().suppress_health_check]
    for check in (HealthCheck.too_slow, HealthCheck.function_scoped_fixture):
        if check not in suppressed:
            suppressed.append(check)
    overrides: dict[str, Any] = {"deadline": None, "suppress_health_check": suppressed}
    if max_examples is not None:
        overrides["max_examples"] = max_examples
    no_shrink = [Phase.explicit, Phase.reuse, Phase.generate]
    try:
        settings(**overrides, phases=no_shrink)(sweep)()
    except TenantIsolationError as found:
        if not shrink or not failing:
            raise
        shape = failing[0]
        cx = found.counterexample

        @given(pair=pairs, data=st.data())
        def one_shape(pair: tuple[str, str], data: Any) -> None:
            a, b = pair
            decide(cx.tier, a, b, shape, data.draw(shape_requests(shape, a, b, catalog)))

        try:
            settings(**overrides)(one_shape)()
        except TenantIsolationError as minimal:
            raise TenantIsolationError(minimal.counterexample, found.found_after) from None
        raise  # the shape alone was not found again: the sweep's own example stands
    return tried
