"""``policy-engine plan``: the account quotas a tiering model runs into.

Given tenants per tier and the number of service functions, each line says what the
catalogue's model needs, the default quota (with its source, from :mod:`.quotas`),
the headroom, and what to do when it runs out. Pure: reads the catalogue only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from ..catalog import Catalog
from ..errors import PolicyEngineError
from .quotas import Quota, quota

Status = Literal["ok", "near", "exceeded", "unknown"]
#: a need at or above this share of its quota is reported as `near`
NEAR = 0.8
#: role chaining (Lambda code assuming a tier role) caps sessions at one hour
CHAINED_MAX_SECONDS = 3600


class PlanError(PolicyEngineError, ValueError):
    """Bad plan input: a tier the catalogue does not define, a bad count."""


@dataclass(frozen=True, slots=True)
class PlanLine:
    quota: Quota
    need: float
    detail: str
    action: str
    limit: float | None = None  # the quota value compared with (default: quota.default)

    @property
    def against(self) -> float | None:
        if self.limit is not None:
            return self.limit
        return self.quota.default if self.quota.default > 0 else None

    @property
    def headroom(self) -> float | None:
        return None if self.against is None else self.against - self.need

    @property
    def status(self) -> Status:
        if self.against is None:
            return "unknown"
        if self.need > self.against:
            return "exceeded"
        return "near" if self.need >= NEAR * self.against else "ok"

    def to_json(self) -> dict[str, object]:
        return {
            "quota": self.quota.name,
            "key": self.quota.key,
            "need": _num(self.need),
            "default_quota": None if self.against is None else _num(self.against),
            "unit": self.quota.unit,
            "headroom": None if self.headroom is None else _num(self.headroom),
            "status": self.status,
            "detail": self.detail,
            "when_it_runs_out": self.action,
            "source": self.quota.source,
            "source_verified": self.quota.verified,
            "adjustable": self.quota.adjustable,
        }


@dataclass(frozen=True, slots=True)
class Plan:
    tenants: Mapping[str, int]
    functions: int
    lines: tuple[PlanLine, ...]

    @property
    def exceeded(self) -> bool:
        return any(line.status == "exceeded" for line in self.lines)

    def to_json(self) -> dict[str, object]:
        return {
            "tenants": dict(self.tenants),
            "functions": self.functions,
            "exceeded": self.exceeded,
            "lines": [line.to_json() for line in self.lines],
        }

    def to_text(self) -> str:
        out = [
            "account limits for "
            + ", ".join(f"{n:,} {t}" for t, n in self.tenants.items())
            + f" tenants, {self.functions} service functions"
        ]
        for line in self.lines:
            quota_text = "no published quota" if line.against is None else _fmt(line.against)
            head = "n/a" if line.headroom is None else _fmt(line.headroom)
            out.append(
                f"[{line.status}] {line.quota.name}: need {_fmt(line.need)} {line.quota.unit}, "
                f"default {quota_text}, headroom {head}"
            )
            out.append(f"    {line.detail}")
            out.append(f"    when it runs out: {line.action}")
            out.append(
                f"    source: {line.quota.source}"
                + ("" if line.quota.verified else " (not re-verified; see the quota table)")
            )
        return "\n".join(out)


def _num(value: float) -> float | int:
    return int(value) if float(value).is_integer() else round(value, 3)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def parse_tenants(text: str, catalog: Catalog) -> dict[str, int]:
    """``basic=5000,standard=800`` -> ``{"basic": 5000, "standard": 800}``."""
    tenants: dict[str, int] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, count = part.partition("=")
        name = name.strip()
        if not sep:
            raise PlanError(f"`{part}`: write TIER=COUNT, such as basic=5000")
        if name not in catalog.tiers:
            raise PlanError(
                f"`{name}` is not a tier of catalogue `{catalog.name}`; tiers: "
                + ", ".join(sorted(catalog.tiers))
            )
        if name in tenants:
            raise PlanError(f"tier `{name}` is given twice")
        try:
            value = int(count.strip())
        except ValueError:
            raise PlanError(f"`{part}`: the count must be a whole number") from None
        if value < 0:
            raise PlanError(f"`{part}`: the count must be 0 or more")
        tenants[name] = value
    if not tenants:
        raise PlanError("no tenants given: write TIER=COUNT pairs, such as basic=5000")
    return tenants


def longest_tenant(catalog: Catalog) -> str:
    """The longest probe tenant ID of the language (it makes the largest policy)."""
    from ..lint import _probe_tenants

    return max(_probe_tenants(catalog), key=len)


def build_plan(
    catalog: Catalog,
    tenants: Mapping[str, int],
    *,
    functions: int = 5,
    warm_containers: int | None = None,
) -> Plan:
    """The plan for ``tenants`` (tier -> count) and ``functions`` service functions.

    ``warm_containers`` is how many warm containers of each function hold a tenant's
    credentials at once (default: the tier's ``reserved_concurrency``, else 10).
    """
    from ..model import dumps
    from ..render import Renderer

    if functions < 1:
        raise PlanError("--functions must be at least 1")
    for name in tenants:
        catalog.tier(name)
    tiers = [catalog.tiers[name] for name in tenants]
    lines: list[PlanLine] = []
    total = sum(tenants.values())

    roles = len(catalog.tiers) + functions + 1
    lines.append(
        PlanLine(
            quota("iam.roles"),
            roles,
            f"{len(catalog.tiers)} tier roles + {functions} function execution roles + 1 "
            "authorizer role (a role per tenant would need "
            f"{total:,} instead of {len(catalog.tiers)})",
            "request an increase in Service Quotas (IAM); keep one role per tier and scope "
            "tenants with session policies instead of one role per tenant",
        )
    )
    with_plan = [t for t in catalog.tiers.values() if t.usage_plan is not None]
    lines.append(
        PlanLine(
            quota("apigw.api_keys"),
            len(with_plan),
            f"one API key per tier with a usage plan ({len(with_plan)}); a key per tenant "
            f"would need {total:,}",
            "this quota cannot be raised: keep keys per tier (the authorizer sets "
            "usageIdentifierKey), or split tenants across Regions or accounts",
        )
    )
    lines.append(
        PlanLine(
            quota("apigw.usage_plans"),
            len(with_plan),
            "one usage plan per tier with [tiers.X.usage_plan]",
            "request an increase; share plans between tiers with equal limits",
        )
    )
    lines.append(
        PlanLine(
            quota("apigw.usage_plans_per_key"),
            1 if with_plan else 0,
            "each tier key is in its own tier's plan only",
            "give a key fewer plans; one plan per key is what the export creates",
        )
    )
    rates = sum(
        t.usage_plan.throttle.rate
        for t in with_plan
        if t.usage_plan is not None and t.usage_plan.throttle is not None
    )
    bursts = sum(
        t.usage_plan.throttle.burst
        for t in with_plan
        if t.usage_plan is not None and t.usage_plan.throttle is not None
    )
    lines.append(
        PlanLine(
            quota("apigw.throttle_rps"),
            rates,
            "the tiers' usage-plan rates added up (all tier keys at their limit at once)",
            "request an increase for the Region, lower the tiers' rates, or move tiers to "
            "their own Region or account",
        )
    )
    lines.append(
        PlanLine(
            quota("apigw.throttle_burst"),
            bursts,
            "the tiers' usage-plan bursts added up",
            "lower the tiers' bursts; AWS sets the account burst from the RPS quota",
        )
    )
    reserved = {t.name: (t.reserved_concurrency or 0) * functions for t in catalog.tiers.values()}
    keep = quota("lambda.unreserved_minimum").default
    lines.append(
        PlanLine(
            quota("lambda.concurrency"),
            sum(reserved.values()) + keep,
            "reserved concurrency x functions per tier ("
            + ", ".join(f"{n} {v:,}" for n, v in reserved.items())
            + f") + the {keep:.0f} Lambda keeps unreserved",
            "request a concurrency increase (Service Quotas, Lambda), lower "
            "reserved_concurrency, or deploy tiers in separate accounts",
        )
    )
    lines.append(_resources_line(catalog, tenants, "dynamodb", quota("dynamodb.tables")))
    lines.append(_resources_line(catalog, tenants, "s3", quota("s3.buckets")))

    rate = 0.0
    parts = []
    for tier in tiers:
        warm = warm_containers or tier.reserved_concurrency or 10
        seconds = min(tier.duration_seconds, CHAINED_MAX_SECONDS)
        tier_rate = tenants[tier.name] * functions * warm / seconds
        rate += tier_rate
        parts.append(
            f"{tier.name}: {tenants[tier.name]:,} x {functions} x {warm} warm / {seconds} s "
            f"= {tier_rate:,.2f}/s"
        )
    lines.append(
        PlanLine(
            quota("sts.assume_role_rate"),
            rate,
            "tenants x functions x warm containers / session duration (capped at 1 h by role "
            "chaining): " + "; ".join(parts),
            "cache credentials for their whole duration (the vendor does), keep warm "
            "containers per tenant few (route a tenant to few containers), use longer "
            "sessions where chaining allows, and back off on Throttling",
        )
    )

    renderer = Renderer(catalog)
    longest = longest_tenant(catalog)
    limit = quota("sts.session_policy_chars")
    for tier in tiers:
        policy = len(dumps(renderer.render_tier(longest, tier.name), minify=True))
        tags = len("TenantId") + len(longest) + len("Tier") + len(tier.name)
        tags += sum(len(k) for k in tier.transitive_tag_keys)
        lines.append(
            PlanLine(
                limit,
                policy + tags,
                f"tier {tier.name}: minified session policy {policy:,} characters with the "
                f"longest tenant ID ({len(longest)} characters, `{longest}`) + "
                f"{tags} characters of session tags (packed together by STS; the packed "
                "limit is not published as characters, so this is an estimate)",
                "shorten the tier's session templates (fewer statements, wildcards on "
                "actions the role already limits), move statements to the role, or "
                "shorten the tenant-ID language's max_length",
            )
        )
    return Plan(tenants=dict(tenants), functions=functions, lines=tuple(lines))


def _resources_line(
    catalog: Catalog, tenants: Mapping[str, int], service: str, q: Quota
) -> PlanLine:
    pooled = {
        name
        for name, spec in catalog.resources.items()
        if spec.service == service
        and any(t.resources.get(name) == "pooled" for t in catalog.tiers.values())
    }
    silo = 0
    parts = []
    for tier_name, count in tenants.items():
        tier = catalog.tiers[tier_name]
        names = [
            n
            for n, how in tier.resources.items()
            if how == "silo" and catalog.resources[n].service == service
        ]
        if names:
            silo += count * len(names)
            parts.append(f"{tier_name}: {count:,} tenants x {len(names)} ({', '.join(names)})")
    what = "tables" if service == "dynamodb" else "buckets"
    detail = f"{len(pooled)} pooled {what}" + (
        " + silo " + what + " per tenant: " + "; ".join(parts) if parts else ", no silo " + what
    )
    action = (
        "request an increase (DynamoDB allows at most 10,000 tables per account), pool the "
        "silo tier's table with LeadingKeys, or place silo tenants in more accounts"
        if service == "dynamodb"
        else "request an increase, pool the silo tier's bucket with per-tenant prefixes, or "
        "place silo tenants in more accounts"
    )
    return PlanLine(q, len(pooled) + silo, detail, action)


def plan_json(plan: Plan) -> str:
    return json.dumps(plan.to_json(), indent=2)


__all__ = ["Plan", "PlanError", "PlanLine", "build_plan", "parse_tenants", "plan_json"]
