"""Attack review of the isolation proof: each test is one class of false `proved`.

Every test first shows, with the project's own evaluator and independently of the
checker, that a concrete request by tenant A on tenant B's partition (or a key-less
request on a pooled resource) is allowed; then it asserts the correct behaviour of the
checker: the tier is never `proved`. On the reviewed code these tests fail.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _attack_helpers import (
    ACCT,
    DOCS_OBJECTS,
    JOBS,
    LANG,
    QUEUE,
    TABLE,
    check,
    doc,
    orders,
    shown,
    stmt,
)
from _attack_helpers import DOCS as BUCKET
from _attack_helpers import DOCS_AND_LISTING as DOCS

from policy_engine.catalog import Partition, ResourceSpec, load_catalog
from policy_engine.evaluate import Evaluator, Request, compile_policy
from policy_engine.isolation import (
    as_tenant,
    check_tier,
    effective_evaluator,
)
from policy_engine.model import policy_from_obj
from policy_engine.render import TENANT_MARKER as T
from policy_engine.render import substitute
from policy_engine.tenancy import TenantIdLanguage

ORDERS = orders()


def allowed(
    session: dict[str, Any],
    tenant: str,
    action: str,
    resource: str,
    context: dict[str, Any] | None = None,
    *,
    roles: Sequence[dict[str, Any]] = (),
    tier: str = "t",
) -> bool:
    """The project's evaluator, independent of the checker: tenant ``tenant``'s role
    policies (allow-all when none) and its rendered session policy, with the session
    tags vending sets (this round's requests name no principal, unlike the shared
    :func:`_attack_helpers.allowed`)."""
    allow_all = compile_policy(policy_from_obj(doc(stmt("*", "*"))), name="r")
    identity = tuple(
        compile_policy(policy_from_obj(r), name=f"r{i}") for i, r in enumerate(roles)
    ) or (allow_all,)
    evaluator = Evaluator(
        identity,
        (compile_policy(policy_from_obj(substitute(session, tenant)), name="s", kind="session"),),
    )
    ctx = dict(context or {})
    ctx["aws:PrincipalTag/TenantId"] = tenant
    ctx["aws:PrincipalTag/Tier"] = tier
    return evaluator.evaluate(Request(action, resource, ctx)).allowed


# -- 1: a plain negated Deny on a multivalued partition key read as a fence ------------------


def test_plain_string_not_equals_deny_on_leading_keys_is_no_fence() -> None:
    # The Deny's plain (set-less) operator is false for a multivalued request value
    # (the evaluator: "a multivalued request value under an operator without a set
    # prefix: false"), so it never applies to a Query; the checker turns it into the
    # positive `StringEquals` fence and proves the tier.
    session = doc(
        stmt(["dynamodb:GetItem", "dynamodb:Query"], TABLE),
        stmt("dynamodb:*", TABLE, {"StringNotEquals": {"dynamodb:LeadingKeys": [T]}}, "Deny"),
    )
    # A Query always carries LeadingKeys, a set (ArrayOfString): here B's key only.
    assert allowed(session, "acme", "dynamodb:Query", TABLE, {"dynamodb:LeadingKeys": ["globex"]})
    result = check(session, [ORDERS])
    assert result.status != "proved", shown(result)


def test_plain_string_not_equals_if_exists_deny_on_leading_keys_is_no_fence() -> None:
    session = doc(
        stmt("dynamodb:Query", TABLE),
        stmt(
            "dynamodb:*",
            TABLE,
            {"StringNotEqualsIfExists": {"dynamodb:LeadingKeys": [T]}},
            "Deny",
        ),
    )
    assert allowed(session, "acme", "dynamodb:Query", TABLE, {"dynamodb:LeadingKeys": ["globex"]})
    result = check(session, [ORDERS])
    assert result.status != "proved", shown(result)


# -- 2: containers above the immediate parent path ---------------------------------------------

PARAMS = f"arn:aws:ssm:eu-west-1:{ACCT}:parameter"


def test_parameter_path_above_the_parent_lists_every_tenant() -> None:
    # GetParametersByPath on `/saas` with Recursive=true returns every parameter under
    # it, `/saas/tenants/globex/...` included (SSM authorises the path only). The
    # checker looks at the immediate parent `/saas/tenants` alone.
    model = [
        ResourceSpec(
            "params", "ssm", PARAMS + "/*", (Partition(arn=PARAMS + "/saas/tenants/{tenant}/*"),)
        )
    ]
    session = doc(
        stmt("ssm:GetParametersByPath", [PARAMS + "/saas", f"{PARAMS}/saas/tenants/{T}/*"])
    )
    assert allowed(session, "acme", "ssm:GetParametersByPath", PARAMS + "/saas")
    result = check(session, model)
    assert result.status != "proved", shown(result)


# -- 3: sub-resources of ARN-partitioned (silo) DynamoDB tables ------------------------------

PREMIUM = f"arn:aws:dynamodb:eu-west-1:{ACCT}:table/prem-"


def test_index_of_another_tenants_silo_table() -> None:
    # Index and stream shapes exist only for tables with a condition partition; a silo
    # table's index holds that tenant's items as much as the table does.
    model = [
        ResourceSpec("silo", "dynamodb", PREMIUM + "*", (Partition(arn=PREMIUM + "{tenant}"),))
    ]
    session = doc(stmt("dynamodb:Query", PREMIUM + "*/index/*"))
    assert allowed(session, "acme", "dynamodb:Query", PREMIUM + "globex/index/by-date")
    result = check(session, model)
    assert result.status != "proved", shown(result)


def test_stream_of_another_tenants_silo_table() -> None:
    model = [
        ResourceSpec("silo", "dynamodb", PREMIUM + "*", (Partition(arn=PREMIUM + "{tenant}"),))
    ]
    session = doc(
        stmt(["dynamodb:GetRecords", "dynamodb:GetShardIterator"], PREMIUM + "*/stream/*")
    )
    stream = PREMIUM + "globex/stream/2026-01-01T00:00:00.000"
    assert allowed(session, "acme", "dynamodb:GetRecords", stream)
    result = check(session, model)
    assert result.status != "proved", shown(result)


# -- 4: the bucket listing implied only for a literal bucket name -----------------------------


def test_listing_of_a_bucket_named_by_a_pattern() -> None:
    # `docs-??/{tenant}/*`: the implied `s3:prefix` shape needs a literal bucket, so a
    # ListBucket without prefix on `docs-eu` (every tenant's keys) is never checked.
    model = [
        ResourceSpec(
            "documents",
            "s3",
            "arn:aws:s3:::docs-??",
            (Partition(arn="arn:aws:s3:::docs-??/{tenant}/*"),),
        )
    ]
    session = doc(
        stmt("s3:ListBucket", "arn:aws:s3:::docs-eu"),
        stmt("s3:GetObject", f"arn:aws:s3:::docs-??/{T}/*"),
    )
    assert allowed(session, "acme", "s3:ListBucket", "arn:aws:s3:::docs-eu")
    result = check(session, model)
    assert result.status != "proved", shown(result)


# -- 5: tenant-ID regex escapes inside character classes --------------------------------------


def test_escaped_range_start_in_a_class() -> None:
    # Python reads `[a-z\.-9]` as a-z plus the range `.`..`9` (digits included); the
    # automaton reads `.`, `-`, `9`. Tenants with digits are outside the proof.
    language = TenantIdLanguage.from_spec(
        {
            "alphabet": ["a-z", "0-9", "."],
            "min_length": 1,
            "max_length": 16,
            "pattern": r"[a-z\.-9]+",
        }
    )
    assert language.is_valid("a")
    assert language.is_valid("a1")
    session = doc(stmt("sqs:SendMessage", QUEUE + T + "1*"))
    assert allowed(session, "a", "sqs:SendMessage", QUEUE + "a1")
    result = check(session, [JOBS], language=language)
    assert result.status != "proved", shown(result)


def test_class_escape_read_as_its_letter() -> None:
    # `[\D]` is every non-digit for Python, the letter `D` for the automaton: with a
    # lower-case alphabet the proof's language is empty and any policy is proved.
    language = TenantIdLanguage.from_spec(
        {"alphabet": ["a-z"], "min_length": 3, "max_length": 8, "pattern": r"[\D]+"}
    )
    assert language.is_valid("acme")
    assert language.is_valid("globex")
    session = doc(stmt("sqs:SendMessage", QUEUE + "*"))
    assert allowed(session, "acme", "sqs:SendMessage", QUEUE + "globex")
    result = check(session, [JOBS], language=language)
    assert result.status != "proved", shown(result)


# -- 6: a `*` inside a model pattern read as one ARN segment ------------------------------------


def test_model_star_before_the_tenant_is_any_text() -> None:
    # docs/isolation.md: in a partition pattern "a `*` stands for any text"; the checker
    # builds it with Resource semantics (no `:` unless it ends a segment), so object
    # keys with a colon before the tenant (`x:y/globex/...`, valid S3 keys) are missed.
    model = [
        ResourceSpec("documents", "s3", BUCKET + "/*", (Partition(arn=BUCKET + "/*/{tenant}/*"),))
    ]
    session = doc(stmt("s3:GetObject", BUCKET + "/x:*"))
    assert allowed(session, "acme", "s3:GetObject", BUCKET + "/x:y/globex/a.txt")
    result = check(session, model)
    assert result.status != "proved", shown(result)


# -- 7: role documents read as Version 2012-10-17 whatever they say ---------------------------


def test_role_without_version_has_no_policy_variables() -> None:
    # Without `"Version": "2012-10-17"` IAM reads `${aws:PrincipalTag/Tier}` as literal
    # text, so the role's Deny removes nothing; the checker resolves it to the tier
    # and lets the Deny fence `docs/t*`.
    role = doc(
        stmt("s3:GetObject", BUCKET + "/*"),
        stmt("s3:GetObject", BUCKET + "/${aws:PrincipalTag/Tier}*", effect="Deny"),
        version=None,
    )
    session = doc(stmt("s3:GetObject", [BUCKET + "/t*/*", f"{BUCKET}/{T}/*"]))
    assert allowed(session, "acme", "s3:GetObject", BUCKET + "/tango/a.txt", roles=[role], tier="t")
    result = check(session, [DOCS_OBJECTS], roles=[role], tier="t")
    assert result.status != "proved", shown(result)


def test_catalogue_role_template_without_version(tmp_path: Path) -> None:
    # The same through a catalogue: role templates keep their own Version (the merged
    # session policy is always 2012-10-17), check_tier proves the tier, and the
    # project's effective evaluator for the tier allows `acme` into `basic-corp`'s
    # folder.
    session = doc(stmt("s3:GetObject", [BUCKET + "/basic*/*", BUCKET + "/{{ tenant }}/*"]))
    role = doc(
        stmt("s3:GetObject", BUCKET + "/*"),
        stmt("s3:GetObject", BUCKET + "/${aws:PrincipalTag/Tier}*", effect="Deny"),
        version=None,
    )
    (tmp_path / "s.json.j2").write_text(json.dumps(session), encoding="utf-8")
    (tmp_path / "r.json.j2").write_text(json.dumps(role), encoding="utf-8")
    manifest = {
        "schema_version": 1,
        "name": "role-version",
        "tenant_id": {"alphabet": ["a-z", "0-9", "-"], "min_length": 3, "max_length": 32},
        "constants": {"partition": "aws", "account_id": ACCT, "region": "eu-west-1"},
        "templates": {
            "s": {"file": "s.json.j2", "kind": "session"},
            "r": {"file": "r.json.j2", "kind": "identity"},
        },
        "tiers": {
            "basic": {
                "role_arn": f"arn:aws:iam::{ACCT}:role/tier-basic",
                "session_templates": ["s"],
                "role_templates": ["r"],
                "resources": {"documents": "pooled"},
            }
        },
        "resources": {
            "documents": {
                "service": "s3",
                "arn": BUCKET,
                "partitions": [{"arn": BUCKET + "/{tenant}/*"}],
            }
        },
    }
    (tmp_path / "catalog.json").write_text(json.dumps(manifest), encoding="utf-8")
    catalog = load_catalog(tmp_path)
    evaluator = effective_evaluator(catalog, "basic", "acme")
    request = as_tenant(Request("s3:GetObject", BUCKET + "/basic-corp/a.txt"), "acme", "basic")
    assert evaluator.evaluate(request).allowed
    result = check_tier(catalog, "basic")
    assert result.status != "proved", shown(result)


# -- 8: a Deny's conditions read with the Allow's policy version -------------------------------


def test_key_fence_read_with_the_version_of_the_allow() -> None:
    # The session is Version 2008-10-17, the role 2012-10-17: the role's Deny lets
    # prefixes under `${aws:PrincipalTag/Tier}/` (the tier `tango`) through. The
    # checker reads the Deny's values with the session's version (variables as
    # literal text), so the fence seems to let nothing through.
    session = doc(
        stmt("s3:ListBucket", BUCKET),
        stmt("s3:GetObject", f"{BUCKET}/{T}/*"),
        version="2008-10-17",
    )
    role = doc(
        stmt("s3:*", "*"),
        stmt(
            "s3:ListBucket",
            BUCKET,
            {"StringNotLike": {"s3:prefix": ["${aws:PrincipalTag/Tier}/*"]}},
            "Deny",
        ),
    )
    assert allowed(
        session,
        "acme",
        "s3:ListBucket",
        BUCKET,
        {"s3:prefix": "tango/"},
        roles=[role],
        tier="tango",
    )
    assert LANG.is_valid("tango")
    result = check(session, [DOCS], roles=[role], tier="tango")
    assert result.status != "proved", shown(result)


def test_model_star_in_a_condition_partition_value_is_any_text() -> None:
    # The same reading on a condition partition's value: `*/{tenant}/*` for s3:prefix.
    model = [
        ResourceSpec(
            "documents", "s3", BUCKET, (Partition(condition_key="s3:prefix", value="*/{tenant}/*"),)
        )
    ]
    session = doc(stmt("s3:ListBucket", BUCKET, {"StringLike": {"s3:prefix": ["x:*"]}}))
    assert allowed(session, "acme", "s3:ListBucket", BUCKET, {"s3:prefix": "x:y/globex/"})
    result = check(session, model)
    assert result.status != "proved", shown(result)


# -- 9: the aligned-slot prune on a pattern that names the tenant twice ------------------------


def test_tenant_twice_side_by_side_is_not_aligned() -> None:
    # `docs/{{ tenant }}{{ tenant }}/*`: the first slot is "followed by a character
    # outside the tenant alphabet" (the marker), so the pair is pruned before the
    # two-slot string is ever refused; A = `abc` reaches B = `abcabc`.
    session = doc(stmt("s3:GetObject", f"{BUCKET}/{T}{T}/*"))
    assert LANG.is_valid("abcabc")
    assert allowed(session, "abc", "s3:GetObject", BUCKET + "/abcabc/a.txt")
    result = check(session, [DOCS_OBJECTS])
    assert result.status != "proved", shown(result)
