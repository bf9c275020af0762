"""The planned evaluator (service index, plans per action and caller, compiled resource
patterns, bounded caches) decides exactly as the plain route that matches every
statement of every policy in full, on random policies and requests."""

from __future__ import annotations

import importlib
from contextlib import nullcontext
from typing import Any
from unittest import mock

from hypothesis import assume, example, given
from hypothesis import strategies as st

from policy_engine import _glob
from policy_engine.errors import PolicyParseError
from policy_engine.evaluate import Decision, Evaluator, InvalidRequest, Request
from policy_engine.model import policy_from_obj

evaluate_module = importlib.import_module("policy_engine.evaluate")

ACCOUNT = "111122223333"
OTHER = "444455556666"
SESSION = f"arn:aws:sts::{ACCOUNT}:assumed-role/tenant-role/acme"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/tenant-role"
CALLERS = [
    SESSION,
    f"arn:aws:sts::{ACCOUNT}:assumed-role/other-role/globex",
    f"arn:aws:sts::{OTHER}:assumed-role/tenant-role/acme",
    f"arn:aws:sts::{ACCOUNT}:federated-user/carol",
    f"arn:aws:iam::{ACCOUNT}:user/alice",
    f"arn:aws:iam::{ACCOUNT}:root",
    "s3.amazonaws.com",
]
POLICY_ACTIONS = [
    "s3:GetObject",
    "S3:getobject",
    "s3:Get*",
    "s3:*",
    "*",
    "s?:GetObject",
    "*:GetObject",
    "s3:PutObject",
    "sqs:SendMessage",
    "dynamodb:Query",
]
REQUEST_ACTIONS = [
    "s3:GetObject",
    "S3:GETOBJECT",
    "s3:PutObject",
    "s3:ListBucket",
    "sqs:SendMessage",
    "dynamodb:Query",
    "kms:Decrypt",
]
POLICY_RESOURCES = [
    "*",
    "arn:aws:s3:::docs/*",
    "arn:aws:s3:::docs/acme/*",
    "arn:aws:s3:::docs/acme/a.txt",
    "arn:aws:s3:::*/a.txt",
    "arn:aws:s3:::docs/${aws:PrincipalTag/team}/*",
    "arn:aws:s3:::docs/${aws:username, 'nobody'}/*",
    "arn:aws:s3:::docs/*${aws:username}",
    "arn:aws:sqs:*:111122223333:q-*",
    "arn:aws:sqs:eu-west-1:111122223333:q-${aws:username}",
    "arn:aws:dynamodb:eu-west-1:111122223333:table/t",
    "arn:aws:dynamodb:eu-west-1:*:table/?",
    "arn:aws:s3:::docs/${aws:username}/${aws:PrincipalTag/team}/*",
    "arn:aws:s3:::docs/${aws:PrincipalTag/team}",
    "arn:aws:s3:::docs/a%s/*",
]
REQUEST_RESOURCES = [
    "arn:aws:s3:::docs/acme/a.txt",
    "arn:aws:s3:::docs/globex/a.txt",
    "arn:aws:s3:::docs/acme/b",
    "arn:aws:s3:::docs/nobody/x",
    "arn:aws:s3:::other/a.txt",
    "arn:aws:s3:::docs/a:b:x",
    "arn:aws:s3:::docs/ab:x",
    "arn:aws:s3:::docs/abc",
    "arn:aws:sqs:eu-west-1:111122223333:q-acme",
    "arn:aws:sqs:eu-west-1:111122223333:q-alice",
    "arn:aws:dynamodb:eu-west-1:111122223333:table/t",
    "arn:aws:dynamodb:eu-west-1:111122223333:table/u",
    "arn:aws:s3:::docs/alice/acme/x",
    "arn:aws:s3:::docs/acme",
    "arn:aws:s3:::docs/a%s/x",
    "arn:aws:s3:::docs/acme",  # one short of a prefix
    "arn:aws:s3:::docs",
]
CONDITIONS: list[dict[str, Any]] = [
    {"StringEquals": {"aws:PrincipalTag/team": "acme"}},
    {"StringLike": {"s3:prefix": ["acme/*", "x?"]}},
    {"Null": {"aws:PrincipalTag/team": "true"}},
    {"Null": {"s3:prefix": "false"}},
    {"ForAllValues:StringEquals": {"dynamodb:LeadingKeys": ["acme"]}},
    {"ForAnyValue:StringLike": {"k:v": "a*"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"StringNotEquals": {"aws:PrincipalTag/team": "${aws:PrincipalTag/owner}"}},
    {"StringEqualsIfExists": {"aws:username": "alice"}},
    {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/*"}},
    {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
    {"NumericLessThan": {"s3:max-keys": "10"}},
]
PRINCIPALS: list[Any] = [
    "*",
    {"AWS": "*"},
    {"AWS": SESSION},
    {"AWS": ROLE},
    {"AWS": ACCOUNT},
    {"AWS": f"arn:aws:iam::{OTHER}:root"},
    {"AWS": [ROLE, f"arn:aws:iam::{ACCOUNT}:root"]},
    {"AWS": f"arn:aws:iam::{ACCOUNT}:role/tenant-*"},
    {"Service": "s3.amazonaws.com"},
]
CONTEXT_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "aws:PrincipalTag/team": st.sampled_from(["acme", "globex", ""]),
    "aws:PrincipalTag/owner": st.sampled_from(["acme", "globex"]),
    "aws:username": st.sampled_from(["alice", "acme", "nobody", ":x", "x", "a.c"]),
    "s3:prefix": st.sampled_from(["acme/", "acme/x", "xy", "globex/"]),
    "dynamodb:LeadingKeys": st.lists(st.sampled_from(["acme", "globex"]), max_size=2),
    "k:v": st.lists(st.sampled_from(["ab", "b", "a"]), max_size=2),
    "aws:SecureTransport": st.booleans(),
    "s3:max-keys": st.sampled_from([5, "20", "x"]),
}


def one_or_many(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(values), st.lists(st.sampled_from(values), min_size=1, max_size=3)
    )


@st.composite
def statements(draw: st.DrawFn, *, resource_policy: bool) -> dict[str, Any]:
    effect = draw(st.sampled_from(["Allow", "Deny"]))
    out: dict[str, Any] = {"Effect": effect}
    if draw(st.integers(0, 4)) == 0:
        out["Sid"] = draw(st.sampled_from(["A", "B"]))
    out["NotAction" if draw(st.integers(0, 5)) == 0 else "Action"] = draw(
        one_or_many(POLICY_ACTIONS)
    )
    if not resource_policy or draw(st.booleans()):
        key = "NotResource" if draw(st.integers(0, 5)) == 0 else "Resource"
        out[key] = draw(one_or_many(POLICY_RESOURCES))
    if resource_policy and draw(st.integers(0, 5)) != 0:
        negated = effect == "Deny" and draw(st.integers(0, 3)) == 0
        out["NotPrincipal" if negated else "Principal"] = draw(st.sampled_from(PRINCIPALS))
    conditions = draw(st.lists(st.sampled_from(CONDITIONS), max_size=2))
    if conditions:
        merged: dict[str, Any] = {}
        for c in conditions:
            for op, body in c.items():
                merged.setdefault(op, {}).update(body)
        out["Condition"] = merged
    return out


@st.composite
def policies(draw: st.DrawFn, *, resource_policy: bool = False) -> Any:
    version = draw(st.sampled_from(["2012-10-17", "2012-10-17", "2008-10-17"]))
    body = draw(st.lists(statements(resource_policy=resource_policy), min_size=1, max_size=4))
    return policy_from_obj({"Version": version, "Statement": body})


@st.composite
def requests(draw: st.DrawFn) -> Request:
    resource = draw(
        st.one_of(
            st.sampled_from(REQUEST_RESOURCES),
            # never-seen resources: a fresh object name under a known prefix
            st.builds(
                lambda prefix, name: prefix + name,
                st.sampled_from(
                    [
                        "arn:aws:s3:::docs/acme/",
                        "arn:aws:s3:::docs/",
                        "arn:aws:s3:::docs/alice/acme/",
                        "",
                    ]
                ),
                st.text("abc/*?:$%", max_size=6),
            ),
        )
    )
    keys = draw(st.lists(st.sampled_from(sorted(CONTEXT_VALUES)), max_size=4, unique=True))
    context = {k: draw(CONTEXT_VALUES[k]) for k in keys}
    return Request(
        draw(st.sampled_from(REQUEST_ACTIONS)),
        resource,
        context,
        principal=draw(st.sampled_from(CALLERS)),
        resource_account=draw(st.sampled_from([None, ACCOUNT, OTHER])),
    )


def by_parts(evaluator: Evaluator) -> Any:
    """:meth:`Evaluator.decide` given the parts of ``request`` (context as given)."""

    def decide(request: Request) -> Decision:
        return evaluator.decide(
            request.action,
            request.resource,
            request.context,
            request.principal,
            request.resource_account,
        )

    return decide


def outcome(decide: Any, request: Request) -> Decision | str:
    try:
        decision: Decision = decide(request)
    except InvalidRequest as exc:
        return f"refused: {exc}"
    return decision


@given(
    identity=st.lists(policies(), max_size=2),
    session=st.lists(policies(), max_size=1),
    boundary=st.lists(policies(), max_size=1),
    resource=st.lists(policies(resource_policy=True), max_size=2),
    stream=st.lists(requests(), min_size=1, max_size=8),
    tiny_caches=st.booleans(),
)
@example(  # a plan with two checks, of which only the second applies
    identity=[
        policy_from_obj(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::docs/acme/*"},
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::*/a.txt",
                    },
                ],
            }
        )
    ],
    session=[],
    boundary=[],
    resource=[],
    stream=[Request("s3:GetObject", "arn:aws:s3:::docs/globex/a.txt", principal=SESSION)],
    tiny_caches=False,
)
@example(  # one pattern with one variable (inlined), asked by two principals in turn,
    # then cross-account by the first: the per-action last plan must not leak between them
    identity=[
        policy_from_obj(
            {
                "Version": "2012-10-17",
                "Statement": {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::docs/${aws:username, 'nobody'}/*",
                },
            }
        )
    ],
    session=[],
    boundary=[],
    resource=[],
    stream=[
        Request("s3:GetObject", "arn:aws:s3:::docs/nobody/a", principal=SESSION),
        Request(
            "s3:GetObject",
            "arn:aws:s3:::docs/alice/a",
            {"aws:username": ["alice", "x"]},
            principal=SESSION,
        ),
        Request("s3:GetObject", "arn:aws:s3:::docs/alice/a", principal=CALLERS[4]),
        Request("s3:GetObject", "arn:aws:s3:::docs/nobody/a", principal=CALLERS[4]),
        Request("s3:GetObject", "arn:aws:s3:::docs/nobody/a", principal=SESSION),
        Request(
            "s3:GetObject",
            "arn:aws:s3:::docs/nobody/a",
            principal=SESSION,
            resource_account=OTHER,
        ),
    ],
    tiny_caches=False,
)
@example(  # a prefix statement, then a pattern with variables (its head tested first)
    identity=[
        policy_from_obj(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::docs/acme/*"},
                    {
                        "Effect": "Deny",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::docs/${aws:PrincipalTag/team}/*",
                    },
                ],
            }
        )
    ],
    session=[],
    boundary=[],
    resource=[],
    stream=[
        Request("s3:GetObject", "arn:aws:s3:::docs/acme/a", principal=SESSION),
        Request(
            "s3:GetObject",
            "arn:aws:s3:::docs/acme/a",
            {"aws:PrincipalTag/team": "acme"},
            principal=SESSION,
        ),
        Request(
            "s3:GetObject",
            "arn:aws:s3:::docs/globex/a",
            {"aws:PrincipalTag/team": "globex"},
            principal=SESSION,
        ),
        Request("s3:GetObject", "arn:aws:s3:::doc", principal=SESSION),
    ],
    tiny_caches=False,
)
@example(  # two checks, the first not a prefix test: each of the four outcomes met
    identity=[
        policy_from_obj(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::docs/acme/*",
                        "Condition": {"StringEquals": {"aws:username": "alice"}},
                    },
                    {
                        "Effect": "Deny",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::docs/*/a.txt",
                    },
                ],
            }
        )
    ],
    session=[],
    boundary=[],
    resource=[],
    stream=[
        Request("s3:GetObject", "arn:aws:s3:::docs/acme/b", {"aws:username": "alice"}),
        Request("s3:GetObject", "arn:aws:s3:::docs/acme/a.txt", {"aws:username": "alice"}),
        Request("s3:GetObject", "arn:aws:s3:::docs/globex/a.txt", {"aws:username": "alice"}),
        Request("s3:GetObject", "arn:aws:s3:::docs/acme/b", {"aws:username": "bob"}),
    ],
    tiny_caches=False,
)
def test_planned_evaluation_equals_the_plain_route(
    identity: list[Any],
    session: list[Any],
    boundary: list[Any],
    resource: list[Any],
    stream: list[Request],
    tiny_caches: bool,
) -> None:
    try:
        evaluator = Evaluator.of(
            identity=identity, session=session, boundary=boundary, resource=resource
        )
    except PolicyParseError:
        assume(False)
        raise
    tiny = mock.patch.multiple(
        evaluate_module, PLAN_CACHE_SIZE=2, SERVICE_PLAN_CACHE_SIZE=1, OUTCOME_CACHE_SIZE=1
    )
    with tiny if tiny_caches else nullcontext():
        for request in [*stream, *stream]:  # the second pass meets warm caches
            plain = outcome(evaluator.evaluate_uncached, request)
            assert outcome(evaluator.evaluate, request) == plain, request
            assert outcome(by_parts(evaluator), request) == plain, request


@given(
    text=st.lists(
        st.sampled_from(["a", "b", ":", "/", ".", "*", "?", "${k:one}", "${k:two, ':d'}", "${*}"]),
        max_size=8,
    ).map("".join),
    star=st.sampled_from(["any", "arn", "segment"]),
    ignore_case=st.booleans(),
    one=st.one_of(st.none(), st.text("ab:.*$", max_size=3), st.lists(st.just("a"), max_size=2)),
    two=st.one_of(st.none(), st.text("ab:.*$", max_size=3)),
)
@example(text="a*${k:one}", star="arn", ignore_case=False, one=":b", two=None)
@example(text="a*${k:one}", star="arn", ignore_case=False, one="b", two=None)
def test_a_filled_template_is_the_resolved_pattern(
    text: str, star: Any, ignore_case: bool, one: Any, two: str | None
) -> None:
    """Variables filled into a prepared template give the regex that resolving the
    tokens and compiling them gives (the plain route)."""
    context = {
        key: (tuple(v), True) if isinstance(v, list) else ((v,), False)
        for key, v in (("k:one", one), ("k:two", two))
        if v is not None and v != []
    }
    tokens = _glob.tokenize(text, variables=True, wildcards=True)
    resolved = _glob.resolve(tokens, _glob.context_lookup(context))
    filled = _glob.fill(_glob.template(tokens, star, ignore_case=ignore_case), context)
    if resolved is None:
        assert filled is None
    else:
        expected = _glob.to_regex(resolved, star, ignore_case=ignore_case)
        assert filled is not None
        assert (filled.pattern, filled.flags) == (expected.pattern, expected.flags)


STRING_OPERATORS = [
    "StringEquals",
    "StringNotEquals",
    "StringEqualsIgnoreCase",
    "StringNotEqualsIgnoreCase",
    "StringLike",
    "StringNotLike",
]


@given(
    base=st.sampled_from(STRING_OPERATORS),
    raws=st.lists(
        st.one_of(
            st.text("aAbB*?:", max_size=4),
            st.sampled_from(["${k:one}", "a${k:one}*", "${k:two, 'B'}", "${*}b", "\u0130"]),
        ),
        max_size=4,
    ),
    value=st.one_of(st.text("aAbB*?:\u0130i", max_size=4)),
    one=st.one_of(st.none(), st.text("aAb*", max_size=2)),
    variables=st.booleans(),
)
@example(base="StringNotLike", raws=["a*", "b"], value="ab", one=None, variables=False)
@example(base="StringLike", raws=["a*", "b"], value="ab", one=None, variables=False)
@example(base="StringLike", raws=["a*", "b?"], value="bb", one=None, variables=True)
def test_string_values_prepared_together_match_one_by_one(
    base: str, raws: list[str], value: str, one: str | None, variables: bool
) -> None:
    """A String* operator's values prepared as one set and one pattern match as the
    values tested one by one (OR; NOR when negated)."""
    from policy_engine import _conditions

    context = {"k:one": ((one,), False)} if one is not None else {}
    together = _conditions._string_values(base, tuple(raws), variables=variables)
    one_by_one = _conditions._any_value(
        [_conditions._value_test(base, r, variables=variables, path="$") for r in raws],
        negated=base in _conditions.NEGATED,
    )
    assert together(value, context) == one_by_one(value, context)


PATTERN_PIECES = ["a", "b", ":", "/", "%", "%s", "*", "?", "${k:one}", "${k:two, ':d'}", "${*}"]
CONTEXT_TEXT = st.text("ab:/%*", max_size=3)


@st.composite
def pattern_and_value(draw: st.DrawFn) -> tuple[str, str]:
    """An IAM pattern and a value that often matches it: the pattern's pieces with each
    wildcard and variable replaced by a random text, then at times a random suffix."""
    pieces = draw(st.lists(st.sampled_from(PATTERN_PIECES), max_size=8))
    filler = {"*": st.text("ab:/", max_size=3), "?": st.text("ab:/", min_size=1, max_size=1)}
    value = "".join(
        draw(filler[piece]) if piece in filler else draw(CONTEXT_TEXT) if "${k" in piece else piece
        for piece in pieces
    )
    if draw(st.booleans()):
        value += draw(st.text("ab:/%", max_size=3))
    return "".join(pieces), value.replace("${*}", "*")


@given(
    pattern_value=pattern_and_value(),
    star=st.sampled_from(["any", "arn", "segment"]),
    ignore_case=st.booleans(),
    one=st.one_of(st.none(), CONTEXT_TEXT, st.lists(st.just("a"), max_size=2)),
    two=st.one_of(st.none(), CONTEXT_TEXT),
)
@example(pattern_value=("b/${k:one}/*", "b/a/x"), star="arn", ignore_case=False, one="a", two=None)
@example(pattern_value=("${k:one}%s*", "a%sx"), star="any", ignore_case=False, one="a", two=None)
@example(pattern_value=("q-${k:one}", "q-ax"), star="arn", ignore_case=False, one="a", two=None)
@example(
    pattern_value=("${k:one}/${k:two, ':d'}/*", "a/b/x"),
    star="arn",
    ignore_case=False,
    one="a",
    two="b",
)
@example(
    pattern_value=("${k:one}/${k:two, ':d'}", "a/:dx"),
    star="arn",
    ignore_case=False,
    one="a",
    two=None,
)
@example(
    pattern_value=("${k:one}:${k:two, ':d'}", "a::d"),
    star="arn",
    ignore_case=False,
    one="a",
    two=None,
)
def test_a_template_matcher_decides_as_the_resolved_pattern(
    pattern_value: tuple[str, str], star: Any, ignore_case: bool, one: Any, two: str | None
) -> None:
    """The prepared matcher of a template (a text compare or prefix test where the
    pattern allows one, else the filled regex) decides as resolving the variables and
    matching the compiled pattern (the plain route); ``None`` where a variable has no
    value."""
    text, value = pattern_value
    context = {
        key: (tuple(v), True) if isinstance(v, list) else ((v,), False)
        for key, v in (("k:one", one), ("k:two", two))
        if v is not None and v != []
    }
    tokens = _glob.tokenize(text, variables=True, wildcards=True)
    assume(_glob.has_variables(tokens))
    tp = _glob.template(tokens, star, ignore_case=ignore_case)
    resolved = _glob.resolve(tokens, _glob.context_lookup(context))
    expected = (
        None
        if resolved is None
        else _glob.to_regex(resolved, star, ignore_case=ignore_case).fullmatch(value) is not None
    )
    assert _glob.matcher(tp)(value, context) == expected


@given(
    pattern_value=pattern_and_value(),
    star=st.sampled_from(["any", "arn", "segment"]),
    ignore_case=st.booleans(),
)
@example(pattern_value=("a:b*", "a:b:c"), star="arn", ignore_case=False)
@example(pattern_value=("a:b*", "a:b:c"), star="segment", ignore_case=False)
@example(pattern_value=("a%b*", "a%bc"), star="any", ignore_case=False)
def test_a_literal_prefix_matches_as_its_pattern(
    pattern_value: tuple[str, str], star: Any, ignore_case: bool
) -> None:
    """Where a pattern is a literal prefix test, ``str.startswith`` decides as its
    regex (variables are not substituted here: they are literal text)."""
    text, value = pattern_value
    tokens = _glob.tokenize(text, variables=False, wildcards=True)
    prefix = _glob.literal_prefix(tokens, star, ignore_case=ignore_case)
    regex = _glob.to_regex(tokens, star, ignore_case=ignore_case)
    if prefix is not None:
        assert value.startswith(prefix) == (regex.fullmatch(value) is not None)
    for candidate in (value, text):  # a prefix is found for every `L*` but `segment` mode
        if not ignore_case and star != "segment" and candidate.endswith("*"):
            shape = _glob.tokenize(candidate, variables=False, wildcards=True)
            if _glob.literal_text(shape[:-1]) is not None:
                assert _glob.literal_prefix(shape, star, ignore_case=False) is not None


@given(
    resources=st.lists(
        st.sampled_from(POLICY_RESOURCES + REQUEST_RESOURCES), min_size=1, max_size=3
    ),
    negate=st.booleans(),
    conditions=st.lists(st.sampled_from(CONDITIONS), max_size=3),
    request=requests(),
    version=st.sampled_from(["2012-10-17", "2008-10-17"]),
)
@example(
    resources=["arn:aws:s3:::docs/acme/a.txt"],
    negate=False,
    conditions=[
        {"StringEquals": {"aws:PrincipalTag/team": "acme"}},
        {"StringEquals": {"aws:PrincipalAccount": ACCOUNT}},
    ],
    request=Request(
        "s3:GetObject",
        "arn:aws:s3:::docs/acme/a.txt",
        {"aws:PrincipalTag/team": "acme"},
        principal=f"arn:aws:sts::{OTHER}:assumed-role/tenant-role/acme",
    ),
    version="2012-10-17",
)
@example(
    resources=["arn:aws:s3:::docs/acme/*"],
    negate=False,
    conditions=[],
    request=Request("s3:GetObject", "arn:aws:s3:::docs/acme"),
    version="2012-10-17",
)
@example(
    resources=["arn:aws:s3:::docs/${aws:username}/${aws:PrincipalTag/team}/*"],
    negate=True,
    conditions=[{"Null": {"s3:prefix": "false"}}],
    request=Request(
        "s3:GetObject",
        "arn:aws:s3:::docs/alice/acme/x",
        {"aws:username": "alice", "aws:PrincipalTag/team": "acme", "s3:prefix": "a"},
    ),
    version="2012-10-17",
)
def test_a_prepared_statement_check_applies_as_the_plain_match(
    resources: list[str],
    negate: bool,
    conditions: list[dict[str, Any]],
    request: Request,
    version: str,
) -> None:
    """The check a plan runs for a statement (its resource element and conditions
    prepared as one test, in whichever shape) says what the plain match of the
    statement says, for a statement whose action matches."""
    from policy_engine.evaluate import compile_policy

    body: dict[str, Any] = {
        "Effect": "Allow",
        "Action": "*",
        "NotResource" if negate else "Resource": resources,
    }
    merged: dict[str, Any] = {}
    for c in conditions:
        for op, keys in c.items():
            merged.setdefault(op, {}).update(keys)
    if merged:
        body["Condition"] = merged
    try:
        policy = policy_from_obj({"Version": version, "Statement": [body]})
        (statement,) = compile_policy(policy).statements
    except PolicyParseError:
        assume(False)
        raise
    applies = statement.probe.check(request.resource, request.normalised)
    assert bool(applies) == statement.applies(request)
