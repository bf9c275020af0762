"""PE070 through its index reports exactly what comparing every pair reported.

The reference below is the rule as it was before the index (every statement against
every other, pattern by pattern); on random policies the indexed rule must give the
same findings, messages, paths and order.
"""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from policy_engine._glob import glob_match
from policy_engine.lint import RULES, Target
from policy_engine.model import Condition, Policy, Principal, Statement


def reference(t: Target) -> Iterator[tuple[str, str]]:
    stmts = list(t.statements)
    for i, a, _ in stmts:
        if a.conditions or a.action is None or a.resource is None:
            continue
        for j, b, path in stmts:
            if i == j or b.effect != a.effect or b.action is None or b.resource is None:
                continue
            if (a.principal, a.not_principal) != (b.principal, b.not_principal):
                continue
            actions = all(
                any(glob_match(p, x, ignore_case=True) for p in a.action) for x in b.action
            )
            resources = all(any(glob_match(p, r) for p in a.resource) for r in b.resource)
            if actions and resources and (j > i or b.conditions):
                label = a.sid or f"#{i}"
                yield f"everything this statement grants, statement `{label}` grants too", path
                break


#: Patterns that often imply one another (prefixes, `?`, inner `*`, case, the last
#: code point), and random text of few characters.
_ACTION = st.sampled_from(
    ["*", "s:*", "s:a*", "S:A*", "s:a?*", "s:a*b", "s:*b", "s:a?", "s:a", "s:ab", "s:Ab", "t:a", ""]
) | st.text(alphabet="aB:*?", max_size=5)
_RESOURCE = st.sampled_from(
    ["*", "r/*", "r/a", "R/a", "r/a*", "r/?", "r/a/*", "r/*/a", "\U0010ffff*", "\U0010ffffa", ""]
) | st.text(alphabet="aB/*?\U0010ffff", max_size=5)
_PRINCIPALS = st.sampled_from(
    [
        None,
        None,
        None,
        Principal(wildcard=True),
        Principal(entries=(("AWS", ("111122223333",)),)),
        Principal(entries=(("AWS", ("arn:aws:iam::111122223333:role/r",)),)),
    ]
)
_CONDITION = Condition("Bool", "aws:SecureTransport", ("true",))


@st.composite
def _statements(draw: st.DrawFn) -> Statement:
    actions = draw(st.lists(_ACTION, max_size=3).map(tuple) | st.none())
    resources = draw(st.lists(_RESOURCE, max_size=3).map(tuple) | st.none())
    return Statement(
        effect=draw(st.sampled_from(["Allow", "Deny"])),
        sid=draw(st.none() | st.sampled_from(["A", "B", "C"])),
        action=actions,
        not_action=("x:y",) if actions is None else None,
        resource=resources,
        not_resource=("*",) if resources is None and draw(st.booleans()) else None,
        principal=draw(_PRINCIPALS),
        not_principal=draw(_PRINCIPALS) if draw(st.integers(0, 9)) == 0 else None,
        conditions=(_CONDITION,) if draw(st.booleans()) else (),
    )


@settings(max_examples=max(settings().max_examples, 300))
@given(
    statements=st.lists(_statements(), max_size=12),
    kind=st.sampled_from(["identity", "resource"]),
    listed=st.booleans(),
)
def test_indexed_rule_equals_the_pairwise_reference(
    statements: list[Statement], kind: str, listed: bool
) -> None:
    policy = Policy(tuple(statements), statement_is_list=listed or len(statements) != 1)
    target = Target(policy, {}, kind, "p.json")
    assert list(RULES["PE070"].check(target)) == list(reference(target))


@given(statements=st.lists(_statements(), min_size=1, max_size=6), copies=st.integers(2, 4))
def test_repeated_statements(statements: list[Statement], copies: int) -> None:
    """Equal statements, and statements equal but for conditions, in every order."""
    policy = Policy(tuple(statements * copies))
    target = Target(policy, {}, "identity", "p.json")
    assert list(RULES["PE070"].check(target)) == list(reference(target))


_ACTION_POOL = [
    "*",
    "s:*",
    "s:a*",
    "S:A*",
    "s:a?*",
    "s:a*b",
    "s:*b",
    "s:a?",
    "s:a",
    "s:ab",
    "t:a",
    "",
]
_RESOURCE_POOL = ["*", "r/*", "r/a", "R/a", "r/a*", "r/?", "r/a?*", "r/*/a", "\U0010ffff*", ""]


def test_every_pair_of_patterns() -> None:
    """Each pattern of the pools against each text of the pools, on either side."""
    pairs = [((x,), (y,), ("r",), ("r",)) for x in _ACTION_POOL for y in _ACTION_POOL]
    pairs += [(("s:a",), ("s:a",), (x,), (y,)) for x in _RESOURCE_POOL for y in _RESOURCE_POOL]
    pairs += [((), ("s:a",), ("r",), ("r",)), (("s:a",), (), ("r",), ("r",))]
    pairs += [(("s:a",), ("s:a",), (), ("r",)), (("s:a",), ("s:a",), ("r",), ())]
    reported = 0
    for a_actions, b_actions, a_resources, b_resources in pairs:
        for conditioned in (False, True):
            a = Statement("Allow", action=a_actions, resource=a_resources)
            b = Statement(
                "Allow",
                action=b_actions,
                resource=b_resources,
                conditions=(_CONDITION,) if conditioned else (),
            )
            for order in ((a, b), (b, a)):
                target = Target(Policy(order), {}, "identity", "p.json")
                found = list(RULES["PE070"].check(target))
                assert found == list(reference(target)), order
                reported += bool(found)
    assert reported > 100  # the pools do imply one another
