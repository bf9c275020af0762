"""Who may invoke the credential vendor's function.

The vendor (``tenant_handler``) takes the tenant from the event's
``requestContext.authorizer``, which API Gateway writes from the catalogue's
authorizer. An ``Invoke`` caller writes the whole event (Lambda Developer Guide,
"Invoke"): a permission that lets anyone else invoke a function that runs as a
``vendor_roles`` role lets that principal name any tenant and receive its session's
data (PE091). A permission on a function the templates do not hold, or whose role is
not known, may be the vendor's (PE115)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..catalog import Catalog
from ..iac import IacTemplate, shown
from ..iac._resolve import has_opaque, names_stack, opaque, widen_text
from ..iac._types import InvokePermission, LambdaFunction
from ._model import Finding

_GENERATED = opaque("name of ").rstrip("\ue001")


def _api_prefixes(catalog: Catalog) -> list[str]:
    """``arn:...:execute-api:REGION:ACCOUNT:API_ID`` of each API of the resource model."""
    out = []
    for spec in catalog.resources.values():
        if spec.service != "execute-api":
            continue
        parts = spec.arn.split(":", 5)
        if len(parts) != 6:
            continue
        api = parts[5].split("/", 1)[0]
        prefix = ":".join([*parts[:5], api])
        if "*" not in prefix and "?" not in prefix:
            out.append(prefix)
    return out


def _from_the_api(permission: InvokePermission, prefixes: Sequence[str]) -> str:
    """``yes``: API Gateway's, for a method of the catalogue's API (whose authorizer
    writes the tenant context); ``maybe``: API Gateway's for an API the lint cannot
    name (an API the template creates: its ID is known only once deployed); ``no``."""
    source = permission.source_arn
    if permission.principal != "apigateway.amazonaws.com" or source is None:
        return "no"
    if has_opaque(source) or names_stack(source):
        # only the API's ID unknown, in the catalogue API's account and region
        parts = source.split(":", 5)
        heads = {tuple(prefix.split(":", 5)[:5]) for prefix in prefixes}
        fixed = len(parts) == 6 and tuple(parts[:5]) in heads
        return "maybe" if fixed else "no"
    return "yes" if any(source.startswith(prefix + "/") for prefix in prefixes) else "no"


def _vendor(function: LambdaFunction, vendors: frozenset[str]) -> str:
    """``yes``, ``maybe`` or ``no``: whether the function runs as a vendor role."""
    if _GENERATED in function.role:
        return "no"  # a role SAM or CloudFormation names: no catalogue role's
    name = widen_text(function.role).rsplit("/", 1)[-1].lower()
    if "*" not in name:
        return "yes" if name in vendors else "no"
    pattern = "".join(".*" if c == "*" else re.escape(c) for c in name)
    return "maybe" if any(re.fullmatch(pattern, v, re.DOTALL) for v in vendors) else "no"


def vendor_invokes(catalog: Catalog, templates: Sequence[IacTemplate]) -> list[Finding]:
    vendors = frozenset(arn.rsplit("/", 1)[-1].lower() for arn in catalog.vendor_roles)
    if not vendors:
        return []
    prefixes = _api_prefixes(catalog)
    everywhere = [f for t in templates for f in t.functions]
    out: list[Finding] = []
    for t in templates:
        own = {f.owner: f for f in t.functions}
        for p in t.invokes:
            api = _from_the_api(p, prefixes)
            if api == "yes":
                continue
            if p.function is not None and p.function in own:
                candidates = [own[p.function]]
            elif has_opaque(p.function_name):
                # a name known only once deployed: a function of this template when it
                # is that function's (``!Sub "${Fn}"``, ``!Join``, an ARN around it)
                candidates = [f for f in t.functions if f.name == p.function_name]
            else:
                candidates = [f for f in everywhere if f.name == p.function_name]
            verdicts = {_vendor(f, vendors) for f in candidates}
            who = f"`{shown(p.principal)}`" + (
                f" (source `{shown(p.source_arn)}`)" if p.source_arn else ""
            )
            if api == "maybe" and verdicts <= {"yes", "maybe"} and candidates:
                verdicts = {"maybe"}  # an API of the template: it may be the catalogue's
                why_api = True
            else:
                why_api = False
            if "yes" in verdicts:
                out.append(
                    Finding(
                        "PE091",
                        "error",
                        f"deployed: `{p.owner}` lets {who} invoke `{shown(p.function_name)}`, "
                        "which runs as the credential vendor's role: an invoke caller writes "
                        "the event, its `requestContext.authorizer` tenant included, so it may "
                        "name any tenant and get that tenant's data; isolation is unknown "
                        "(let only API Gateway invoke it, with the catalogue API's `SourceArn`)",
                        t.file,
                        p.line,
                        "$",
                        resource=p.owner,
                    )
                )
            elif "maybe" in verdicts or not candidates:
                why = (
                    "the credential vendor's, from an API whose ID is known only once "
                    "deployed (is it the catalogue's `api_id`?)"
                    if why_api
                    else "whose role is not known here"
                    if candidates
                    else "which is not in the linted templates"
                )
                out.append(
                    Finding(
                        "PE115",
                        "warning",
                        f"`{p.owner}` lets {who} invoke `{shown(p.function_name)}`, {why}: if "
                        "it is the credential vendor, the caller names the tenant (lint the "
                        "function's template with this one)",
                        t.file,
                        p.line,
                        "$",
                        resource=p.owner,
                    )
                )
    return out
