"""The Terraform reader: ``terraform show -json`` plan output.

Policies are JSON strings in the plan (``policy``, ``assume_role_policy``,
``inline_policy[].policy``). Each resource is read from ``resource_changes`` (the
planned ``after`` values; resources being only deleted are skipped), else from
``planned_values`` (modules included); a resource the plan forgets (removed from the
state, left in AWS) is read from ``before``. A policy that is known only after apply
(``after_unknown``) cannot be linted: it is a ``PE113`` finding, never a pass.
Lines are those of the policy field in the plan file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from fnmatch import fnmatchcase
from typing import Any

from ._api import (
    TF_API_POLICY,
    TF_COGNITO_CLIENT,
    definition_may_allow,
    may_allow,
    open_operations,
    read_definition,
)
from ._arns import queue_arn, s3_scope_arn
from ._invoke import function_name
from ._nodes import Node, line_of, loads_policy_text
from ._resolve import PARTITION, has_opaque, opaque, shown, widen_text
from ._types import (
    ExtractedPolicy,
    IacTemplate,
    InvokePermission,
    LambdaFunction,
    PolicyKind,
    Problem,
    RoleInfo,
)

#: type: [(field, kind)]
_FIELDS: dict[str, list[tuple[str, PolicyKind]]] = {
    "aws_iam_role_policy": [("policy", "identity")],
    "aws_iam_policy": [("policy", "identity")],
    "aws_iam_role": [("assume_role_policy", "trust")],
    "aws_s3_bucket_policy": [("policy", "resource")],
    "aws_s3_bucket": [("policy", "resource")],  # the provider's older inline form
    "aws_kms_key": [("policy", "resource")],
    "aws_kms_key_policy": [("policy", "resource")],
    "aws_sqs_queue_policy": [("policy", "resource")],
    "aws_sqs_queue": [("policy", "resource")],
    "aws_secretsmanager_secret_policy": [("policy", "resource")],
    "aws_secretsmanager_secret": [("policy", "resource")],
    "aws_dynamodb_resource_policy": [("policy", "resource")],
    "aws_sns_topic_policy": [("policy", "resource")],
    "aws_sns_topic": [("policy", "resource")],
    "aws_s3_access_point": [("policy", "resource")],
    "aws_s3control_access_point_policy": [("policy", "resource")],
    "aws_s3control_object_lambda_access_point_policy": [("policy", "resource")],
}

#: Resources that can carry a resource policy: the field that names them, and their
#: ARN from the name (region and account opaque) when the plan does not know it.
_NAMED = {
    "aws_s3_bucket": "bucket",
    "aws_dynamodb_table": "name",
    "aws_sqs_queue": "name",
    "aws_secretsmanager_secret": "name",
}
_NAMED_ARN = {
    "aws_s3_bucket": lambda n: f"arn:{PARTITION}:s3:::{n}",
    "aws_dynamodb_table": lambda n: (
        f"arn:{PARTITION}:dynamodb:{opaque('region')}:{opaque('account')}:table/{n}"
    ),
    "aws_sqs_queue": lambda n: f"arn:{PARTITION}:sqs:{opaque('region')}:{opaque('account')}:{n}",
    "aws_secretsmanager_secret": lambda n: (
        f"arn:{PARTITION}:secretsmanager:{opaque('region')}:{opaque('account')}:secret:{n}-{opaque('suffix')}"
    ),
}

#: Resources that attach managed policies to roles: type -> (role field(s), policy
#: ARN field(s)); a field holding a list is read as many.
_ATTACHMENTS: dict[str, tuple[str, str]] = {
    "aws_iam_role_policy_attachment": ("role", "policy_arn"),
    "aws_iam_policy_attachment": ("roles", "policy_arn"),
    "aws_iam_role_policy_attachments_exclusive": ("role_name", "policy_arns"),
}


def is_plan(document: Any) -> bool:
    return (
        isinstance(document, Mapping)
        and ("planned_values" in document or "resource_changes" in document)
        and "format_version" in document
    )


def _module_resources(module: Any) -> Iterator[Mapping[str, Any]]:
    if not isinstance(module, Mapping):
        return
    for r in module.get("resources") or ():
        if isinstance(r, Mapping):
            yield r
    for child in module.get("child_modules") or ():
        yield from _module_resources(child)


def _resources(plan: Mapping[str, Any]) -> Iterator[tuple[str, str, Any, Any, int]]:
    """(address, type, values, unknown flags, line) of each managed resource."""
    changes = plan.get("resource_changes")
    if isinstance(changes, list) and changes:
        for rc in changes:
            if not isinstance(rc, Mapping) or rc.get("mode", "managed") != "managed":
                continue
            change = rc.get("change")
            if not isinstance(change, Mapping):
                continue
            actions = change.get("actions") or []
            if actions == ["delete"]:
                continue
            before = change.get("before")
            if "forget" in actions and isinstance(before, Mapping):
                # removed from the state, left in AWS (a `removed` block with
                # `destroy = false`): what stays deployed is `before`
                yield (
                    f"{rc.get('address')} (forgotten: stays deployed)",
                    str(rc.get("type")),
                    before,
                    {},
                    line_of(before, line_of(rc, 1)),
                )
            after = change.get("after")
            if "forget" in actions and not isinstance(after, Mapping):
                continue
            yield (
                str(rc.get("address")),
                str(rc.get("type")),
                after if isinstance(after, Mapping) else {},
                change.get("after_unknown") or {},
                line_of(after, line_of(rc, 1)),
            )
        return
    root = plan.get("planned_values", {})
    for r in _module_resources(root.get("root_module") if isinstance(root, Mapping) else None):
        if r.get("mode", "managed") != "managed":
            continue
        values = r.get("values")
        yield (
            str(r.get("address")),
            str(r.get("type")),
            values if isinstance(values, Mapping) else {},
            {},
            line_of(values, line_of(r, 1)),
        )


def _config_references(plan: Mapping[str, Any]) -> dict[str, dict[str, list[str]]]:
    """The plan's ``configuration``: per resource (address without instance keys) and
    field, the resource addresses its expression refers to (``aws_iam_policy.x``)."""
    out: dict[str, dict[str, list[str]]] = {}

    def walk(module: Any, prefix: str) -> None:
        if not isinstance(module, Mapping):
            return
        for r in module.get("resources") or ():
            if not isinstance(r, Mapping) or not isinstance(r.get("expressions"), Mapping):
                continue
            fields: dict[str, list[str]] = {}
            for key, expression in r["expressions"].items():
                refs = expression.get("references") if isinstance(expression, Mapping) else None
                if isinstance(refs, list):
                    fields[str(key)] = _referred(refs, module, prefix)
            out[prefix + str(r.get("address"))] = fields
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, Mapping):
                walk(call.get("module"), f"{prefix}module.{name}.")

    config = plan.get("configuration")
    if isinstance(config, Mapping):
        walk(config.get("root_module"), "")
    return out


def _configured(plan: Mapping[str, Any]) -> dict[str, frozenset[str]] | None:
    """The plan's ``configuration``: per resource (address without instance keys) the
    arguments it configures (an expression of any kind), or None when the plan has no
    configuration (what is configured is then not known)."""
    config = plan.get("configuration")
    if not isinstance(config, Mapping):
        return None
    out: dict[str, frozenset[str]] = {}

    def walk(module: Any, prefix: str) -> None:
        if not isinstance(module, Mapping):
            return
        for r in module.get("resources") or ():
            if isinstance(r, Mapping):
                expressions = r.get("expressions")
                keys = expressions if isinstance(expressions, Mapping) else {}
                out[prefix + str(r.get("address"))] = frozenset(str(k) for k in keys)
        for name, call in (module.get("module_calls") or {}).items():
            if isinstance(call, Mapping):
                walk(call.get("module"), f"{prefix}module.{name}.")

    walk(config.get("root_module"), "")
    return out


def _exclusive_managed(
    address: str, values: Mapping[str, Any], unknown: Any,
    configured: Mapping[str, frozenset[str]] | None,
) -> tuple[bool, list[str] | None]:  # fmt: skip
    """Whether a role's ``managed_policy_arns`` takes exclusive management of its
    managed policies, and the ARNs it keeps (None: known only after apply). Configured,
    it does, an empty list included: "Configuring an empty set ... will cause Terraform
    to remove all managed policy attachments" (Terraform AWS provider documentation of
    ``aws_iam_role``). Not configured, the plan shows the state's list (computed). The
    plan's ``after`` cannot tell a configured ``[]`` from an unconfigured role's, its
    ``configuration`` can; without one, an empty or unknown list may be configured."""
    raw = values.get("managed_policy_arns")
    listed = None if _unknown_field(unknown, "managed_policy_arns") else (
        [str(a) for a in raw if isinstance(a, str)] if isinstance(raw, list) else []
    )  # fmt: skip
    if listed:  # a non-empty list is the role's own (a state's, or configured)
        return True, listed
    if configured is None:
        return listed is None or isinstance(raw, list), listed
    return "managed_policy_arns" in configured.get(_strip_keys(address), frozenset()), listed


def _referred(refs: list[Any], module: Mapping[str, Any], prefix: str, depth: int = 0) -> list[str]:
    """The resource addresses an expression's ``references`` name: ``aws_x.y`` (and
    ``aws_x.y.attr``) in this module, and through a module's output
    (``module.m.out``) the resources that output's expression refers to in ``m``,
    so a value known only after apply that comes out of a module is still followed."""
    out: list[str] = []
    calls = module.get("module_calls")
    calls = calls if isinstance(calls, Mapping) else {}
    for ref in refs:
        parts = _strip_keys(str(ref)).split(".")
        if parts[0].startswith("aws_") and len(parts) >= 2:
            out.append(prefix + ".".join(parts[:2]))
        elif parts[0] == "module" and len(parts) >= 3 and depth < 8:
            call = calls.get(parts[1])
            inner = call.get("module") if isinstance(call, Mapping) else None
            outputs = inner.get("outputs") if isinstance(inner, Mapping) else None
            output = outputs.get(parts[2]) if isinstance(outputs, Mapping) else None
            expression = output.get("expression") if isinstance(output, Mapping) else None
            nested = expression.get("references") if isinstance(expression, Mapping) else None
            if isinstance(inner, Mapping) and isinstance(nested, list):
                out.extend(_referred(nested, inner, f"{prefix}module.{parts[1]}.", depth + 1))
    return list(dict.fromkeys(out))


def _strip_keys(address: str) -> str:
    return re.sub(r"\[[^\]]*\]", "", address)


def _unknown_field(unknown: Any, key: str) -> bool:
    """Whether a field is known only after apply."""
    flags = unknown.get(key) if isinstance(unknown, Mapping) else None
    return flags is True or (isinstance(flags, list) and any(flags))


def _known(values: Mapping[str, Any], unknown: Any, key: str) -> list[str] | None:
    """A string or list-of-strings field, or ``None`` when it is known only after apply."""
    if _unknown_field(unknown, key):
        return None
    raw = values.get(key)
    if isinstance(raw, str):
        return [raw] if raw else None
    if isinstance(raw, list):
        return [str(v) for v in raw if isinstance(v, str) and v]
    return None


class _Attachment:
    """A managed-policy attachment of the plan, resolved after every resource is read."""

    def __init__(self, address: str, values: Mapping[str, Any], unknown: Any, line: int,
                 role_key: str, arn_key: str) -> None:  # fmt: skip
        self.address = address
        self.config = _strip_keys(address)
        self.roles = _known(values, unknown, role_key)
        self.role_key = role_key
        self.arns = _known(values, unknown, arn_key)
        self.arn_key = arn_key
        self.line = line


def read_plan(plan: Mapping[str, Any], file: str, text: str) -> IacTemplate:
    out = IacTemplate(file, "terraform", text)
    refs = _config_references(plan)
    configured = _configured(plan)
    role_values: dict[str, tuple[str, int, str | None, list[tuple[str, int]]]] = {}
    policies: dict[str, str | None] = {}  # aws_iam_policy address -> its ARN when known
    attachments: list[_Attachment] = []
    pending_roles: list[tuple[int, str, str]] = []  # (policy index, address, role field)
    #: inline policies known only after apply: (role name, what, line)
    unknown_inline: list[tuple[str, str, int]] = []
    lambdas: list[tuple[str, str, Any, Any, int]] = []
    appsync_apis: dict[str, bool] = {}  # address -> whether an API key may call it
    gateway: list[tuple[str, str, Any, Any, int]] = []  # API Gateway methods, integrations
    data_sources: list[tuple[str, Any, Any, int]] = []
    #: (address, type, role names, kept names or ARNs; None: not known, line)
    exclusive: list[tuple[str, str, list[str] | None, list[str] | None, int]] = []
    for address, kind, values, unknown, line in _resources(plan):
        out.resources += 1
        if kind not in _FIELDS:
            out.problems.extend(_unread(address, kind, values, line))
        if kind == TF_COGNITO_CLIENT:
            if _unknown_field(unknown, "write_attributes"):
                out.claim_writers.append((address, None, line))
            else:
                raw = values.get("write_attributes")
                attrs = tuple(str(a) for a in raw) if isinstance(raw, list) else ()
                out.claim_writers.append((address, attrs, line))
        if kind in TF_API_POLICY:  # a policy known only after apply may allow
            key = TF_API_POLICY[kind]
            raw = values.get(key)
            if _unknown_field(unknown, key):
                out.api_policies.append((address, key, line, True))
            elif raw:
                out.api_policies.append((address, key, line, may_allow(raw)))
        if kind == "aws_api_gateway_rest_api":  # an OpenAPI body's x-amazon-apigateway-policy
            if _unknown_field(unknown, "body"):
                out.api_policies.append((address, "body", line, True))
            else:
                allows = definition_may_allow(values.get("body"))
                if allows is not None:
                    out.api_policies.append(
                        (address, "body.x-amazon-apigateway-policy", line, allows)
                    )
        for key, policy_kind in _FIELDS.get(kind, ()):
            before = len(out.policies)
            _one(out, address, kind, values, unknown, key, policy_kind, line, key)
            added = len(out.policies) > before
            if added and kind == "aws_iam_role_policy" and _known(values, unknown, "role") is None:
                pending_roles.append((before, address, "role"))
            if (
                kind == "aws_iam_role_policy"
                and isinstance(unknown, Mapping)
                and (unknown.get("policy") is True)
            ):
                for role in _known(values, unknown, "role") or ():
                    unknown_inline.append((role.rsplit("/", 1)[-1], address, line))
            if kind == "aws_iam_policy" and len(out.policies) > before:
                arn = values.get("arn")
                policies[address] = str(arn) if isinstance(arn, str) and arn else None
                if policies[address] is None and isinstance(values.get("name"), str):
                    path = str(values.get("path") or "/")
                    policies[address] = f"arn:{PARTITION}:iam::*:policy{path}{values['name']}"
        if kind in _NAMED:
            named = _known(values, unknown, _NAMED[kind])
            if named:
                known_arn = _known(values, unknown, "arn")
                arn_text = known_arn[0] if known_arn else _NAMED_ARN[kind](named[0])
                out.created.append((arn_text, address, line))
        if kind in ("aws_s3_bucket_acl", "aws_s3_bucket"):
            _bucket_acl(out, address, kind, values, unknown, line)
        if kind == "aws_s3_bucket" and values.get("logging"):
            # the provider's older inline form of aws_s3_bucket_logging
            _other_grant(out, address, "aws_s3_bucket_logging", values, unknown, line)
        if kind in _GRANTS:
            _other_grant(out, address, kind, values, unknown, line)
        if kind == "aws_dynamodb_table" and (
            values.get("replica") or _unknown_field(unknown, "replica")
        ):  # a replica is in another region: every item copied there
            _other_grant(out, address, "aws_dynamodb_table_replica", values, unknown, line)
        if kind == "aws_sqs_queue":
            _queue_redrive(out, address, values, unknown, line)
        if kind in ("aws_lambda_function", "aws_lambda_permission"):
            lambdas.append((address, kind, values, unknown, line))
        if (
            kind in _TF_METHODS
            or kind in _TF_INTEGRATIONS
            or kind in _TF_TRIGGERS
            or kind in _TF_DEFINITIONS
            or kind == "aws_s3_bucket_notification"
            or kind in _TF_EVENTS
        ):
            gateway.append((address, kind, values, unknown, line))
        if kind == "aws_appsync_graphql_api":
            appsync_apis[_strip_keys(address)] = _appsync_api_key(values, unknown)
        if kind == "aws_appsync_datasource" and (
            values.get("service_role_arn") or _unknown_field(unknown, "service_role_arn")
        ):
            data_sources.append((address, values, unknown, line))
        if kind in _ATTACHMENTS:
            role_key, arn_key = _ATTACHMENTS[kind]
            attachments.append(_Attachment(address, values, unknown, line, role_key, arn_key))
        if kind in _EXCLUSIVE:
            listed = _known(values, unknown, _EXCLUSIVE[kind])
            exclusive.append((address, kind, _known(values, unknown, "role_name"), listed, line))
        if kind == "aws_iam_role":
            name = str(values.get("name") or f"<name of {address}>")
            inline = values.get("inline_policy") or []
            flags = unknown.get("inline_policy") if isinstance(unknown, Mapping) else None
            for i, item_unknown in enumerate(flags if isinstance(flags, list) else []):
                if isinstance(item_unknown, Mapping) and item_unknown.get("policy") is True:
                    unknown_inline.append((name, f"inline_policy[{i}] of {address}", line))
                    out.problems.append(
                        Problem("PE113", "warning", f"`inline_policy[{i}].policy` of `{address}` "
                                "is known only after apply: it is not linted", line, address)
                    )  # fmt: skip
            for i, item in enumerate(inline if isinstance(inline, list) else []):
                item_unknown = flags[i] if isinstance(flags, list) and i < len(flags) else {}
                if isinstance(item, Mapping) and item.get("policy"):
                    _one(out, address, kind, item, item_unknown, "policy", "identity",
                         line_of(item, line), f"inline_policy[{i}] {item.get('name', '')}".strip(),
                         role=name, inline_name=str(item.get("name") or ""))  # fmt: skip
            arn = values.get("arn")
            managed = values.get("managed_policy_arns") or []
            # a role's own non-empty inline_policy (and its managed_policy_arns when
            # configured, [] included) take exclusive management of its inline
            # (managed) policies, as the *_exclusive resources
            kept = [str(i.get("name") or "") for i in inline if isinstance(i, Mapping)]
            if isinstance(inline, list) and inline:
                exclusive.append((address, "aws_iam_role_policies_exclusive", [name], kept, line))
            takes, listed = _exclusive_managed(address, values, unknown, configured)
            if takes:
                exclusive.append((address, "aws_iam_role_policy_attachments_exclusive", [name],
                                  listed, line))  # fmt: skip
            role_values[address] = (
                name,
                line,
                str(arn) if arn else None,
                [(str(a), line) for a in managed if isinstance(a, str)],
            )
            for a in managed if isinstance(managed, list) else []:
                out.problems.append(
                    Problem(
                        "PE112",
                        "info",
                        f"managed policy `{a}` attached to `{address}` is not linted "
                        "(its statements are not in the plan)",
                        line,
                        address,
                    )
                )
    names = {address: v[0] for address, v in role_values.items()}
    for index, address, field in pending_roles:
        found = _referenced(refs, _strip_keys(address), field, dict(names))
        policy = out.policies[index]
        if found:
            out.policies[index] = replace(policy, roles=tuple(found))
        else:  # on a role known only after apply: any role, a tier's too
            out.problems.append(_after_apply(address, field, policy.line, "the role"))
            out.policies[index] = replace(policy, roles=(opaque(f"role of {address}"),))
    #: per aws_iam_policy_attachment: (address, the plan's policies it attaches, roles)
    per_policy: list[tuple[str, list[str], list[str]]] = []
    for a in attachments:
        targets, roles = _attach(out, a, refs, names, policies, role_values)
        if a.role_key == "roles":
            per_policy.append((a.address, targets, roles))
    _removed_by_exclusive(out, exclusive, policies)
    _removed_by_policy_attachment(out, per_policy)
    _lambdas(out, lambdas, refs, names)
    _open_gateway(out, gateway, refs, names)
    _triggers(out, gateway, refs)
    for address, values, unknown, line in data_sources:
        config = refs.get(_strip_keys(address), {})
        apis = [a for a in config.get("api_id", []) if a in appsync_apis]
        public = not apis or any(appsync_apis[a] for a in apis)
        given = (
            None if _unknown_field(unknown, "service_role_arn") else values.get("service_role_arn")
        )
        role = given if isinstance(given, str) else ""
        if not role:
            found = [names[a] for a in config.get("service_role_arn", []) if a in names]
            role = found[0] if found else opaque(f"role of {address}")
        out.data_sources.append((address, role, line, public))
    # An inline policy known only after apply is on its role all the same: unknown
    # statements (drift PE121, and the deployed proof PE091 on a tier role).
    for role_name, what, at in unknown_inline:
        for name, _line, _arn, managed in role_values.values():
            if name.lower() == role_name.lower():
                managed.append((f"<{what}, known only after apply>", at))
    for address, (name, line, arn, managed) in role_values.items():
        trust = next((p for p in out.policies if p.owner == address and p.kind == "trust"), None)
        out.roles.append(
            RoleInfo(
                file,
                address,
                name,
                arn or f"arn:{PARTITION}:iam::<account>:role/{name}",
                line,
                trust,
                tuple(managed),
            )
        )
    return out


#: API Gateway methods / routes (their authorization field) and integrations (their
#: URI and credentials fields, and the field that names their method or route)
_TF_METHODS = {"aws_api_gateway_method": "authorization",
               "aws_apigatewayv2_route": "authorization_type"}  # fmt: skip
_TF_INTEGRATIONS = {
    "aws_api_gateway_integration": ("uri", "credentials", "http_method"),
    "aws_apigatewayv2_integration": ("integration_uri", "credentials_arn", None),
}


def _open_gateway(
    out: IacTemplate,
    found: list[tuple[str, str, Any, Any, int]],
    refs: Mapping[str, Mapping[str, list[str]]],
    role_names: Mapping[str, str],
) -> None:
    """A plan's API Gateway integration behind a method or route no authorizer guards
    (``authorization`` / ``authorization_type`` ``NONE``, "open access"; not set or not
    known read so): the Lambda function it integrates may be invoked by anyone, and its
    ``credentials`` role calls AWS for every caller (the deputy check). A REST
    integration's method is the one its configuration's ``http_method`` refers to; an
    HTTP route's integration the one its ``target`` refers to; one not linked is read
    as behind an open method."""
    methods = {a: (k, v, u) for a, k, v, u, _l in found if k in _TF_METHODS}

    def open_method(address: str) -> bool:
        kind, values, unknown = methods[address]
        field = _TF_METHODS[kind]
        value = values.get(field, "NONE" if kind == "aws_apigatewayv2_route" else None)
        return _unknown_field(unknown, field) or not isinstance(value, str) or value == "NONE"

    routes_to: dict[str, list[str]] = {}  # integration address -> routes targeting it
    for address, (kind, _v, _u) in methods.items():
        if kind == "aws_apigatewayv2_route":
            for target in refs.get(_strip_keys(address), {}).get("target", []):
                routes_to.setdefault(target, []).append(address)
    functions = {_strip_keys(f.owner): f for f in out.functions}
    _open_definitions(out, found, refs, functions)
    for address, kind, values, unknown, line in found:
        if kind not in _TF_INTEGRATIONS:
            continue
        uri_key, credentials_key, method_key = _TF_INTEGRATIONS[kind]
        config = refs.get(_strip_keys(address), {})
        if method_key is not None:
            linked = [m for m in config.get(method_key, []) if m in methods]
        else:
            linked = [m for m in routes_to.get(_strip_keys(address), []) if m in methods]
        if linked and not any(open_method(m) for m in linked):
            continue
        uri = None if _unknown_field(unknown, uri_key) else values.get(uri_key)
        name = None
        owner = None
        if isinstance(uri, str) and ":function:" in uri:
            name = re.split(r"[:/]", uri.split(":function:", 1)[1], maxsplit=1)[0]
        else:
            hit = [functions[r] for r in config.get(uri_key, []) if r in functions]
            if hit:
                owner, name = hit[0].owner, hit[0].name
        if name is not None:
            out.open_invokes.append(
                InvokePermission(f"{address} (no authorizer)", line, owner, name, "*", None)
            )
        given = None if _unknown_field(unknown, credentials_key) else values.get(credentials_key)
        role = given if isinstance(given, str) else ""
        if not role:
            named = [role_names[r] for r in config.get(credentials_key, []) if r in role_names]
            role = named[0] if named else ""
        if role or _unknown_field(unknown, credentials_key):
            out.data_sources.append(
                (f"{address}.{credentials_key}", role or opaque("role"), line, True)
            )


#: APIs a plan may define by an OpenAPI ``body`` (and an HTTP API's quick-create
#: ``target``)
_TF_DEFINITIONS = ("aws_api_gateway_rest_api", "aws_apigatewayv2_api")


def _open_definitions(
    out: IacTemplate,
    found: list[tuple[str, str, Any, Any, int]],
    refs: Mapping[str, Mapping[str, list[str]]],
    functions: Mapping[str, LambdaFunction],
) -> None:
    """An API of the plan whose OpenAPI ``body`` has an operation no authorizer guards
    (:func:`._api.open_operations`) integrating a function or calling AWS with
    ``credentials``; an ``aws_apigatewayv2_api``'s quick-create ``target`` (a default
    route no authorizer guards). A ``body`` not read (YAML, known only after apply) may
    open any function it names or its configuration refers to."""
    for address, kind, values, unknown, line in found:
        if kind not in _TF_DEFINITIONS:
            continue
        config = refs.get(_strip_keys(address), {})
        opened: list[tuple[str, str | None, str]] = []  # (what, owner, name)
        if kind == "aws_apigatewayv2_api":
            what = f"{address}.target (quick create: no authorizer)"
            target = None if _unknown_field(unknown, "target") else values.get("target")
            if isinstance(target, str) and ":function:" in target:
                opened.append((what, None, function_name(target)))
            elif target is None and _unknown_field(unknown, "target"):
                opened += [
                    (what, f.owner, f.name) for f in _fn_referred(config, "target", functions)
                ]
        raw = None if _unknown_field(unknown, "body") else values.get("body")
        body = read_definition(raw) if raw else None
        if body is None and (raw or _unknown_field(unknown, "body")):
            what = f"{address}.body (not read: may leave a method open)"
            opened += [(what, f.owner, f.name) for f in _fn_referred(config, "body", functions)]
            text = raw if isinstance(raw, str) else ""
            opened += [(what, None, n) for n in re.findall(r":function:([A-Za-z0-9_-]+)", text)]
        for where, uri, credentials in open_operations(body) if body is not None else ():
            if isinstance(uri, str) and ":function:" in uri:
                opened.append((f"{address}.body `{where}` (no authorizer)", None,
                               function_name(uri.split("/invocations", 1)[0])))  # fmt: skip
            if credentials is not None:
                role = credentials if isinstance(credentials, str) else opaque("role")
                out.data_sources.append((f"{address}.body `{where}` credentials", role, line, True))
        for what, owner, name in opened:
            owner = owner or next((f.owner for f in out.functions if f.name == name), None)
            out.open_invokes.append(InvokePermission(what, line, owner, name, "*", None))


def _fn_referred(
    config: Mapping[str, list[str]], key: str, functions: Mapping[str, LambdaFunction]
) -> list[LambdaFunction]:
    """The functions of the plan a configuration's field refers to."""
    return [functions[r] for r in config.get(key, []) if r in functions]


#: what feeds a function: type -> (source ARN field, function field)
_TF_TRIGGERS = {
    "aws_lambda_event_source_mapping": ("event_source_arn", "function_name"),
    "aws_sns_topic_subscription": ("topic_arn", "endpoint"),
}


def _triggers(
    out: IacTemplate,
    found: list[tuple[str, str, Any, Any, int]],
    refs: Mapping[str, Mapping[str, list[str]]],
) -> None:
    """``aws_lambda_event_source_mapping`` and a Lambda ``aws_sns_topic_subscription``:
    the queue or topic that feeds a function (``IacTemplate.triggers``); a value known
    only after apply is read through the configuration (the function's name, the
    source's ARN when the plan knows it), else it is unknown."""
    functions = {_strip_keys(f.owner): f for f in out.functions}
    arns = {_strip_keys(a): arn for arn, a, _l in out.created}
    for address, kind, values, unknown, line in found:
        if kind == "aws_s3_bucket_notification":
            _bucket_triggers(out, address, values, unknown, line, refs)
        if kind in _TF_EVENTS:
            _event_bus(out, address, kind, values, unknown, line, refs)
        if kind not in _TF_TRIGGERS:
            continue
        if kind == "aws_sns_topic_subscription" and values.get("protocol") not in (None, "lambda"):
            continue
        source_key, function_key = _TF_TRIGGERS[kind]
        config = refs.get(_strip_keys(address), {})
        source = None if _unknown_field(unknown, source_key) else values.get(source_key)
        if not isinstance(source, str) or not source:
            known = [arns[r] for r in config.get(source_key, []) if r in arns]
            source = known[0] if known else opaque(f"{source_key} of {address}")
        given = None if _unknown_field(unknown, function_key) else values.get(function_key)
        owner = None
        if isinstance(given, str) and given:
            name = function_name(given)
            owner = next((f.owner for f in out.functions if f.name == name), None)
        else:
            hit = [functions[r] for r in config.get(function_key, []) if r in functions]
            owner, name = (hit[0].owner, hit[0].name) if hit else (None, opaque("function"))
        out.triggers.append((address, owner, name, source, line))


#: EventBridge: a rule's target (a function the bus feeds), and what lets others put
#: events on a bus
_TF_EVENTS = (
    "aws_cloudwatch_event_target",
    "aws_cloudwatch_event_permission",
    "aws_cloudwatch_event_bus_policy",
)


def _event_bus(
    out: IacTemplate,
    address: str,
    kind: str,
    values: Mapping[str, Any],
    unknown: Any,
    line: int,
    refs: Mapping[str, Mapping[str, list[str]]],
) -> None:
    """An ``aws_cloudwatch_event_target`` whose ``arn`` is a function: a trigger from its
    bus (``event_bus_name``, ``default`` when not set); an
    ``aws_cloudwatch_event_permission`` (``principal`` ``*``: "any AWS account") or an
    ``aws_cloudwatch_event_bus_policy`` that may let anyone put events: the bus is a
    source anyone writes (``IacTemplate.open_writers``). A value known only after apply
    may be either."""
    from ._invoke import _may_put

    name = None if _unknown_field(unknown, "event_bus_name") else values.get("event_bus_name")
    name = name if isinstance(name, str) and name else None
    if name is None and _unknown_field(unknown, "event_bus_name"):
        name = opaque(f"event bus of {address}")
    name = name or "default"
    bus = name if name.startswith("arn:") else f"arn:{PARTITION}:events:*:*:event-bus/{name}"
    if kind == "aws_cloudwatch_event_target":
        given = None if _unknown_field(unknown, "arn") else values.get("arn")
        owner = None
        if isinstance(given, str) and given:
            if ":function:" not in given:
                return
            fn = function_name(given)
            owner = next((f.owner for f in out.functions if f.name == fn), None)
        else:
            config = refs.get(_strip_keys(address), {})
            hit = [f for f in out.functions if _strip_keys(f.owner) in config.get("arn", [])]
            owner, fn = (hit[0].owner, hit[0].name) if hit else (None, opaque("function"))
        out.triggers.append((address, owner, fn, bus, line))
        return
    if kind == "aws_cloudwatch_event_permission":
        principal = None if _unknown_field(unknown, "principal") else values.get("principal")
        action = None if _unknown_field(unknown, "action") else values.get("action")
        statement = {"Effect": "Allow", "Principal": principal or opaque("principal"),
                     "Action": action or "events:PutEvents"}  # fmt: skip
        statements: list[Any] = [statement]
    else:
        raw = None if _unknown_field(unknown, "policy") else values.get("policy")
        try:
            policy = loads_policy_text(raw) if isinstance(raw, str) else None
        except ValueError:
            policy = None
        found = policy.get("Statement") if isinstance(policy, Mapping) else None
        statements = found if isinstance(found, list) else [found]
    if any(_may_put(st) for st in statements):
        out.open_writers.append((bus, address, line))


def _bucket_triggers(
    out: IacTemplate,
    address: str,
    values: Mapping[str, Any],
    unknown: Any,
    line: int,
    refs: Mapping[str, Mapping[str, list[str]]],
) -> None:
    """An ``aws_s3_bucket_notification``'s ``lambda_function`` blocks: the bucket feeds
    each function its writers' keys (``IacTemplate.triggers``); a bucket or function
    known only after apply is read through the configuration, else it is unknown."""
    bucket = None if _unknown_field(unknown, "bucket") else values.get("bucket")
    if not isinstance(bucket, str) or not bucket:
        created = {_strip_keys(a): arn for arn, a, _l in out.created}
        known = [created[r] for r in refs.get(_strip_keys(address), {}).get("bucket", [])
                 if r in created]  # fmt: skip
        source = known[0] if known else f"arn:{PARTITION}:s3:::{opaque(f'bucket of {address}')}"
    else:
        source = f"arn:{PARTITION}:s3:::{bucket}"
    blocks = values.get("lambda_function")
    if _unknown_field(unknown, "lambda_function") and not blocks:
        blocks = [{}]
    for i, block in enumerate(blocks if isinstance(blocks, list) else ()):
        given = block.get("lambda_function_arn") if isinstance(block, Mapping) else None
        owner = None
        if isinstance(given, str) and given:
            name = function_name(given)
            owner = next((f.owner for f in out.functions if f.name == name), None)
        else:
            config = refs.get(_strip_keys(address), {})
            hit = [f for f in out.functions
                   if _strip_keys(f.owner) in config.get("lambda_function", [])]  # fmt: skip
            owner, name = (hit[0].owner, hit[0].name) if hit else (None, opaque("function"))
        out.triggers.append((f"{address}.lambda_function[{i}]", owner, name, source, line))


def _appsync_api_key(values: Mapping[str, Any], unknown: Any) -> bool:
    """Whether an ``aws_appsync_graphql_api`` lets an API key call it: ``API_KEY`` as
    its ``authentication_type`` or an ``additional_authentication_provider``'s, or a
    type known only after apply."""
    if _unknown_field(unknown, "authentication_type") or _unknown_field(
        unknown, "additional_authentication_provider"
    ):
        return True
    types = [values.get("authentication_type")]
    extra = values.get("additional_authentication_provider")
    for item in extra if isinstance(extra, list) else []:
        types.append(item.get("authentication_type") if isinstance(item, Mapping) else None)
    return any(not isinstance(t, str) or t == "API_KEY" for t in types)


#: Canned ACLs that grant no one but the owner on a bucket (S3 User Guide, "Access
#: control list (ACL) overview": the bucket-owner ones apply to objects).
_OWNER_ONLY_ACLS = ("private", "bucket-owner-read", "bucket-owner-full-control")


def _bucket_acl(out: IacTemplate, address: str, kind: str, values: Mapping[str, Any],
                unknown: Any, line: int) -> None:  # fmt: skip
    """An S3 bucket ACL of the plan that grants someone other than the owner
    (``aws_s3_bucket_acl`` ``acl`` / ``access_control_policy``, ``aws_s3_bucket``'s older
    ``acl`` / ``grant``): recorded as a grant on the bucket (PE115; PE091 on a model
    bucket). An ``aws_s3_bucket_acl`` known only after apply may grant anyone, so it is
    one too (``aws_s3_bucket``'s are computed by the provider: only known ones count)."""
    found: list[str] = []
    flags = unknown if isinstance(unknown, Mapping) and kind == "aws_s3_bucket_acl" else {}
    acl = values.get("acl")
    if flags.get("acl") is True:
        found.append("ACL known only after apply")
    elif isinstance(acl, str) and acl and acl not in _OWNER_ONLY_ACLS:
        found.append(f"ACL `{acl}`")
    policy = values.get("access_control_policy")
    if flags.get("access_control_policy") not in (None, False, [], {}) and not (
        isinstance(policy, list) and policy
    ):
        found.append("access control policy known only after apply")
    for block in policy if isinstance(policy, list) else []:
        if not isinstance(block, Mapping):
            continue
        owners = block.get("owner") or []
        owner_ids = {o.get("id") for o in owners if isinstance(o, Mapping) and o.get("id")}
        for grant in block.get("grant") or []:
            grantees = grant.get("grantee") if isinstance(grant, Mapping) else None
            for grantee in grantees or [{}]:
                if not isinstance(grantee, Mapping) or grantee.get("id") not in owner_ids:
                    who = _grantee(grantee)
                    found.append(f"access control grant to {who}")
    for grant in values.get("grant") or [] if kind == "aws_s3_bucket" else []:
        if isinstance(grant, Mapping):
            found.append(f"ACL grant to {_grantee(grant)}")
    if not found:
        return
    bucket = _known(values, unknown, "bucket")
    arn = f"arn:{PARTITION}:s3:::{bucket[0] if bucket else opaque('bucket')}"
    what = found[0]
    out.grants.append((arn, what, address, line))
    out.problems.append(
        Problem(
            "PE115",
            "warning",
            f"`{address}` grants access to `{shown(arn) if bucket else 'its bucket'}` by its "
            f"{what}, "
            "outside any policy: policy-engine does not read ACLs, so whom it opens the data "
            "to is not checked",
            line,
            address,
        )
    )


#: Resources that grant access without a policy document: type -> (field naming what
#: they open, what they are). KMS grants (AWS KMS Developer Guide, "Grants in AWS
#: KMS": a grant lets its grantee principal use the key for its operations, beside the
#: key policy); S3 Access Grants locations (a registered bucket or prefix whose access
#: grants vend credentials to their grantees).
_GRANTS = {
    "aws_kms_grant": ("key_id", "KMS grant"),
    "aws_s3control_access_grants_location": ("location_scope", "S3 Access Grants location"),
    "aws_s3_bucket_replication_configuration": (
        "bucket", "replication configuration (its objects copied to another bucket)"),
    "aws_s3_bucket_inventory": (
        "bucket", "inventory configuration (its keys listed into another bucket)"),
    "aws_dynamodb_kinesis_streaming_destination": (
        "table_name", "Kinesis stream destination (its items copied to a stream)"),
    "aws_s3_bucket_notification": (
        "bucket", "event notifications (its keys copied to a queue, topic, function or "
        "EventBridge)"),
    "aws_s3_bucket_logging": (
        "bucket", "server access logs (its keys and requesters copied to a log bucket)"),
    "aws_pipes_pipe": ("source", "EventBridge pipe (its records copied to the pipe's target)"),
    "aws_sqs_queue_redrive_policy": (
        "queue_url", "redrive policy (its messages moved to a dead-letter queue)"),
    # a global table's replica in another region (aws_dynamodb_table_replica, or the
    # table's own replica blocks): every item copied to a table outside the model's ARN
    "aws_dynamodb_table_replica": (
        "global_table_arn", "replica in another region (its items copied to another table)"),
}  # fmt: skip


def _other_grant(out: IacTemplate, address: str, kind: str, values: Mapping[str, Any],
                 unknown: Any, line: int) -> None:  # fmt: skip
    key, what = _GRANTS[kind]
    known = _known(values, unknown, key)
    value = known[0] if known else None
    if kind == "aws_kms_grant":
        if value and value.startswith("arn:"):
            arn = value
        else:  # a key ID; an alias or an unknown value is any key
            key = value if value and "/" not in value else opaque("key")
            arn = f"arn:{PARTITION}:kms:{opaque('region')}:{opaque('account')}:key/{key}"
    elif kind == "aws_dynamodb_table_replica" and "global_table_arn" not in values:
        # the table's own replica blocks: the table by its name
        named = _known(values, unknown, "name")
        table = named[0] if named else opaque("table")
        arn = f"arn:{PARTITION}:dynamodb:{opaque('region')}:{opaque('account')}:table/{table}"
    elif kind in ("aws_dynamodb_kinesis_streaming_destination", "aws_dynamodb_table_replica"):
        table = value.rsplit("/", 1)[-1] if value else opaque("table")
        arn = f"arn:{PARTITION}:dynamodb:{opaque('region')}:{opaque('account')}:table/{table}"
    elif kind == "aws_s3control_access_grants_location":
        arn = s3_scope_arn(value, PARTITION)
    elif kind == "aws_pipes_pipe":
        arn = (
            value.split("/stream/", 1)[0]
            if value and value.startswith("arn:")
            else opaque("pipe source")
        )
    elif kind == "aws_sqs_queue_redrive_policy":
        arn = (
            queue_arn(value, PARTITION)
            if value
            else (f"arn:{PARTITION}:sqs:{opaque('region')}:{opaque('account')}:{opaque('queue')}")
        )
    else:
        arn = f"arn:{PARTITION}:s3:::{value.rsplit(':', 1)[-1] if value else opaque('bucket')}"
    out.grants.append((arn, what, address, line))
    out.problems.append(
        Problem(
            "PE115",
            "warning",
            f"`{address}` opens `{shown(arn)}` by its {what}, outside any policy "
            "document: policy-engine does not read it, so whom it opens the data to is not "
            "checked",
            line,
            address,
        )
    )


def _queue_redrive(out: IacTemplate, address: str, values: Mapping[str, Any], unknown: Any,
                   line: int) -> None:  # fmt: skip
    """``aws_sqs_queue``'s ``redrive_policy`` (set, or known only after apply: a
    dead-letter queue of the plan): SQS moves the queue's messages to another queue
    (SQS Developer Guide, "Using dead-letter queues"), where no policy of this queue
    governs who reads them."""
    flags = unknown if isinstance(unknown, Mapping) else {}
    if not values.get("redrive_policy") and flags.get("redrive_policy") is not True:
        return
    name = _known(values, unknown, "name")
    known_arn = _known(values, unknown, "arn")
    arn = (
        known_arn[0]
        if known_arn
        else _NAMED_ARN["aws_sqs_queue"](name[0] if name else opaque("queue"))
    )
    what = "redrive policy (its messages moved to a dead-letter queue)"
    out.grants.append((arn, what, address, line))
    out.problems.append(
        Problem(
            "PE115",
            "warning",
            f"`{address}` opens `{shown(arn)}` by its {what}, outside any policy document: "
            "policy-engine does not read it, so whom it opens the data to is not checked",
            line,
            address,
        )
    )


def _lambdas(
    out: IacTemplate,
    found: list[tuple[str, str, Any, Any, int]],
    refs: Mapping[str, Mapping[str, list[str]]],
    role_names: Mapping[str, str],
) -> None:
    """``aws_lambda_function`` (its name, the role it runs as) and
    ``aws_lambda_permission`` (who may invoke which function); a value known only
    after apply is read through the configuration, else it is unknown (opaque)."""
    functions = {a: v for a, k, v, _u, _l in found if k == "aws_lambda_function"}
    names = {a: str(v.get("function_name") or opaque(f"name of {a}")) for a, v in functions.items()}
    for address, kind, values, unknown, line in found:
        config = _strip_keys(address)
        if kind == "aws_lambda_function":
            role = _known(values, unknown, "role")
            if not role:
                found_roles = _referenced(refs, config, "role", dict(role_names))
                role = [f"arn:{PARTITION}:iam::{opaque('account')}:role/{n}" for n in found_roles]
            runs_as = role[0] if role else opaque("role")
            out.functions.append(LambdaFunction(address, names[address], runs_as, line))
            continue
        named = _known(values, unknown, "function_name")
        owner = None
        if named:
            name = function_name(named[0])
            owner = next((a for a, n in names.items() if n == name), None)
        else:
            wanted = set(refs.get(config, {}).get("function_name", ()))
            owner = next((a for a in functions if _strip_keys(a) in wanted), None)
            name = names[owner] if owner else opaque(f"function_name of {address}")
        principal = _known(values, unknown, "principal")
        source = values.get("source_arn")
        flags = unknown if isinstance(unknown, Mapping) else {}
        out.invokes.append(
            InvokePermission(
                address,
                line,
                owner,
                name,
                principal[0] if principal else opaque("principal"),
                opaque("source_arn") if flags.get("source_arn") is True
                else (str(source) if isinstance(source, str) and source else None),
            )
        )  # fmt: skip


def _grantee(grantee: Any) -> str:
    if not isinstance(grantee, Mapping):
        return "an unknown grantee"
    for key in ("uri", "id", "email_address"):
        if grantee.get(key):
            return f"`{grantee[key]}`"
    return "an unknown grantee"


def _referenced(
    refs: Mapping[str, Mapping[str, list[str]]],
    config: str,
    field: str,
    known: Mapping[str, str | None],
) -> list[str]:
    """What a field known only after apply refers to, by the configuration: the values
    (role names, policy ARNs) of the plan's resources at those addresses (every
    instance of a counted resource)."""
    wanted = set(refs.get(config, {}).get(field, ()))
    return [v for address, v in known.items() if _strip_keys(address) in wanted and v is not None]


def _after_apply(address: str, field: str, line: int, what: str) -> Problem:
    return Problem(
        "PE113",
        "warning",
        f"`{field}` of `{address}` is known only after apply and refers to no resource of the "
        f"plan: {what} it attaches to is unknown, so it is not checked",
        line,
        address,
    )


#: Resources that keep on a role only the inline policies (by name) or the managed
#: policies (by ARN) they list, removing every other at apply: type -> listed field.
_EXCLUSIVE = {
    "aws_iam_role_policies_exclusive": "policy_names",
    "aws_iam_role_policy_attachments_exclusive": "policy_arns",
}


def _removed_by_exclusive(
    out: IacTemplate,
    exclusive: list[tuple[str, str, list[str] | None, list[str] | None, int]],
    policies: Mapping[str, str | None],
) -> None:
    """A plan's ``aws_iam_role_policies_exclusive`` (``..._attachments_exclusive``,
    or a role's own non-empty ``inline_policy``, its configured ``managed_policy_arns``) takes
    exclusive ownership of its role's inline (managed) policies, removing those it
    does not list (Terraform AWS provider documentation of these resources), while an
    ``aws_iam_role_policy`` (attachment) may add one back: such a policy may or may
    not be on the role, so its Allows are read as on it and its Denies fence nothing
    (``undecided``), with a PE111 warning. A role or list known only after apply may
    remove any."""
    for address, kind, roles, listed, _line in exclusive:
        wanted = None if roles is None else {r.rsplit("/", 1)[-1].lower() for r in roles}
        for p in out.policies:
            if p.kind != "identity" or p.resource_type not in (
                "aws_iam_role_policy", "aws_iam_policy"
            ):  # fmt: skip
                continue
            if wanted is not None and not wanted & {r.lower() for r in p.roles}:
                continue
            if kind == "aws_iam_role_policies_exclusive":
                if p.resource_type != "aws_iam_role_policy":
                    continue
                kept = listed is not None and (p.inline_name or "") in listed
            else:
                if p.resource_type != "aws_iam_policy":
                    continue
                arn = policies.get(p.owner)
                kept = (
                    listed is not None
                    and arn is not None
                    and any(fnmatchcase(a, widen_text(arn)) for a in listed)
                )
            if kept or p.owner in out.undecided:
                continue
            _may_be_removed(
                out,
                p,
                f"`{p.owner}` is on a role whose policies `{address}` keeps to those it "
                "lists, and it is not listed (or the list is known only after apply): "
                "it may be removed at apply",
            )


def _removed_by_policy_attachment(
    out: IacTemplate, per_policy: list[tuple[str, list[str], list[str]]]
) -> None:
    """An ``aws_iam_policy_attachment`` is the exclusive attachment of its policy across
    the account: at apply it detaches the policy from every role (user, group) it does
    not list, one an ``aws_iam_role_policy_attachment`` or a role's
    ``managed_policy_arns`` attaches included (Terraform AWS provider documentation of
    ``aws_iam_policy_attachment``). A policy of the plan on a role the resource does
    not list (or whose roles are known only after apply) may be removed: its Denies
    fence nothing in the deployed proof (``undecided``), with a PE111 warning; its
    Allows are read all the same."""
    for address, targets, roles in per_policy:
        listed = {r.lower() for r in roles}
        anyone = any(has_opaque(r) for r in roles)  # an unknown role: which is not known
        for p in out.policies:
            if p.owner not in targets or p.kind != "identity" or p.owner in out.undecided:
                continue
            others = [r for r in p.roles if r.lower() not in listed]
            if not others or (anyone and all(has_opaque(r) for r in others)):
                continue
            _may_be_removed(
                out,
                p,
                f"`{p.owner}` is attached to `{shown(others[0])}`, which `{address}` (the "
                "exclusive attachment of the policy across the account) does not list: "
                "it may be removed from that role at apply",
            )


def _may_be_removed(out: IacTemplate, p: ExtractedPolicy, why: str) -> None:
    """A policy that apply may remove from a tier role: its Denies fence nothing in the
    deployed proof (``undecided``); a PE111 warning says so when it has any (its
    Allows are read all the same)."""
    out.undecided.add(p.owner)
    raw = p.document.get("Statement")
    statements = raw if isinstance(raw, list) else [raw]
    if any(isinstance(st, Mapping) and st.get("Effect") != "Allow" for st in statements):
        out.problems.append(
            Problem(
                "PE111",
                "warning",
                why + ", so its Deny statements fence nothing in the deployed proof",
                p.line,
                p.owner,
            )
        )


def _attach(
    out: IacTemplate,
    a: _Attachment,
    refs: Mapping[str, Mapping[str, list[str]]],
    names: Mapping[str, str],
    policies: Mapping[str, str | None],
    role_values: dict[str, tuple[str, int, str | None, list[tuple[str, int]]]],
) -> tuple[list[str], list[str]]:
    """Attach each policy of ``a`` to each of its roles: a policy of the plan gains the
    role (its statements are the role's); any other is an external managed policy of
    the role (``PE112``; an ARN known only after apply that names no policy of the plan
    stays on the role as unknown, so drift and the proof never pass over it). Returns
    the addresses of the plan's policies it attaches and the roles (names) it names."""
    roles = a.roles
    if roles is None:
        roles = _referenced(refs, a.config, a.role_key, dict(names))
        if not roles:  # a role known only after apply: any role, a tier's too
            out.problems.append(_after_apply(a.address, a.role_key, a.line, "the role"))
            roles = [opaque(f"role of {a.address}")]
    roles = [r.rsplit("/", 1)[-1] for r in roles]  # a name, or an ARN
    targets: list[str] = []  # addresses of policies of the plan
    external: list[str] = []
    if a.arns is None:
        wanted = set(refs.get(a.config, {}).get(a.arn_key, ()))
        targets = [p for p in policies if _strip_keys(p) in wanted]
        if not targets:
            external.append(f"<{a.arn_key} of {a.address}, known after apply>")
            out.problems.append(_after_apply(a.address, a.arn_key, a.line, "the policy"))
    else:
        for arn in a.arns:
            match = [
                p for p, known in policies.items() if known and fnmatchcase(arn, widen_text(known))
            ]
            targets.extend(match)
            if not match:
                external.append(arn)
                out.problems.append(
                    Problem("PE112", "info", f"managed policy `{arn}` attached by `{a.address}` "
                            "is not in the plan: its statements are not linted", a.line, a.address)
                )  # fmt: skip
    for i, p in enumerate(out.policies):
        if p.owner in targets and p.kind == "identity":
            out.policies[i] = replace(p, roles=tuple(dict.fromkeys((*p.roles, *roles))))
    wanted_roles = {r.lower() for r in roles}
    for name, _line, _arn, managed in role_values.values():
        if name.lower() in wanted_roles:
            managed.extend((e, a.line) for e in external)
    for role in roles:  # a role not known: its external policies may be a tier role's
        if has_opaque(role):
            for e in external:
                out.role_grants.append((role, f"managed policy `{shown(e)}`", a.address, a.line))
    return targets, roles


def _one(
    out: IacTemplate,
    address: str,
    kind: str,
    values: Mapping[str, Any],
    unknown: Any,
    key: str,
    policy_kind: PolicyKind,
    line: int,
    name: str,
    *,
    role: str | None = None,
    inline_name: str | None = None,
) -> None:
    key_line = values.key_lines.get(key, line) if isinstance(values, Node) else line
    raw = values.get(key)
    if isinstance(unknown, Mapping) and unknown.get(key) is True:
        out.problems.append(
            Problem(
                "PE113",
                "warning",
                f"`{key}` of `{address}` is known only after apply: it is not linted "
                "(lint a plan where it is known, or the configuration's rendered JSON)",
                key_line,
                address,
            )
        )
        if policy_kind == "resource":
            # a resource policy nobody can read is on its resource all the same: what it
            # grants there is unknown (PE091 on a model resource), never the catalogue's
            what = "resource policy known only after apply"
            for target in (*_targets(kind, values, unknown), *_through(kind, values, unknown)):
                out.grants.append((target, what, address, key_line))
        return
    if raw in (None, ""):
        return

    def unreadable(what: str) -> None:
        out.problems.append(
            Problem("PE110", "error", f"`{key}` of `{address}` {what}", key_line, address)
        )

    if not isinstance(raw, str):
        unreadable("must be a JSON string")
        return
    try:
        document = loads_policy_text(raw)
    except ValueError as exc:
        unreadable(f"is not JSON: {exc}")
        return
    if not isinstance(document, dict):
        unreadable("must be a JSON object")
        return
    attached: tuple[str, ...] = ()
    if role is not None:
        attached = (role,)
    elif kind == "aws_iam_role_policy":
        known = _known(values, unknown, "role")
        attached = (known[0].rsplit("/", 1)[-1],) if known else ()
    if kind == "aws_iam_role_policy" and isinstance(values.get("name"), str):
        inline_name = values["name"]
    targets = _targets(kind, values, unknown) if policy_kind == "resource" else ()
    through = _through(kind, values, unknown) if policy_kind == "resource" else ()
    out.policies.append(
        ExtractedPolicy(
            out.file,
            address,
            kind,
            name,
            policy_kind,
            document,
            key_line,
            {"$": key_line},
            attached,
            targets,
            through,
            inline_name,
        )
    )


def _unread(address: str, kind: str, values: Mapping[str, Any], line: int) -> list[Problem]:
    """A resource of a type the reader has no fields for whose values hold a policy
    document (a JSON string with a ``Statement``, at any depth), or one statement given
    as attributes (``principal`` and ``action``): not linted (PE114)."""
    found: dict[str, int] = {}

    def walk(value: Any, path: str, at: int) -> None:
        if isinstance(value, str):
            if '"Statement"' in value:
                found.setdefault(path, at)
        elif isinstance(value, Mapping):
            if "principal" in value and "action" in value and kind != "aws_lambda_permission":
                # one statement given as attributes (aws_cloudwatch_event_permission:
                # principal, action, condition; a Lambda permission is read apart)
                found.setdefault(path or "$", at)
                return
            for key, item in value.items():
                key_line = value.key_lines.get(key, at) if isinstance(value, Node) else at
                walk(item, f"{path}.{key}" if path else str(key), key_line)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{path}[{i}]", line_of(item, at))

    walk(values, "", line)
    return [
        Problem(
            "PE114",
            "warning",
            f"`{address}` ({kind}) holds a policy document at `{path}` that policy-engine "
            "does not read: it is not linted, and a model resource it opens is not in the "
            "drift check or the deployed proof",
            at,
            address,
            # an API's resource policy (or its OpenAPI body's): recorded in api_policies
            api=kind in TF_API_POLICY
            and path.split(".", 1)[0].split("[", 1)[0] in ("policy", "body"),
        )
        for path, at in found.items()
    ]


def _through(kind: str, values: Mapping[str, Any], unknown: Any) -> tuple[str, ...]:
    """The bucket(s) whose data an access point policy of the plan opens: the access
    point's own bucket when the plan knows it, else any bucket (opaque)."""
    if kind == "aws_s3_access_point":
        known = _known(values, unknown, "bucket")
        bucket = known[0].rsplit(":", 1)[-1] if known else opaque("bucket")
        return (f"arn:{PARTITION}:s3:::{bucket}",)
    if kind.startswith("aws_s3control_"):
        return (f"arn:{PARTITION}:s3:::{opaque('bucket')}",)
    if kind == "aws_dynamodb_resource_policy":
        # a stream's policy (``<table ARN>/stream/<label>``) opens the table's items
        known = _known(values, unknown, "resource_arn")
        if known and "/stream/" in known[0]:
            return (known[0].split("/stream/", 1)[0],)
    return ()


def _targets(kind: str, values: Mapping[str, Any], unknown: Any) -> tuple[str, ...]:
    """The ARN(s) a resource policy of the plan is attached to; a value known only
    after apply is an opaque part of the service's ARN, never an empty name (which
    would attach the policy to nothing)."""

    def field(key: str) -> str | None:
        found = _known(values, unknown, key)
        return found[0] if found else None

    some = opaque
    arn = field("arn")
    if kind in ("aws_s3_bucket_policy", "aws_s3_bucket"):
        return (f"arn:{PARTITION}:s3:::{field('bucket') or some('bucket')}",)
    if kind == "aws_kms_key":
        return (arn or f"arn:{PARTITION}:kms:{some('region')}:{some('account')}:key/{some('key')}",)
    if kind == "aws_kms_key_policy":
        key = field("key_id") or some("key")
        return (key if key.startswith("arn:") else
                f"arn:{PARTITION}:kms:{some('region')}:{some('account')}:key/{key}",)  # fmt: skip
    if kind == "aws_sqs_queue_policy":
        url = field("queue_url")
        if url:
            return (queue_arn(url, PARTITION),)
        return (f"arn:{PARTITION}:sqs:{some('region')}:{some('account')}:{some('queue')}",)
    if kind == "aws_sqs_queue":
        return (arn or f"arn:{PARTITION}:sqs:{some('region')}:{some('account')}:"
                f"{field('name') or some('queue')}",)  # fmt: skip
    if kind == "aws_secretsmanager_secret_policy":
        secret = field("secret_arn")
        region, account = some("region"), some("account")
        return (secret or f"arn:{PARTITION}:secretsmanager:{region}:{account}:secret:"
                f"{some('secret')}",)  # fmt: skip
    if kind == "aws_secretsmanager_secret":
        name = field("name")
        return (arn or f"arn:{PARTITION}:secretsmanager:{some('region')}:{some('account')}:secret:"
                + (f"{name}-{some('suffix')}" if name else some("secret")),)  # fmt: skip
    if kind == "aws_dynamodb_resource_policy":
        region, account = some("region"), some("account")
        return (field("resource_arn") or f"arn:{PARTITION}:dynamodb:{region}:{account}:"
                f"table/{some('table')}",)  # fmt: skip
    if kind == "aws_sns_topic_policy":
        return (arn or f"arn:{PARTITION}:sns:{some('region')}:{some('account')}:{some('topic')}",)
    if kind == "aws_sns_topic":
        return (arn or f"arn:{PARTITION}:sns:{some('region')}:{some('account')}:"
                f"{field('name') or some('topic')}",)  # fmt: skip
    if kind in ("aws_s3_access_point", "aws_s3control_access_point_policy",
                "aws_s3control_object_lambda_access_point_policy"):  # fmt: skip
        point = arn or field("access_point_arn")
        if point is None:
            service = "s3-object-lambda" if "object_lambda" in kind else "s3"
            point = (f"arn:{PARTITION}:{service}:{some('region')}:{some('account')}:accesspoint/"
                     f"{field('name') or some('access point')}")  # fmt: skip
        return (point, f"{point}/object/*")
    return ()
