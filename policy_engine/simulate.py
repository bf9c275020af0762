"""Table-driven policy tests (like ``opa test``) over the evaluator.

A cases file is a JSON array of objects::

    {"label": "tenant reads own object",
     "identity": {...policy...},                 # required
     "session": {...policy...} | null,           # optional
     "boundary": {...policy...},                 # optional
     "resource_policy": {...policy...},          # optional
     "principal": "arn:aws:sts::...:assumed-role/R/S",   # optional, any caller kind
     "resource_account": "111122223333",         # optional; default: from the ARN
     "action": "s3:GetObject",
     "resource": "arn:aws:s3:::bucket/acme/a.txt",
     "context": {"key": "value" | ["v1", "v2"]},  # optional
     "expected": true}                           # true = allowed

``identity`` may also be an array of policies; it is required except for an
account root or service caller, which have no identity policies. The resource's
account is ``resource_account`` when given, else the account in the resource ARN
(S3 ARNs have none), else the caller's own account. Without ``principal`` the caller
is an assumed-role session in the resource's account.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import PolicyParseError, SchemaIssue
from .evaluate import (
    DEFAULT_PRINCIPAL,
    Decision,
    InvalidRequest,
    Request,
    account_of_arn,
    evaluate,
    parse_caller,
)
from .model import Policy
from .parse import parse_policy
from .schema import PolicyKind

_CASE_KEYS = frozenset(
    {
        "label",
        "identity",
        "session",
        "boundary",
        "resource_policy",
        "principal",
        "resource_account",
        "action",
        "resource",
        "context",
        "expected",
        "source",
    }
)


@dataclass(frozen=True, slots=True)
class CaseResult:
    label: str
    decision: Decision
    expected: bool

    @property
    def ok(self) -> bool:
        return self.decision.allowed == self.expected

    def to_json(self) -> dict[str, object]:
        return {
            "label": self.label,
            "decision": self.decision.decision,
            "expected": self.expected,
            "ok": self.ok,
        }


def unresolved_variables(policies: Sequence[Policy], request: Request) -> list[str]:
    """The policy variables (``${aws:PrincipalTag/TenantId}``) of ``policies``' Resource
    and Condition elements with no default and no single value in ``request`` (absent,
    or a set of values): IAM cannot resolve them, which "might cause the entire
    statement to be invalid" (IAM User Guide, "IAM policy elements: Variables and
    tags"); the evaluator lets such a statement match nothing. It explains a deny
    that "no statement allows" does not. In order of first use, as written."""
    from ._glob import Var, tokenize

    found: dict[str, None] = {}
    for policy in policies:
        for st in policy.statements:
            texts = [*(st.resource or ()), *(st.not_resource or ())]
            texts += [str(v) for c in st.conditions for v in c.values if isinstance(v, str)]
            for text in texts:
                if "${" not in text:
                    continue
                for token in tokenize(text, variables=True, wildcards=False):
                    if not isinstance(token, Var) or token.default is not None:
                        continue
                    entry = request.normalised.get(token.key.lower())
                    if entry is None or entry[1] or len(entry[0]) != 1:
                        found.setdefault(token.key, None)
    return [f"${{{key}}}" for key in found]


def parse_context(obj: Any, path: str) -> dict[str, str | list[str]]:
    """A request context: an object of key -> string or array of strings."""
    if obj is None:
        return {}
    if not isinstance(obj, Mapping):
        raise PolicyParseError([SchemaIssue(path, "context must be an object")])
    out: dict[str, str | list[str]] = {}
    for key, value in obj.items():
        if isinstance(value, str):
            out[key] = value
        elif isinstance(value, bool | int | float):
            out[key] = "true" if value is True else "false" if value is False else str(value)
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[key] = list(value)
        else:
            raise PolicyParseError(
                [SchemaIssue(f"{path}.{key}", "a context value is a string or an array of strings")]
            )
    return out


def _policies(obj: Any, path: str, kind: PolicyKind) -> list[Policy]:
    if obj is None:
        return []
    items = obj if isinstance(obj, list) else [obj]
    return [
        parse_policy(item, kind=kind, source=f"{path}[{i}]" if isinstance(obj, list) else path)
        for i, item in enumerate(items)
    ]


def _string(case: Mapping[str, Any], key: str, path: str) -> str:
    value = case.get(key)
    if not isinstance(value, str) or not value:
        raise PolicyParseError([SchemaIssue(f"{path}.{key}", "required: a non-empty string")])
    return value


def build_request(
    action: str,
    resource: str,
    context: Mapping[str, str | list[str]],
    *,
    principal: str | None = None,
    resource_account: str | None = None,
) -> Request:
    """A request with the resource account taken from ``resource_account``, else from
    the resource ARN where it carries one; without ``principal`` the caller is an
    assumed-role session in that account (so the request stays same-account)."""
    account = resource_account if resource_account is not None else account_of_arn(resource)
    if principal is None:
        principal = DEFAULT_PRINCIPAL
        if account is not None:
            principal = principal.replace(parse_caller(DEFAULT_PRINCIPAL).account or "", account, 1)
    return Request(action, resource, context, principal=principal, resource_account=account)


def run_case(case: Mapping[str, Any], index: int) -> CaseResult:
    path = f"$[{index}]"
    if not isinstance(case, Mapping):
        raise PolicyParseError([SchemaIssue(path, "a case must be an object")])
    unknown = sorted(set(case) - _CASE_KEYS)
    if unknown:
        raise PolicyParseError(
            [SchemaIssue(path, "unknown keys " + ", ".join(f"`{k}`" for k in unknown))]
        )
    label = case.get("label", f"case {index}")
    if not isinstance(label, str):
        raise PolicyParseError([SchemaIssue(f"{path}.label", "must be a string")])
    expected = case.get("expected")
    if not isinstance(expected, bool):
        raise PolicyParseError(
            [SchemaIssue(f"{path}.expected", "required: true (allowed) or false (denied)")]
        )
    action = _string(case, "action", path)
    resource = _string(case, "resource", path)
    account = case.get("resource_account")
    if account is not None and not isinstance(account, str):
        raise PolicyParseError([SchemaIssue(f"{path}.resource_account", "must be a string")])
    principal = case.get("principal")
    if principal is not None and not isinstance(principal, str):
        raise PolicyParseError([SchemaIssue(f"{path}.principal", "must be a string")])
    try:
        request = build_request(
            action,
            resource,
            parse_context(case.get("context"), f"{path}.context"),
            principal=principal,
            resource_account=account,
        )
    except InvalidRequest as exc:
        raise PolicyParseError([SchemaIssue(path, str(exc))]) from exc
    if case.get("identity") is None and request.caller.kind not in ("root", "service"):
        raise PolicyParseError([SchemaIssue(f"{path}.identity", "required: a policy")])
    try:
        decision = evaluate(
            request,
            identity=_policies(case.get("identity"), f"{path}.identity", "identity"),
            session=_policies(case.get("session"), f"{path}.session", "session"),
            boundary=_policies(case.get("boundary"), f"{path}.boundary", "boundary"),
            resource=_policies(case.get("resource_policy"), f"{path}.resource_policy", "resource"),
        )
    except InvalidRequest as exc:
        raise PolicyParseError([SchemaIssue(path, str(exc))]) from exc
    return CaseResult(label, decision, expected)


def run_cases(cases: Any) -> list[CaseResult]:
    if not isinstance(cases, Sequence) or isinstance(cases, str):
        raise PolicyParseError([SchemaIssue("$", "a cases file is a JSON array of cases")])
    return [run_case(case, i) for i, case in enumerate(cases)]
