"""Step 7: confirmation. Only a request the evaluator allows is a counterexample."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from .. import _automata as fa
from .. import _glob
from ..catalog import ResourceSpec
from ..evaluate import (
    CompiledPolicy,
    Decision,
    Evaluator,
    Request,
    StatementRef,
    compile_policy,
)
from ..model import policy_from_obj
from ..render import TENANT_MARKER, substitute
from ..tenancy import session_name
from ._report import Counterexample, Unknown
from ._search import _Candidate, _own_globs, _scoped, _Search, governed_by
from ._shapes import (
    _NEGATED_FAMILY,
    _carries,
    _conditions,
    _prefer_data_actions,
    _Shape,
)
from ._strings import (
    TAG_KEY,
    TIER_TAG_KEY,
    _fill_tenant,
    _listify,
    _model_pieces,
)

SESSION_PRINCIPAL = "arn:aws:sts::{account}:assumed-role/{role}/{tenant}"


_ALLOW_ALL = compile_policy(
    policy_from_obj(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
        }
    ),
    name="role (not modelled: allows all)",
    kind="identity",
)


class _Confirmation(_Search):
    """Step 7: candidates become concrete requests, decided by the evaluator."""

    def _confirm(
        self,
        res: ResourceSpec,
        shape: _Shape,
        sides: dict[str, list[tuple[_Candidate, tuple[str, ...]]]],
        role_actions: set[str] | None,
    ) -> list[Counterexample] | Unknown:
        found: dict[tuple[StatementRef, ...], Counterexample] = {}
        pool = sides["direct"][:12] + sides["session"][:12] + sides["role"][:12]
        for cand, covered in pool:
            actions = [a for a in covered if role_actions is None or a in role_actions]
            if cand.stmt.side == "direct":
                actions = list(covered)  # not limited by the session policy
            elif cand.stmt.side == "role":
                session_actions = {a for _, cov in sides["session"] for a in cov}
                actions = [a for a in covered if a in session_actions]
            for action in _prefer_data_actions(actions)[:6]:
                cx = self._try(res, shape, cand, action)
                if cx is not None:
                    found.setdefault(cx.statements, cx)
                    break
        if not found and shape.kind == "arn" and self.role_docs:
            found = self._confirm_jointly(res, shape, sides)
        if found:
            return list(found.values())
        first = (sides["direct"] + sides["session"])[0][0].stmt.ref
        return Unknown(
            res.name,
            "the policies admit such requests, but no request they allow together was "
            f"found (first admitting statement: {first})",
            shape.label,
            first,
        )

    def _confirm_jointly(
        self,
        res: ResourceSpec,
        shape: _Shape,
        sides: dict[str, list[tuple[_Candidate, tuple[str, ...]]]],
    ) -> dict[tuple[StatementRef, ...], Counterexample]:
        """Search strings that a role pattern, a session pattern and B's partition all
        accept at once (the per-side witnesses may each miss the other side)."""
        target = self._nfa(_model_pieces(shape.target), "B")
        found: dict[tuple[StatementRef, ...], Counterexample] = {}
        session_stmts = {id(c.stmt): (c.stmt, cov) for c, cov in sides["session"]}
        role_stmts = {id(c.stmt): (c.stmt, cov) for c, cov in sides["role"]}
        for (r_st, r_cov), (s_st, s_cov) in itertools.product(
            list(role_stmts.values())[:6], list(session_stmts.values())[:6]
        ):
            actions = [a for a in s_cov if a in set(r_cov)]
            if not actions or "Resource" not in r_st.raw or "Resource" not in s_st.raw:
                continue
            for r_pat, s_pat in itertools.product(
                _listify(r_st.raw["Resource"]), _listify(s_st.raw["Resource"])
            ):
                r_pieces = self._pieces(r_pat, "arn", r_st.variables)
                role_nfa = self._build_nfa(r_pieces, "A")
                if not any(kind == "slot" for kind, _ in r_pieces):
                    role_nfa.self_loops((fa.OPEN_A, fa.CLOSE_A))  # A is the session's to mark
                session_nfa = self._nfa(self._pieces(s_pat, "arn", s_st.variables), "A")
                joint = fa.intersect(role_nfa, target)
                for w in fa.search(session_nfa, joint, self.sigma, limit=2):
                    cand = _Candidate(s_st, w.a, w.b, self._concrete(w.text), a_span=w.a_span)
                    for action in _prefer_data_actions(actions)[:4]:
                        cx = self._try(res, shape, cand, action)
                        if cx is not None:
                            found.setdefault(cx.statements, cx)
                            break
        return found

    def _try(
        self, res: ResourceSpec, shape: _Shape, cand: _Candidate, action: str
    ) -> Counterexample | None:
        for a, b in self._tenant_pairs(cand, shape):
            resource = cand.resource
            if cand.a_span is not None and a != cand.tenant_a:
                start, end = cand.a_span
                resource = resource[:start] + a + resource[end:]
            ctx = {k: _fill_tenant(v, a) for k, v in cand.context.items()}
            for extra, own in ((False, False), (True, False), (False, True), (True, True)):
                context = self._tag_context(a)
                if extra:
                    context.update(
                        self._satisfying_context(a, shape.partition.condition_key, action)
                    )
                context.update(ctx)
                if own:
                    # The witness's value may fall to a condition the search did not
                    # model (a negated one): try B's own partition value instead.
                    key, value = shape.partition.condition_key, shape.partition.value
                    if key is None or value is None or b is None or key not in ctx:
                        continue
                    mine = value.replace("{tenant}", b).replace("*", "")
                    context[key] = [mine] if isinstance(ctx[key], list) else mine
                decision = self._decide(a, action, resource, context, res)
                if decision is not None:
                    return Counterexample(
                        shape.reported_as,
                        res.name,
                        a,
                        b if shape.reported_as == "cross-tenant" else None,
                        action,
                        resource,
                        context,
                        decision,
                        shape.label,
                    )
        return None

    def _tenant_pairs(self, cand: _Candidate, shape: _Shape) -> list[tuple[str, str | None]]:
        a = cand.tenant_a
        if a is not None and not self.language.is_valid(a):
            a = None  # the witness marked no tenant there: any tenant may stand at A
        if shape.kind in ("key-less", "whole"):
            return [(a or self._some_tenant(), None)]
        if a is not None and a == cand.tenant_b and cand.a_span is not None:
            a = None  # same text in two places: any other tenant can stand at A's place
        if cand.b_complete and cand.tenant_b is not None:
            bs = [cand.tenant_b]
        else:
            # A prefix value cut B short (or never reached it): B is any tenant whose
            # ID starts with what was read, other than A.
            bs = fa.shortest_words(self.tenant, self.sigma, prefix=cand.tenant_b or "", limit=4)
        pairs: list[tuple[str, str | None]] = []
        for b in bs:
            if not self.language.is_valid(b):
                continue
            for other in [a] if a is not None else self._tenants(exclude=b):
                if other != b and self.language.is_valid(other):
                    pairs.append((other, b))
        return pairs[:4]

    def _decide(
        self,
        tenant: str,
        action: str,
        resource: str,
        context: dict[str, str | list[str]],
        res: ResourceSpec | None = None,
    ) -> tuple[StatementRef, ...] | None:
        session = compile_policy(
            policy_from_obj(substitute(self.session_doc, tenant)), name="session", kind="session"
        )
        identity = self._role_eval or [_ALLOW_ALL]
        attached = self._resource_eval(res, resource)
        evaluator = Evaluator(tuple(identity), (session,), resource=attached)
        principal = SESSION_PRINCIPAL.format(
            account=self.account, role=self.role_name, tenant=session_name(tenant, self.language)
        )
        decision = evaluator.evaluate(Request(action, resource, context, principal=principal))
        return decision.matched if decision.allowed else None

    def _resource_eval(self, res: ResourceSpec | None, resource: str) -> tuple[CompiledPolicy, ...]:
        """The resource policies (and trust policies) of the run that AWS evaluates
        for a request on ``resource`` (those attached to it), compiled, each with
        ``Resource: "*"`` read as the resource it is attached to."""
        if self._resource_cache is None:
            self._resource_cache = tuple(
                compile_policy(policy_from_obj(doc), name=f"resource({label})", kind="resource")
                for label, (doc, _) in self.resource_docs.items()
            )
        return tuple(
            compiled
            for compiled, (label, (_, scope)) in zip(
                self._resource_cache, self.resource_docs.items(), strict=True
            )
            if any(_glob.glob_match(g, resource) for g in scope)
            and not any(
                _glob.glob_match(g, resource) for g in self.resource_unscoped.get(label, ())
            )
        )

    def _satisfying_context(
        self, tenant: str, attack_key: str | None, action: str
    ) -> dict[str, str | list[str]]:
        """Values for the other condition keys, taken from the policies' own conditions
        (only keys a request of ``action`` can carry, so a counterexample is a request
        that can exist)."""
        ctx: dict[str, str | list[str]] = {}
        skip = {TAG_KEY.lower(), TIER_TAG_KEY.lower(), (attack_key or "").lower()}
        skip |= {"aws:principalarn", "aws:principalaccount"}  # fixed by the session
        for st in self.stmts:
            for c in _conditions(st.raw):
                if c.key.lower() in skip or _carries(action, c.key) is False:
                    continue
                if c.base_operator in ("Null",) or c.base_operator in _NEGATED_FAMILY:
                    continue
                value = (
                    str(c.values[0])
                    .replace(TENANT_MARKER, tenant)
                    .replace("*", "x")
                    .replace("?", "x")
                )
                if c.base_operator.startswith("Ip"):
                    value = value.split("/")[0]
                ctx.setdefault(c.key, [value] if c.set_operator else value)
        return ctx


def scope_resource_policy(doc: Mapping[str, Any], res: ResourceSpec) -> dict[str, Any]:
    """A resource policy as the evaluator should see it for requests on ``res``: a
    ``Resource: "*"`` stands for the resource it is attached to (see
    ``_search._own_globs``), never for every ARN of the account."""
    return _scoped(doc, tuple(_own_globs(res)))


#: Bound of an :class:`AttachedEvaluator`'s memo of which policies govern an ARN.
CHOSEN_CACHE_SIZE = 1024


class AttachedEvaluator(Evaluator):
    """An evaluator whose resource-based policies are each attached to one resource
    of the model: a request consults only the policies of the resource it names (a
    table's policy is not evaluated for the table's stream, which has its own)."""

    __slots__ = ("_attached", "_by_subset", "_chosen", "_governs")

    def __init__(
        self,
        identity: tuple[CompiledPolicy, ...],
        session: tuple[CompiledPolicy, ...],
        attached: tuple[tuple[CompiledPolicy, ResourceSpec], ...],
    ) -> None:
        super().__init__(identity, session, resource=tuple(p for p, _ in attached))
        self._attached = attached
        self._by_subset: dict[tuple[int, ...], Evaluator] = {}
        self._governs = tuple(governed_by(res) for _, res in attached)
        self._chosen: dict[str, tuple[int, ...]] = {}

    def evaluate(self, request: Request) -> Decision:
        chosen = self._chosen.get(request.resource)
        if chosen is None:
            chosen = tuple(i for i, test in enumerate(self._governs) if test(request.resource))
            if len(self._chosen) >= CHOSEN_CACHE_SIZE:
                self._chosen.clear()
            self._chosen[request.resource] = chosen
        if len(chosen) == len(self._attached):
            return super().evaluate(request)
        inner = self._by_subset.get(chosen)
        if inner is None:
            inner = self._by_subset[chosen] = Evaluator(
                self.identity,
                self.session,
                self.boundary,
                tuple(self._attached[i][0] for i in chosen),
            )
        return inner.evaluate(request)
