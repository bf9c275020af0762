"""Coverage: every grant must stay inside the resource model, or the tier is
unknown (never proved)."""

from __future__ import annotations

import re
from functools import cache

from .. import _automata as fa
from .. import _glob
from ..catalog import Partition, ResourceSpec
from ..render import TENANT_MARKER
from ._report import Unknown
from ._search import _Search
from ._shapes import (
    ESCALATION_RESOURCE,
    _action_covered,
    _escalation_actions,
    _Shape,
    _shapes,
    _Stmt,
)
from ._strings import (
    _covered_fast,
    _debracket,
    _glob_pieces,
    _listify,
    _model_pieces,
    _pieces,
    _shown,
    _union,
    _union_of,
)


class _Coverage(_Search):
    """Grants outside the model, and the role-escalation resource."""

    def _coverage(self) -> list[Unknown]:
        """Allows that act on an ARN no resource of the model covers: the session's
        (where the role, or a resource policy naming the role, allows too) and a
        resource policy's grants to the session itself. The attack shapes only look
        inside the model, so such a grant makes the tier unknown ("unmodelled
        resource"), never proved. Each action is decided with its own role grants and
        its own fences: actions are grouped only when all of those agree."""
        out: list[Unknown] = []
        seen: set[tuple[object, ...]] = set()
        denies = self.denies + self.resource_denies
        for st in self._session_grants():
            if not self._fixed_conditions_hold(st):
                continue  # never applies to this tier's sessions
            patterns = (
                [str(p) for p in _listify(st.raw["Resource"])] if "Resource" in st.raw else ["*"]
            )
            found = None
            for formats, actions in self._format_groups(st):
                groups: dict[tuple[tuple[tuple[str, bool], ...] | None, tuple[int, ...]], str] = {}
                for action in actions:
                    globs = self._role_patterns(action) if st.side == "session" else None
                    ids = tuple(i for i, d in enumerate(denies) if _fences(d, action))
                    groups.setdefault((None if globs is None else tuple(globs), ids), action)
                for (roles, fences), action in groups.items():
                    for pattern in patterns:
                        key = (pattern, formats, roles, fences, st.variables)
                        if key in seen:
                            continue
                        seen.add(key)
                        role_list = None if roles is None else list(roles)
                        fence_list = [denies[i] for i in fences]
                        outside = self._outside_model(
                            pattern, formats, action, role_list, fence_list, st.variables
                        )
                        if outside is not None:
                            found = (action, pattern, outside)
                            break
                    if found:
                        break
                if found:
                    break
            if found:
                action, pattern, outside = found
                out.append(
                    Unknown(
                        "(not in the model)",
                        f"unmodelled resource: `{action}` on `{_shown(pattern)}` reaches "
                        f"`{outside}`, which no resource of the model covers",
                        f"{st.ref}",
                        st.ref,
                    )
                )
        return out

    def _format_groups(self, st: _Stmt) -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
        """(ARN formats, the statement's actions having them); ``*`` stands for any
        ARN (``NotAction``, ``*``, actions the data does not know)."""
        from .._iamdata import iam_data

        data = iam_data()
        groups: dict[tuple[str, ...], list[str]] = {}
        if st.not_action:
            return [(("*",), ("NotAction",))]
        for pattern in st.actions:
            infos = data.expand(pattern) if pattern != "*" else ()
            if not infos:
                groups.setdefault(("*",), []).append(pattern)
                continue
            for info in infos:
                formats = tuple(sorted(data.resource_arns(info)))
                if formats:
                    groups.setdefault(formats, []).append(info.full_name.lower())
        return [(f, tuple(dict.fromkeys(a))) for f, a in groups.items()]

    def _outside_model(
        self,
        pattern: str,
        formats: tuple[str, ...],
        action: str,
        role_patterns: list[tuple[str, bool]] | None,
        fences: list[_Stmt],
        variables: bool,
    ) -> str | None:
        """An ARN that ``pattern`` (its tenant read as the tenant language), one of
        ``formats``, the role's grants for the action and its fences all admit, and
        that no model resource covers; or None."""
        glob = _glob.as_pattern(pattern.replace(TENANT_MARKER, "*"))
        service = action.partition(":")[0] if formats != ("*",) else "*"
        free = self._cover_globs(service, with_tenant=False)
        if _covered_fast(glob, free):
            return None  # the pattern, read widest, lies in a resource of the model
        if _as_model(pattern, variables) in self._cover_globs(service, with_tenant=True):
            return None  # the pattern is a model string itself, its tenant where the model's is
        role_globs = (
            None
            if role_patterns is None
            else [_glob.as_pattern(p.replace(TENANT_MARKER, "*")) for p, _ in role_patterns]
        )
        model = self._cover_globs(service, with_tenant=True)
        if role_patterns is not None and all(
            _covered_fast(g, free) or _as_model(p, v) in model
            for g, (p, v) in zip(role_globs or [], role_patterns, strict=True)
        ):
            return None  # the role allows only what the model covers (or nothing)
        fmt_globs = [re.sub(r"\$\{[^}]*\}", "*", f) for f in formats]
        sigma = self.sigma | {c for f in fmt_globs for c in f if c.isprintable()}
        cover = self._cover_dfa(service, sigma)
        left = self._grant_nfa(pattern, variables, sigma)
        if formats != ("*",):
            union = _union([_glob_pieces(f, "any") for f in fmt_globs], sigma)
            left = fa.intersect(left, union)
        if role_patterns is not None:
            role = _union_of([self._grant_nfa(p, v, sigma) for p, v in role_patterns])
            left = fa.intersect(left, role)
        for d in fences:
            left = fa.intersect(left, self._kept_by(d, sigma))
        for w in fa.search(left, cover, sigma, limit=1):
            return self._concrete(w.text)
        return None

    def _grant_nfa(self, pattern: str, variables: bool, sigma: frozenset[str]) -> fa.NFA:
        """The ARNs a Resource pattern grants, its tenant read as any tenant of the
        language (a second tenant in the string as any text: a wider set)."""
        pieces = _pieces(pattern, star_mode="arn", variables=variables, tier=self.tier)
        first = next((i for i, (k, _) in enumerate(pieces) if k == "slot"), len(pieces))
        pieces = pieces[: first + 1] + [
            ("star", "any") if k == "slot" else (k, v) for k, v in pieces[first + 1 :]
        ]
        nfa = fa.pattern_nfa(pieces, sigma, self.tenant, (fa.OPEN_A, fa.CLOSE_A), ("", ""))
        return _debracket(nfa)

    def _kept_by(self, d: _Stmt, sigma: frozenset[str]) -> fa.NFA:
        """What an unconditional ``NotResource`` deny keeps (each tenant slot and
        variable read as ``*``: it keeps at least that much); a resource policy's deny
        keeps too everything outside its own resource."""
        keep = _union_of(
            [self._grant_nfa(str(p), d.variables, sigma) for p in _listify(d.raw["NotResource"])]
        )
        if d.scope:
            own = _union([_glob_pieces(g, "any") for g in d.scope], sigma)
            keep = _union_of([keep, fa.complement(own, sigma - fa.BRACKETS)])
            if d.unscoped:  # matched by the scope, not governed by the policy
                keep = _union_of(
                    [keep, _union([_glob_pieces(g, "any") for g in d.unscoped], sigma)]
                )
        return keep

    def _cover_dfa(self, service: str, sigma: frozenset[str]) -> fa.NFA:
        """The complement of what the model covers, over ``sigma``: each resource, its
        partitions (for every tenant of the language: a segment that is no tenant ID
        is not covered), its shapes' targets, a table's sub-resources."""
        key = (service, sigma)
        cached = self._cover_cache.get(key)
        if cached is not None:
            return cached
        parts: list[fa.NFA] = []
        for text in self._cover_globs(service, with_tenant=True):
            pieces = _model_pieces(text)
            nfa = fa.pattern_nfa(pieces, sigma, self.tenant, (fa.OPEN_B, fa.CLOSE_B), ("", ""))
            parts.append(_debracket(nfa))
        cached = self._cover_cache[key] = fa.complement(_union_of(parts), sigma - fa.BRACKETS)
        return cached

    @cache  # noqa: B019 - one checker per proof run
    def _cover_globs(self, service: str, *, with_tenant: bool) -> tuple[str, ...]:
        """What the model covers, as model strings (``{tenant}`` where a tenant ID
        stands, ``*`` any text); only those without a tenant when ``with_tenant`` is
        false (the cheap checks use them)."""
        globs: list[str] = []
        resources = list(self.resources)
        if self.vended:
            resources.append(self._escalation()[0])
        for res in resources:
            if service not in ("*", res.service) and not (
                res.name == ESCALATION_RESOURCE and service == "sts"
            ):
                continue
            globs.append(res.arn)
            globs.extend(p.arn for p in res.partitions if p.arn)
            globs.extend(s.target for s in _shapes(res))
            if res.service == "dynamodb":
                globs.append(f"{res.arn}/*")  # indexes, streams, exports, backups
        if not with_tenant:
            globs = [g for g in globs if "{tenant}" not in g]
        return tuple(dict.fromkeys(globs))

    def _role_patterns(self, action: str) -> list[tuple[str, bool]] | None:
        """The Resource patterns (with whether they read variables) of the role's
        statements, and of resource policies naming the role, that may allow
        ``action``; None when the role is not modelled (allows all)."""
        if not self.role_docs:
            return None
        out: list[tuple[str, bool]] = []
        role_grants = [st for st in self.stmts if st.side == "role"]
        role_grants += [st for st in self.resource_allows if st.side == "role"]
        for st in role_grants:
            if ":" in action and not _action_covered(st, action):
                continue
            if "Resource" not in st.raw:
                return None  # NotResource: taken as anything
            out.extend((str(p), st.variables) for p in _listify(st.raw["Resource"]))
        return out

    def _escalation(self) -> tuple[ResourceSpec, tuple[_Shape, ...]]:
        """Any role of the account: a session that may assume one, tag or name its
        session, pass it, or change its policies can act as another tenant."""
        # The role's own partition (a model `*` is any text: in the partition's place it
        # would cross colons and cover other services' ARNs).
        partition = self.role_arn.split(":", 2)[1] if self.role_arn.startswith("arn:") else "aws"
        target = f"arn:{partition}:iam::{self.account}:role/*"
        res = ResourceSpec(ESCALATION_RESOURCE, "iam", target, ())
        shape = _Shape(
            "whole",
            Partition(),
            f"assuming, passing or changing a role `{target}`",
            target,
            actions=_escalation_actions(),
            reported_as="escalation",
        )
        return res, (shape,)


def _fences(d: _Stmt, action: str) -> bool:
    """An unconditional ``NotResource`` deny that covers ``action``."""
    if d.raw.get("Condition") or "NotResource" not in d.raw:
        return False
    return ":" in action and _action_covered(d, action)


def _as_model(pattern: str, variables: bool) -> str:
    """A Resource pattern written as a model string: its tenant (the marker, or the
    tenant tag when variables are read) as ``{tenant}``. Equal to a model string, it
    grants exactly that part of the model (same wildcards, same tenant language)."""
    if "{" in pattern.replace(TENANT_MARKER, "").replace("${", ""):
        return "\x00"  # literal braces: never taken for the model's tenant slot
    text = pattern.replace(TENANT_MARKER, "{tenant}")
    if variables:
        text = re.sub(r"\$\{aws:PrincipalTag/TenantId\}", "{tenant}", text, flags=re.I)
    return text
