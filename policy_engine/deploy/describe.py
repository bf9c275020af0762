"""``policy-engine describe``: the catalogue's tiers with their limits."""

from __future__ import annotations

from typing import Any

from ..catalog import Catalog, Tier


def tier_json(tier: Tier) -> dict[str, Any]:
    plan = tier.usage_plan
    usage: dict[str, Any] | None = None
    if plan is not None:
        usage = {
            "description": plan.description,
            "throttle": None
            if plan.throttle is None
            else {"rate": plan.throttle.rate, "burst": plan.throttle.burst},
            "methods": {k: {"rate": t.rate, "burst": t.burst} for k, t in plan.methods.items()},
            "quota": None
            if plan.quota is None
            else {
                "limit": plan.quota.limit,
                "period": plan.quota.period,
                "offset": plan.quota.offset,
            },
        }
    return {
        "name": tier.name,
        "description": tier.description,
        "role_arn": tier.role_arn,
        "session_duration_seconds": tier.duration_seconds,
        "reserved_concurrency": tier.reserved_concurrency,
        "usage_plan": usage,
        "api_key_env": tier.api_key_env,
        "resources": dict(tier.resources),
        "session_templates": list(tier.session_templates),
        "role_templates": list(tier.role_templates),
        "api_templates": list(tier.api_templates),
        "trust_template": tier.trust_template,
        "transitive_tag_keys": list(tier.transitive_tag_keys),
    }


def describe_json(catalog: Catalog, tiers: list[str] | None = None) -> dict[str, Any]:
    names = tiers or list(catalog.tiers)
    return {
        "catalog": catalog.name,
        "manifest": str(catalog.manifest),
        "tiers": {name: tier_json(catalog.tier(name)) for name in names},
    }


def describe_text(catalog: Catalog, tiers: list[str] | None = None) -> str:
    names = tiers or list(catalog.tiers)
    out = [f"catalogue {catalog.name} ({catalog.manifest})"]
    for name in names:
        tier = catalog.tier(name)
        out.append(f"tier {tier.name}: {tier.description}".rstrip(": "))
        out.append(f"  role: {tier.role_arn}")
        out.append(f"  session duration: {tier.duration_seconds} s")
        rc = tier.reserved_concurrency
        out.append(f"  reserved concurrency per function: {'not set' if rc is None else rc}")
        plan = tier.usage_plan
        if plan is None:
            out.append("  usage plan: none")
        else:
            throttle = (
                "no throttle"
                if plan.throttle is None
                else f"rate {plan.throttle.rate:g}/s, burst {plan.throttle.burst}"
            )
            quota = (
                "no quota"
                if plan.quota is None
                else f"quota {plan.quota.limit:,} per {plan.quota.period}"
                + (f" (offset {plan.quota.offset})" if plan.quota.offset else "")
            )
            out.append(f"  usage plan: {throttle}; {quota}")
            for key, t in plan.methods.items():
                out.append(f"    {key}: rate {t.rate:g}/s, burst {t.burst}")
        if tier.api_key_env:
            out.append(f"  API key: ${tier.api_key_env} (or _SECRET_ARN / _PARAMETER)")
        placements = ", ".join(f"{r} {how}" for r, how in tier.resources.items())
        out.append(f"  resources: {placements}")
    return "\n".join(out)


__all__ = ["describe_json", "describe_text", "tier_json"]
