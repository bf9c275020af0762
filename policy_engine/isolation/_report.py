"""The answer of the proof: per tier `proved`, `violation` with confirmed
counterexamples, or `unknown` naming the construct (step 8 of docs/isolation.md)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

from ..evaluate import StatementRef

Status: TypeAlias = Literal["proved", "violation", "unknown"]


@dataclass(frozen=True, slots=True)
class Counterexample:
    """A concrete request allowed for tenant A that it must not have."""

    kind: Literal["cross-tenant", "key-less", "escalation"]
    resource_name: str
    tenant_a: str
    tenant_b: str | None
    action: str
    resource: str
    context: Mapping[str, str | list[str]]
    statements: tuple[StatementRef, ...]
    partition: str

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "resource_name": self.resource_name,
            "tenant_a": self.tenant_a,
            "tenant_b": self.tenant_b,
            "action": self.action,
            "resource": self.resource,
            "context": dict(self.context),
            "statements": [s.to_json() for s in self.statements],
            "partition": self.partition,
        }

    def describe(self) -> str:
        who = f"tenant `{self.tenant_a}`"
        if self.kind == "cross-tenant":
            what = f"reaches tenant `{self.tenant_b}`'s {self.partition} of `{self.resource_name}`"
        elif self.kind == "escalation" and self.resource_name == "deputy writes":
            what = f"can make AWS write into another tenant's resource ({self.partition})"
        elif self.kind == "escalation":
            what = f"can change or assume a role and so become another tenant ({self.partition})"
        else:
            what = f"reaches `{self.resource_name}` without naming a partition ({self.partition})"
        ctx = ", ".join(f"{k}={v!r}" for k, v in self.context.items() if not k.startswith("aws:P"))
        stmts = ", ".join(str(s) for s in self.statements)
        return (
            f"{who} {what}: `{self.action}` on `{self.resource}`"
            + (f" with {ctx}" if ctx else "")
            + f", allowed by {stmts}"
        )


@dataclass(frozen=True, slots=True)
class Unknown:
    """A part of the question the checker could not decide (never counted as proved)."""

    resource_name: str
    construct: str
    where: str
    #: the statement the construct is in, where one is known
    statement: StatementRef | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "resource_name": self.resource_name,
            "construct": self.construct,
            "where": self.where,
            "statement": self.statement.to_json() if self.statement else None,
        }

    def describe(self) -> str:
        return f"`{self.resource_name}`: {self.construct} ({self.where})"


@dataclass(frozen=True, slots=True)
class TierResult:
    tier: str
    violations: tuple[Counterexample, ...] = ()
    unknown: tuple[Unknown, ...] = ()
    checks: int = 0
    seconds: float = 0.0

    @property
    def status(self) -> Status:
        if self.violations:
            return "violation"
        if self.unknown:
            return "unknown"
        return "proved"

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "violations": [v.to_json() for v in self.violations],
            "unknown": [u.to_json() for u in self.unknown],
            "checks": self.checks,
            "seconds": round(self.seconds, 4),
        }
