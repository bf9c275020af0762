"""`export --tenant`: a silo resource whose name, with the tenant ID in place, the service
would refuse (an `_` in a bucket name, a table name too long...) is refused when the
template is written, naming the resource, the tenant, the name and the rule; not at
deploy time, tenant by tenant."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from policy_engine.catalog import load_catalog
from policy_engine.cli import run
from policy_engine.deploy.export import ExportError, tenant_template
from policy_engine.deploy.names import bucket_problem, name_problem, queue_problem, table_problem

Edit = Callable[[Callable[[str], str]], Path]

# Tenant IDs may hold `_` (fine in table and queue names, refused in bucket names), and a
# premium tenant gets a bucket and a queue of its own beside its orders table.
_LANGUAGE = (
    'alphabet = ["a-z", "0-9", "-"]\nmin_length = 3\nmax_length = 32\n'
    'pattern = "[a-z0-9]+(-[a-z0-9]+)*"',
    'alphabet = ["a-z", "0-9", "-", "_"]\nmin_length = 3\nmax_length = 32\n'
    'pattern = "[a-z0-9_]+(-[a-z0-9_]+)*"',
)
_SILOS = """
[resources.archive]
service = "s3"
arn = "arn:{partition}:s3:::saas-archive-*"
partitions = [
  { arn = "arn:{partition}:s3:::saas-archive-{tenant}" },
  { arn = "arn:{partition}:s3:::saas-archive-{tenant}/*" },
]

[resources.inbox]
service = "sqs"
arn = "arn:{partition}:sqs:{region}:{account_id}:saas-inbox-*"
partitions = [{ arn = "arn:{partition}:sqs:{region}:{account_id}:saas-inbox-{tenant}" }]
"""


def _edit(text: str) -> str:
    assert _LANGUAGE[0] in text
    text = text.replace(*_LANGUAGE)
    text = text.replace(
        '[tiers.premium.resources]\npremium_orders = "silo"',
        '[tiers.premium.resources]\npremium_orders = "silo"\narchive = "silo"\ninbox = "silo"',
    )
    return text.replace("[authorizer]", _SILOS + "\n[authorizer]")


def test_a_bucket_name_the_tenant_makes_invalid_is_refused(catalogue_copy: Edit) -> None:
    catalog = load_catalog(catalogue_copy(_edit))
    with pytest.raises(ExportError) as info:
        tenant_template(catalog, "globex_eu", "premium")
    message = str(info.value)
    assert "`archive`" in message
    assert "`globex_eu`" in message
    assert "`saas-archive-globex_eu`" in message
    assert "`_`" in message


def test_valid_names_are_exported(catalogue_copy: Edit) -> None:
    doc = tenant_template(load_catalog(catalogue_copy(_edit)), "globex-eu", "premium")
    props = {r["Type"]: r["Properties"] for r in doc["Resources"].values()}
    assert props["AWS::S3::Bucket"]["BucketName"] == "saas-archive-globex-eu"
    assert props["AWS::SQS::Queue"]["QueueName"] == "saas-inbox-globex-eu"
    assert props["AWS::DynamoDB::Table"]["TableName"] == "saas-premium-orders-globex-eu"


def test_the_cli_exits_2_with_one_line(catalogue_copy: Edit) -> None:
    root = catalogue_copy(_edit)
    out, err = io.StringIO(), io.StringIO()
    code = run(
        ["export", "--catalog", str(root), "--tenant", "globex_eu", "--tier", "premium"], out, err
    )
    assert code == 2
    assert out.getvalue() == ""
    assert "saas-archive-globex_eu" in err.getvalue()
    assert err.getvalue().count("\n") == 1


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("ab", "3-63"),
        ("a" * 64, "3-63"),
        ("acme_corp", "`_`"),
        ("Acme", "`A`"),
        ("-acme", "begin and end"),
        ("acme.", "begin and end"),
        ("ac..me", "`..`"),
        ("192.168.1.1", "IP address"),
        ("xn--acme", "`xn--`"),
        ("acme-s3alias", "`-s3alias`"),
    ],
)
def test_bucket_rules(name: str, words: str) -> None:
    problem = bucket_problem(name)
    assert problem is not None
    assert words in problem


@pytest.mark.parametrize(
    ("check", "name", "words"),
    [
        (table_problem, "ab", "3-255"),
        (table_problem, "t" * 256, "3-255"),
        (table_problem, "acme/x", "`/`"),
        (queue_problem, "q" * 81, "1-80"),
        (queue_problem, "acme.eu", "`.`"),
        (queue_problem, ".fifo", "nothing before"),
    ],
)
def test_table_and_queue_rules(check: Callable[[str], str | None], name: str, words: str) -> None:
    problem = check(name)
    assert problem is not None
    assert words in problem


@pytest.mark.parametrize(
    ("service", "name"),
    [
        ("s3", "saas-archive-acme-corp"),
        ("s3", "a.b-c"),
        ("dynamodb", "Saas_Orders.v2-acme"),
        ("sqs", "saas-jobs_acme"),
        ("sqs", "saas-jobs-acme.fifo"),
        ("kms", "anything at all"),
    ],
)
def test_valid_names_pass(service: str, name: str) -> None:
    assert name_problem(service, name) is None
