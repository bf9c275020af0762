"""The Terraform reader: ``terraform show -json`` plan output.

Policies are JSON strings in the plan (``policy``, ``assume_role_policy``,
``inline_policy[].policy``). Each resource is read from ``resource_changes`` (the
planned ``after`` values; resources being only deleted are skipped), else from
``planned_values`` (modules included). A policy that is known only after apply
(``after_unknown``) cannot be linted: it is a ``PE113`` finding, never a pass.
Lines are those of the policy field in the plan file.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

from ._nodes import Node, line_of
from ._types import ExtractedPolicy, IacTemplate, PolicyKind, Problem, RoleInfo

#: type: [(field, kind, what it is attached to)]
_FIELDS: dict[str, list[tuple[str, PolicyKind]]] = {
    "aws_iam_role_policy": [("policy", "identity")],
    "aws_iam_policy": [("policy", "identity")],
    "aws_iam_role": [("assume_role_policy", "trust")],
    "aws_s3_bucket_policy": [("policy", "resource")],
    "aws_kms_key": [("policy", "resource")],
    "aws_sqs_queue_policy": [("policy", "resource")],
    "aws_secretsmanager_secret_policy": [("policy", "resource")],
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
            after = change.get("after")
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


def read_plan(plan: Mapping[str, Any], file: str, text: str) -> IacTemplate:
    out = IacTemplate(file, "terraform", text)
    roles: dict[str, RoleInfo] = {}
    for address, kind, values, unknown, line in _resources(plan):
        out.resources += 1
        fields = list(_FIELDS.get(kind, ()))
        for key, policy_kind in fields:
            _one(out, address, kind, values, unknown, key, policy_kind, line, key, roles)
        if kind == "aws_iam_role":
            name = str(values.get("name") or f"<name of {address}>")
            inline = values.get("inline_policy") or []
            for i, item in enumerate(inline if isinstance(inline, list) else []):
                if isinstance(item, Mapping) and item.get("policy"):
                    flags = unknown.get("inline_policy") if isinstance(unknown, Mapping) else None
                    item_unknown = flags[i] if isinstance(flags, list) and i < len(flags) else {}
                    _one(out, address, kind, item, item_unknown, "policy", "identity",
                         line_of(item, line), f"inline_policy[{i}] {item.get('name', '')}".strip(),
                         roles, role=name)  # fmt: skip
            trust = next(
                (p for p in out.policies if p.owner == address and p.kind == "trust"), None
            )
            arn = values.get("arn")
            managed = values.get("managed_policy_arns") or []
            roles[address] = RoleInfo(
                file,
                address,
                name,
                str(arn) if arn else f"arn:aws:iam::<account>:role/{name}",
                line,
                trust,
                tuple((str(a), line) for a in managed if isinstance(a, str)),
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
    out.roles.extend(roles.values())
    return out


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
    roles: Mapping[str, RoleInfo],
    *,
    role: str | None = None,
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
        return
    if raw in (None, ""):
        return
    if not isinstance(raw, str):
        out.problems.append(
            Problem("PE110", "error", f"`{key}` of `{address}` must be a JSON string", key_line,
                    address)
        )  # fmt: skip
        return
    try:
        document = json.loads(raw)
    except ValueError as exc:
        out.problems.append(
            Problem("PE110", "error", f"`{key}` of `{address}` is not JSON: {exc}", key_line,
                    address)
        )  # fmt: skip
        return
    if not isinstance(document, dict):
        out.problems.append(
            Problem("PE110", "error", f"`{key}` of `{address}` must be a JSON object", key_line,
                    address)
        )  # fmt: skip
        return
    attached: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    if role is not None:
        attached = (role,)
    elif kind == "aws_iam_role_policy":
        attached = (str(values.get("role", "")).rsplit("/", 1)[-1],)
    elif kind == "aws_s3_bucket_policy":
        targets = (f"arn:aws:s3:::{values.get('bucket', '')}",)
    elif kind == "aws_kms_key" and values.get("arn"):
        targets = (str(values["arn"]),)
    elif kind == "aws_sqs_queue_policy":
        parts = str(values.get("queue_url", "")).split("/")
        if len(parts) >= 5 and "." in parts[2]:
            targets = (f"arn:aws:sqs:{parts[2].split('.')[1]}:{parts[3]}:{parts[4]}",)
    elif kind == "aws_secretsmanager_secret_policy":
        targets = (str(values.get("secret_arn", "")),)
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
        )
    )
