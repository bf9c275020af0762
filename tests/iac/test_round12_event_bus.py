"""Round 12: a function an EventBridge rule feeds from a bus anyone may write.

Catalogue ``catalogs/abac``. Template: the clean deployment and ``reports-api``
(reading every report with its own role) the target of a rule on a bus, ``ingest``,
whose policy lets anyone put events: ``AWS::Events::EventBusPolicy`` with ``Principal:
"*"`` and ``Action: events:PutEvents`` (the legacy form) or a ``Statement`` of
``Principal: "*"``; or the bus's own ``Policy``. The rule is an ``AWS::Events::Rule``
(``EventBusName``, ``Targets[].Arn`` the function) or a SAM ``EventBridgeRule`` event.

Deployed effect: "Specify "*" to permit any account to put events to your default event
bus" (EventBridge API reference, ``PutPermission`` ``Principal``; the same for a named
bus); the rule's target receives the event the sender wrote (its ``detail`` whole), so
anyone names any tenant to a function reading every tenant's reports.

Why the lint must not pass it: bus policies are not read as resource policies (PE114),
and round 11's public triggers were queues and topics: every tier `proved`. Now a bus
policy that may let anyone put events makes the bus a public source, and a rule on it
a trigger. Twins: a bus policy for one account, no bus policy, a rule on another bus.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ._abac import lint, statuses
from .test_round11_public_deputy import _sam

LEGACY_ANYONE = {"EventBusName": "ingest", "StatementId": "any",
                 "Action": "events:PutEvents", "Principal": "*"}  # fmt: skip
STATEMENT_ANYONE = {"EventBusName": {"Ref": "Bus"}, "StatementId": "any", "Statement": {
    "Effect": "Allow", "Principal": "*", "Action": "events:PutEvents",
    "Resource": "arn:aws:events:eu-west-1:111122223333:event-bus/ingest"}}  # fmt: skip
ONE_ACCOUNT = {"EventBusName": "ingest", "StatementId": "one",
               "Action": "events:PutEvents", "Principal": "444455556666"}  # fmt: skip
BUS_POLICY_ANYONE = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "events:PutEvents",
     "Resource": "*"}]}  # fmt: skip


def _bus(
    policy: dict[str, Any] | None,
    *,
    sam: bool,
    bus: str = "ingest",
    own_policy: dict[str, Any] | None = None,
) -> dict[str, Any]:
    if sam:
        template = _sam({"Events": {"E": {"Type": "EventBridgeRule", "Properties": {
            "EventBusName": bus, "Pattern": {"source": ["app.ingest"]}}}}})  # fmt: skip
    else:
        template = _sam({})
        template["Resources"]["Rule"] = {"Type": "AWS::Events::Rule", "Properties": {
            "EventBusName": bus, "EventPattern": {"source": ["app.ingest"]},
            "Targets": [{"Id": "fn", "Arn": {"Fn::GetAtt": ["Api", "Arn"]}}]}}  # fmt: skip
    props: dict[str, Any] = {"Name": "ingest"}
    if own_policy is not None:
        props["Policy"] = own_policy
    template["Resources"]["Bus"] = {"Type": "AWS::Events::EventBus", "Properties": props}
    if policy is not None:
        template["Resources"]["BusPolicy"] = {"Type": "AWS::Events::EventBusPolicy",
                                              "Properties": policy}  # fmt: skip
    return template


@pytest.mark.parametrize("sam", [True, False])
@pytest.mark.parametrize(
    ("policy", "own", "bus", "expected"),
    [
        (LEGACY_ANYONE, None, "ingest", "unknown"),
        (STATEMENT_ANYONE, None, "ingest", "unknown"),
        (None, BUS_POLICY_ANYONE, "ingest", "unknown"),
        # twins: one account, no policy, a rule on another bus
        (ONE_ACCOUNT, None, "ingest", "proved"),
        (None, None, "ingest", "proved"),
        (LEGACY_ANYONE, None, "other", "proved"),
    ],
)  # fmt: skip
def test_a_function_fed_by_a_bus_anyone_may_write(
    tmp_path: Path, sam: bool, policy: Any, own: Any, bus: str, expected: str
) -> None:
    doc = lint(tmp_path, _bus(policy, sam=sam, bus=bus, own_policy=own))
    assert statuses(doc) == {"web": expected, "ops": expected}, doc["findings"]


def _tf(writer: str | None) -> dict[str, Any]:
    """``_plan``'s function (``reports-api``, reading every report) the target of an
    ``aws_cloudwatch_event_rule`` on bus ``ingest``, with ``writer``: an
    ``aws_cloudwatch_event_permission`` to ``*`` (``"anyone"``) or one account
    (``"account"``), an ``aws_cloudwatch_event_bus_policy`` to ``*`` (``"policy"``)."""
    import json

    from .test_round11_public_deputy import _plan

    plan = _plan("events.amazonaws.com")
    plan["resource_changes"] = [c for c in plan["resource_changes"]
                                if c["type"] != "aws_lambda_function_url"]  # fmt: skip

    def change(kind: str, after: dict[str, Any]) -> dict[str, Any]:
        return {"address": f"{kind}.x", "mode": "managed", "type": kind, "name": "x",
                "change": {"actions": ["create"], "before": None, "after": after,
                           "after_unknown": {}}}  # fmt: skip

    fn = "arn:aws:lambda:eu-west-1:111122223333:function:reports-api"
    plan["resource_changes"].append(change("aws_cloudwatch_event_target", {
        "rule": "r", "event_bus_name": "ingest", "arn": fn}))  # fmt: skip
    if writer in ("anyone", "account"):
        principal = "*" if writer == "anyone" else "444455556666"
        plan["resource_changes"].append(change("aws_cloudwatch_event_permission", {
            "principal": principal, "action": "events:PutEvents",
            "event_bus_name": "ingest", "statement_id": "s"}))  # fmt: skip
    if writer == "policy":
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
                  "Action": "events:PutEvents", "Resource": "*"}]}  # fmt: skip
        plan["resource_changes"].append(change("aws_cloudwatch_event_bus_policy", {
            "event_bus_name": "ingest", "policy": json.dumps(policy)}))  # fmt: skip
    return plan


@pytest.mark.parametrize(
    ("writer", "expected"),
    [("anyone", True), ("policy", True), ("account", False), (None, False)],
)
def test_the_terraform_form(tmp_path: Path, writer: str | None, expected: bool) -> None:
    """``aws_cloudwatch_event_target`` from a bus whose ``aws_cloudwatch_event_permission``
    (``principal``: "The 12-digit AWS account ID ... or * to permit any AWS account",
    provider documentation) or ``aws_cloudwatch_event_bus_policy`` lets anyone put
    events."""
    doc = lint(tmp_path, _tf(writer))
    hit = [f for f in doc["findings"] if f["rule"] == "PE091" and "reports-" in f["message"]]
    assert bool(hit) == expected, doc["findings"]
