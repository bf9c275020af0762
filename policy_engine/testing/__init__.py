"""Hypothesis strategies for tenant-isolation tests (public; needs ``hypothesis``).

>>> from policy_engine.testing import tenant_ids
>>> from policy_engine import load_catalog
>>> strategy = tenant_ids(catalog=load_catalog())
"""

from ._isolation import IsolationCounterexample, TenantIsolationError, assert_tenant_isolation
from ._strategies import (
    adversarial_tenant_ids,
    cross_tenant_requests,
    cross_tenant_sweeps,
    keyless_requests,
    requests_on,
    tenant_ids,
    tenant_pairs,
    tiers,
)

__all__ = [
    "IsolationCounterexample",
    "TenantIsolationError",
    "adversarial_tenant_ids",
    "assert_tenant_isolation",
    "cross_tenant_requests",
    "cross_tenant_sweeps",
    "keyless_requests",
    "requests_on",
    "tenant_ids",
    "tenant_pairs",
    "tiers",
]
