"""Where the oracle deviates from AWS's documentation: recorded here, in one place.

Each entry names the documentation our evaluator follows, recognises the cases it
covers, and rewrites such a case into one whose answer must equal ours, which the
oracle then decides. Nothing is skipped: a matching case is still checked.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

_VARIABLE = re.compile(r"\$\{([^}]*)\}")
NEVER = {"Action": "none:NeverMatches", "Resource": "*"}


@dataclass(frozen=True)
class Deviation:
    name: str
    reference: str
    applies: Callable[[dict[str, Any]], bool]
    rewrite: Callable[[dict[str, Any]], dict[str, Any]]


def _policies(case: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield from case["identity"]
    yield from case["boundary"]
    if case["session"]:
        yield case["session"]
    if case.get("resource"):
        yield case["resource"]


def _listify(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _unresolved_not_resource(case: dict[str, Any], policy: dict[str, Any], stmt: Any) -> bool:
    if policy.get("Version") != "2012-10-17" or "NotResource" not in stmt:
        return False
    keys = {k.lower() for k in case["context"]}
    for pattern in _listify(stmt["NotResource"]):
        for inner in _VARIABLE.findall(pattern):
            if inner in ("*", "?", "$") or ", '" in inner:
                continue
            if inner.strip().lower() not in keys or isinstance(
                case["context"].get(inner.strip()), list
            ):
                return True
    return False


def _has_unresolved_not_resource(case: dict[str, Any]) -> bool:
    return any(
        _unresolved_not_resource(case, p, s) for p in _policies(case) for s in p["Statement"]
    )


def _neutralise_unresolved_not_resource(case: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(case)
    for policy in _policies(out):
        policy["Statement"] = [
            {"Effect": s["Effect"], **NEVER} if _unresolved_not_resource(out, policy, s) else s
            for s in policy["Statement"]
        ]
    return out


def _regional_arn_with_variable(pattern: str) -> bool:
    parts = _VARIABLE.sub("X", pattern).split(":")
    return len(parts) >= 6 and bool(parts[3] or parts[4]) and "${" in pattern


def _resource_patterns(stmt: dict[str, Any]) -> list[str]:
    return [p for k in ("Resource", "NotResource") if k in stmt for p in _listify(stmt[k])]


def _has_regional_variable(case: dict[str, Any]) -> bool:
    return any(
        p.get("Version") == "2012-10-17"
        and any(_regional_arn_with_variable(r) for r in _resource_patterns(s))
        for p in _policies(case)
        for s in p["Statement"]
    )


def _substitute(pattern: str, context: dict[str, Any]) -> str:
    lowered = {k.lower(): v for k, v in context.items()}

    def repl(m: re.Match[str]) -> str:
        inner = m.group(1)
        if inner in ("*", "?", "$"):
            return m.group(0)
        name, _, default = inner.partition(", '")
        value = lowered.get(name.strip().lower())
        if isinstance(value, str):
            return value
        if default.endswith("'"):
            return default[:-1]
        return m.group(0)

    return _VARIABLE.sub(repl, pattern)


def _resolve_regional_variables(case: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(case)
    for policy in _policies(out):
        if policy.get("Version") != "2012-10-17":
            continue
        for stmt in policy["Statement"]:
            for key in ("Resource", "NotResource"):
                if key in stmt:
                    stmt[key] = [
                        _substitute(r, out["context"]) if _regional_arn_with_variable(r) else r
                        for r in _listify(stmt[key])
                    ]
    return out


DATE_KEYS = {"aws:currenttime", "aws:epochtime"}


def _is_epoch(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and value.isdigit()
    )


def _iso(value: Any) -> Any:
    from datetime import UTC, datetime

    if not _is_epoch(value):
        return value
    return datetime.fromtimestamp(int(value), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _date_blocks(case: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for policy in _policies(case):
        for stmt in policy["Statement"]:
            for op, block in stmt.get("Condition", {}).items():
                if "Date" in op:
                    yield block


def _mixes_epoch(case: dict[str, Any]) -> bool:
    in_context = any(k.lower() in DATE_KEYS and _is_epoch(v) for k, v in case["context"].items())
    in_policy = any(
        _is_epoch(v)
        for block in _date_blocks(case)
        for vals in block.values()
        for v in (vals if isinstance(vals, list) else [vals])
    )
    return in_context or in_policy


def _epoch_to_iso(case: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(case)
    out["context"] = {
        k: _iso(v) if k.lower() in DATE_KEYS else v for k, v in out["context"].items()
    }
    for block in _date_blocks(out):
        for key, vals in block.items():
            block[key] = [_iso(v) for v in vals] if isinstance(vals, list) else _iso(vals)
    return out


def _old_version_with_variable(case: dict[str, Any]) -> bool:
    return any(
        p.get("Version") == "2008-10-17" and "${" in json.dumps(p["Statement"])
        for p in _policies(case)
    )


def _escape_old_variables(case: dict[str, Any]) -> dict[str, Any]:
    def escape(node: Any) -> Any:
        if isinstance(node, str):
            return node.replace("${", "${$}{")
        if isinstance(node, list):
            return [escape(x) for x in node]
        if isinstance(node, dict):
            return {k: escape(v) for k, v in node.items()}
        return node

    out = copy.deepcopy(case)
    for key in ("identity", "boundary"):
        out[key] = [
            {"Version": "2012-10-17", "Statement": escape(p["Statement"])}
            if p.get("Version") == "2008-10-17"
            else p
            for p in out[key]
        ]
    for key in ("session", "resource"):
        single = out.get(key)
        if single and single.get("Version") == "2008-10-17":
            out[key] = {"Version": "2012-10-17", "Statement": escape(single["Statement"])}
    return out


def _for_any_if_exists_missing(case: dict[str, Any]) -> bool:
    keys = {k.lower() for k in case["context"]}
    return any(
        op.startswith("ForAnyValue:") and op.endswith("IfExists") and key.lower() not in keys
        for p in _policies(case)
        for s in p["Statement"]
        for op, block in s.get("Condition", {}).items()
        for key in block
    )


def _drop_satisfied_if_exists(case: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(case)
    keys = {k.lower() for k in out["context"]}
    for policy in _policies(out):
        for stmt in policy["Statement"]:
            cond = stmt.get("Condition")
            if not cond:
                continue
            for op in list(cond):
                if op.startswith("ForAnyValue:") and op.endswith("IfExists"):
                    cond[op] = {k: v for k, v in cond[op].items() if k.lower() in keys}
                    if not cond[op]:
                        del cond[op]
            if not cond:
                del stmt["Condition"]
    return out


_ACCOUNT = re.compile(r"\d{12}")


def _caller(case: dict[str, Any]) -> dict[str, Any]:
    """The caller's kind and identities, as the evaluator reads them (AWS-FACTS.md)."""
    arn = case["principal"]
    parts = arn.split(":")
    if arn.endswith(".amazonaws.com"):
        return {"kind": "service", "account": None, "names": {arn}, "chain": [arn]}
    account = parts[4]
    root = f"arn:aws:iam::{account}:root"
    resource = parts[5]
    if resource == "root":
        return {"kind": "root", "account": account, "names": {account, root}, "chain": [account]}
    chain = [account, arn]
    if resource.startswith("assumed-role/"):
        role = f"arn:aws:iam::{account}:role/{resource.split('/')[1]}"
        chain = [account, role, arn]
        kind = "session"
    else:
        kind = "federated" if resource.startswith("federated-user/") else "user"
    return {"kind": kind, "account": account, "names": set(chain), "chain": chain}


def _same_account(case: dict[str, Any]) -> bool:
    account = _caller(case)["account"]
    return account is None or case.get("resource_account") in (None, account)


def _principal_values(element: Any) -> list[str]:
    if element == "*":
        return ["*"]
    return [v for values in element.values() for v in _listify(values)]


def _names_directly(stmt: dict[str, Any], caller: dict[str, Any]) -> bool:
    values = _principal_values(stmt["Principal"])
    return "*" in values or caller["chain"][-1] in values


def _direct_grants(case: dict[str, Any]) -> list[dict[str, Any]]:
    policy = case.get("resource")
    if not policy or not case["session"]:
        return []
    caller = _caller(case)
    if caller["kind"] not in ("session", "federated") or not _same_account(case):
        return []
    return [
        s
        for s in policy["Statement"]
        if s["Effect"] == "Allow" and "Principal" in s and _names_directly(s, caller)
    ]


def _session_allows_direct_grants(case: dict[str, Any]) -> dict[str, Any]:
    # The session policy gains a copy of each direct grant (without its Principal), so
    # it allows exactly what it allowed before plus what those grants allow: the
    # oracle's session check then no longer limits them, and nothing else changes.
    # Runs after the 2008-10-17 rewrite, so every policy with variables is 2012-10-17.
    out = copy.deepcopy(case)
    copies = [
        {k: v for k, v in s.items() if k not in ("Principal", "Sid")} for s in _direct_grants(out)
    ]
    out["session"] = {
        "Version": "2012-10-17",
        "Statement": [*out["session"]["Statement"], *copies],
    }
    return out


def _lists(values: list[str], name: str) -> bool:
    return any(v == name or (v.endswith(":root") and v.split(":")[4] == name) for v in values)


def _exempt_partly(stmt: dict[str, Any], caller: dict[str, Any]) -> bool:
    """NotPrincipal lists some identity of the caller but not all of them."""
    values = _principal_values(stmt["NotPrincipal"])
    if "*" in values:
        return False
    listed = [_lists(values, name) for name in caller["chain"]]
    return any(listed) and not all(listed)


def _partial_not_principal(case: dict[str, Any]) -> bool:
    policy = case.get("resource")
    if not policy or case["boundary"]:
        return False
    caller = _caller(case)
    return any(
        s["Effect"] == "Deny" and "NotPrincipal" in s and _exempt_partly(s, caller)
        for s in policy["Statement"]
    )


NOBODY = {"AWS": "arn:aws:iam::999999999999:user/nobody"}


def _not_principal_lists_nobody(case: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(case)
    caller = _caller(out)
    out["resource"]["Statement"] = [
        {**s, "NotPrincipal": NOBODY}
        if s["Effect"] == "Deny" and "NotPrincipal" in s and _exempt_partly(s, caller)
        else s
        for s in out["resource"]["Statement"]
    ]
    return out


def _is_root(case: dict[str, Any]) -> bool:
    return _caller(case)["kind"] == "root"


def _root_allowed_everything(case: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(case)
    out["identity"] = [
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        }
    ]
    return out


NEGATED_NULLABLE = ("StringNot", "ArnNot")
NEVER_VALUE = {"String": "\u0000never-matches", "Arn": "arn:aws:none::000000000000:never-matches"}


def _null_variable(value: Any, context: dict[str, Any]) -> bool:
    if not isinstance(value, str):
        return False
    lowered = {k.lower(): v for k, v in context.items()}
    for inner in _VARIABLE.findall(value):
        if inner in ("*", "?", "$") or ", '" in inner:
            continue
        if not isinstance(lowered.get(inner.strip().lower()), str):
            return True
    return False


def _negated_blocks(case: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for policy in _policies(case):
        if policy.get("Version") != "2012-10-17":
            continue
        for stmt in policy["Statement"]:
            for op, block in stmt.get("Condition", {}).items():
                base = op.split(":")[-1]
                if base.startswith(NEGATED_NULLABLE):
                    yield base, block


def _negated_null_variable(case: dict[str, Any]) -> bool:
    return any(
        _null_variable(v, case["context"])
        for _, block in _negated_blocks(case)
        for vals in block.values()
        for v in _listify(vals)
    )


def _null_as_never_matching(case: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(case)
    for base, block in _negated_blocks(out):
        sentinel = NEVER_VALUE["Arn" if base.startswith("Arn") else "String"]
        for key, vals in block.items():
            new = [sentinel if _null_variable(v, out["context"]) else v for v in _listify(vals)]
            block[key] = new if isinstance(vals, list) else new[0]
    return out


def _has_empty_multivalued(case: dict[str, Any]) -> bool:
    return any(v == [] for v in case["context"].values())


def _drop_empty_multivalued(case: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(case)
    out["context"] = {k: v for k, v in out["context"].items() if v != []}
    return out


def _lacks_principal_keys(case: dict[str, Any]) -> bool:
    from policy_engine.evaluate import _principal_keys, parse_caller

    keys = {k.lower() for k in case["context"]}
    derived = _principal_keys(parse_caller(case["principal"]))
    return any(k not in keys for k in derived)


def _add_principal_keys(case: dict[str, Any]) -> dict[str, Any]:
    from policy_engine.evaluate import _principal_keys, parse_caller

    keys = {k.lower() for k in case["context"]}
    context = dict(case["context"])
    for key, value in _principal_keys(parse_caller(case["principal"])).items():
        if key not in keys:
            context[{"aws:principalarn": "aws:PrincipalArn"}.get(key, "aws:PrincipalAccount")] = (
                value
            )
    return {**case, "context": context}


DEVIATIONS: list[Deviation] = [
    Deviation(
        name="principal-keys-always-present",
        reference=(
            "IAM User Guide, 'AWS global condition context keys': aws:PrincipalArn and "
            "aws:PrincipalAccount are always included in the request context (for a role "
            "session, aws:PrincipalArn is the role's ARN). Our requests carry them, derived "
            "from the caller; the oracle reads only the context it is given. Checked by "
            "asking the oracle with the two keys added to the context."
        ),
        applies=_lacks_principal_keys,
        rewrite=_add_principal_keys,
    ),
    Deviation(
        name="empty-multivalued-key-is-absent",
        reference=(
            "IAM User Guide, 'Single-valued vs. multivalued context keys': set operators "
            "treat a missing key and an empty one alike. We treat an empty multivalued key "
            "as absent for every operator, Null included (so `Null: false` on "
            "dynamodb:LeadingKeys cannot be passed with an empty key set); the oracle "
            "counts an empty key as present for Null. Checked by asking the oracle about "
            "the case with empty keys removed."
        ),
        applies=_has_empty_multivalued,
        rewrite=_drop_empty_multivalued,
    ),
    Deviation(
        name="for-any-value-if-exists-missing-key",
        reference=(
            "IAM User Guide, 'Condition operators', ...IfExists: if the key is not present "
            "in the request context, the condition evaluates to true. The oracle lets "
            "ForAnyValue's rule (false for a missing key) win over IfExists. Checked by "
            "asking the oracle about the case without those (satisfied) conditions."
        ),
        applies=_for_any_if_exists_missing,
        rewrite=_drop_satisfied_if_exists,
    ),
    Deviation(
        name="variables-under-2008-10-17",
        reference=(
            "IAM User Guide, 'IAM JSON policy elements: Version' and 'Variables and tags': "
            "under Version 2008-10-17 policy variables are literal text. The oracle "
            "substitutes them under either version. Checked by asking the oracle about the "
            "same policy written for 2012-10-17 with every `${` escaped as `${$}{`."
        ),
        applies=_old_version_with_variable,
        rewrite=_escape_old_variables,
    ),
    Deviation(
        name="date-epoch-seconds",
        reference=(
            "IAM User Guide, 'Condition operators', date condition operators: values are "
            "ISO 8601 dates or epoch (UNIX) time in seconds, and the two forms are "
            "equivalent. The oracle reads epoch values as numbers but ISO values as "
            "milliseconds, so mixed forms never compare correctly. Checked by asking the "
            "oracle about the case with every epoch value written as ISO 8601."
        ),
        applies=_mixes_epoch,
        rewrite=_epoch_to_iso,
    ),
    Deviation(
        name="variable-in-regional-arn",
        reference=(
            "IAM User Guide, 'IAM policy elements: Variables and tags': variables may stand "
            "in the resource part of an ARN (after the fifth colon). The oracle leaves them "
            "unresolved in ARNs that carry a region and account (SQS, Secrets Manager, ...), "
            "so such patterns never match there. Checked by asking the oracle about the case "
            "with those variables substituted from the request context."
        ),
        applies=_has_regional_variable,
        rewrite=_resolve_regional_variables,
    ),
    Deviation(
        name="notresource-unresolved-variable",
        reference=(
            "IAM User Guide, 'IAM policy elements: Variables and tags': if AWS cannot "
            "resolve a variable, the entire statement might be invalid. We treat such a "
            "NotResource statement as applying to nothing (fail closed); the oracle decides "
            "by service (S3: not applying; SQS: applying). Checked by asking the oracle "
            "about the same case with those statements replaced by never-matching ones."
        ),
        applies=_has_unresolved_not_resource,
        rewrite=_neutralise_unresolved_not_resource,
    ),
    Deviation(
        name="negated-operator-null-variable",
        reference=(
            "IAM User Guide, 'IAM policy elements: Variables and tags', section 'Policy "
            "variables with no value': inverted operators like StringNotEquals or "
            "StringNotLike do match against a null value (so a Deny with StringNotEquals "
            "against an unset ${aws:PrincipalTag/Team} denies). The oracle treats such a "
            "value as not matching. Checked by asking the oracle about the case with each "
            "such value replaced by a literal no request value equals."
        ),
        applies=_negated_null_variable,
        rewrite=_null_as_never_matching,
    ),
    Deviation(
        name="direct-grant-not-limited-by-session-policy",
        reference=(
            "IAM User Guide, 'Policy evaluation logic' (single account, resource-based "
            "policies) and 'Principal' (IAM role principals): a same-account grant to the "
            "session ARN, the federated-user ARN or to '*' (with or without an "
            "aws:PrincipalArn condition) is not limited by the session policy. The oracle "
            "limits it. Checked by asking the oracle about the case whose session policy "
            "also holds a copy of each such grant (without Principal), which allows exactly "
            "what the grants allow."
        ),
        applies=lambda case: bool(_direct_grants(case)),
        rewrite=_session_allows_direct_grants,
    ),
    Deviation(
        name="not-principal-exempts-only-fully-listed-callers",
        reference=(
            "IAM User Guide, 'NotPrincipal': AWS may check the account, then the role, then "
            "the session, so a caller is exempt only when its account, role and session (or "
            "account and user) are all listed; listing the account does not exempt its "
            "other principals. The oracle exempts a caller when any one of them is listed. "
            "Checked by asking the oracle about the case with such a NotPrincipal listing "
            "nobody of the caller's (the Deny then applies to it, as it does for us)."
        ),
        applies=_partial_not_principal,
        rewrite=_not_principal_lists_nobody,
    ),
    Deviation(
        name="root-user-full-access",
        reference=(
            "IAM User Guide, 'Policy evaluation logic' (how the enforcement code evaluates "
            "requests): all requests are implicitly denied except those of the account root "
            "user, which has full access. The oracle needs an identity policy for the root "
            "user too. Checked by asking the oracle about the case with an identity policy "
            "that allows everything."
        ),
        applies=_is_root,
        rewrite=_root_allowed_everything,
    ),
]


def for_oracle(case: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The case to ask the oracle, and the deviations that rewrote it."""
    names = []
    for deviation in DEVIATIONS:
        if deviation.applies(case):
            case = deviation.rewrite(case)
            names.append(deviation.name)
    return case, names
