"""Attack review 12 of the isolation proof (branch h11-proof2): variants of the classes
rounds 11 and 11b fixed.

01. A grant to ``*`` pinned, as its author meant, to the tier role by a *pattern* on
    ``aws:PrincipalArn`` that a principal of another account also matches:
    ``StringLike`` ``*:role/saas-web`` (or ``*/saas-web``, ``*saas-web``,
    ``arn:aws:iam::*role/saas-web``), or an account pattern inside the ARN
    (``ArnLike arn:aws:iam::1111*:role/saas-web``). Round 11b's outsider probe
    (``_beyond._outsider_contexts``) moved a six-part value into another account and
    filled ``aws:PrincipalAccount`` patterns, but read a value of fewer parts as naming
    nobody and ignored an account pattern inside the ARN: with the grant reading the
    caller's ``TenantId`` tag (``docs/${aws:PrincipalTag/TenantId}/*``) the tier proved,
    while a role ``saas-web`` in the tenant's own account, tagged ``TenantId=globex``,
    meets the condition and reads globex's prefix. IAM User Guide, "Condition
    operators": ``StringLike`` values "can include multi-character match wildcards (*)
    ... anywhere in the string"; "AWS global condition context keys",
    ``aws:PrincipalArn`` (a role session's value is the role's ARN) and
    ``aws:PrincipalTag`` (the role's tags and the session tags its caller passes);
    "Cross-account policy evaluation logic" (the resource policy and the caller's own
    account's policies, which the tenant writes). The probe now proposes, for every
    value, the principal ARNs (and accounts) of another account it may match however
    its wildcards fall (``_beyond._outsider_arns``); values that write every digit of
    the account (this account, a named partner) propose none.

02. A ``shared`` declaration of executions (``execution:*``) beside a state machine per
    tenant (``stateMachine:orders-{tenant}``): round 11's views check
    (``_search.views_of_partitions``) reads a tenant's views only as suffixes of its ARN
    (``stateMachine:orders-acme:*``, versions and aliases), never its runs, whose ARNs
    are of other types (``execution:SM:ID``, a Map Run's ``execution:SM/LABEL:ID``,
    ``express:...``, ``mapRun:SM/LABEL:ID``). The shared declaration was taken and a
    session's ``DescribeExecution`` on ``execution:*`` proved, while it reads globex's
    runs: DescribeExecution "provides information about a state machine execution, such
    as the state machine associated with the execution, the execution input and output"
    (AWS CLI reference, ``stepfunctions describe-execution``), authorised on the
    execution's ARN (Service Authorization Reference, Step Functions, resource types
    ``execution``, ``express``, ``mapRun``). Such a declaration is no longer taken
    (``_search.CHILD_FORMS``); executions of a shared state machine still are.

03. The round-11 closure of listing prefixes (``value = "{tenant}/"`` read as
    ``"{tenant}/*"``) lived in the catalogue loader only: ``check_isolation`` with a model
    built in Python kept the exact value and proved a listing of ``globex/2026/``. The
    closure now lives in ``Partition`` (``catalog.LISTING_PREFIX_KEYS``).

04. A ``shared`` DynamoDB table of another account that is the pooled table's replica:
    multi-account global tables "replicate data across AWS Regions and accounts", each
    replica in a separate account (DynamoDB Developer Guide, "How DynamoDB global tables
    work"). Round 11's replica check kept the pooled table's account, so the replica in
    a disaster-recovery account was taken as shared and a Scan of it proved. For
    DynamoDB a replica's account is now any account (``_search.REPLICATED_ACROSS_ACCOUNTS``).

Each leaky case has a sound twin the proof must still prove. The requests come from
another account, which the project's evaluator does not model: the leaky tests show
the tier is never ``proved`` (02's are also shown allowed by the project's evaluator).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _attack_helpers import (
    ACCT,
    DOCS,
    DOCS_OBJECTS,
    REGION,
    allowed,
    check,
    doc,
    orders,
    said,
    stmt,
)

from policy_engine.catalog import Partition, ResourceSpec, load_catalog
from policy_engine.isolation import check_catalog
from policy_engine.isolation._beyond import _outsider_arns
from policy_engine.isolation._search import views_of_partitions
from policy_engine.render import TENANT_MARKER as T

CASES = Path(__file__).resolve().parents[1] / "cases" / "attack12"

# -- 01: a grant to `*` pinned by a principal-ARN pattern outsiders match -----------------

OWN_DOCS = doc(stmt("s3:GetObject", f"{DOCS}/{T}/*"))
ROLE_DOCS = doc(stmt("s3:GetObject", f"{DOCS}/*"))
TAGGED_PREFIX = f"{DOCS}/${{aws:PrincipalTag/TenantId}}/*"


def tag_keyed(condition: dict[str, Any]) -> dict[str, Any]:
    return doc(
        {
            "Sid": "OwnPrefix",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": TAGGED_PREFIX,
            "Condition": condition,
        }
    )


LEAKY_01 = {
    "role name after any text": {"StringLike": {"aws:PrincipalArn": "*:role/tenant-role"}},
    "role name after a slash": {"StringLike": {"aws:PrincipalArn": "*/tenant-role"}},
    "name suffix": {"StringLike": {"aws:PrincipalArn": "*tenant-role"}},
    "star over the account": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::*role/tenant-role"}},
    "account prefix in an ARN": {
        "ArnLike": {"aws:PrincipalArn": "arn:aws:iam::1111*:role/tenant-role"}
    },
    "one digit free": {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCT[:-1]}?:role/*"}},
    "account prefix, StringLike": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::1111*"}},
}


@pytest.mark.parametrize("label", sorted(LEAKY_01))
def test_01_a_grant_to_everyone_pinned_by_an_arn_pattern_outsiders_match(label: str) -> None:
    result = check(
        OWN_DOCS,
        [DOCS_OBJECTS],
        roles=[ROLE_DOCS],
        resource_policies={"documents": tag_keyed(LEAKY_01[label])},
    )
    assert result.status == "unknown", (label, said(result))
    assert any(
        u.statement is not None and u.statement.sid == "OwnPrefix" and "`*`" in u.construct
        for u in result.unknown
    ), (label, said(result))


SOUND_01 = {
    "the tier role": {"ArnLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCT}:role/tenant-role"}},
    "this account's roles": {"StringLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCT}:role/*"}},
    "this account, StringLike": {"StringLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCT}:*"}},
    # IgnoreCase takes no wildcard: a literal `*` is in no principal's ARN
    "a literal star": {
        "StringEqualsIgnoreCase": {"aws:PrincipalArn": "arn:aws:iam::*:role/tenant-role"}
    },
}


@pytest.mark.parametrize("label", sorted(SOUND_01))
def test_01_twin_a_grant_pinned_to_this_accounts_principals_is_proved(label: str) -> None:
    result = check(
        OWN_DOCS,
        [DOCS_OBJECTS],
        roles=[ROLE_DOCS],
        resource_policies={"documents": tag_keyed(SOUND_01[label])},
    )
    assert result.status == "proved", (label, said(result))


def test_01_the_probe_proposes_outsiders_only_where_the_account_is_left_free() -> None:
    assert "arn:aws:iam::999999999999:role/x" in _outsider_arns("*:role/x", "StringLike", ACCT)
    assert _outsider_arns(f"arn:aws:iam::{ACCT}:role/*", "ArnLike", ACCT) == []
    assert _outsider_arns("444455556666", "StringEquals", ACCT, accounts_only=True) == []
    assert _outsider_arns("4444*", "StringLike", ACCT, accounts_only=True) == ["444499999999"]
    # a free digit is filled unlike this account's
    assert _outsider_arns(f"{ACCT[:-1]}?", "StringLike", ACCT, accounts_only=True) == [
        ACCT[:-1] + "9"
    ]


# -- the reproducers ----------------------------------------------------------------------

FOLDERS = sorted(str(p.parent.relative_to(CASES)) for p in CASES.rglob("catalog.toml"))


def test_the_reproducers_are_all_here() -> None:
    assert len(FOLDERS) >= 1
    tops = {f.split("/")[0] for f in FOLDERS}
    assert tops == {p.name for p in CASES.iterdir() if p.is_dir()}


@pytest.mark.parametrize("folder", FOLDERS)
def test_no_reproducer_under_attack12_is_proved(folder: str) -> None:
    results = check_catalog(load_catalog(CASES / folder))
    assert results, folder
    assert any(r.status != "proved" for r in results.values()), folder


# -- 02: `shared` executions of per-tenant state machines ----------------------------------

SFN = f"arn:aws:states:{REGION}:{ACCT}:"
MACHINES = ResourceSpec(
    "machines",
    "states",
    SFN + "stateMachine:orders-*",
    (Partition(arn=SFN + "stateMachine:orders-{tenant}"),),
)
OWN_MACHINE = stmt(["states:StartExecution"], SFN + f"stateMachine:orders-{T}")


#: a shared declaration and a run of globex's state machine it names
RUNS_OF_GLOBEX = {
    "execution:*": "execution:orders-globex:run-1",
    "execution:orders-*": "execution:orders-globex:run-1",
    # a child execution of a Map Run (its label after the state machine's name)
    "execution:*/*": "execution:orders-globex/fanout:run-1",
    "express:*": "express:orders-globex/fanout:run-1:x",
    "mapRun:*": "mapRun:orders-globex/fanout:run-1",
    "*": "execution:orders-globex:run-1",
}
ACTION_ON = {"mapRun:*": "states:DescribeMapRun"}


@pytest.mark.parametrize("children", sorted(RUNS_OF_GLOBEX))
@pytest.mark.parametrize("action", ["states:DescribeExecution", "states:GetExecutionHistory"])
def test_02_shared_runs_of_a_tenants_state_machine_are_not_proved(
    children: str, action: str
) -> None:
    action = ACTION_ON.get(children, action)
    history = ResourceSpec("history", "states", SFN + children, (), shared=True)
    session = doc(OWN_MACHINE, stmt(action, SFN + children))
    # acme's session reads a run of globex's state machine: its input and output
    assert allowed(session, "acme", action, SFN + RUNS_OF_GLOBEX[children])
    result = check(session, [MACHINES, history])
    assert result.status != "proved", said(result)


def test_02_twin_runs_of_a_shared_state_machine_are_proved() -> None:
    """Executions of a platform state machine (`reports`, shared) are no tenant's, and
    a tenant's own runs in its partition prove."""
    reports = ResourceSpec("reports", "states", SFN + "stateMachine:reports", (), shared=True)
    history = ResourceSpec("history", "states", SFN + "execution:reports:*", (), shared=True)
    runs = ResourceSpec(
        "runs",
        "states",
        SFN + "execution:orders-*",
        (Partition(arn=SFN + "execution:orders-{tenant}:*"),),
    )
    session = doc(
        OWN_MACHINE,
        stmt("states:DescribeExecution", SFN + "execution:reports:*"),
        stmt("states:DescribeExecution", SFN + f"execution:orders-{T}:*"),
    )
    result = check(session, [MACHINES, reports, history, runs])
    assert result.status == "proved", said(result)
    assert views_of_partitions([MACHINES, history]) == [MACHINES, history]


# -- 03: a listing-prefix partition made in Python, not by the loader ----------------------

SLASH = Partition(condition_key="s3:prefix", value="{tenant}/")
SLASHED_DOCS = ResourceSpec("documents", "s3", DOCS, (Partition(arn=DOCS + "/{tenant}/*"), SLASH))


def test_03_a_slash_prefix_partition_built_in_python_is_read_closed_upward() -> None:
    """The round-11 fix read ``value = "{tenant}/"`` as ``"{tenant}/*"`` in the catalogue
    loader only; ``check_isolation`` (the documented Python API, which takes a resource
    model of ``ResourceSpec``/``Partition``) kept the exact value, and a session policy
    letting acme list ``globex/2026/`` (every key of globex under ``2026/``) proved. S3
    lists the keys that begin with the prefix (``Prefix``: "Limits the response to keys
    that begin with the specified prefix", S3 API reference, ListObjectsV2). The closure
    now lives in ``Partition`` itself."""
    assert SLASH.value == "{tenant}/*"
    listing = {"StringLike": {"s3:prefix": [f"{T}/", f"{T}/*", "globex/2026/"]}}
    session = doc(stmt("s3:ListBucket", DOCS, listing))
    assert allowed(session, "acme", "s3:ListBucket", DOCS, {"s3:prefix": "globex/2026/"})
    result = check(session, [SLASHED_DOCS])
    assert result.status == "violation", said(result)
    assert any(v.context.get("s3:prefix") == "globex/2026/" for v in result.violations)


def test_03_twin_the_tenants_own_listing_on_that_model_is_proved() -> None:
    listing = {"StringLike": {"s3:prefix": [f"{T}/", f"{T}/*"]}}
    result = check(doc(stmt("s3:ListBucket", DOCS, listing)), [SLASHED_DOCS])
    assert result.status == "proved", said(result)
    # any other key keeps its value as written
    assert Partition(condition_key="dynamodb:LeadingKeys", value="{tenant}").value == "{tenant}"


# -- 04: a `shared` table of another account holding a global table's replica ------------

DR = "arn:aws:dynamodb:us-east-2:444455556666:table/"


@pytest.mark.parametrize("action", ["dynamodb:Scan", "dynamodb:GetItem"])
@pytest.mark.parametrize("region", ["us-east-2", REGION])
def test_04_a_shared_table_of_another_account_may_be_a_replica(action: str, region: str) -> None:
    replica = DR.replace("us-east-2", region) + "orders"
    shared = ResourceSpec("dr", "dynamodb", replica, (), shared=True)
    session = doc(stmt(action, replica))
    assert allowed(session, "acme", action, replica, {"dynamodb:LeadingKeys": ["globex"]})
    result = check(session, [orders(), shared])
    assert result.status != "proved", said(result)


def test_04_twin_another_table_of_that_account_is_proved() -> None:
    shared = ResourceSpec("dr", "dynamodb", DR + "products", (), shared=True)
    result = check(doc(stmt("dynamodb:Scan", DR + "products")), [orders(), shared])
    assert result.status == "proved", said(result)
