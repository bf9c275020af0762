"""The lint of IaC templates: every rule on each policy a reader extracted (at the
template's lines), and with a catalogue the deployed tier roles against it: drift,
the trust policy vending needs, and the isolation proof on the deployed policies."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..catalog import Catalog
from ..evaluate import StatementRef
from ..iac import ExtractedPolicy, IacTemplate, RoleInfo, Widened, shown, widen_policy
from ..iac._resolve import has_opaque, widen_text
from ..model import policy_from_obj
from ..schema import iter_schema_errors
from . import _fastschema
from ._model import RULES, Finding, Target


def lint_template(
    template: IacTemplate,
    tier_roles: frozenset[str] = frozenset(),
    model: tuple[str, ...] | None = None,
) -> list[Finding]:
    """Every rule on each extracted policy, plus what the reader could not read.
    Policies on ``tier_roles`` (role names) are read as a catalogue's role templates
    (wide by design: the session policy narrows them). ``model``: with a catalogue,
    the ARN globs of its resource model (the pooled data PE080 looks after)."""
    out = [
        Finding(p.rule, p.severity, p.message, template.file, p.line, "$", resource=p.owner)
        for p in template.problems
    ]
    if template.stand_ins:
        out.append(
            Finding(
                "PE111",
                "info",
                "pseudo parameters "
                + ", ".join(f"`{n}`" for n in template.stand_ins)
                + " are not given (--parameter NAME=VALUE): read as stand-ins for the "
                "stack's own partition, account and region",
                template.file,
                None,
            )
        )
    for policy in template.policies:
        tier_role = policy.kind == "identity" and bool(tier_roles.intersection(policy.roles))
        extra: dict[str, Any] = {"role_template": True} if tier_role else {}
        if model is not None:
            extra["model_globs"] = model
        out.extend(lint_policy(policy, extra or None))
    return out


def read_policy(policy: ExtractedPolicy) -> tuple[Widened, dict[str, int]]:
    widened = widen_policy(policy.document)
    return widened, widened.lines(policy.lines)


def lint_policy(policy: ExtractedPolicy, extra: Mapping[str, Any] | None = None) -> list[Finding]:
    from . import lint_target, path_line

    widened, lines = read_policy(policy)
    out = [
        Finding(
            "PE111",
            "info",
            f"`{w.written}` is unresolved: {w.action}",
            policy.file,
            path_line(policy.lines, w.path),
            w.path,
            resource=policy.label,
        )
        for w in widened.notes
    ]
    doc = widened.document
    if not _fastschema.is_valid(doc, policy.kind):
        issues = list(iter_schema_errors(doc, kind=policy.kind))
        if issues:
            return out + [
                Finding(
                    "PE001",
                    "error",
                    i.message,
                    policy.file,
                    path_line(lines, i.path),
                    i.path,
                    resource=policy.label,
                )
                for i in issues
            ]
    opaque = frozenset(
        widen_text(r)
        for s in _statements(policy.document)
        for r in _strings(s.get("Resource"))
        if has_opaque(r)
    )
    target = Target(
        policy_from_obj(doc),
        doc,
        policy.kind,
        policy.file,
        extra={"opaque_resources": opaque, **(extra or {})},
        lines=lines,
        resource=policy.label,
    )
    out.extend(lint_target(target))
    return out


def _statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = document.get("Statement")
    items = raw if isinstance(raw, list) else [raw]
    return [s for s in items if isinstance(s, Mapping)]


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


# -- catalogue against deployment -------------------------------------------------------


def _canon(statement: Mapping[str, Any]) -> str:
    """A statement's meaning as a comparable string: no Sid, lists sorted, actions
    lower-case, single values as lists."""

    def norm(key: str, value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: norm(k, v) for k, v in sorted(value.items())}
        if isinstance(value, list | tuple):
            items = [norm(key, v) for v in value]
            if key in ("Action", "NotAction"):
                items = [str(v).lower() for v in items]
            return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
        if key in ("Action", "NotAction") and isinstance(value, str):
            return [value.lower()]
        if isinstance(value, str) and key not in ("Effect", "Version"):
            return [value]
        return value

    return json.dumps({k: norm(k, v) for k, v in statement.items() if k != "Sid"}, sort_keys=True)


def _label(statement: Mapping[str, Any], index: int) -> str:
    sid = statement.get("Sid")
    return f"`{sid}`" if isinstance(sid, str) and sid else f"#{index}"


def _find_role(templates: Sequence[IacTemplate], role_arn: str) -> RoleInfo | None:
    name = role_arn.rsplit("/", 1)[-1]
    for t in templates:
        for role in t.roles:
            if role.arn == role_arn or role.name == name:
                return role
    return None


def check_deployment(catalog: Catalog, templates: Sequence[IacTemplate]) -> list[Finding]:
    """Each tier's role as the templates deploy it, against the catalogue."""
    from ..isolation import check_isolation, resource_documents, role_documents
    from ..render import Renderer
    from . import _locate, lint_target, path_line

    renderer = Renderer(catalog)
    out: list[Finding] = []
    first = templates[0].file if templates else str(catalog.manifest)
    policies = [p for t in templates for p in t.policies]
    catalogue_resources = resource_documents(catalog, renderer=renderer)
    # Resource policies of the template, by the model resource they are attached to.
    attached: dict[str, list[tuple[ExtractedPolicy, Widened, dict[str, int]]]] = {}
    from ._arns import globs_overlap

    for p in policies:
        if p.kind != "resource":
            continue
        for name, spec in catalog.resources.items():
            if any(globs_overlap(widen_text(t), spec.arn) for t in p.targets if t):
                widened, lines = read_policy(p)
                attached.setdefault(name, []).append((p, widened, lines))
    deployed_resources: dict[str, Mapping[str, Any]] = dict(catalogue_resources)
    resource_refs: dict[str, list[tuple[ExtractedPolicy, int, dict[str, int]]]] = {}
    for name, found in attached.items():
        statements: list[Any] = []
        refs = []
        for p, widened, lines in found:
            for i, st in enumerate(_statements(widened.document)):
                statements.append(st)
                refs.append((p, i, lines))
        deployed_resources[name] = {"Version": "2012-10-17", "Statement": statements}
        resource_refs[name] = refs
        if name in catalogue_resources:
            out.extend(_resource_drift(name, catalogue_resources[name], refs))
    for tier_name, tier in catalog.tiers.items():
        role = _find_role(templates, tier.role_arn)
        if role is None:
            out.append(
                Finding(
                    "PE122",
                    "info",
                    f"tier `{tier_name}`: its role `{tier.role_arn}` is not in the linted "
                    "templates (found by ARN or role name): drift and the deployed proof "
                    "were not checked",
                    first,
                    None,
                    tier=tier_name,
                )
            )
            continue
        mine = [p for p in policies if p.kind == "identity" and role.name in p.roles]
        # Drift: the deployed statements against the catalogue's rendered role policies.
        expected: list[tuple[str, str, Mapping[str, Any], int]] = []
        for template_name, doc in role_documents(catalog, tier_name, renderer=renderer).items():
            for i, s in enumerate(_statements(doc)):
                expected.append((_canon(s), template_name, s, i))
        deployed: list[tuple[str, ExtractedPolicy, Mapping[str, Any], int]] = [
            (_canon(s), p, s, i) for p in mine for i, s in enumerate(_statements(p.document))
        ]
        pool = [c for c, *_ in deployed]
        for canon, template_name, s, i in expected:
            if canon in pool:
                pool.remove(canon)
                continue
            out.append(
                Finding(
                    "PE120",
                    "error",
                    f"tier `{tier_name}`: statement {_label(s, i)} of catalogue role template "
                    f"`{template_name}` is not on the deployed role `{role.owner}` "
                    "(missing, or changed)",
                    role.file,
                    role.line,
                    tier=tier_name,
                    resource=role.owner,
                )
            )
        wanted = [c for c, *_ in expected]
        for canon, p, s, i in deployed:
            if canon in wanted:
                wanted.remove(canon)
                continue
            out.append(
                Finding(
                    "PE121",
                    "error",
                    f"tier `{tier_name}`: statement {_label(s, i)} on the deployed role is not "
                    "in the catalogue's role templates (added, or changed)",
                    p.file,
                    path_line(p.lines, f"$.Statement[{i}]"),
                    f"$.Statement[{i}]",
                    tier=tier_name,
                    resource=p.label,
                )
            )
        for arn, managed_line in role.managed:  # external: the reader keeps only those
            out.append(
                Finding(
                    "PE121",
                    "error",
                    f"tier `{tier_name}`: managed policy `{shown(arn)}` is attached to the "
                    "deployed role but is not in the catalogue (its statements are unknown here)",
                    role.file,
                    managed_line,
                    tier=tier_name,
                    resource=role.owner,
                )
            )
        # Trust: what vending sends.
        if role.trust is None:
            out.append(
                Finding(
                    "PE101",
                    "warning",
                    f"tier `{tier_name}`: the deployed role `{role.owner}` has no trust policy "
                    "in the template (SAM makes one for its service): vending cannot assume it",
                    role.file,
                    role.line,
                    tier=tier_name,
                    resource=role.owner,
                )
            )
        else:
            widened, lines = read_policy(role.trust)
            target = Target(
                policy_from_obj(widened.document),
                widened.document,
                "trust",
                role.trust.file,
                tier_name,
                extra={"tier_trust": True},
                lines=lines,
                resource=role.trust.label,
            )
            out.extend(f for f in lint_target(target) if f.rule == "PE101" and "PE101" in RULES)
        # The isolation proof on the deployed role policies and resource policies.
        role_docs: dict[str, Mapping[str, Any]] = {}
        role_refs: dict[str, tuple[ExtractedPolicy, dict[str, int]]] = {}
        for p in mine:
            widened, lines = read_policy(p)
            role_docs[p.label] = widened.document
            role_refs[p.label] = (p, lines)
        result = check_isolation(
            renderer.symbolic_tier(tier_name).document,
            role_docs,
            [r for r in catalog.resources.values() if r.service != "execute-api"],
            catalog.language,
            tier=tier_name,
            account=str(catalog.constants.get("account_id", "111122223333")),
            role_name=tier.role_arn.rsplit("/", 1)[-1],
            examples=catalog.examples,
            resource_policies=deployed_resources,
            role_arn=tier.role_arn,
        )
        found_problems: list[tuple[str, str, list[StatementRef]]] = [
            ("PE090", v.describe(), list(v.statements)) for v in result.violations
        ]
        found_problems += [
            ("PE091", u.describe(), [u.statement] if u.statement else []) for u in result.unknown
        ]
        for rule_id, message, decided in found_problems:
            allows = sorted(
                (r for r in decided if r.effect == "Allow" or rule_id == "PE091"),
                key=lambda r: r.kind == "session",  # the deployed statement first
            )
            file: str = role.file
            at: int | None = role.line
            template: str | None = None
            resource: str | None = role.owner
            for ref in allows:
                if ref.policy in role_refs:
                    p, lines = role_refs[ref.policy]
                    at = path_line(lines, f"$.Statement[{ref.index}]")
                    file, resource = p.file, p.label
                    break
                name = ref.policy.removeprefix("resource(").removesuffix(")")
                if ref.policy.startswith("resource(") and name in resource_refs:
                    rrefs = resource_refs[name]
                    if ref.index < len(rrefs):
                        p, index, lines = rrefs[ref.index]
                        at = path_line(lines, f"$.Statement[{index}]")
                        file, resource = p.file, p.label
                        break
                if ref.kind == "session":
                    file, at, template = _locate(catalog, renderer, tier_name, [ref])
                    resource = None
                    break
            out.append(
                Finding(
                    rule_id,
                    "error",
                    f"deployed: {message}",
                    file,
                    at,
                    "$",
                    tier_name,
                    template,
                    resource=resource,
                )
            )
    return out


def _resource_drift(
    name: str,
    catalogue: Mapping[str, Any],
    deployed: Sequence[tuple[ExtractedPolicy, int, dict[str, int]]],
) -> list[Finding]:
    """The deployed resource policy of a model resource against the catalogue's
    rendered copy, statement by statement (each side's extra statements reported)."""
    from . import path_line

    out: list[Finding] = []
    wanted = [(_canon(s), s, i) for i, s in enumerate(_statements(catalogue))]
    found = [
        (_canon(_statements(read_policy(p)[0].document)[i]), p, i, lines)
        for p, i, lines in deployed
    ]
    pool = [c for c, *_ in found]
    first = deployed[0][0] if deployed else None
    for canon, s, i in wanted:
        if canon in pool:
            pool.remove(canon)
            continue
        out.append(
            Finding(
                "PE123",
                "error",
                f"resource `{name}`: statement {_label(s, i)} of the catalogue's resource policy "
                "is not in the deployed one (missing, or changed)",
                first.file if first else "",
                first.line if first else None,
                resource=first.label if first else None,
            )
        )
    expected = [c for c, *_ in wanted]
    for canon, p, i, lines in found:
        if canon in expected:
            expected.remove(canon)
            continue
        out.append(
            Finding(
                "PE124",
                "error",
                f"resource `{name}`: statement #{i} of the deployed resource policy is not in the "
                "catalogue's (added, or changed)",
                p.file,
                path_line(lines, f"$.Statement[{i}]"),
                f"$.Statement[{i}]",
                resource=p.label,
            )
        )
    return out
