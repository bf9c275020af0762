"""Hypothesis strategies for tenant-isolation tests (public; needs ``hypothesis``).

>>> from policy_engine.testing import tenant_ids
>>> from policy_engine import load_catalog
>>> strategy = tenant_ids(catalog=load_catalog())
"""

from ._strategies import (
    adversarial_tenant_ids,
    cross_tenant_requests,
    keyless_requests,
    requests_on,
    tenant_ids,
    tenant_pairs,
    tiers,
)

__all__ = [
    "adversarial_tenant_ids",
    "cross_tenant_requests",
    "keyless_requests",
    "requests_on",
    "tenant_ids",
    "tenant_pairs",
    "tiers",
]
