"""Attack review 7 of the isolation proof (findings 02 to 04): writes the service
carries beyond the resource, and grants the checks beyond the shapes did not read.

02. A routed write (``events:PutEvents``, ``sns:Publish``, ...) was refused only on a
    ``shared`` resource; on a pooled bus told apart by ``events:source`` it passed,
    though the bus's rules route by the content the caller sets.
03. A "confined" write (``s3:PutObject``, ``sqs:SendMessage``) on a ``shared``
    resource passed, though its notifications, replication rules or consumers route
    what was written by the key or body the caller picks.
04. A deputy write granted by a resource policy to the session (``Principal: "*"``
    with ``aws:PrincipalArn``) was read by neither the deputy check nor the check of
    unconfined effects.

Each leaky test first shows with the project's evaluator, independently of the
checker, that the request is allowed; then that the tier is never `proved`. Each has
a sound twin the proof must still prove, and a variant not in the reproducer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _attack_helpers import ACCT, REGION, ROLE, allowed, check, doc, stmt

from policy_engine.catalog import Partition, ResourceSpec, load_catalog
from policy_engine.isolation import TierResult, check_catalog
from policy_engine.render import TENANT_MARKER as T

TAG = "${aws:PrincipalTag/TenantId}"
BUS = f"arn:aws:events:{REGION}:{ACCT}:event-bus/saas-events"
TOPIC = f"arn:aws:sns:{REGION}:{ACCT}:tenant-"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCT}:inbox-"
INBOX = "arn:aws:s3:::saas-inbox"
DOCS = "arn:aws:s3:::saas-docs"
DOCS_MODEL = ResourceSpec("documents", "s3", DOCS, (Partition(arn=DOCS + "/{tenant}/*"),))
OWN_DOCS = stmt(["s3:GetObject", "s3:PutObject"], f"{DOCS}/{T}/*")


def pooled_bus(key: str) -> ResourceSpec:
    return ResourceSpec(
        "bus", "events", BUS, (Partition(condition_key=key, value="tenant.{tenant}"),)
    )


def put_events_by(key: str) -> dict[str, Any]:
    """PutEvents on the pooled bus, the tightest partition condition the model takes."""
    return stmt(
        "events:PutEvents",
        BUS,
        {"ForAllValues:StringEquals": {key: f"tenant.{T}"}, "Null": {key: "false"}},
    )


def unknown_text(result: TierResult) -> str:
    return "\n".join(u.describe() for u in result.unknown)


def per_tenant(name: str, service: str, prefix: str) -> ResourceSpec:
    return ResourceSpec(name, service, prefix + "*", (Partition(arn=prefix + "{tenant}"),))


def shared(name: str, service: str, arn: str) -> ResourceSpec:
    return ResourceSpec(name, service, arn, (), shared=True)


# -- 02: routed writes on a resource tenants share --------------------------------------


def test_put_events_on_a_pooled_bus_is_not_proved() -> None:
    session = doc(OWN_DOCS, put_events_by("events:source"))
    # acme's event, acme's source, content of acme's choosing: IAM allows it
    assert allowed(session, "acme", "events:PutEvents", BUS, {"events:source": ["tenant.acme"]})
    result = check(session, [DOCS_MODEL, pooled_bus("events:source")])
    assert result.status == "unknown", result.status
    text = unknown_text(result)
    assert "`bus`" in text
    assert "events:putevents" in text
    assert "tenants share" in text


def test_sound_twin_put_events_on_the_tenants_own_bus_is_proved() -> None:
    own_bus = f"arn:aws:events:{REGION}:{ACCT}:event-bus/tenant-"
    session = doc(OWN_DOCS, stmt("events:PutEvents", own_bus + T))
    result = check(session, [DOCS_MODEL, per_tenant("bus", "events", own_bus)])
    assert result.status == "proved", unknown_text(result)


def test_variant_pooled_bus_told_apart_by_detail_type_is_not_proved() -> None:
    # Not in the reproducer: the other PutEvents key, the same routing by `detail`.
    session = doc(OWN_DOCS, put_events_by("events:detail-type"))
    assert allowed(
        session, "acme", "events:PutEvents", BUS, {"events:detail-type": ["tenant.acme"]}
    )
    result = check(session, [DOCS_MODEL, pooled_bus("events:detail-type")])
    assert result.status != "proved"
    assert "events:putevents" in unknown_text(result)


def test_variant_publish_granted_beyond_the_tenants_topic_partition_is_not_proved() -> None:
    # Not in the reproducer: a topic model whose tenant partitions leave part of it out
    # (`tenant-*` holds `tenant-shared`, no tenant's by its ARN); the grant names it.
    session = doc(OWN_DOCS, stmt("sns:Publish", [TOPIC + T, TOPIC + "shared-fanout"]))
    model = ResourceSpec("topics", "sns", TOPIC + "*", (Partition(arn=TOPIC + "{tenant}-events"),))
    result = check(session, [DOCS_MODEL, model])
    assert result.status != "proved"
    assert "sns:publish" in unknown_text(result)


def test_variant_an_alias_per_tenant_of_one_function_is_not_proved() -> None:
    # Not in the reproducer: the tenant slot only in the qualifier; the code behind
    # every alias is the one function's, serving every tenant.
    router = f"arn:aws:lambda:{REGION}:{ACCT}:function:router"
    session = doc(OWN_DOCS, stmt("lambda:InvokeFunction", f"{router}:{TAG}"))
    assert allowed(session, "acme", "lambda:InvokeFunction", router + ":acme")
    model = ResourceSpec("router", "lambda", router + ":*", (Partition(arn=router + ":{tenant}"),))
    result = check(session, [DOCS_MODEL, model])
    assert result.status != "proved"
    assert "lambda:invokefunction" in unknown_text(result)


def test_sound_twin_a_function_per_tenant_is_proved() -> None:
    fn = f"arn:aws:lambda:{REGION}:{ACCT}:function:fn-"
    session = doc(OWN_DOCS, stmt("lambda:InvokeFunction", fn + T))
    result = check(session, [DOCS_MODEL, per_tenant("fn", "lambda", fn)])
    assert result.status == "proved", unknown_text(result)


# -- 03: writes into a shared resource --------------------------------------------------


def test_put_object_into_a_shared_bucket_is_not_proved() -> None:
    session = doc(OWN_DOCS, stmt("s3:PutObject", INBOX + "/*"))
    # acme writes under globex's prefix: the bucket's notifications route it by key
    assert allowed(session, "acme", "s3:PutObject", INBOX + "/globex/invoices/x.csv")
    result = check(session, [DOCS_MODEL, shared("inbox", "s3", INBOX + "/*")])
    assert result.status == "unknown", result.status
    text = unknown_text(result)
    assert "`inbox`" in text
    assert "s3:putobject" in text
    assert "shared resource" in text


def test_send_message_to_a_shared_queue_is_not_proved() -> None:
    ingest = f"arn:aws:sqs:{REGION}:{ACCT}:saas-ingest"
    session = doc(OWN_DOCS, stmt("sqs:SendMessage", ingest))
    assert allowed(session, "acme", "sqs:SendMessage", ingest)
    result = check(session, [DOCS_MODEL, shared("ingest", "sqs", ingest)])
    assert result.status != "proved"
    assert "sqs:sendmessage" in unknown_text(result)


def test_sound_twins_reads_and_key_use_on_shared_resources_are_proved() -> None:
    key = f"arn:aws:kms:{REGION}:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    session = doc(
        OWN_DOCS,
        stmt("s3:GetObject", INBOX + "/*"),
        stmt(["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"], key),
    )
    model = [DOCS_MODEL, shared("inbox", "s3", INBOX + "/*"), shared("key", "kms", key)]
    result = check(session, model)
    assert result.status == "proved", unknown_text(result)


def test_sound_twin_put_object_into_the_tenants_own_prefix_is_proved() -> None:
    result = check(doc(OWN_DOCS), [DOCS_MODEL, shared("inbox", "s3", INBOX + "/*")])
    assert result.status == "proved", unknown_text(result)


def test_variant_put_item_into_a_shared_table_is_not_proved() -> None:
    # Not in the reproducer: a table stream's filtered event source mappings.
    table = f"arn:aws:dynamodb:{REGION}:{ACCT}:table/saas-audit"
    session = doc(OWN_DOCS, stmt("dynamodb:PutItem", table))
    assert allowed(session, "acme", "dynamodb:PutItem", table)
    result = check(session, [DOCS_MODEL, shared("audit", "dynamodb", table)])
    assert result.status != "proved"
    assert "dynamodb:putitem" in unknown_text(result)


# -- 04: grants from resource policies ---------------------------------------------------


def subscribe_policy(principal_arn: str, action: str = "sns:Subscribe") -> dict[str, Any]:
    """A topic policy: everyone, limited by ``aws:PrincipalArn``, on the own topic."""
    return doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": [action],
            "Resource": TOPIC + TAG,
            "Condition": {"StringEquals": {"aws:PrincipalArn": principal_arn}},
        }
    )


TOPICS = per_tenant("topics", "sns", TOPIC)


def test_subscribe_granted_by_a_topic_policy_is_not_proved() -> None:
    policy = subscribe_policy(ROLE)
    session = doc(OWN_DOCS)
    # the session policy does not grant it; the topic policy grants the session itself
    assert allowed(session, "acme", "sns:Subscribe", TOPIC + "acme", resource_policies=[policy])
    result = check(session, [DOCS_MODEL, TOPICS], resource_policies={"topics": policy})
    assert result.status != "proved"
    found = [cx.action for cx in result.violations] + [u.describe() for u in result.unknown]
    assert any("sns:subscribe" in text for text in found), found


def test_sound_twin_topic_policy_for_another_role_or_a_read_is_proved() -> None:
    other = f"arn:aws:iam::{ACCT}:role/saas-ops"
    for policy in (subscribe_policy(other), subscribe_policy(ROLE, "sns:GetTopicAttributes")):
        result = check(doc(OWN_DOCS), [DOCS_MODEL, TOPICS], resource_policies={"topics": policy})
        assert result.status == "proved", unknown_text(result)


def test_sound_twin_topic_policy_grants_publish_on_the_tenants_own_topic_is_proved() -> None:
    # a routed write granted by the resource policy, on the tenant's own topic by ARN
    policy = subscribe_policy(ROLE, "sns:Publish")
    assert allowed(doc(OWN_DOCS), "acme", "sns:Publish", TOPIC + "acme", resource_policies=[policy])
    result = check(doc(OWN_DOCS), [DOCS_MODEL, TOPICS], resource_policies={"topics": policy})
    assert result.status == "proved", unknown_text(result)


def test_variant_queue_policy_grants_set_queue_attributes_is_not_proved() -> None:
    # Not in the reproducer: a queue policy's grant of a RedrivePolicy change (the
    # dead-letter queue may be another tenant's).
    policy = doc(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sqs:SetQueueAttributes",
            "Resource": QUEUE + TAG,
            "Condition": {"StringEquals": {"aws:PrincipalArn": ROLE}},
        }
    )
    session = doc(OWN_DOCS)
    assert allowed(
        session, "acme", "sqs:SetQueueAttributes", QUEUE + "acme", resource_policies=[policy]
    )
    queues = per_tenant("queues", "sqs", QUEUE)
    result = check(session, [DOCS_MODEL, queues], resource_policies={"queues": policy})
    assert result.status != "proved"


def test_variant_routed_write_granted_by_a_bus_policy_is_not_proved() -> None:
    # (a) and (c) together: the pooled bus's own policy grants PutEvents to the session.
    policy = doc(
        {
            "Effect": "Allow",
            "Principal": "*",
            "Action": "events:PutEvents",
            "Resource": BUS,
            "Condition": {
                "StringEquals": {"aws:PrincipalArn": ROLE},
                "ForAllValues:StringEquals": {"events:source": "tenant." + TAG},
                "Null": {"events:source": "false"},
            },
        }
    )
    result = check(
        doc(OWN_DOCS),
        [DOCS_MODEL, pooled_bus("events:source")],
        resource_policies={"bus": policy},
    )
    assert result.status != "proved"
    assert "events:putevents" in unknown_text(result)


# -- the reviewer's reproducers and the bundled catalogue --------------------------------


def test_the_bundled_catalogue_still_proves() -> None:
    results = check_catalog(load_catalog())
    assert {t: r.status for t, r in results.items()} == dict.fromkeys(results, "proved")


FINDINGS = Path(__file__).parent.parent / "cases" / "attack7"


@pytest.mark.parametrize(
    "folder",
    [
        "02-pooled-bus-routed-write-passes",
        "02-pooled-bus-routed-write-passes/control-shared",
        "03-confined-write-on-shared-resource-is-routed",
        "03-confined-write-on-shared-resource-is-routed/variant-sqs",
        "04-resource-policy-deputy-grant-unchecked",
        "04-resource-policy-deputy-grant-unchecked/control-session-grant",
    ],
)
def test_the_reviewers_reproducers_are_not_proved(folder: str) -> None:
    results = check_catalog(load_catalog(FINDINGS / folder))
    assert results, folder
    assert all(r.status != "proved" for r in results.values()), folder
