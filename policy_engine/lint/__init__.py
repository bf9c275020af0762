"""Pre-deploy lint: the rule catalogue over catalogues and plain policy files.

>>> from policy_engine.catalog import load_catalog
>>> [f.rule for f in lint_catalog(load_catalog()) if not f.suppressed]
[]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import PolicyEngineError
from ..model import policy_from_obj
from ..parse import decode_json
from ..schema import iter_schema_errors
from . import (  # noqa: F401  (rules register)
    _fastschema,
    _rules,
    _rules_resource,
    _rules_service,
    _rules_tenancy,
    _rules_trust,
)
from ._model import IAC_RULES, RULES, SEVERITY_RANK, Finding, Rule, Target
from ._report import render_report
from ._rules_model import model_findings
from ._summary import CatalogSummary, LintSummary, TierSummary, merge_summaries

# A catalogue lint's modules (the catalogue, the renderer, the proof) load when a
# catalogue is linted: a plain policy file needs none of them.
if TYPE_CHECKING:
    from ..catalog import Catalog
    from ..evaluate import StatementRef
    from ..isolation import TierResult
    from ..render import Renderer


EXTRA_RULES = {
    "PE000": ("error", "unreadable input: not UTF-8 or not valid JSON"),
    "PE001": ("error", "the policy fails the IAM policy schema"),
    "PE004": ("error", "a template fails to render"),
    "PE005": ("error", "a hostile tenant ID was rendered instead of refused"),
    "PE006": ("warning", "a template that no tier uses (linted as rendered for the first tier)"),
    "PE090": ("error", "isolation violation: a tenant reaches another tenant's data"),
    "PE092": (
        "error",
        "the resource model: a partition whose parts of two tenants overlap (`{tenant}` "
        "not ended by a character no tenant ID holds), so no policy keeps them apart",
    ),
    "PE091": (
        "error",
        "isolation unknown: outside what the proof supports (with `--catalog` "
        "also: access the proof does not read on a model resource, an invoke "
        "permission that lets another caller than the catalogue's API invoke "
        "the credential vendor's function, an API resource policy that may allow: "
        "`Policy`, SAM `Auth.ResourcePolicy` of an API, a function's `Api` event or "
        "`Globals`, an OpenAPI definition's `x-amazon-apigateway-policy` or one not "
        "read)",
    ),
}

EXTRA_RULES.update(IAC_RULES)

#: Adversarial IDs every catalogue must refuse before rendering.
HOSTILE_IDS = ("*", "acme*", "a?c", 'a"b', "${aws:username}", "a/b", "a:b", "a b", "{{ 7*7 }}")


def rule_catalogue() -> list[tuple[str, str, str]]:
    """(id, severity, summary) of every rule, sorted by id."""
    rows: list[tuple[str, str, str]] = [(r.id, r.severity, r.summary) for r in RULES.values()]
    rows += [(k, v[0], v[1]) for k, v in EXTRA_RULES.items()]
    return sorted(rows)


def rules_markdown() -> str:
    """``docs/rules.md``, generated from the registry."""
    lines = [
        "# Lint rules",
        "",
        "Generated from the rule registry (`policy-engine lint --rules`); do not edit by hand.",
        "Suppress a rule in the catalogue manifest with `[[suppressions]]`: `rule`, `reason`",
        "(required) and optionally `tier` and `template`; suppressed findings are still reported.",
        "",
        "| rule | severity | what it finds |",
        "|---|---|---|",
    ]
    lines += [f"| {rid} | {sev} | {summary} |" for rid, sev, summary in rule_catalogue()]
    return "\n".join(lines) + "\n"


def lint_target(target: Target) -> Iterator[Finding]:
    lines = _SourceLines(target)
    for r in RULES.values():
        for message, path in r.check(target):
            yield Finding(
                r.id,
                r.severity,
                message,
                target.file,
                lines.of(path),
                path,
                target.tier,
                target.template,
                resource=target.resource,
            )


class _SourceLines:
    """:func:`_line` for the findings of one target: the source text split once, each
    statement's line found once."""

    def __init__(self, target: Target) -> None:
        self._target = target
        self._lines: list[str] | None = None
        self._effects: list[int] | None = None
        self._statements: dict[int, int] = {}

    def of(self, path: str) -> int | None:
        t = self._target
        if t.lines is not None or not t.source_text:
            return _line(t.source_text, path, t)
        m = _STATEMENT_PATH.match(path)
        if not m:
            return 1
        index = int(m.group(1) or 0)
        if index not in self._statements:
            self._statements[index] = self._statement(t.source_text, index)
        return self._statements[index]

    def _statement(self, text: str, index: int) -> int:
        """:func:`_statement_line` with the text split once."""
        statements = self._target.policy.statements
        sid = statements[index].sid if index < len(statements) else None
        if self._lines is None:
            self._lines = text.splitlines()
        if sid:
            quoted = f'"{sid}"'
            for n, line in enumerate(self._lines, 1):
                if quoted in line:
                    return n
        if self._effects is None:
            self._effects = [n for n, line in enumerate(self._lines, 1) if '"Effect"' in line]
        return self._effects[index] if index < len(self._effects) else 1


_STATEMENT_PATH = re.compile(r"\$\.Statement(?:\[(\d+)\])?")


def _finding(rule_id: str, severity: Any, message: str, t: Target, path: str) -> Finding:
    return Finding(
        rule_id,
        severity,
        message,
        t.file,
        _line(t.source_text, path, t),
        path,
        t.tier,
        t.template,
        resource=t.resource,
    )


def path_line(lines: Mapping[str, int], path: str) -> int | None:
    """The line of the longest path in ``lines`` that ``path`` starts with."""
    while True:
        if path in lines:
            return lines[path]
        cut = max(path.rfind("."), path.rfind("["))
        if cut <= 0:
            return lines.get("$")
        path = path[:cut]


def _line(text: str | None, path: str, t: Target) -> int | None:
    if t.lines is not None:
        return path_line(t.lines, path)
    if not text:
        return None
    m = _STATEMENT_PATH.match(path)
    if m:
        index = int(m.group(1) or 0)
        sid = t.policy.statements[index].sid if index < len(t.policy.statements) else None
        return _statement_line(text, index, sid)
    return 1


def _statement_line(text: str, index: int, sid: str | None) -> int:
    """The line of a template's statement: its Sid's, else its ``Effect``'s."""
    lines = text.splitlines()
    if sid:
        for n, line in enumerate(lines, 1):
            if f'"{sid}"' in line:
                return n
    count = -1
    for n, line in enumerate(lines, 1):
        if '"Effect"' in line:
            count += 1
            if count == index:
                return n
    return 1


def _locate(
    catalog: Catalog, renderer: Renderer, tier: str, refs: Sequence[StatementRef]
) -> tuple[str, int | None, str | None]:
    """(file, line, template) of the first of ``refs`` (a statement of the proof's
    session, API or role policies) in its template; the manifest when none is known."""
    tier_obj = catalog.tier(tier)
    for ref in refs:
        if ref.policy == "session" or ref.policy.startswith("api("):
            names = (
                tier_obj.session_templates if ref.policy == "session" else tier_obj.api_templates
            )
            index = ref.index
            for name in names:
                raw = renderer.symbolic(name, tier).document["Statement"]
                count = len(raw) if isinstance(raw, list) else 1
                if index < count:
                    return _template_location(catalog, name, index, ref.sid)
                index -= count
            continue
        name = ref.policy.split(" (tier ", 1)[0]
        if name in catalog.templates:
            return _template_location(catalog, name, ref.index, ref.sid)
        attached = _attached_template(catalog, ref.policy)
        if attached is not None:
            return _template_location(catalog, attached, ref.index, ref.sid)
    return str(catalog.manifest), None, None


def _attached_template(catalog: Catalog, policy: str) -> str | None:
    """The template of a proof's ``resource(NAME)`` policy: the resource's ``policy``,
    or for ``resource(trust(ROLE))`` the trust template of the role's tiers when they
    render one (tiers sharing a role with different trust templates: None, the
    statement numbers are those of their union)."""
    if not (policy.startswith("resource(") and policy.endswith(")")):
        return None
    label = policy[len("resource(") : -1]
    if label.startswith("trust(") and label.endswith(")"):
        role = label[len("trust(") : -1]
        names = {
            t.trust_template
            for t in catalog.tiers.values()
            if t.trust_template is not None and t.role_arn.rsplit("/", 1)[-1] == role
        }
        return names.pop() if len(names) == 1 else None
    res = catalog.resources.get(label)
    return res.policy if res is not None else None


def _lint_resource_policies(catalog: Catalog, renderer: Renderer) -> list[Finding]:
    """Every rule on each resource's attached policy (rendered once, no tenant)."""
    out: list[Finding] = []
    for res in catalog.resources.values():
        if res.policy is None:
            continue
        spec = catalog.template(res.policy)
        try:
            sym = renderer.resource_policy(res.name)
        except PolicyEngineError as exc:
            line = getattr(exc, "line", None)
            out.append(
                Finding("PE004", "error", str(exc), str(spec.path), line, "$", None, spec.name)
            )
            continue
        assert sym is not None
        text = spec.path.read_text(encoding="utf-8")
        target = Target(
            policy_from_obj(sym.document),
            sym.document,
            "resource",
            str(spec.path),
            None,
            spec.name,
            text,
            {"resource": res.name},
        )
        out.extend(lint_target(target))
    return out


#: Rules whose findings break isolation on a pooled resource: in a catalogue's session
#: and API templates (what tenants' credentials carry) they are errors, not warnings.
ISOLATION_RULES = frozenset({"PE031", "PE080"})


def _in_catalogue(finding: Finding, target: Target) -> Finding:
    role = target.extra.get("role_template")
    if finding.rule in ISOLATION_RULES and not role and target.kind in ("session", "identity"):
        return replace(finding, severity="error")
    return finding


def _template_location(
    catalog: Catalog, name: str, index: int, sid: str | None
) -> tuple[str, int | None, str | None]:
    path = catalog.template(name).path
    return str(path), _statement_line(path.read_text(encoding="utf-8"), index, sid), name


def lint_catalog(catalog: Catalog, *, isolation: bool = True) -> list[Finding]:
    """Lint every template of every tier (rendered for probe tenants), the tier
    session policies and the isolation proof."""
    return run_catalog_lint(catalog, isolation=isolation).findings


@dataclass(frozen=True)
class CatalogLint:
    """The findings of a catalogue lint and what it checked and proved."""

    findings: list[Finding]
    summary: LintSummary


#: Called with one line of progress (a tier being linted or proved).
Progress = Callable[[str], None]

#: Checks a catalogue lint runs besides the registry's rules.
CATALOG_CHECKS = ("PE004", "PE005")
PROOF_CHECKS = ("PE090", "PE091")


def run_catalog_lint(
    catalog: Catalog,
    *,
    isolation: bool = True,
    progress: Progress | None = None,
    jobs: int = 1,
) -> CatalogLint:
    """:func:`lint_catalog` with its summary: per tier the templates and policies
    linted, the hostile IDs refused and the proof result (status, checks, time).

    ``jobs`` > 1 lints and proves the tiers in that many forked worker processes
    (:mod:`policy_engine._parallel`); the findings, the summary and any exception are those of the
    serial run (only the proof times differ, as between any two runs). ValueError
    when ``jobs`` is not a whole number >= 1."""
    from .._parallel import check_jobs
    from ..render import Renderer

    jobs = check_jobs(jobs)
    renderer = Renderer(catalog)
    findings: list[Finding] = []
    probes = _probe_tenants(catalog)
    probe = probes[-1]
    used = {name for tier in catalog.tiers.values() for name in tier.templates}
    used |= {r.policy for r in catalog.resources.values() if r.policy}
    unused = tuple(name for name in catalog.templates if name not in used)
    findings.extend(_lint_resource_policies(catalog, renderer))
    findings.extend(model_findings(catalog, probes))
    for name in unused:
        findings.append(
            Finding(
                "PE006",
                "warning",
                f"template `{name}` is used by no tier: it is deployed nowhere by this "
                "catalogue; linted as rendered for the first tier",
                str(catalog.template(name).path),
                None,
                "$",
                None,
                name,
            )
        )
    names = list(catalog.tiers)
    count = len(names)
    texts: dict[str, str] = {}  # template sources, read once for all tiers (per process)

    def lint_one(tier_name: str) -> _TierLint:
        extra = unused if tier_name == names[0] else ()
        return _lint_tier(catalog, renderer, tier_name, probe, extra, texts)

    def prove_one(tier_name: str) -> _TierProof:
        return _prove_tier(catalog, renderer, tier_name)

    parts: list[_TierLint] = []
    proofs: dict[str, _TierProof] = {}
    if jobs > 1 and count > 1:
        from .._parallel import fork_map

        def both(tier_name: str) -> tuple[_TierLint | None, _TierProof | None]:
            # A stage that raises is left None: it is run again below, in serial
            # order, to raise the serial run's exception here.
            try:
                part = lint_one(tier_name)
            except Exception:
                return None, None
            if not isolation:
                return part, None
            try:
                return part, prove_one(tier_name)
            except Exception:
                return part, None

        did = "linted and proved" if isolation else "linted"

        def done(number: int, tier_name: str) -> None:
            if progress:
                progress(f"{did} tier {tier_name} ({number}/{count}, {jobs} jobs)")

        got = fork_map(both, names, jobs, done)
        parts = [
            lint_one(name) if part is None else part
            for name, (part, _) in zip(names, got, strict=True)
        ]
        if isolation:
            for name, (_, proof) in zip(names, got, strict=True):
                proofs[name] = prove_one(name) if proof is None else proof
    else:
        for number, tier_name in enumerate(names, 1):
            if progress:
                progress(f"linting tier {tier_name} ({number}/{count})")
            parts.append(lint_one(tier_name))
        if isolation:
            for number, tier_name in enumerate(names, 1):
                if progress:
                    progress(f"proving tier {tier_name} isolated ({number}/{count})")
                proofs[tier_name] = prove_one(tier_name)
    for part in parts:
        findings.extend(part.findings)
    for proof in proofs.values():
        findings.extend(proof.findings)
    tiers = tuple(
        TierSummary(
            name,
            proofs[name].result.status if name in proofs else "not checked",
            proofs[name].result.checks if name in proofs else 0,
            proofs[name].result.seconds if name in proofs else 0.0,
            templates=part.templates,
            policies=part.policies,
            hostile_refused=part.hostile_refused,
        )
        for name, part in zip(names, parts, strict=True)
    )
    summary = LintSummary(
        rules=tuple(sorted([*RULES, *CATALOG_CHECKS, *(PROOF_CHECKS if isolation else ())])),
        action_data=action_data(),
        catalogues=(
            CatalogSummary(
                _display_path(catalog.root),
                tiers,
                templates=len({name for part in parts for name in part.read}),
                policies=sum(t.policies for t in tiers),
                probe_tenant=probe,
                hostile_ids=HOSTILE_IDS,
                stage=catalog.stage,
                stages=catalog.stages,
                stage_note=catalog.stage_note(),
                resource_policies=sum(1 for r in catalog.resources.values() if r.policy),
            ),
        ),
    )
    return CatalogLint(_apply_suppressions(catalog, findings), summary)


@dataclass(frozen=True)
class _TierLint:
    """One tier's part of a catalogue lint before the proof."""

    findings: tuple[Finding, ...]
    templates: int  # templates rendered and linted
    policies: int  # those and the merged session policy (when it rendered)
    hostile_refused: int
    read: tuple[str, ...]  # the templates rendered (their sources read)


@dataclass(frozen=True)
class _TierProof:
    """One tier's isolation proof and its findings (PE090, PE091)."""

    result: TierResult
    findings: tuple[Finding, ...]


def _lint_tier(
    catalog: Catalog,
    renderer: Renderer,
    tier_name: str,
    probe: str,
    unused: tuple[str, ...],
    texts: dict[str, str],
) -> _TierLint:
    """Every template of the tier (and ``unused`` ones) rendered for ``probe`` and
    linted, its merged session policy, and the hostile tenant IDs; ``texts`` caches
    the template sources between tiers."""
    from ..render import substitute

    tier = catalog.tiers[tier_name]
    findings: list[Finding] = []
    targets: list[Target] = []
    for name in tier.templates + unused:
        spec = catalog.template(name)
        file = str(spec.path)
        try:
            sym = renderer.symbolic(name, tier_name)
        except PolicyEngineError as exc:
            line = getattr(exc, "line", None)
            findings.append(Finding("PE004", "error", str(exc), file, line, "$", tier_name, name))
            continue
        if sym.holes and name in tier.role_templates:
            # One role serves every tenant of the tier: what would stand in its policy?
            # render_role_policies (export, vending's evaluator) refuses it; so does the lint.
            if name not in texts:
                texts[name] = spec.path.read_text(encoding="utf-8")
            line = _tenant_line(texts[name])
            message = (
                f"{spec.file}{f':{line}' if line else ''}: a role template may not use "
                "`{{ tenant }}`: the role is shared by every tenant of the tier (use "
                "`${aws:PrincipalTag/TenantId}` instead); export refuses it and the proof is "
                "not run"
            )
            findings.append(Finding("PE004", "error", message, file, line, "$", tier_name, name))
            continue
        doc = substitute(sym.document, probe) if sym.holes else sym.document
        extra = {
            "tenant": probe,
            "role_template": name in tier.role_templates,
            "tier_trust": name == tier.trust_template,
        }
        if name not in texts:
            texts[name] = spec.path.read_text(encoding="utf-8")
        text = texts[name]
        targets.append(
            Target(policy_from_obj(doc), doc, spec.kind, file, tier_name, name, text, extra)
        )
    role = [t.policy for t in targets if t.extra["role_template"]]
    for target in targets:
        if role and not target.extra["role_template"]:
            target = replace(target, extra={**target.extra, "role_policies": role})
        findings.extend(_in_catalogue(f, target) for f in lint_target(target))
    session = _lint_tier_session(catalog, renderer, tier_name, probe)
    merged_ok = not any(f.rule == "PE004" for f in session)
    if not merged_ok and any(f.rule == "PE004" for f in findings):
        # the merged policy fails because a template does, already reported at its file
        session = [f for f in session if f.rule != "PE004"]
    findings.extend(session)
    refused = 0
    for bad in HOSTILE_IDS:
        try:
            renderer.render_tier(bad, tier_name)
        except PolicyEngineError:
            refused += 1
            continue
        findings.append(
            Finding(
                "PE005",
                "error",
                f"tenant ID `{bad}` was rendered",
                str(catalog.manifest),
                None,
                "$",
                tier_name,
                None,
            )
        )
    return _TierLint(
        tuple(findings),
        templates=len(targets),
        policies=len(targets) + merged_ok,
        hostile_refused=refused,
        read=tuple(t.template for t in targets if t.template is not None),
    )


def _tenant_line(text: str) -> int | None:
    """The first line of a template's source that interpolates the tenant."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.search(r"\{\{-?\s*tenant\b", line):
            return number
    return None


def _prove_tier(catalog: Catalog, renderer: Renderer, tier_name: str) -> _TierProof:
    """The tier's isolation proof, its violations and unknowns as findings."""
    from ..isolation import TierResult, Unknown, check_tier

    try:
        # The tier role's policies as deployed (a role template that uses the tenant
        # has none: render_role_policies refuses it), then the proof.
        renderer.render_role_policies(tier_name)
        result = check_tier(catalog, tier_name, renderer=renderer)
    except PolicyEngineError as exc:
        # A template of the tier that does not render or parse (reported as its own
        # finding, PE004/PE001): the proof cannot run, and the tier is not proved.
        result = TierResult(tier_name, unknown=(Unknown("*", "proof not run", str(exc)),))
        return _TierProof(
            result,
            (
                Finding(
                    "PE091",
                    "error",
                    f"isolation proof not run: {exc}",
                    str(catalog.manifest),
                    None,
                    "$",
                    tier_name,
                    None,
                ),
            ),
        )
    findings: list[Finding] = []
    for v in result.violations:
        allows = sorted(
            (r for r in v.statements if r.effect == "Allow"),
            key=lambda r: r.kind != "session",  # the tenant's own statement first
        )
        file, line, template = _locate(catalog, renderer, tier_name, allows)
        findings.append(
            Finding("PE090", "error", v.describe(), file, line, "$", tier_name, template)
        )
    for u in result.unknown:
        refs = [u.statement] if u.statement else []
        file, line, template = _locate(catalog, renderer, tier_name, refs)
        findings.append(
            Finding("PE091", "error", u.describe(), file, line, "$", tier_name, template)
        )
    return _TierProof(result, tuple(findings))


def action_data() -> dict[str, str]:
    """Where the IAM action data comes from and when it was released."""
    from .._iamdata import iam_data

    meta = iam_data().meta
    return {"source": str(meta["source"]), "released": str(meta["released"])}


def _display_path(path: Path) -> str:
    """A catalogue folder relative to the working directory when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve())) or "."
    except ValueError:
        return str(path)


#: Rules that look at a tier's merged session policy rather than at one template.
TIER_SESSION_RULES = ("PE040", "PE041")


def _lint_tier_session(
    catalog: Catalog, renderer: Renderer, tier_name: str, probe: str
) -> list[Finding]:
    manifest = str(catalog.manifest)
    try:
        session = renderer.render_tier(probe, tier_name)
    except PolicyEngineError as exc:
        return [Finding("PE004", "error", str(exc), manifest, None, "$", tier_name, None)]
    tier = catalog.tiers[tier_name]
    extra = {
        "tenant": probe,
        "session_tags": (("TenantId", len(probe)), ("Tier", len(tier_name))),
        "transitive_tag_keys": tier.transitive_tag_keys,
    }
    target = Target(session, {}, "session", manifest, tier_name, None, None, extra)
    return [f for f in lint_target(target) if f.rule in TIER_SESSION_RULES]


def _probe_tenants(catalog: Catalog) -> list[str]:
    """Typical IDs of the language, the longest last (it makes the largest policy)."""
    from .. import _automata as fa
    from ..isolation._language import _language_automaton

    lang = catalog.language
    probes = list(catalog.examples)
    try:
        words = fa.shortest_words(_language_automaton(lang), frozenset(lang.alphabet), limit=3)
    except fa.Unsupported:
        words = []
    probes += words
    longest = max(probes, key=len) if probes else "a" * lang.min_length
    filler = sorted(lang.alphabet & set("abcdefghijklmnopqrstuvwxyz0123456789"))[:1] or ["a"]
    grown = (longest + filler[0] * lang.max_length)[: lang.max_length]
    if lang.is_valid(grown):
        probes.append(grown)
    return [p for p in probes if lang.is_valid(p)] or ["a" * lang.min_length]


def _apply_suppressions(catalog: Catalog, findings: list[Finding]) -> list[Finding]:
    out = []
    for f in findings:
        for s in catalog.suppressions:
            if s.rule == f.rule and s.template in (None, f.template) and s.tier in (None, f.tier):
                f = replace(f, suppressed=s.reason)
                break
        out.append(f)
    return out


def files_summary(files: int) -> LintSummary:
    """The summary of a plain-file lint: how many files, which rules, which data."""
    return LintSummary(
        rules=tuple(sorted([*RULES, "PE000", "PE001"])), action_data=action_data(), files=files
    )


def lint_files(paths: Iterable[Path], *, kind: str = "any") -> tuple[list[Finding], int]:
    """Lint plain policy JSON files. Returns the findings and how many files could be
    read at all."""
    findings: list[Finding] = []
    readable = 0
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            findings.append(Finding("PE000", "error", f"cannot read: {exc}", str(path)))
            continue
        readable += 1
        findings.extend(lint_text(text, str(path), kind=kind))
    return findings, readable


def lint_text(text: str, file: str = "<policy>", *, kind: str = "any") -> list[Finding]:
    """Lint one policy document given as JSON text."""
    try:
        doc = decode_json(text, source=file)
    except PolicyEngineError as exc:
        m = re.search(r"line (\d+)", str(exc))
        return [Finding("PE000", "error", str(exc), file, int(m.group(1)) if m else None)]
    if not _fastschema.is_valid(doc, kind):  # type: ignore[arg-type]
        issues = list(iter_schema_errors(doc, kind=kind))  # type: ignore[arg-type]
        if issues:  # jsonschema is the reference; it also writes the messages
            return [Finding("PE001", "error", i.message, file, None, i.path) for i in issues]
    policy = policy_from_obj(doc)
    return list(lint_target(Target(policy, doc, kind, file, source_text=text)))


def should_fail(findings: Sequence[Finding], fail_on: str) -> bool:
    threshold = SEVERITY_RANK[fail_on]
    return any(SEVERITY_RANK[f.severity] >= threshold and not f.suppressed for f in findings)


__all__ = [
    "RULES",
    "CatalogLint",
    "CatalogSummary",
    "Finding",
    "LintSummary",
    "Rule",
    "Target",
    "TierSummary",
    "files_summary",
    "lint_catalog",
    "lint_files",
    "lint_target",
    "lint_text",
    "merge_summaries",
    "render_report",
    "rule_catalogue",
    "rules_markdown",
    "run_catalog_lint",
    "should_fail",
]
