"""What a lint run checked and proved: the facts every report format ends with.

A catalogue lint renders each tier's templates for probe tenants, tries hostile tenant
IDs, runs the rules on every policy and proves each tier isolated; the summary says
how much of that happened and with what result, so a reader (or CI) need not take a
clean finding list on trust.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

ProofStatus: TypeAlias = Literal["proved", "violation", "unknown", "not checked"]


@dataclass(frozen=True, slots=True)
class TierSummary:
    tier: str
    status: ProofStatus
    checks: int = 0
    seconds: float = 0.0
    templates: int = 0  # templates of the tier rendered and linted
    policies: int = 0  # policies linted for the tier (templates + merged session policy)
    hostile_refused: int = 0  # hostile tenant IDs the tier refused to render

    def to_json(self) -> dict[str, Any]:
        return {
            "tier": self.tier,
            "status": self.status,
            "checks": self.checks,
            "seconds": round(self.seconds, 4),
            "templates": self.templates,
            "policies": self.policies,
            "hostile_ids_refused": self.hostile_refused,
        }


@dataclass(frozen=True, slots=True)
class CatalogSummary:
    path: str
    tiers: tuple[TierSummary, ...]
    templates: int  # distinct templates rendered
    policies: int  # policies linted, over all tiers
    probe_tenant: str  # the tenant ID the symbolic renderings were linted with
    hostile_ids: tuple[str, ...]
    #: the stage checked (None: the base constants) and every stage of the manifest
    stage: str | None = None
    stages: tuple[str, ...] = ()
    #: the stage line of the report (None when the manifest defines no stages)
    stage_note: str | None = None
    resource_policies: int = 0  # resources' attached policies linted (rendered once)

    def to_json(self) -> dict[str, Any]:
        stage: dict[str, Any] = {}
        if self.stages:
            stage = {"stage": self.stage, "stages": list(self.stages)}
        return {
            "catalogue": self.path,
            **stage,
            "tiers": [t.to_json() for t in self.tiers],
            "templates": self.templates,
            "policies": self.policies,
            "resource_policies": self.resource_policies,
            "probe_tenant": self.probe_tenant,
            "hostile_ids": {
                "tried": len(self.hostile_ids),
                "refused": sum(t.hostile_refused for t in self.tiers),
                "renderings": len(self.hostile_ids) * len(self.tiers),
            },
        }


@dataclass(frozen=True, slots=True)
class DeployedSummary:
    """IaC templates linted against a catalogue (``lint --catalog DIR template``): per
    tier, the isolation proof on the deployed role and resource policies."""

    catalogue: str
    tiers: tuple[TierSummary, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "catalogue": self.catalogue,
            "tiers": [
                {"tier": t.tier, "status": t.status, "checks": t.checks,
                 "seconds": round(t.seconds, 4)}
                for t in self.tiers
            ],
        }  # fmt: skip


@dataclass(frozen=True, slots=True)
class LintSummary:
    rules: tuple[str, ...]  # the rule IDs that ran
    action_data: Mapping[str, Any]  # source and release of the IAM action data
    catalogues: tuple[CatalogSummary, ...] = ()
    files: int = 0  # plain policy files read
    deployed: tuple[DeployedSummary, ...] = ()
    templates: int = 0  # infrastructure templates and plans read (CloudFormation, SAM, Terraform)

    @property
    def isolation(self) -> ProofStatus:
        """``proved`` only when every tier of every catalogue (and every deployed tier
        checked against one) is proved; else the worst status (violation, then
        unknown, then not checked)."""
        statuses = [t.status for c in self.catalogues for t in c.tiers]
        statuses += [t.status for d in self.deployed for t in d.tiers]
        for worst in ("violation", "unknown", "not checked"):
            if worst in statuses:
                return worst
        return "proved" if statuses else "not checked"

    def to_json(self) -> dict[str, Any]:
        return {
            "isolation": self.isolation,
            "every_tier_proved": self.isolation == "proved",
            "catalogues": [c.to_json() for c in self.catalogues],
            **({"deployed": [d.to_json() for d in self.deployed]} if self.deployed else {}),
            "files": self.files,
            "templates": self.templates,
            "rules": len(self.rules),
            "rule_ids": list(self.rules),
            "action_data": dict(self.action_data),
        }

    def notes(self) -> list[tuple[str, str]]:
        """(level, text) lines: per tier the proof result, then what was checked;
        ``error`` where something was not proved or not refused."""
        out: list[tuple[str, str]] = []
        for c in self.catalogues:
            out.append(("note", f"checked catalogue {c.path} ({_n(len(c.tiers), 'tier')}):"))
            if c.stage_note is not None:
                out.append(("note", f"  {c.stage_note}"))
            out.append(("note", "  isolation proof per tier (no tenant reaches another's data):"))
            width = max((len(t.tier) for t in c.tiers), default=0)
            for t in c.tiers:
                level = "note" if t.status == "proved" else "error"
                how = (
                    f"{_n(t.checks, 'check')}, {_duration(t.seconds)}"
                    if t.status != "not checked"
                    else "the proof was not run"
                )
                out.append((level, f"    {t.tier:<{width}}  {t.status}  {how}"))
            out.append(
                (
                    "note",
                    f"  {_n(c.templates, 'template')} rendered as {_n(c.policies, 'policy')} "
                    f"(longest tenant ID, {len(c.probe_tenant)} characters)"
                    + (
                        f" and {_n(c.resource_policies, 'resource policy')}"
                        if c.resource_policies
                        else ""
                    )
                    + f"; {_n(len(self.rules), 'rule')} run",
                )
            )
            refused = sum(t.hostile_refused for t in c.tiers)
            tried = len(c.hostile_ids) * len(c.tiers)
            shown = " ".join(c.hostile_ids[:4]) + (" ..." if len(c.hostile_ids) > 4 else "")
            out.append(
                (
                    "note" if refused == tried else "error",
                    f"  {_n(len(c.hostile_ids), 'hostile tenant ID')} ({shown}) refused: "
                    f"{refused} of {tried} renderings",
                )
            )
        if self.files:
            out.append(
                ("note", f"checked {_n(self.files, 'policy file')}: {len(self.rules)} rules run")
            )
        if self.templates:
            what = _n(self.templates, "infrastructure template")
            out.append(("note", f"checked {what}: {len(self.rules)} rules run"))
        for d in self.deployed:
            out.append(
                ("note", f"checked the deployed tier roles against catalogue {d.catalogue}:")
            )
            out.append(("note", "  isolation proof per tier on the deployed policies:"))
            width = max((len(t.tier) for t in d.tiers), default=0)
            for t in d.tiers:
                how = (
                    f"{_n(t.checks, 'check')}, {_duration(t.seconds)}"
                    if t.status != "not checked"
                    else "its role is not in the templates"
                )
                level = "note" if t.status == "proved" else "error"
                out.append((level, f"    {t.tier:<{width}}  {t.status}  {how}"))
        data = self.action_data
        out.append(("note", f"  IAM action data: {data['source']}, released {data['released']}"))
        if self.catalogues or self.deployed:
            tiers = [t for c in self.catalogues for t in c.tiers]
            tiers += [t for d in self.deployed for t in d.tiers]
            if self.isolation == "proved":
                out.append(("note", f"every tier proved isolated ({len(tiers)} of {len(tiers)})"))
            else:
                bad = [f"{t.tier}: {t.status}" for t in tiers if t.status != "proved"]
                out.append(("error", f"NOT every tier proved isolated ({'; '.join(bad)})"))
        return out


def _n(count: int, word: str) -> str:
    if count == 1:
        return f"1 {word}"
    plural = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"{count} {plural}"


def _duration(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms" if seconds < 10 else f"{seconds:.1f} s"


def merge_summaries(parts: Sequence[LintSummary]) -> LintSummary | None:
    if not parts:
        return None
    return LintSummary(
        rules=tuple(sorted({r for p in parts for r in p.rules})),
        action_data=parts[0].action_data,
        catalogues=tuple(c for p in parts for c in p.catalogues),
        files=sum(p.files for p in parts),
        deployed=tuple(d for p in parts for d in p.deployed),
        templates=sum(p.templates for p in parts),
    )
