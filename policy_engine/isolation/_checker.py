"""The main loop of the proof: every shape of every resource, then coverage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .. import _automata as fa
from ..catalog import ResourceSpec
from ._confirm import _Confirmation
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
)


class _Checker(_Confirmation, _Coverage):
    """One proof run: every shape of every resource, then the coverage check."""

    def run(self) -> tuple[tuple[Counterexample, ...], tuple[Unknown, ...], int]:
        violations: list[Counterexample] = []
        unknown: list[Unknown] = []
        checks = 0
        work = [(res, _shapes(res) + _number_shapes(res, self.language)) for res in self.resources]
        if self.tags:
            work.append(self._escalation())
        for res, shapes in work:
            stmts = self.stmts + self.resource_allows
            service_actions = _service_actions(res.service, stmts)
            for shape in shapes:
                checks += 1
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
            fences = [d for d in denies if all(_action_covered(d, a) for a in covered)]
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


def _undecided(
    res: ResourceSpec, advice: str, where: str, found: Sequence[Counterexample]
) -> list[Unknown]:
    """Requests the policies allow on a part of the model whose owner the catalogue
    does not declare: each is ``unknown`` (what to declare), with the request."""
    return [
        Unknown(
            res.name,
            f"{advice}; `{cx.action}` on `{cx.resource}` is allowed (tenant `{cx.tenant_a}`"
            + "".join(f", {k}={v!r}" for k, v in cx.context.items() if not k.startswith("aws:P"))
            + ")",
            where,
            # the session's statement where there is one: the lint shows its line
            next((r for r in cx.statements if r.policy == "session"), None)
            or (cx.statements[0] if cx.statements else None),
        )
        for cx in found
    ]
