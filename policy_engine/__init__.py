"""policy-engine: tenant-isolating IAM policies for pooled serverless SaaS on AWS.

The public API. Heavy parts (Jinja2, JSON Schema, action data) load on first use, so
``import policy_engine`` stays cheap on a Lambda cold start.

>>> import policy_engine
>>> catalog = policy_engine.load_catalog()
>>> policy = policy_engine.Renderer(catalog).render_tier("acme-corp", "basic")
>>> policy.statements[0].sid
'OrdersOwnPartition'
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from .errors import (
    CatalogError,
    InvalidTenantId,
    PolicyEngineError,
    PolicyParseError,
    PolicySizeError,
    SchemaIssue,
    TemplateError,
    TenantOpacityError,
    UnknownTemplate,
    UnknownTier,
)

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .catalog import Catalog, Partition, ResourceSpec, TemplateSpec, Tier, load_catalog
    from .evaluate import (
        CompiledPolicy,
        Decision,
        Evaluator,
        Request,
        StatementRef,
        compile_policy,
        evaluate,
    )
    from .lambda_ import TenantScope, UnauthorizedError, tenant_handler, tenant_scope
    from .model import (
        Condition,
        Policy,
        Principal,
        Statement,
        dumps,
        policy_from_obj,
        policy_to_obj,
    )
    from .parse import parse_policy
    from .render import TENANT_MARKER, Renderer, SymbolicPolicy
    from .schema import is_valid_policy, iter_schema_errors, validate_policy
    from .tenancy import TenantContext, TenantIdLanguage
    from .vend import CredentialVendor, VendingError

_LAZY = {
    "CredentialVendor": "vend",
    "VendingError": "vend",
    "TenantScope": "lambda_",
    "UnauthorizedError": "lambda_",
    "tenant_handler": "lambda_",
    "tenant_scope": "lambda_",
    "CompiledPolicy": "evaluate",
    "Decision": "evaluate",
    "Evaluator": "evaluate",
    "Request": "evaluate",
    "StatementRef": "evaluate",
    "compile_policy": "evaluate",
    "evaluate": "evaluate",
    "Catalog": "catalog",
    "Partition": "catalog",
    "ResourceSpec": "catalog",
    "TemplateSpec": "catalog",
    "Tier": "catalog",
    "load_catalog": "catalog",
    "Condition": "model",
    "Policy": "model",
    "Principal": "model",
    "Statement": "model",
    "dumps": "model",
    "policy_from_obj": "model",
    "policy_to_obj": "model",
    "parse_policy": "parse",
    "TENANT_MARKER": "render",
    "Renderer": "render",
    "SymbolicPolicy": "render",
    "is_valid_policy": "schema",
    "iter_schema_errors": "schema",
    "validate_policy": "schema",
    "TenantContext": "tenancy",
    "TenantIdLanguage": "tenancy",
}


#: Public names that are also submodule names: the import system sets a submodule on
#: its package once imported, which would make ``from policy_engine import evaluate``
#: the module ``policy_engine.evaluate`` instead of the function, depending on what was
#: imported before. Import the module as ``importlib.import_module("policy_engine.evaluate")``.
_SHADOWED = frozenset({"evaluate"})


class _Package(ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _SHADOWED and isinstance(value, ModuleType):
            return  # the public function keeps the name
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module `policy_engine` has no attribute `{name}`")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "TENANT_MARKER",
    "Catalog",
    "CatalogError",
    "CompiledPolicy",
    "Condition",
    "CredentialVendor",
    "Decision",
    "Evaluator",
    "InvalidTenantId",
    "Partition",
    "Policy",
    "PolicyEngineError",
    "PolicyParseError",
    "PolicySizeError",
    "Principal",
    "Renderer",
    "Request",
    "ResourceSpec",
    "SchemaIssue",
    "Statement",
    "StatementRef",
    "SymbolicPolicy",
    "TemplateError",
    "TemplateSpec",
    "TenantContext",
    "TenantIdLanguage",
    "TenantOpacityError",
    "TenantScope",
    "Tier",
    "UnauthorizedError",
    "UnknownTemplate",
    "UnknownTier",
    "VendingError",
    "__version__",
    "compile_policy",
    "dumps",
    "evaluate",
    "is_valid_policy",
    "iter_schema_errors",
    "load_catalog",
    "parse_policy",
    "policy_from_obj",
    "policy_to_obj",
    "tenant_handler",
    "tenant_scope",
    "validate_policy",
]
