"""Attack review 6 of the isolation proof: actions whose effect reaches beyond the
resource their request names.

02. Deputy writes were a closed deny-list: `firehose:UpdateDestination` on the
    tenant's own stream re-points its delivery (with the stream's own role) at another
    tenant's prefix, `cloudwatch:PutCompositeAlarm` notifies any topic.
03. Writes on the tenant's own compute that act later with the resource's own role
    (Lambda destinations and code, Step Functions definitions, CodeBuild overrides).
04. Deputy reads: `events:PutRule` on the tenant's own rule re-points it at every
    tenant's events on the bus.
05. `shared = true` routers: `sns:Publish` / `events:PutEvents` content chooses the
    tenant partition the service delivers into.

The rule is now an allow-list (``policy_engine/isolation/_effects.py``): a write,
permissions or tagging action allowed on a resource is proved only when its effect
is known confined to the resource the request names. Each leaky test first shows
with the project's evaluator, independently of the checker, that the request is
allowed; then that the tier is never `proved`. Each has a sound twin the proof must
still prove, and a variant that is not in the reviewer's reproducer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _attack_helpers import ACCT, LANG, allowed, doc, shown, stmt

from policy_engine.catalog import Partition, ResourceSpec, load_catalog
from policy_engine.isolation import TierResult, check_catalog, check_isolation
from policy_engine.isolation._effects import CONFINED_WRITES, ROUTED_WRITES
from policy_engine.isolation._shapes import DEPUTY_WRITES
from policy_engine.render import TENANT_MARKER as T

REGION = "eu-west-1"


def model(name: str, service: str, prefix: str) -> ResourceSpec:
    """A resource per tenant: ``prefix{tenant}``."""
    return ResourceSpec(name, service, prefix + "*", (Partition(arn=prefix + "{tenant}"),))


def shared(name: str, service: str, arn: str) -> ResourceSpec:
    return ResourceSpec(name, service, arn, (), shared=True)


STREAM = f"arn:aws:firehose:{REGION}:{ACCT}:deliverystream/ingest-"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCT}:function:fn-"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCT}:inbox-"
RULE = f"arn:aws:events:{REGION}:{ACCT}:rule/inbox-"
TOPIC = f"arn:aws:sns:{REGION}:{ACCT}:"
INGEST = model("ingest", "firehose", STREAM)
FN = model("fn", "lambda", FUNCTION)
INBOX = model("inbox", "sqs", QUEUE)
RULES = model("rules", "events", RULE)
QUEUE_OPS = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:SendMessage"]


def check(session: dict[str, Any], resources: list[ResourceSpec]) -> TierResult:
    return check_isolation(session, [], resources, LANG, tier="t")


def unknown_text(result: TierResult) -> str:
    return "\n".join(u.describe() for u in result.unknown)


def own(action: Any, prefix: str) -> dict[str, Any]:
    return stmt(action, prefix + T)


# -- 02: configuration writes whose effect the proof does not model --------------------


def test_firehose_update_destination_on_own_stream_is_not_proved() -> None:
    actions = ["firehose:PutRecord", "firehose:DescribeDeliveryStream"]
    actions.append("firehose:UpdateDestination")
    session = doc(own(actions, STREAM), own(QUEUE_OPS, QUEUE))
    assert allowed(session, "acme", "firehose:UpdateDestination", STREAM + "acme")
    result = check(session, [INGEST, INBOX])
    assert result.status == "unknown", shown(result)
    text = unknown_text(result)
    assert "firehose:updatedestination" in text
    assert "configuration write" in text
    assert "firehose:putrecord`" not in text  # the data-plane write stays proved


def test_firehose_records_into_own_stream_are_proved() -> None:
    session = doc(
        own(["firehose:PutRecord", "firehose:PutRecordBatch", "firehose:DescribeDeliveryStream"],
            STREAM),
        own(QUEUE_OPS, QUEUE),
    )  # fmt: skip
    result = check(session, [INGEST, INBOX])
    assert result.status == "proved", shown(result)


def test_composite_alarm_twin_of_the_listed_metric_alarm_is_not_proved() -> None:
    # The reviewer's variant: PutCompositeAlarm was missing from the list beside the
    # listed PutMetricAlarm. The listed one stays a violation.
    alarm = f"arn:aws:cloudwatch:{REGION}:{ACCT}:alarm:saas_"
    alarms = ResourceSpec(
        "alarms", "cloudwatch", alarm + "*", (Partition(arn=alarm + "{tenant}_*"),)
    )
    composite = check(doc(stmt("cloudwatch:PutCompositeAlarm", alarm + T + "_*")), [alarms])
    assert composite.status == "unknown", shown(composite)
    assert "cloudwatch:putcompositealarm" in unknown_text(composite)
    listed = check(doc(stmt("cloudwatch:PutMetricAlarm", alarm + T + "_*")), [alarms])
    assert listed.status == "violation", shown(listed)
    assert listed.violations[0].resource_name == "deputy writes"


def test_variant_topic_attributes_on_own_topic_are_not_proved() -> None:
    # Not in the reproducer: sns:SetTopicAttributes (permissions management: the
    # topic's policy, its delivery-status roles) on the tenant's own topic.
    topics = model("topics", "sns", TOPIC + "t-")
    session = doc(own(["sns:Publish", "sns:GetTopicAttributes", "sns:SetTopicAttributes"],
                      TOPIC + "t-"))  # fmt: skip
    assert allowed(session, "acme", "sns:SetTopicAttributes", TOPIC + "t-acme")
    result = check(session, [topics])
    assert result.status == "unknown", shown(result)
    assert "sns:settopicattributes` (Permissions management)" in unknown_text(result)
    twin = check(doc(own(["sns:Publish", "sns:GetTopicAttributes"], TOPIC + "t-")), [topics])
    assert twin.status == "proved", shown(twin)


def test_a_service_wildcard_names_its_unconfined_actions() -> None:
    result = check(doc(own("firehose:*", STREAM)), [INGEST])
    assert result.status != "proved", shown(result)
    text = unknown_text(result)
    assert "firehose:updatedestination" in text or "firehose:createdeliverystream" in text
    assert "more" in text  # more than the named few


# -- 03: writes on the tenant's own compute that act later with its role ---------------


@pytest.mark.parametrize(
    "action",
    [
        "lambda:PutFunctionEventInvokeConfig",
        "lambda:UpdateFunctionConfiguration",
        "lambda:UpdateFunctionCode",
    ],
)
def test_own_function_configuration_writes_are_not_proved(action: str) -> None:
    session = doc(own(["lambda:InvokeFunction", action], FUNCTION), own(QUEUE_OPS, QUEUE))
    assert allowed(session, "acme", action, FUNCTION + "acme")
    result = check(session, [FN, INBOX])
    assert result.status == "unknown", shown(result)
    assert action.lower() in unknown_text(result)


def test_invoking_and_reading_own_function_is_proved() -> None:
    session = doc(
        own(["lambda:InvokeFunction", "lambda:GetFunction", "lambda:GetFunctionConfiguration"],
            FUNCTION),
        own(QUEUE_OPS, QUEUE),
    )  # fmt: skip
    result = check(session, [FN, INBOX])
    assert result.status == "proved", shown(result)


def test_variant_glue_job_update_is_not_proved() -> None:
    # Not in the reproducer: glue:UpdateJob replaces the job's script (it keeps its
    # role: no iam:PassRole) and glue:StartJobRun runs it with that role.
    job = f"arn:aws:glue:{REGION}:{ACCT}:job/etl-"
    jobs = model("jobs", "glue", job)
    session = doc(own(["glue:GetJob", "glue:UpdateJob"], job))
    assert allowed(session, "acme", "glue:UpdateJob", job + "acme")
    result = check(session, [jobs])
    assert result.status == "unknown", shown(result)
    assert "glue:updatejob" in unknown_text(result)
    assert check(doc(own(["glue:GetJob", "glue:GetJobRuns"], job)), [jobs]).status == "proved"


def test_step_functions_definition_update_is_not_proved() -> None:
    machine = f"arn:aws:states:{REGION}:{ACCT}:stateMachine:sm-"
    machines = model("machines", "states", machine)
    session = doc(own(["states:StartExecution", "states:UpdateStateMachine"], machine))
    result = check(session, [machines])
    assert result.status == "unknown", shown(result)
    assert "states:updatestatemachine" in unknown_text(result)
    assert check(doc(own("states:StartExecution", machine)), [machines]).status == "proved"


# -- 04: deputy reads: what a service routes into the tenant's own resource -------------


def test_put_rule_on_own_rule_is_not_proved() -> None:
    session = doc(own(["events:PutRule", "events:DescribeRule"], RULE), own(QUEUE_OPS, QUEUE))
    assert allowed(session, "acme", "events:PutRule", RULE + "acme")
    result = check(session, [RULES, INBOX])
    assert result.status == "unknown", shown(result)
    assert "events:putrule" in unknown_text(result)


def test_reading_own_rule_and_inbox_is_proved() -> None:
    session = doc(own("events:DescribeRule", RULE), own(QUEUE_OPS, QUEUE))
    assert check(session, [RULES, INBOX]).status == "proved"


def test_variant_pipe_update_is_not_proved() -> None:
    # Not in the reproducer: pipes:UpdatePipe changes the pipe's source and filter;
    # the pipe reads the new source with its own role and delivers into the target.
    pipe = f"arn:aws:pipes:{REGION}:{ACCT}:pipe/in-"
    pipes = model("pipes", "pipes", pipe)
    session = doc(own(["pipes:DescribePipe", "pipes:UpdatePipe"], pipe))
    assert allowed(session, "acme", "pipes:UpdatePipe", pipe + "acme")
    result = check(session, [pipes])
    assert result.status == "unknown", shown(result)
    assert "pipes:updatepipe" in unknown_text(result)
    assert check(doc(own("pipes:DescribePipe", pipe)), [pipes]).status == "proved"


# -- 05: shared routers: content chooses the tenant partition ---------------------------

FANOUT = TOPIC + "fanout"
BUS = f"arn:aws:events:{REGION}:{ACCT}:event-bus/saas-bus"


@pytest.mark.parametrize(
    ("action", "resource", "spec"),
    [
        ("sns:Publish", FANOUT, shared("topic", "sns", FANOUT)),
        ("events:PutEvents", BUS, shared("bus", "events", BUS)),
    ],
)
def test_publishing_into_a_shared_router_is_not_proved(
    action: str, resource: str, spec: ResourceSpec
) -> None:
    session = doc(own(QUEUE_OPS, QUEUE), stmt(action, resource))
    assert allowed(session, "acme", action, resource)
    result = check(session, [INBOX, spec])
    assert result.status == "unknown", shown(result)
    (unknown,) = result.unknown
    assert unknown.resource_name == spec.name
    assert action.lower() in unknown.construct
    assert "shared resource" in unknown.construct


def test_publishing_into_the_tenants_own_topic_is_proved() -> None:
    # The sound twin: a topic per tenant, its subscriptions that tenant's.
    topics = model("topics", "sns", TOPIC + "fanout-")
    session = doc(own(QUEUE_OPS, QUEUE), own("sns:Publish", TOPIC + "fanout-"))
    result = check(session, [INBOX, topics])
    assert result.status == "proved", shown(result)
    # reads of a shared resource stay proved
    read = doc(own(QUEUE_OPS, QUEUE), stmt("sns:GetTopicAttributes", FANOUT))
    assert check(read, [INBOX, shared("topic", "sns", FANOUT)]).status == "proved"


def test_variant_invoking_a_shared_function_is_not_proved() -> None:
    # Not in the reproducer: a shared dispatcher function invoked with the tenant in
    # its payload runs with its own role on whatever tenant the payload names.
    dispatcher = FUNCTION + "dispatch"
    session = doc(stmt("lambda:InvokeFunction", dispatcher))
    assert allowed(session, "acme", "lambda:InvokeFunction", dispatcher)
    result = check(session, [shared("dispatch", "lambda", dispatcher)])
    assert result.status == "unknown", shown(result)
    assert "lambda:invokefunction" in unknown_text(result)


# -- the lists and the bundled catalogue ------------------------------------------------


def test_allow_lists_are_write_level_actions_of_the_data_with_a_reason() -> None:
    from policy_engine._iamdata import iam_data

    for name, reason in {**CONFINED_WRITES, **ROUTED_WRITES}.items():
        info = iam_data().action(name)
        assert info is not None, name
        assert info.level == "W", name
        assert info.resource_types, name  # star-only actions have their own check
        assert len(reason) > 20, name
        assert name not in DEPUTY_WRITES
    assert not set(CONFINED_WRITES) & set(ROUTED_WRITES)


def test_the_bundled_catalogue_still_proves() -> None:
    results = check_catalog(load_catalog())
    assert {t: r.status for t, r in results.items()} == dict.fromkeys(results, "proved")


FINDINGS = Path(__file__).parent.parent / "cases" / "attack6"


@pytest.mark.skipif(not FINDINGS.is_dir(), reason="the reviewer's reproducers are not here")
@pytest.mark.parametrize(
    "folder",
    [
        "02-deputy-write-firehose-update-destination",
        "02-deputy-write-firehose-update-destination/variant-cloudwatch-composite-alarm",
        "03-own-function-config-writes-as-execution-role",
        "03-own-function-config-writes-as-execution-role/variant-stepfunctions-codebuild",
        "04-deputy-read-eventbridge-putrule",
        "05-shared-router-delivers-into-tenant-partitions",
    ],
)
def test_the_reviewers_reproducers_are_not_proved(folder: str) -> None:
    results = check_catalog(load_catalog(FINDINGS / folder))
    assert all(r.status != "proved" for r in results.values()), folder
