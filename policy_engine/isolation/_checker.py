"""The main loop of the proof: every shape of every resource, then coverage."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import replace

from .. import _automata as fa
from .. import _glob
from ..catalog import ResourceSpec
from ..render import TENANT_MARKER
from ._beyond import _Beyond
from ._coverage import _Coverage
from ._numbers import number_value, twin
from ._report import Counterexample, Unknown
from ._search import _Candidate
from ._shapes import (
    _action_covered,
    _covered_actions,
    _number_shapes,
    _service_actions,
    _Shape,
    _shape_actions,
    _shapes,
    _Stmt,
)
from ._strings import _as_glob, _listify


class _Checker(_Beyond, _Coverage):
    """One proof run: every shape of every resource, then the coverage check."""

    def run(self) -> tuple[tuple[Counterexample, ...], tuple[Unknown, ...], int]:
        violations: list[Counterexample] = []
        unknown: list[Unknown] = []
        checks = 0
        work = [(res, _shapes(res) + _number_shapes(res, self.language)) for res in self.resources]
        if self.vended:
            work.append(self._escalation())
        stmts = self.stmts + self.resource_allows
        reach = _Reach(stmts)
        #: the Deny statements that cover every action of a set (this run's denies)
        self._fences_memo: dict[tuple[str, ...], list[_Stmt]] = {}
        for res, shapes in work:
            service_actions: tuple[str, ...] | None = None
            for shape in shapes:
                checks += 1
                if not reach.may_touch(shape.target):
                    continue  # no statement's Resource can meet the target: nothing admits it
                if service_actions is None:
                    service_actions = _service_actions(res.service, stmts)
                actions = _shape_actions(shape, service_actions)
                try:
                    found = self._check_shape(res, shape, actions)
                except fa.Unsupported as exc:
                    unknown.append(Unknown(res.name, str(exc), shape.label))
                    continue
                if isinstance(found, Unknown):
                    unknown.append(found)
                elif shape.undecided is not None:
                    same = [self._same_number(res, shape, cx) for cx in found]
                    violations.extend(cx for cx in same if cx is not None)
                    rest = [cx for cx, twin in zip(found, same, strict=True) if twin is None]
                    unknown.extend(_undecided(res, shape.undecided, shape.label, rest))
                else:
                    violations.extend(found)
        checks += 1
        try:
            unknown.extend(self._coverage())
        except fa.Unsupported as exc:
            unknown.append(Unknown("(not in the model)", str(exc), "coverage of the grants"))
        unknown.extend(self.unread)  # principal elements the proof cannot read
        if self.vended:  # sessions of the role (part of the coverage check of the grants)
            unknown.extend(self._star_only())
            unknown.extend(self._service_grants())
            unknown.extend(self._public_grants())
            deputies, undecided = self._deputies()
            violations.extend(deputies)
            unknown.extend(undecided)
            unknown.extend(self._unconfined())
            unknown.extend(self._scans_beyond_key())
            unknown.extend(self._access_points_by_name())
            unknown.extend(self._views_by_name())
            unknown.extend(self._unbound_partitions())
            unknown.extend(self._lists_children())
            unknown.extend(self._context_twins())
            unknown.extend(self._role_spellings())
        return tuple(violations), tuple(unknown), checks

    def _same_number(
        self, res: ResourceSpec, shape: _Shape, cx: Counterexample
    ) -> Counterexample | None:
        """A request allowed on a table whose partition key is declared a Number, with
        a leading key equal as a Number to another tenant's ID: that tenant's items."""
        key = shape.partition.condition_key
        if not shape.number_key or res.partition_key_type != "N" or key is None:
            return None
        sent = cx.context.get(key, ())
        for value in [sent] if isinstance(sent, str) else sent:
            number = number_value(value)
            if number is None:
                continue
            for other in (format(number.normalize(), "f"), value, twin(value, self.language)):
                if (
                    other is not None
                    and other != cx.tenant_a
                    and self.language.is_valid(other)
                    and number_value(other) == number
                ):
                    label = f"`{key}` = `{value}`, as a Number tenant `{other}`'s ID"
                    return replace(cx, kind="cross-tenant", tenant_b=other, partition=label)
        return None

    def _check_shape(
        self, res: ResourceSpec, shape: _Shape, actions: Sequence[str]
    ) -> list[Counterexample] | Unknown:
        sides: dict[str, list[tuple[_Candidate, tuple[str, ...]]]] = {
            "session": [],
            "role": [],
            "direct": [],
        }
        denies = self.denies + self.resource_denies
        for st in self.stmts + self.resource_allows:
            covered = _covered_actions(st.actions, st.not_action, tuple(actions))
            if not covered:
                continue
            fences = self._fences_memo.get(covered)
            if fences is None:
                fences = [d for d in denies if all(_action_covered(d, a) for a in covered)]
                self._fences_memo[covered] = fences
            try:
                admitted = self._admits(st, res, shape, fences)
            except fa.Unsupported as exc:
                return Unknown(res.name, f"{exc} in {st.ref}", shape.label, st.ref)
            for cand in admitted:
                sides[st.side].append((cand, covered))
        role_actions = {a for _, cov in sides["role"] for a in cov} if self.role_docs else None
        through_session = bool(sides["session"]) and (
            role_actions is None or any(set(cov) & role_actions for _, cov in sides["session"])
        )
        if not through_session and not sides["direct"]:
            # Neither both the session and the role, nor a resource policy granting
            # the session itself, admit such a request.
            return []
        if not through_session:
            sides = {"session": [], "role": [], "direct": sides["direct"]}
        return self._confirm(res, shape, sides, role_actions)


class _Reach:
    """Which shape targets an Allow statement may touch at all: an exact shortcut.

    :meth:`_Search._resource_overlap` drops a Resource pattern that
    :func:`_glob.may_overlap` says cannot meet the shape's target, and two globs only
    meet when their literal prefixes (the text before the first ``*``, ``?`` or tenant
    slot) are one a prefix of the other. When no pattern of any statement passes that
    test (and no statement has ``NotResource``), every statement admits nothing of the
    shape and its check finds nothing: it is counted and skipped, with the same
    result, in time that does not grow with the statements of other tiers."""

    def __init__(self, stmts: Sequence[_Stmt]) -> None:
        self.everything = any("Resource" not in st.raw for st in stmts)
        prefixes = (
            {
                _literal_prefix(_as_glob(str(p)))
                for st in stmts
                for p in _listify(st.raw["Resource"])
            }
            if not self.everything
            else set()
        )
        self.sorted = sorted(prefixes)
        self.prefixes = prefixes
        self.lengths = sorted({len(p) for p in prefixes})

    def may_touch(self, target: str) -> bool:
        if self.everything:
            return True
        mine = _literal_prefix(_as_glob(target.replace("{tenant}", TENANT_MARKER)))
        # a pattern prefix that is a prefix of the target's ...
        if any(mine[:n] in self.prefixes for n in self.lengths if n <= len(mine)):
            return True
        # ... or one that the target's prefix begins
        i = bisect.bisect_left(self.sorted, mine)
        return i < len(self.sorted) and self.sorted[i].startswith(mine)


def _literal_prefix(glob: str) -> str:
    """The text of a :func:`_glob.may_overlap` pattern before its first wildcard."""
    cut = len(glob)
    for wild in ("*", "?", _glob.SLOT):
        at = glob.find(wild)
        if 0 <= at < cut:
            cut = at
    return glob[:cut]


def _request_target(res: ResourceSpec, resource: str) -> str:
    """The resource of an ``unknown``'s request as its text says it: the ARN, except a
    DynamoDB index ARN with an empty index name. The search gives the shortest
    resource the policies allow; the empty name is that only where the grant allows
    any name (``index/*``, less what a Deny may take out): the text says "any index"
    rather than show ``/index/``, which names none."""
    if res.service == "dynamodb" and resource.endswith("/index/"):
        table = resource[: -len("/index/")]
        return f"any index of `{table}` (`{table}/index/*`)"
    return f"`{resource}`"


def _undecided(
    res: ResourceSpec, advice: str, where: str, found: Sequence[Counterexample]
) -> list[Unknown]:
    """Requests the policies allow on a part of the model whose owner the catalogue
    does not declare: each is ``unknown`` (what to declare), with the request."""
    return [
        Unknown(
            res.name,
            f"{advice}; `{cx.action}` on {_request_target(res, cx.resource)} is allowed "
            f"(tenant `{cx.tenant_a}`"
            + "".join(f", {k}={v!r}" for k, v in cx.context.items() if not k.startswith("aws:P"))
            + ")",
            where,
            # the session's statement where there is one: the lint shows its line
            next((r for r in cx.statements if r.policy == "session"), None)
            or (cx.statements[0] if cx.statements else None),
        )
        for cx in found
    ]
