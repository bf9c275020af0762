"""Roles that reach pooled data on behalf of principals the catalogue does not describe.

The deployed proof asks what a tenant's vended session can do, and reads every other
role of the templates only for whether that session may assume it. Two kinds of role
hand their access to someone the proof never sees:

- a role an identity provider's users take on (``Federated``: a Cognito identity pool,
  an OIDC or SAML provider, through ``AssumeRoleWithWebIdentity`` /
  ``AssumeRoleWithSAML``): whoever holds that provider's tokens (a tenant's users, an
  identity pool's guests: anyone) gets the role's sessions, with session tags of the
  provider's choosing;
- the role of a Lambda function that anyone may invoke (a permission to ``*``: a
  function URL with ``AuthType: NONE``, an ``AWS::Lambda::Permission`` /
  ``aws_lambda_permission`` to ``*``, an API method or OpenAPI operation no authorizer
  guards, a queue, topic, bucket or event bus anyone may write feeding it; or a role the
  templates do not hold): the caller writes the whole event and the
  function reads with its own role, not a tenant's session (a confused deputy); and
  the role an AppSync data source or an API Gateway AWS integration calls AWS with for
  every caller of an API an API key or anyone may call.

Where such a role's policies may reach a resource of the model (an Allow whose actions
may be of the resource's service and whose resources may be it or in it; a managed
policy the lint cannot see may; so may an invoke of the credential vendor's function or
of a function whose own role reaches the model, and an ``sts:AssumeRole`` of a role
that reaches it), whether tenants stay apart depends on
who holds those tokens or what the code does: isolation is unknown (PE091), never
passed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

from ..catalog import Catalog
from ..iac import ExtractedPolicy, IacTemplate, RoleInfo, shown
from ..iac._resolve import has_opaque, widen_text
from ..iac._types import InvokePermission, LambdaFunction
from ._iac import (
    _find_roles,
    _identity,
    _maybe_attached,
    _readable_trust,
    _statements,
    _strings,
    read_policy,
)
from ._model import Finding

#: STS actions by which an identity provider's users take on a role.
_FEDERATED_ACTIONS = ("sts:assumerolewithwebidentity", "sts:assumerolewithsaml")


def _covers(statement: Mapping[str, Any], actions: Sequence[str]) -> bool:
    if "NotAction" in statement:
        listed = [a.lower() for a in _strings(statement.get("NotAction"))]
        return any(not any(fnmatchcase(x, a) for a in listed) for x in actions)
    listed = [a.lower() for a in _strings(statement.get("Action"))]
    return any(fnmatchcase(x, a) for a in listed for x in actions)


def _providers(document: Mapping[str, Any]) -> list[str]:
    """The ``Federated`` principals an Allow of a trust policy lets take on the role
    (conditions are read as true: an ``aud`` or ``amr`` condition narrows which tokens,
    not whose)."""
    out: list[str] = []
    for st in _statements(document):
        if st.get("Effect") == "Deny" or not _covers(st, _FEDERATED_ACTIONS):
            continue
        principal = st.get("Principal")
        if isinstance(principal, Mapping) and "Federated" in principal:
            out.extend(str(v) for v in _strings(principal["Federated"]) or [principal["Federated"]])
    return list(dict.fromkeys(out))


def _role_policies(
    role: RoleInfo, templates: Sequence[IacTemplate], policies: Sequence[ExtractedPolicy]
) -> list[ExtractedPolicy]:
    """The identity policies the templates put on ``role``: by its name, without
    regard to case, or on a role whose name is not resolved and may be it
    (:func:`._iac._maybe_attached`)."""
    name = role.name.lower()
    out = [p for p in policies if p.kind == "identity" and name in {r.lower() for r in p.roles}]
    if not has_opaque(role.name):
        out += [p for p, _ in _maybe_attached(templates, policies, role.name)]
    return out


def _targets(catalog: Catalog) -> Iterator[tuple[str, str, list[str]]]:
    """(model resource, service, the ARN patterns of it and of what lies in it) for
    each resource of the model holding tenants' data."""
    for name, spec in catalog.resources.items():
        if spec.shared:
            continue
        arns = [spec.arn, spec.arn + "/*", spec.arn + ":*"]
        arns += [p.arn.replace("{tenant}", "*") for p in spec.partitions if p.arn]
        yield name, spec.service, arns


def _vendor_functions(
    catalog: Catalog, templates: Sequence[IacTemplate]
) -> list[tuple[str, str, list[str]]]:
    """Targets of the functions of the templates that run (or may run) as a
    ``vendor_roles`` role: a principal of the account whose identity policy lets it
    invoke one writes the event, the tenant the vendor trusts included, with no
    resource permission needed (same account), and gets any tenant's session's data."""
    from ._invoke import _vendor

    vendors = frozenset(arn.rsplit("/", 1)[-1].lower() for arn in catalog.vendor_roles)
    out = []
    for t in templates:
        for f in t.functions:
            if vendors and _vendor(f, vendors) in ("yes", "maybe"):
                name = widen_text(f.name)
                arns = [f"arn:*:lambda:*:*:function:{name}", f"arn:*:lambda:*:*:function:{name}:*"]
                out.append((f"the credential vendor's function `{shown(f.name)}`", "lambda", arns))
    return out


def reaches(
    catalog: Catalog,
    policy: ExtractedPolicy,
    extra: Sequence[tuple[str, str, list[str]]] = (),
) -> tuple[str, int] | None:
    """(model resource, statement index) of the first statement of ``policy`` that may
    allow an action on a resource of the model (or on one of ``extra``: the vendor's
    functions), or None. Conditions are read as true; an unresolved part is any text
    (the policy as read, widened)."""
    from ._arns import globs_overlap

    ident = _identity(catalog)
    document = read_policy(policy)[0].document
    for i, st in enumerate(_statements(document)):
        if st.get("Effect") == "Deny":
            continue
        any_action = "NotAction" in st
        actions = [a.lower() for a in _strings(st.get("Action"))]
        any_resource = "NotResource" in st
        resources = [ident(r) for r in _strings(st.get("Resource"))]
        for name, service, arns in [*_targets(catalog), *extra]:
            if not any_action and not any(
                globs_overlap(a, f"{service}:*", ignore_case=True) for a in actions
            ):
                continue
            if any_resource or any(globs_overlap(r, a) for r in resources for a in arns):
                return name, i
    return None


def _admits_accounts(document: Mapping[str, Any]) -> bool:
    """Whether a trust policy's Allow may let a principal of an account (``*``, an
    account, a role or user ARN, ``NotPrincipal``, a principal not known) call
    ``sts:AssumeRole``: any such principal whose identity policy allows it may assume
    the role (IAM User Guide, "Role trust policies": the account's root grants it to
    every principal of the account that its identity policies allow)."""
    for st in _statements(document):
        if st.get("Effect") == "Deny" or not _covers(st, ("sts:assumerole",)):
            continue
        principal = st.get("Principal")
        if "NotPrincipal" in st or not isinstance(principal, Mapping) or "AWS" in principal:
            return True
        if any(has_opaque(str(k)) for k in principal):
            return True
    return False


def _assumable_roles(
    catalog: Catalog, templates: Sequence[IacTemplate], policies: Sequence[ExtractedPolicy]
) -> list[tuple[str, str, list[str]]]:
    """Targets of the roles of the templates (no tier's, not the vendor's) whose own
    policies may reach the model and whose trust may admit a principal of an account
    (a trust not read may): whoever may ``sts:AssumeRole`` one reaches the model through
    its session (one step)."""
    out = []
    for role in _not_tier(catalog, templates):
        document = _readable_trust(role)
        if document is not None and not _admits_accounts(document):
            continue
        if _reach_of(catalog, role, templates, policies) is None:
            continue
        name = widen_text(role.name)
        arns = [f"arn:*:iam::*:role/{name}", f"arn:*:iam::*:role/*/{name}"]
        what = f"the role `{shown(role.name)}`, whose policies may reach the model"
        out.append((what, "sts", arns))
    return out


def _deputy_functions(
    catalog: Catalog, templates: Sequence[IacTemplate], policies: Sequence[ExtractedPolicy]
) -> list[tuple[str, str, list[str]]]:
    """Targets through which a role reaches the model beyond its resources: the
    vendor's functions, the roles of the templates it may assume that may reach the
    model (:func:`_assumable_roles`), and the functions of the templates whose own role
    (no tier's, not the vendor's) may reach the model, invoke the vendor or assume such a
    role: whoever may invoke one reaches it through the function (one step)."""
    not_tier = {(r.file, r.owner) for r in _not_tier(catalog, templates)}
    vendor = [
        *_vendor_functions(catalog, templates),
        *_assumable_roles(catalog, templates, policies),
    ]
    out = list(vendor)
    for t in templates:
        for f in t.functions:
            if next(_reaching(catalog, f.role, templates, policies, not_tier, vendor), None):
                name = widen_text(f.name)
                arns = [f"arn:*:lambda:*:*:function:{name}", f"arn:*:lambda:*:*:function:{name}:*"]
                what = f"the function `{shown(f.name)}`, whose role may reach the model"
                out.append((what, "lambda", arns))
    return out


def _reach_of(
    catalog: Catalog,
    role: RoleInfo,
    templates: Sequence[IacTemplate],
    policies: Sequence[ExtractedPolicy],
    extra: Sequence[tuple[str, str, list[str]]] = (),
) -> str | None:
    """What of ``role``'s policies may reach the model (or one of ``extra``: the
    vendor's functions, functions whose role may reach the model), as said in a
    finding."""
    for p in _role_policies(role, templates, policies):
        hit = reaches(catalog, p, extra)
        if hit is not None:
            what = hit[0] if hit[0].startswith("the ") else f"`{hit[0]}`"
            return f"`{p.label}` (statement #{hit[1]}) may reach {what}"
    services = {spec.service for spec in catalog.resources.values() if not spec.shared}
    services |= {service for _what, service, _arns in extra}
    for arn, _line in role.managed:
        touches = _AWS_MANAGED.get(arn.split(":iam::aws:policy/", 1)[-1])
        if ":iam::aws:policy/" in arn and touches is not None and not services & touches:
            continue
        return (
            f"managed policy `{shown(arn)}`, whose statements the lint cannot see, may "
            "reach the model"
        )
    return None


#: AWS managed policies SAM attaches to a function's role, and the services their
#: statements name (IAM, "AWS managed policies" reference: AWSLambdaBasicExecutionRole
#: logs:CreateLogGroup/CreateLogStream/PutLogEvents; AWSXrayWriteOnlyAccess and
#: AWSXRayDaemonWriteAccess xray:Put*/Get*; AWSLambdaVPCAccessExecutionRole logs and
#: ec2 network interfaces): on a model with none of those services they reach nothing
#: of it. Any other managed policy may.
_AWS_MANAGED: dict[str, frozenset[str]] = {
    "service-role/AWSLambdaBasicExecutionRole": frozenset({"logs"}),
    "AWSXrayWriteOnlyAccess": frozenset({"xray"}),
    "AWSXRayDaemonWriteAccess": frozenset({"xray"}),
    "service-role/AWSLambdaVPCAccessExecutionRole": frozenset({"logs", "ec2"}),
}


def _not_tier(catalog: Catalog, templates: Sequence[IacTemplate]) -> Iterator[RoleInfo]:
    """The roles of the templates that are neither a tier's nor the vendor's (each
    has its own checks)."""
    skip = {
        (r.file, r.owner)
        for arn in [*(t.role_arn for t in catalog.tiers.values()), *catalog.vendor_roles]
        for r in _find_roles(templates, arn)
    }
    for t in templates:
        for r in t.roles:
            if (r.file, r.owner) not in skip:
                yield r


def federated_roles(catalog: Catalog, templates: Sequence[IacTemplate]) -> list[Finding]:
    """A role (no tier's) that an identity provider's users take on and whose policies
    may reach the model: PE091, every tier."""
    policies = [p for t in templates for p in t.policies]
    extra = _deputy_functions(catalog, templates, policies)
    out: list[Finding] = []
    for role in _not_tier(catalog, templates):
        document = _readable_trust(role)
        providers = [] if document is None else _providers(document)
        if not providers:
            continue
        reach = _reach_of(catalog, role, templates, policies, extra)
        if reach is None:
            continue
        trust = role.trust
        out.append(
            Finding(
                "PE091",
                "error",
                f"deployed: role `{shown(role.name)}` (`{role.owner}`) is taken on through "
                f"identity provider {', '.join(f'`{shown(p)}`' for p in providers)}, and "
                f"{reach}: whoever holds that provider's tokens (a tenant's users, an "
                "identity pool's guests) gets the role's sessions, with session tags of the "
                "provider's choosing, and the catalogue does not say who they are, so "
                "isolation is unknown (give such a role no access to pooled data: reach it "
                "through the tier roles' vended sessions)",
                trust.file if trust else role.file,
                trust.line if trust else role.line,
                "$",
                resource=role.owner,
            )
        )
    return out


def _public(permission: InvokePermission) -> bool:
    """A permission to anyone (``*``), or to a principal not known here."""
    principal = permission.principal
    return principal.strip() == "*" or has_opaque(principal)


def _function_of(
    permission: InvokePermission, template: IacTemplate, everywhere: Sequence[LambdaFunction]
) -> list[LambdaFunction]:
    own = {f.owner: f for f in template.functions}
    if permission.function is not None and permission.function in own:
        return [own[permission.function]]
    if has_opaque(permission.function_name):
        return [f for f in template.functions if f.name == permission.function_name]
    return [f for f in everywhere if f.name == permission.function_name]


def _reaching(
    catalog: Catalog,
    arn: str,
    templates: Sequence[IacTemplate],
    policies: Sequence[ExtractedPolicy],
    not_tier: set[tuple[str, str]],
    extra: Sequence[tuple[str, str, list[str]]],
) -> Iterator[tuple[RoleInfo, str]]:
    """The roles ``arn`` may name that are no tier's and whose policies may reach the
    model (or one of ``extra``), each with what reaches it (:func:`_reach_of`)."""
    for role in _roles_of(arn, templates):
        if (role.file, role.owner) not in not_tier:
            continue
        reach = _reach_of(catalog, role, templates, policies, extra)
        if reach is not None:
            yield role, reach


def _roles_of(arn: str, templates: Sequence[IacTemplate]) -> list[RoleInfo]:
    """The roles of the templates a function or data source given role ``arn`` may run
    as (by name, without regard to case; a generated name is its role's exactly)."""
    name = widen_text(arn).rsplit("/", 1)[-1].lower()
    return [
        r
        for t in templates
        for r in t.roles
        if r.name == arn or r.name.lower() == name or r.arn == arn
    ]


#: what writes a source's message or notification: SQS ``SendMessage`` (and its batch
#: form), SNS ``Publish`` (and its batch form), and the S3 writes that send an event
#: notification with the writer's key (S3 User Guide, "Event notification types":
#: ``ObjectCreated`` (``PutObject``, a copy, a multipart upload: ``s3:PutObject``),
#: ``ObjectRemoved``, ``ObjectRestore``, ``ObjectTagging``, ``ObjectAcl``)
_WRITES = (
    "sqs:sendmessage", "sqs:sendmessagebatch", "sns:publish", "sns:publishbatch",
    "s3:putobject", "s3:deleteobject", "s3:deleteobjectversion", "s3:restoreobject",
    "s3:putobjecttagging", "s3:putobjectversiontagging", "s3:deleteobjecttagging",
    "s3:putobjectacl", "s3:putobjectversionacl",
)  # fmt: skip


def _anyone_writes(catalog: Catalog, templates: Sequence[IacTemplate], source: str) -> bool:
    """Whether a resource policy of the templates on ``source`` (a queue, topic or
    bucket, by ARN; one not resolved may be it) lets anyone (``*``, ``NotPrincipal``, a principal
    not known) write to it; conditions are read as true."""
    from ._arns import globs_overlap

    ident = _identity(catalog)
    for t in templates:
        if any(globs_overlap(ident(arn), ident(source)) for arn, _o, _l in t.open_writers):
            return True
        for p in t.policies:
            if p.kind != "resource" or not any(
                t_ and globs_overlap(ident(t_), ident(source)) for t_ in p.targets
            ):
                continue
            for st in _statements(read_policy(p)[0].document):
                if st.get("Effect") == "Deny" or not _covers(st, _WRITES):
                    continue
                principal = st.get("Principal")
                values = (
                    _strings(principal.get("AWS"))
                    if isinstance(principal, Mapping)
                    else [str(principal)]
                )
                if "NotPrincipal" in st or any(v.strip() == "*" or has_opaque(v) for v in values):
                    return True
    return False


def _fed_by_anyone(
    catalog: Catalog, templates: Sequence[IacTemplate], t: IacTemplate
) -> list[InvokePermission]:
    """The triggers of ``t`` whose source anyone may write: each as an invoke
    permission to ``*`` on its function."""
    out = []
    for owner, function, name, source, line in t.triggers:
        if _anyone_writes(catalog, templates, source):
            what = f"{owner} (fed by `{shown(source)}`, which anyone may write)"
            out.append(InvokePermission(what, line, function, name, "*", None))
    return out


def _unknown_role(
    permission: InvokePermission, function: str | None, role: str, file: str
) -> Finding:
    """PE091: anyone may have a function (or an API's data source or integration) run
    as ``role``, a role the templates do not hold: its policies, which may read every
    tenant's data, are not known here."""
    who = (
        f"lets `{shown(permission.principal)}` invoke `{shown(function)}`, which runs"
        if function is not None
        else "calls AWS for every caller of its API, which anyone or an API key's holder "
        "(every tenant's client) may call,"
    )
    return Finding(
        "PE091",
        "error",
        f"deployed: `{permission.owner}` {who} as role `{shown(role)}`, which the templates "
        "do not hold: its policies are not known here and may reach pooled data for any "
        "caller, so isolation is unknown (lint the role's template with these, or let no "
        "one but the catalogue's API invoke the function)",
        file,
        permission.line,
        "$",
        resource=permission.owner,
    )


def deputies(catalog: Catalog, templates: Sequence[IacTemplate]) -> list[Finding]:
    """A Lambda function anyone may invoke (a permission to ``*``) whose role (no
    tier's) may reach the model: PE091, every tier. The vendor's function has its own
    check (:mod:`._invoke`)."""
    policies = [p for t in templates for p in t.policies]
    everywhere = [f for t in templates for f in t.functions]
    not_tier = {(r.file, r.owner) for r in _not_tier(catalog, templates)}
    extra = _deputy_functions(catalog, templates, policies)
    out: list[Finding] = []
    for t in templates:
        for p in {
            q.owner: q
            for q in [
                *t.event_invokes,
                *t.invokes,
                *t.open_invokes,
                *_fed_by_anyone(catalog, templates, t),
            ]
        }.values():
            if not _public(p):
                continue
            for function in _function_of(p, t, everywhere):
                if not _roles_of(function.role, templates):
                    out.append(_unknown_role(p, function.name, function.role, t.file))
                    continue
                for role, reach in _reaching(
                    catalog, function.role, templates, policies, not_tier, extra
                ):
                    out.append(
                        Finding(
                            "PE091",
                            "error",
                            f"deployed: `{p.owner}` lets `{shown(p.principal)}` invoke "
                            f"`{shown(function.name)}`, which runs as role `{shown(role.name)}` "
                            f"(`{role.owner}`), and {reach}: the caller (anyone, another "
                            "tenant included) writes the event and the function reads with "
                            "its own role, not a tenant's session, so isolation is unknown "
                            "(let no one but the catalogue's API invoke a function that can "
                            "reach pooled data, or have it read through a vended session)",
                            t.file,
                            p.line,
                            "$",
                            resource=p.owner,
                        )
                    )
                    break
        for owner, arn, line, public in t.data_sources:
            if not public:
                continue
            if not _roles_of(arn, templates):
                what = InvokePermission(owner, line, None, owner, "*", None)
                out.append(_unknown_role(what, None, arn, t.file))
                continue
            for role, reach in _reaching(catalog, arn, templates, policies, not_tier, extra):
                out.append(
                    Finding(
                        "PE091",
                        "error",
                        f"deployed: `{owner}` calls AWS as role `{shown(role.name)}` "
                        f"(`{role.owner}`) for every caller of its API, which anyone or an API "
                        f"key's holder (every tenant's client) may call, and {reach}: the "
                        "caller's request is served with that role, not a tenant's session, "
                        "so isolation is unknown (guard the API with an authorizer, or give "
                        "the role no access to pooled data)",
                        t.file,
                        line,
                        "$",
                        resource=owner,
                    )
                )
                break
    return out
