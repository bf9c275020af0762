"""PE061 memoises its answer per Action list under a spelling of the Resources that
every ARN format of the list answers alike (``shared_spelling``). The memo must never
change an answer: here each answer is compared with a direct reading that spells
nothing and memoises nothing (the whole-string automaton of each format), after the
memo has seen other lists that may share its spelling."""

from __future__ import annotations

import re

from hypothesis import example, given
from hypothesis import strategies as st

from policy_engine._iamdata import iam_data
from policy_engine.lint import _arns
from policy_engine.lint._rules_service import _TypePlan

_ACTION_LISTS = [
    ("s3:GetObject", "s3:PutObject"),
    ("s3:ListBucket",),
    ("s3:GetObject", "s3:ListBucket", "s3:GetAccessPoint"),
    ("dynamodb:GetItem", "dynamodb:Query"),
    ("dynamodb:Query", "dynamodb:DescribeStream"),
    ("logs:CreateLogStream", "logs:PutLogEvents"),
    ("sqs:SendMessage",),
    ("secretsmanager:GetSecretValue",),
    ("ssm:GetParameter", "kms:Decrypt"),
    ("lambda:InvokeFunction", "states:StartExecution"),
    ("s3:GetObjekt", "s3:GetObject"),  # an unknown action beside a known one
    # the one format with adjacent placeholders (``${DomainName}${EncodedPackage...}``)
    ("codeartifact:GetAssociatedPackageGroup",),
]
_HEADS = [
    "arn:aws:s3:::",
    "arn:aws:dynamodb:eu-west-1:111122223333:",
    "arn:aws:logs:eu-west-1:111122223333:",
    "arn:aws:sqs:eu-west-1:111122223333:",
    "arn:aws:secretsmanager:eu-west-1:111122223333:",
    "arn:aws:ssm:eu-west-1:111122223333:",
    "arn:aws:kms:eu-west-1:111122223333:",
    "arn:aws:lambda:eu-west-1:111122223333:",
    "arn:aws:states:*:111122223333:",
    "arn:aws:*:eu-west-1:*:",
    "arn:aws:s3:eu-west-1:111122223333:",
    "arn:aws:codeartifact:eu-west-1:111122223333:package-group/",  # _GROUP
    "",
]
#: Letters and digits of formats and of tenant IDs, separators and wildcards.
_PIECES = st.sampled_from(
    [
        *"abt3019xyz-_./:*?",
        *("table", "index", "stream", "log-group", "accesspoint", "parameter", "secret"),
        *("key", "function", "stateMachine", "tenant-00013", "${aws:username}", "acme"),
    ]
)
_RESOURCE = st.tuples(st.sampled_from(_HEADS), st.lists(_PIECES, max_size=8)).map(
    lambda parts: parts[0] + "".join(parts[1])
)


def _direct(
    actions: tuple[str, ...], resources: tuple[str, ...]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    data = iam_data()
    per_action = [data.formats_of(a) for a in actions]
    formats = {arn for found in per_action if found for arn in found}
    hit_formats: set[str] = set()
    hit: list[bool] = []
    for r in resources:
        took = [f for f in formats if _arns._FormatAutomaton.of(f, tail_only=False).accepts_some(r)]
        hit_formats.update(took)
        hit.append(bool(took))
    no_resource = tuple(
        i
        for i, found in enumerate(per_action)
        if found is not None and hit_formats.isdisjoint(found)
    )
    no_action = tuple(i for i, took in enumerate(hit) if not took) if formats else ()
    return no_resource, no_action


_GROUP = "arn:aws:codeartifact:eu-west-1:111122223333:package-group/"


@example(("codeartifact:GetAssociatedPackageGroup",), (_GROUP + "xy",), (_GROUP + "x",))
@given(
    actions=st.sampled_from(_ACTION_LISTS),
    first=st.lists(_RESOURCE, min_size=1, max_size=3).map(tuple),
    second=st.lists(_RESOURCE, min_size=1, max_size=3).map(tuple),
)
def test_the_memoised_answer_is_the_direct_one(
    actions: tuple[str, ...], first: tuple[str, ...], second: tuple[str, ...]
) -> None:
    plan = _TypePlan.of(actions)
    for resources in (first, second, first):
        assert plan.misses(resources) == _direct(actions, resources), resources


def _min_runs(literals: set[str], cap: int, pattern: str) -> str:
    """The spelling as first written: each run of other characters, cut to ``cap``."""
    if "${" in pattern:
        return pattern
    others = re.compile("[^" + re.escape("".join(sorted(literals | set("/:*?$")))) + "]+")
    return others.sub(lambda m: "\x01" * min(len(m.group()), cap), pattern)


@given(
    literals=st.sets(st.sampled_from(list("abc123/-_.")), max_size=6),
    cap=st.integers(min_value=1, max_value=4),
    pattern=st.lists(st.sampled_from([*"abc123xyz/-_.:*?$", "${x}"]), max_size=14).map("".join),
)
def test_the_spelling_cuts_each_run_to_the_cap(literals: set[str], cap: int, pattern: str) -> None:
    assert _arns.Spelling(literals, cap)(pattern) == _min_runs(literals, cap, pattern)


def test_tenants_share_one_answer() -> None:
    """The reason for the memo: two tenants' copies of a statement spell alike."""
    plan = _TypePlan.of(("s3:GetObject", "s3:PutObject"))
    spell = plan._spell
    assert spell("arn:aws:s3:::docs/tenant-00001/*") == spell("arn:aws:s3:::docs/tenant-00002/*")
    assert spell("arn:aws:s3:::docs/acme/*") != spell("arn:aws:s3:::docs/ac/*")  # a, c named
