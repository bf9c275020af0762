"""Steps 3 to 6: the product search over a statement, a shape and the tenant
language, with the conditions and the Deny fences it models exactly."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any, Literal, TypeAlias

from .. import _automata as fa
from .. import _glob
from .._conditions import compile_condition
from ..catalog import Partition, ResourceSpec, role_account
from ..evaluate import CompiledPolicy, Request, StatementRef, compile_policy
from ..model import Condition, policy_from_obj
from ..render import TENANT_MARKER
from ..tenancy import TenantIdLanguage
from ._effects import stays_on_shared
from ._language import _has_both_cases, _language_automaton, _short_tenants
from ._report import Unknown
from ._shapes import (
    _STRING_POSITIVE,
    MULTIVALUED_KEYS,
    PREFIX_KEYS,
    _case_twins,
    _conditions,
    _demands_absent,
    _key_fence,
    _multivalued,
    _positive,
    _Shape,
    _single_valued,
    _Stmt,
    _twins_text,
)
from ._strings import (
    TAG_KEY,
    TIER_TAG_KEY,
    _as_glob,
    _covered_fast,
    _listify,
    _model_glob,
    _model_pieces,
    _pieces,
    _union,
    _union_of,
    resource_field_may_be,
)

#: Pattern automata shared by every checker of the process (tiers of one catalogue meet
#: the same patterns), keyed by pieces, side, alphabet and tenant language.
_NFA_CACHE: dict[tuple[tuple[fa.Piece, ...], str, frozenset[str], TenantIdLanguage], fa.NFA] = {}


_NFA_CACHE_SIZE = 2048
#: Search results shared the same way: (pattern pieces, model string, alphabet,
#: language) -> witnesses; condition questions -> values.
_OVERLAP_CACHE: dict[
    tuple[tuple[fa.Piece, ...], str, tuple[str, ...], frozenset[str], TenantIdLanguage],
    tuple[fa.Witness, ...],
] = {}
_VALUES_CACHE: dict[tuple[Any, ...], list[_Value]] = {}
_TARGET_CACHE: dict[tuple[Any, ...], fa.Automaton] = {}


@dataclass
class _Candidate:
    stmt: _Stmt
    tenant_a: str | None
    tenant_b: str | None  # B, or the start of B when ``b_complete`` is false
    resource: str
    context: dict[str, str | list[str]] = field(default_factory=dict)
    b_complete: bool = True
    a_span: tuple[int, int] | None = None  # where A stands in ``resource``


#: (A or None, B or its start, context holding the attack key, whether B is complete)
_Value: TypeAlias = tuple[str | None, str | None, dict[str, str | list[str]], bool]


class _Search:
    """The state of one proof run and the search of steps 3 to 6: which statements
    admit a shape, for which tenants and values."""

    def __init__(
        self,
        session: Mapping[str, Any],
        roles: Sequence[Mapping[str, Any]] | Mapping[str, Mapping[str, Any]],
        resources: Sequence[ResourceSpec],
        language: TenantIdLanguage,
        tier: str,
        account: str,
        role_name: str,
        examples: Sequence[str],
        tags: bool = True,
        resource_policies: Mapping[str, Mapping[str, Any]] | None = None,
        role_arn: str | None = None,
        sigma_hint: frozenset[str] = frozenset(),
        trust_policies: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        self.session_doc = session
        resources = replicas_of_partitions(views_of_partitions(fronting_access_points(resources)))
        if isinstance(roles, Mapping):
            self.role_names = list(roles)
            self.role_docs = list(roles.values())
        else:
            self.role_docs = list(roles)
            self.role_names = [f"role[{i}]" for i in range(len(self.role_docs))]
        self.resources = resources
        self.language = language
        self.tier = tier
        # Every session of the role is in the role's account: its ARN says which
        # (aws:PrincipalAccount and the session ARN are read from it, never from a
        # constant that may name another account).
        self.account = (role_account(role_arn) if role_arn else None) or account
        self.role_name = role_name
        self.examples = [e for e in examples if language.is_valid(e)]
        self.sigma_hint = sigma_hint
        self._fixed_memo: dict[int, bool] = {}
        self.role_arn = role_arn or f"arn:aws:iam::{self.account}:role/{role_name}"
        by_name = {r.name: r for r in resources}
        #: every resource policy as the evaluator sees it (``Resource: "*"`` read as
        #: the resource it is attached to), by a label; trust policies are attached to
        #: their role
        self.resource_docs: dict[str, tuple[Mapping[str, Any], tuple[str, ...]]] = {}
        #: what each label's scope matches but its policy does not govern
        self.resource_unscoped: dict[str, tuple[str, ...]] = {}
        for rname, rdoc in (resource_policies or {}).items():
            if rname in by_name:
                scope = tuple(_own_globs(by_name[rname]))
                self.resource_docs[rname] = (_scoped(rdoc, scope), scope)
                self.resource_unscoped[rname] = _foreign_globs(by_name[rname])
        for arn, tdoc in (trust_policies or {}).items():
            # by the role's name; two roles of one name (ARNs in another path or case,
            # or a name not known) with different policies each keep theirs
            label, scoped = f"trust({arn.rsplit('/', 1)[-1]})", _scoped(tdoc, (arn,))
            taken = 0
            while label in self.resource_docs and self.resource_docs[label][0] != scoped:
                taken += 1
                label = f"trust({arn}{f' #{taken}' if taken > 1 else ''})"
            self.resource_docs[label] = (scoped, (arn,))
        self._resource_cache: tuple[CompiledPolicy, ...] | None = None
        #: the Allow statements of those policies that grant this tier's sessions
        #: (directly or through the role), and their Denies to every principal (the
        #: only ones the search may use as fences); each applies only within its scope
        self.resource_allows: list[_Stmt] = []
        self.resource_denies: list[_Stmt] = []
        #: Allow statements whose principal element the proof cannot read (it may name
        #: this tier's sessions): each makes the result unknown, never dropped
        self.unread: list[Unknown] = []
        #: the labels of policies attached to a ``shared`` resource that govern no ARN
        #: of another resource of the model: only those hold no tenant's data (a bucket
        #: declared shared has one policy, which S3 evaluates for its objects too)
        self.shared_only = {
            label
            for label, (_, scope) in self.resource_docs.items()
            if label in by_name and by_name[label].shared and not _governs_others(scope, resources)
        }
        shared = self.shared_only
        for label, (doc, scope) in self.resource_docs.items():
            unscoped = self.resource_unscoped.get(label, ())
            for st in _resource_statements(
                label, doc, self.role_arn, self.account, role_name, scope, unscoped, self.unread
            ):
                if st.ref.effect == "Allow":
                    self.resource_allows.append(st)
                else:
                    self.resource_denies.append(st)
            if label in shared:  # holds no tenant's data: its reads are coverage only
                # (a write it carries on into the tenants' partitions stays unknown)
                self.unread = [
                    u
                    for u in self.unread
                    if u.resource_name != label
                    or u.statement is None
                    or not stays_on_shared_only(_statement_at(doc, u.statement.index))
                ]
        self.tags = tags
        #: whether the checks of vended credentials beyond the shapes run (escalation,
        #: star-only actions, service grants, deputies): for vended sessions, and for
        #: the sessions other principals of the trust policy mint
        self.vended = tags
        self.session_version = session.get("Version") == "2012-10-17"
        every = self._statements()
        self.stmts = [st for st in every if st.ref.effect == "Allow"]
        #: Deny statements: they only remove requests; the search uses the fences it can
        #: model exactly, and the confirmation (the evaluator) sees every one
        self.denies = [st for st in every if st.ref.effect == "Deny"]
        self.sigma = self._sigma()
        self.tenant = _language_automaton(language)
        self.other_char = next(c for c in "#!%&^~|" if c not in self.sigma)
        self._cover_cache: dict[tuple[str, frozenset[str]], fa.NFA] = {}
        self._role_eval = (
            None
            if not self.role_docs
            else [
                compile_policy(policy_from_obj(doc), name=name, kind="identity")
                for name, doc in zip(self.role_names, self.role_docs, strict=True)
            ]
        )

    # -- set-up --------------------------------------------------------------------------

    def _statements(self) -> list[_Stmt]:
        out: list[_Stmt] = []
        docs: list[tuple[Literal["session", "role"], str, Mapping[str, Any]]] = [
            ("session", "session", self.session_doc)
        ]
        docs.extend(("role", n, d) for n, d in zip(self.role_names, self.role_docs, strict=True))
        for side, name, doc in docs:
            raw = doc["Statement"]
            for i, st in enumerate(raw if isinstance(raw, list) else [raw]):
                effect = "Allow" if st.get("Effect") == "Allow" else "Deny"
                key = "Action" if "Action" in st else "NotAction"
                acts = st[key]
                out.append(
                    _Stmt(
                        side,
                        StatementRef(
                            name,
                            "session" if side == "session" else "identity",
                            i,
                            st.get("Sid"),
                            effect,
                        ),
                        st,
                        tuple(a.lower() for a in ([acts] if isinstance(acts, str) else acts)),
                        key == "NotAction",
                        doc.get("Version") == "2012-10-17",
                    )
                )
        return out

    def _sigma(self) -> frozenset[str]:
        chars: set[str] = set(self.language.alphabet) | {":", "/", "*"} | set(self.tier)
        chars |= self.sigma_hint - {TENANT_MARKER[0], TENANT_MARKER[-1]}
        chars |= {c.swapcase() for c in self.language.alphabet}  # case-insensitive operators
        extra = self.resource_allows + self.resource_denies
        for st in self.stmts + self.denies + extra:
            for key in ("Resource", "NotResource"):
                for r in _listify(st.raw.get(key, [])):
                    chars |= set(r.replace(TENANT_MARKER, ""))
            for block in st.raw.get("Condition", {}).values():
                for vals in block.values():
                    for v in _listify(vals):
                        chars |= set(str(v).replace(TENANT_MARKER, ""))
        chars |= set(f"arn:aws-us-gov-cn:iam::{self.account}:role/*")
        for res in self.resources:
            chars |= set(res.arn)
            for p in res.partitions:
                chars |= set((p.arn or "") + (p.value or ""))
        return frozenset(c for c in chars if c.isprintable()) | {fa.OTHER}

    # -- one statement against one attack shape ----------------------------------------

    def _admits(
        self, st: _Stmt, res: ResourceSpec, shape: _Shape, fences: Sequence[_Stmt] = ()
    ) -> list[_Candidate]:
        """Over-approximate: can ``st`` apply to a request of this shape for some A != B?
        Returns witnesses (possibly with A or B left open), or nothing. ``fences`` are
        the Deny statements that cover every action ``st`` is considered for; those the
        search can model exactly remove requests, the others are left to confirmation."""
        variables = st.variables
        twins = _case_twins(st.raw)
        if twins is not None:
            raise fa.Unsupported(_twins_text(twins))
        if not self._fixed_conditions_hold(st):
            return []  # a condition on what the session cannot choose is false
        model = shape.target
        if shape.exclude and "Resource" in st.raw:
            shared = tuple(r.arn for r in self.resources if r.shared and r.service == res.service)
            inside = shape.exclude + shared
            if all(
                _within_model_string(str(p), inside, variables)
                for p in _listify(st.raw["Resource"])
            ):
                return []  # every pattern lies in a tenant's partition or a shared part
        built: list[fa.Automaton] = []

        def target() -> fa.Automaton:
            # built on first use: most statements never pass the prunes for a shape
            if not built:
                built.append(self._target(shape, res))
            return built[0]

        unconditional = [d for d in fences if not d.raw.get("Condition")]
        witnesses = self._resource_overlap(
            st, target, variables, model, unconditional, self._excluded(shape, res)
        )
        if not witnesses:
            return []
        out: list[_Candidate] = []
        for w in witnesses:
            if w.a is not None and not self.language.is_valid(w.a):
                # brackets that no slot constrained (an automaton that skips them on
                # both sides) hold no tenant: A is left open
                w = replace(w, a=None, a_span=None)
            if shape.kind in ("arn", "whole"):
                out.append(_Candidate(st, w.a, w.b, self._concrete(w.text)))
                continue
            key = shape.partition.condition_key
            assert key is not None
            conds = [c for c in _conditions(st.raw) if c.key.lower() == key.lower()]
            if shape.kind == "condition":
                _refuse_plain_on_multivalued(conds, key)
            key_fences = [
                d
                for d in fences
                if _key_fence(d, key)
                and d.variables == st.variables  # its values are read as the Allow's are
                and self._deny_covers(d, shape.target)
            ]
            resource = self._concrete(w.text)
            if shape.kind == "key-less":
                for empty in (False, True) if key.lower() in PREFIX_KEYS else (False,):
                    if self._keyless_ok(st, conds, key, w.a, empty=empty) and not any(
                        self._keyless_ok(d, _conditions(d.raw), key, w.a, empty=empty)
                        for d in key_fences
                    ):
                        out.append(_Candidate(st, w.a, None, resource, {key: ""} if empty else {}))
                        break
                continue
            conds += [_positive(c) for d in key_fences for c in _conditions(d.raw)]
            for a, b, ctx, closed in self._condition_values(conds, key, shape.partition, variables):
                if w.a is not None and a is not None and w.a != a:
                    # The resource and the condition both name the tenant and their
                    # witnesses chose different A: the pair is never dropped. Both
                    # choices go to the confirmation; if neither is confirmed the shape
                    # is unknown, never proved.
                    out.append(_Candidate(st, w.a, b, resource, ctx, closed))
                out.append(_Candidate(st, a or w.a, b, resource, ctx, closed))
        return out

    def _resource_overlap(
        self,
        st: _Stmt,
        target: Callable[[], fa.Automaton],
        variables: bool,
        model: str,
        fences: Sequence[_Stmt] = (),
        excluded: tuple[str, ...] = (),
    ) -> list[fa.Witness]:
        """Witnesses of ``st``'s Resource (or NotResource) against ``target``: the ARNs
        of ``model`` less those of ``excluded`` (a residual shape's)."""
        if "Resource" in st.raw:
            found: list[fa.Witness] = []
            model_glob = _model_glob(model)
            outside = "".join(c for c in "/:" if c not in self.language.alphabet)
            for pattern in _listify(st.raw["Resource"]):
                if not _glob.may_overlap(_as_glob(str(pattern)), model_glob, outside):
                    continue  # cannot meet even with every tenant slot read as `*`
                if self._slots_aligned(str(pattern), model):
                    continue  # the two slots can only hold the same tenant
                parts = self._pieces(pattern, "arn", variables)
                if self._pieces_aligned(parts, model):
                    continue  # the same, the slot written as the tenant tag variable
                if fences:
                    nfa = self._fenced(self._nfa(parts, "A"), parts, fences, model)
                    found.extend(fa.search(nfa, target(), self.sigma, limit=2))
                    continue
                # keyed on the whole target (a residual shape's exclusions included)
                key = (tuple(parts), model, excluded, self.sigma, self.language)
                hits = _OVERLAP_CACHE.get(key)
                if hits is None:
                    if len(_OVERLAP_CACHE) >= _NFA_CACHE_SIZE:
                        _OVERLAP_CACHE.clear()
                    nfa = self._nfa(parts, "A")
                    hits = _OVERLAP_CACHE[key] = tuple(
                        fa.search(nfa, target(), self.sigma, limit=2)
                    )
                found.extend(hits)
            return found
        patterns = _listify(st.raw["NotResource"])
        pieces = [self._pieces(p, "arn", variables) for p in patterns]
        if any(k == "slot" for ps in pieces for k, _ in ps):
            raise fa.Unsupported("NotResource naming the tenant")
        union = _union_of(
            [
                fa.pattern_nfa(ps, self.sigma, None, ("", ""), (fa.OPEN_A, fa.CLOSE_A))
                for ps in pieces
            ]
        )
        complement = fa.complement(union, self.sigma - fa.BRACKETS)
        complement.self_loops((fa.OPEN_B, fa.CLOSE_B))
        return list(fa.search(complement, target(), self.sigma, limit=2))

    def _fenced(
        self, nfa: fa.NFA, pieces: list[fa.Piece], fences: Sequence[_Stmt], target: str
    ) -> fa.NFA:
        """``nfa`` (an Allow's Resource pattern) less what unconditional Deny
        statements remove, where that is exact: a ``NotResource`` deny keeps only its
        patterns, a ``Resource`` deny without the tenant removes its patterns. Two
        tenant slots in one product would force them to one place (fewer strings than
        the truth), so a fence that would bring a second slot is left out."""
        has_slot = any(k == "slot" for k, _ in pieces)
        for d in fences:
            variables = d.variables
            key = "NotResource" if "NotResource" in d.raw else "Resource"
            try:
                alternatives = [
                    self._pieces(str(p), "arn", variables) for p in _listify(d.raw[key])
                ]
            except fa.Unsupported:
                continue  # a construct the search cannot read: the evaluator still sees it
            slots = any(k == "slot" for ps in alternatives for k, _ in ps)
            if slots and (has_slot or key == "Resource"):
                continue
            if not self._in_scope(d, target):
                continue  # attached elsewhere, or only partly over this shape's target
            if key == "NotResource":
                subs = []
                for ps in alternatives:
                    sub = self._build_nfa(ps, "A")
                    if not any(k == "slot" for k, _ in ps):
                        sub.self_loops((fa.OPEN_A, fa.CLOSE_A))
                    subs.append(sub)
                keep = _union_of(subs)
                if not has_slot and slots:
                    nfa = self._build_nfa(pieces, "A")
                    nfa.self_loops((fa.OPEN_A, fa.CLOSE_A))
                    has_slot = True
                nfa = fa.intersect(nfa, keep)
            else:
                removed = _union(alternatives, self.sigma)
                rest = fa.complement(removed, self.sigma - fa.BRACKETS)
                rest.self_loops(tuple(sorted(fa.BRACKETS)))
                nfa = fa.intersect(nfa, rest)
        return nfa

    def _deny_covers(self, d: _Stmt, target: str) -> bool:
        """Whether every ARN of ``target`` is in the Deny's Resource (read without
        widening: patterns with variables or the tenant do not count)."""
        if "Resource" not in d.raw or not self._in_scope(d, target):
            return False
        globs = [
            str(p)
            for p in _listify(d.raw["Resource"])
            if "${" not in str(p) and TENANT_MARKER not in str(p)
        ]
        return _covered_fast(target, globs)

    def _in_scope(self, d: _Stmt, target: str) -> bool:
        """Whether every ARN of ``target`` (a model string) is governed by the policy
        ``d`` belongs to: always for identity and session policies; for a resource
        policy, ``target`` lies in its resource's ARNs and meets none of the ARNs
        those match but the policy does not govern (a Deny read wider is unsound)."""
        if not d.scope:
            return True
        if not _covered_fast(target, d.scope):
            return False
        excluded = "".join(c for c in "/:" if c not in self.language.alphabet)
        mine = _model_glob(target)
        return not any(_glob.may_overlap(mine, _as_glob(g), excluded) for g in d.unscoped)

    def _slots_aligned(self, pattern: str, model: str) -> bool:
        """A sound prune: the pattern's tenant slot and the partition's stand after the
        same literal text (no wildcard, no variable) and each ends the string or meets
        a literal character outside the tenant alphabet. Any string both match then has
        one tenant ID in both places (the maximal run of ID characters there), so A
        cannot differ from B."""
        if TENANT_MARKER not in pattern or "{tenant}" not in model:
            return False
        before_a, _, after_a = pattern.partition(TENANT_MARKER)
        before_b, _, after_b = model.partition("{tenant}")
        if before_a != before_b or any(c in before_a for c in "*?$"):
            return False

        def stops(rest: str) -> bool:
            # The slot must be closed by a literal character: not a wildcard, not a
            # variable, and not the next tenant slot (`{T}{T}` holds two IDs in a row).
            if rest.startswith((TENANT_MARKER, "{tenant}")):
                return False
            return rest == "" or (rest[0] not in self.language.alphabet and rest[0] not in "*?$")

        return stops(after_a) and stops(after_b)

    def _pieces_aligned(self, pieces: list[fa.Piece], model: str) -> bool:
        """:meth:`_slots_aligned` read on the pieces the search is built from, where a
        slot may also come from ``${aws:PrincipalTag/TenantId}``: the same literal
        pieces before both slots (no wildcard), and after each slot the end or a
        literal character outside the tenant alphabet. Every string both match then
        holds one tenant ID in both places, so the spans coincide and the search would
        find nothing."""
        theirs = _model_pieces(model)

        def split(ps: list[fa.Piece]) -> tuple[list[fa.Piece], list[fa.Piece]] | None:
            at = [i for i, (kind, _) in enumerate(ps) if kind == "slot"]
            if len(at) != 1:
                return None
            return ps[: at[0]], ps[at[0] + 1 :]

        mine, other = split(pieces), split(theirs)
        if mine is None or other is None or mine[0] != other[0]:
            return False
        if any(kind != "lit" for kind, _ in mine[0]):
            return False

        def stops(rest: list[fa.Piece]) -> bool:
            if not rest:
                return True
            kind, value = rest[0]
            return kind == "lit" and value not in self.language.alphabet

        return stops(mine[1]) and stops(other[1])

    def _condition_values(
        self, conds: list[Condition], key: str, partition: Partition, variables: bool
    ) -> list[_Value]:
        """Values of ``key`` that touch B's partition and satisfy ``conds`` (over-approx),
        shared by every checker of the process that asks the same question (tiers
        rendering the same template text)."""
        tier_dependent = any("principaltag/tier" in str(v).lower() for c in conds for v in c.values)
        cache_key = (
            tuple(conds),
            key,
            partition,
            variables,
            self.sigma,
            self.language,
            tuple(self.examples),
            self.tags,
            self.tier if tier_dependent else None,
        )
        cached = _VALUES_CACHE.get(cache_key)
        if cached is None:
            if len(_VALUES_CACHE) >= _NFA_CACHE_SIZE:
                _VALUES_CACHE.clear()
            cached = _VALUES_CACHE[cache_key] = self._condition_values_uncached(
                conds, key, partition, variables
            )
        return [(a, b, dict(ctx), closed) for a, b, ctx, closed in cached]

    def _condition_values_uncached(
        self, conds: list[Condition], key: str, partition: Partition, variables: bool
    ) -> list[_Value]:
        assert partition.value is not None
        touch = self._nfa(_model_pieces(partition.value), "B")
        if key.lower() in PREFIX_KEYS:
            touch = touch.prefix_closed()
        single = _single_valued(key)
        multivalued = not single and (
            key.lower() in MULTIVALUED_KEYS or any(c.set_operator for c in conds)
        )
        if any(_demands_absent(c) for c in conds):
            return []  # every value of a Null condition is `true`: the key must be absent
        # A request carries one value of a single-valued key: under a set operator its
        # one value must then match, as under the plain operator.
        string_conds = [
            c
            for c in conds
            if c.base_operator in _STRING_POSITIVE and (single or c.set_operator != "ForAnyValue")
        ]
        any_value = [] if single else [c for c in conds if c.set_operator == "ForAnyValue"]
        if not string_conds:
            # Unconstrained (or only negated/other operators): any value of B's works.
            found = list(fa.search(self._free_a(), touch, self.sigma, limit=3))
            out: list[_Value] = []
            for w in found:
                text = self._concrete(w.text)
                ctx: dict[str, str | list[str]] = {key: [text] if multivalued else text}
                if any_value:
                    ctx = {key: [self._any_value_member(any_value[0]), text]}
                out.append((None, w.b, ctx, w.b_closed))
            return out
        # The first condition naming the tenant leads; every other positive condition
        # without the tenant narrows it (ANDed). A second condition naming the tenant is
        # left out: the product would force both slots to one place.
        cond = next((c for c in string_conds if self._names_tenant(c, variables)), None)
        cond = cond or string_conds[0]
        narrowing = [
            self._values_nfa(c, variables, free_a=True)
            for c in string_conds
            if c is not cond and not self._names_tenant(c, variables)
        ]
        ignore_case = cond.base_operator == "StringEqualsIgnoreCase"
        # Identical spans mean the same tenant unless two IDs can differ only in case.
        both_cases = ignore_case and _has_both_cases(self.language)
        out = []
        for raw in cond.values:
            nfa = self._value_nfa(cond, str(raw), variables)
            for other in narrowing:
                nfa = fa.intersect(nfa, other)
            for w in fa.search(nfa, touch, self.sigma, limit=2, distinct_spans=not both_cases):
                v = self._concrete(w.text)
                out.append((w.a, w.b, {key: [v] if multivalued else v}, w.b_closed))
        if both_cases and out:
            # The marked A may be a case variant outside the language: also try pairs of
            # tenants whose IDs differ only in case, which compare equal.
            for a, b in self._case_pairs():
                v = partition.value.replace("{tenant}", b).replace("*", "")
                out.append((a, b, {key: [v] if multivalued else v}, True))
        return out

    def _value_nfa(self, cond: Condition, text: str, variables: bool) -> fa.NFA:
        """The values one policy value of a positive string condition admits."""
        if cond.base_operator != "StringLike":
            text = text.replace("*", "${*}").replace("?", "${?}")
        nfa = self._nfa(self._pieces(text, "any", variables), "A")
        if cond.base_operator == "StringEqualsIgnoreCase":
            nfa = fa.case_closed(nfa)  # matches every case variant of the value
        return nfa

    def _values_nfa(self, cond: Condition, variables: bool, *, free_a: bool) -> fa.NFA:
        """The union of what a condition's values admit; with ``free_a`` (a condition
        that names no tenant) A's brackets may stand anywhere."""
        union = _union_of([self._value_nfa(cond, str(raw), variables) for raw in cond.values])
        if free_a:
            union.self_loops((fa.OPEN_A, fa.CLOSE_A))
        return union

    def _names_tenant(self, cond: Condition, variables: bool) -> bool:
        return any(
            k == "slot" for raw in cond.values for k, _ in self._pieces(str(raw), "any", variables)
        )

    def _target(self, shape: _Shape, res: ResourceSpec) -> fa.Automaton:
        """The requests' ARNs of a shape; for a residual shape, without the tenants'
        partitions (any tenant of the language) and the model's shared resources."""
        base = self._nfa(_model_pieces(shape.target), "B")
        excluded = self._excluded(shape, res)
        if not excluded:
            return base
        key = (shape.target, excluded, self.sigma, self.language)
        cached = _TARGET_CACHE.get(key)
        if cached is None:
            if len(_TARGET_CACHE) >= _NFA_CACHE_SIZE:
                _TARGET_CACHE.clear()
            names = fa.union_nfa(
                [_model_pieces(text) for text in excluded], self.sigma, self.tenant, None, ()
            )
            # the base less the excluded names, its complement read lazily by the search
            cached = _TARGET_CACHE[key] = fa.Difference(base, names)
        return cached

    def _excluded(self, shape: _Shape, res: ResourceSpec) -> tuple[str, ...]:
        """The model strings a residual shape leaves out: the tenants' partitions and
        the model's shared resources of the service (nothing for other shapes)."""
        if not shape.exclude:
            return ()
        shared = tuple(r.arn for r in self.resources if r.shared and r.service == res.service)
        return shape.exclude + shared

    def _session_grants(self) -> list[_Stmt]:
        """Every Allow that can reach a tier session: the session policy's (in effect
        only where the role, or a resource policy naming the role, allows too: see
        :meth:`_Beyond._role_admits`) and a resource policy's grants to the session
        itself (``*``, the session ARN: side ``direct``, not limited by the session
        policy). Every check of grants beyond the shapes (coverage, star-only actions,
        deputy writes, unconfined effects) reads its grants from here."""
        grants = [st for st in self.stmts if st.side == "session"]
        grants += [st for st in self.resource_allows if st.side == "direct"]
        return grants

    def _fixed_conditions_hold(self, st: _Stmt) -> bool:
        """Whether the statement's conditions on the keys every request of this tier's
        sessions carries with one fixed value (``aws:PrincipalArn``,
        ``aws:PrincipalAccount``, the ``Tier`` tag) hold. They are exact: a statement
        for which one is false never applies to this tier (a bucket policy granting
        another tier's role)."""
        if not self.tags or _case_twins(st.raw) is not None:
            return True  # (with a key named twice, which value AWS tests is not known)
        key = id(st)
        known = self._fixed_memo.get(key)
        if known is not None:
            return known
        fixed = {"aws:principalarn", "aws:principalaccount", TIER_TAG_KEY.lower()}
        request = Request("x:Probe", "*", self._tag_context(self._probe_tenant()))
        known = True
        for c in _conditions(st.raw):
            if c.key.lower() not in fixed or any(
                TENANT_MARKER in str(v) or "${" in str(v) for v in c.values
            ):
                continue  # a value naming the tenant (or a variable) is not fixed
            compiled = compile_condition(c, variables=st.variables, path="$")
            if not compiled.test(request.normalised) and self._spelt_role(c) is None:
                known = False  # (false for another spelling of the role too: exact)
                break
        self._fixed_memo[key] = known
        return known

    def _spelt_role(self, c: Condition) -> str | None:
        """A value of a condition on ``aws:PrincipalArn`` whose outcome for this tier's
        sessions depends on how the tier role's ARN is spelt (None: none does). The
        key holds the ARN of the role as IAM stores it, with its path and the case of
        its name; the catalogue's ``role_arn`` is one spelling of that role (IAM names
        roles without regard to case, and vending's AssumeRole reaches the role by
        that name: :func:`catalog.role_identity`). A value naming the role in another
        case or path, or a pattern that tells spellings of the role apart
        (`role/tenant-*` against `role/Tenant-Web`), may hold or not in AWS whatever
        it does for the catalogue's spelling."""
        if c.key.lower() != "aws:principalarn":
            return None
        return next(
            (
                str(v)
                for v in c.values
                if isinstance(v, str) and _spelling_dependent(c.operator, v, self.role_arn)
            ),
            None,
        )

    def _respelt(self, st: _Stmt) -> str | None:
        """A value of the statement's conditions on ``aws:PrincipalArn`` that is false
        for the catalogue's spelling of the tier role but may hold for another spelling
        of it (:meth:`_spelt_role`; None: there is none). Such a statement is kept
        (:meth:`_fixed_conditions_hold`) and the tier is ``unknown``, naming it."""
        if not self.tags or _case_twins(st.raw) is not None:
            return None
        request = Request("x:Probe", "*", self._tag_context(self._probe_tenant()))
        for c in _conditions(st.raw):
            value = self._spelt_role(c)
            if value is None or any(TENANT_MARKER in str(v) or "${" in str(v) for v in c.values):
                continue
            compiled = compile_condition(c, variables=st.variables, path="$")
            if not compiled.test(request.normalised):
                return value
        return None

    def _probe_tenant(self) -> str:
        tenants = self._tenants()
        return tenants[0] if tenants else "x"

    def _keyless_ok(
        self, st: _Stmt, conds: list[Condition], key: str, a: str | None, *, empty: bool = False
    ) -> bool:
        tenant = a or self._some_tenant()
        ctx = self._tag_context(tenant)
        if empty:
            ctx[key] = ""
        request = Request("x:Probe", "*", ctx)
        for c in conds:
            concrete = Condition(
                c.operator,
                c.key,
                tuple(
                    v.replace(TENANT_MARKER, tenant) if isinstance(v, str) else v for v in c.values
                ),
                c.scalar,
            )
            compiled = compile_condition(concrete, variables=st.variables, path="$")
            if not compiled.test(request.normalised):
                return False
        return True

    # -- helpers -------------------------------------------------------------------------

    def _pieces(
        self, text: str, star_mode: Literal["arn", "any"], variables: bool
    ) -> list[fa.Piece]:
        return _pieces(
            text, star_mode=star_mode, variables=variables, tier=self.tier, tags=self.tags
        )

    def _tag_context(self, tenant: str) -> dict[str, str | list[str]]:
        """What every request of A's vended session carries and A cannot choose: the
        session tags and the principal's ARN and account."""
        if not self.tags:
            return {}
        return {
            TAG_KEY: tenant,
            TIER_TAG_KEY: self.tier,
            "aws:PrincipalArn": self.role_arn,
            "aws:PrincipalAccount": self.account,
        }

    def _nfa(self, pieces: list[fa.Piece], who: Literal["A", "B"]) -> fa.NFA:
        """The automaton of a pattern (shared and never mutated: callers that add
        edges build their own with :meth:`_build_nfa`)."""
        key = (tuple(pieces), who, self.sigma, self.language)
        cached = _NFA_CACHE.get(key)
        if cached is None:
            if len(_NFA_CACHE) >= _NFA_CACHE_SIZE:
                _NFA_CACHE.clear()
            cached = _NFA_CACHE[key] = self._build_nfa(pieces, who)
        return cached

    def _build_nfa(self, pieces: list[fa.Piece], who: Literal["A", "B"]) -> fa.NFA:
        if who == "A":
            return fa.pattern_nfa(
                pieces, self.sigma, self.tenant, (fa.OPEN_A, fa.CLOSE_A), (fa.OPEN_B, fa.CLOSE_B)
            )
        return fa.pattern_nfa(
            pieces, self.sigma, self.tenant, (fa.OPEN_B, fa.CLOSE_B), (fa.OPEN_A, fa.CLOSE_A)
        )

    def _free_a(self) -> fa.NFA:
        """Any string; A is left open (chosen later)."""
        return fa.pattern_nfa(
            [("star", "any")], self.sigma, None, ("", ""), (fa.OPEN_B, fa.CLOSE_B)
        )

    def _concrete(self, text: str) -> str:
        return text.replace("~", self.other_char)

    def _some_tenant(self) -> str:
        tenants = self._tenants()
        if not tenants:
            raise fa.Unsupported("the tenant-ID language accepts no ID (check its pattern)")
        return tenants[0]

    def _tenants(self, *, exclude: str | None = None) -> list[str]:
        pool = [e for e in self.examples if e != exclude]
        pool += [w for w in _short_tenants(self.language, self.sigma) if w != exclude]
        return list(dict.fromkeys(pool))

    def _any_value_member(self, cond: Condition) -> str:
        """A value the ForAnyValue condition accepts (A's own, filled in later)."""
        return str(cond.values[0]).replace("*", "x")

    def _case_pairs(self) -> list[tuple[str, str]]:
        pairs = []
        for word in self._tenants():
            for variant in (word.upper(), word.capitalize(), word.swapcase(), word.lower()):
                if variant != word and self.language.is_valid(variant):
                    pairs.append((word, variant))
        return pairs[:4]


#: Pattern automata shared by every checker of the process (tiers of one catalogue meet


def _resource_statements(
    name: str,
    doc: Mapping[str, Any],
    role_arn: str,
    account: str,
    role_name: str,
    scope: tuple[str, ...],
    unscoped: tuple[str, ...] = (),
    unread: list[Unknown] | None = None,
) -> list[_Stmt]:
    """The statements of a resource policy that can apply to this tier's sessions:
    Allows granting them (side ``direct`` or ``role``, see :class:`_Stmt`) and Denies
    whose principal is everyone. Principals read as others (the account root, which
    only delegates to IAM; services, reported by the service-grant check; other roles
    and users; an ARN with a wildcard, which names no principal) are left out. An
    Allow whose principal element the proof cannot read (``NotPrincipal``: everyone
    but the listed; ``Federated``, ``CanonicalUser``, a unique ID or other value of
    no known form) may grant this tier's sessions: it is added to ``unread`` (the
    result is unknown), never dropped. A Deny the proof cannot read fences nothing
    (it only removes requests: leaving it out admits more, never fewer)."""
    out: list[_Stmt] = []
    raw = doc.get("Statement", [])
    variables = doc.get("Version") == "2012-10-17"
    for i, st in enumerate(raw if isinstance(raw, list) else [raw]):
        effect = "Allow" if st.get("Effect") == "Allow" else "Deny"
        ref = StatementRef(f"resource({name})", "resource", i, st.get("Sid"), effect)
        if effect == "Allow" and unread is not None:
            problem = _unreadable(st, trust=name.startswith("trust("))
            if problem is not None:
                unread.append(Unknown(name, problem, f"{ref}", ref))
        if "NotPrincipal" in st:
            continue  # Allow: reported above; Deny: spares some principals, no sure fence
        grantee = _grantee(st.get("Principal"), role_arn, account, role_name)
        if grantee is None:
            continue
        inexact = _inexact_principal(st.get("Principal"), role_arn, account, role_name)
        if effect == "Allow" and unread is not None and inexact is not None:
            problem = (
                f"the principal `{inexact}` names the tier role `{role_arn}` (or its "
                "session) in another case or path: IAM role names are unique without "
                "regard to case, and whether AWS reads such a principal as the role is "
                "not documented; write the role's ARN exactly"
            )
            unread.append(Unknown(name, problem, f"{ref}", ref))
        if effect == "Deny" and grantee != "anyone":
            continue  # a Deny to some principals only is no fence for every tenant
        if "Action" not in st and "NotAction" not in st:
            if effect == "Allow" and unread is not None:
                unread.append(Unknown(name, "a statement with no `Action`", f"{ref}", ref))
            continue
        key = "Action" if "Action" in st else "NotAction"
        acts = st.get(key, [])
        out.append(
            _Stmt(
                "role" if grantee == "role" else "direct",
                ref,
                st,
                tuple(a.lower() for a in ([acts] if isinstance(acts, str) else acts)),
                key == "NotAction",
                variables,
                scope,
                unscoped,
            )
        )
    return out


def _refuse_plain_on_multivalued(conds: Sequence[Condition], key: str) -> None:
    """A positive string operator without ``ForAllValues:``/``ForAnyValue:`` on a key
    whose request values are a set: AWS does not document how it compares a set with
    a plain operator (the evaluator reads it as no match), so an Allow that relies on
    it is outside the fragment (its widest reading, ``ForAnyValue:``, admits a set
    holding A's and B's values)."""
    if not _multivalued(key):
        return
    for c in conds:
        if c.set_operator is None and c.base_operator in _STRING_POSITIVE:
            raise fa.Unsupported(
                f"`{c.operator}` without ForAllValues:/ForAnyValue: on the multivalued key "
                f"`{c.key}`"
            )


def _own_globs(res: ResourceSpec) -> list[str]:
    """The ARNs a resource policy attached to ``res`` can govern: a bucket and its
    objects; a table and its indexes (a stream has its own policy; backups, exports
    and imports none); for an ``execute-api`` resource, every method of its API (an
    API Gateway resource policy is the REST API's, "Specifies a resource policy for a
    REST API": API Gateway developer guide, x-amazon-apigateway-policy; it is evaluated
    for every stage, method and path of the API, whichever route of it the catalogue
    attaches it to); otherwise the resource itself."""
    if res.service == "execute-api":
        api, sep, _ = res.arn.partition("/")
        return [f"{api}/*"] if sep else [res.arn, f"{res.arn}/*"]
    if res.arn.endswith("*"):
        return [res.arn]
    if res.service == "dynamodb":
        return [res.arn, f"{res.arn}/index/*"]
    return [res.arn, f"{res.arn}/*"]


def _foreign_globs(res: ResourceSpec) -> tuple[str, ...]:
    """ARNs that :func:`_own_globs` matches but a policy attached to ``res`` does not
    govern. A family of tables (`table/prem-*`: a ``*`` also crosses `/`) matches each
    table's streams, backups, exports and imports; a table's policy covers the table
    and its indexes only (a stream has its own policy). A family of functions
    (`function:ext-*`) matches their versions and aliases (`function:ext-a:1`), each
    with its own policy (Lambda: a permission applies to the function, version or
    alias it is added to)."""
    if not any(c in res.arn for c in "*?"):
        return ()
    if res.service == "lambda":
        return (f"{res.arn}:*",)
    if res.service != "dynamodb":
        return ()
    from ._shapes import _table_subresources

    return tuple(
        f"{res.arn}/{segment}/*" for sub, segment in _table_subresources() if sub != "index"
    )


def governed_by(res: ResourceSpec) -> Callable[[str], bool]:
    """Whether a resource policy attached to ``res`` is evaluated for a request on an
    ARN (one of its own ARNs, and none of those it does not govern): a predicate, its
    globs compiled once."""
    own = [_glob.glob_regex(g).fullmatch for g in _own_globs(res)]
    foreign = [_glob.glob_regex(g).fullmatch for g in _foreign_globs(res)]

    def test(arn: str) -> bool:
        return any(m(arn) for m in own) and not any(m(arn) for m in foreign)

    return test


def _statement_at(doc: Mapping[str, Any], index: int) -> Mapping[str, Any]:
    raw = doc.get("Statement", [])
    statements = raw if isinstance(raw, list) else [raw]
    return statements[index] if 0 <= index < len(statements) else {}


def stays_on_shared_only(st: Mapping[str, Any]) -> bool:
    """Whether every action a resource policy statement may grant stays on the
    ``shared`` resource it is attached to (:func:`_effects.stays_on_shared`): its
    ``Action`` patterns each match known actions only, all of them confined reads or
    listings or uses that store nothing. ``NotAction``, ``*``, a name the action data
    does not know or a missing ``Action``: False. Only such a statement of a policy that
    governs nothing but shared resources holds no tenant's data whoever it grants:
    a publish to a shared fan-out topic, a message into a shared queue, an invocation of
    a shared function are routed or carried on into the tenants' own partitions
    (``_beyond._unconfined`` reads them so for the session's own grants)."""
    from .._iamdata import iam_data, known_actions, service_actions

    if "Action" not in st:
        return False
    acts = st["Action"]
    patterns = [acts] if isinstance(acts, str) else list(acts)
    data = iam_data()
    for pattern in patterns:
        if not isinstance(pattern, str) or ":" not in pattern:
            return False  # `*` (or a value the proof cannot read): every action
        service = pattern.partition(":")[0].lower()
        literal = "*" not in service and "?" not in service
        pool = service_actions(service) if literal else tuple(sorted(known_actions()))
        regex = re.compile(
            re.escape(pattern.lower()).replace(r"\*", ".*").replace(r"\?", "."), re.DOTALL
        )
        names = [a for a in pool if regex.fullmatch(a)]
        if not names:
            return False  # a name neither the action data nor policyuniverse knows
        for name in names:
            info = data.action(name)
            if info is None or not stays_on_shared(name, info.level, info.resource_types):
                return False  # (a name only policyuniverse knows: its effect is unknown)
    return True


def fronting_access_points(resources: Sequence[ResourceSpec]) -> Sequence[ResourceSpec]:
    """The model with every ``shared`` S3 resource that may name an access point (or
    its objects) taken as not shared when the model holds an S3 resource that is not
    shared. An access point holds no data of its own: ``accesspoint/NAME/object/KEY``
    is the object KEY of the bucket the access point is attached to ("each access point
    is associated with a single bucket": S3 User Guide, "Managing access to shared
    datasets with access points"), which the ARN does not say; it may be the pooled
    bucket, so the catalogue's word that it holds no tenant's data is not taken. Such a
    resource has no partition: every request on it names none (key-less), and the
    policy attached to it governs tenants' data (attack review 11-05)."""
    if not any(r.service == "s3" and not r.shared for r in resources):
        return resources
    return [
        replace(r, shared=False)
        if r.shared and r.service == "s3" and resource_field_may_be(r.arn, ("accesspoint/*",))
        else r
        for r in resources
    ]


#: Sub-resources that are views of their parent's data, never data of their own, per
#: service: the suffix that names them after the parent's ARN. A Lambda function's
#: versions and aliases (`function:fn-acme:live` runs and describes `fn-acme`: Lambda
#: Developer Guide, "Lambda function aliases"); a Kinesis stream's consumers
#: (`stream/S/consumer/C` reads the stream's records: Kinesis Data Streams API
#: reference, SubscribeToShard); a DynamoDB table's indexes, streams, backups and
#: exports (copies of its items); a state machine's versions and aliases (they run its
#: definition, and list its executions). S3 keys, SSM parameter paths or API routes
#: below a name are data of their own, not views: not listed.
VIEW_SUFFIXES: Mapping[str, tuple[str, ...]] = {
    "lambda": (":*",),
    "kinesis": ("/consumer/*",),
    "dynamodb": ("/index/*", "/stream/*", "/backup/*", "/export/*"),
    "states": (":*",),
}


#: Resources that hold data of a parent under an ARN of another resource type, per
#: service: a regex over the parent's ARN (its prefix, then its name) and the children's
#: globs as templates of the two groups. A Step Functions state machine's executions
#: (``execution:SM:ID``, a map run's ``execution:SM/LABEL:ID``; Express ``express:...``)
#: and map runs (``mapRun:SM/LABEL:ID``) hold its runs' input and output
#: (DescribeExecution "provides information about a state machine execution, such as
#: the state machine associated with the execution, the execution input and output";
#: Service Authorization Reference, Step Functions resource types `execution`, `express`,
#: `mapRun`), so a ``shared`` declaration of them is not taken when the state machine is a
#: tenant's (attack review 12-02). The children of :data:`VIEW_SUFFIXES` follow their
#: parent's ARN and are read there.
CHILD_FORMS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "states": (
        r"(arn:[^:]*:states:[^:]*:[^:]*:)stateMachine:([^:]+)",
        (
            "{0}execution:{1}:*",
            "{0}execution:{1}/*",
            "{0}express:{1}:*",
            "{0}express:{1}/*",
            "{0}mapRun:{1}/*",
        ),
    ),
}


def views_of_partitions(resources: Sequence[ResourceSpec]) -> Sequence[ResourceSpec]:
    """The model with every ``shared`` resource that may name a view
    (:data:`VIEW_SUFFIXES`) of a resource of the model that is not shared (its `arn`,
    or a partition ARN; the tenant any text) taken as not shared: a view holds its
    parent's data, so the catalogue's word that it holds no tenant's data is not taken
    (attack review 11-06). Such a resource has no partition: a request on it names none
    (key-less); put each tenant's views in the tenant's partition instead
    (`stream/events-{tenant}/consumer/*`, `function:fn-{tenant}:*`)."""
    parents: dict[str, list[str]] = {}
    children: dict[str, list[str]] = {}
    for r in resources:
        if r.shared or (r.service not in VIEW_SUFFIXES and r.service not in CHILD_FORMS):
            continue
        for arn in (r.arn, *(p.arn for p in r.partitions if p.arn is not None)):
            wide = arn.replace("{tenant}", "*")
            if not arn.endswith("*"):
                parents.setdefault(r.service, []).append(wide)
            if r.service in CHILD_FORMS:
                regex, templates = CHILD_FORMS[r.service]
                m = re.fullmatch(regex, wide)
                if m is not None:
                    found = [t.format(m[1], m[2]) for t in templates]
                    children.setdefault(r.service, []).extend(found)
    if not parents and not children:
        return resources

    def views(r: ResourceSpec) -> bool:
        own = _model_glob(r.arn)
        return any(
            _glob.may_overlap(own, _model_glob(parent + suffix))
            for parent in parents.get(r.service, ())
            for suffix in VIEW_SUFFIXES.get(r.service, ())
        ) or any(
            _glob.may_overlap(own, _model_glob(child)) for child in children.get(r.service, ())
        )

    return [replace(r, shared=False) if r.shared and views(r) else r for r in resources]


#: Resources AWS replicates to other Regions under the same name, per service: the
#: resource fields that may be replicated. A DynamoDB global table "is a collection of
#: one or more replica tables" with the same name in other Regions, each holding the same
#: items (DynamoDB Developer Guide, "Global tables"); a replica secret keeps the primary's
#: name and value in another Region (Secrets Manager User Guide, "Replicate secrets
#: across Regions"); a multi-Region KMS key (`mrk-` ID) has related keys with the same
#: key ID and key material in other Regions (KMS Developer Guide, "Multi-Region keys").
REPLICATED: Mapping[str, str] = {
    "dynamodb": "table/*",
    "secretsmanager": "secret:*",
    "kms": "key/mrk-*",
}

#: Services of :data:`REPLICATED` whose replicas may also live in another account: a
#: DynamoDB multi-account global table replicates "across AWS Regions and accounts", each
#: replica in a separate account (DynamoDB Developer Guide, "How DynamoDB global tables
#: work", multi-account global tables; attack review 12-04).
REPLICATED_ACROSS_ACCOUNTS = frozenset({"dynamodb"})


def replicas_of_partitions(resources: Sequence[ResourceSpec]) -> Sequence[ResourceSpec]:
    """The model with every ``shared`` resource that may name, in another Region, a
    replica (:data:`REPLICATED`) of a resource of the model that is not shared (its
    `arn`, or a partition ARN; with the views of :data:`VIEW_SUFFIXES`) taken as not
    shared: a replica holds the same tenants' data under the same name, so the
    catalogue's word that a Region's tables, secrets or keys hold no tenant's data is
    not taken (attack review 11). A shared resource in the same Region as the
    resource is left to the shapes, which check every partition whatever is shared."""
    replicas: dict[str, list[tuple[str, str, str]]] = {}
    for r in resources:
        if r.shared or r.service not in REPLICATED:
            continue
        across = r.service in REPLICATED_ACROSS_ACCOUNTS
        for arn in (r.arn, *(p.arn for p in r.partitions if p.arn is not None)):
            fields = arn.split(":", 5)
            if len(fields) != 6 or not resource_field_may_be(arn, (REPLICATED[r.service],)):
                continue
            account = "*" if across else fields[4]
            wide = ":".join([*fields[:3], "*", account, fields[5]]).replace("{tenant}", "*")
            replicas.setdefault(r.service, []).append((wide, fields[3], fields[4]))
    if not replicas:
        return resources

    def replica(r: ResourceSpec) -> bool:
        own = _model_glob(r.arn)
        fields = r.arn.split(":", 5)
        region, account = (fields[3], fields[4]) if len(fields) == 6 else ("*", "*")
        return any(
            _glob.may_overlap(own, _model_glob(wide + suffix))
            for wide, home, home_account in replicas.get(r.service, ())
            if "*" in region + home + account + home_account
            or region != home
            or account != home_account
            for suffix in ("", *VIEW_SUFFIXES.get(r.service, ()))
        )

    return [replace(r, shared=False) if r.shared and replica(r) else r for r in resources]


def _governs_others(scope: Sequence[str], resources: Sequence[ResourceSpec]) -> bool:
    """Whether a resource policy of scope ``scope`` may be evaluated for a request on an
    ARN of a resource of the model that is not ``shared``: its `arn`, what lies below it,
    or a partition ARN (the tenant any text). Read wide (a pattern that may meet one
    counts, what the scope does not govern included): its grants then reach tenants'
    data."""
    targets = [
        _model_glob(t.replace("{tenant}", "*"))
        for r in resources
        if not r.shared
        for t in (r.arn, f"{r.arn}/*", *(p.arn for p in r.partitions if p.arn is not None))
    ]
    return any(_glob.may_overlap(_model_glob(g), t) for g in scope for t in targets)


def _scoped(doc: Mapping[str, Any], scope: Sequence[str]) -> dict[str, Any]:
    """A resource policy as the evaluator should see it: ``Resource: "*"`` (or no
    Resource, as in a trust policy) stands for the resource it is attached to."""
    out = dict(doc)
    raw = doc.get("Statement", [])
    statements = []
    for st in raw if isinstance(raw, list) else [raw]:
        st = dict(st)
        if "Resource" not in st and "NotResource" not in st:
            st["Resource"] = list(scope)
        elif "Resource" in st:
            values = _listify(st["Resource"])
            if "*" in values:
                st["Resource"] = [v for v in values if v != "*"] + list(scope)
        statements.append(st)
    out["Statement"] = statements
    return out


#: AWS principal values the proof reads: an account ID, an account's root, a role, a
#: user, a role's session, a federated user (IAM User Guide, "Principal").
_KNOWN_AWS = re.compile(
    r"\d{12}|arn:[a-z-]+:(?:iam::\d{12}:(?:root|role/.+|user/.+)"
    r"|sts::\d{12}:(?:assumed-role/[^/]+/.+|federated-user/.+))"
)

#: A CloudFront origin access identity in its ARN form (CloudFront Developer Guide,
#: "Restricting access to an Amazon S3 origin", legacy OAI: ``"Principal": {"AWS":
#: "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity EH1HDMB1FH2TC"}``;
#: the same identity as the ``CanonicalUser`` form). CloudFront reads the bucket with it
#: for every viewer of the distributions that use it: any tenant, with no session
#: policy (attack review 11b-01).
_ORIGIN_ACCESS_IDENTITY = re.compile(r"arn:[a-z-]+:iam::cloudfront:user/.+")


def _unreadable(st: Mapping[str, Any], *, trust: bool = False) -> str | None:
    """Why the proof cannot tell whom an Allow statement's principal element grants
    (None: it can). ``NotPrincipal`` with Allow grants every principal but the listed
    ones where a service accepts it (IAM User Guide, "NotPrincipal": not supported
    with Allow, and a grant to everyone else, anonymous users included, where it is
    accepted); forms other than ``AWS`` and ``Service`` name principals whose
    relation to the tier's sessions the catalogue does not describe (in a trust
    policy, ``Federated`` names identity providers, never a tier's session: the trust
    check of :mod:`._trust` reads those)."""
    if "NotPrincipal" in st:
        return (
            "`Allow` with `NotPrincipal` grants every principal but the listed ones "
            "(the tier's sessions included, without the session policy's limits); "
            "IAM does not support it, write `Principal` with an `aws:PrincipalArn` "
            "condition instead"
        )
    principal = st.get("Principal")
    if principal is None:
        return "an Allow with no `Principal`"
    if principal == "*":
        return None
    if not isinstance(principal, Mapping):
        return f"a principal element the proof cannot read: `{principal}`"
    for form, values in principal.items():
        for value in _listify(values):
            text = str(value)
            if form == "Service" or (trust and form == "Federated"):
                continue  # services: the service-grant check; IdPs: the trust check
            if form == "AWS" and _ORIGIN_ACCESS_IDENTITY.fullmatch(text):
                return (
                    f"the principal `{text}` is a CloudFront origin access identity: "
                    "CloudFront reads with it for every viewer of its distributions (any "
                    "tenant, or anyone), not limited by a session policy"
                )
            if form == "AWS" and ("*" in text or "?" in text):
                continue  # `*`: everyone (read); a partial wildcard names nobody
            if form != "AWS" or not _KNOWN_AWS.fullmatch(text):
                return (
                    f"the principal `{form}` `{text}` (a form the proof does not read: it "
                    "may name the tier's sessions or a principal a tenant controls)"
                )
    return None


def _grantee(
    principal: Any, role_arn: str, account: str, role_name: str
) -> Literal["anyone", "session", "role"] | None:
    """How a resource policy's Principal reaches this tier's sessions: ``anyone`` or a
    ``session`` of the role (side ``direct`` for an Allow: not limited by the session
    policy), the ``role``'s ARN (every session, still limited), or None."""
    if principal == "*":
        return "anyone"
    if not isinstance(principal, Mapping):
        return None
    values = _listify(principal.get("AWS", []))
    if "*" in values:
        return "anyone"
    # A wildcard inside a principal ARN matches nothing (IAM User Guide, "Principal").
    values = [v for v in values if isinstance(v, str) and "*" not in v and "?" not in v]
    # IAM role names are unique without regard to case ("Names are not distinguished by
    # case", IAM API reference, CreateRole) and whether a principal ARN naming the role
    # in another case (or with another path) reaches it is not documented: such a
    # grant is read as the role's, so it adds requests; the evaluator, which names
    # roles exactly, then confirms none of them and the shape is unknown, never proved.
    session = re.compile(
        rf"arn:[^:]+:sts::{re.escape(account)}:assumed-role/{re.escape(role_name)}/.+",
        re.IGNORECASE,
    )
    if any(session.fullmatch(v) for v in values):
        return "session"
    if role_arn in values or any(_names_role(v, account, role_name) for v in values):
        return "role"
    return None


def _inexact_principal(principal: Any, role_arn: str, account: str, role_name: str) -> str | None:
    """A principal value that :func:`_grantee` reads as the tier role or its session
    only without regard to case or path (None: every such value is exact)."""
    if not isinstance(principal, Mapping):
        return None
    exact_session = re.compile(
        rf"arn:[^:]+:sts::{re.escape(account)}:assumed-role/{re.escape(role_name)}/.+"
    )
    for v in _listify(principal.get("AWS", [])):
        if not isinstance(v, str) or "*" in v or "?" in v or v == role_arn:
            continue
        if exact_session.fullmatch(v):
            continue
        if _names_role(v, account, role_name) or _grantee({"AWS": v}, role_arn, account, role_name):
            return v
    return None


_ROLE_ARN_PARTS = re.compile(r"(arn:[^:]+:iam::\d{12}:role/)((?:.*/)?)([^/]+)")


def _spelling_dependent(operator: str, value: str, role_arn: str) -> bool:
    """Whether ``value``, in a condition of ``operator`` on ``aws:PrincipalArn``, may
    decide differently for two spellings of the role ``role_arn`` (its name in another
    case, another path): see :meth:`_Search._spelt_role`."""
    m = _ROLE_ARN_PARTS.fullmatch(role_arn)
    if m is None:
        return False
    head, _path, name = m[1], m[2], m[3]
    op = operator.split(":")[-1].lower().removesuffix("ifexists")
    fold = "ignorecase" in op
    pattern = op.endswith("like") or op.startswith("arn")
    wild = pattern and ("*" in value or "?" in value)

    def hit(text: str) -> bool:
        if wild:
            return _glob.glob_match(value, text, ignore_case=fold)
        return value.lower() == text.lower() if fold else value == text

    spellings = [
        head + path + variant
        for path in ("", "p/", "p/q/")
        for variant in {name, name.lower(), name.upper(), name.swapcase(), name.capitalize()}
    ]
    exact = hit(role_arn)
    if any(hit(s) != exact for s in spellings):
        return True
    if exact:
        return False
    # no spelling tried matches: does one the tries miss? (the name in any case, any path)
    if not wild:
        alias = _ROLE_ARN_PARTS.fullmatch(value)
        return alias is not None and (alias[1].lower(), alias[3].lower()) == (
            head.lower(),
            name.lower(),
        )
    return any(
        _glob.may_overlap(value.lower(), spelt.lower())
        for spelt in (head + name, f"{head}*/{name}")
    )


_ROLE_PRINCIPAL = re.compile(r"arn:[^:]+:iam::(\d{12}):role/(?:.*/)?([^/]+)")


def _names_role(value: str, account: str, role_name: str) -> bool:
    """Whether a principal value is a role ARN of ``account`` whose name is
    ``role_name`` in any case, with any path."""
    m = _ROLE_PRINCIPAL.fullmatch(value)
    return m is not None and m[1] == account and m[2].lower() == role_name.lower()


@lru_cache(maxsize=8192)
def _within_model_string(pattern: str, models: tuple[str, ...], variables: bool) -> bool:
    """Sound and cheap: every ARN ``pattern`` grants lies in one of ``models`` (model
    strings, ``{tenant}`` for a tenant, ``*`` any text), the tenant in the same place.
    The pattern's wildcards and tenant are matched as characters by the model's ``*``
    (which absorbs any expansion) or by its tenant slot (the same tenant); a model with
    ``?`` is not used (it could take a pattern's ``*`` for one character)."""
    slot = _glob.SLOT
    text = pattern.replace(TENANT_MARKER, slot)
    if variables:
        text = re.sub(r"\$\{aws:PrincipalTag/TenantId\}", slot, text, flags=re.I)
    if "${" in text or ("$" in text and variables):
        return False  # another variable: any text
    for model in models:
        if "?" in model or "{" in model.replace("{tenant}", ""):
            continue
        if _glob.glob_match(model.replace("{tenant}", slot), text):
            return True
    return False
