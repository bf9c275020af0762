"""The lint of IaC templates: every rule on each policy a reader extracted (at the
template's lines), and with a catalogue the deployed tier roles against it: drift,
the trust policy vending needs, and the isolation proof on the deployed policies."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from ..catalog import Catalog, role_identity
from ..evaluate import StatementRef
from ..iac import ExtractedPolicy, IacTemplate, Problem, RoleInfo, Widened, shown, widen_policy
from ..iac._resolve import PARTITION, PSEUDO_STAND_INS, has_opaque, names_stack, opaque, widen_text
from ..model import policy_from_obj
from ..schema import iter_schema_errors
from . import _fastschema
from ._model import RULES, Finding, Target
from ._summary import ProofStatus, TierSummary


def lint_template(
    template: IacTemplate,
    tier_roles: frozenset[str] = frozenset(),
    model: tuple[str, ...] | None = None,
    api_routes: bool = False,
) -> list[Finding]:
    """Every rule on each extracted policy, plus what the reader could not read.
    Policies on ``tier_roles`` (role names) are read as a catalogue's role templates
    (wide by design: the session policy narrows them). ``model``: with a catalogue,
    the ARN globs of its resource model (the pooled data PE080 looks after).
    ``api_routes``: the catalogue models ``execute-api`` routes, so the deployed check
    reports an API resource policy that may allow (PE091): its owner's PE114 about that
    policy is not said a second time."""
    reported = (
        {owner for owner, _where, _line, allows in template.api_policies if allows}
        if api_routes
        else set()
    )
    out = [
        Finding(p.rule, p.severity, p.message, template.file, p.line, "$", resource=p.owner)
        for p in template.problems
        if not (p.api and p.owner in reported)
    ]
    if template.stand_ins:
        out.append(
            Finding(
                "PE111",
                "info",
                "pseudo parameters "
                + ", ".join(f"`{n}`" for n in template.stand_ins)
                + " are not given (--parameter NAME=VALUE): read as stand-ins for the "
                "stack's own partition, account and region; the stack's name as any name "
                "where it names a resource or role",
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


def _atoms(statement: Mapping[str, Any], version: Any = "2012-10-17") -> frozenset[str]:
    """A statement's meaning as a set of comparable atoms: one per action x resource x
    principal it lists (a statement grants or denies the union of its atoms, so a
    statement split in two, or two merged into one, has the same atoms), each with the
    statement's effect, its ``Not*`` elements whole and its condition in a canonical
    form. Equal atoms mean equal statements; what is written differently but only
    equal by the meaning of a wildcard (``s3:Get*`` against the actions it matches
    today) stays different on purpose (the wildcard grows as AWS adds actions).

    Normalised as IAM reads them: no Sid; a single value as a one-item list; action
    names and condition key names lower-case (both are case-insensitive); condition
    values as strings (``true`` and ``"true"`` alike), each key's values a set;
    ``Principal: "*"`` as ``{"AWS": "*"}``, an account ID as its ``:root`` ARN (IAM
    stores it so). Policy variables are literal text under
    an old ``Version``, so a statement with ``${`` carries its document's version."""

    def strings(value: Any) -> list[str]:
        items = value if isinstance(value, list | tuple) else [value]
        return [_scalar(v) for v in items]

    def principals(value: Any) -> list[str]:
        if value == "*":
            value = {"AWS": "*"}
        if not isinstance(value, Mapping):
            return [json.dumps(value, sort_keys=True)]
        return [
            json.dumps([str(k), _account_root(v) if k == "AWS" else v])
            for k, vs in value.items()
            for v in strings(vs)
        ]

    common: dict[str, Any] = {"Effect": statement.get("Effect")}
    condition = statement.get("Condition")
    if condition is not None:
        common["Condition"] = _condition(condition)
    if "${" in json.dumps(statement):
        common["Version"] = version
    for key in ("NotAction", "NotResource", "NotPrincipal"):
        if key in statement:
            value = statement[key]
            common[key] = sorted(
                set(principals(value) if key == "NotPrincipal" else strings(value))
                if key != "NotAction"
                else {v.lower() for v in strings(value)}
            )
    for key in statement:
        if key not in ("Sid", "Effect", "Condition", "Action", "NotAction", "Resource",
                       "NotResource", "Principal", "NotPrincipal"):  # fmt: skip
            common[f"other:{key}"] = statement[key]  # an element IAM would refuse: kept whole
    actions = [v.lower() for v in strings(statement["Action"])] if "Action" in statement else [None]
    resources = strings(statement["Resource"]) if "Resource" in statement else [None]
    who = principals(statement["Principal"]) if "Principal" in statement else [None]
    return frozenset(
        json.dumps({**common, "a": a, "r": r, "p": p}, sort_keys=True)
        for a in set(actions)
        for r in set(resources)
        for p in set(who)
    )


_ROOT = re.compile(r"(?:arn:[a-z-]+:iam::)?(\d{12})(?::root)?")


def _account_root(principal: str) -> str:
    """An account as a principal: IAM stores ``123456789012`` as the account's
    ``:root`` ARN, so both are one principal."""
    m = _ROOT.fullmatch(principal)
    return (
        f"account {m.group(1)}"
        if m and (principal.isdigit() or principal.endswith(":root"))
        else principal
    )


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True)


def _condition(condition: Any) -> Any:
    if not isinstance(condition, Mapping):
        return json.dumps(condition, sort_keys=True)
    out: list[list[Any]] = []
    for operator, keys in condition.items():
        if not isinstance(keys, Mapping):
            out.append([str(operator), json.dumps(keys, sort_keys=True)])
            continue
        for key, values in keys.items():
            items = values if isinstance(values, list) else [values]
            out.append([str(operator), str(key).lower(), sorted({_scalar(v) for v in items})])
    return sorted(out, key=lambda v: json.dumps(v))


def _document_atoms(
    statements: Sequence[tuple[Mapping[str, Any], Any]],
) -> frozenset[str]:
    return frozenset(a for s, version in statements for a in _atoms(s, version))


def _label(statement: Mapping[str, Any], index: int) -> str:
    sid = statement.get("Sid")
    return f"`{sid}`" if isinstance(sid, str) and sid else f"#{index}"


_E = TypeVar("_E")
_D = TypeVar("_D")


def _atom_diff(
    expected: Sequence[tuple[frozenset[str], _E]],
    deployed: Sequence[tuple[frozenset[str], _D]],
) -> tuple[list[_E], list[_D]]:
    """The two directions of one drift diff, by meaning (:func:`_atoms`): the expected
    statements some of whose atoms no deployed statement has (missing, or changed), and
    the deployed statements with an atom no expected statement has (added, or changed),
    each in its given order."""
    have = frozenset().union(*(atoms for atoms, _ in deployed))
    want = frozenset().union(*(atoms for atoms, _ in expected))
    missing = [item for atoms, item in expected if not atoms <= have]
    added = [item for atoms, item in deployed if not atoms <= want]
    return missing, added


def _find_roles(templates: Sequence[IacTemplate], role_arn: str) -> list[RoleInfo]:
    """Every role of the templates that is the tier's role: by ARN, or by name (IAM
    role names are unique without regard to case, so a name differing only in case is
    the same role). Each one found is checked: a second copy (another stack, another
    template of the same lint) is no less deployed than the first."""
    name = role_arn.rsplit("/", 1)[-1].lower()
    return [
        role
        for t in templates
        for role in t.roles
        if role.arn == role_arn
        or (role.name.lower() == name and not _other_account(role.arn, role_arn))
    ]


_ROLE_ARN = re.compile(r"arn:([^:]*):iam::(\d{12}):role/")


def _other_account(deployed: str, role_arn: str) -> bool:
    """Whether a deployed role's ARN names an account (given, not the stand-in for a
    stack account not given) or a partition other than the tier role's: a role of the
    same name in another account, or in another partition (``aws-cn``, ``aws-us-gov``:
    separate IAM, its own accounts), is another role, and the tier's own is then not
    in the templates."""
    mine, theirs = _ROLE_ARN.match(deployed), _ROLE_ARN.match(role_arn)
    if mine is None or theirs is None:
        return False
    if mine[1] != theirs[1] and not has_opaque(mine[1]):  # a plan's unsaid one: any
        return True
    return mine[2] != PSEUDO_STAND_INS["AWS::AccountId"] and mine[2] != theirs[2]


def _maybe_roles(templates: Sequence[IacTemplate], role_arn: str) -> list[RoleInfo]:
    """Roles whose ``RoleName`` has unresolved parts (a parameter without a default)
    and may be the tier's role; a name CloudFormation or SAM generates never is."""
    name = role_arn.rsplit("/", 1)[-1].lower()
    out = []
    for t in templates:
        for role in t.roles:
            unknown = has_opaque(role.name) or names_stack(role.name)
            if not unknown or role.name == opaque(f"name of {role.owner}"):
                continue
            if _may_name(role.name, name):
                out.append(role)
    return out


def _may_name(written: str, name: str) -> bool:
    """Whether a role name with unresolved parts (a parameter with no value, the
    stack's name) may be ``name`` once deployed (IAM role names without regard to
    case)."""
    pattern = "".join(".*" if c == "*" else re.escape(c) for c in widen_text(written))
    return re.fullmatch(pattern, name, re.IGNORECASE | re.DOTALL) is not None


def _maybe_attached(
    templates: Sequence[IacTemplate],
    policies: Sequence[ExtractedPolicy],
    role_name: str,
) -> list[tuple[ExtractedPolicy, str]]:
    """Identity policies attached to a role whose name is not resolved (``Roles:
    [!Ref Param]`` with no value, a plan's role known only after apply) and may be
    ``role_name``, with that name as written: they may be on the deployed role. A
    name CloudFormation or SAM generates for a role of the templates never is."""
    generated = {opaque(f"name of {r.owner}") for t in templates for r in t.roles}
    out = []
    for p in policies:
        if p.kind != "identity" or role_name.lower() in {r.lower() for r in p.roles}:
            continue
        for written in p.roles:
            if written in generated or not (has_opaque(written) or names_stack(written)):
                continue
            if _may_name(written, role_name):
                out.append((p, written))
                break
    return out


def check_deployment(catalog: Catalog, templates: Sequence[IacTemplate]) -> list[Finding]:
    """Each tier's role as the templates deploy it, against the catalogue."""
    return check_deployment_report(catalog, templates)[0]


def check_deployment_report(
    catalog: Catalog, templates: Sequence[IacTemplate]
) -> tuple[list[Finding], tuple[TierSummary, ...]]:
    """:func:`check_deployment` with, per tier, the deployed proof's result (the worst
    over the role's copies; ``not checked`` when the templates hold no role of the
    tier), for the run summary."""
    from ..isolation import resource_documents, trust_documents
    from ..render import Renderer
    from ._deputies import deputies, federated_roles
    from ._invoke import vendor_invokes

    renderer = Renderer(catalog)
    out: list[Finding] = []
    ident = _identity(catalog)
    first = templates[0].file if templates else str(catalog.manifest)
    policies = [p for t in templates for p in t.policies]
    catalogue_resources = resource_documents(catalog, renderer=renderer)
    # The trust policies of the roles a tenant's session might assume, as deployed:
    # every tier role the templates hold (in place of the catalogue's) and every other
    # role of the templates (its statements that may grant a principal other than an
    # AWS service), once, for every tier's proof.
    catalogue_trust, trust_findings = _deployed_trust(
        catalog, templates, trust_documents(catalog, renderer=renderer)
    )
    # Resource policies of the template, by the model resource they are attached to.
    attached: dict[str, list[tuple[ExtractedPolicy, Widened, dict[str, int]]]] = {}
    for p in policies:
        if p.kind != "resource":
            continue
        for name, spec in catalog.resources.items():
            if any(_governs(ident(t), spec.arn) for t in p.targets if t):
                widened, lines = read_policy(p)
                attached.setdefault(name, []).append((p, widened, lines))
    out.extend(trust_findings)
    out.extend(_through_access_points(catalog, policies))
    out.extend(_grants(catalog, templates))
    out.extend(_role_grants(catalog, templates))
    out.extend(_vendor_trust(catalog, templates))
    out.extend(vendor_invokes(catalog, templates))
    out.extend(federated_roles(catalog, templates))
    out.extend(deputies(catalog, templates))
    out.extend(_model_invokes(catalog, templates))
    out.extend(_unread_on_model(catalog, templates))
    out.extend(_api_resource_policies(catalog, templates))
    out.extend(_writable_claims(catalog, templates))
    undecided = _undecided(templates)
    deployed_resources: dict[str, Mapping[str, Any]] = dict(catalogue_resources)
    resource_refs: dict[str, list[tuple[ExtractedPolicy, int, dict[str, int]]]] = {}
    for name, found in attached.items():
        statements: list[Any] = []
        refs = []
        replaced = _replaced(name, [p for p, *_ in found], ident)
        # several policies of which AWS keeps the last written (a target the same, or
        # not resolved and so maybe the same): the Denies of one may not be deployed
        contested = bool(replaced) or (
            len({p.label for p, *_ in found}) > 1
            and any(not t or "*" in ident(t) for p, *_ in found for t in p.targets)
        )
        for p, widened, lines in found:
            refused = _unreadable(p, widened.document)
            if refused is not None:  # not read as if it were valid: its grants are unknown
                out.append(_unreadable_finding(p, lines, refused, f"on model resource `{name}`"))
                continue
            old = widened.document.get("Version") != "2012-10-17"
            # under an undecided condition, or contested: its Denies may not be deployed
            fenceless = contested or (p.file, p.owner) in undecided
            for i, st in enumerate(_statements(widened.document)):
                if fenceless and st.get("Effect") == "Deny":
                    continue  # may not be deployed: it fences nothing in the proof
                statements.append(_literal_variables(st) if old else st)
                refs.append((p, i, lines))
        deployed_resources[name] = {"Version": "2012-10-17", "Statement": statements}
        resource_refs[name] = refs
        out.extend(replaced)
        # A model resource the catalogue gives no resource policy: every deployed
        # statement is one the catalogue lacks.
        expected = catalogue_resources.get(name, {"Version": "2012-10-17", "Statement": []})
        out.extend(_resource_drift(name, expected, found))
    # A model resource the templates create (by name) with no resource policy on it has
    # none deployed: the catalogue's statements are missing, and the proof reads none.
    for name, spec in catalog.resources.items():
        if name in attached or name not in catalogue_resources:
            continue
        made = [
            (arn, owner, line, t.file)
            for t in templates
            for arn, owner, line in t.created
            if _governs(ident(arn), spec.arn)
        ]
        if not made:
            continue
        arn, owner, line, file = made[0]
        deployed_resources[name] = {"Version": "2012-10-17", "Statement": []}
        for i, s in enumerate(_statements(catalogue_resources[name])):
            out.append(
                Finding(
                    "PE123",
                    "error",
                    f"resource `{name}`: statement {_label(s, i)} of the catalogue's resource "
                    f"policy is not deployed: `{owner}` creates `{shown(arn)}` and no policy of "
                    "the templates is attached to it",
                    file,
                    line,
                    resource=owner,
                )
            )
    statuses: list[TierSummary] = []
    for tier_name, tier in catalog.tiers.items():
        found_roles = _find_roles(templates, tier.role_arn)
        if not found_roles:
            statuses.append(TierSummary(tier_name, "not checked"))
        maybe = [] if found_roles else _maybe_roles(templates, tier.role_arn)
        if maybe:
            out.append(
                Finding(
                    "PE122",
                    "warning",
                    f"tier `{tier_name}`: role "
                    + ", ".join(f"`{r.owner}` (`{shown(r.name)}`)" for r in maybe)
                    + f" has an unresolved name that may be `{tier.role_arn.rsplit('/', 1)[-1]}`: "
                    "drift and the deployed proof were not checked (give its parameters "
                    "with --parameter)",
                    maybe[0].file,
                    maybe[0].line,
                    tier=tier_name,
                    resource=maybe[0].owner,
                )
            )
            continue
        if not found_roles:
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
            out.extend(_added_to_absent_role(catalog, renderer, tier_name, policies))
            continue
        results = []
        for role in found_roles:
            role_findings, result = _check_role(
                catalog,
                renderer,
                tier_name,
                role,
                templates,
                policies,
                deployed_resources,
                resource_refs,
                catalogue_trust,
            )
            out.extend(role_findings)
            results.append(result)
        worst: ProofStatus = "proved"
        for bad in ("unknown", "violation"):
            if any(r.status == bad for r in results):
                worst = "violation" if bad == "violation" else "unknown"
        statuses.append(
            TierSummary(
                tier_name,
                worst,
                checks=sum(r.checks for r in results),
                seconds=sum(r.seconds for r in results),
            )
        )
    # The roles' proofs speak for the deployment only where no other isolation error
    # of the run, nor a policy that could not be read, stands against them.
    problems = [p for t in templates for p in t.problems]
    return out, with_findings(statuses, [*out, *problems])


def with_findings(
    tiers: Sequence[TierSummary], findings: Sequence[Finding | Problem]
) -> tuple[TierSummary, ...]:
    """The deployed proof's result per tier, made no better than the findings of the
    whole run say: a PE090 (violation) or PE091 (unknown) of a tier, or of no tier (an
    access point, an unread grant, a copy of a model resource's data, the vendor's trust
    or invokers), or a template or policy that could not be read (PE000, PE110, or a
    policy the IAM grammar refuses, PE001: unknown), stands against a ``proved`` the
    role's own proof reached, so the summary never says ``proved`` beside such an
    error."""
    rank = {"proved": 0, "not checked": 1, "unknown": 2, "violation": 3}
    worst: dict[str | None, ProofStatus] = {}
    for f in findings:
        if f.rule in ("PE000", "PE001", "PE090", "PE091", "PE110") and f.severity == "error":
            status: ProofStatus = "violation" if f.rule == "PE090" else "unknown"
            tier = getattr(f, "tier", None)
            if rank[status] > rank[worst.get(tier, "proved")]:
                worst[tier] = status
    out = []
    for t in tiers:
        status = t.status
        for found in (worst.get(t.tier), worst.get(None)):
            if found is not None and rank[found] > rank[status]:
                status = found
        out.append(t if status == t.status else replace(t, status=status))
    return tuple(out)


def _unreadable(policy: ExtractedPolicy, document: Mapping[str, Any]) -> tuple[str, str] | None:
    """What the IAM grammar refuses in ``document`` (``policy`` as read), as (JSON
    path, message), or None. Such a policy is PE001, and the deployed proof does not
    read it as if it were valid: the checker takes a statement whose ``Effect`` is
    not ``Allow`` for a Deny (``"allow"`` became a fence), and its parser refuses what
    the schema refuses."""
    from ..errors import PolicyParseError

    if _fastschema.is_valid(document, policy.kind):
        return None
    for issue in iter_schema_errors(document, kind=policy.kind):
        return issue.path, issue.message
    try:
        policy_from_obj(document)
    except PolicyParseError as exc:
        first = exc.issues[0] if exc.issues else None
        return (first.path, first.message) if first else ("$", str(exc))
    return None


def _unreadable_finding(
    policy: ExtractedPolicy,
    lines: Mapping[str, int],
    bad: tuple[str, str],
    where: str,
    tier: str | None = None,
) -> Finding:
    """PE091 for a policy the deployed proof cannot read as written (:func:`_unreadable`)."""
    from . import path_line

    path, message = bad
    return Finding(
        "PE091",
        "error",
        f"deployed: `{policy.label}` {where} cannot be read as written (`{path}`: "
        f"{message}): what it grants is unknown (AWS may refuse it or read it otherwise), "
        "so isolation is unknown",
        policy.file,
        path_line(lines, path),
        path,
        tier,
        resource=policy.label,
    )


#: Services whose resource policies the readers read (or report as PE091 on a model
#: resource: API Gateway's, Lambda permissions): a policy document the readers do not
#: read (PE114) cannot be one of them.
_READ_SERVICES = frozenset(
    {"s3", "dynamodb", "sqs", "sns", "kms", "secretsmanager", "execute-api", "lambda"}
)


def _unread_on_model(catalog: Catalog, templates: Sequence[IacTemplate]) -> list[Finding]:
    """A policy document the readers do not read (PE114: an EventBridge bus policy, a
    Kinesis resource policy, a log group's...) where the resource model has a resource
    of a service whose resource policies the readers do not read: it may be that
    resource's, and grant any tenant's session the others' data; the deployed proof
    does not read it, so isolation of that resource is unknown (PE091)."""
    unread = sorted(
        name for name, spec in catalog.resources.items() if spec.service not in _READ_SERVICES
    )
    if not unread:
        return []
    named = ", ".join(f"`{n}` ({catalog.resources[n].service})" for n in unread)
    return [
        Finding(
            "PE091",
            "error",
            f"deployed: `{p.owner}` holds a policy document the lint does not read (PE114), "
            f"and the resource model has {named}, whose resource policies the lint does not "
            "read: it may be one of them, so isolation of those resources is unknown",
            t.file,
            p.line,
            resource=p.owner,
        )
        for t in templates
        for p in t.problems
        if p.rule == "PE114" and not p.api
    ]


def _model_invokes(catalog: Catalog, templates: Sequence[IacTemplate]) -> list[Finding]:
    """A Lambda invoke permission (``AWS::Lambda::Permission``, ``aws_lambda_permission``,
    on the function, an alias or a version; the one SAM writes for an event source) on
    a function of the resource model: a
    statement of the function's resource policy, which the deployed proof does not
    read (a grant to ``*`` lets any tenant's session invoke another tenant's function,
    without its session policy): isolation of that resource is unknown (PE091). A
    function name CloudFormation or SAM generates is no model function's."""
    from ._arns import globs_overlap
    from ._invoke import _GENERATED as generated

    models = {n: s for n, s in catalog.resources.items() if s.service == "lambda"}
    if not models:
        return []
    out: list[Finding] = []
    for t in templates:
        names = {f.owner: f.name for f in t.functions}
        for permission in {p.owner: p for p in [*t.event_invokes, *t.invokes]}.values():
            name = names.get(permission.function or "", permission.function_name)
            if generated in name:
                continue
            for model, spec in models.items():
                # by the function's name (the account and region the permission's
                # stack is in may be the model's)
                modelled = spec.arn.split(":function:", 1)[-1].split(":", 1)[0]
                if not globs_overlap(widen_text(name), modelled):
                    continue
                out.append(
                    Finding(
                        "PE091",
                        "error",
                        f"resource `{model}`: `{permission.owner}` lets "
                        f"`{shown(permission.principal)}` invoke `{shown(name)}`, a function of "
                        "the model: a Lambda permission is a statement of the function's "
                        "resource policy, which the deployed proof does not read, so "
                        f"isolation of `{model}` is unknown (a grant to `*` lets any "
                        "tenant's session invoke another tenant's function)",
                        t.file,
                        permission.line,
                        resource=permission.owner,
                    )
                )
    return out


def _writable_claims(catalog: Catalog, templates: Sequence[IacTemplate]) -> list[Finding]:
    """A Cognito app client whose users may write the attribute the authorizer reads
    as their tenant or tier (``custom:...`` claims of the catalogue's ``[authorizer]``):
    a user sets their own ``custom:tenantId`` (at sign-up, or later with their access
    token: Cognito API Reference, UserPoolClientType ``WriteAttributes``) and the
    authorizer vends that tenant's credentials: PE091, every tier. An unknown list may
    hold them. A client without ``WriteAttributes`` writes the standard attributes only,
    never a custom one."""
    spec = catalog.authorizer
    if spec is None:
        return []
    claims = {
        c.lower(): what
        for c, what in ((spec.tenant_claim, "tenant"), (spec.tier_claim, "tier"))
        if c.lower().startswith("custom:")
    }
    out: list[Finding] = []
    for t in templates:
        for owner, attrs, line in t.claim_writers:
            if attrs is None:
                named = [f"`{c}`" for c in claims]
                why = "its `WriteAttributes` are not known here and may include " + ", ".join(named)
            else:
                hit = [a for a in attrs if a.lower() in claims]
                if not hit:
                    continue
                why = "its `WriteAttributes` include " + ", ".join(
                    f"`{a}` (the {claims[a.lower()]} claim)" for a in hit
                )
            if not claims:
                continue
            out.append(
                Finding(
                    "PE091",
                    "error",
                    f"Cognito app client `{owner}`: {why}: its users may write the claim the "
                    "authorizer reads as their tenant or tier and be vended another tenant's "
                    "credentials (leave the tenant and tier attributes out of every app "
                    "client's WriteAttributes; set them with admin calls only)",
                    t.file,
                    line,
                    resource=owner,
                )
            )
    return out


def _api_resource_policies(catalog: Catalog, templates: Sequence[IacTemplate]) -> list[Finding]:
    """An API Gateway resource policy of the templates that may allow, where the
    catalogue models ``execute-api`` routes: API Gateway allows a route the
    authorizer's policy is silent on when the API's resource policy allows it (API
    Gateway Developer Guide, "How API Gateway resource policies affect authorization
    workflow", table A), and the deployed check does not read such a policy (nor knows
    which API is the model's: its ID is made at deploy), so isolation of the routes is
    unknown (PE091). A policy that only denies takes nothing away from the proof."""
    apis = [name for name, spec in catalog.resources.items() if spec.service == "execute-api"]
    if not apis:
        return []
    out: list[Finding] = []
    for t in templates:
        for owner, where, line, allows in t.api_policies:
            if not allows:
                continue
            out.append(
                Finding(
                    "PE091",
                    "error",
                    f"`{owner}` has an API resource policy (`{where}`) that may allow "
                    f"requests: API Gateway allows a route the authorizer's policy does not "
                    f"name when the resource policy allows it, and the deployed check does "
                    f"not read it, so isolation of the routes of "
                    + ", ".join(f"`{a}`" for a in apis)
                    + " is unknown (give the API no resource policy, or one that only "
                    "denies; `check-isolation` reads the catalogue's API resource policy "
                    "against the routes, the deployed check does not)",
                    t.file,
                    line,
                    resource=owner,
                )
            )
    return out


def _undecided(templates: Sequence[IacTemplate]) -> frozenset[tuple[str, str]]:
    """(file, owner) of the resources deployed only under a condition the lint cannot
    decide: their Allows may be deployed (read), their Denies may not (dropped)."""
    return frozenset((t.file, owner) for t in templates for owner in t.undecided)


def _without_denies(
    document: Mapping[str, Any], lines: Mapping[str, int]
) -> tuple[dict[str, Any], dict[str, int]]:
    """``document`` without its Deny statements, and ``lines`` with each kept
    statement's paths renumbered (``$.Statement[3]`` becomes ``$.Statement[1]``)."""
    raw = document.get("Statement")
    kept: list[Any] = []
    index: dict[int, int] = {}
    for i, st in enumerate(raw if isinstance(raw, list) else [raw]):
        if isinstance(st, Mapping) and st.get("Effect") == "Deny":
            continue
        index[i] = len(kept)
        kept.append(st)
    moved: dict[str, int] = {}
    for path, line in lines.items():
        m = _STATEMENT_PATH.match(path)
        if m is None:
            moved[path] = line
        elif int(m[1]) in index:
            moved[f"$.Statement[{index[int(m[1])]}]{m[2]}"] = line
    return {**document, "Statement": kept}, moved


_STATEMENT_PATH = re.compile(r"\$\.Statement\[(\d+)\](.*)")


def _identity(catalog: Catalog) -> Any:
    """How a resolved ARN is matched against the model: a plan's unspelt partition is
    the deployment's, the catalogue's (``partition``); any other unknown part is any
    text (:func:`widen_text`)."""
    partition = str(catalog.constants.get("partition", "aws"))

    def ident(text: str) -> str:
        return widen_text(text.replace(PARTITION, partition))

    return ident


def _added_to_absent_role(
    catalog: Catalog, renderer: Any, tier_name: str, policies: Sequence[ExtractedPolicy]
) -> list[Finding]:
    """Policies the templates attach by name to a tier role they do not hold (the role
    is deployed elsewhere): each statement the catalogue's role templates lack is
    added to the deployed role all the same (PE121); what the role's other stacks hold
    is not known here, so nothing is missing."""
    from ..isolation import role_documents
    from . import path_line

    name = catalog.tiers[tier_name].role_arn.rsplit("/", 1)[-1].lower()
    attached = [
        p for p in policies if p.kind == "identity" and name in {r.lower() for r in p.roles}
    ]
    if not attached:
        return []
    expected = [
        (_atoms(s, doc.get("Version")), None)
        for doc in role_documents(catalog, tier_name, renderer=renderer).values()
        for s in _statements(doc)
    ]
    deployed = [
        (_atoms(s, p.document.get("Version")), (p, i))
        for p in attached
        for i, s in enumerate(_statements(p.document))
    ]
    _missing, added = _atom_diff(expected, deployed)
    return [
        Finding(
            "PE121",
            "error",
            f"tier `{tier_name}`: statement #{i} of `{p.label}` is attached to the tier's role "
            "(deployed elsewhere) but is not in the catalogue's role templates",
            p.file,
            path_line(p.lines, f"$.Statement[{i}]"),
            f"$.Statement[{i}]",
            tier=tier_name,
            resource=p.label,
        )
        for p, i in added
    ]


def _through_access_points(catalog: Catalog, policies: Sequence[ExtractedPolicy]) -> list[Finding]:
    """A policy of another ARN that reaches a model resource's data (an S3 access
    point's, on a bucket of the resource model or on a bucket the templates do not
    name; a DynamoDB stream's, on a model table) and allows anything: requests by that
    ARN reach the model's data, which neither the drift check nor the isolation proof
    reads by that ARN, so isolation through it is unknown (PE091), never passed."""
    out: list[Finding] = []
    ident = _identity(catalog)
    for p in policies:
        if p.kind != "resource" or not p.through:
            continue
        if all(_is_deny(s) for s in _statements(p.document)):
            continue
        for name, spec in catalog.resources.items():
            opened = [b for b in p.through if b and _opens(ident(b), spec.arn)]
            if not opened:
                continue
            route, fix = _route(p)
            out.append(
                Finding(
                    "PE091",
                    "error",
                    f"resource `{name}`: `{p.label}` allows requests through {route} to "
                    f"`{shown(opened[0])}`: the isolation proof and the drift check read "
                    f"requests by the model resource's own ARN, not through {route}, so "
                    f"isolation of `{name}` through it is unknown ({fix})",
                    p.file,
                    p.line,
                    resource=p.label,
                )
            )
    return out


def _grants(catalog: Catalog, templates: Sequence[IacTemplate]) -> list[Finding]:
    """Access granted to a model resource outside any policy (an S3 ACL that grants
    others): the isolation proof reads policies only, so isolation is unknown (PE091)."""
    out: list[Finding] = []
    ident = _identity(catalog)
    for t in templates:
        for arn, what, owner, line in t.grants:
            for name, spec in catalog.resources.items():
                if not _opens(ident(arn), spec.arn):
                    continue
                out.append(
                    Finding(
                        "PE091",
                        "error",
                        f"resource `{name}`: `{owner}` opens `{shown(arn)}` by its "
                        f"{what}, which the isolation proof does not read: isolation of "
                        f"`{name}` is unknown ({_grant_fix(what)})",
                        t.file,
                        line,
                        resource=owner,
                    )
                )
    return out


_ASSUME = ("sts:assumerole", "sts:assumerolewithwebidentity", "sts:assumerolewithsaml")


def _vendor_trust(catalog: Catalog, templates: Sequence[IacTemplate]) -> list[Finding]:
    """The deployed trust policy of each credential vendor role (the catalogue's
    ``vendor_roles``): the vendor may assume every tier role without a session policy,
    so whoever may assume the vendor role may too. Only a service principal (the
    vendor's compute, ``lambda.amazonaws.com``) may: any other principal the trust
    admits (a role, a user, an account, ``*``, a federated identity, an unresolved
    value) mints tier sessions without the tenant-scoped session policy (PE091)."""
    from fnmatch import fnmatchcase

    out: list[Finding] = []
    for vendor in catalog.vendor_roles:
        for role in _find_roles(templates, vendor):
            document = None if role.trust is None else read_policy(role.trust)[0].document
            bad = (
                None
                if role.trust is None or document is None
                else _unreadable(role.trust, document)
            )
            if document is None or bad is not None:
                why = "cannot be read" if bad is None else f"cannot be read as written: {bad[1]}"
                who = [f"an unknown principal (its trust policy {why})"]
                statements: list[Mapping[str, Any]] = []
            else:
                who = []
                statements = _statements(document)
            for st in statements:
                if st.get("Effect") != "Allow":
                    continue
                names = [a.lower() for a in _strings(st.get("Action"))]
                if "NotAction" not in st and not any(
                    fnmatchcase(assume, a) for a in names for assume in _ASSUME
                ):
                    continue
                who.extend(_non_service(st))
            if not who:
                continue
            out.append(
                Finding(
                    "PE091",
                    "error",
                    f"deployed: the credential vendor role `{shown(role.name)}` (`{role.owner}`) "
                    f"may be assumed by {', '.join(dict.fromkeys(who))}: the vendor assumes the "
                    "tier roles without a session policy, so that principal can too, and its "
                    "sessions reach every tenant of a tier (let only the vendor's service, "
                    "e.g. lambda.amazonaws.com, assume it)",
                    role.trust.file if role.trust else role.file,
                    role.trust.line if role.trust else role.line,
                    "$",
                    resource=role.owner,
                )
            )
    return out


def _deployed_trust(
    catalog: Catalog,
    templates: Sequence[IacTemplate],
    catalogue: Mapping[str, Mapping[str, Any]],
) -> tuple[dict[str, Mapping[str, Any]], list[Finding]]:
    """The trust policies the deployed proof reads as resource policies on roles (a
    grant to ``*`` or to a tenant's session lets that session assume the role without
    its session policy: an escalation), by role ARN: the catalogue's, with each tier
    role the templates hold read as deployed (every copy's Allows; a copy whose trust
    cannot be read admits anyone), and every other role of the templates with its
    statements that may grant a principal other than an AWS service (a service
    assuming a role that is no tier's is no tenant's session), Allows only (a Deny of
    a role whose ARN is not known exactly fences nothing for sure). A role of the
    templates whose trust cannot be read is PE091: whether a tenant's session may
    assume it is not known. Before, the deployed proof of each tier read the other
    tier roles' trust from the catalogue and no other role's at all: a role whose
    trust admits ``*`` in the account, reading every tenant's data, left every tier
    proved."""
    from ..isolation import allows_of

    out: dict[str, Mapping[str, Any]] = dict(catalogue)
    findings: list[Finding] = []
    ident = _identity(catalog)
    tier_copies: set[tuple[str, str]] = set()
    for tier in catalog.tiers.values():
        copies = _find_roles(templates, tier.role_arn)
        if not copies:
            continue
        tier_copies.update((r.file, r.owner) for r in copies)
        docs = [_readable_trust(r) or _ANY_TRUST for r in copies]
        document = docs[0] if len(docs) == 1 else allows_of(docs)
        identity = role_identity(tier.role_arn)
        for arn in {tier.role_arn, *(k for k in catalogue if role_identity(k) == identity)}:
            out[arn] = document
    for t in templates:
        for r in t.roles:
            if (r.file, r.owner) in tier_copies:
                continue
            # a part not known (a plan's account or generated name, the stack's account
            # not given) is any text
            arn = re.sub(r"<[^<>]*>", "*", ident(r.arn))
            if "AWS::AccountId" in t.stand_ins:
                arn = arn.replace(f":iam::{PSEUDO_STAND_INS['AWS::AccountId']}:", ":iam::*:")
            read = _readable_trust(r)
            if read is None:
                if r.trust is None:  # else refused by the grammar: PE001 speaks for it
                    findings.append(
                        Finding(
                            "PE091",
                            "error",
                            f"deployed: the trust policy of role `{shown(r.name)}` (`{r.owner}`) "
                            "cannot be read (a plan's known only after apply): whether a "
                            "tenant's session may assume the role is unknown",
                            r.file,
                            r.line,
                            resource=r.owner,
                        )
                    )
                continue
            kept = allows_of([read], services=False)
            if kept["Statement"]:
                out[arn] = kept
    return out, findings


def _readable_trust(role: RoleInfo) -> Mapping[str, Any] | None:
    """A role's trust policy as read (widened), or None when there is none the lint
    can read or the IAM grammar refuses it."""
    if role.trust is None:
        return None
    document = read_policy(role.trust)[0].document
    return None if _unreadable(role.trust, document) is not None else document


def _non_service(statement: Mapping[str, Any]) -> list[str]:
    """The principals of a trust statement other than AWS services, as shown."""
    if "NotPrincipal" in statement:
        return ["every principal but those `NotPrincipal` lists"]
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping):
        return [f"`{principal}`"]
    return [
        f"`{kind}` `{value}`"
        for kind, values in principal.items()
        if kind != "Service"
        for value in _strings(values) or [values]
    ]


def _grant_fix(what: str) -> str:
    if "copied" in what or "listed" in what or "moved" in what:
        return "copy no pooled data where the catalogue's model and proof do not reach"
    if "after apply" in what:
        return "lint a plan where it is known, or the configuration's rendered JSON"
    if "connector" in what:
        return "write the access out as `Policies` or a resource policy, which are linted"
    return "grant through policies only; keep ACLs disabled: Object Ownership BucketOwnerEnforced"


def _role_grants(catalog: Catalog, templates: Sequence[IacTemplate]) -> list[Finding]:
    """Policies a template gives a tier role that the reader cannot read (a SAM
    connector's, whose source is the role): the deployed role is unknown (PE091)."""
    out: list[Finding] = []
    for tier_name, tier in catalog.tiers.items():
        name = tier.role_arn.rsplit("/", 1)[-1].lower()
        for t in templates:
            for role, what, owner, line in t.role_grants:
                pattern = "".join(".*" if c == "*" else re.escape(c) for c in widen_text(role))
                if not re.fullmatch(pattern, name, re.IGNORECASE | re.DOTALL):
                    continue
                out.append(
                    Finding(
                        "PE091",
                        "error",
                        f"deployed: `{owner}` gives role `{shown(role)}` (tier `{tier_name}`'s "
                        f"role, or may be) policies by its {what}, which the lint does not read: "
                        "drift and isolation of the deployed role are unknown",
                        t.file,
                        line,
                        "$",
                        tier_name,
                        resource=owner,
                    )
                )
    return out


def _route(p: ExtractedPolicy) -> tuple[str, str]:
    """How a policy's requests reach the data it opens, and the way out."""
    if any("/stream/" in t for t in p.targets):
        return (
            "a DynamoDB stream",
            "give the stream of a pooled table no resource policy: "
            "readers in the account need none",
        )
    return (
        "an access point",
        "give the access point no policy, or put no access point on a pooled bucket",
    )


_S3_BUCKET = re.compile(r"arn:[^:]*:s3:::[^/]+")


def _governs(target: str, model_arn: str) -> bool:
    """Whether the resource policy of ``target`` (a resolved ARN) is evaluated for
    requests on a model resource: the same resource, or a model resource inside an S3
    bucket (a bucket's one policy governs every key of it: a model resource at a key
    prefix, ``bucket/reports``, is under the bucket's policy)."""
    from ._arns import globs_overlap

    if globs_overlap(target, model_arn):
        return True
    return _S3_BUCKET.fullmatch(target) is not None and globs_overlap(f"{target}/*", model_arn)


def _opens(bucket: str, model_arn: str) -> bool:
    """Whether a model ARN is the bucket or lies in it."""
    from ._arns import globs_overlap

    return globs_overlap(bucket, model_arn) or globs_overlap(f"{bucket}/*", model_arn)


def _is_deny(statement: Mapping[str, Any]) -> bool:
    """A statement that only takes away (an unresolved ``Effect`` may allow)."""
    return statement.get("Effect") == "Deny"


def _role_drift(
    catalog: Catalog,
    renderer: Any,
    tier_name: str,
    role: RoleInfo,
    mine: Sequence[ExtractedPolicy],
) -> list[Finding]:
    """The deployed role's statements against the catalogue's rendered role policies,
    by meaning (:func:`_atoms`): a catalogue statement some of whose atoms no deployed
    statement has is missing (PE120); a deployed statement with an atom the catalogue
    lacks is added (PE121), as is every managed policy attached from outside."""
    from ..isolation import role_documents
    from . import path_line

    out: list[Finding] = []
    expected: list[tuple[frozenset[str], tuple[str, Mapping[str, Any], int]]] = []
    for template_name, doc in role_documents(catalog, tier_name, renderer=renderer).items():
        version = doc.get("Version")
        for i, s in enumerate(_statements(doc)):
            expected.append((_atoms(s, version), (template_name, s, i)))
    deployed = [
        (_atoms(s, p.document.get("Version")), (p, s, i))
        for p in mine
        for i, s in enumerate(_statements(p.document))
    ]
    missing, added = _atom_diff(expected, deployed)
    for template_name, s, i in missing:
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
    for p, s, i in added:
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
                f"tier `{tier_name}`: policy `{shown(arn)}` is on the deployed role but is "
                "not in the catalogue (its statements are unknown here)",
                role.file,
                managed_line,
                tier=tier_name,
                resource=role.owner,
            )
        )
    return out


def _check_role(
    catalog: Catalog,
    renderer: Any,
    tier_name: str,
    role: RoleInfo,
    templates: Sequence[IacTemplate],
    policies: Sequence[ExtractedPolicy],
    deployed_resources: Mapping[str, Mapping[str, Any]],
    resource_refs: Mapping[str, list[tuple[ExtractedPolicy, int, dict[str, int]]]],
    catalogue_trust: Mapping[str, Mapping[str, Any]],
) -> tuple[list[Finding], TierSummary]:
    """One deployed copy of a tier's role: drift, trust for vending, and the proof
    (``catalogue_trust``: the catalogue's trust policies by role ARN; with its result:
    ``unknown`` too when a managed policy is out of sight)."""
    from ..isolation import check_isolation, role_undeclared
    from . import _locate, lint_target, path_line

    tier = catalog.tiers[tier_name]
    name = role.name.lower()
    # The role's policies: those of its own file, and those attached by name from a file
    # that has no copy of the role (another copy's statements are not this one's).
    copies = {r.file for r in _find_roles(templates, tier.role_arn)}
    mine = [
        p
        for p in policies
        if p.kind == "identity"
        and name in {r.lower() for r in p.roles}
        and (p.file == role.file or p.file not in copies)
    ]
    out = _role_drift(catalog, renderer, tier_name, role, mine)
    out.extend(_same_names(tier_name, role, mine))
    # Who may mint sessions of the deployed role: its deployed trust policy (read
    # widened: an unresolved principal is anyone), the other roles' from the catalogue.
    # A trust policy the templates do not give (a plan's known only after apply) may
    # admit anyone: never the catalogue's in its place.
    trust = dict(catalogue_trust)
    # this copy's trust policy, under every ARN of its role (another path or case)
    own = [k for k in trust if role_identity(k) == role_identity(tier.role_arn)]
    for arn in {tier.role_arn, *own}:
        trust[arn] = _ANY_TRUST
    read_trust = None if role.trust is None else read_policy(role.trust)
    bad_trust = None
    if role.trust is not None and read_trust is not None:
        bad_trust = _unreadable(role.trust, read_trust[0].document)
    # Trust: what vending sends.
    if role.trust is None or read_trust is None or bad_trust is not None:
        why = (
            "no trust policy the lint can read (none in the template, or a plan's known "
            "only after apply)"
            if bad_trust is None
            else f"a trust policy the lint cannot read as written ({bad_trust[0]}: {bad_trust[1]})"
        )
        out.append(
            Finding(
                "PE101",
                "warning",
                f"tier `{tier_name}`: the deployed role `{role.owner}` has {why}: the "
                "deployed proof reads it as admitting anyone",
                role.file,
                role.line,
                tier=tier_name,
                resource=role.owner,
            )
        )
    else:
        widened, lines = read_trust
        for arn in {tier.role_arn, *own}:
            trust[arn] = widened.document
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
    undecided = _undecided(templates)
    # Policies on a role whose name is not resolved and may be this one: they may be
    # on it (their Allows are read as on it; their Denies, which may not be, fence
    # nothing), and drift does not count them (they may be elsewhere).
    maybe = _maybe_attached(templates, policies, tier.role_arn.rsplit("/", 1)[-1])
    for p, written in maybe:
        out.append(
            Finding(
                "PE122",
                "warning",
                f"tier `{tier_name}`: `{p.label}` is attached to role `{shown(written)}`, whose "
                f"name is unresolved and may be `{tier.role_arn.rsplit('/', 1)[-1]}`: its "
                "Allow statements are read as on the deployed role in the deployed proof, its "
                "Deny statements fence nothing (give its parameters with --parameter)",
                p.file,
                p.line,
                tier=tier_name,
                resource=p.label,
            )
        )
    for p in [*mine, *(p for p, _ in maybe)]:
        widened, lines = read_policy(p)
        document: Mapping[str, Any] = widened.document
        bad = _unreadable(p, document)
        if bad is not None:
            # not read as if it were valid (the proof's parser refuses it): what it
            # grants the role is unknown, and the proof reads it as granting nothing
            out.append(_unreadable_finding(p, lines, bad, "on the deployed role", tier_name))
            document = {"Version": "2012-10-17", "Statement": []}
        elif (p.file, p.owner) in undecided or p not in mine:
            document, lines = _without_denies(document, lines)
        role_docs[p.label] = document
        role_refs[p.label] = (p, lines)
    # A tier on this role that lists no role templates says the role carries policies
    # the catalogue does not declare (deployed by other means, which the linted
    # templates may not hold): as in the catalogue's proof, the role may allow
    # everything (isolation.role_undeclared).
    undeclared = role_undeclared(catalog, tier_name)
    if undeclared:
        out.append(
            Finding(
                "PE122",
                "warning",
                f"tier `{tier_name}`: a tier on role `{tier.role_arn.rsplit('/', 1)[-1]}` lists "
                "no role templates, so the role may carry policies deployed by other means "
                "than the linted templates: the deployed proof reads it as allowing "
                "everything, as the catalogue's proof does (list the role's templates)",
                role.file,
                role.line,
                tier=tier_name,
                resource=role.owner,
            )
        )
    result = check_isolation(
        renderer.symbolic_tier(tier_name).document,
        {} if undeclared else role_docs,
        [r for r in catalog.resources.values() if r.service != "execute-api"],
        catalog.language,
        tier=tier_name,
        account=tier.account,
        role_name=tier.role_arn.rsplit("/", 1)[-1],
        examples=catalog.examples,
        resource_policies=deployed_resources,
        role_arn=tier.role_arn,
        trust_policies=trust,
        vendors=catalog.vendor_roles,
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
    for arn, managed_line in role.managed:
        out.append(
            Finding(
                "PE091",
                "error",
                f"deployed: policy `{shown(arn)}` on `{role.owner}` has statements "
                "the lint cannot see: isolation of the deployed role is unknown",
                role.file,
                managed_line,
                "$",
                tier_name,
                resource=role.owner,
            )
        )
    status: ProofStatus = result.status
    if role.managed and status == "proved":
        status = "unknown"
    return out, TierSummary(tier_name, status, checks=result.checks, seconds=result.seconds)


def _same_names(tier_name: str, role: RoleInfo, mine: Sequence[ExtractedPolicy]) -> list[Finding]:
    """Two inline policies of one name on the deployed role (the role's ``Policies``
    and an ``AWS::IAM::Policy``, a ``RolePolicy``, a plan's ``aws_iam_role_policy``...):
    IAM keeps one inline policy per name (``PutRolePolicy`` replaces it: IAM API
    Reference), the one written last, so the union that drift and the proof read may
    hold statements (a Deny fence) the deployed role has not."""
    out: list[Finding] = []
    seen: dict[str, ExtractedPolicy] = {}
    for p in mine:
        if not p.inline_name:
            continue
        other = seen.setdefault(p.inline_name.lower(), p)
        if other is p or other.label == p.label:
            continue
        out.append(
            Finding(
                "PE121",
                "error",
                f"tier `{tier_name}`: `{p.label}` and `{other.label}` are both the inline "
                f"policy `{shown(p.inline_name)}` of the deployed role `{role.owner}`: IAM keeps "
                "one policy per name, the one written last, so the role's statements are not "
                "known (give each inline policy its own name)",
                p.file,
                p.line,
                tier=tier_name,
                resource=p.label,
            )
        )
    return out


#: The trust policy read for a deployed tier role whose own cannot be read: anyone may
#: assume the role (and tag and name its sessions).
_ANY_TRUST: Mapping[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
        }
    ],
}


def _literal_variables(value: Any) -> Any:
    """A statement of a document with an old ``Version`` (or none), where policy
    variables are literal text, written for ``2012-10-17`` (``${`` as ``${$}{``), so
    the proof reads it as IAM does."""
    if isinstance(value, str):
        return value.replace("${", "${$}{")
    if isinstance(value, list):
        return [_literal_variables(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _literal_variables(v) for k, v in value.items()}
    return value


def _replaced(name: str, found: Sequence[ExtractedPolicy], ident: Any) -> list[Finding]:
    """Two resource policies of the templates set the policy of one resource (the same
    resolved ARN): AWS keeps one, the last written, so neither is what is deployed
    for sure; their union, which drift reads, may be no deployed policy. The deployed
    proof reads the Allows of all and the Denies of none (one policy's Deny does not
    fence the other's Allows when the other is the one kept)."""
    out: list[Finding] = []
    seen: dict[str, ExtractedPolicy] = {}
    for p in found:
        for target in p.targets:
            # a plan's unspelt partition is the catalogue's (the same bucket by either)
            if not target or "*" in ident(target):
                continue
            other = seen.setdefault(ident(target), p)
            if other is not p and other.label != p.label:
                out.append(
                    Finding(
                        "PE124",
                        "error",
                        f"resource `{name}`: `{p.label}` and `{other.label}` both set the "
                        f"resource policy of `{target}`: AWS keeps only the one written last",
                        p.file,
                        p.line,
                        resource=p.label,
                    )
                )
    return out


def _resource_drift(
    name: str,
    catalogue: Mapping[str, Any],
    deployed: Sequence[tuple[ExtractedPolicy, Widened, dict[str, int]]],
) -> list[Finding]:
    """The deployed resource policy of a model resource against the catalogue's
    rendered copy, by meaning (:func:`_atoms`; each side's extra statements reported)."""
    from . import path_line

    out: list[Finding] = []
    version = catalogue.get("Version")
    wanted = [(_atoms(s, version), (s, i)) for i, s in enumerate(_statements(catalogue))]
    found = [
        (_atoms(s, widened.document.get("Version")), (p, i, lines))
        for p, widened, lines in deployed
        for i, s in enumerate(_statements(widened.document))
    ]
    missing, added = _atom_diff(wanted, found)
    first = deployed[0][0] if deployed else None
    for s, i in missing:
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
    for p, i, lines in added:
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
