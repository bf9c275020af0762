"""Findings, rules and the rule registry of the lint."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, TypeAlias

from ..model import Policy, Statement

Severity: TypeAlias = Literal["error", "warning", "info"]
SEVERITY_RANK: Mapping[str, int] = {"info": 0, "warning": 1, "error": 2}


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    severity: Severity
    message: str
    file: str
    line: int | None = None
    path: str = "$"
    tier: str | None = None
    template: str | None = None
    suppressed: str | None = None  # the suppression's reason
    resource: str | None = None  # IaC: the logical ID / Terraform address and policy

    def to_json(self) -> dict[str, Any]:
        out = {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "path": self.path,
            "tier": self.tier,
            "template": self.template,
            "suppressed": self.suppressed,
        }
        if self.resource is not None:
            out["resource"] = self.resource
        return out


@dataclass(frozen=True)
class Target:
    """One policy to lint: the parsed policy, its raw document, where it came from."""

    policy: Policy
    document: Mapping[str, Any]
    kind: str
    file: str
    tier: str | None = None
    template: str | None = None
    source_text: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: IaC readers: the source line of JSON paths (``$.Statement[1].Resource``); a
    #: finding takes the line of the longest path that starts its own path.
    lines: Mapping[str, int] | None = None
    #: IaC readers: the owner of the policy (logical ID / Terraform address, policy).
    resource: str | None = None

    @cached_property
    def statements(self) -> tuple[tuple[int, Statement, str], ...]:
        """Each statement with its index and JSON path (computed once per target). In a
        resource policy, an Allow to account roots only is left out: it delegates to
        the account's IAM policies and grants no principal anything by itself (AWS's
        default key policy has one)."""
        listed = self.policy.statement_is_list
        return tuple(
            (i, s, f"$.Statement[{i}]" if listed else "$.Statement")
            for i, s in enumerate(self.policy.statements)
            if not (self.kind == "resource" and _delegates_only(s))
        )


_ACCOUNT_ROOT = re.compile(r"(arn:[^:]+:iam::)?\d{12}(:root)?")


def _delegates_only(s: Statement) -> bool:
    if s.effect != "Allow" or s.principal is None or s.principal.wildcard:
        return False
    values = [v for _, vals in s.principal.entries for v in vals]
    aws = s.principal.values("AWS")
    return bool(values) and len(aws) == len(values) and all(_ACCOUNT_ROOT.fullmatch(v) for v in aws)


Check: TypeAlias = Callable[[Target], Iterator[tuple[str, str]]]  # (message, json path)


@dataclass(frozen=True)
class Rule:
    id: str
    severity: Severity
    summary: str
    check: Check


RULES: dict[str, Rule] = {}


def rule(rule_id: str, severity: Severity, summary: str) -> Callable[[Check], Check]:
    """Register a rule: a function yielding (message, JSON path) for one target."""

    def register(check: Check) -> Check:
        if rule_id in RULES:
            raise ValueError(f"duplicate rule ID {rule_id}")
        RULES[rule_id] = Rule(rule_id, severity, summary, check)
        return check

    return register


#: The IaC lint's findings (lint/_iac.py reports them): id -> (severity, summary).
IAC_RULES = {
    "PE110": ("error", "a template's policy cannot be read or resolved (shape, intrinsic, SAM, a "
                       "key twice in a policy's JSON text); a warning: SAM properties SAM "
                       "ignores"),
    "PE111": ("info", "an unresolved template value, read conservatively (see the README); a "
                      "warning where a parameter's default decides what is deployed (a "
                      "branch, or a value of a policy)"),
    "PE112": ("info", "a managed policy attached by ARN or name that the template lacks"),
    "PE113": ("warning", "a Terraform policy known only after apply: not linted"),
    "PE114": ("warning", "a policy document in a resource policy-engine does not read: not linted"),
    "PE115": ("warning", "access granted, data copied or resources deployed outside what the lint "
                         "reads (an S3 ACL, a KMS or S3 Access Grant, replication, S3 event "
                         "notifications and access logs, an SQS redrive, a DynamoDB replica "
                         "or stream destination, an EventBridge pipe, a SAM connector, a "
                         "nested stack, a macro, an invoke permission on a "
                         "function that may be the credential vendor's); PE091 on the model"),
    "PE120": ("error", "drift: a catalogue role statement missing from the deployed tier role"),
    "PE121": ("error", "drift: the deployed role has a statement or policy not in the catalogue"),
    "PE122": ("info", "a catalogue tier whose role is not in the linted templates; a warning "
                      "when a role with an unresolved name may be it"),
    "PE123": ("error", "drift: a catalogue resource-policy statement not in the deployed one"),
    "PE124": ("error", "drift: the deployed resource policy has a statement not in the catalogue "
                       "(SAM's generated ones too: an SNS event's `SqsSubscription` queue "
                       "policy)"),
}  # fmt: skip
