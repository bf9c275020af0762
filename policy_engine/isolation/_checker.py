"""The main loop of the proof: every shape of every resource, then coverage."""

from __future__ import annotations

from collections.abc import Sequence

from .. import _automata as fa
from ..catalog import ResourceSpec
from ._beyond import _Beyond
from ._coverage import _Coverage
from ._report import Counterexample, Unknown
from ._search import _Candidate
from ._shapes import (
    _action_covered,
    _covered_actions,
    _service_actions,
    _Shape,
    _shape_actions,
    _shapes,
)


class _Checker(_Beyond, _Coverage):
    """One proof run: every shape of every resource, then the coverage check."""

    def run(self) -> tuple[tuple[Counterexample, ...], tuple[Unknown, ...], int]:
        violations: list[Counterexample] = []
        unknown: list[Unknown] = []
        checks = 0
        work = [(res, _shapes(res)) for res in self.resources]
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
                else:
                    violations.extend(found)
        checks += 1
        try:
            unknown.extend(self._coverage())
        except fa.Unsupported as exc:
            unknown.append(Unknown("(not in the model)", str(exc), "coverage of the grants"))
        if self.tags:  # vended credentials (part of the coverage check of the grants)
            unknown.extend(self._star_only())
            unknown.extend(self._service_grants())
            deputies, undecided = self._deputies()
            violations.extend(deputies)
            unknown.extend(undecided)
        return tuple(violations), tuple(unknown), checks

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
